//! `MediaTrackConstraintSet`, `MediaTrackConstraints` and `MediaStreamConstraints`.

use std::ops::{Deref, DerefMut};

use std::fmt;

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::json::parse_json;
use crate::{
    ConstrainBoolean, ConstrainBooleanOrDOMString, ConstrainDOMString, ConstrainDouble,
    ConstrainULong, MediaStreamError, MediaStreamTrackKind,
};

macro_rules! constrainable_properties {
    ($( $variant:ident, $field:ident, $json:literal, $ty:ty, $kind:expr, $doc:literal; )+) => {
        /// The constrainable properties of mediacapture-main, by their IDL names.
        ///
        /// Corresponds to the members of [`MediaTrackSupportedConstraints`](https://w3c.github.io/mediacapture-main/#dom-mediatracksupportedconstraints).
        /// Variants are in WebIDL (lexicographic) member order.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ConstrainableProperty {
            $( #[doc = $doc] $variant, )+
        }

        impl ConstrainableProperty {
            /// Every property, in WebIDL member order.
            pub const ALL: &'static [ConstrainableProperty] = &[$(ConstrainableProperty::$variant),+];

            /// The IDL name, as it appears in JSON and in `OverconstrainedError.constraint`.
            pub const fn as_str(self) -> &'static str {
                match self { $(ConstrainableProperty::$variant => $json),+ }
            }

            /// The track kind the property applies to, or `None` when it applies to both.
            pub const fn applies_only_to(self) -> Option<MediaStreamTrackKind> {
                match self { $(ConstrainableProperty::$variant => $kind),+ }
            }

            /// Looks a property up by its IDL name.
            pub fn from_name(name: &str) -> Option<Self> {
                match name { $($json => Some(ConstrainableProperty::$variant),)+ _ => None }
            }
        }

        /// One set of constraints: every constrainable property, each optional.
        ///
        /// Corresponds to [`MediaTrackConstraintSet`](https://w3c.github.io/mediacapture-main/#dom-mediatrackconstraintset).
        /// Unknown members are ignored when deserializing (WebIDL drops them); a member of the
        /// wrong type is an error. Build one with `Default` and the consuming setters:
        ///
        /// ```
        /// use mediacapture_types::{Constrain, MediaTrackConstraintSet};
        /// let set = MediaTrackConstraintSet::default().width(Constrain::min(640)).frame_rate(30.0);
        /// assert_eq!(serde_json::to_string(&set).unwrap(), r#"{"frameRate":30,"width":{"min":640}}"#);
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Serialize)]
        #[serde(rename_all = "camelCase")]
        #[non_exhaustive]
        pub struct MediaTrackConstraintSet {
            $(
                #[doc = $doc]
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )+
        }

        impl MediaTrackConstraintSet {
            $(
                #[doc = concat!("Sets `", $json, "`.")]
                #[must_use]
                pub fn $field(mut self, v: impl Into<$ty>) -> Self {
                    self.$field = Some(v.into());
                    self
                }
            )+

            /// The names of the members that are present, in WebIDL order.
            pub fn present(&self) -> Vec<ConstrainableProperty> {
                let mut v = Vec::new();
                $( if self.$field.is_some() { v.push(ConstrainableProperty::$variant); } )+
                v
            }

            /// Whether the member `p` is *required*: it uses `min`, `max` or `exact`.
            pub fn is_required(&self, p: ConstrainableProperty) -> bool {
                match p { $(ConstrainableProperty::$variant => self.$field.as_ref().is_some_and(|c| c.is_required()),)+ }
            }

            /// Removes the member `p`.
            pub fn remove(&mut self, p: ConstrainableProperty) {
                match p { $(ConstrainableProperty::$variant => self.$field = None,)+ }
            }

            /// Reads the value of member `key` from `map` into this set; returns `false` (and
            /// reads nothing) when `key` is not a member.
            fn read_member<'de, A: MapAccess<'de>>(&mut self, key: &str, map: &mut A) -> Result<bool, A::Error> {
                match key {
                    $( $json => self.$field = map.next_value::<Option<$ty>>()?, )+
                    _ => return Ok(false),
                }
                Ok(true)
            }

            /// Whether no member is present.
            pub fn is_empty(&self) -> bool {
                true $( && self.$field.is_none() )+
            }
        }
    };
}

