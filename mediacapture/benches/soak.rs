//! A soak: 100,000 getUserMedia / clone / stop cycles on the fake devices (and a recorder
//! every 1,000 cycles), printing the process's resident memory and thread count at the start,
//! every 10,000 cycles and at the end. Both must stay flat: nothing a cycle makes outlives it.
//!
//! Run: `cargo bench -p mediacapture --features recorder --bench soak` (prints the figures).
//! Set `SOAK_CYCLES` to change the count.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::time::Instant;

use mediacapture::{
    MediaDevices, MediaRecorder, MediaRecorderOptions, MediaStreamConstraints, RecorderEvent,
    block_on,
};

/// `(resident kB, threads)` of this process, from /proc/self/status (Linux).
fn rss_and_threads() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("Threads:"))
}

fn report(at: &str, t0: Instant) {
    let (rss, threads) = rss_and_threads();
    println!(
        "{at:>14}: {:>7.1} MB resident, {threads} threads ({:.1} s)",
        rss as f64 / 1024.0,
        t0.elapsed().as_secs_f64()
    );
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for the benchmarks' names.
    }
    let cycles: u64 = std::env::var("SOAK_CYCLES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(100_000);
    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let constraints =
        MediaStreamConstraints::from_json(r#"{"video":{"width":320,"height":240},"audio":true}"#)
            .unwrap();
    let t0 = Instant::now();
    // One cycle first, so that the start figure includes what every cycle reuses.
    block_on(md.get_user_media(constraints.clone())).unwrap();
    report("start", t0);
    for i in 1..=cycles {
        let stream = block_on(md.get_user_media(constraints.clone())).unwrap();
        let tracks = stream.get_tracks();
        // MediaStreamTrack::clone is the spec's clone(): a new track on the same source.
        let clones = tracks.to_vec();
        if i % 1_000 == 0 {
            let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
            let events = rec.events();
            rec.start(None).unwrap();
            rec.stop();
            while !matches!(events.recv(), Some(RecorderEvent::Stop) | None) {}
        }
        for t in tracks.iter().chain(&clones) {
            t.stop();
        }
        if i % 10_000 == 0 {
            report(&format!("{i} cycles"), t0);
        }
    }
    report("end", t0);
}
