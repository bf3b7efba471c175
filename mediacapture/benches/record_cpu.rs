//! The CPU cost of recording 10 s of the fake 1280x720@30 camera and the fake 48 kHz
//! microphone to VP8 + Opus WebM with `MediaRecorder`, against bare libvpx + libopus encoding
//! the same frames and samples, in the same run.
//!
//! - **recorder**: the whole process while getUserMedia's tracks are recorded in real time
//!   (capture, the recorder's threads, encoding, muxing, the blobs).
//! - **capture only**: the same tracks read and thrown away, for the part that is not the
//!   recorder's.
//! - **bare**: the same 300 frames (pre-rendered by the fake camera's pattern) and 10 s of the
//!   microphone's signal encoded in a loop with the same settings (VP8 realtime, speed 8, one
//!   thread, 2.5 Mb/s; Opus 128 kb/s VBR), through `mediacapture-codecs`' direct calls.
//!
//! Target: recorder ≤ 1.05 × bare, and no frame dropped. CPU time on this 2-core machine varies
//! by 10–20 % from run to run (libvpx's own time does), so the recorder and the paced bare
//! encoder alternate for `RECORD_ROUNDS` rounds (default 3) and the medians are compared.
//!
//! Run: `cargo bench -p mediacapture --features recorder --bench record_cpu` (prints the
//! figures). Set `RECORD_SECONDS` to change the length.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::time::{Duration, Instant};

use mediacapture::fake::pattern::{Pattern, tone_sample};
use mediacapture::{
    MediaDevices, MediaRecorder, MediaRecorderOptions, MediaRecorderStats, MediaStream,
    MediaStreamConstraints, MediaStreamTrackProcessor, VideoFrame, VideoPixelFormat, block_on,
};
use mediacapture_codecs::opus::OpusEncoder;
use mediacapture_codecs::vpx::{VpxConfig, VpxEncoder};
use mediacapture_codecs::{Container, Muxer, TrackInfo, VideoCodec};

mod common;
use common::{cpu_seconds, record_for};

