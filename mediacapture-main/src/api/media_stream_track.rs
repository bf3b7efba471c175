//! `MediaStreamTrack`.

use std::fmt;
use std::sync::Arc;

use mediacapture_core::{DeviceOffer, SelectionDefaults, select_settings};

use crate::TrackEvent;
use crate::engine::bus::{DEFAULT_EVENT_CAPACITY, EventBus, EventSubscription};
use crate::engine::context::{Context, DeviceRecord, TrackSlot, target_of};
use crate::engine::media::{MediaStreamTrackStats, TrackPipe};
use crate::engine::source::NewTrack;
use crate::{
    MediaStreamError, MediaStreamTrackKind, MediaStreamTrackState, MediaTrackCapabilities,
    MediaTrackConstraints, MediaTrackSettings, types::device::NativeConfig,
};

/// One handle onto one source: a camera or microphone track.
///
/// Corresponds to [`MediaStreamTrack`](https://w3c.github.io/mediacapture-main/#mediastreamtrack).
///
/// A `MediaStreamTrack` value is a *handle*, like a JavaScript reference: several handles
/// ([`new_handle`](Self::new_handle), the ones a [`MediaStream`](crate::MediaStream) holds)
/// can refer to the same track, and `==` compares identity. [`Clone`] is the spec's
/// [`clone()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-clone): a new
/// track, with a new id, on the same source. When the last handle of a live track is dropped,
/// the track stops (and with it the source, if it was the source's last track).
///
/// Tracks are `Send + Sync`: use them from any thread.
pub struct MediaStreamTrack {
    pub(crate) inner: Arc<TrackInner>,
}

pub(crate) struct TrackInner {
    pub ctx: Arc<Context>,
    pub key: u64,
    pub id: String,
    pub kind: MediaStreamTrackKind,
    pub label: String,
    pub events: Arc<EventBus<TrackEvent>>,
}

impl Drop for TrackInner {
    fn drop(&mut self) {
        self.ctx.release_track(self.key);
    }
}

/// Accepted `contentHint` values per kind
/// ([MST Content Hints](https://w3c.github.io/mst-content-hint/#dom-mediastreamtrack-contenthint)).
const AUDIO_HINTS: &[&str] = &["", "speech", "speech-recognition", "music"];
const VIDEO_HINTS: &[&str] = &["", "motion", "detail", "text"];

impl MediaStreamTrack {
    /// Creates a track on `slot` (the caller has inserted the slot at `key`).
    pub(crate) fn from_slot(
        ctx: &Arc<Context>,
        key: u64,
        kind: MediaStreamTrackKind,
        label: String,
        events: Arc<EventBus<TrackEvent>>,
    ) -> Self {
        MediaStreamTrack {
            inner: Arc::new(TrackInner {
                ctx: Arc::clone(ctx),
                key,
                id: uuid::Uuid::new_v4().to_string(),
                kind,
                label,
                events,
            }),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&TrackSlot) -> R) -> Option<R> {
        self.inner.ctx.lock().tracks.get(&self.inner.key).map(f)
    }

    fn with_mut<R>(&self, f: impl FnOnce(&mut TrackSlot) -> R) -> Option<R> {
        self.inner.ctx.lock().tracks.get_mut(&self.inner.key).map(f)
    }

    /// Another handle onto this same track object, as copying a JavaScript reference would
    /// give; not the spec's `clone()` (that is [`Clone`]).
    pub fn new_handle(&self) -> MediaStreamTrack {
        MediaStreamTrack {
            inner: Arc::clone(&self.inner),
        }
    }

    /// `"audio"` or `"video"`.
    ///
    /// Corresponds to [`MediaStreamTrack.kind`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-kind).
    pub fn kind(&self) -> MediaStreamTrackKind {
        self.inner.kind
    }

    /// A unique id (a UUID) fixed at creation.
    ///
    /// Corresponds to [`MediaStreamTrack.id`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-id).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// The device's label.
    ///
    /// Corresponds to [`MediaStreamTrack.label`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-label).
    pub fn label(&self) -> &str {
        &self.inner.label
    }

    /// Whether the track delivers media (`false`: black frames or silence).
    ///
    /// Corresponds to [`MediaStreamTrack.enabled`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-enabled).
    pub fn enabled(&self) -> bool {
        self.with(|s| s.enabled).unwrap_or(true)
    }

