//! `ImageCapture`: still photos and frame grabs from a video track.
//!
//! Corresponds to [MediaStream Image Capture](https://w3c.github.io/mediacapture-image/)
//! (spec-notes §8).

use std::fmt;
use std::future::{Future, poll_fn};
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::deadline::with_deadline;
use mediacapture_main::ext;
use mediacapture_main::{
    Blob, FillLightMode, MediaFrame, MediaSettingsRange, MediaStreamError, MediaStreamTrack,
    MediaStreamTrackKind, MediaStreamTrackProcessor, MediaStreamTrackState, MediaTrackConstraints,
    PhotoCapabilities, PhotoSettings, RedEyeReduction, VideoFrame, VideoPixelFormat,
    types::device::{DeviceCapabilities, NativeConfig},
};

/// How long `grabFrame()` and `takePhoto()` wait for a frame before they fail with
/// `UnknownError`.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(5);

/// The photo types [`ImageCapture::take_photo_as`] writes.
pub const PHOTO_TYPES: &[&str] = &["image/png", "image/jpeg"];

/// The JPEG quality of photos (0–100).
const JPEG_QUALITY: u8 = 90;

/// A decoded picture: tightly packed 8-bit RGBA, row by row.
///
/// Stands for the HTML [`ImageBitmap`](https://html.spec.whatwg.org/multipage/imagebitmap-and-animations.html#imagebitmap)
/// that `grabFrame()` resolves with.
#[derive(Clone, PartialEq, Eq)]
pub struct ImageBitmap {
    width: u32,
    height: u32,
    rgba: Vec<u8>,
}

impl ImageBitmap {
    /// The frame's visible picture, converted to RGBA.
    pub fn from_frame(frame: &VideoFrame) -> Self {
        let r = frame.visible_rect();
        ImageBitmap {
            width: r.width,
            height: r.height,
            rgba: frame.to_rgba(),
        }
    }
    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }
    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }
    /// The pixels, `4 × width × height` bytes of RGBA.
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }
    /// The RGBA of the pixel at `(x, y)`, if inside.
    pub fn pixel(&self, x: u32, y: u32) -> Option<[u8; 4]> {
        if x >= self.width || y >= self.height {
            return None;
        }
        let i = 4 * (y as usize * self.width as usize + x as usize);
        self.rgba.get(i..i + 4)?.try_into().ok()
    }
    /// The pixels, giving up the bitmap.
    pub fn into_rgba(self) -> Vec<u8> {
        self.rgba
    }
}

impl fmt::Debug for ImageBitmap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageBitmap")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish()
    }
}

/// The photo options an `ImageCapture` keeps between calls (`getPhotoSettings()` reports them).
#[derive(Clone, Debug, Default)]
struct PhotoState {
    fill_light_mode: Option<FillLightMode>,
    /// The size of the last photo, until the track's size is used again.
    size: Option<(u32, u32)>,
}

/// Takes photos and grabs frames from a video track.
///
/// Corresponds to [`ImageCapture`](https://w3c.github.io/mediacapture-image/#imagecaptureapi).
///
/// Each method checks the track when it is *called* (as the spec's promise-returning methods
/// do) and returns a future for the rest, which works with any runtime or [`block_on`](mediacapture_main::block_on).
/// The futures wait at most [`FRAME_TIMEOUT`] for a frame.
///
/// Photos come from the track's source in its current native mode: `imageWidth` and
/// `imageHeight` may be anything up to that mode's size (the picture is centre-cropped to the
/// requested aspect ratio and scaled, as `resizeMode: "crop-and-scale"` would), and the source
/// is not switched to another mode, so other tracks on it are undisturbed.
///
/// ```
/// use mediacapture_image::*;
/// use mediacapture_main::*;
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let stream = block_on(devices.get_user_media(MediaStreamConstraints::video()))?;
/// let capture = ImageCapture::new(&stream.get_video_tracks()[0])?;
/// let photo = block_on(capture.take_photo(PhotoSettings::default().with_size(320, 240)))?;
/// assert_eq!(photo.mime_type(), "image/png");
/// assert!(photo.bytes().starts_with(b"\x89PNG"));
/// # Ok::<(), MediaStreamError>(())
/// ```
pub struct ImageCapture {
    track: MediaStreamTrack,
    state: Arc<Mutex<PhotoState>>,
}

