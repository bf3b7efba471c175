//! `MediaTrackSupportedConstraints`.

use std::collections::BTreeSet;

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::ConstrainableProperty;

/// The constrainable properties the implementation recognises.
///
/// Corresponds to [`MediaTrackSupportedConstraints`](https://w3c.github.io/mediacapture-main/#dom-mediatracksupportedconstraints).
/// It serializes as the spec's dictionary: every supported name maps to `true`, and names that are
/// not supported are absent (never `false`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MediaTrackSupportedConstraints {
    supported: BTreeSet<ConstrainableProperty>,
}

impl MediaTrackSupportedConstraints {
    /// A dictionary listing exactly these properties.
    pub fn new(props: impl IntoIterator<Item = ConstrainableProperty>) -> Self {
        MediaTrackSupportedConstraints {
            supported: props.into_iter().collect(),
        }
    }

    /// Whether `p` is supported.
    pub fn supports(&self, p: ConstrainableProperty) -> bool {
        self.supported.contains(&p)
    }

    /// Whether the property named `name` is supported.
    pub fn supports_name(&self, name: &str) -> bool {
        ConstrainableProperty::from_name(name).is_some_and(|p| self.supports(p))
    }

    /// The supported properties, in WebIDL order.
    pub fn iter(&self) -> impl Iterator<Item = ConstrainableProperty> + '_ {
        self.supported.iter().copied()
    }
}

impl Serialize for MediaTrackSupportedConstraints {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.supported.len()))?;
        for p in &self.supported {
            m.serialize_entry(p.as_str(), &true)?;
        }
        m.end()
    }
}
