//! The recording's timeline: the session clock (pause cuts the paused time) and each
//! track's mapping from capture timestamps onto it.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use mediacapture_hal::sync::lock;

/// The recording's wall clock, less paused time; `paused` is set synchronously by `pause()`.
pub(crate) struct SessionClock {
    start: Instant,
    pub paused: AtomicBool,
    /// When the current pause began, and the paused time before it.
    pauses: Mutex<(Option<Instant>, Duration)>,
}

impl SessionClock {
    pub(crate) fn new() -> Self {
        SessionClock {
            start: Instant::now(),
            paused: AtomicBool::new(false),
            pauses: Mutex::new((None, Duration::ZERO)),
        }
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        let mut p = lock(&self.pauses);
        match (paused, p.0) {
            (true, None) => p.0 = Some(Instant::now()),
            (false, Some(since)) => {
                p.1 += since.elapsed();
                p.0 = None;
            }
            _ => {}
        }
        self.paused.store(paused, Ordering::Release);
    }

    /// Recording time now, in µs.
    fn elapsed_us(&self) -> i64 {
        let p = lock(&self.pauses);
        let now = Instant::now();
        let paused = p.1 + p.0.map_or(Duration::ZERO, |s| now - s);
        i64::try_from((now - self.start).saturating_sub(paused).as_micros()).unwrap_or(i64::MAX)
    }
}

/// Maps one track's timestamps onto the recording's timeline: anchored where its first frame
/// arrived, then following the track's own clock, with paused stretches cut out.
#[derive(Default)]
pub(crate) struct TrackClock {
    /// (first media timestamp, its place on the timeline).
    first: Option<(i64, i64)>,
    /// The media time at which a pause began (the first frame dropped).
    pause_from: Option<i64>,
    removed: i64,
    last: Option<i64>,
}

impl TrackClock {
    pub(crate) fn paused(&mut self, ts: i64) {
        if self.first.is_some() {
            self.pause_from.get_or_insert(ts);
        }
    }

    pub(crate) fn map(
        &mut self,
        ts: i64,
        session: &SessionClock,
        strictly_increasing: bool,
    ) -> i64 {
        if let Some(p) = self.pause_from.take() {
            self.removed += (ts - p).max(0);
        }
        let (m0, o0) = *self.first.get_or_insert_with(|| (ts, session.elapsed_us()));
        let mut out = (o0 + ts - m0 - self.removed).max(0);
        if let Some(last) = self.last.filter(|l| strictly_increasing && out <= *l) {
            out = last + 1;
        }
        self.last = Some(out);
        out
    }
}
