//! The forwarding threads: one per recorded track, taking its chunks from the shared encoder
//! (`mediacapture-encode`) onto the recording's timeline and to the controller.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use mediacapture_encode::{Encoded, EncodedSubscription, SubscriptionEnd};
use mediacapture_main::RecvTimeoutError;

use crate::recorder::clock::{SessionClock, TrackClock};
use crate::recorder::state::*;

/// How long a forwarder waits for a chunk before it looks at the stop flag and the pauses.
const POLL: Duration = Duration::from_millis(50);

/// Starts the forwarder of `sub`'s chunks for the track of `kind`.
pub(crate) fn spawn_forwarder(
    kind: Kind,
    sub: EncodedSubscription,
    tx: &SyncSender<Msg>,
    stop: &Arc<AtomicBool>,
    clock: &Arc<SessionClock>,
    core: &Arc<Core>,
) -> Result<JoinHandle<()>, String> {
    let (tx, stop, clock, core) = (
        tx.clone(),
        Arc::clone(stop),
        Arc::clone(clock),
        Arc::clone(core),
    );
    let name = match kind {
        Kind::Video => "mediacapture-recorder-video",
        Kind::Audio => "mediacapture-recorder-audio",
    };
    thread::Builder::new()
        .name(name.into())
        .spawn(move || Forwarder::new(kind, sub, &core).run(&tx, &stop, &clock))
        .map_err(|e| format!("cannot start a recorder thread: {e}"))
}

struct Forwarder<'a> {
    kind: Kind,
    sub: EncodedSubscription,
    core: &'a Core,
    track_clock: TrackClock,
    /// The session clock's pause count last seen.
    pauses_seen: u64,
}

impl<'a> Forwarder<'a> {
    fn new(kind: Kind, sub: EncodedSubscription, core: &'a Core) -> Self {
        Forwarder {
            kind,
            sub,
            core,
            track_clock: TrackClock::default(),
            pauses_seen: 0,
        }
    }

    fn run(mut self, tx: &SyncSender<Msg>, stop: &AtomicBool, clock: &SessionClock) {
        let mut draining = false;
        loop {
            // Stop: the chunks of the frames delivered before it, within DRAIN_TIMEOUT (the
            // encoder counts what it could not encode in time).
            if !draining && stop.load(Ordering::Acquire) {
                self.sub.drain(DRAIN_TIMEOUT);
                draining = true;
            }
            let got = self.sub.recv_timeout(POLL);
            // A pause since the last chunk cuts the paused time from the timeline.
            let pauses = clock.pauses();
            if pauses != self.pauses_seen || clock.paused.load(Ordering::Acquire) {
                self.pauses_seen = pauses;
                self.track_clock.paused();
            }
            match got {
                Ok(chunk) => {
                    // A chunk encoded before a pause and read during it is not recorded.
                    if !clock.paused.load(Ordering::Acquire) {
                        self.forward(chunk, tx, clock);
                    }
                    self.count_drops();
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Closed) => {
                    self.count_drops();
                    let msg = match self.sub.end() {
                        Some(SubscriptionEnd::Ended) => Msg::Ended(self.kind),
                        Some(SubscriptionEnd::Failed(m)) => {
                            let _ = tx.send(Msg::Failed(m));
                            // Keep the thread until the controller stops it.
                            while !stop.load(Ordering::Acquire) {
                                thread::sleep(Duration::from_millis(20));
                            }
                            Msg::Done(self.kind)
                        }
                        Some(SubscriptionEnd::Drained { skipped_frames }) => {
                            let skipped = match self.kind {
                                Kind::Video => &self.core.counters.video_skipped,
                                Kind::Audio => &self.core.counters.audio_skipped,
                            };
                            skipped.fetch_add(skipped_frames, Ordering::Relaxed);
                            Msg::Done(self.kind)
                        }
                        None => Msg::Done(self.kind),
                    };
                    let _ = tx.send(msg);
                    return;
                }
            }
        }
    }

    /// `chunk` on the recording's timeline, to the controller.
    fn forward(&mut self, encoded: Arc<Encoded>, tx: &SyncSender<Msg>, clock: &SessionClock) {
        let Encoded { mut chunk, arrived } = Arc::unwrap_or_clone(encoded);
        chunk.timestamp = self.track_clock.map(
            chunk.timestamp,
            chunk.duration,
            arrived,
            clock,
            self.kind == Kind::Video,
        );
        let counter = match self.kind {
            Kind::Video => &self.core.counters.video_frames,
            Kind::Audio => &self.core.counters.audio_packets,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        let _ = tx.send(Msg::Chunk(self.kind, chunk));
    }

    /// What was lost on the way: frames the encoder fell behind on, chunks this recording's
    /// queue dropped, and those skipped up to the keyframe after a drop.
    fn count_drops(&self) {
        let lost =
            self.sub.dropped_frames() + self.sub.dropped_chunks() + self.sub.skipped_chunks();
        let counter = match self.kind {
            Kind::Video => &self.core.counters.video_dropped,
            Kind::Audio => &self.core.counters.audio_dropped,
        };
        counter.store(lost, Ordering::Relaxed);
    }
}
