//! VideoTrackGenerator: a track whose frames the program makes (here a gradient that moves),
//! used like a camera's: a clone with its own constraints, read by a processor.
//!
//! `cargo run -p mediacapture --example generator` (needs no device).
use std::time::Duration;

use mediacapture::prelude::*;

const W: u32 = 320;
const H: u32 = 240;

/// An I420 frame: a horizontal luma gradient shifted by `n`, neutral chroma.
fn frame(n: u32, timestamp_us: i64) -> Result<VideoFrame, MediaStreamError> {
    let mut data = vec![128u8; (W * H * 3 / 2) as usize];
    for (i, y) in data[..(W * H) as usize].iter_mut().enumerate() {
        *y = ((i as u32 % W + n * 4) % 256) as u8;
    }
    VideoFrame::new(VideoPixelFormat::I420, W, H, timestamp_us, data)
        .map_err(|e| MediaStreamError::type_error(e.to_string()))
}

fn main() -> Result<(), MediaStreamError> {
    let generator = VideoTrackGenerator::new();
    let track = generator.track().clone(); // the spec's clone(): a second track on the source
    block_on(track.apply_constraints(MediaTrackConstraints::from_json(
        r#"{"width":{"exact":160},"height":{"exact":120},"resizeMode":"crop-and-scale"}"#,
    )?))?;
    let reader = MediaStreamTrackProcessor::new(&track, None)?;

    for n in 0..30 {
        generator.write(&frame(n, i64::from(n) * 33_333)?)?;
        match reader.read_timeout(Duration::from_secs(5)) {
            Ok(MediaFrame::Video(f)) => println!(
                "wrote {W}x{H} #{n}, read {}x{} at {} µs",
                f.display_width(),
                f.display_height(),
                f.timestamp()
            ),
            Ok(_) => {}
            Err(e) => return Err(MediaStreamError::unknown(format!("no frame: {e:?}"))),
        }
    }
    generator.close(); // its tracks end
    println!("after close: {:?}", track.ready_state());
    Ok(())
}