impl fmt::Debug for ImageCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImageCapture")
            .field("track", &self.track)
            .finish()
    }
}

impl ImageCapture {
    /// An image capture on `track` (the same track object, not a clone).
    ///
    /// # Errors
    /// `NotSupportedError` when the track is not a video track.
    pub fn new(track: &MediaStreamTrack) -> Result<Self, MediaStreamError> {
        if track.kind() != MediaStreamTrackKind::Video {
            return Err(MediaStreamError::not_supported(
                "ImageCapture needs a video track",
            ));
        }
        let fill = ext::track_source(track).and_then(|source| match &source.capabilities {
            DeviceCapabilities::Video(v) if v.fill_light_mode.contains(&FillLightMode::Auto) => {
                Some(FillLightMode::Auto)
            }
            DeviceCapabilities::Video(v) => v.fill_light_mode.first().copied(),
            _ => None,
        });
        Ok(ImageCapture {
            track: track.new_handle(),
            state: Arc::new(Mutex::new(PhotoState {
                fill_light_mode: fill,
                size: None,
            })),
        })
    }

    /// The track this captures from.
    ///
    /// Corresponds to [`ImageCapture.track`](https://w3c.github.io/mediacapture-image/#dom-imagecapture-track).
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    /// Takes a PNG photo; see [`take_photo_as`](Self::take_photo_as).
    ///
    /// Corresponds to [`takePhoto()`](https://w3c.github.io/mediacapture-image/#dom-imagecapture-takephoto).
    #[doc(alias = "takePhoto")]
    pub fn take_photo(
        &self,
        settings: PhotoSettings,
    ) -> impl Future<Output = Result<Blob, MediaStreamError>> + Send + 'static {
        self.take_photo_as(settings, "image/png")
    }

    /// Takes a photo with `settings`, encoded as `mime_type` (one of [`PHOTO_TYPES`]).
    ///
    /// # Errors
    /// - `InvalidStateError` (at once) when the track is not live, or is muted or disabled (as
    ///   Chrome and the WPT do; the spec checks only `readyState`);
    /// - `NotSupportedError` for settings outside [`get_photo_capabilities`](Self::get_photo_capabilities)
    ///   (an out-of-range size, red-eye reduction on a camera without it, a flash mode the
    ///   camera lacks) or an unknown `mime_type`; `TypeError` for a non-finite size;
    /// - `UnknownError` when no frame comes within [`FRAME_TIMEOUT`], the track ends meanwhile,
    ///   the track has no camera (a generator), or encoding fails.
    pub fn take_photo_as(
        &self,
        settings: PhotoSettings,
        mime_type: &str,
    ) -> impl Future<Output = Result<Blob, MediaStreamError>> + Send + 'static {
        let check = self.check_delivering("takePhoto");
        let mime = mime_type.to_ascii_lowercase();
        let track = self.track.new_handle();
        let state = Arc::clone(&self.state);
        async move {
            // Step 1 (synchronous): a live, delivering track.
            check?;
            encode_photo_type(&mime)?;
            // Step 2: "in parallel", settings within the photo capabilities.
            let caps = photo_capabilities(&track)
                .map_err(|e| MediaStreamError::unknown(e.message().to_owned()))?;
            let (width, height) = photo_size(&track, &caps, &settings)?;
            if settings.red_eye_reduction == Some(true)
                && caps.red_eye_reduction != Some(RedEyeReduction::Always)
                && caps.red_eye_reduction != Some(RedEyeReduction::Controllable)
            {
                return Err(MediaStreamError::not_supported(
                    "this camera cannot reduce red eye",
                ));
            }
            if let Some(m) = settings
                .fill_light_mode
                .filter(|m| !caps.fill_light_mode.contains(m))
            {
                return Err(MediaStreamError::not_supported(format!(
                    "this camera has no fill light mode \"{m}\""
                )));
            }
            // Step 3: one still image. At the track's own size, its next frame; otherwise a
            // temporary clone of the track, centre-cropped and scaled from the source.
            let own = track.get_settings();
            let frame = if (Some(width), Some(height)) == (own.width, own.height) {
                next_frame(&track).await?
            } else {
                let clone = track.clone();
                let c = MediaTrackConstraints::from_json(&format!(
                    r#"{{"width":{{"exact":{width}}},"height":{{"exact":{height}}},"resizeMode":{{"exact":"crop-and-scale"}}}}"#
                ))?;
                clone.apply_constraints(c).await.map_err(|e| {
                    MediaStreamError::unknown(format!("cannot take the photo: {e}"))
                })?;
                let f = next_frame(&clone).await;
                clone.stop();
                f?
            };
            // Step 4: encode.
            let blob = encode(&frame, &mime)?;
            if let Ok(mut s) = state.lock() {
                s.size = Some((width, height));
                if settings.fill_light_mode.is_some() {
                    s.fill_light_mode = settings.fill_light_mode;
                }
            }
            Ok(blob)
        }
    }

    /// What photos can be: sizes up to the source's current native mode, the camera's flash
    /// modes, and red-eye reduction (`"never"` on every camera we drive).
    ///
    /// Corresponds to [`getPhotoCapabilities()`](https://w3c.github.io/mediacapture-image/#dom-imagecapture-getphotocapabilities).
    ///
    /// # Errors
    /// `InvalidStateError` (at once) when the track has ended; `OperationError` when it ends
    /// before the future runs, or has no camera (a generator).
    #[doc(alias = "getPhotoCapabilities")]
    pub fn get_photo_capabilities(
        &self,
    ) -> impl Future<Output = Result<PhotoCapabilities, MediaStreamError>> + Send + 'static {
        let check = self.check_live();
        let track = self.track.new_handle();
        async move {
            check?;
            photo_capabilities(&track)
        }
    }

    /// The settings the next photo gets unless told otherwise: the last photo's size (at first,
    /// the track's), the flash mode, and no red-eye reduction.
    ///
    /// Corresponds to [`getPhotoSettings()`](https://w3c.github.io/mediacapture-image/#dom-imagecapture-getphotosettings).
    ///
    /// # Errors
    /// As [`get_photo_capabilities`](Self::get_photo_capabilities): a track stopped right after
    /// the call gives `OperationError`.
    #[doc(alias = "getPhotoSettings")]
    pub fn get_photo_settings(
        &self,
    ) -> impl Future<Output = Result<PhotoSettings, MediaStreamError>> + Send + 'static {
        let check = self.check_live();
        let track = self.track.new_handle();
        let state = Arc::clone(&self.state);
        async move {
            check?;
            let caps = photo_capabilities(&track)?;
            let s = state.lock().map(|s| s.clone()).unwrap_or_default();
            let own = track.get_settings();
            let (w, h) = s
                .size
                .unwrap_or((own.width.unwrap_or(0), own.height.unwrap_or(0)));
            let mut out = PhotoSettings::default().with_size(w, h);
            out.fill_light_mode = s.fill_light_mode;
            out.red_eye_reduction = Some(caps.red_eye_reduction == Some(RedEyeReduction::Always));
            Ok(out)
        }
    }

    /// The track's next frame as an RGBA bitmap, at the track's settings.
    ///
    /// Corresponds to [`grabFrame()`](https://w3c.github.io/mediacapture-image/#dom-imagecapture-grabframe).
    ///
    /// # Errors
    /// `InvalidStateError` (at once) when the track is not live, or is muted or disabled (WPT
    /// and Chrome; the spec checks only `readyState`); `UnknownError` when no frame comes within
    /// [`FRAME_TIMEOUT`] or the track ends first.
    #[doc(alias = "grabFrame")]
    pub fn grab_frame(
        &self,
    ) -> impl Future<Output = Result<ImageBitmap, MediaStreamError>> + Send + 'static {
        let check = self.check_delivering("grabFrame");
        let track = self.track.new_handle();
        async move {
            check?;
            let frame = next_frame(&track).await?;
            Ok(ImageBitmap::from_frame(&frame))
        }
    }

    fn check_live(&self) -> Result<(), MediaStreamError> {
        if self.track.ready_state() == MediaStreamTrackState::Live {
            Ok(())
        } else {
            Err(MediaStreamError::invalid_state("the track has ended"))
        }
    }

    fn check_delivering(&self, what: &str) -> Result<(), MediaStreamError> {
        self.check_live()?;
        if self.track.muted() {
            return Err(MediaStreamError::invalid_state(format!(
                "{what}: the track is muted"
            )));
        }
        if !self.track.enabled() {
            return Err(MediaStreamError::invalid_state(format!(
                "{what}: the track is disabled"
            )));
        }
        Ok(())
    }
}

