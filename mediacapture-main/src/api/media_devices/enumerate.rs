//! enumerateDevices, `devicechange`, and what device information a program may see.

use std::sync::Arc;

use mediacapture_core::ids;
use mediacapture_hal::DeviceCapabilities;

use super::MediaDevices;
use crate::api::events::DeviceChangeEvent;
use crate::engine::bus::{DEFAULT_EVENT_CAPACITY, EventSubscription};
use crate::engine::context::DeviceRecord;
use crate::{MediaDeviceInfo, MediaDeviceKind, MediaStreamTrackKind, MediaTrackCapabilities};
use mediacapture_hal::sync::lock;

impl MediaDevices {
    /// Every device of every backend, default devices first within each kind. A device that
    /// an earlier backend already lists (the same kind and label: PipeWire and cpal's
    /// PulseAudio host see one microphone under one name) is listed once, by the first.
    pub(super) fn devices(&self) -> Vec<Arc<DeviceRecord>> {
        let mut out: Vec<Arc<DeviceRecord>> = Vec::new();
        for b in &self.inner.backends {
            match b.enumerate() {
                Ok(list) => {
                    for d in list {
                        let seen = out.iter().any(|o| {
                            !Arc::ptr_eq(&o.backend, b)
                                && o.descriptor.kind == d.kind
                                && o.descriptor.label == d.label
                        });
                        if seen {
                            continue;
                        }
                        out.push(Arc::new(DeviceRecord {
                            device_id: ids::device_id(&self.inner.origin, b.name(), &d.hardware_id),
                            group_id: ids::group_id(&self.inner.salt, b.name(), &d.group_key),
                            backend: Arc::clone(b),
                            descriptor: d,
                            generated: false,
                            rate_estimate: None,
                        }));
                    }
                }
                Err(e) => log::warn!("backend {} cannot list devices: {e}", b.name()),
            }
        }
        out.sort_by_key(|d| !d.descriptor.is_default);
        out
    }

    /// *camera information can be exposed*: a camera is live here, or `[[canExposeCameraInfo]]`.
    pub(super) fn can_expose(&self, kind: MediaStreamTrackKind) -> bool {
        let flag = match kind {
            MediaStreamTrackKind::Video => self.perms().expose_camera,
            MediaStreamTrackKind::Audio => self.perms().expose_microphone,
        };
        flag || self.inner.ctx.has_live(kind)
    }

    /// The spec's [creating a list of device info objects](https://w3c.github.io/mediacapture-main/#dfn-creating-a-list-of-device-info-objects).
    fn exposed(&self, devices: &[Arc<DeviceRecord>]) -> Vec<MediaDeviceInfo> {
        let info = |d: &DeviceRecord, exposed: bool| -> MediaDeviceInfo {
            let kind = d.descriptor.kind;
            let input = kind.track_kind().is_some();
            if input && !exposed {
                return MediaDeviceInfo {
                    device_id: String::new(),
                    kind,
                    label: String::new(),
                    group_id: String::new(),
                    capabilities: Some(MediaTrackCapabilities::default()),
                    native_formats: Vec::new(),
                };
            }
            MediaDeviceInfo {
                device_id: d.device_id.clone(),
                kind,
                label: d.descriptor.label.clone(),
                group_id: d.group_id.clone(),
                capabilities: input.then(|| d.capabilities()),
                native_formats: match &d.descriptor.capabilities {
                    DeviceCapabilities::Video(v) => v.native_formats.clone(),
                    _ => Vec::new(),
                },
            }
        };
        let of = |k: MediaDeviceKind| devices.iter().filter(move |d| d.descriptor.kind == k);
        let mic_ok = self.can_expose(MediaStreamTrackKind::Audio);
        let cam_ok = self.can_expose(MediaStreamTrackKind::Video);
        // Step 1. Microphones, the default first (devices() sorts defaults first).
        let mut mics: Vec<MediaDeviceInfo> = of(MediaDeviceKind::AudioInput)
            .map(|d| info(d, mic_ok))
            .collect();
        // Step 2. Cameras likewise.
        let mut cams: Vec<MediaDeviceInfo> = of(MediaDeviceKind::VideoInput)
            .map(|d| info(d, cam_ok))
            .collect();
        // Step 3. Without exposure, only the first of each kind (blanked).
        if !mic_ok {
            mics.truncate(1);
        }
        if !cam_ok {
            cams.truncate(1);
        }
        // Step 4. Other devices (audio outputs): the Audio Output spec exposes them when
        // microphone information can be exposed.
        let mut others = Vec::new();
        if mic_ok {
            others = of(MediaDeviceKind::AudioOutput)
                .map(|d| info(d, true))
                .collect::<Vec<_>>();
            // Step 5. The system default output also gets an entry with deviceId "default",
            // prepended.
            if let Some(first) = others.first().cloned() {
                others.insert(
                    0,
                    MediaDeviceInfo {
                        device_id: "default".into(),
                        label: format!("Default - {}", first.label),
                        ..first
                    },
                );
            }
        }
        // Step 6. Microphones, then cameras, then the others.
        mics.into_iter().chain(cams).chain(others).collect()
    }

    /// The devices the program may see now.
    ///
    /// Corresponds to [`MediaDevices.enumerateDevices()`](https://w3c.github.io/mediacapture-main/#dom-mediadevices-enumeratedevices).
    ///
    /// Microphones come first, then cameras, then audio outputs (with a `"default"` entry first),
    /// default devices first within each kind. While device information may not be exposed
    /// (under [`PermissionPolicy::Prompt`](crate::PermissionPolicy::Prompt) before a grant, or after a denial) the list holds at
    /// most one camera and one microphone, with empty ids and labels, and no outputs. Each call
    /// returns new objects. Never fails: a backend that cannot list its devices contributes
    /// none.
    ///
    /// # Cancel safety
    /// Completes on its first poll.
    #[doc(alias = "enumerateDevices")]
    pub async fn enumerate_devices(&self) -> Vec<MediaDeviceInfo> {
        // SPEC-DEVIATION: after close() the spec's promise would never settle; a native program
        // awaiting it would hang, so we return an empty list instead.
        if self.inner.ctx.lock().closed {
            return Vec::new();
        }
        self.exposed(&self.devices())
    }

    /// A subscription to `devicechange` events; it ends when this `MediaDevices` is closed or
    /// dropped. See [`EventSubscription`] for order and bounds.
    pub fn events(&self) -> EventSubscription<DeviceChangeEvent> {
        self.inner.devicechange.subscribe(DEFAULT_EVENT_CAPACITY)
    }

    /// The spec's device change notification steps: fire `devicechange` when the exposed list
    /// changed in content or order.
    pub(super) fn device_change_notification(&self) {
        if self.inner.ctx.lock().closed {
            return;
        }
        let new = self.devices();
        let (old_list, new_list) = {
            let mut stored = lock(&self.inner.stored);
            // Step 1. The previously exposed list and the new one.
            let old_list = self.exposed(&stored);
            let new_list = self.exposed(&new);
            // Step 2. Equal in content and order: nothing to do.
            if old_list == new_list {
                return;
            }
            // Step 3. Store the new list and fire.
            *stored = new;
            (old_list, new_list)
        };
        let inserted = new_list
            .iter()
            .filter(|d| !old_list.contains(d))
            .cloned()
            .collect();
        self.inner.devicechange.emit(DeviceChangeEvent {
            devices: new_list,
            user_inserted_devices: inserted,
        });
    }
}
