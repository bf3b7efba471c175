//! The JSON shape of a configuration, as serde reads it (checked further by `device.rs`).

use serde::Deserialize;

use mediacapture_hal::BackendErrorKind;
use mediacapture_types::BooleanOrDOMString;

/// A value or a list of values.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged, expecting = "a value or a list of values")]
pub(crate) enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    pub(crate) fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(v) => v,
        }
    }
}

/// How opening a fake device fails.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum OpenError {
    PermissionDenied,
    Busy,
    Gone,
    Failed,
}

impl OpenError {
    pub(crate) fn kind(self) -> BackendErrorKind {
        match self {
            OpenError::PermissionDenied => BackendErrorKind::PermissionDenied,
            OpenError::Busy => BackendErrorKind::DeviceBusy,
            OpenError::Gone => BackendErrorKind::DeviceGone,
            OpenError::Failed => BackendErrorKind::Other,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct ModeConfig {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) frame_rate: f64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(crate) struct DeviceConfig {
    pub(crate) label: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) group: Option<String>,
    #[serde(default)]
    pub(crate) default: bool,
    // Cameras.
    pub(crate) facing_mode: Option<OneOrMany<String>>,
    pub(crate) crop_and_scale: Option<bool>,
    pub(crate) modes: Option<Vec<ModeConfig>>,
    pub(crate) background_blur: Option<Vec<bool>>,
    pub(crate) fill_light_mode: Option<Vec<String>>,
    // Microphones.
    pub(crate) sample_rate: Option<OneOrMany<u32>>,
    pub(crate) channel_count: Option<OneOrMany<u32>>,
    pub(crate) sample_size: Option<OneOrMany<u32>>,
    pub(crate) latency: Option<OneOrMany<f64>>,
    pub(crate) echo_cancellation: Option<Vec<BooleanOrDOMString>>,
    pub(crate) auto_gain_control: Option<Vec<bool>>,
    pub(crate) noise_suppression: Option<Vec<bool>>,
    // File-backed devices.
    pub(crate) file: Option<String>,
    #[serde(rename = "loop")]
    pub(crate) looping: Option<bool>,
    // Scripted behaviour.
    pub(crate) open_error: Option<OpenError>,
    pub(crate) add_after_ms: Option<u64>,
    pub(crate) remove_after_ms: Option<u64>,
    #[serde(default)]
    pub(crate) mute_at_ms: Vec<u64>,
    #[serde(default)]
    pub(crate) unmute_at_ms: Vec<u64>,
    pub(crate) fail_after_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileConfig {
    #[serde(default)]
    pub(crate) videoinput: Vec<DeviceConfig>,
    #[serde(default)]
    pub(crate) audioinput: Vec<DeviceConfig>,
    #[serde(default)]
    pub(crate) audiooutput: Vec<DeviceConfig>,
}
