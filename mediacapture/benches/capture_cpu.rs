//! The CPU cost of capturing 10 s of the fake 1280x720@30 camera and the fake 48 kHz
//! microphone into one reader each (reading every frame), in CPU seconds of the whole process.
//!
//! Run: `cargo bench -p mediacapture --bench capture_cpu` (prints the figures). Set
//! `CAPTURE_SECONDS` to change the length.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::time::{Duration, Instant};

use mediacapture::{MediaDevices, MediaStreamConstraints, MediaStreamTrackProcessor, block_on};

/// User + system CPU time of this process, from /proc/self/stat (Linux), in seconds.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let (utime, stime): (f64, f64) = (fields.get(11)?.parse().ok()?, fields.get(12)?.parse().ok()?);
    // Linux reports clock ticks of 1/100 s (USER_HZ) here.
    Some((utime + stime) / 100.0)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return; // `cargo bench -- --list` asks for the benchmarks' names.
    }
    let seconds: f64 = std::env::var("CAPTURE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let md = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let c = MediaStreamConstraints::from_json(
        r#"{"video":{"width":{"exact":1280},"height":{"exact":720},"frameRate":{"exact":30}},"audio":{"sampleRate":48000}}"#,
    )
    .unwrap();
    let cpu0 = cpu_seconds().unwrap_or(0.0);
    let start = Instant::now();
    let stream = block_on(md.get_user_media(c)).unwrap();
    let video = MediaStreamTrackProcessor::new(&stream.get_video_tracks()[0], Some(64)).unwrap();
    let audio = MediaStreamTrackProcessor::new(&stream.get_audio_tracks()[0], Some(256)).unwrap();
    let reader = std::thread::spawn(move || {
        let mut n = 0u64;
        while audio.read_timeout(Duration::from_millis(100)).is_ok() {
            n += 1;
        }
        (n, audio.discarded_frames())
    });
    let (mut frames, mut bytes) = (0u64, 0usize);
    while start.elapsed().as_secs_f64() < seconds {
        if let Ok(f) = video.read_timeout(Duration::from_secs(1)) {
            frames += 1;
            bytes += f.as_video().map_or(0, |v| v.data().len());
        }
    }
    for t in stream.get_tracks() {
        t.stop();
    }
    let (chunks, audio_dropped) = reader.join().unwrap();
    let wall = start.elapsed().as_secs_f64();
    let cpu = cpu_seconds().unwrap_or(0.0) - cpu0;
    println!(
        "capture_cpu: {wall:.1} s of fake 1280x720@30 video + 48 kHz audio into one reader each"
    );
    println!(
        "  video: {frames} frames ({:.1} fps, {:.0} MB), {} dropped by the reader",
        frames as f64 / wall,
        bytes as f64 / 1e6,
        video.discarded_frames()
    );
    println!("  audio: {chunks} chunks of 10 ms, {audio_dropped} dropped by the reader");
    println!(
        "  CPU: {cpu:.2} s ({:.1} % of one core)",
        100.0 * cpu / wall
    );
}
