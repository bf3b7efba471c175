//! What the benches share (not each uses all).
#![allow(dead_code)]

/// User + system CPU time of this process, from /proc/self/stat (Linux), in seconds.
pub fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let rest = stat.rsplit_once(')').map_or("", |r| r.1);
    let f: Vec<&str> = rest.split_whitespace().collect();
    let t = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // Clock ticks of 1/100 s (USER_HZ).
    (t(11) + t(12)) / 100.0
}

/// Records with `recorder` in 1 s timeslices for `seconds`, handing every blob's bytes to
/// `data`; `before_stop` runs just before `stop()`, while every thread is alive. Returns when
/// the `stop` event came (or 10 s after `stop()` without it).
pub fn record_for(
    recorder: &mediacapture::MediaRecorder,
    seconds: f64,
    mut data: impl FnMut(&[u8]),
    before_stop: impl FnOnce(),
) {
    use mediacapture::RecorderEvent;
    use std::time::{Duration, Instant};
    let events = recorder.events();
    recorder.start(Some(1000)).unwrap();
    let start = Instant::now();
    let mut take = |e: RecorderEvent| {
        if let RecorderEvent::DataAvailable(b) = &e {
            data(b.data().bytes());
        }
        matches!(e, RecorderEvent::Stop)
    };
    while start.elapsed().as_secs_f64() < seconds {
        if let Ok(e) = events.recv_timeout(Duration::from_millis(100)) {
            take(e);
        }
    }
    before_stop();
    recorder.stop();
    while let Ok(e) = events.recv_timeout(Duration::from_secs(10)) {
        if take(e) {
            break;
        }
    }
}
