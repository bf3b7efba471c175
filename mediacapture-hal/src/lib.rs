//! The backend seam: what a capture backend (fake, PipeWire, cpal, …) implements.
//!
//! A [`Backend`] lists devices ([`DeviceDescriptor`]), opens one in a native configuration
//! ([`Backend::open`] → [`DeviceHandle`]), and tells its observers when the device list changes
//! ([`HotplugObserver`]). An open device reports what happens to it through an
//! [`DeviceEventSink`] ([`DeviceEvent`]: started, muted, unmuted, ended).
//!
//! Backends never produce DOMExceptions: they return [`BackendError`] with a
//! [`BackendErrorKind`], and the facade maps kinds to `MediaStreamError` in exactly one place.
//!
//! # For implementations
//! - `enumerate` must be cheap and must not open devices; the facade calls it for every
//!   `enumerateDevices()` and `getUserMedia()`.
//! - Hardware ids must be stable across runs for the same device: the facade hashes them into
//!   `deviceId`s that applications store.
//! - Never call a sink or an observer while holding a lock that `open`, `reconfigure` or `stop`
//!   take, and never call one from inside those methods: the facade may hold its own lock
//!   around them.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

use std::borrow::Cow;
use std::error::Error as StdError;
use std::sync::{Arc, Weak};

mod convert;
pub mod frame;
pub mod sync;

pub use frame::{
    AudioData, FrameBuffer, FramePool, MediaFrame, MediaSink, VideoFrame, VideoPixelFormat,
};
pub use mediacapture_types::MediaDeviceKind;
pub use mediacapture_types::device::{
    AudioConfig, AudioDeviceCapabilities, DeviceCapabilities, NativeConfig, NativeVideoFormat,
    VideoDeviceCapabilities, VideoMode,
};

/// One device as a backend sees it.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DeviceDescriptor {
    /// What kind of device it is.
    pub kind: MediaDeviceKind,
    /// The backend's identifier for it: unique within the backend and kind, stable across runs.
    pub hardware_id: String,
    /// Shared by every part of one physical device (a headset's microphone and speaker).
    pub group_key: String,
    /// Its human-readable label.
    pub label: String,
    /// Whether it is the system's default device of its kind.
    pub is_default: bool,
    /// What it can do.
    pub capabilities: DeviceCapabilities,
}

impl DeviceDescriptor {
    /// A descriptor with these fields; the group key is the hardware id, and it is not the
    /// default.
    pub fn new(
        kind: MediaDeviceKind,
        hardware_id: impl Into<String>,
        label: impl Into<String>,
        capabilities: DeviceCapabilities,
    ) -> Self {
        let hardware_id = hardware_id.into();
        DeviceDescriptor {
            kind,
            group_key: hardware_id.clone(),
            hardware_id,
            label: label.into(),
            is_default: false,
            capabilities,
        }
    }
}

/// Why an open device ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EndReason {
    /// The device was unplugged or otherwise disappeared.
    DeviceLost,
    /// The device or its driver failed.
    Failure(String),
    /// The OS or user revoked access.
    PermissionRevoked,
    /// The source has no more media (a file-backed device at the end of a file it does not
    /// loop).
    Finished,
}

/// What an open device reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DeviceEvent {
    /// The device delivered its first media.
    Started,
    /// The device cannot deliver media for now (OS mute, privacy shutter, stall).
    Muted,
    /// The device delivers media again.
    Unmuted,
    /// The device will never deliver media again.
    Ended(EndReason),
}

/// Where an open device reports its [`DeviceEvent`]s. Cheap to call; never blocks for long.
pub type DeviceEventSink = Arc<dyn Fn(DeviceEvent) + Send + Sync>;

/// Told when a backend's device list may have changed.
pub trait HotplugObserver: Send + Sync {
    /// The device list may have changed; call [`Backend::enumerate`] to see how.
    fn device_list_changed(&self);
}

/// A device opened by a backend. Dropping it stops the device.
pub trait DeviceHandle: Send {
    /// Switches the device to another native configuration; frames after it returns are in the
    /// new configuration.
    ///
    /// # Errors
    /// A [`BackendError`] when the device cannot switch; it keeps its old configuration.
    fn reconfigure(&mut self, config: &NativeConfig) -> Result<(), BackendError>;

    /// Stops the device. Further events are not delivered. Idempotent.
    fn stop(&mut self);
}

/// A capture backend.
pub trait Backend: Send + Sync {
    /// A short, stable name ("fake", "pipewire"): part of every `deviceId` it yields.
    fn name(&self) -> &'static str;

    /// The devices present now, in the backend's order (default devices first is best).
    ///
    /// # Errors
    /// A [`BackendError`] when the backend cannot list devices now (its daemon is gone, say).
    fn enumerate(&self) -> Result<Vec<DeviceDescriptor>, BackendError>;

    /// Opens the device `hardware_id` in `config`; `events` receives what happens to it and
    /// `media` its frames, in `config`'s format, on the backend's own thread.
    ///
    /// # Errors
    /// [`BackendErrorKind::DeviceBusy`] when another program holds it,
    /// [`BackendErrorKind::PermissionDenied`] when the OS refuses access,
    /// [`BackendErrorKind::DeviceGone`] when it no longer exists, others as they come.
    fn open(
        &self,
        hardware_id: &str,
        config: &NativeConfig,
        events: DeviceEventSink,
        media: MediaSink,
    ) -> Result<Box<dyn DeviceHandle>, BackendError>;

    /// Registers an observer of device-list changes; it is dropped when the `Weak` dies.
    fn watch(&self, observer: Weak<dyn HotplugObserver>);
}

/// What kind of failure a [`BackendError`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendErrorKind {
    /// The OS or the user refused access. Retrying does not help until permission changes.
    PermissionDenied,
    /// Another program holds the device. Retrying later may help.
    DeviceBusy,
    /// The device does not exist (any more).
    DeviceGone,
    /// The device exists but its media cannot be read: a hardware error, or for a file-backed
    /// device a malformed file.
    NotReadable,
    /// The configuration or operation is not supported by the device.
    Unsupported,
    /// Any other failure of the OS or the backend.
    Other,
}

/// A backend's error: a kind, a message and an optional cause.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{message}")]
pub struct BackendError {
    /// What kind of failure.
    pub kind: BackendErrorKind,
    /// What happened, for people.
    pub message: Cow<'static, str>,
    /// The underlying error, if any.
    #[source]
    pub source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl BackendError {
    /// An error of `kind` with `message`.
    pub fn new(kind: BackendErrorKind, message: impl Into<Cow<'static, str>>) -> Self {
        BackendError {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Attaches the underlying error.
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }
}
