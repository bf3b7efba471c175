//! `MediaDevices`: getUserMedia, enumerateDevices, devicechange.

use std::fmt;
use std::sync::{Arc, Mutex, Weak};

use mediacapture_backend_fake::{FakeBackend, FakeDevicesConfig};
use mediacapture_core::{
    DeviceOffer, FailedConstraint, Selection, disallowed_required_constraint, ids, select_settings,
};
use mediacapture_hal::{Backend, DeviceCapabilities, HotplugObserver, NativeConfig};

use crate::api::events::DeviceChangeEvent;
use crate::api::media_stream_track::defaults_for_hint;
use crate::engine::bus::{DEFAULT_EVENT_CAPACITY, EventBus, EventSubscription};
use crate::engine::context::{Context, DeviceRecord, TrackSlot};
use crate::engine::source::{NewTrack, StartFailure, start_failure};
use crate::permissions::{
    PermissionName, PermissionPolicy, PermissionRequest, PermissionState, PromptCallback,
};
use crate::{
    ConstrainableProperty, MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamConstraints,
    MediaStreamError, MediaStreamTrack, MediaStreamTrackKind, MediaTrackCapabilities,
    MediaTrackConstraints, MediaTrackSupportedConstraints,
};
use mediacapture_hal::sync::lock;

/// The entry point: lists devices and opens them as tracks.
///
/// Corresponds to [`MediaDevices`](https://w3c.github.io/mediacapture-main/#mediadevices).
///
/// One `MediaDevices` plays the role of one document's `navigator.mediaDevices`: it owns the
/// sources it opened, hands out `groupId`s unique to it, and decides what device information
/// the program may see under its [`PermissionPolicy`]. Cheap to clone (clones are handles onto
/// the same object); `Send + Sync`.
///
/// ```
/// use mediacapture_main::*;
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let c = MediaStreamConstraints::from_json(r#"{"video":{"width":{"exact":641},"height":{"exact":361}}}"#)?;
/// let stream = block_on(devices.get_user_media(c))?;
/// let track = &stream.get_video_tracks()[0];
/// let s = track.get_settings();
/// assert_eq!((s.width, s.height, s.resize_mode.as_deref()), (Some(641), Some(361), Some("crop-and-scale")));
///
/// let too_wide = MediaStreamConstraints::from_json(r#"{"video":{"width":{"exact":5000}}}"#)?;
/// let e = block_on(devices.get_user_media(too_wide)).unwrap_err();
/// assert_eq!((e.name(), e.constraint()), ("OverconstrainedError", Some("width")));
/// # Ok::<(), MediaStreamError>(())
/// ```
#[derive(Clone)]
pub struct MediaDevices {
    inner: Arc<DevicesInner>,
}

struct Perms {
    camera: PermissionState,
    microphone: PermissionState,
    prompt: Option<PromptCallback>,
    /// `[[canExposeCameraInfo]]`.
    expose_camera: bool,
    /// `[[canExposeMicrophoneInfo]]`.
    expose_microphone: bool,
}

impl Perms {
    fn get(&self, name: PermissionName) -> PermissionState {
        match name {
            PermissionName::Camera => self.camera,
            PermissionName::Microphone => self.microphone,
        }
    }
    fn set(&mut self, name: PermissionName, state: PermissionState) {
        match name {
            PermissionName::Camera => self.camera = state,
            PermissionName::Microphone => self.microphone = state,
        }
    }
}

struct DevicesInner {
    ctx: Arc<Context>,
    backends: Vec<Arc<dyn Backend>>,
    origin: String,
    salt: String,
    perms: Mutex<Perms>,
    /// `[[storedDeviceList]]`.
    stored: Mutex<Vec<Arc<DeviceRecord>>>,
    devicechange: EventBus<DeviceChangeEvent>,
    observer: Mutex<Option<Arc<dyn HotplugObserver>>>,
}

impl Drop for DevicesInner {
    fn drop(&mut self) {
        self.devicechange.close();
    }
}

struct Observer(Weak<DevicesInner>);

impl HotplugObserver for Observer {
    fn device_list_changed(&self) {
        if let Some(inner) = self.0.upgrade() {
            MediaDevices { inner }.device_change_notification();
        }
    }
}

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

/// What getUserMedia decided for one kind before starting a device (its *finalSet*).
struct Plan {
    kind: MediaStreamTrackKind,
    constraints: MediaTrackConstraints,
    candidates: Vec<Arc<DeviceRecord>>,
    /// Step 6.5's selection over exactly `candidates`, when it still applies.
    selection: Option<Selection>,
}

fn strip_non_applicable(c: &mut MediaTrackConstraints, kind: MediaStreamTrackKind) {
    for p in ConstrainableProperty::ALL {
        if !p.applies_to(kind) {
            c.basic.remove(*p);
            if let Some(adv) = c.advanced.as_mut() {
                for set in adv {
                    set.remove(*p);
                }
            }
        }
    }
}

fn kind_name(kind: MediaStreamTrackKind) -> &'static str {
    match kind {
        MediaStreamTrackKind::Audio => "microphone",
        MediaStreamTrackKind::Video => "camera",
    }
}