use MediaStreamTrackKind::{Audio as A, Video as V};

constrainable_properties! {
    AspectRatio, aspect_ratio, "aspectRatio", ConstrainDouble, Some(V), "Width divided by height.";
    AutoGainControl, auto_gain_control, "autoGainControl", ConstrainBoolean, Some(A), "Automatic gain control.";
    BackgroundBlur, background_blur, "backgroundBlur", ConstrainBoolean, Some(V), "Background blur done by the platform.";
    ChannelCount, channel_count, "channelCount", ConstrainULong, Some(A), "Number of audio channels.";
    DeviceId, device_id, "deviceId", ConstrainDOMString, None, "The device's identifier (`MediaDeviceInfo.deviceId`).";
    EchoCancellation, echo_cancellation, "echoCancellation", ConstrainBooleanOrDOMString, Some(A), "Echo cancellation: a boolean or an `EchoCancellationModeEnum` string.";
    FacingMode, facing_mode, "facingMode", ConstrainDOMString, Some(V), "The direction the camera faces (`VideoFacingModeEnum`).";
    FrameRate, frame_rate, "frameRate", ConstrainDouble, Some(V), "Frames per second.";
    GroupId, group_id, "groupId", ConstrainDOMString, None, "The physical device's group identifier (`MediaDeviceInfo.groupId`).";
    Height, height, "height", ConstrainULong, Some(V), "Height in pixels.";
    Latency, latency, "latency", ConstrainDouble, Some(A), "Latency in seconds.";
    NoiseSuppression, noise_suppression, "noiseSuppression", ConstrainBoolean, Some(A), "Noise suppression.";
    ResizeMode, resize_mode, "resizeMode", ConstrainDOMString, Some(V), "How size and rate may be derived from the camera's (`VideoResizeModeEnum`).";
    SampleRate, sample_rate, "sampleRate", ConstrainULong, Some(A), "Samples per second.";
    SampleSize, sample_size, "sampleSize", ConstrainULong, Some(A), "Bits per linear sample.";
    Width, width, "width", ConstrainULong, Some(V), "Width in pixels.";
}

impl ConstrainableProperty {
    /// Whether the property applies to tracks of `kind`.
    pub fn applies_to(self, kind: MediaStreamTrackKind) -> bool {
        self.applies_only_to().is_none_or(|k| k == kind)
    }

    /// The properties that getUserMedia lets a caller *require* (with `min`, `max` or `exact`)
    /// in the basic set; requiring any other is a `TypeError`
    /// ([spec](https://w3c.github.io/mediacapture-main/#dom-mediadevices-getusermedia), step 6.4).
    pub fn allowed_required_for_device_selection(self) -> bool {
        !matches!(self, ConstrainableProperty::BackgroundBlur)
    }
}

impl std::fmt::Display for ConstrainableProperty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The constraints of one track: a basic set plus a list of `advanced` sets.
///
/// Corresponds to [`MediaTrackConstraints`](https://w3c.github.io/mediacapture-main/#dom-mediatrackconstraints).
/// It dereferences to its basic [`MediaTrackConstraintSet`], as the IDL dictionary inherits it.
///
/// ```
/// use mediacapture_types::{Constrain, MediaTrackConstraints};
/// let c = MediaTrackConstraints::from_json(r#"{"width":{"ideal":1280},"advanced":[{"aspectRatio":1.5}]}"#)?;
/// assert_eq!(c.width, Some(Constrain::ideal(1280)));
/// assert_eq!(c.advanced.as_ref().map(Vec::len), Some(1));
/// # Ok::<(), mediacapture_types::MediaStreamError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MediaTrackConstraints {
    /// The basic constraint set.
    #[serde(flatten)]
    pub basic: MediaTrackConstraintSet,
    /// The advanced constraint sets, tried in order; one that cannot be met is skipped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub advanced: Option<Vec<MediaTrackConstraintSet>>,
}

impl Deref for MediaTrackConstraints {
    type Target = MediaTrackConstraintSet;
    fn deref(&self) -> &MediaTrackConstraintSet {
        &self.basic
    }
}

