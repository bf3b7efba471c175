//! Permissions: who may capture, and when the program's user is asked.

use std::fmt;
use std::sync::Arc;

use crate::{MediaDeviceKind, MediaStreamTrackKind};

/// The powerful features of Media Capture and Streams.
///
/// Corresponds to the [`"camera"` and `"microphone"`](https://w3c.github.io/mediacapture-main/#permissions-integration)
/// permission names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionName {
    /// Video capture.
    Camera,
    /// Audio capture.
    Microphone,
}

impl PermissionName {
    /// `"camera"` or `"microphone"`.
    pub fn as_str(self) -> &'static str {
        match self {
            PermissionName::Camera => "camera",
            PermissionName::Microphone => "microphone",
        }
    }

    /// The permission that covers tracks of `kind`.
    pub fn for_kind(kind: MediaStreamTrackKind) -> Self {
        match kind {
            MediaStreamTrackKind::Audio => PermissionName::Microphone,
            MediaStreamTrackKind::Video => PermissionName::Camera,
        }
    }

    /// The permission that covers devices of `kind` (`None` for outputs).
    pub fn for_device_kind(kind: MediaDeviceKind) -> Option<Self> {
        kind.track_kind().map(Self::for_kind)
    }
}

/// The state of a permission.
///
/// Corresponds to [`PermissionState`](https://w3c.github.io/permissions/#dom-permissionstate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PermissionState {
    /// Capture is allowed without asking.
    Granted,
    /// Capture is refused.
    Denied,
    /// The user will be asked on the next getUserMedia.
    Prompt,
}

/// What is being asked when the policy is [`PermissionPolicy::Prompt`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PermissionRequest {
    /// The permissions needed (combined into one prompt, as the spec asks).
    pub names: Vec<PermissionName>,
    /// The labels of the devices that would be opened, by kind.
    pub devices: Vec<(MediaDeviceKind, String)>,
}

/// The callback of [`PermissionPolicy::Prompt`]: `true` grants every permission in the request.
pub type PromptCallback = Arc<dyn Fn(&PermissionRequest) -> bool + Send + Sync>;

/// How a [`MediaDevices`](crate::MediaDevices) decides whether the program may capture.
///
/// A native program is its own user agent: by default capture is [`Granted`](Self::Granted),
/// and device labels and ids are visible from the start. [`Prompt`](Self::Prompt) behaves like
/// a browser: labels and ids stay hidden until a getUserMedia is granted, and the callback
/// decides (it runs on the thread that awaits getUserMedia, and may block).
#[derive(Clone, Default)]
pub enum PermissionPolicy {
    /// Camera and microphone are granted.
    #[default]
    Granted,
    /// Camera and microphone are denied: getUserMedia fails with `NotAllowedError`.
    Denied,
    /// Ask the callback on the first getUserMedia of each kind; remember its answer.
    ///
    /// The callback runs inside that getUserMedia, which holds the `MediaDevices`' operation
    /// lock: it must not call `get_user_media` or `apply_constraints` on the same
    /// `MediaDevices` (that would wait for itself).
    Prompt(PromptCallback),
}

impl fmt::Debug for PermissionPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PermissionPolicy::Granted => f.write_str("Granted"),
            PermissionPolicy::Denied => f.write_str("Denied"),
            PermissionPolicy::Prompt(_) => f.write_str("Prompt(..)"),
        }
    }
}

impl PermissionPolicy {
    /// A prompt with this callback.
    pub fn prompt(f: impl Fn(&PermissionRequest) -> bool + Send + Sync + 'static) -> Self {
        PermissionPolicy::Prompt(Arc::new(f))
    }

    pub(crate) fn initial_state(&self) -> PermissionState {
        match self {
            PermissionPolicy::Granted => PermissionState::Granted,
            PermissionPolicy::Denied => PermissionState::Denied,
            PermissionPolicy::Prompt(_) => PermissionState::Prompt,
        }
    }
}
