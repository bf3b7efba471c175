//! getUserMedia with the constraints a web page passes, the settings it chose, a second of
//! frames, and the track's events until it is stopped.
//!
//! `cargo run -p mediacapture --example get_user_media` (no camera or microphone here? put
//! `MEDIACAPTURE_BACKENDS=fake` in front for the built-in fake devices).
use std::time::Duration;

use mediacapture::prelude::*;

fn main() -> Result<(), MediaStreamError> {
    let devices = MediaDevices::new()?; // the machine's devices (MEDIACAPTURE_BACKENDS=fake: fake ones)
    for d in block_on(devices.enumerate_devices()) {
        println!("{:<11} {}", d.kind().to_string(), d.label());
    }
    let constraints = MediaStreamConstraints::from_json(
        r#"{"video":{"width":{"ideal":1280},"height":{"ideal":720}},"audio":true}"#,
    )?;
    let stream = block_on(devices.get_user_media(constraints))?; // any async runtime, or none
    let video = stream.get_video_tracks().remove(0);
    let events = video.events(); // nothing is missed since getUserMedia resolved
    println!("{}: {}", video.label(), video.get_settings().to_json());

    // A second of frames.
    let frames = MediaStreamTrackProcessor::new(&video, None)?;
    let rate = video.get_settings().frame_rate.unwrap_or(30.0);
    for _ in 0..rate.round() as usize {
        match frames.read_timeout(Duration::from_secs(5)) {
            Ok(MediaFrame::Video(f)) => {
                println!(
                    "frame {}x{} at {} µs",
                    f.display_width(),
                    f.display_height(),
                    f.timestamp()
                )
            }
            Ok(_) => {}
            Err(e) => {
                eprintln!("no frame: {e:?}");
                break;
            }
        }
    }

    // stop() ends the track: its subscription ends after what it has queued.
    video.stop();
    for event in events {
        println!("event: {}", event.event_type()); // started, mute, unmute, ended
    }
    println!("stopped: {:?}", video.ready_state());
    Ok(())
}