impl DerefMut for MediaTrackConstraints {
    fn deref_mut(&mut self) -> &mut MediaTrackConstraintSet {
        &mut self.basic
    }
}

impl From<MediaTrackConstraintSet> for MediaTrackConstraints {
    fn from(basic: MediaTrackConstraintSet) -> Self {
        MediaTrackConstraints {
            basic,
            advanced: None,
        }
    }
}

impl MediaTrackConstraints {
    /// Constraints with this basic set and these advanced sets.
    pub fn new(basic: MediaTrackConstraintSet, advanced: Vec<MediaTrackConstraintSet>) -> Self {
        MediaTrackConstraints {
            basic,
            advanced: Some(advanced),
        }
    }

    /// Parses the JSON a web page would pass to `applyConstraints()`.
    ///
    /// # Errors
    /// [`MediaStreamError::TypeError`] naming the offending member when a member has the wrong
    /// type, or a double is not finite.
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        let c: Self = parse_json(json)?;
        c.validate()?;
        Ok(c)
    }

    /// The advanced sets (empty when absent).
    pub fn advanced_sets(&self) -> &[MediaTrackConstraintSet] {
        self.advanced.as_deref().unwrap_or(&[])
    }

    /// Checks what WebIDL checks on conversion that Rust types cannot: doubles must be finite.
    ///
    /// # Errors
    /// [`MediaStreamError::TypeError`] naming the member.
    pub fn validate(&self) -> Result<(), MediaStreamError> {
        let sets = std::iter::once(&self.basic).chain(self.advanced_sets());
        for set in sets {
            for (name, c) in [
                ("aspectRatio", &set.aspect_ratio),
                ("frameRate", &set.frame_rate),
                ("latency", &set.latency),
            ] {
                let finite = match c {
                    None => true,
                    Some(crate::Constrain::Value(v)) => v.is_finite(),
                    Some(crate::Constrain::Range(r)) => [r.exact, r.ideal, r.max, r.min]
                        .iter()
                        .flatten()
                        .all(|v| v.is_finite()),
                };
                if !finite {
                    return Err(MediaStreamError::type_error(format!(
                        "{name}: the value is not a finite floating-point value"
                    )));
                }
            }
        }
        Ok(())
    }
}

/// `true`, `false` or a [`MediaTrackConstraints`]: one member of [`MediaStreamConstraints`].
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum BoolOrConstraints {
    /// `true` requests a track with no constraints; `false` requests none.
    Bool(bool),
    /// Requests a track with these constraints (boxed: the dictionary is large).
    Constraints(Box<MediaTrackConstraints>),
}

// Hand-written rather than derived: `untagged` and `flatten` lose the path of a bad member, and
// a TypeError must name it.
impl<'de> Deserialize<'de> for MediaTrackConstraintSet {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MediaTrackConstraintSet;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a MediaTrackConstraintSet dictionary")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut set = MediaTrackConstraintSet::default();
                while let Some(key) = map.next_key::<String>()? {
                    if !set.read_member(&key, &mut map)? {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(set)
            }
        }
        d.deserialize_map(V)
    }
}

impl<'de> Deserialize<'de> for MediaTrackConstraints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ConstraintsVisitor)
    }
}

struct ConstraintsVisitor;

impl<'de> Visitor<'de> for ConstraintsVisitor {
    type Value = MediaTrackConstraints;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a MediaTrackConstraints dictionary")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut c = MediaTrackConstraints::default();
        while let Some(key) = map.next_key::<String>()? {
            if key == "advanced" {
                c.advanced = map.next_value()?;
            } else if !c.basic.read_member(&key, &mut map)? {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(c)
    }
}

impl<'de> Deserialize<'de> for BoolOrConstraints {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = BoolOrConstraints;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a boolean or a MediaTrackConstraints dictionary")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
                Ok(BoolOrConstraints::Bool(v))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                ConstraintsVisitor
                    .visit_map(map)
                    .map(|c| BoolOrConstraints::Constraints(Box::new(c)))
            }
        }
        d.deserialize_any(V)
    }
}

impl Default for BoolOrConstraints {
    fn default() -> Self {
        BoolOrConstraints::Bool(false)
    }
}

impl BoolOrConstraints {
    /// Whether a track of this kind is requested (`true` or a dictionary).
    pub fn is_requested(&self) -> bool {
        !matches!(self, BoolOrConstraints::Bool(false))
    }

