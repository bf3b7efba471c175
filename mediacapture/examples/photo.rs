//! ImageCapture: a 1280x720 photo of the camera as PNG, and a grabbed frame's size.
//!
//! `cargo run -p mediacapture --features image-capture --example photo [OUT.png]`
//! (no camera here? put `MEDIACAPTURE_BACKENDS=fake` in front).
use mediacapture::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "photo.png".into());
    let devices = MediaDevices::new()?;
    let stream = block_on(devices.get_user_media(MediaStreamConstraints::from_json(
        r#"{"video":{"width":1280,"height":720}}"#,
    )?))?;
    let camera = ImageCapture::new(&stream.get_video_tracks()[0])?;

    let capabilities = block_on(camera.get_photo_capabilities())?;
    println!("photo capabilities: {}", capabilities.to_json());
    let photo = block_on(camera.take_photo(PhotoSettings::from_json(
        r#"{"imageWidth":1280,"imageHeight":720}"#,
    )?))?;
    std::fs::write(&out, photo.bytes())?;
    println!(
        "wrote {out}: {} ({} bytes)",
        photo.mime_type(),
        photo.size()
    );

    let frame = block_on(camera.grab_frame())?; // an ImageBitmap: RGBA pixels
    println!(
        "grabbed a {}x{} frame; its top-left pixel is {:?}",
        frame.width(),
        frame.height(),
        frame.pixel(0, 0)
    );
    Ok(())
}
