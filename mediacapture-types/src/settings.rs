//! `MediaTrackSettings`.

use serde::{Deserialize, Serialize};

use crate::BooleanOrDOMString;

/// The current value of each constrainable property of a track.
///
/// Corresponds to [`MediaTrackSettings`](https://w3c.github.io/mediacapture-main/#dom-mediatracksettings).
/// Absent members are omitted from JSON. Members are in WebIDL (lexicographic) order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MediaTrackSettings {
    /// `width / height`, rounded to 10 decimal places.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub aspect_ratio: Option<f64>,
    /// Automatic gain control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_gain_control: Option<bool>,
    /// Background blur.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_blur: Option<bool>,
    /// Number of audio channels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_count: Option<u32>,
    /// The device's identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Echo cancellation (`true`, `false`, `"all"` or `"remote-only"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_cancellation: Option<BooleanOrDOMString>,
    /// The direction the camera faces; omitted when unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facing_mode: Option<String>,
    /// The configured frame rate (after decimation), not a measured one.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub frame_rate: Option<f64>,
    /// The physical device's group identifier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Height in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<u32>,
    /// Latency in seconds.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::constrain::serialize_js_opt_f64"
    )]
    pub latency: Option<f64>,
    /// Noise suppression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_suppression: Option<bool>,
    /// `"none"` or `"crop-and-scale"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize_mode: Option<String>,
    /// Samples per second.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<u32>,
    /// Bits per linear sample.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_size: Option<u32>,
    /// Width in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<u32>,
}

impl MediaTrackSettings {
    /// Only the *inherent* properties (`deviceId`, `facingMode`, `groupId`): what
    /// `getSettings()` reports once a track has ended
    /// ([spec](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getsettings)).
    pub fn inherent_only(&self) -> MediaTrackSettings {
        MediaTrackSettings {
            device_id: self.device_id.clone(),
            facing_mode: self.facing_mode.clone(),
            group_id: self.group_id.clone(),
            ..Default::default()
        }
    }
}

/// Rounds an aspect ratio to 10 decimal places, as the spec defines the `aspectRatio` setting.
pub fn round_aspect_ratio(r: f64) -> f64 {
    (r * 1e10).round() / 1e10
}