    /// The constraints: `{}` for `true`, `None` when not requested.
    pub fn constraints(&self) -> Option<MediaTrackConstraints> {
        match self {
            BoolOrConstraints::Bool(false) => None,
            BoolOrConstraints::Bool(true) => Some(MediaTrackConstraints::default()),
            BoolOrConstraints::Constraints(c) => Some((**c).clone()),
        }
    }
}

impl From<bool> for BoolOrConstraints {
    fn from(b: bool) -> Self {
        BoolOrConstraints::Bool(b)
    }
}

impl From<MediaTrackConstraints> for BoolOrConstraints {
    fn from(c: MediaTrackConstraints) -> Self {
        BoolOrConstraints::Constraints(Box::new(c))
    }
}

impl From<MediaTrackConstraintSet> for BoolOrConstraints {
    fn from(c: MediaTrackConstraintSet) -> Self {
        BoolOrConstraints::Constraints(Box::new(c.into()))
    }
}

/// What `getUserMedia()` is asked for.
///
/// Corresponds to [`MediaStreamConstraints`](https://w3c.github.io/mediacapture-main/#dom-mediastreamconstraints).
/// Members serialize in WebIDL order (`audio`, then `video`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MediaStreamConstraints {
    /// The audio request.
    #[serde(default)]
    pub audio: BoolOrConstraints,
    /// The video request.
    #[serde(default)]
    pub video: BoolOrConstraints,
}

impl MediaStreamConstraints {
    /// A request for these kinds.
    pub fn new(audio: impl Into<BoolOrConstraints>, video: impl Into<BoolOrConstraints>) -> Self {
        MediaStreamConstraints {
            audio: audio.into(),
            video: video.into(),
        }
    }

    /// Requests a video track with no constraints.
    pub fn video() -> Self {
        Self::new(false, true)
    }

    /// Requests an audio track with no constraints.
    pub fn audio() -> Self {
        Self::new(true, false)
    }

