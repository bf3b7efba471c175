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

/// Maps one track's timestamps onto the recording's timeline: anchored where the media of its
/// first chunk was delivered by the track, then following the track's own clock, with paused
/// stretches cut out (the chunk after a pause follows the last one before it).
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

    pub(crate) fn map(
        &mut self,
        ts: i64,
        duration: i64,
        arrived: Instant,
        session: &SessionClock,
        strictly_increasing: bool,
    ) -> i64 {
        if let Some(p) = self.pause_from.take() {
            self.removed += (ts - p).max(0);
        }
        self.last_end = Some(ts + duration.max(0));
        let (m0, o0) = *self
            .first
            .get_or_insert_with(|| (ts, session.elapsed_us_at(arrived)));
        let mut out = (o0 + ts - m0 - self.removed).max(0);
        if let Some(last) = self.last.filter(|l| strictly_increasing && out <= *l) {
            out = last + 1;
        }
        self.last = Some(out);
        out
    }
}
