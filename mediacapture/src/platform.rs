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

/// The environment variable that chooses the real backends, in order: a comma-separated
/// list of `pipewire` and `cpal` (default: PipeWire, and cpal where no PipeWire daemon answers).
pub const BACKENDS_ENV: &str = "MEDIACAPTURE_BACKENDS";

/// The backends this build knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackendId {
    /// Fake devices, configured by JSON. Always available.
    Fake,
    /// The session's PipeWire daemon (cameras, microphones, speakers).
    PipeWire,
    /// cpal: microphones and speakers (PulseAudio, ALSA, other operating systems).
    Cpal,
}

/// Every backend compiled into this build.
pub const ALL_BACKENDS: &[BackendId] = &[
    BackendId::Fake,
    #[cfg(all(feature = "pipewire", target_os = "linux"))]
    BackendId::PipeWire,
    #[cfg(feature = "cpal")]
    BackendId::Cpal,
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
/// `MEDIACAPTURE_FAKE_DEVICES` when it is set; else those `MEDIACAPTURE_BACKENDS` names, in
/// its order; else PipeWire (Linux), and cpal where no PipeWire daemon answers. Without a
/// daemon the PipeWire backend has no devices until one starts. When two backends list the
/// same device, it is listed once (see [`MediaDevices::enumerate_devices`](crate::MediaDevices::enumerate_devices)).
///
/// # Errors
/// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is malformed, or `MEDIACAPTURE_BACKENDS`
/// names a backend this build lacks.
pub fn default_backends() -> Result<Vec<Arc<dyn Backend>>, MediaStreamError> {
    if let Some(fake) = fake_backend_from_env()? {
        return Ok(vec![Arc::new(fake)]);
    }
    if let Ok(list) = std::env::var(BACKENDS_ENV) {
        let mut out = Vec::new();
        for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            out.push(backend(name).ok_or_else(|| {
                MediaStreamError::type_error(format!(
                    "{BACKENDS_ENV}: no backend {name:?} in this build"
                ))
            })?);
        }
        return Ok(out);
    }
    #[allow(unused_mut)]
    let mut out: Vec<Arc<dyn Backend>> = Vec::new();
    #[cfg(all(feature = "pipewire", target_os = "linux"))]
    {
        let pw = mediacapture_backend_pipewire::PipeWireBackend::new();
        let connected = pw.is_connected();
        out.push(Arc::new(pw));
        if connected {
            return Ok(out);
        }
    }
    #[cfg(feature = "cpal")]
    out.push(Arc::new(mediacapture_backend_cpal::CpalBackend::new()));
    Ok(out)
}

/// A backend by its `MEDIACAPTURE_BACKENDS` name.
fn backend(name: &str) -> Option<Arc<dyn Backend>> {
    match name {
        #[cfg(all(feature = "pipewire", target_os = "linux"))]
        "pipewire" => Some(Arc::new(
            mediacapture_backend_pipewire::PipeWireBackend::new(),
        )),
        #[cfg(feature = "cpal")]
        "cpal" => Some(Arc::new(mediacapture_backend_cpal::CpalBackend::new())),
        _ => None,
    }
}