impl MediaDevices {
    /// The `NotFoundError` message for a kind no device offers; where no fake devices are in
    /// use, it says how to get them (a first run on a machine without a camera).
    fn none_available(&self, kind: MediaStreamTrackKind) -> String {
        let kind = kind_name(kind);
        if self.inner.backends.iter().any(|b| b.name() == "fake") {
            format!("no {kind} is available")
        } else {
            format!(
                "no {kind} is available (MEDIACAPTURE_BACKENDS=fake gives any program the built-in fake devices)"
            )
        }
    }

    /// A `MediaDevices` on the default backends (see
    /// [`default_backends`](crate::platform::default_backends)) with permissions granted.
    ///
    /// # Errors
    /// `TypeError` when `MEDIACAPTURE_FAKE_DEVICES` is set and malformed.
    pub fn new() -> Result<Self, MediaStreamError> {
        Self::builder().build()
    }

    /// A builder, to choose backends, fake devices and the permission policy.
    pub fn builder() -> MediaDevicesBuilder {
        MediaDevicesBuilder {
            backends: Vec::new(),
            policy: PermissionPolicy::Granted,
            origin: "mediacapture".into(),
        }
    }

    /// Every device of every backend, default devices first within each kind. A device that
    /// an earlier backend already lists (the same kind and label: PipeWire and cpal's
    /// PulseAudio host see one microphone under one name) is listed once, by the first.
    fn devices(&self) -> Vec<Arc<DeviceRecord>> {
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

    fn perms(&self) -> std::sync::MutexGuard<'_, Perms> {
        lock(&self.inner.perms)
    }

