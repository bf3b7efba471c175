//! MediaStreamTrackProcessor: read a camera's frames (cropped and scaled to the constraints)
//! and a microphone's audio for a few seconds, and say what arrived and at what rate.
//!
//! `cargo run -p mediacapture --example read_frames [SECONDS] [VIDEO_CONSTRAINTS_JSON]`
//! (no camera or microphone here? put `MEDIACAPTURE_BACKENDS=fake` in front). For example
//! `… read_frames 5 '{"width":{"exact":1280},"height":{"exact":720}}'` scales a 1080p camera.
use std::time::{Duration, Instant};

use mediacapture::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let seconds: f64 = args.next().map_or(Ok(2.0), |s| s.parse())?;
    let video = args.next().unwrap_or_else(|| "true".into());
    let devices = MediaDevices::new()?;
    let constraints =
        MediaStreamConstraints::from_json(&format!(r#"{{"video":{video},"audio":true}}"#))?;
    let stream = block_on(devices.get_user_media(constraints))?;
    let (camera, microphone) = (
        stream.get_video_tracks().remove(0),
        stream.get_audio_tracks().remove(0),
    );
    println!("video settings: {}", camera.get_settings().to_json());
    println!("audio settings: {}", microphone.get_settings().to_json());

    // Each reader has its own bounded queue: a slow reader loses its oldest frames (counted),
    // and never slows the camera or another reader.
    let frames = MediaStreamTrackProcessor::new(&camera, None)?;
    let chunks = MediaStreamTrackProcessor::new(&microphone, None)?;
    let audio = std::thread::spawn(move || {
        let (mut n, mut samples) = (0u64, 0u64);
        while let Some(MediaFrame::Audio(a)) = chunks.read() {
            n += 1;
            samples += u64::from(a.number_of_frames());
        }
        (n, samples)
    });

    let start = Instant::now();
    let (mut count, mut first, mut last) = (0u64, None, 0i64);
    while start.elapsed().as_secs_f64() < seconds {
        if let Ok(MediaFrame::Video(f)) = frames.read_timeout(Duration::from_secs(5)) {
            count += 1;
            first.get_or_insert(f.timestamp());
            last = f.timestamp();
        }
    }
    let elapsed = start.elapsed().as_secs_f64();
    camera.stop();
    microphone.stop(); // ends the audio reader's loop
    let (audio_chunks, samples) = audio.join().map_err(|_| "the audio reader failed")?;
    let span = (last - first.unwrap_or(last)) as f64 / 1e6;
    println!(
        "video: {count} frames in {elapsed:.2} s ({:.1} fps delivered; timestamps span {span:.2} s), {} dropped by this reader",
        count as f64 / elapsed,
        frames.discarded_frames()
    );
    println!("audio: {audio_chunks} chunks, {samples} samples per channel");
    Ok(())
}
