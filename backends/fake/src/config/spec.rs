//! What a parsed configuration holds: each device's descriptor, script and file; the error a
//! malformed one gives.

use std::path::PathBuf;

use mediacapture_hal::{BackendErrorKind, DeviceDescriptor};

/// A malformed configuration: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("fake devices configuration: {path}: {message}")]
pub struct FakeConfigError {
    /// The offending field, as a path (`videoinput[0].modes[1].width`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

/// A [`FakeConfigError`] at `path`.
pub(crate) fn err<T>(
    path: impl Into<String>,
    message: impl Into<String>,
) -> Result<T, FakeConfigError> {
    Err(FakeConfigError {
        path: path.into(),
        message: message.into(),
    })
}

/// What a fake device does by itself, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Script {
    /// Present only from this long after the backend was created.
    pub add_after_ms: Option<u64>,
    /// Removed this long after the backend was created (open handles end: device lost).
    pub remove_after_ms: Option<u64>,
    /// Muted this long after each open.
    pub mute_at_ms: Vec<u64>,
    /// Unmuted this long after each open.
    pub unmute_at_ms: Vec<u64>,
    /// Fails (open handles end: failure) this long after each open.
    pub fail_after_ms: Option<u64>,
    /// Opening fails with this.
    pub open_error: Option<BackendErrorKind>,
}

/// The file a file-backed device plays.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FileSpec {
    pub path: PathBuf,
    pub looping: bool,
}

/// One configured device.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FakeDeviceSpec {
    pub descriptor: DeviceDescriptor,
    pub script: Script,
    pub file: Option<FileSpec>,
}
