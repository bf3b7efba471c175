//! `mediacapture snapshot`: getUserMedia, wait for the camera to settle, then
//! `ImageCapture.takePhoto()` into a PNG or JPEG file.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use mediacapture::{
    ImageCapture, MediaDevices, MediaStreamTrackProcessor, PhotoSettings, block_on,
};

use crate::cli::SnapshotArgs;

/// The photo's MIME type: `--format`, else the file's extension, else PNG.
fn mime_type(format: Option<&str>, out: &Path) -> Result<&'static str, String> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match format
        .map(str::to_ascii_lowercase)
        .as_deref()
        .or(ext.as_deref())
    {
        Some("jpeg" | "jpg") => Ok("image/jpeg"),
        Some("png") | None => Ok("image/png"),
        Some(other) if format.is_some() => {
            Err(format!("--format must be png or jpeg, not {other:?}"))
        }
        Some(_) => Ok("image/png"),
    }
}

/// Takes the photo; returns the summary lines, or an error message.
pub fn run(md: &MediaDevices, req: SnapshotArgs) -> Result<Vec<String>, String> {
    let mime = mime_type(req.format.as_deref(), &req.out)?;
    let stream = crate::get_user_media(md, Some(req.video.as_deref().unwrap_or("true")), None)?;
    let track = stream
        .get_video_tracks()
        .into_iter()
        .next()
        .ok_or("getUserMedia gave no video track")?;
    // A camera's first frames are often dark or out of focus: let a few go by.
    let reader = MediaStreamTrackProcessor::new(&track, Some(1)).map_err(|e| e.to_string())?;
    for i in 0..req.settle_frames {
        reader
            .read_timeout(Duration::from_secs(5))
            .map_err(|e| format!("the camera gave {i} frames, then: {e:?}"))?;
    }
    drop(reader);
    let capture = ImageCapture::new(&track).map_err(|e| e.to_string())?;
    let mut settings = PhotoSettings::default();
    settings.image_width = req.width.map(f64::from);
    settings.image_height = req.height.map(f64::from);
    let photo = block_on(capture.take_photo_as(settings, mime))
        .map_err(|e| format!("takePhoto rejected: {e}"))?;
    let used = block_on(capture.get_photo_settings()).map_err(|e| e.to_string())?;
    let track_settings = serde_json::to_value(track.get_settings()).unwrap_or_default();
    track.stop();
    let mut file = std::fs::File::create(&req.out)
        .map_err(|e| format!("cannot create {}: {e}", req.out.display()))?;
    file.write_all(photo.bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| format!("cannot write {}: {e}", req.out.display()))?;
    Ok(vec![
        format!(
            "wrote {}: {}x{} {}, {} bytes",
            req.out.display(),
            used.image_width.unwrap_or(0.0),
            used.image_height.unwrap_or(0.0),
            photo.mime_type(),
            photo.size()
        ),
        format!(
            "photo settings: {}",
            serde_json::to_string(&used).unwrap_or_default()
        ),
        format!(
            "track settings: {}",
            serde_json::to_string(&track_settings).unwrap_or_default()
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_flag_then_the_extension() {
        let m = |f: Option<&str>, p: &str| mime_type(f, Path::new(p));
        assert_eq!(m(None, "a.png"), Ok("image/png"));
        assert_eq!(m(None, "a.JPG"), Ok("image/jpeg"));
        assert_eq!(m(None, "a"), Ok("image/png"));
        assert_eq!(m(Some("jpeg"), "a.png"), Ok("image/jpeg"));
        assert!(m(Some("gif"), "a.gif").is_err());
    }
}
