//! [`MediaDevicesBuilder`]: backends, fake devices, the permission policy.

use std::fmt;
use std::sync::{Arc, Mutex};

use mediacapture_backend_fake::{FakeBackend, FakeDevicesConfig};
use mediacapture_hal::{Backend, HotplugObserver};

use super::{DevicesInner, MediaDevices, Observer, Perms};
use crate::MediaStreamError;
use crate::engine::bus::EventBus;
use crate::engine::context::Context;
use crate::permissions::{PermissionPolicy, PermissionState};
use mediacapture_hal::sync::lock;

/// Builds a [`MediaDevices`].
#[must_use]
pub struct MediaDevicesBuilder {
    backends: Vec<Arc<dyn Backend>>,
    policy: PermissionPolicy,
    origin: String,
}

impl fmt::Debug for MediaDevicesBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaDevicesBuilder")
            .field(
                "backends",
                &self.backends.iter().map(|b| b.name()).collect::<Vec<_>>(),
            )
            .field("policy", &self.policy)
            .field("origin", &self.origin)
            .finish()
    }
}

impl MediaDevicesBuilder {
    /// Uses `backend` (instead of the default backends; call again to add more).
    pub fn backend(mut self, backend: impl Backend + 'static) -> Self {
        self.backends.push(Arc::new(backend));
        self
    }

    /// Uses a shared backend, for example a [`FakeBackend`] that a test also drives.
    pub fn shared_backend(mut self, backend: Arc<dyn Backend>) -> Self {
        self.backends.push(backend);
        self
    }

    /// Uses fake devices with this configuration.
    pub fn fake_devices(self, config: FakeDevicesConfig) -> Self {
        self.backend(FakeBackend::new(config))
    }

    /// Uses the default fake devices (a camera, a microphone and a speaker).
    pub fn fake_default_devices(self) -> Self {
        self.backend(FakeBackend::with_default_devices())
    }

    /// Sets the permission policy (default: [`PermissionPolicy::Granted`]).
    pub fn permission_policy(mut self, policy: PermissionPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Sets the origin key that device ids are derived from (default `"mediacapture"`).
    /// Programs that must not share device ids with others set their own.
    pub fn origin(mut self, origin: impl Into<String>) -> Self {
        self.origin = origin.into();
        self
    }

    /// Builds it. Without any backend set, uses [`default_backends`](crate::platform::default_backends).
    ///
    /// # Errors
    /// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is needed and malformed.
    pub fn build(self) -> Result<MediaDevices, MediaStreamError> {
        #[cfg(mediacapture_unoptimized)]
        warn_unoptimized();
        let backends = if self.backends.is_empty() {
            crate::platform::default_backends()?
        } else {
            self.backends
        };
        log::info!(
            "mediacapture: backends {}",
            backends
                .iter()
                .map(|b| b.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let state = self.policy.initial_state();
        let granted = state == PermissionState::Granted;
        let prompt = match &self.policy {
            PermissionPolicy::Prompt(f) => Some(Arc::clone(f)),
            _ => None,
        };
        let inner = Arc::new(DevicesInner {
            ctx: Context::new(),
            backends,
            origin: self.origin,
            salt: uuid::Uuid::new_v4().to_string(),
            perms: Mutex::new(Perms {
                camera: state,
                microphone: state,
                prompt,
                // A native program with granted permissions is its own user: it sees device
                // information from the start. Under a prompt it sees it only after a grant, as
                // a web page does.
                expose_camera: granted,
                expose_microphone: granted,
            }),
            stored: Mutex::new(Vec::new()),
            devicechange: EventBus::retaining(),
            observer: Mutex::new(None),
        });
        let observer: Arc<dyn HotplugObserver> = Arc::new(Observer(Arc::downgrade(&inner)));
        for b in &inner.backends {
            b.watch(Arc::downgrade(&observer));
        }
        *lock(&inner.observer) = Some(observer);
        let devices = MediaDevices { inner };
        let list = devices.devices();
        *lock(&devices.inner.stored) = list;
        Ok(devices)
    }
}

/// Says once, in the log, that this build cannot keep up with real-time media.
#[cfg(mediacapture_unoptimized)]
fn warn_unoptimized() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        log::warn!(
            "mediacapture was built without optimizations (opt-level 0): video will not keep \
             up with a camera. Add `[profile.dev.package.\"*\"] opt-level = 2` to your \
             program's Cargo.toml (see the mediacapture README, \"Using it from your program\")."
        );
    });
}

impl MediaDevices {
    /// A builder, to choose backends, fake devices and the permission policy.
    pub fn builder() -> MediaDevicesBuilder {
        MediaDevicesBuilder {
            backends: Vec::new(),
            policy: PermissionPolicy::Granted,
            origin: "mediacapture".into(),
        }
    }
}
