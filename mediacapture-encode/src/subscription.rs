//! A consumer's end of a shared encoder.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mediacapture_codecs::TrackInfo;
use mediacapture_hal::sync::lock;
use mediacapture_main::ext;
use mediacapture_main::{EventSubscription, RecvTimeoutError, TryRecvError};

use crate::chunk::Encoded;
use crate::config::EncoderConfig;
use crate::encoder::{Drain, Encoder, EncoderInfo, Sub, SubscriptionEnd};

/// A consumer's subscription to a shared encoder: its chunks in order, each keyframe-first
/// stream decodable from the first chunk received. Made by [`subscribe`](crate::subscribe).
///
/// Bounded: at most the capacity given to `subscribe` chunks wait here. When a consumer falls
/// that far behind, the oldest chunk is dropped and counted ([`dropped_chunks`]), and the
/// chunks after it up to the next keyframe (which the subscription asks for) are skipped and
/// counted ([`skipped_chunks`]): the consumer never gets a chunk it cannot decode, and never
/// slows the encoder or the other consumers.
///
/// Dropping the subscription leaves the encoder; the last one to leave stops it.
///
/// [`dropped_chunks`]: Self::dropped_chunks
/// [`skipped_chunks`]: Self::skipped_chunks
pub struct EncodedSubscription {
    pub(crate) encoder: Arc<Encoder>,
    pub(crate) sub: Arc<Sub>,
    pub(crate) events: EventSubscription<Arc<Encoded>>,
}

impl std::fmt::Debug for EncodedSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EncodedSubscription")
            .field("track_id", &self.encoder.track_id)
            .field("config", &self.encoder.config)
            .finish_non_exhaustive()
    }
}

/// A handle that pauses and resumes a subscription from another thread (a recorder's
/// `pause()`), made by [`EncodedSubscription::pause_handle`].
#[derive(Clone)]
pub struct PauseHandle {
    encoder: Arc<Encoder>,
    sub: Arc<Sub>,
}

impl std::fmt::Debug for PauseHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PauseHandle")
            .field("paused", &self.sub.paused.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl PauseHandle {
    /// See [`EncodedSubscription::set_paused`].
    pub fn set_paused(&self, paused: bool) {
        set_paused(&self.encoder, &self.sub, paused);
    }
}

fn set_paused(encoder: &Encoder, sub: &Sub, paused: bool) {
    let was = sub.paused.swap(paused, Ordering::AcqRel);
    if was && !paused {
        sub.wait_key.store(true, Ordering::Release);
        encoder.key_request.store(true, Ordering::Release);
    }
}

impl EncodedSubscription {
    /// The next chunk, waiting at most `timeout`; `Closed` once the subscription has ended
    /// ([`end`](Self::end) says why) and every chunk before the end was received.
    pub fn recv_timeout(&self, timeout: Duration) -> Result<Arc<Encoded>, RecvTimeoutError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = self.events.recv_timeout(left)?;
            if let Some(c) = self.accept(chunk) {
                return Ok(c);
            }
        }
    }

    /// The next chunk queued, without waiting.
    pub fn try_recv(&self) -> Result<Arc<Encoded>, TryRecvError> {
        loop {
            let chunk = self.events.try_recv()?;
            if let Some(c) = self.accept(chunk) {
                return Ok(c);
            }
        }
    }

    /// `chunk`, unless the subscription waits for a keyframe and it is not one.
    fn accept(&self, chunk: Arc<Encoded>) -> Option<Arc<Encoded>> {
        let sub = &self.sub;
        // A chunk dropped since the last one: what follows cannot be decoded up to a
        // keyframe.
        let dropped = self.events.dropped();
        if dropped > sub.seen_dropped.swap(dropped, Ordering::AcqRel) {
            sub.wait_key.store(true, Ordering::Release);
            self.encoder.key_request.store(true, Ordering::Release);
        }
        if sub.wait_key.load(Ordering::Acquire) {
            if !chunk.key {
                sub.skipped.fetch_add(1, Ordering::Relaxed);
                return None;
            }
            sub.wait_key.store(false, Ordering::Release);
        }
        Some(chunk)
    }

    /// Why the subscription ended; `None` while it has not.
    pub fn end(&self) -> Option<SubscriptionEnd> {
        lock(&self.sub.end).clone()
    }

    /// Asks the encoder for a keyframe: its next chunk is one, for every consumer.
    #[doc(alias = "generateKeyFrame")]
    pub fn request_key_frame(&self) {
        self.encoder.key_request.store(true, Ordering::Release);
    }

    /// Pauses (nothing is queued here while paused; an encoder whose consumers are all paused
    /// encodes nothing) or resumes (the next chunk received is a keyframe, which this asks
    /// for).
    pub fn set_paused(&self, paused: bool) {
        set_paused(&self.encoder, &self.sub, paused);
    }

    /// A handle that pauses and resumes this subscription from elsewhere.
    pub fn pause_handle(&self) -> PauseHandle {
        PauseHandle {
            encoder: Arc::clone(&self.encoder),
            sub: Arc::clone(&self.sub),
        }
    }

    /// Ends the subscription once the frames the track has delivered until now are encoded
    /// and received (frames after it are not), or when `timeout` has passed (the frames left
    /// are counted in [`SubscriptionEnd::Drained`]). The last consumer's drain also gets what
    /// the encoder holds back (its flush), and stops the encoder.
    pub fn drain(&self, timeout: Duration) {
        let remaining = ext::queued_frames(&self.encoder.reader);
        let mut d = lock(&self.sub.drain);
        if d.is_none() {
            *d = Some(Drain {
                remaining,
                deadline: Instant::now() + timeout,
            });
        }
    }

    /// What a container needs to know of the encoded track (codec, size, Opus pre-skip).
    pub fn track_info(&self) -> &TrackInfo {
        &self.encoder.info
    }

    /// The encoder's configuration.
    pub fn config(&self) -> &EncoderConfig {
        &self.encoder.config
    }

    /// Frames the encoder's reader dropped since this subscription was made (the encoder fell
    /// behind the track).
    pub fn dropped_frames(&self) -> u64 {
        self.encoder
            .reader
            .discarded_frames()
            .saturating_sub(self.sub.discarded_at_start)
    }

    /// Chunks dropped from this subscription's full queue.
    pub fn dropped_chunks(&self) -> u64 {
        self.events.dropped()
    }

    /// Chunks skipped while waiting for a keyframe (after a drop, on joining a running
    /// encoder, on resuming).
    pub fn skipped_chunks(&self) -> u64 {
        self.sub.skipped.load(Ordering::Relaxed)
    }

    /// The encoder this subscription reads, as it is now.
    pub fn encoder_info(&self) -> EncoderInfo {
        self.encoder.info()
    }
}

impl Drop for EncodedSubscription {
    fn drop(&mut self) {
        let mut subs = lock(&self.encoder.subs);
        subs.list.retain(|s| !Arc::ptr_eq(s, &self.sub));
        if subs.list.is_empty() {
            subs.closed = true;
        }
    }
}
