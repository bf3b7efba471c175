//! The getUserMedia algorithm.

use std::sync::Arc;

use mediacapture_core::{
    DeviceOffer, FailedConstraint, Selection, disallowed_required_constraint, select_settings,
};
use mediacapture_hal::NativeConfig;

use super::MediaDevices;
use crate::api::media_stream_track::defaults_for_hint;
use crate::engine::bus::EventBus;
use crate::engine::context::{DeviceRecord, TrackSlot};
use crate::engine::source::{NewTrack, StartFailure, start_failure};
use crate::permissions::{PermissionName, PermissionRequest, PermissionState};
use crate::platform::BackendId;
use crate::{
    ConstrainableProperty, MediaStream, MediaStreamConstraints, MediaStreamError, MediaStreamTrack,
    MediaStreamTrackKind, MediaTrackConstraints,
};

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
        if self
            .inner
            .backends
            .iter()
            .any(|b| BackendId::of(b.as_ref()) == Some(BackendId::Fake))
        {
            format!("no {kind} is available")
        } else {
            format!(
                "no {kind} is available (MEDIACAPTURE_BACKENDS=fake gives any program the built-in fake devices)"
            )
        }
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
    /// a [`Prompt`](crate::PermissionPolicy::Prompt) callback runs there too). Dropping the future
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
}
