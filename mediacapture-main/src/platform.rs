//! The one place that names backends.
//!
//! The fake backend is always compiled; the PipeWire backend is behind the `pipewire` feature
//! (on by default, Linux only) and the cpal backend behind `cpal` (on by default).
//! [`default_backends`] chooses among them at run time, from two environment variables:
//!
//! | variable | value | backends |
//! |---|---|---|
//! | `MEDIACAPTURE_FAKE_DEVICES` | a JSON configuration, the path of a file holding one, or `default` | only fake devices: those, or the default set |
//! | `MEDIACAPTURE_BACKENDS` | a comma-separated list of `fake`, `pipewire`, `cpal` ([`BackendId`]) | those, in that order (`fake`: the devices of `MEDIACAPTURE_FAKE_DEVICES`, else the default set) |
//! | neither | | PipeWire, plus cpal where no PipeWire daemon answers |
//!
//! So `MEDIACAPTURE_BACKENDS=fake` (or `MEDIACAPTURE_FAKE_DEVICES=default`) runs any program
//! on the default fake devices: one camera, one microphone and one speaker.

use std::sync::Arc;

use mediacapture_backend_fake::{FakeBackend, FakeDevicesConfig};
use mediacapture_hal::Backend;

use crate::MediaStreamError;

/// The environment variable that replaces the default backends by fake devices: a JSON
/// configuration, the path of a file holding one (see [`FakeDevicesConfig`]), or
/// [`DEFAULT_FAKE_DEVICES`] for the default set.
pub const FAKE_DEVICES_ENV: &str = "MEDIACAPTURE_FAKE_DEVICES";

/// The value of [`FAKE_DEVICES_ENV`] that selects the default fake devices (one camera, one
/// microphone, one speaker; [`FakeDevicesConfig::default_devices`]).
pub const DEFAULT_FAKE_DEVICES: &str = "default";

/// The environment variable that chooses the backends, in order: a comma-separated list of
/// [`BackendId`] names (default: PipeWire, and cpal where no PipeWire daemon answers).
pub const BACKENDS_ENV: &str = "MEDIACAPTURE_BACKENDS";

/// A backend, by the name `MEDIACAPTURE_BACKENDS` gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackendId {
    /// `fake`: fake devices, configured by JSON. Always available.
    Fake,
    /// `pipewire`: the session's PipeWire daemon (cameras, microphones, speakers).
    PipeWire,
    /// `cpal`: microphones and speakers (PulseAudio, ALSA, other operating systems).
    Cpal,
}

impl BackendId {
    /// Every backend, compiled into this build or not.
    pub const ALL: &'static [BackendId] = &[BackendId::Fake, BackendId::PipeWire, BackendId::Cpal];