    /// Sets `enabled`. Fires no event; allowed on an ended track (no effect).
    pub fn set_enabled(&self, enabled: bool) {
        self.with_mut(|s| {
            s.enabled = enabled;
            s.pipe.set_enabled(enabled);
        });
    }

    /// Whether the source cannot deliver media for now. Only the source changes it.
    ///
    /// Corresponds to [`MediaStreamTrack.muted`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-muted).
    pub fn muted(&self) -> bool {
        self.with(|s| s.muted).unwrap_or(false)
    }

    /// `live` or `ended`; once ended, always ended.
    ///
    /// Corresponds to [`MediaStreamTrack.readyState`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-readystate).
    #[doc(alias = "readyState")]
    pub fn ready_state(&self) -> MediaStreamTrackState {
        self.with(|s| s.state)
            .unwrap_or(MediaStreamTrackState::Ended)
    }

    /// The content hint (`""` at first).
    ///
    /// Corresponds to [`MediaStreamTrack.contentHint`](https://w3c.github.io/mst-content-hint/#dom-mediastreamtrack-contenthint).
    #[doc(alias = "contentHint")]
    pub fn content_hint(&self) -> String {
        self.with(|s| s.content_hint.clone()).unwrap_or_default()
    }

    /// Sets the content hint. Values not valid for the track's kind (audio: `""`, `"speech"`,
    /// `"speech-recognition"`, `"music"`; video: `""`, `"motion"`, `"detail"`, `"text"`) are
    /// silently ignored, as the spec says. On an audio track the hint changes the defaults
    /// later `apply_constraints` calls use for echo cancellation, gain control and noise
    /// suppression where the constraints leave them open.
    pub fn set_content_hint(&self, hint: &str) {
        let valid = match self.kind() {
            MediaStreamTrackKind::Audio => AUDIO_HINTS,
            MediaStreamTrackKind::Video => VIDEO_HINTS,
        };
        if valid.contains(&hint) {
            self.with_mut(|s| s.content_hint = hint.to_owned());
        }
    }

    /// Ends the track now: `ready_state()` is `ended` when this returns. Fires **no** `ended`
    /// event. The source stops when no other live track uses it. Idempotent.
    ///
    /// Corresponds to [`MediaStreamTrack.stop()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-stop).
    pub fn stop(&self) {
        // Step 1. If the track has ended, return (inside stop_track).
        // Step 2-4. Tell the source (it stops with its last track) and set readyState to ended.
        self.inner.ctx.stop_track(self.inner.key);
    }

    /// What the source can do; the same for every track on it.
    ///
    /// Corresponds to [`MediaStreamTrack.getCapabilities()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getcapabilities).
    #[doc(alias = "getCapabilities")]
    pub fn get_capabilities(&self) -> MediaTrackCapabilities {
        self.with(|s| s.device.capabilities()).unwrap_or_default()
    }

    /// Exactly the constraints last applied (by getUserMedia or `apply_constraints`), as given.
    ///
    /// Corresponds to [`MediaStreamTrack.getConstraints()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getconstraints).
    #[doc(alias = "getConstraints")]
    pub fn get_constraints(&self) -> MediaTrackConstraints {
        self.with(|s| s.constraints.clone()).unwrap_or_default()
    }

    /// The current settings; once ended, only `deviceId`, `groupId` and `facingMode`.
    ///
    /// Corresponds to [`MediaStreamTrack.getSettings()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getsettings).
    #[doc(alias = "getSettings")]
    pub fn get_settings(&self) -> MediaTrackSettings {
        self.with(|s| match s.state {
            MediaStreamTrackState::Live => s.device.refresh(s.settings.clone()),
            MediaStreamTrackState::Ended => s.settings.inherent_only(),
        })
        .unwrap_or_default()
    }

