//! What a recording's handle, controller and encoder threads share: messages, status,
//! counters, plans and bounds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::SyncSender;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use mediacapture_codecs::{Container, EncodedChunk};
use mediacapture_encode::EncodedSubscription;

use crate::blob_event::RecorderEvent;
use mediacapture_hal::sync::lock;
use mediacapture_main::ext::EventBus;
use mediacapture_main::{MediaStream, MediaStreamError, RecordingState};

use crate::recorder::clock::SessionClock;

/// Messages to a controller, from the recorder's methods and from its encoder threads.
pub(crate) enum Msg {
    Pause,
    Resume,
    RequestData,
    Stop,
    Chunk(Kind, EncodedChunk),
    /// The track ended by itself.
    Ended(Kind),
    /// The track's chunks ended after a stop request.
    Done(Kind),
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Video,
    Audio,
}

/// Capacity of a controller's channel: about a second of chunks at 30 fps plus 50 packets/s.
pub(crate) const CHANNEL: usize = 128;
/// A recording's queue of chunks from a shared encoder (video frames; 20 ms Opus packets):
/// about a second of media; the encoders' own frame queues are `mediacapture-encode`'s.
pub(crate) const VIDEO_CHUNKS: usize = 30;
pub(crate) const AUDIO_CHUNKS: usize = 50;
/// A track ahead of the other by this much is written without waiting (the other stalls).
pub(crate) const MAX_LEAD_US: i64 = 1_000_000;
/// How long the encoders may take, after a stop, to encode the frames that were queued when
/// it came; what is left then is dropped (and counted). A stop completes within
/// this plus one frame's encoding and the encoders' flush.
pub(crate) const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// The smallest timeslice (the spec's "UA minimum").
pub(crate) const MIN_TIMESLICE: Duration = Duration::from_millis(10);

/// The spec's slots and state of a recorder, shared by its handle and its controllers.
pub(crate) struct Status {
    pub state: RecordingState,
    pub mime_type: String,
    pub constrained_mime_type: String,
    pub constrained_bits_per_second: Option<u32>,
    pub video_bits_per_second: u32,
    pub audio_bits_per_second: u32,
    /// Increases with each `start()`; a controller acts on the status only while current.
    pub session: u64,
    pub commands: Option<SyncSender<Msg>>,
    pub clock: Option<Arc<SessionClock>>,
    pub previous: Option<JoinHandle<()>>,
}

/// Counters for progress reports.
#[derive(Default)]
pub(crate) struct Counters {
    pub video_frames: AtomicU64,
    pub audio_packets: AtomicU64,
    pub video_dropped: AtomicU64,
    pub audio_dropped: AtomicU64,
    /// Frames and chunks left unencoded when a stop's drain ran out of time.
    pub video_skipped: AtomicU64,
    pub audio_skipped: AtomicU64,
    pub bytes: AtomicU64,
    pub media_us: AtomicU64,
}

impl Counters {
    pub(crate) fn reset(&self) {
        for c in [
            &self.video_frames,
            &self.audio_packets,
            &self.video_dropped,
            &self.audio_dropped,
            &self.video_skipped,
            &self.audio_skipped,
            &self.bytes,
            &self.media_us,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

pub(crate) struct Core {
    pub status: Mutex<Status>,
    pub events: EventBus<RecorderEvent>,
    pub counters: Counters,
}

impl Core {
    /// "Inactivate the recorder", if `session` is still the current recording.
    pub(crate) fn inactivate(&self, session: u64) {
        let mut st = lock(&self.status);
        if st.session == session {
            inactivate(&mut st);
        }
    }
}

/// The spec's *inactivate the recorder* on `st`.
pub(crate) fn inactivate(st: &mut Status) {
    st.mime_type = st.constrained_mime_type.clone();
    st.state = RecordingState::Inactive;
    st.commands = None;
    st.clock = None;
    if let Some(total) = st.constrained_bits_per_second {
        let (v, a) = split_bits_per_second(total);
        st.video_bits_per_second = v;
        st.audio_bits_per_second = a;
    }
}

/// Splits `bitsPerSecond` into video and audio parts, both non-zero, adding up to about the
/// total (at most 128 kb/s, a tenth, goes to audio).
pub(crate) fn split_bits_per_second(total: u32) -> (u32, u32) {
    let audio = (total / 10).clamp(1, 128_000);
    (total.saturating_sub(audio).max(1), audio)
}

/// A recording, as `start()` set it up.
pub(crate) struct Plan {
    pub session: u64,
    pub container: Container,
    pub mime_type: String,
    /// The subscriptions to the tracks' encoders.
    pub video: Option<EncodedSubscription>,
    pub audio: Option<EncodedSubscription>,
    /// Why the recording cannot go on, found "in parallel" (codec ids the type named that we
    /// cannot record; an encoder refusing the configuration).
    pub failed: Option<MediaStreamError>,
    pub timeslice: Option<Duration>,
    pub stream: MediaStream,
    pub stream_version: u64,
}

/// A started recording: its command channel, clock and controller thread.
pub(crate) type Started = (SyncSender<Msg>, Arc<SessionClock>, JoinHandle<()>);
