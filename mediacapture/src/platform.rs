//! The one place that names backends.
//!
//! The fake backend is always compiled; the PipeWire backend is behind the `pipewire` feature
//! (on by default, Linux only). [`default_backends`] chooses among them at run time.

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
    /// The session's PipeWire daemon (cameras, microphones, speakers).
    PipeWire,
}

/// Every backend compiled into this build.
pub const ALL_BACKENDS: &[BackendId] = &[
    BackendId::Fake,
    #[cfg(all(feature = "pipewire", target_os = "linux"))]
    BackendId::PipeWire,
];

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
/// `MEDIACAPTURE_FAKE_DEVICES` when it is set, otherwise the real backends compiled in: PipeWire
/// on Linux (no devices while no PipeWire daemon runs; it is found when it starts).
///
/// # Errors
/// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is malformed.
pub fn default_backends() -> Result<Vec<Arc<dyn Backend>>, MediaStreamError> {
    if let Some(fake) = fake_backend_from_env()? {
        return Ok(vec![Arc::new(fake)]);
    }
    let backends: Vec<Arc<dyn Backend>> = vec![
        #[cfg(all(feature = "pipewire", target_os = "linux"))]
        Arc::new(mediacapture_backend_pipewire::PipeWireBackend::new()),
    ];
    Ok(backends)
}