    /// Applies new constraints: atomically, in call order.
    ///
    /// Corresponds to [`MediaStreamTrack.applyConstraints()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-applyconstraints).
    ///
    /// On success the track's settings are the best that satisfy `constraints` and
    /// [`get_constraints`](Self::get_constraints) returns `constraints` exactly. On failure
    /// nothing changes. On an ended track it succeeds and does nothing. When other live tracks
    /// share the source, the new settings must be obtainable from the source's current native
    /// mode (by crop-and-scale); a track alone on its source may switch the source to another
    /// mode.
    ///
    /// # Errors
    /// `OverconstrainedError` naming the constraint that cannot be met (also when the device
    /// fails to switch modes: then the name is `""`); `TypeError` for a non-finite double.
    ///
    /// # Cancel safety
    /// The work is done when the future is first polled; dropping it afterwards changes
    /// nothing.
    #[doc(alias = "applyConstraints")]
    pub async fn apply_constraints(
        &self,
        constraints: MediaTrackConstraints,
    ) -> Result<(), MediaStreamError> {
        // Step 1-2. object is this track; newConstraints the argument. Steps 3-5 (a promise
        // settled in a task, calls in invocation order): this future, whose work runs when it
        // is first polled, serialized by the context's operation lock.
        self.apply_constraints_now(constraints)
    }

    fn apply_constraints_now(
        &self,
        constraints: MediaTrackConstraints,
    ) -> Result<(), MediaStreamError> {
        // A non-finite double is a TypeError before anything else (WebIDL conversion).
        constraints.validate()?;
        let ctx = &self.inner.ctx;
        // Step 4. In parallel, one queue per object: the operation lock keeps getUserMedia and
        // applyConstraints calls in invocation order.
        let _op = ctx.op();
        let mut st = ctx.lock();
        let Some(slot) = st.tracks.get(&self.inner.key) else {
            return Ok(());
        };
        // An ended track resolves at once and changes nothing (spec-notes §5.5, §2.6).
        let Some(source_key) = slot
            .source
            .filter(|_| slot.state == MediaStreamTrackState::Live)
        else {
            return Ok(());
        };
        let Some(src) = st.sources.get(&source_key) else {
            return Ok(());
        };
        let device = Arc::clone(&src.device);
        let shared = src.tracks.len() > 1;
        let current = src.native.clone();
        let defaults = defaults_for_hint(self.kind(), &slot.content_hint);
        // Step 4.1. failedConstraint = the ApplyConstraints algorithm: SelectSettings over this
        // track's own device; with other live tracks on the source, only settings its current
        // native mode can give. On failure the constraints in force stay (nothing below runs).
        let offer = DeviceOffer {
            device_id: &device.device_id,
            group_id: &device.group_id,
            capabilities: &device.descriptor.capabilities,
            restrict_to: shared.then_some(&current),
        };
        let selection =
            select_settings(self.kind(), &[offer], &constraints, &defaults).map_err(|f| {
                // Step 4.3 (failure). Reject with OverconstrainedError(failedConstraint).
                MediaStreamError::overconstrained(
                    f.name(),
                    format!(
                        "cannot satisfy {:?} on {:?}",
                        f.name(),
                        device.descriptor.label
                    ),
                )
            })?;
        // A shared source keeps its mode; the track's pipe adapts (crop-and-scale, resampling).
        let native = if shared {
            current.clone()
        } else {
            selection.native_config(&device.descriptor.capabilities)
        };
        if native != current {
            // Only a track alone on its source gets here. Switch the device without holding the
            // context lock; `_op` keeps other applications out meanwhile.
            let handle = st
                .sources
                .get_mut(&source_key)
                .and_then(|s| s.handle.take());
            drop(st);
            let mut handle = handle;
            let result = handle.as_mut().map_or(Ok(()), |h| h.reconfigure(&native));
            st = ctx.lock();
            let alive = st.sources.contains_key(&source_key);
            match (alive, handle) {
                (true, h) => {
                    if let Some(src) = st.sources.get_mut(&source_key) {
                        src.handle = h;
                    }
                }
                (false, Some(mut h)) => {
                    // The source ended while switching: nothing to apply to any more.
                    drop(st);
                    h.stop();
                    return Ok(());
                }
                (false, None) => return Ok(()),
            }
            if let Err(e) = result {
                return Err(MediaStreamError::overconstrained(
                    "",
                    format!("the device could not switch to the mode the constraints need: {e}"),
                ));
            }
            if let Some(src) = st.sources.get_mut(&source_key) {
                src.native = native;
            }
        }
        // Step 4.2-4.3 (success). In one step: [[Constraints]] = newConstraints as given,
        // [[Settings]] = the successful settings; then resolve.
        let settings = device.settings(&selection.settings);
        if let Some(slot) = st.tracks.get_mut(&self.inner.key) {
            slot.pipe.set_target(target_of(&selection.settings));
            slot.constraints = constraints;
            slot.selected = selection.settings;
            slot.settings = settings;
        }
        Ok(())
    }

