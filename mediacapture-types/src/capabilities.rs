//! `MediaTrackCapabilities` and its range types.

use serde::{Deserialize, Serialize};

use crate::BooleanOrDOMString;

/// An inclusive range of `unsigned long`.
///
/// Corresponds to [`ULongRange`](https://w3c.github.io/mediacapture-main/#dom-ulongrange).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[allow(clippy::upper_case_acronyms)]
pub struct ULongRange {
    /// The largest value.
    pub max: u32,
    /// The smallest value.
    pub min: u32,
}

/// An inclusive range of `double`.
///
/// Corresponds to [`DoubleRange`](https://w3c.github.io/mediacapture-main/#dom-doublerange).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct DoubleRange {
    /// The largest value.
    #[serde(serialize_with = "crate::constrain::serialize_js_f64_ref")]
    pub max: f64,
    /// The smallest value.
    #[serde(serialize_with = "crate::constrain::serialize_js_f64_ref")]
    pub min: f64,
}

/// What values each constrainable property of a track (or an input device) can take.
///
/// Corresponds to [`MediaTrackCapabilities`](https://w3c.github.io/mediacapture-main/#dom-mediatrackcapabilities).
/// Numeric members are `{min, max}`; boolean members list the values that can be had
/// (`[false]`, `[true]` or `[true, false]`). Absent members are omitted from JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MediaTrackCapabilities {
    /// Aspect ratios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aspect_ratio: Option<DoubleRange>,
    /// Automatic gain control values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_gain_control: Option<Vec<bool>>,
    /// Background blur values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub background_blur: Option<Vec<bool>>,
    /// Channel counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_count: Option<ULongRange>,
    /// The device's identifier (a single string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    /// Echo cancellation values: booleans first, then `EchoCancellationModeEnum` strings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub echo_cancellation: Option<Vec<BooleanOrDOMString>>,
    /// Directions the camera faces (may be empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facing_mode: Option<Vec<String>>,
    /// Frame rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame_rate: Option<DoubleRange>,
    /// The physical device's group identifier (a single string).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<String>,
    /// Heights.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub height: Option<ULongRange>,
    /// Latencies in seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<DoubleRange>,
    /// Noise suppression values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub noise_suppression: Option<Vec<bool>>,
    /// Resize modes; always contains `"none"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resize_mode: Option<Vec<String>>,
    /// Sample rates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_rate: Option<ULongRange>,
    /// Sample sizes in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sample_size: Option<ULongRange>,
    /// Widths.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub width: Option<ULongRange>,
}
