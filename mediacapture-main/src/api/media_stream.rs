//! `MediaStream`.

use std::fmt;
use std::sync::{Arc, Mutex};

use crate::api::events::{MediaStreamTrackEvent, MediaStreamTrackEventType};
use crate::engine::bus::{DEFAULT_EVENT_CAPACITY, EventBus, EventSubscription};
use crate::{MediaStreamTrack, MediaStreamTrackKind, MediaStreamTrackState};
use mediacapture_hal::sync::lock;

/// A set of tracks with an id.
///
/// Corresponds to [`MediaStream`](https://w3c.github.io/mediacapture-main/#mediastream).
///
/// Like [`MediaStreamTrack`], a `MediaStream` value is a handle: [`new_handle`](Self::new_handle)
/// gives another onto the same stream, `==` compares identity, and [`Clone`] is the spec's
/// [`clone()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-clone) (a new stream of
/// cloned tracks). The stream keeps its tracks in insertion order.
///
/// ```
/// use mediacapture_main::{MediaDevices, MediaStream, MediaStreamConstraints, block_on};
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let stream = block_on(devices.get_user_media(MediaStreamConstraints::new(true, true)))?;
/// assert_eq!(stream.id().len(), 36);
/// assert!(stream.active());
/// let copy = MediaStream::from_stream(&stream); // same tracks, new id
/// assert_eq!(copy.get_tracks(), stream.get_tracks());
/// for t in stream.get_tracks() {
///     t.stop();
/// }
/// assert!(!stream.active() && !copy.active());
/// # Ok::<(), mediacapture_main::MediaStreamError>(())
/// ```
pub struct MediaStream {
    inner: Arc<StreamInner>,
}

struct StreamInner {
    id: String,
    tracks: Mutex<Vec<MediaStreamTrack>>,
    /// Changes whenever the track set does (a recorder watches it).
    version: std::sync::atomic::AtomicU64,
    events: EventBus<MediaStreamTrackEvent>,
}

impl Drop for StreamInner {
    fn drop(&mut self) {
        self.events.close();
    }
}

impl MediaStream {
    /// A new, empty stream with a new id.
    ///
    /// Corresponds to [`new MediaStream()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-constructor).
    pub fn new() -> Self {
        MediaStream {
            inner: Arc::new(StreamInner {
                id: uuid::Uuid::new_v4().to_string(),
                tracks: Mutex::new(Vec::new()),
                version: std::sync::atomic::AtomicU64::new(0),
                events: EventBus::retaining(),
            }),
        }
    }

    /// A new stream (new id) holding the *same* tracks as `stream` (not clones).
    ///
    /// Corresponds to [`new MediaStream(stream)`](https://w3c.github.io/mediacapture-main/#dom-mediastream-constructor).
    pub fn from_stream(stream: &MediaStream) -> Self {
        Self::from_tracks(&stream.get_tracks())
    }

