//! `mediacapture snapshot`: getUserMedia, wait for the camera to settle, then
//! `ImageCapture.takePhoto()` into a PNG or JPEG file.

use std::path::Path;
use std::time::Duration;

use mediacapture::{ImageCapture, MediaStreamTrackProcessor, PhotoSettings, block_on};

use crate::cli::SnapshotArgs;
use crate::error::Failure;
use crate::output::{self, Output};

/// The photo's MIME type: `--format` (whatever the name), else the file's extension (.png,
/// .jpg, .jpeg), else PNG for stdout or a name without one. Another extension is refused.
fn mime_type(format: Option<&str>, out: &Path) -> Result<&'static str, Failure> {
    if let Some(f) = format {
        return match f.to_ascii_lowercase().as_str() {
            "jpeg" | "jpg" => Ok("image/jpeg"),
            "png" => Ok("image/png"),
            other => Err(Failure::usage(format!(
                "--format must be png or jpeg, not {other:?}"
            ))),
        };
    }
    match output::extension(out).as_deref() {
        Some("jpeg" | "jpg") => Ok("image/jpeg"),
        Some("png") | None => Ok("image/png"),
        Some(other) => Err(Failure::usage(format!(
            "{} ends in .{other}: snapshot writes PNG (.png) and JPEG (.jpg, .jpeg); give \
             --format to write one under this name",
            out.display()
        ))),
    }
}

/// Takes the photo; returns the summary lines.
pub fn run(req: SnapshotArgs) -> Result<Vec<String>, Failure> {
    let mime = mime_type(req.format.as_deref(), &req.out)?;
    let mut out = Output::open(&req.out, req.select.overwrite)?;
    let md = crate::media_devices(&req.devices)?;
    let video = Some(req.video.clone().unwrap_or_else(|| "true".into()));
    let stream = crate::get_user_media(&md, &req.select, video, None)?;
    let track = stream
        .get_video_tracks()
        .into_iter()
        .next()
        .ok_or_else(|| Failure::failed("getUserMedia gave no video track"))?;
    let failed = |e: mediacapture::MediaStreamError| Failure::failed(e.to_string());
    // A camera's first frames are often dark or out of focus: let a few go by.
    let reader = MediaStreamTrackProcessor::new(&track, Some(1)).map_err(failed)?;
    for i in 0..req.settle_frames {
        reader
            .read_timeout(Duration::from_secs(5))
            .map_err(|e| Failure::failed(format!("the camera gave {i} frames, then: {e:?}")))?;
    }
    drop(reader);
    let capture = ImageCapture::new(&track).map_err(failed)?;
    let mut settings = PhotoSettings::default();
    settings.image_width = req.width.map(f64::from);
    settings.image_height = req.height.map(f64::from);
    let photo = block_on(capture.take_photo_as(settings, mime))
        .map_err(|e| Failure::from_rejection("takePhoto", &e))?;
    let used = block_on(capture.get_photo_settings()).map_err(failed)?;
    let track_settings = serde_json::to_value(track.get_settings()).unwrap_or_default();
    track.stop();
    out.write_now(photo.bytes())?;
    out.finish()?;
    Ok(vec![
        format!(
            "wrote {}: {}x{} {}, {} bytes",
            out.name(),
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
        assert_eq!(m(None, "-"), Ok("image/png"));
        assert_eq!(m(Some("jpeg"), "a.png"), Ok("image/jpeg"));
        assert!(m(Some("gif"), "a.gif").is_err());
        assert!(matches!(m(None, "a.gif"), Err(Failure::Usage(_))));
    }
}
