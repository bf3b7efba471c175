//! The dictionaries of [MediaStream Image Capture](https://w3c.github.io/mediacapture-image/):
//! `PhotoCapabilities`, `PhotoSettings` and `MediaSettingsRange`.

use serde::{Deserialize, Serialize};

use crate::{FillLightMode, MediaStreamError, RedEyeReduction};

/// A range of numbers: `min` to `max` in steps of `step`.
///
/// Corresponds to [`MediaSettingsRange`](https://w3c.github.io/mediacapture-image/#mediasettingsrange)
/// (a dictionary in the spec; Chrome makes it an interface).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaSettingsRange {
    /// The largest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub max: Option<f64>,
    /// The smallest value.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub min: Option<f64>,
    /// The distance between two allowed values.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub step: Option<f64>,
}

impl MediaSettingsRange {
    /// `{min, max, step}`.
    pub fn new(min: f64, max: f64, step: f64) -> Self {
        MediaSettingsRange {
            max: Some(max),
            min: Some(min),
            step: Some(step),
        }
    }

    /// Whether `v` lies within `[min, max]` (an absent bound does not limit).
    pub fn contains(&self, v: f64) -> bool {
        self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

/// What a camera's still photos can be.
///
/// Corresponds to [`PhotoCapabilities`](https://w3c.github.io/mediacapture-image/#photocapabilities).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PhotoCapabilities {
    /// The flash modes the device offers (empty when it has no flash).
    #[serde(default)]
    pub fill_light_mode: Vec<FillLightMode>,
    /// The heights a photo may have, in pixels.
    #[serde(default)]
    pub image_height: MediaSettingsRange,
    /// The widths a photo may have, in pixels.
    #[serde(default)]
    pub image_width: MediaSettingsRange,
    /// Whether the device can reduce red eye.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_eye_reduction: Option<RedEyeReduction>,
}

/// The settings of a still photo: asked of `takePhoto()`, reported by `getPhotoSettings()`.
///
/// Corresponds to [`PhotoSettings`](https://w3c.github.io/mediacapture-image/#photosettings).
/// Absent members mean "the device's current choice".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct PhotoSettings {
    /// The flash mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_light_mode: Option<FillLightMode>,
    /// The photo's height in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub image_height: Option<f64>,
    /// The photo's width in pixels.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub image_width: Option<f64>,
    /// Whether to reduce red eye.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_eye_reduction: Option<bool>,
}

impl PhotoSettings {
    /// Parses the JSON a web page would pass to `takePhoto()`; a wrong member or type is a
    /// `TypeError` that names it.
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        let de = &mut serde_json::Deserializer::from_str(json);
        serde_path_to_error::deserialize(de).map_err(|e| {
            MediaStreamError::type_error(format!("PhotoSettings.{}: {}", e.path(), e.inner()))
        })
    }

    /// Sets the photo's size.
    pub fn with_size(mut self, width: u32, height: u32) -> Self {
        self.image_width = Some(f64::from(width));
        self.image_height = Some(f64::from(height));
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photo_dictionaries_have_the_web_json_shape() {
        let s = PhotoSettings::from_json(
            r#"{"imageWidth":1280,"imageHeight":720,"fillLightMode":"flash"}"#,
        )
        .unwrap();
        assert_eq!(s.image_width, Some(1280.0));
        assert_eq!(s.fill_light_mode, Some(FillLightMode::Flash));
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"fillLightMode":"flash","imageHeight":720,"imageWidth":1280}"#
        );
        let e = PhotoSettings::from_json(r#"{"fillLightMode":"torch"}"#).unwrap_err();
        assert_eq!(e.name(), "TypeError");
        assert!(e.message().contains("fillLightMode"), "{e}");
        let caps = PhotoCapabilities {
            fill_light_mode: vec![FillLightMode::Off],
            image_height: MediaSettingsRange::new(1.0, 1080.0, 1.0),
            image_width: MediaSettingsRange::new(1.0, 1920.0, 1.0),
            red_eye_reduction: Some(RedEyeReduction::Never),
        };
        assert_eq!(
            serde_json::to_string(&caps).unwrap(),
            r#"{"fillLightMode":["off"],"imageHeight":{"max":1080,"min":1,"step":1},"imageWidth":{"max":1920,"min":1,"step":1},"redEyeReduction":"never"}"#
        );
        assert!(caps.image_width.contains(1920.0) && !caps.image_width.contains(1921.0));
    }
}
