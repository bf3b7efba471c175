//! The one place that names backends.
//!
//! Today there is the fake backend only (always compiled). Real backends (PipeWire, cpal) will
//! be added here behind cargo features, and [`default_backends`] will choose among them at run
//! time by availability.

use std::sync::Arc;

use mediacapture_backend_fake::{FakeBackend, FakeDevicesConfig};
use mediacapture_hal::Backend;

use crate::MediaStreamError;

/// The environment variable that replaces the default backends by fake devices: a JSON
/// configuration, or the path of a file holding one (see [`FakeDevicesConfig`]).
pub const FAKE_DEVICES_ENV: &str = "MEDIACAPTURE_FAKE_DEVICES";

/// The backends this build knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendId {
    /// Fake devices, configured by JSON. Always available.
    Fake,
}

/// Every backend compiled into this build.
pub const ALL_BACKENDS: &[BackendId] = &[BackendId::Fake];

/// Fake devices from `MEDIACAPTURE_FAKE_DEVICES`, if it is set.
///
/// # Errors
/// `TypeError` naming the field when the configuration is malformed.
pub fn fake_backend_from_env() -> Result<Option<FakeBackend>, MediaStreamError> {
    match std::env::var(FAKE_DEVICES_ENV) {
        Ok(v) if !v.trim().is_empty() => {
            let config = FakeDevicesConfig::from_json_or_file(&v)
                .map_err(|e| MediaStreamError::type_error(format!("{FAKE_DEVICES_ENV}: {e}")))?;
            Ok(Some(FakeBackend::new(config)))
        }
        _ => Ok(None),
    }
}

/// The backends a [`MediaDevices::new`](crate::MediaDevices::new) uses: the fake devices of
/// `MEDIACAPTURE_FAKE_DEVICES` when it is set, otherwise the real backends available on this
/// machine (none are compiled into this build yet, so: no devices).
///
/// # Errors
/// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is malformed.
pub fn default_backends() -> Result<Vec<Arc<dyn Backend>>, MediaStreamError> {
    if let Some(fake) = fake_backend_from_env()? {
        return Ok(vec![Arc::new(fake)]);
    }
    Ok(Vec::new())
}
