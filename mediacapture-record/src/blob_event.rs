//! A recorder's events: `dataavailable` ([`BlobEvent`]) and the rest ([`RecorderEvent`]), and
//! the bounds of a subscription to them.

use mediacapture_main::{Blob, MediaStreamError};

/// Room in a recorder event subscription: at the smallest timeslice (10 ms), 10 s of
/// `dataavailable` events. Blobs are never dropped: a subscriber whose queue is full of them
/// gets an `error` event and its subscription ends, and the recording fails (see
/// [`MediaRecorder::events`](crate::MediaRecorder::events)); other events (`pause`, `resume`) may be dropped to make room,
/// counted by [`EventSubscription::dropped`](mediacapture_main::EventSubscription::dropped). Keep reading.
pub const RECORDER_EVENT_CAPACITY: usize = 1024;
/// The most blob bytes a recorder event subscription queues: a subscriber this far behind
/// gets an `error` event instead of the next blob (see [`MediaRecorder::events`](crate::MediaRecorder::events)).
pub const RECORDER_EVENT_BYTES: usize = 256 << 20;
/// A `dataavailable` event: the next piece of the recording.
///
/// Corresponds to [`BlobEvent`](https://w3c.github.io/mediacapture-record/#blobevent-section).
#[derive(Clone, Debug, PartialEq)]
pub struct BlobEvent {
    data: Blob,
    timecode: f64,
}

impl BlobEvent {
    /// An event carrying `data`, whose first chunk is at `timecode` ms.
    pub fn new(data: Blob, timecode: f64) -> Self {
        BlobEvent { data, timecode }
    }
    /// The bytes: the next slice of the file (the slices of one recording, concatenated,
    /// are the file); its type is the recorder's `mimeType`.
    pub fn data(&self) -> &Blob {
        &self.data
    }
    /// The time of the blob's first chunk after the recording's first, in ms (0 for the first
    /// blob; never decreasing).
    pub fn timecode(&self) -> f64 {
        self.timecode
    }
}

/// A recorder's events, in the order the spec fires them.
///
/// Corresponds to `start`, `dataavailable` ([`BlobEvent`]), `pause`, `resume`, `stop` and
/// `error` (an `ErrorEvent` whose `error` is the DOMException) of
/// [`MediaRecorder`](https://w3c.github.io/mediacapture-record/#mediarecorder-api).
#[derive(Clone, Debug)]
pub enum RecorderEvent {
    /// Recording began; `mimeType` now names the codecs.
    Start,
    /// A piece of the recording.
    DataAvailable(BlobEvent),
    /// Paused.
    Pause,
    /// Resumed.
    Resume,
    /// Stopped: the last event of a recording.
    Stop,
    /// The recording failed (it stops; `dataavailable` and `stop` follow unless the
    /// configuration was refused before it started).
    Error(MediaStreamError),
}

impl RecorderEvent {
    /// The event's type: `"start"`, `"dataavailable"`, `"pause"`, `"resume"`, `"stop"`,
    /// `"error"`.
    pub fn event_type(&self) -> &'static str {
        match self {
            RecorderEvent::Start => "start",
            RecorderEvent::DataAvailable(_) => "dataavailable",
            RecorderEvent::Pause => "pause",
            RecorderEvent::Resume => "resume",
            RecorderEvent::Stop => "stop",
            RecorderEvent::Error(_) => "error",
        }
    }
}
