//! Latency and footprint:
//!
//! - **getUserMedia → first frame**: from calling `getUserMedia` for the fake 1280x720@30
//!   camera to its first frame in a `MediaStreamTrackProcessor`, 20 times (each on a new
//!   stream, the previous one stopped); median and max. Target: under 10 ms.
//! - **peak RSS of a recording**: a child process (this bench, run again) records 10 s of the
//!   fake 1280x720@30 camera and 48 kHz microphone to VP8 + Opus WebM with `MediaRecorder`,
//!   counting the blobs' bytes as it goes (as a program writing them out would), and reports its
//!   peak resident set (`VmHWM`). Target: under 40 MiB.
//!
//! Run: `cargo bench -p mediacapture --features recorder --bench footprint`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::process::Command;
use std::time::{Duration, Instant};

use mediacapture::{
    MediaDevices, MediaRecorder, MediaRecorderOptions, MediaStreamConstraints,
    MediaStreamTrackProcessor, block_on,
};

mod common;
use common::record_for;

const CHILD: &str = "--footprint-recording";
const RUNS: usize = 20;

fn constraints(audio: bool) -> MediaStreamConstraints {
    let audio = if audio {
        r#","audio":{"sampleRate":48000,"channelCount":1}"#
    } else {
        ""
    };
    MediaStreamConstraints::from_json(&format!(
        r#"{{"video":{{"width":{{"exact":1280}},"height":{{"exact":720}},"frameRate":{{"exact":30}}}}{audio}}}"#
    ))
    .unwrap()
}

/// This process's `VmHWM` (peak resident set) in KiB.
fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// The child: 10 s recorded, then `VmHWM=<KiB> BYTES=<n> DROPPED=<n>` on stdout.
fn record_child() {
    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let stream = block_on(md.get_user_media(constraints(true))).unwrap();
    let recorder = MediaRecorder::new(
        &stream,
        MediaRecorderOptions::mime_type("video/webm;codecs=vp8,opus"),
    )
    .unwrap();
    let mut bytes = 0u64;
    record_for(&recorder, 10.0, |b| bytes += b.len() as u64, || {});
    let s = recorder.stats();
    println!(
        "VmHWM={} BYTES={bytes} DROPPED={}",
        peak_rss_kib(),
        s.video_frames_dropped + s.audio_chunks_dropped
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--list") {
        return;
    }
    if args.iter().any(|a| a == CHILD) {
        record_child();
        return;
    }

    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let t0 = Instant::now();
        let stream = block_on(md.get_user_media(constraints(false))).unwrap();
        let reader = MediaStreamTrackProcessor::new(&stream.get_video_tracks()[0], None).unwrap();
        reader.read_timeout(Duration::from_secs(5)).unwrap();
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        for t in stream.get_tracks() {
            t.stop();
        }
    }
    let mut sorted = times.clone();
    sorted.sort_by(f64::total_cmp);
    println!(
        "footprint: getUserMedia -> first frame (fake 1280x720@30), {RUNS} runs: median {:.2} ms, max {:.2} ms (target < 10 ms)",
        sorted[RUNS / 2],
        sorted[RUNS - 1]
    );

    let me = std::env::current_exe().unwrap();
    let out = Command::new(me).arg(CHILD).output().unwrap();
    assert!(
        out.status.success(),
        "the recording child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(name))
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0)
    };
    println!(
        "footprint: 10 s recording of 1280x720@30 + 48 kHz mono to VP8 + Opus WebM: peak RSS {:.1} MiB (target < 40 MiB), {:.2} MB written, {} dropped",
        field("VmHWM=") as f64 / 1024.0,
        field("BYTES=") as f64 / 1e6,
        field("DROPPED=")
    );
}