    /// Its name in `MEDIACAPTURE_BACKENDS`.
    pub fn name(self) -> &'static str {
        match self {
            BackendId::Fake => "fake",
            BackendId::PipeWire => "pipewire",
            BackendId::Cpal => "cpal",
        }
    }

    /// Which of these `backend` is (`None` for a program's own backend).
    pub fn of(backend: &dyn Backend) -> Option<BackendId> {
        backend.name().parse().ok()
    }

    /// Whether this build has it (its cargo feature is on, on an operating system it runs on).
    pub fn is_available(self) -> bool {
        match self {
            BackendId::Fake => true,
            BackendId::PipeWire => cfg!(all(feature = "pipewire", target_os = "linux")),
            BackendId::Cpal => cfg!(feature = "cpal"),
        }
    }

    /// Parses a `MEDIACAPTURE_BACKENDS` value: names separated by commas (blanks around them
    /// are ignored), at least one.
    ///
    /// # Errors
    /// `TypeError` for an unknown name, a backend this build lacks, or an empty list.
    pub fn parse_list(list: &str) -> Result<Vec<BackendId>, MediaStreamError> {
        let ids = list
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(|n| {
                let id: BackendId = n
                    .parse()
                    .map_err(|e| MediaStreamError::type_error(format!("{BACKENDS_ENV}: {e}")))?;
                if id.is_available() {
                    Ok(id)
                } else {
                    Err(MediaStreamError::type_error(format!(
                        "{BACKENDS_ENV}: the {n:?} backend is not in this build (its cargo feature is off)"
                    )))
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ids.is_empty() {
            return Err(MediaStreamError::type_error(format!(
                "{BACKENDS_ENV}: names no backend (one or more of {})",
                names()
            )));
        }
        Ok(ids)
    }
}

fn names() -> String {
    BackendId::ALL
        .iter()
        .map(|b| b.name())
        .collect::<Vec<_>>()
        .join(", ")
}

impl std::fmt::Display for BackendId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl std::str::FromStr for BackendId {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        BackendId::ALL
            .iter()
            .copied()
            .find(|b| b.name() == s)
            .ok_or_else(|| format!("no backend {s:?} (the backends are {})", names()))
    }
}

/// Every backend compiled into this build.
pub const ALL_BACKENDS: &[BackendId] = &[
    BackendId::Fake,
    #[cfg(all(feature = "pipewire", target_os = "linux"))]
    BackendId::PipeWire,
    #[cfg(feature = "cpal")]
    BackendId::Cpal,
];

/// An environment variable's value; `None` when unset or blank.
///
/// # Errors
/// `TypeError` when it is set but not UTF-8 (ignoring it would silently run on other devices).
fn env(name: &str) -> Result<Option<String>, MediaStreamError> {
    match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Ok(Some(v)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(MediaStreamError::type_error(format!(
            "{name} is not valid UTF-8"
        ))),
    }
}

/// The fake devices `MEDIACAPTURE_FAKE_DEVICES` describes, if it is set (`default`: the default
/// set).
///
/// # Errors
/// `TypeError` naming the field when the configuration is malformed, or the variable is not
/// UTF-8.
pub fn fake_devices_from_env() -> Result<Option<FakeDevicesConfig>, MediaStreamError> {
    let Some(v) = env(FAKE_DEVICES_ENV)? else {
        return Ok(None);
    };
    if v.trim() == DEFAULT_FAKE_DEVICES {
        return Ok(Some(FakeDevicesConfig::default_devices()));
    }
    FakeDevicesConfig::from_json_or_file(&v)
        .map(Some)
        .map_err(|e| MediaStreamError::type_error(format!("{FAKE_DEVICES_ENV}: {e}")))
}

/// Fake devices from `MEDIACAPTURE_FAKE_DEVICES`, if it is set.
///
/// # Errors
/// As [`fake_devices_from_env`].
pub fn fake_backend_from_env() -> Result<Option<FakeBackend>, MediaStreamError> {
    Ok(fake_devices_from_env()?.map(FakeBackend::new))
}

/// The backends `MEDIACAPTURE_BACKENDS` names, if it is set.
///
/// # Errors
/// As [`BackendId::parse_list`], or `TypeError` when the variable is not UTF-8.
pub fn backends_from_env() -> Result<Option<Vec<BackendId>>, MediaStreamError> {
    env(BACKENDS_ENV)?
        .map(|v| BackendId::parse_list(&v))
        .transpose()
}

/// The backends a [`MediaDevices::new`](crate::MediaDevices::new) uses (see the
/// [module docs](self)). Without a daemon the PipeWire backend has no devices until one
/// starts. When two backends list the same device, it is listed once (see
/// [`MediaDevices::enumerate_devices`](crate::MediaDevices::enumerate_devices)).
///
/// # Errors
/// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is malformed, or `MEDIACAPTURE_BACKENDS`
/// names a backend this build lacks.
pub fn default_backends() -> Result<Vec<Arc<dyn Backend>>, MediaStreamError> {
    let fake = fake_devices_from_env()?;
    let chosen = backends_from_env()?;
    if let (Some(config), None) = (&fake, &chosen) {
        return Ok(vec![Arc::new(FakeBackend::new(config.clone()))]);
    }
    if let Some(ids) = chosen {
        return Ok(ids
            .into_iter()
            .filter_map(|id| open(id, fake.as_ref()))
            .collect());
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

/// Starts the backend `id`, if this build has it; `fake` is the configuration for
/// [`BackendId::Fake`] (the default set when `None`).
fn open(id: BackendId, fake: Option<&FakeDevicesConfig>) -> Option<Arc<dyn Backend>> {
    match id {
        BackendId::Fake => Some(Arc::new(FakeBackend::new(
            fake.cloned()
                .unwrap_or_else(FakeDevicesConfig::default_devices),
        ))),
        #[cfg(all(feature = "pipewire", target_os = "linux"))]
        BackendId::PipeWire => Some(Arc::new(
            mediacapture_backend_pipewire::PipeWireBackend::new(),
        )),
        #[cfg(not(all(feature = "pipewire", target_os = "linux")))]
        BackendId::PipeWire => None,
        #[cfg(feature = "cpal")]
        BackendId::Cpal => Some(Arc::new(mediacapture_backend_cpal::CpalBackend::new())),
        #[cfg(not(feature = "cpal"))]
        BackendId::Cpal => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_lists_parse_into_ids() {
        assert_eq!(
            BackendId::parse_list(" fake ,fake").unwrap(),
            vec![BackendId::Fake, BackendId::Fake]
        );
        for id in ALL_BACKENDS {
            assert_eq!(BackendId::parse_list(id.name()).unwrap(), vec![*id]);
            assert_eq!(id.to_string().parse::<BackendId>(), Ok(*id));
        }
        let e = BackendId::parse_list("fake,v4l2").unwrap_err();
        assert_eq!(e.name(), "TypeError");
        assert!(e.message().contains("\"v4l2\""), "{e}");
        assert!(e.message().contains("fake, pipewire, cpal"), "{e}");
        assert_eq!(
            BackendId::parse_list(" , ").unwrap_err().name(),
            "TypeError"
        );
    }
}