/// The photo capabilities of a live camera track.
fn photo_capabilities(track: &MediaStreamTrack) -> Result<PhotoCapabilities, MediaStreamError> {
    let source = ext::track_source(track)
        .ok_or_else(|| MediaStreamError::operation("the track has ended"))?;
    let (DeviceCapabilities::Video(v), NativeConfig::Video(mode)) =
        (&source.capabilities, &source.native)
    else {
        return Err(MediaStreamError::operation("the track has no camera"));
    };
    if source.generated {
        return Err(MediaStreamError::operation(
            "a generated track has no camera to take photos with",
        ));
    }
    let own = track.get_settings();
    let range = |own: Option<u32>, native: u32| {
        if v.crop_and_scale {
            MediaSettingsRange::new(1.0, f64::from(native), 1.0)
        } else {
            let n = f64::from(own.unwrap_or(native));
            MediaSettingsRange::new(n, n, 1.0)
        }
    };
    let mut caps = PhotoCapabilities::default();
    caps.fill_light_mode = v.fill_light_mode.clone();
    caps.image_width = range(own.width, mode.width);
    caps.image_height = range(own.height, mode.height);
    caps.red_eye_reduction = Some(RedEyeReduction::Never);
    Ok(caps)
}

/// The photo's size: both members, or one with the track's aspect ratio, or the track's size.
fn photo_size(
    track: &MediaStreamTrack,
    caps: &PhotoCapabilities,
    s: &PhotoSettings,
) -> Result<(u32, u32), MediaStreamError> {
    for (name, v) in [
        ("imageWidth", s.image_width),
        ("imageHeight", s.image_height),
    ] {
        if v.is_some_and(|v| !v.is_finite()) {
            return Err(MediaStreamError::type_error(format!(
                "PhotoSettings.{name} must be finite"
            )));
        }
    }
    let own = track.get_settings();
    let (tw, th) = (
        f64::from(own.width.unwrap_or(1).max(1)),
        f64::from(own.height.unwrap_or(1).max(1)),
    );
    let (w, h) = match (s.image_width, s.image_height) {
        (Some(w), Some(h)) => (w.round(), h.round()),
        (Some(w), None) => (w.round(), (w * th / tw).round()),
        (None, Some(h)) => ((h * tw / th).round(), h.round()),
        (None, None) => (tw, th),
    };
    for (name, v, range) in [
        ("imageWidth", w, caps.image_width),
        ("imageHeight", h, caps.image_height),
    ] {
        if !range.contains(v) || v < 1.0 {
            return Err(MediaStreamError::not_supported(format!(
                "{name} {v} is outside the photo capabilities ({} to {})",
                range.min.unwrap_or(0.0),
                range.max.unwrap_or(0.0)
            )));
        }
    }
    Ok((w as u32, h as u32))
}

