//! `MediaDeviceInfo` and `InputDeviceInfo`.

use serde::Serialize;

use crate::types::device::NativeVideoFormat;
use crate::{MediaDeviceKind, MediaTrackCapabilities};

/// A device as `enumerateDevices()` lists it.
///
/// Corresponds to [`MediaDeviceInfo`](https://w3c.github.io/mediacapture-main/#mediadeviceinfo)
/// and, for inputs, [`InputDeviceInfo`](https://w3c.github.io/mediacapture-main/#inputdeviceinfo)
/// ([`get_capabilities`](Self::get_capabilities)). Each `enumerate_devices()` returns new
/// objects with the same values. Before the program may see device information, a camera or
/// microphone has empty `device_id`, `label` and `group_id`.
///
/// It serializes as `toJSON()` does: `{"deviceId", "kind", "label", "groupId"}`.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MediaDeviceInfo {
    pub(crate) device_id: String,
    pub(crate) kind: MediaDeviceKind,
    pub(crate) label: String,
    pub(crate) group_id: String,
    #[serde(skip)]
    pub(crate) capabilities: Option<MediaTrackCapabilities>,
    #[serde(skip)]
    pub(crate) native_formats: Vec<NativeVideoFormat>,
}

impl MediaDeviceInfo {
    /// The device's id: stable for this program across runs, `""` while hidden.
    #[doc(alias = "deviceId")]
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// `audioinput`, `audiooutput` or `videoinput`.
    pub fn kind(&self) -> MediaDeviceKind {
        self.kind
    }

    /// The device's label, `""` while hidden.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Shared by the parts of one physical device; unique to this `MediaDevices`. `""` while
    /// hidden.
    #[doc(alias = "groupId")]
    pub fn group_id(&self) -> &str {
        &self.group_id
    }

    /// For an input (an `InputDeviceInfo`): what a track opened on it with no constraints but
    /// its `deviceId` could report; `{}` (all absent) while the device is hidden. `None` for an
    /// audio output, which is not an `InputDeviceInfo`.
    ///
    /// Corresponds to [`InputDeviceInfo.getCapabilities()`](https://w3c.github.io/mediacapture-main/#dom-inputdeviceinfo-getcapabilities).
    #[doc(alias = "getCapabilities")]
    pub fn get_capabilities(&self) -> Option<MediaTrackCapabilities> {
        self.capabilities.clone()
    }

    /// A camera's native modes with their pixel formats, as its backend lists them; empty for
    /// other devices, while the camera is hidden, or when the backend does not say.
    ///
    /// Not in the spec (a page cannot see pixel formats): what a native program choosing
    /// constraints, or `mediacapture devices --modes`, wants to know.
    pub fn native_formats(&self) -> &[NativeVideoFormat] {
        &self.native_formats
    }

    /// `toJSON()`: the JSON object `{"deviceId", "kind", "label", "groupId"}`.
    ///
    /// Corresponds to [`MediaDeviceInfo.toJSON()`](https://w3c.github.io/mediacapture-main/#dom-mediadeviceinfo-tojson).
    #[doc(alias = "toJSON")]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "deviceId": self.device_id,
            "kind": self.kind.as_str(),
            "label": self.label,
            "groupId": self.group_id,
        })
    }
}
