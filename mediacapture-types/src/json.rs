//! Strict JSON, as `JSON.parse` then WebIDL conversion would see it, for every dictionary
//! parsed from JSON.

use serde::Deserialize;

use crate::MediaStreamError;

/// Parses JSON into `T`, turning any error into a `TypeError` that names the path.
pub fn parse_json<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, MediaStreamError> {
    // Strict JSON, as `JSON.parse` then WebIDL conversion would see it: one value, nothing
    // after it, and no object with the same member twice (which serde's `flatten` would
    // otherwise take the last of), wherever it is.
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize::<_, NoDuplicates>(&mut *de)
        .map_err(path_error)
        .and_then(|_| {
            de.end()
                .map_err(|e| MediaStreamError::type_error(e.to_string()))
        })?;
    let de = &mut serde_json::Deserializer::from_str(json);
    serde_path_to_error::deserialize(de).map_err(path_error)
}

fn path_error(e: serde_path_to_error::Error<serde_json::Error>) -> MediaStreamError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if path == "." || path.is_empty() {
        MediaStreamError::type_error(inner.to_string())
    } else {
        MediaStreamError::type_error(format!("{path}: {inner}"))
    }
}

/// Any JSON value, refused if an object in it has a member twice.
struct NoDuplicates;

impl<'de> Deserialize<'de> for NoDuplicates {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NoDuplicatesVisitor)
    }
}

struct NoDuplicatesVisitor;

impl<'de> serde::de::Visitor<'de> for NoDuplicatesVisitor {
    type Value = NoDuplicates;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_i64<E>(self, _: i64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_u64<E>(self, _: u64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_f64<E>(self, _: f64) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_str<E>(self, _: &str) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }
    fn visit_unit<E>(self) -> Result<NoDuplicates, E> {
        Ok(NoDuplicates)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<NoDuplicates, A::Error> {
        while seq.next_element::<NoDuplicates>()?.is_some() {}
        Ok(NoDuplicates)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<NoDuplicates, A::Error> {
        let mut seen = std::collections::HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if !seen.insert(key.clone()) {
                return Err(serde::de::Error::custom(format_args!(
                    "duplicate field `{key}`"
                )));
            }
            map.next_value::<NoDuplicates>()?;
        }
        Ok(NoDuplicates)
    }
}
