//! Permissions: their state, the prompt, and what they expose.

use super::{MediaDevices, Perms};
use crate::MediaStreamTrackKind;
use crate::permissions::{PermissionName, PermissionState};
use mediacapture_hal::sync::lock;

impl MediaDevices {
    pub(super) fn perms(&self) -> std::sync::MutexGuard<'_, Perms> {
        lock(&self.inner.perms)
    }

    /// The state of a permission.
    ///
    /// Corresponds to [`navigator.permissions.query({name})`](https://w3c.github.io/permissions/#dom-permissions-query)
    /// for `"camera"` and `"microphone"`.
    pub fn query_permission(&self, name: PermissionName) -> PermissionState {
        self.perms().get(name)
    }

    /// Changes a permission, as a user would in settings. Revoking a granted permission runs
    /// the spec's [device permission revocation algorithm](https://w3c.github.io/mediacapture-main/#dfn-device-permission-revocation-algorithm):
    /// every live track of that kind ends and fires `ended`.
    pub fn set_permission(&self, name: PermissionName, state: PermissionState) {
        let was = {
            let mut p = self.perms();
            let was = p.get(name);
            p.set(name, state);
            was
        };
        if was == PermissionState::Granted && state != PermissionState::Granted {
            let kind = match name {
                PermissionName::Camera => MediaStreamTrackKind::Video,
                PermissionName::Microphone => MediaStreamTrackKind::Audio,
            };
            for t in self.inner.ctx.live_tracks(Some(kind)) {
                self.inner.ctx.end_track(t);
            }
        }
    }

    /// The spec's *set device information exposure*(requested, true).
    pub(super) fn set_device_information_exposure(&self, requested: &[MediaStreamTrackKind]) {
        let mut p = self.perms();
        for k in requested {
            match k {
                MediaStreamTrackKind::Video => {
                    p.expose_camera = true;
                    if p.microphone == PermissionState::Granted {
                        p.expose_microphone = true;
                    }
                }
                MediaStreamTrackKind::Audio => {
                    p.expose_microphone = true;
                    if p.camera == PermissionState::Granted {
                        p.expose_camera = true;
                    }
                }
            }
        }
    }
}
