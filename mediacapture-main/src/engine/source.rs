//! A source's lifecycle: its first track's slots, the source made before the backend is
//! called (so that no early event is lost), the backend's `open`, and what a backend's refusal
//! means to `getUserMedia`.

use std::sync::Arc;

use mediacapture_core::SelectedSettings;
use mediacapture_hal::{BackendError, BackendErrorKind, MediaSink, NativeConfig};

use crate::engine::bus::EventBus;
use crate::engine::context::{Context, DeviceRecord, SourceState, TrackSlot, target_of};
use crate::engine::media::{SourceMedia, TrackPipe};
use crate::{
    MediaStreamError, MediaStreamTrackKind, MediaStreamTrackState, MediaTrackConstraints,
    TrackEvent,
};

/// What a new track is: the parts that differ between `getUserMedia`, `clone()` and a
/// generator. The rest of its slots start as the spec says (live, `contentHint` empty).
pub(crate) struct NewTrack {
    pub device: Arc<DeviceRecord>,
    pub kind: MediaStreamTrackKind,
    pub constraints: MediaTrackConstraints,
    pub selected: SelectedSettings,
    pub muted: bool,
    pub enabled: bool,
    /// Whether the track keeps its latest frame for its first reader (a `getUserMedia`
    /// track; see `TrackPipe::new`).
    pub keeps_latest: bool,
    pub events: Arc<EventBus<TrackEvent>>,
}

impl TrackSlot {
    /// The one way a track's slots are made.
    pub fn new(source: Option<u64>, t: NewTrack) -> TrackSlot {
        TrackSlot {
            source,
            kind: t.kind,
            state: MediaStreamTrackState::Live,
            enabled: t.enabled,
            muted: t.muted,
            content_hint: String::new(),
            constraints: t.constraints,
            settings: t.device.settings(&t.selected),
            pipe: TrackPipe::new(target_of(&t.selected), t.muted, t.enabled, t.keeps_latest),
            selected: t.selected,
            device: t.device,
            events: t.events,
        }
    }
}

/// Why a device could not be started, as `getUserMedia` sees it.
pub(crate) enum StartFailure {
    /// Fail at once (the system refused access: step 7 lets the UA fail with
    /// `NotAllowedError`).
    Fatal(MediaStreamError),
    /// Try the next candidate device; fail with this error when none is left.
    TryNext(MediaStreamError),
}

/// The one mapping from a backend's refusal to open `label` to the spec's errors.
pub(crate) fn start_failure(label: &str, e: BackendError) -> StartFailure {
    match e.kind {
        BackendErrorKind::PermissionDenied => StartFailure::Fatal(MediaStreamError::not_allowed(
            format!("the system refused access to {label:?}: {e}"),
        )),
        // Step 11.2. A hardware or OS lock (or unreadable media): NotReadableError once none
        // remain.
        BackendErrorKind::DeviceBusy | BackendErrorKind::NotReadable => {
            StartFailure::TryNext(MediaStreamError::NotReadableError {
                message: format!(
                    "{label:?} cannot be read (in use by another program, or failing): {e}"
                ),
                source: Some(mediacapture_types::ErrorSource(Arc::new(e))),
            })
        }
        // Step 11.3. Any other failure: AbortError once none remain.
        BackendErrorKind::DeviceGone | BackendErrorKind::Unsupported | BackendErrorKind::Other => {
            StartFailure::TryNext(MediaStreamError::AbortError {
                message: format!("{label:?} could not be started: {e}"),
                source: Some(mediacapture_types::ErrorSource(Arc::new(e))),
            })
        }
    }
}

impl Context {
    /// Makes a source on `device` in `native` with `first` as its first track, without
    /// opening anything (a generator's source, or the first half of
    /// [`start_source`](Self::start_source)). Returns the source's key, the track's key and
    /// the source's media path.
    pub fn add_source(
        &self,
        device: &Arc<DeviceRecord>,
        native: &NativeConfig,
        first: NewTrack,
    ) -> (u64, u64, Arc<SourceMedia>) {
        let media = SourceMedia::new();
        let mut st = self.lock();
        let (source, key) = (st.key(), st.key());
        let src = SourceState {
            device: Arc::clone(device),
            native: native.clone(),
            muted: false,
            started: false,
            handle: None,
            tracks: vec![key],
            media: Arc::clone(&media),
        };
        let slot = TrackSlot::new(Some(source), first);
        slot.attach_to(&src);
        st.sources.insert(source, src);
        st.tracks.insert(key, slot);
        (source, key, media)
    }

    /// Steps 11.2–11.5 of getUserMedia for one device: the source and its first track exist
    /// before the backend is called, so that no early event is lost; then the backend opens
    /// the device, its frames going straight to the source's media path. On failure both are
    /// removed again. Returns the track's key.
    pub fn start_source(
        self: &Arc<Self>,
        device: &Arc<DeviceRecord>,
        native: &NativeConfig,
        first: NewTrack,
    ) -> Result<u64, BackendError> {
        let (source, key, media) = self.add_source(device, native, first);
        let sink: MediaSink = Arc::new(move |frame| media.deliver(frame));
        match device.backend.open(
            &device.descriptor.hardware_id,
            native,
            self.sink(source),
            sink,
        ) {
            Ok(mut handle) => {
                let mut st = self.lock();
                match st.sources.get_mut(&source) {
                    Some(src) => src.handle = Some(handle),
                    None => {
                        // It ended before we could keep it: the track has ended (and fired
                        // `ended`); stop the device.
                        drop(st);
                        handle.stop();
                    }
                }
                Ok(key)
            }
            Err(e) => {
                let mut st = self.lock();
                st.sources.remove(&source);
                st.tracks.remove(&key);
                Err(e)
            }
        }
    }
}