/// The next frame `track` delivers, waiting at most [`FRAME_TIMEOUT`].
async fn next_frame(track: &MediaStreamTrack) -> Result<VideoFrame, MediaStreamError> {
    let mut reader = MediaStreamTrackProcessor::new(track, Some(1))
        .map_err(|_| MediaStreamError::unknown("the track has ended"))?;
    let next = poll_fn(move |cx| futures_core::Stream::poll_next(Pin::new(&mut reader), cx));
    match with_deadline(next, FRAME_TIMEOUT).await {
        Some(Some(MediaFrame::Video(f))) => Ok(f),
        Some(Some(MediaFrame::Audio(_))) => Err(MediaStreamError::unknown("not a video track")),
        Some(None) => Err(MediaStreamError::unknown(
            "the track ended before a frame came",
        )),
        None => Err(MediaStreamError::unknown(format!(
            "no frame came within {} s",
            FRAME_TIMEOUT.as_secs()
        ))),
    }
}

/// Encodes a frame's visible picture as a photo of type `mime_type` (one of [`PHOTO_TYPES`]),
/// as [`ImageCapture::take_photo_as`] does: for frames a program already holds (from a
/// [`MediaStreamTrackProcessor`], say).
///
/// # Errors
/// `NotSupportedError` for another type; `UnknownError` when the encoder fails (a JPEG wider
/// or taller than 65535 pixels).
pub fn encode_photo(frame: &VideoFrame, mime_type: &str) -> Result<Blob, MediaStreamError> {
    let mime = mime_type.to_ascii_lowercase();
    encode_photo_type(&mime)?;
    encode(frame, &mime)
}

