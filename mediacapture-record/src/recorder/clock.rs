//! The recording's timeline: the session clock (pause cuts the paused time) and each
//! track's mapping from capture timestamps onto it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mediacapture_encode::PauseHandle;
use mediacapture_hal::sync::lock;

/// The recording's wall clock, less paused time; `paused` is set synchronously by `pause()`,
/// which also pauses the recording's subscriptions to its encoders.
pub(crate) struct SessionClock {
    start: Instant,
    pub paused: AtomicBool,
    /// How many pauses began.
    count: AtomicU64,
    /// When the current pause began, and the paused time before it.
    pauses: Mutex<(Option<Instant>, Duration)>,
    encoders: Vec<PauseHandle>,
}

impl SessionClock {
    pub(crate) fn new(encoders: Vec<PauseHandle>) -> Self {
        SessionClock {
            start: Instant::now(),
            paused: AtomicBool::new(false),
            count: AtomicU64::new(0),
            pauses: Mutex::new((None, Duration::ZERO)),
            encoders,
        }
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        let mut p = lock(&self.pauses);
        match (paused, p.0) {
            (true, None) => {
                p.0 = Some(Instant::now());
                self.count.fetch_add(1, Ordering::AcqRel);
            }
            (false, Some(since)) => {
                p.1 += since.elapsed();
                p.0 = None;
            }
            _ => {}
        }
        self.paused.store(paused, Ordering::Release);
        for e in &self.encoders {
            e.set_paused(paused);
        }
    }

    /// How many pauses began so far.
    pub(crate) fn pauses(&self) -> u64 {
        self.count.load(Ordering::Acquire)
    }

    /// Recording time at `at` (0 before the recording started), in µs.
    fn elapsed_us_at(&self, at: Instant) -> i64 {
        let p = lock(&self.pauses);
        let paused = p.1
            + p.0
                .map_or(Duration::ZERO, |s| at.saturating_duration_since(s));
        let elapsed = at
            .saturating_duration_since(self.start)
            .saturating_sub(paused);
        i64::try_from(elapsed.as_micros()).unwrap_or(i64::MAX)
    }
}

/// The least step between two video frames on the timeline: one tick of WebM's 1 ms time base.
const VIDEO_STEP_US: i64 = 1000;

/// Maps one track's timestamps onto the recording's timeline: anchored where the media of its
/// first chunk was delivered by the track, then following the track's own clock, with paused
/// stretches cut out (the chunk after a pause follows the last one before it). A video frame is
/// placed in the frame period before its delivery, when its picture was taken (not before the
/// start).
#[derive(Default)]
pub(crate) struct TrackClock {
    /// (first media timestamp, its place on the timeline).
    first: Option<(i64, i64)>,
    /// The media time at which a pause began: the end of the last chunk mapped.
    pause_from: Option<i64>,
    removed: i64,
    last: Option<i64>,
    /// The end of the last chunk mapped, in media time.
    last_end: Option<i64>,
}

impl TrackClock {
    /// A pause began (or goes on).
    pub(crate) fn paused(&mut self) {
        if let Some(end) = self.last_end {
            self.pause_from.get_or_insert(end);
        }
    }

    /// The place on the timeline of the chunk at media time `ts` lasting `duration` µs that the
    /// track delivered at `arrived`. `video`: a video track's (its times strictly increase, and
    /// its frames' pictures were taken a duration before their delivery).
    pub(crate) fn map(
        &mut self,
        ts: i64,
        duration: i64,
        arrived: Instant,
        session: &SessionClock,
        video: bool,
    ) -> i64 {
        if let Some(p) = self.pause_from.take() {
            self.removed += (ts - p).max(0);
        }
        self.last_end = Some(ts + duration.max(0));
        // Step: the anchor. A video frame's picture was taken in the frame period before the
        // track delivered it (a camera exposes, reads out, then delivers), so it is placed
        // there, one duration earlier; an audio chunk's timestamp is already its first
        // sample's. This also keeps a live source's delivery delay (up to a frame period)
        // from putting its first frame a period late against the audio.
        let (m0, o0) = *self.first.get_or_insert_with(|| {
            let delivered = session.elapsed_us_at(arrived);
            // Not before the start: the frames keep their spacing (a period of cadence
            // each), so the first one may be drawn a little late rather than bunched up.
            let taken = if video {
                (delivered - duration.max(0)).max(0)
            } else {
                delivered
            };
            (ts, taken)
        });
        let mut out = (o0 + ts - m0 - self.removed).max(0);
        // Video times strictly increase in the container's 1 ms time base (WebM's), so that
        // no two frames share a timestamp there.
        if let Some(last) = self.last.filter(|l| video && out < *l + VIDEO_STEP_US) {
            out = last + VIDEO_STEP_US;
        }
        self.last = Some(out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PERIOD: i64 = 33_333;

    /// The places of frames at media times `ts` (µs after the device's first frame), the
    /// first delivered `first_after` after the recording started.
    fn places(first_after: Duration, ts: &[i64], video: bool) -> Vec<i64> {
        let session = SessionClock::new(Vec::new());
        let first = session.start + first_after;
        let mut clock = TrackClock::default();
        ts.iter()
            .map(|&t| {
                let arrived = first + Duration::from_micros((t - ts[0]).unsigned_abs());
                clock.map(t, PERIOD, arrived, &session, video)
            })
            .collect()
    }

    #[test]
    fn a_video_frame_is_placed_in_the_period_before_its_delivery_and_audio_where_it_came() {
        let ts = [1_000_000, 1_033_333, 1_066_666];
        let p = places(Duration::from_millis(40), &ts, true);
        assert_eq!(p, [40_000 - PERIOD, 40_000, 40_000 + PERIOD]);
        // Delivered within a period of the start: from the start, spaced by their periods.
        assert_eq!(
            places(Duration::from_millis(20), &ts, true),
            [0, PERIOD, 2 * PERIOD]
        );
        assert_eq!(
            places(Duration::from_millis(15), &ts, false)[..2],
            [15_000, 15_000 + PERIOD]
        );
        // Frames closer than WebM's 1 ms tick step by the tick.
        let session = SessionClock::new(Vec::new());
        let mut clock = TrackClock::default();
        let at = session.start + Duration::from_millis(50);
        assert_eq!(clock.map(0, PERIOD, at, &session, true), 50_000 - PERIOD);
        assert_eq!(
            clock.map(300, PERIOD, at, &session, true),
            50_000 - PERIOD + 1000
        );
    }
}