    /// A subscription to this track's events (`started`, `mute`, `unmute`, `ended`); it ends
    /// when the track ends. See [`EventSubscription`] for order, bounds and slow subscribers.
    pub fn events(&self) -> EventSubscription<TrackEvent> {
        self.inner.events.subscribe(DEFAULT_EVENT_CAPACITY)
    }

    /// How many frames the track delivered and discarded (frame-rate decimation).
    ///
    /// Corresponds to [`MediaStreamTrack.stats`](https://w3c.github.io/mediacapture-extensions/#dom-mediastreamtrack-stats).
    pub fn stats(&self) -> MediaStreamTrackStats {
        self.with(|s| s.pipe.stats()).unwrap_or_default()
    }

    pub(crate) fn pipe(&self) -> Option<Arc<TrackPipe>> {
        self.with(|s| Arc::clone(&s.pipe))
    }

    /// The device behind a live track and its source's current native configuration
    /// (`None` once the track has ended).
    pub(crate) fn source_info(&self) -> Option<(Arc<DeviceRecord>, NativeConfig)> {
        let st = self.inner.ctx.lock();
        let slot = st.tracks.get(&self.inner.key)?;
        let src = st.sources.get(&slot.source?)?;
        Some((Arc::clone(&src.device), src.native.clone()))
    }

    /// Whether a live track delivers media now: live, enabled and not muted.
    pub fn is_delivering(&self) -> bool {
        self.with(|s| s.state == MediaStreamTrackState::Live && s.enabled && !s.muted)
            .unwrap_or(false)
    }
}

/// The tie-breaking defaults for a track with this content hint.
pub(crate) fn defaults_for_hint(kind: MediaStreamTrackKind, hint: &str) -> SelectionDefaults {
    let mut d = SelectionDefaults::default();
    if kind == MediaStreamTrackKind::Audio {
        match hint {
            "music" | "speech-recognition" => {
                d.echo_cancellation = false;
                d.auto_gain_control = false;
                d.noise_suppression = false;
            }
            _ => {}
        }
    }
    d
}

impl Clone for MediaStreamTrack {
    /// The spec's [clone a track](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-clone):
    /// a new track with a new id on the same source; ready state, constraints, settings,
    /// `enabled` and `contentHint` copied; independent from then on. A clone of an ended track
    /// is ended.
    fn clone(&self) -> Self {
        let ctx = &self.inner.ctx;
        let events = Arc::new(EventBus::retaining());
        let key = {
            let mut st = ctx.lock();
            let key = st.key();
            let copy = st.tracks.get(&self.inner.key).map(|s| {
                let mut copy = TrackSlot::new(
                    s.source,
                    NewTrack {
                        device: Arc::clone(&s.device),
                        kind: s.kind,
                        constraints: s.constraints.clone(),
                        selected: s.selected.clone(),
                        muted: s.muted,
                        enabled: s.enabled,
                        keeps_latest: false,
                        events: Arc::clone(&events),
                    },
                );
                copy.state = s.state;
                copy.content_hint = s.content_hint.clone();
                copy.settings = s.settings.clone();
                copy
            });
            if let Some(mut slot) = copy {
                // Step 1. A new track on the same source, muted as the source is.
                if let Some(src) = slot.source.and_then(|k| st.sources.get_mut(&k)) {
                    src.tracks.push(key);
                    slot.muted = src.muted;
                    slot.pipe.set_muted(src.muted);
                    slot.attach_to(src);
                } else {
                    slot.source = None;
                }
                if slot.state == MediaStreamTrackState::Ended {
                    events.close();
                    slot.pipe.end(true);
                }
                st.tracks.insert(key, slot);
            } else {
                events.close();
            }
            key
        };
        MediaStreamTrack::from_slot(ctx, key, self.inner.kind, self.inner.label.clone(), events)
    }
}

impl PartialEq for MediaStreamTrack {
    /// Identity: two handles onto the same track.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for MediaStreamTrack {}

impl std::hash::Hash for MediaStreamTrack {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (Arc::as_ptr(&self.inner) as usize).hash(state);
    }
}

impl fmt::Debug for MediaStreamTrack {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaStreamTrack")
            .field("kind", &self.kind())
            .field("id", &self.id())
            .field("label", &self.label())
            .field("readyState", &self.ready_state())
            .finish()
    }
}