fn encode_photo_type(mime: &str) -> Result<(), MediaStreamError> {
    if PHOTO_TYPES.contains(&mime) {
        Ok(())
    } else {
        Err(MediaStreamError::not_supported(format!(
            "photos can be {}, not {mime:?}",
            PHOTO_TYPES.join(" or ")
        )))
    }
}

/// Encodes `frame` as `mime` (PNG or JPEG).
///
/// JPEG: `jpeg-encoder` (AVX2 where the CPU has it) from RGB, 4:2:0 like the camera's own
/// chroma. PNG: RGB when the picture is opaque (every YUV frame; an RGBA frame whose alpha is
/// all 255), else RGBA.
fn encode(frame: &VideoFrame, mime: &str) -> Result<Blob, MediaStreamError> {
    use image::{ExtendedColorType, ImageEncoder};
    let failed = |e: &dyn std::fmt::Display| {
        MediaStreamError::unknown(format!("cannot encode the photo: {e}"))
    };
    let r = frame.visible_rect();
    let mut out = Vec::new();
    if mime == "image/jpeg" {
        let (Ok(w), Ok(h)) = (u16::try_from(r.width), u16::try_from(r.height)) else {
            return Err(failed(&format!(
                "a JPEG holds at most 65535x65535 pixels, not {}x{}",
                r.width, r.height
            )));
        };
        let mut encoder = jpeg_encoder::Encoder::new(&mut out, JPEG_QUALITY);
        encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::F_2_2);
        encoder
            .encode(&frame.to_rgb(), w, h, jpeg_encoder::ColorType::Rgb)
            .map_err(|e| failed(&e))?;
    } else {
        let alpha = matches!(
            frame.format(),
            VideoPixelFormat::Rgba | VideoPixelFormat::Bgra
        );
        let (pixels, color) = if !alpha {
            (frame.to_rgb(), ExtendedColorType::Rgb8)
        } else {
            let rgba = frame.to_rgba();
            if rgba.chunks_exact(4).all(|p| p[3] == 255) {
                let rgb = rgba.chunks_exact(4).flat_map(|p| [p[0], p[1], p[2]]);
                (rgb.collect(), ExtendedColorType::Rgb8)
            } else {
                (rgba, ExtendedColorType::Rgba8)
            }
        };
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(&pixels, r.width, r.height, color)
            .map_err(|e| failed(&e))?;
    }
    Ok(Blob::new(out, mime))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn an_encoder_failure_is_an_unknown_error() {
        // JPEG cannot hold a picture wider than 65535 pixels.
        let frame = VideoFrame::black_i420(65_536, 2, 0).unwrap();
        let e = encode(&frame, "image/jpeg").unwrap_err();
        assert_eq!(e.name(), "UnknownError");
        assert!(e.message().contains("cannot encode"), "{e}");
        let png = encode(&VideoFrame::black_i420(4, 2, 0).unwrap(), "image/png").unwrap();
        assert_eq!(png.mime_type(), "image/png");
    }

    #[test]
    fn png_photos_are_rgb_unless_something_is_transparent() {
        let color = |png: &Blob| image::load_from_memory(png.bytes()).unwrap().color();
        let yuv = encode(&VideoFrame::black_i420(4, 2, 0).unwrap(), "image/png").unwrap();
        assert_eq!(color(&yuv), image::ColorType::Rgb8);
        let mut rgba = vec![255u8; 4 * 4 * 2];
        let opaque = VideoFrame::new(VideoPixelFormat::Rgba, 4, 2, 0, rgba.clone()).unwrap();
        assert_eq!(
            color(&encode(&opaque, "image/png").unwrap()),
            image::ColorType::Rgb8
        );
        rgba[7] = 10;
        let clear = VideoFrame::new(VideoPixelFormat::Rgba, 4, 2, 0, rgba).unwrap();
        let png = encode(&clear, "image/png").unwrap();
        assert_eq!(color(&png), image::ColorType::Rgba8);
        let back = image::load_from_memory(png.bytes()).unwrap().to_rgba8();
        assert_eq!(back.get_pixel(1, 0).0, [255, 255, 255, 10]);
    }
}