fn open(md: &MediaDevices) -> MediaStream {
    let c = MediaStreamConstraints::from_json(
        r#"{"video":{"width":{"exact":1280},"height":{"exact":720},"frameRate":{"exact":30}},"audio":{"sampleRate":48000,"channelCount":1}}"#,
    )
    .unwrap();
    block_on(md.get_user_media(c)).unwrap()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let env = |name: &str, default: f64| {
        std::env::var(name)
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(default)
    };
    let seconds = env("RECORD_SECONDS", 10.0);
    let rounds = env("RECORD_ROUNDS", 3.0).max(1.0) as usize;
    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();

    // The fake camera's frames and the microphone's signal, for the bare encoder.
    let frames = (seconds * 30.0) as u64 + 2;
    let pattern = Pattern::new(1280, 720);
    let pictures: Vec<VideoFrame> = (0..frames)
        .map(|i| {
            let ts = (i * 1_000_000 / 30) as i64;
            VideoFrame::new(VideoPixelFormat::I420, 1280, 720, ts, pattern.render(i, ts)).unwrap()
        })
        .collect();
    let samples: Vec<f32> = (0..(seconds * 48_000.0) as u64)
        .map(|n| tone_sample(n, 48_000))
        .collect();

    println!("record_cpu: {seconds} s of fake 1280x720@30 + 48 kHz mono, VP8 + Opus WebM");
    let capture_cpu = capture_only(&md, seconds);
    println!("  capture only          {capture_cpu:6.2} CPU-s");
    let (bare_cpu, bare_bytes) = bare(&pictures, &samples, None);
    println!(
        "  bare, back to back    {bare_cpu:6.2} CPU-s  ({frames} frames, {:.2} MB)",
        bare_bytes as f64 / 1e6
    );
    let (mut ours, mut paced) = (Vec::new(), Vec::new());
    let mut dropped = 0;
    for round in 1..=rounds {
        let r = record(&md, seconds);
        dropped += r.stats.video_frames_dropped + r.stats.audio_chunks_dropped;
        println!(
            "  round {round}: recorder   {:6.2} CPU-s  ({} frames, {} packets, {} frames dropped, {} audio chunks dropped, {:.2} MB)",
            r.cpu,
            r.stats.video_frames,
            r.stats.audio_packets,
            r.stats.video_frames_dropped,
            r.stats.audio_chunks_dropped,
            r.bytes as f64 / 1e6
        );
        println!("           by thread: {}", r.threads);
        let (p, _) = bare(&pictures, &samples, Some(Instant::now()));
        println!(
            "  round {round}: bare paced {p:6.2} CPU-s  (each frame and chunk at its real time)"
        );
        ours.push(r.cpu);
        paced.push(p);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (o, p) = (median(&mut ours), median(&mut paced));
    println!(
        "  median: recorder {o:.2}, bare paced {p:.2} CPU-s: recorder / bare paced = {:.3}, recorder / bare back to back = {:.3}; {dropped} dropped (target <= 1.05, 0 dropped)",
        o / p.max(1e-9),
        o / bare_cpu.max(1e-9)
    );
}

/// CPU seconds for reading the tracks for `seconds` and throwing the frames away.
fn capture_only(md: &MediaDevices, seconds: f64) -> f64 {
    let stream = open(md);
    let cpu0 = cpu_seconds();
    let handles: Vec<_> = stream
        .get_tracks()
        .iter()
        .map(|t| MediaStreamTrackProcessor::new(t, Some(64)).unwrap())
        .map(|r| {
            std::thread::spawn(move || while r.read_timeout(Duration::from_millis(200)).is_ok() {})
        })
        .collect();
    std::thread::sleep(Duration::from_secs_f64(seconds));
    for t in stream.get_tracks() {
        t.stop();
    }
    handles.into_iter().for_each(|h| h.join().unwrap());
    cpu_seconds() - cpu0
}

struct Recorded {
    cpu: f64,
    stats: MediaRecorderStats,
    bytes: u64,
    threads: String,
}

/// Records the fake camera and microphone for `seconds` (1 s timeslices).
fn record(md: &MediaDevices, seconds: f64) -> Recorded {
    let stream = open(md);
    let cpu0 = cpu_seconds();
    let recorder = MediaRecorder::new(
        &stream,
        MediaRecorderOptions::mime_type("video/webm;codecs=vp8,opus"),
    )
    .unwrap();
    let mut bytes = 0u64;
    // Per thread, while they are all alive (just before the end).
    let mut threads = String::new();
    record_for(
        &recorder,
        seconds,
        |b| bytes += b.len() as u64,
        || threads = thread_cpu(),
    );
    let cpu = cpu_seconds() - cpu0;
    for t in stream.get_tracks() {
        t.stop();
    }
    Recorded {
        cpu,
        stats: recorder.stats(),
        bytes,
        threads,
    }
}

/// Encodes `pictures` (30 fps) and `samples` (48 kHz mono, 10 ms at a time) with the recorder's
/// settings into a WebM muxer, back to back, or `paced` from that instant (each frame or chunk
/// at its time); returns the CPU seconds and the bytes.
fn bare(pictures: &[VideoFrame], samples: &[f32], paced: Option<Instant>) -> (f64, u64) {
    let cpu0 = cpu_seconds();
    let mut vpx =
        VpxEncoder::new(VpxConfig::realtime(VideoCodec::Vp8, 1280, 720, 2_500_000)).unwrap();
    let mut opus = OpusEncoder::new(48_000, 1, 128_000, true).unwrap();
    let mut mux = Muxer::new(
        Container::WebM,
        Some(TrackInfo::video(VideoCodec::Vp8, 1280, 720)),
        Some(TrackInfo::opus(48_000, 1, opus.pre_skip())),
    )
    .unwrap();
    let mut bytes = mux.take_bytes().unwrap().len() as u64;
    // Frames and audio chunks in time order: (time µs, frame index, chunk index).
    let mut events: Vec<(i64, Option<usize>, Option<usize>)> = pictures
        .iter()
        .enumerate()
        .map(|(i, f)| (f.timestamp(), Some(i), None))
        .chain((0..samples.len() / 480).map(|c| (c as i64 * 10_000, None, Some(c))))
        .collect();
    events.sort_by_key(|e| e.0);
    for (t, frame, chunk) in events {
        if let Some(start) = paced {
            let due = start + Duration::from_micros(t as u64);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                std::thread::sleep(wait);
            }
        }
        if let Some(i) = frame {
            for c in vpx.encode(&pictures[i], t, 33_333, i % 60 == 0).unwrap() {
                mux.write_video(&c).unwrap();
            }
        }
        if let Some(c) = chunk {
            for p in opus.encode(&samples[c * 480..(c + 1) * 480], t).unwrap() {
                mux.write_audio(&p).unwrap();
            }
        }
    }
    bytes += mux.take_bytes().unwrap().len() as u64;
    (cpu_seconds() - cpu0, bytes)
}

/// CPU seconds of each live thread of this process, by name, largest first.
fn thread_cpu() -> String {
    let mut v: Vec<(String, f64)> = std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let dir = e.path();
            let name = std::fs::read_to_string(dir.join("comm")).ok()?;
            let stat = std::fs::read_to_string(dir.join("stat")).ok()?;
            let f: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
            let t = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some((name.trim().to_owned(), t / 100.0))
        })
        .filter(|(_, t)| *t > 0.0)
        .collect();
    v.sort_by(|a, b| b.1.total_cmp(&a.1));
    v.iter()
        .map(|(n, t)| format!("{n} {t:.2}"))
        .collect::<Vec<_>>()
        .join(", ")
}