    /// A new stream holding these tracks, each once (duplicates are skipped; ended tracks are
    /// accepted).
    ///
    /// Corresponds to [`new MediaStream(tracks)`](https://w3c.github.io/mediacapture-main/#dom-mediastream-constructor).
    pub fn from_tracks<'a>(tracks: impl IntoIterator<Item = &'a MediaStreamTrack>) -> Self {
        let s = Self::new();
        for t in tracks {
            s.add_track(t);
        }
        s
    }

    /// Another handle onto this same stream object (not the spec's `clone()`).
    pub fn new_handle(&self) -> MediaStream {
        MediaStream {
            inner: Arc::clone(&self.inner),
        }
    }

    /// The stream's id: a 36-character UUID, fixed at creation.
    ///
    /// Corresponds to [`MediaStream.id`](https://w3c.github.io/mediacapture-main/#dom-mediastream-id).
    pub fn id(&self) -> &str {
        &self.inner.id
    }

    /// Whether at least one track has not ended (computed now, so it is `false` right after
    /// the last live track's `stop()`). Fires no event when it changes.
    ///
    /// Corresponds to [`MediaStream.active`](https://w3c.github.io/mediacapture-main/#dom-mediastream-active).
    pub fn active(&self) -> bool {
        self.get_tracks()
            .iter()
            .any(|t| t.ready_state() == MediaStreamTrackState::Live)
    }

    /// A snapshot of the tracks, in insertion order.
    ///
    /// Corresponds to [`MediaStream.getTracks()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-gettracks).
    #[doc(alias = "getTracks")]
    pub fn get_tracks(&self) -> Vec<MediaStreamTrack> {
        lock(&self.inner.tracks)
            .iter()
            .map(MediaStreamTrack::new_handle)
            .collect()
    }

    /// The audio tracks, in insertion order.
    ///
    /// Corresponds to [`MediaStream.getAudioTracks()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-getaudiotracks).
    #[doc(alias = "getAudioTracks")]
    pub fn get_audio_tracks(&self) -> Vec<MediaStreamTrack> {
        self.tracks_of(MediaStreamTrackKind::Audio)
    }

    /// The video tracks, in insertion order.
    ///
    /// Corresponds to [`MediaStream.getVideoTracks()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-getvideotracks).
    #[doc(alias = "getVideoTracks")]
    pub fn get_video_tracks(&self) -> Vec<MediaStreamTrack> {
        self.tracks_of(MediaStreamTrackKind::Video)
    }

    fn tracks_of(&self, kind: MediaStreamTrackKind) -> Vec<MediaStreamTrack> {
        lock(&self.inner.tracks)
            .iter()
            .filter(|t| t.kind() == kind)
            .map(MediaStreamTrack::new_handle)
            .collect()
    }

    /// The track with this id, if the stream holds it.
    ///
    /// Corresponds to [`MediaStream.getTrackById()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-gettrackbyid).
    #[doc(alias = "getTrackById")]
    pub fn get_track_by_id(&self, id: &str) -> Option<MediaStreamTrack> {
        lock(&self.inner.tracks)
            .iter()
            .find(|t| t.id() == id)
            .map(MediaStreamTrack::new_handle)
    }

    /// Adds `track` unless the stream already holds it. Fires no event; never fails; works on
    /// inactive streams and with ended tracks.
    ///
    /// Corresponds to [`MediaStream.addTrack()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-addtrack).
    #[doc(alias = "addTrack")]
    pub fn add_track(&self, track: &MediaStreamTrack) {
        self.insert(track);
    }

    /// Removes `track` if the stream holds it. Fires no event; never fails.
    ///
    /// Corresponds to [`MediaStream.removeTrack()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-removetrack).
    #[doc(alias = "removeTrack")]
    pub fn remove_track(&self, track: &MediaStreamTrack) {
        self.take(track);
    }

    fn bump(&self) {
        self.inner
            .version
            .fetch_add(1, std::sync::atomic::Ordering::Release);
    }

    /// A number that changes whenever a track is added or removed.
    pub(crate) fn track_set_version(&self) -> u64 {
        self.inner
            .version
            .load(std::sync::atomic::Ordering::Acquire)
    }

    fn insert(&self, track: &MediaStreamTrack) -> bool {
        let mut tracks = lock(&self.inner.tracks);
        if tracks.contains(track) {
            return false;
        }
        tracks.push(track.new_handle());
        self.bump();
        true
    }

    fn take(&self, track: &MediaStreamTrack) -> Option<MediaStreamTrack> {
        let mut tracks = lock(&self.inner.tracks);
        let i = tracks.iter().position(|t| t == track)?;
        self.bump();
        Some(tracks.remove(i))
    }

    /// The spec's internal [add a track](https://w3c.github.io/mediacapture-main/#add-a-track)
    /// algorithm, for sources that change a stream's track set themselves (a WebRTC remote
    /// stream): adds `track` and fires `addtrack`. Applications call
    /// [`add_track`](Self::add_track), which fires nothing.
    pub fn add_track_and_notify(&self, track: &MediaStreamTrack) {
        if self.insert(track) {
            self.inner.events.emit(MediaStreamTrackEvent::new(
                MediaStreamTrackEventType::AddTrack,
                track,
            ));
        }
    }

    /// The spec's internal [remove a track](https://w3c.github.io/mediacapture-main/#remove-a-track)
    /// algorithm: removes `track` and fires `removetrack`.
    pub fn remove_track_and_notify(&self, track: &MediaStreamTrack) {
        if let Some(t) = self.take(track) {
            self.inner.events.emit(MediaStreamTrackEvent::new(
                MediaStreamTrackEventType::RemoveTrack,
                &t,
            ));
        }
    }

    /// A subscription to `addtrack`/`removetrack`; it ends when the last handle of the stream
    /// is dropped. There are no `active`/`inactive` events: the spec removed them; watch the
    /// tracks' `ended` events, or read [`active`](Self::active).
    pub fn events(&self) -> EventSubscription<MediaStreamTrackEvent> {
        self.inner.events.subscribe(DEFAULT_EVENT_CAPACITY)
    }
}

impl Default for MediaStream {
    fn default() -> Self {
        Self::new()
    }
}

impl Clone for MediaStream {
    /// The spec's [`clone()`](https://w3c.github.io/mediacapture-main/#dom-mediastream-clone):
    /// a new stream with a new id holding a clone of each track (new track ids).
    fn clone(&self) -> Self {
        let clones: Vec<MediaStreamTrack> = self
            .get_tracks()
            .iter()
            .map(MediaStreamTrack::clone)
            .collect();
        Self::from_tracks(&clones)
    }
}

impl PartialEq for MediaStream {
    /// Identity: two handles onto the same stream.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Eq for MediaStream {}

impl fmt::Debug for MediaStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaStream")
            .field("id", &self.id())
            .field("tracks", &self.get_tracks())
            .finish()
    }
}
