//! A shared encoder: one thread reading its track, encoding each frame once and queueing the
//! chunks on every consumer's subscription.
//!
//! ```text
//! track ─▶ MediaStreamTrackProcessor (bounded; drops oldest, counted)
//!            │ encoder thread: skipped while every consumer is paused; a keyframe when
//!            │ one is asked for; libvpx or libopus
//!            ▼
//!          one EventBus per consumer (bounded; drops oldest, counted; the consumer then
//!          waits for the next keyframe, which it asks for)
//! ```
//!
//! An encoder lives from its first subscription to its last: when the last one is dropped,
//! or drained (whose frames then get the encoder's flush), the encoder closes and no
//! subscription joins it again; when the track ends, every subscription gets the flush and
//! ends.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mediacapture_codecs::{EncodedChunk, TrackInfo};

use crate::chunk::Encoded;
use mediacapture_hal::sync::lock;
use mediacapture_main::ext::{self, EventBus};
use mediacapture_main::{MediaFrame, MediaStreamTrackProcessor, RecvTimeoutError};

use crate::codec::Codec;
use crate::config::EncoderConfig;

/// How long the encoder thread waits for a frame before it looks at its subscriptions again.
const POLL: Duration = Duration::from_millis(50);

/// Why a subscription ended (after its last chunk).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubscriptionEnd {
    /// [`EncodedSubscription::drain`](crate::EncodedSubscription::drain) finished: every
    /// frame the track had delivered when it was called is in the chunks received, except
    /// `skipped_frames` left when its time ran out.
    Drained {
        /// Frames not encoded for lack of time.
        skipped_frames: u64,
    },
    /// The track ended; the encoder's last chunks came before.
    Ended,
    /// The encoder failed.
    Failed(String),
}

/// An encoder as [`running_encoders`](crate::running_encoders) and
/// [`EncodedSubscription::encoder_info`](crate::EncodedSubscription::encoder_info) report it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EncoderInfo {
    /// The track encoded.
    pub track_id: String,
    /// Its configuration.
    pub config: EncoderConfig,
    /// Its subscriptions now.
    pub subscribers: usize,
    /// Frames read from the track.
    pub frames_in: u64,
    /// Frames encoded (each once, whatever the number of consumers).
    pub frames_encoded: u64,
    /// Frames not encoded because every consumer was paused.
    pub frames_skipped: u64,
    /// Chunks made.
    pub chunks: u64,
    /// Keyframes among them.
    pub key_frames: u64,
    /// Frames the encoder's reader dropped (the encoder fell behind the track).
    pub frames_dropped: u64,
}

impl Encoder {
    /// The encoder as it is now.
    pub(crate) fn info(&self) -> EncoderInfo {
        let (e, s) = (self, &self.stats);
        EncoderInfo {
            track_id: e.track_id.clone(),
            config: e.config,
            subscribers: lock(&e.subs).list.len(),
            frames_in: s.frames_in.load(Ordering::Relaxed),
            frames_encoded: s.frames_encoded.load(Ordering::Relaxed),
            frames_skipped: s.frames_skipped.load(Ordering::Relaxed),
            chunks: s.chunks.load(Ordering::Relaxed),
            key_frames: s.key_frames.load(Ordering::Relaxed),
            frames_dropped: e.reader.discarded_frames(),
        }
    }
}

/// What the encoder has done, for [`EncoderInfo`].
#[derive(Default)]
pub(crate) struct Stats {
    pub frames_in: AtomicU64,
    pub frames_encoded: AtomicU64,
    pub frames_skipped: AtomicU64,
    pub chunks: AtomicU64,
    pub key_frames: AtomicU64,
}

/// One consumer, as the encoder sees it.
pub(crate) struct Sub {
    pub bus: EventBus<Arc<Encoded>>,
    /// Nothing is queued for a paused consumer.
    pub paused: AtomicBool,
    /// The consumer skips chunks up to the next keyframe (it joined a running encoder,
    /// resumed, or lost chunks).
    pub wait_key: AtomicBool,
    /// Chunks skipped while waiting for a keyframe.
    pub skipped: AtomicU64,
    /// The queue's drops the consumer has seen.
    pub seen_dropped: AtomicU64,
    /// The reader's drops when the consumer joined.
    pub discarded_at_start: u64,
    pub drain: Mutex<Option<Drain>>,
    pub end: Mutex<Option<SubscriptionEnd>>,
}

/// A drain asked for: the frames the reader held then, and until when to encode them.
#[derive(Clone, Copy)]
pub(crate) struct Drain {
    pub remaining: usize,
    pub deadline: Instant,
}

pub(crate) struct Subs {
    pub list: Vec<Arc<Sub>>,
    /// No subscription joins a closed encoder.
    pub closed: bool,
}

/// An encoder shared by the consumers of one (track, configuration).
pub(crate) struct Encoder {
    pub track_id: String,
    pub config: EncoderConfig,
    pub info: TrackInfo,
    pub reader: MediaStreamTrackProcessor,
    pub subs: Mutex<Subs>,
    pub key_request: AtomicBool,
    pub stats: Stats,
    /// The last frame read: its timestamp and when the track delivered it (the chunks'
    /// `arrived`).
    pub last_read: Mutex<Option<(i64, Instant)>>,
}