    /// Parses the JSON a web page would pass to `getUserMedia()`.
    ///
    /// # Errors
    /// [`MediaStreamError::TypeError`] naming the offending member (for example
    /// `video.width: invalid type: string "wide", expected a number or a ConstrainULongRange
    /// dictionary`).
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        let c: Self = parse_json(json)?;
        for (name, m) in [("audio", &c.audio), ("video", &c.video)] {
            if let BoolOrConstraints::Constraints(t) = m {
                t.validate()
                    .map_err(|e| MediaStreamError::type_error(format!("{name}.{}", e.message())))?;
            }
        }
        Ok(c)
    }

    /// The member for `kind`.
    pub fn get(&self, kind: MediaStreamTrackKind) -> &BoolOrConstraints {
        match kind {
            MediaStreamTrackKind::Audio => &self.audio,
            MediaStreamTrackKind::Video => &self.video,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Constrain;
    use serde_json::json;

    #[test]
    fn json_is_strict_trailing_data_and_duplicates_are_type_errors() {
        let e = MediaStreamConstraints::from_json(r#"{"video":true} garbage"#).unwrap_err();
        assert_eq!(e.name(), "TypeError");
        assert!(e.message().contains("trailing"), "{}", e.message());
        let top = MediaStreamConstraints::from_json(r#"{"video":true,"video":false}"#).unwrap_err();
        assert!(
            top.message().starts_with("duplicate field `video`"),
            "{}",
            top.message()
        );
        let inner = MediaStreamConstraints::from_json(r#"{"video":{"width":640,"width":1280}}"#)
            .unwrap_err();
        assert_eq!(inner.name(), "TypeError");
        assert!(
            inner
                .message()
                .starts_with("video: duplicate field `width`"),
            "{}",
            inner.message()
        );
        let deep =
            MediaTrackConstraints::from_json(r#"{"advanced":[{"height":{"min":1,"min":2}}]}"#)
                .unwrap_err();
        assert!(
            deep.message()
                .starts_with("advanced[0].height: duplicate field `min`"),
            "{}",
            deep.message()
        );
        // Members that differ only in case are different members.
        assert!(MediaTrackConstraints::from_json(r#"{"width":640,"Width":1}"#).is_ok());
    }

    #[test]
    fn the_issue_example_round_trips() {
        let src = r#"{"video":{"width":{"ideal":1280},"frameRate":30,"facingMode":{"exact":["user","environment"]}},"audio":true}"#;
        let c = MediaStreamConstraints::from_json(src).unwrap();
        assert_eq!(c.audio, BoolOrConstraints::Bool(true));
        let BoolOrConstraints::Constraints(v) = &c.video else {
            panic!("video")
        };
        assert_eq!(v.width, Some(Constrain::ideal(1280)));
        assert_eq!(v.frame_rate, Some(Constrain::Value(30.0)));
        let back = serde_json::to_value(&c).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(src).unwrap()
        );
    }

    #[test]
    fn unknown_names_are_ignored_and_defaults_are_false() {
        let c = MediaStreamConstraints::from_json(
            r#"{"doesnotexist":true,"video":{"zoomzoom":{"exact":3}}}"#,
        )
        .unwrap();
        assert!(!c.audio.is_requested());
        assert!(c.video.is_requested());
        assert_eq!(
            c.video.constraints().unwrap(),
            MediaTrackConstraints::default()
        );
        assert!(
            !MediaStreamConstraints::from_json("{}")
                .unwrap()
                .video
                .is_requested()
        );
    }

    #[test]
    fn wrong_types_are_type_errors_naming_the_member() {
        let e = MediaStreamConstraints::from_json(r#"{"video":{"width":"wide"}}"#).unwrap_err();
        assert_eq!(e.name(), "TypeError");
        assert!(e.message().starts_with("video.width:"), "{}", e.message());
        let e =
            MediaStreamConstraints::from_json(r#"{"video":{"advanced":[{"height":{"min":"x"}}]}}"#)
                .unwrap_err();
        assert!(e.message().contains("height"), "{}", e.message());
        let e = MediaStreamConstraints::from_json(r#"{"video":3}"#).unwrap_err();
        assert_eq!(e.name(), "TypeError");
        let e = MediaStreamConstraints::from_json("not json").unwrap_err();
        assert_eq!(e.name(), "TypeError");
    }

    #[test]
    fn advanced_and_basic_serialize_as_one_dictionary() {
        let v = json!({"aspectRatio":1.5,"advanced":[{"width":1920,"height":1280},{"aspectRatio":1.3333333333}]});
        let c: MediaTrackConstraints = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(c.advanced_sets().len(), 2);
        assert_eq!(serde_json::to_value(&c).unwrap(), v);
        let empty: MediaTrackConstraints = serde_json::from_value(json!({"advanced":[]})).unwrap();
        assert_eq!(
            serde_json::to_value(&empty).unwrap(),
            json!({"advanced":[]})
        );
    }

    #[test]
    fn property_table_is_consistent() {
        assert_eq!(ConstrainableProperty::ALL.len(), 16);
        let mut sorted = ConstrainableProperty::ALL
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>();
        sorted.sort();
        let names = ConstrainableProperty::ALL
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>();
        assert_eq!(
            names, sorted,
            "variants must be in WebIDL (lexicographic) order"
        );
        for p in ConstrainableProperty::ALL {
            assert_eq!(ConstrainableProperty::from_name(p.as_str()), Some(*p));
        }
        assert!(ConstrainableProperty::Width.applies_to(MediaStreamTrackKind::Video));
        assert!(!ConstrainableProperty::Width.applies_to(MediaStreamTrackKind::Audio));
        assert!(ConstrainableProperty::DeviceId.applies_to(MediaStreamTrackKind::Audio));
        let set = MediaTrackConstraintSet::default()
            .width(Constrain::exact(5))
            .height(5);
        assert!(set.is_required(ConstrainableProperty::Width));
        assert!(!set.is_required(ConstrainableProperty::Height));
        assert_eq!(
            set.present(),
            vec![ConstrainableProperty::Height, ConstrainableProperty::Width]
        );
    }

    #[test]
    fn non_finite_doubles_are_type_errors() {
        let c = MediaTrackConstraints::from(
            MediaTrackConstraintSet::default().frame_rate(Constrain::min(f64::NAN)),
        );
        assert_eq!(c.validate().unwrap_err().name(), "TypeError");
    }
}
