//! MediaRecorder: three seconds of camera and microphone to a WebM file, written piece by
//! piece as `dataavailable` events come, then `stop`.
//!
//! `cargo run -p mediacapture --features recorder --example record [OUT.webm]`
//! (no camera or microphone here? put `MEDIACAPTURE_BACKENDS=fake` in front).
use std::io::Write;
use std::time::{Duration, Instant};

use mediacapture::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "recording.webm".into());
    let devices = MediaDevices::new()?;
    let constraints = MediaStreamConstraints::from_json(r#"{"video":{"width":640},"audio":true}"#)?;
    let stream = block_on(devices.get_user_media(constraints))?;

    let recorder = MediaRecorder::new(
        &stream,
        MediaRecorderOptions::mime_type("video/webm;codecs=vp8,opus"),
    )?;
    let events = recorder.events(); // subscribe before start() to see `start`
    recorder.start(Some(1000))?; // a dataavailable every second
    let started = Instant::now();
    let mut file = std::fs::File::create(&out)?;
    loop {
        if started.elapsed() >= Duration::from_secs(3)
            && recorder.state() == RecordingState::Recording
        {
            recorder.stop(); // the last dataavailable, then stop
        }
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(RecorderEvent::DataAvailable(b)) => file.write_all(b.data().bytes())?, // pieces of one WebM
            Ok(RecorderEvent::Error(e)) => return Err(e.into()),
            Ok(RecorderEvent::Stop) => break,
            Ok(other) => println!("event: {}", other.event_type()),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Closed) => break,
        }
    }
    let stats = recorder.stats();
    println!(
        "wrote {out}: {}, {} bytes, {} video frames, {} audio packets",
        recorder.mime_type(),
        stats.bytes,
        stats.video_frames,
        stats.audio_packets
    );
    Ok(())
}
