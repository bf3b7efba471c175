//! `MediaDevices`: getUserMedia, enumerateDevices, devicechange.
//!
//! - `builder.rs`: [`MediaDevicesBuilder`](builder::MediaDevicesBuilder);
//! - `enumerate.rs`: enumerateDevices, `devicechange`, what device information is exposed;
//! - `permission.rs`: permissions and their prompts;
//! - `get_user_media.rs`: the getUserMedia algorithm.

pub mod builder;
mod enumerate;
mod get_user_media;
mod permission;

use std::fmt;
use std::sync::{Arc, Mutex, Weak};

use mediacapture_hal::{Backend, HotplugObserver};

use crate::api::events::DeviceChangeEvent;
use crate::engine::bus::EventBus;
use crate::engine::context::{Context, DeviceRecord};
use crate::permissions::{PermissionName, PermissionState, PromptCallback};
use crate::{ConstrainableProperty, MediaStreamError, MediaTrackSupportedConstraints};

/// The entry point: lists devices and opens them as tracks.
///
/// Corresponds to [`MediaDevices`](https://w3c.github.io/mediacapture-main/#mediadevices).
///
/// One `MediaDevices` plays the role of one document's `navigator.mediaDevices`: it owns the
/// sources it opened, hands out `groupId`s unique to it, and decides what device information
/// the program may see under its [`PermissionPolicy`](crate::PermissionPolicy). Cheap to clone (clones are handles onto
/// the same object); `Send + Sync`.
///
/// ```
/// use mediacapture_main::*;
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let c = MediaStreamConstraints::from_json(r#"{"video":{"width":{"exact":641},"height":{"exact":361}}}"#)?;
/// let stream = block_on(devices.get_user_media(c))?;
/// let track = &stream.get_video_tracks()[0];
/// let s = track.get_settings();
/// assert_eq!((s.width, s.height, s.resize_mode.as_deref()), (Some(641), Some(361), Some("crop-and-scale")));
///
/// let too_wide = MediaStreamConstraints::from_json(r#"{"video":{"width":{"exact":5000}}}"#)?;
/// let e = block_on(devices.get_user_media(too_wide)).unwrap_err();
/// assert_eq!((e.name(), e.constraint()), ("OverconstrainedError", Some("width")));
/// # Ok::<(), MediaStreamError>(())
/// ```
#[derive(Clone)]
pub struct MediaDevices {
    inner: Arc<DevicesInner>,
}

struct Perms {
    camera: PermissionState,
    microphone: PermissionState,
    prompt: Option<PromptCallback>,
    /// `[[canExposeCameraInfo]]`.
    expose_camera: bool,
    /// `[[canExposeMicrophoneInfo]]`.
    expose_microphone: bool,
}

impl Perms {
    fn get(&self, name: PermissionName) -> PermissionState {
        match name {
            PermissionName::Camera => self.camera,
            PermissionName::Microphone => self.microphone,
        }
    }
    fn set(&mut self, name: PermissionName, state: PermissionState) {
        match name {
            PermissionName::Camera => self.camera = state,
            PermissionName::Microphone => self.microphone = state,
        }
    }
}

struct DevicesInner {
    ctx: Arc<Context>,
    backends: Vec<Arc<dyn Backend>>,
    origin: String,
    salt: String,
    perms: Mutex<Perms>,
    /// `[[storedDeviceList]]`.
    stored: Mutex<Vec<Arc<DeviceRecord>>>,
    devicechange: EventBus<DeviceChangeEvent>,
    observer: Mutex<Option<Arc<dyn HotplugObserver>>>,
}

impl Drop for DevicesInner {
    fn drop(&mut self) {
        self.devicechange.close();
    }
}

struct Observer(Weak<DevicesInner>);

impl HotplugObserver for Observer {
    fn device_list_changed(&self) {
        if let Some(inner) = self.0.upgrade() {
            MediaDevices { inner }.device_change_notification();
        }
    }
}

impl MediaDevices {
    /// A `MediaDevices` on the default backends (see
    /// [`default_backends`](crate::platform::default_backends)) with permissions granted.
    ///
    /// # Errors
    /// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is set and malformed.
    pub fn new() -> Result<Self, MediaStreamError> {
        Self::builder().build()
    }

    /// Stops every source this `MediaDevices` opened, as when a document goes away: every live
    /// track ends *without* an `ended` event. Afterwards getUserMedia fails with
    /// `InvalidStateError`, `enumerate_devices` returns nothing, and `devicechange`
    /// subscriptions end.
    pub fn close(&self) {
        self.inner.ctx.stop_all();
        self.inner.devicechange.close();
    }

    /// Every constrainable property this implementation honours, each `true`.
    ///
    /// Corresponds to [`MediaDevices.getSupportedConstraints()`](https://w3c.github.io/mediacapture-main/#dom-mediadevices-getsupportedconstraints).
    #[doc(alias = "getSupportedConstraints")]
    pub fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        MediaTrackSupportedConstraints::new(ConstrainableProperty::ALL.iter().copied())
    }
}

impl fmt::Debug for MediaDevices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaDevices")
            .field(
                "backends",
                &self
                    .inner
                    .backends
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}