    /// *camera information can be exposed*: a camera is live here, or `[[canExposeCameraInfo]]`.
    fn can_expose(&self, kind: MediaStreamTrackKind) -> bool {
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
    /// (under [`PermissionPolicy::Prompt`] before a grant, or after a denial) the list holds at
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

    /// Every constrainable property this implementation honours, each `true`.
    ///
    /// Corresponds to [`MediaDevices.getSupportedConstraints()`](https://w3c.github.io/mediacapture-main/#dom-mediadevices-getsupportedconstraints).
    #[doc(alias = "getSupportedConstraints")]
    pub fn get_supported_constraints(&self) -> MediaTrackSupportedConstraints {
        MediaTrackSupportedConstraints::new(ConstrainableProperty::ALL.iter().copied())
    }

    /// A subscription to `devicechange` events; it ends when this `MediaDevices` is closed or
    /// dropped. See [`EventSubscription`] for order and bounds.
    pub fn events(&self) -> EventSubscription<DeviceChangeEvent> {
        self.inner.devicechange.subscribe(DEFAULT_EVENT_CAPACITY)
    }

    /// The spec's device change notification steps: fire `devicechange` when the exposed list
    /// changed in content or order.
    fn device_change_notification(&self) {
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

    /// Stops every source this `MediaDevices` opened, as when a document goes away: every live
    /// track ends *without* an `ended` event. Afterwards getUserMedia fails with
    /// `InvalidStateError`, `enumerate_devices` returns nothing, and `devicechange`
    /// subscriptions end.
    pub fn close(&self) {
        self.inner.ctx.stop_all();
        self.inner.devicechange.close();
    }

    /// Prompts for media: returns a stream with at most one audio and one video track,
    /// satisfying `constraints`.
    ///
    /// Corresponds to [`MediaDevices.getUserMedia()`](https://w3c.github.io/mediacapture-main/#dom-mediadevices-getusermedia).
    ///
    /// # Errors
    /// In the spec's order of checks:
    /// - `TypeError`: neither audio nor video requested; a non-finite double; a *required*
    ///   (min/max/exact) constraint that getUserMedia may not require (`backgroundBlur`);
    /// - `InvalidStateError`: this `MediaDevices` was [closed](Self::close);
    /// - `NotFoundError`: no device of a requested kind;
    /// - `OverconstrainedError`: no device can satisfy the required constraints; `constraint`
    ///   names one (`""` while device information may not be exposed and permission is not
    ///   granted);
    /// - `NotAllowedError`: permission denied (by the policy, the prompt or the OS);
    /// - `NotReadableError`: every fitting device is busy (held by another program);
    /// - `AbortError`: every fitting device failed to start for another reason.
    ///
    /// A device already running for a live track of this `MediaDevices` is shared: the new
    /// track gets settings obtainable from its current mode, or `OverconstrainedError`.
    ///
    /// # Cancel safety
    /// The work is done when the future is first polled (opening devices on the polling thread;
    /// a [`Prompt`](PermissionPolicy::Prompt) callback runs there too). Dropping the future
    /// after that drops the stream, which stops its tracks.
    #[doc(alias = "getUserMedia")]
    pub async fn get_user_media(
        &self,
        constraints: MediaStreamConstraints,
    ) -> Result<MediaStream, MediaStreamError> {
        self.get_user_media_now(&constraints)
    }

    /// [`get_user_media`](Self::get_user_media), blocking the calling thread.
    ///
    /// # Errors
    /// As [`get_user_media`](Self::get_user_media).
    pub fn get_user_media_blocking(
        &self,
        constraints: MediaStreamConstraints,
    ) -> Result<MediaStream, MediaStreamError> {
        crate::block_on(self.get_user_media(constraints))
    }

    /// The legacy callback form: returns at once, then calls `success` or `error` from another
    /// thread.
    ///
    /// Corresponds to [`NavigatorUserMedia.getUserMedia()`](https://w3c.github.io/mediacapture-main/#dom-navigator-getusermedia).
    #[doc(alias = "NavigatorUserMedia")]
    pub fn get_user_media_with_callbacks(
        &self,
        constraints: MediaStreamConstraints,
        success: impl FnOnce(MediaStream) + Send + 'static,
        error: impl FnOnce(MediaStreamError) + Send + 'static,
    ) {
        let this = self.clone();
        let run = move || match this.get_user_media_blocking(constraints) {
            Ok(s) => success(s),
            Err(e) => error(e),
        };
        if let Err(e) = std::thread::Builder::new()
            .name("mediacapture-getusermedia".into())
            .spawn(run)
        {
            log::error!("cannot start a thread for getUserMedia: {e}");
        }
    }

    fn select(
        &self,
        kind: MediaStreamTrackKind,
        devices: &[Arc<DeviceRecord>],
        c: &MediaTrackConstraints,
        restrict: Option<&NativeConfig>,
    ) -> Result<Selection, FailedConstraint> {
        let offers: Vec<DeviceOffer<'_>> = devices
            .iter()
            .map(|d| DeviceOffer {
                device_id: &d.device_id,
                group_id: &d.group_id,
                capabilities: &d.descriptor.capabilities,
                restrict_to: restrict,
            })
            .collect();
        select_settings(kind, &offers, c, &defaults_for_hint(kind, ""))
    }

    /// *Permission Failure* when any requested kind is denied, else `otherwise`.
    fn unless_denied(
        &self,
        requested: &[MediaStreamTrackKind],
        otherwise: MediaStreamError,
    ) -> MediaStreamError {
        let p = self.perms();
        match requested
            .iter()
            .find(|k| p.get(PermissionName::for_kind(**k)) == PermissionState::Denied)
        {
            Some(k) => MediaStreamError::not_allowed(format!(
                "permission to use the {} is denied",
                kind_name(*k)
            )),
            None => otherwise,
        }
    }

    fn constraint_failure(
        &self,
        requested: &[MediaStreamTrackKind],
        kind: MediaStreamTrackKind,
        f: FailedConstraint,
    ) -> MediaStreamError {
        // The name only when device information can be exposed (or, as browsers and WPT do,
        // when permission is granted).
        let reveal = self.can_expose(kind)
            || self.perms().get(PermissionName::for_kind(kind)) == PermissionState::Granted;
        let name = if reveal { f.name() } else { "" };
        let message = if name.is_empty() {
            format!("no {} satisfies the required constraints", kind_name(kind))
        } else {
            format!(
                "no {} satisfies the required constraint {name:?}",
                kind_name(kind)
            )
        };
        self.unless_denied(requested, MediaStreamError::overconstrained(name, message))
    }

    fn get_user_media_now(
        &self,
        constraints: &MediaStreamConstraints,
    ) -> Result<MediaStream, MediaStreamError> {
        use MediaStreamTrackKind::{Audio, Video};
        // Step 1. The requested media types: those with `true` or a dictionary.
        let requested: Vec<MediaStreamTrackKind> = [Audio, Video]
            .into_iter()
            .filter(|k| constraints.get(*k).is_requested())
            .collect();
        if requested.is_empty() {
            return Err(MediaStreamError::type_error(
                "getUserMedia: at least one of audio and video must be requested",
            ));
        }
        for k in &requested {
            if let Some(c) = constraints.get(*k).constraints() {
                c.validate()?;
            }
        }
        // Step 2. The document must be fully active: here, not closed.
        if self.inner.ctx.lock().closed {
            return Err(MediaStreamError::invalid_state(
                "getUserMedia on a closed MediaDevices",
            ));
        }
        // Step 3. Permissions Policy: a native program has none; nothing is blocked here.
        // Step 4-5. In parallel, once in view: a native program is always in view.
        let _op = self.inner.ctx.op();
        let devices = self.devices();
        let mut plans = Vec::new();
        for &kind in &requested {
            // Step 6.1. candidateSet: every device of the kind; none is a NotFound Failure.
            let candidates: Vec<Arc<DeviceRecord>> = devices
                .iter()
                .filter(|d| d.descriptor.kind.track_kind() == Some(kind))
                .cloned()
                .collect();
            if candidates.is_empty() {
                let e = MediaStreamError::not_found(self.none_available(kind));
                return Err(self.unless_denied(&requested, e));
            }
            // Step 6.2. CS: {} for `true`, otherwise the dictionary.
            let mut cs = constraints.get(kind).constraints().unwrap_or_default();
            // Step 6.3. Drop the constraints that do not apply to the kind.
            strip_non_applicable(&mut cs, kind);
            // Step 6.4. A required constraint getUserMedia may not require: TypeError.
            if let Some(p) = disallowed_required_constraint(&cs, kind) {
                return Err(MediaStreamError::type_error(format!(
                    "getUserMedia: {p} cannot be a required constraint (min, max or exact); use it as ideal or in advanced"
                )));
            }
            // Step 6.5. SelectSettings on every candidate; none left is a Constraint Failure.
            let selection = match self.select(kind, &candidates, &cs, None) {
                Ok(s) => s,
                Err(f) => return Err(self.constraint_failure(&requested, kind, f)),
            };
            let offered = candidates.len();
            // Step 6.6. Remove candidates whose permission is denied, unless already live here.
            let perm = self.perms().get(PermissionName::for_kind(kind));
            let candidates: Vec<Arc<DeviceRecord>> = candidates
                .into_iter()
                .filter(|d| perm != PermissionState::Denied || self.live_source(d).is_some())
                .collect();
            if candidates.is_empty() {
                return Err(MediaStreamError::not_allowed(format!(
                    "permission to use the {} is denied",
                    kind_name(kind)
                )));
            }
            // Step 6.8. finalSet. Step 11.1 picks among the same candidates, so the selection
            // made above serves it unless step 6.6 removed some.
            let selection = (candidates.len() == offered).then_some(selection);
            plans.push(Plan {
                kind,
                constraints: cs,
                candidates,
                selection,
            });
        }
        // Step 7. A new, empty stream.
        let stream = MediaStream::new();
        // Step 8. Request permission, one combined prompt for the kinds that need it.
        self.request_permission(&plans)?;
        // Step 9. System focus: a native program does not wait for it.
        // Step 10. Set device information exposure.
        self.set_device_information_exposure(&requested);
        // Step 11-12. For each kind, start a device and create its track.
        for plan in plans {
            let track = self.start_track(plan)?;
            stream.add_track(&track);
        }
        // Step 13. Resolve with the stream.
        Ok(stream)
    }

    fn request_permission(&self, plans: &[Plan]) -> Result<(), MediaStreamError> {
        let (names, prompt) = {
            let p = self.perms();
            let names: Vec<PermissionName> = plans
                .iter()
                .map(|p| PermissionName::for_kind(p.kind))
                .filter(|n| p.get(*n) == PermissionState::Prompt)
                .collect();
            (names, p.prompt.clone())
        };
        if names.is_empty() {
            return Ok(());
        }
        let request = PermissionRequest {
            names: names.clone(),
            devices: plans
                .iter()
                .flat_map(|p| {
                    p.candidates
                        .iter()
                        .map(|d| (d.descriptor.kind, d.descriptor.label.clone()))
                })
                .collect(),
        };
        // The callback runs with no lock held.
        let granted = prompt.is_some_and(|f| f(&request));
        let state = if granted {
            PermissionState::Granted
        } else {
            PermissionState::Denied
        };
        let mut p = self.perms();
        for n in &names {
            p.set(*n, state);
        }
        if granted {
            Ok(())
        } else {
            Err(MediaStreamError::not_allowed("the user denied permission"))
        }
    }

    /// The spec's *set device information exposure*(requested, true).
    fn set_device_information_exposure(&self, requested: &[MediaStreamTrackKind]) {
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

    /// The live source in this context on the same device as `d`, with its native mode.
    fn live_source(&self, d: &DeviceRecord) -> Option<(u64, NativeConfig)> {
        let st = self.inner.ctx.lock();
        let mut found: Vec<_> = st
            .sources
            .iter()
            .filter(|(_, s)| !s.tracks.is_empty() && s.device.same_device(d))
            .map(|(k, s)| (*k, s.native.clone()))
            .collect();
        found.sort_by_key(|(k, _)| *k);
        found.into_iter().next()
    }

    /// Step 11 (and 12) for one kind: pick a device, start it or share it, create the track.
    fn start_track(&self, plan: Plan) -> Result<MediaStreamTrack, MediaStreamError> {
        let Plan {
            kind,
            constraints: cs,
            mut candidates,
            mut selection,
        } = plan;
        let ctx = &self.inner.ctx;
        let mut last_failure: Option<MediaStreamError> = None;
        loop {
            // Step 11.1. Pick the candidate with the best fitness (default devices first on ties).
            if candidates.is_empty() {
                return Err(last_failure
                    .unwrap_or_else(|| MediaStreamError::not_found(self.none_available(kind))));
            }
            let pick = match selection.take() {
                Some(s) => s,
                None => self
                    .select(kind, &candidates, &cs, None)
                    .map_err(|f| self.constraint_failure(&[kind], kind, f))?,
            };
            let device = Arc::clone(&candidates[pick.device]);
            let shared = self.live_source(&device);
            // Step 12 for a shared device: ApplyConstraints within its current mode.
            let selection = match &shared {
                Some((_, native)) => self
                    .select(kind, std::slice::from_ref(&device), &cs, Some(native))
                    .map_err(|f| self.constraint_failure(&[kind], kind, f))?,
                None => pick,
            };
            let events = Arc::new(EventBus::retaining());
            let new_track = |muted: bool| NewTrack {
                device: Arc::clone(&device),
                kind,
                constraints: cs.clone(),
                selected: selection.settings.clone(),
                muted,
                enabled: true,
                keeps_latest: true,
                events: Arc::clone(&events),
            };
            let track = |key: u64| {
                MediaStreamTrack::from_slot(
                    ctx,
                    key,
                    kind,
                    device.descriptor.label.clone(),
                    Arc::clone(&events),
                )
            };
            // Step 11.5 (sharing): attach a new track to the running source.
            if let Some((source, _)) = shared {
                let mut st = ctx.lock();
                if let Some(src) = st.sources.get(&source) {
                    let new = TrackSlot::new(Some(source), new_track(src.muted));
                    new.attach_to(src);
                    let key = st.key();
                    st.tracks.insert(key, new);
                    if let Some(src) = st.sources.get_mut(&source) {
                        src.tracks.push(key);
                    }
                    drop(st);
                    return Ok(track(key));
                }
                continue; // It stopped meanwhile: start it afresh.
            }
            // Step 11.2-11.5: start the device.
            let native = selection.native_config(&device.descriptor.capabilities);
            match ctx.start_source(&device, &native, new_track(false)) {
                Ok(key) => return Ok(track(key)),
                Err(e) => {
                    log::info!("cannot open {:?}: {e}", device.descriptor.label);
                    candidates.retain(|d| !Arc::ptr_eq(d, &device));
                    match start_failure(&device.descriptor.label, e) {
                        StartFailure::Fatal(e) => return Err(e),
                        StartFailure::TryNext(e) => last_failure = Some(e),
                    }
                }
            }
        }
    }
}

impl fmt::Debug for MediaDevices {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaDevices")
            .field(
                "backends",
                &self
                    .inner
                    .backends
                    .iter()
                    .map(|b| b.name())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}