impl Encoder {
    pub(crate) fn closed(&self) -> bool {
        lock(&self.subs).closed
    }

    /// Ends `sub` (`end`, after what it has queued) and takes it off the list; closes the
    /// encoder when it was the last.
    fn end_sub(subs: &mut Subs, sub: &Arc<Sub>, end: SubscriptionEnd) {
        *lock(&sub.end) = Some(end);
        sub.bus.close();
        subs.list.retain(|s| !Arc::ptr_eq(s, sub));
        if subs.list.is_empty() {
            subs.closed = true;
        }
    }

    /// The encoder thread.
    pub(crate) fn run(self: Arc<Self>, mut codec: Box<dyn Codec>) {
        // Frames are being skipped (every consumer paused): the next one encoded is a
        // keyframe.
        let mut skipping = false;
        loop {
            self.finish_drains(codec.as_mut());
            if self.closed() {
                break;
            }
            match ext::read_frame_timeout(&self.reader, POLL) {
                Ok((frame, delivered)) => {
                    if let Err(m) = self.encode(codec.as_mut(), frame, delivered, &mut skipping) {
                        let mut subs = lock(&self.subs);
                        for s in subs.list.clone() {
                            Self::end_sub(&mut subs, &s, SubscriptionEnd::Failed(m.clone()));
                        }
                        subs.closed = true;
                        break;
                    }
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Closed) => {
                    // The track ended: what the encoder holds goes to everyone, then the end.
                    let chunks = codec.flush().unwrap_or_else(|m| {
                        log::warn!("encoder: {m}");
                        Vec::new()
                    });
                    let mut subs = lock(&self.subs);
                    self.emit(&subs.list, chunks);
                    for s in subs.list.clone() {
                        Self::end_sub(&mut subs, &s, SubscriptionEnd::Ended);
                    }
                    subs.closed = true;
                    break;
                }
            }
        }
    }

    fn encode(
        &self,
        codec: &mut dyn Codec,
        frame: MediaFrame,
        delivered: Instant,
        skipping: &mut bool,
    ) -> Result<(), String> {
        self.stats.frames_in.fetch_add(1, Ordering::Relaxed);
        *lock(&self.last_read) = Some((frame.timestamp(), delivered));
        let active = {
            let subs = lock(&self.subs);
            for s in &subs.list {
                if let Some(d) = lock(&s.drain).as_mut() {
                    d.remaining = d.remaining.saturating_sub(1);
                }
            }
            subs.list.iter().any(|s| !s.paused.load(Ordering::Acquire))
        };
        if !active {
            self.stats.frames_skipped.fetch_add(1, Ordering::Relaxed);
            if !std::mem::replace(skipping, true) {
                codec.skipping();
            }
            return Ok(());
        }
        let key = self.key_request.swap(false, Ordering::AcqRel) || std::mem::take(skipping);
        let chunks = codec.encode(frame, key)?;
        self.stats.frames_encoded.fetch_add(1, Ordering::Relaxed);
        let subs = lock(&self.subs);
        self.emit(&subs.list, chunks);
        Ok(())
    }

    /// Queues `chunks` for every consumer not paused.
    fn emit(&self, subs: &[Arc<Sub>], chunks: Vec<EncodedChunk>) {
        let last_read = *lock(&self.last_read);
        for c in chunks {
            self.stats.chunks.fetch_add(1, Ordering::Relaxed);
            if c.key {
                self.stats.key_frames.fetch_add(1, Ordering::Relaxed);
            }
            // When the media at the chunk's time came: the last frame's delivery, less how far
            // the chunk starts before that frame (an Opus packet of earlier samples).
            let arrived = last_read.map_or_else(Instant::now, |(ts, at)| {
                let before = u64::try_from(ts.saturating_sub(c.timestamp)).unwrap_or(0);
                at.checked_sub(Duration::from_micros(before)).unwrap_or(at)
            });
            let c = Arc::new(Encoded { chunk: c, arrived });
            for s in subs.iter().filter(|s| !s.paused.load(Ordering::Acquire)) {
                s.bus.emit(Arc::clone(&c));
            }
        }
    }

    /// Ends the drains that are done: every frame queued when each was asked for is encoded
    /// (or its deadline passed). The last consumer's drain also gets the encoder's flush, and
    /// closes the encoder.
    fn finish_drains(&self, codec: &mut dyn Codec) {
        let queued = ext::queued_frames(&self.reader);
        let mut subs = lock(&self.subs);
        let now = Instant::now();
        let done: Vec<(Arc<Sub>, usize)> = subs
            .list
            .iter()
            .filter_map(|s| {
                let mut d = lock(&s.drain);
                let drain = d.as_mut()?;
                // Frames the reader dropped since are not waited for.
                drain.remaining = drain.remaining.min(queued);
                (drain.remaining == 0 || now >= drain.deadline)
                    .then(|| (Arc::clone(s), drain.remaining))
            })
            .collect();
        for (s, skipped) in done {
            if subs.list.len() == 1 {
                match codec.flush() {
                    Ok(chunks) => self.emit(std::slice::from_ref(&s), chunks),
                    Err(m) => log::warn!("encoder: {m}"),
                }
            }
            Self::end_sub(
                &mut subs,
                &s,
                SubscriptionEnd::Drained {
                    skipped_frames: skipped as u64,
                },
            );
        }
    }
}
