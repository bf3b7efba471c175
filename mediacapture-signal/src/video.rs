//! Crop-and-scale of video frames.

use fast_image_resize::images::{Image, ImageRef};
use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use mediacapture_hal::frame::FrameError;
use mediacapture_hal::{FramePool, VideoFrame, VideoPixelFormat};

/// Crops an I420 frame around its centre to the aspect ratio of `width`×`height`, then scales it
/// to that size (bilinear, plane by plane).
pub fn crop_and_scale(
    f: &VideoFrame,
    width: u32,
    height: u32,
    scaler: &mut Scaler,
) -> Result<VideoFrame, FrameError> {
    if f.format() != VideoPixelFormat::I420 {
        return Err(FrameError(format!(
            "cannot scale {} frames yet",
            f.format().as_str()
        )));
    }
    let (sw, sh) = (f.coded_width() as f64, f.coded_height() as f64);
    let target = width as f64 / height as f64;
    let (cw, ch) = if sw / sh > target {
        (sh * target, sh)
    } else {
        (sw, sw / target)
    };
    let (cx, cy) = ((sw - cw) / 2.0, (sh - ch) / 2.0);
    let (layout, size) = VideoPixelFormat::I420.layout(width, height);
    let mut out = scaler.pool.buffer(size);
    let err = |e: &dyn std::fmt::Display| FrameError(e.to_string());
    for (i, dst_l) in layout.iter().enumerate() {
        let src_l = f.layout()[i];
        let plane = f
            .plane(i)
            .ok_or_else(|| FrameError("missing plane".into()))?;
        let src = ImageRef::new(
            src_l.width as u32,
            src_l.height as u32,
            plane,
            PixelType::U8,
        )
        .map_err(|e| err(&e))?;
        let dst_buf = &mut out[dst_l.offset..dst_l.offset + dst_l.width * dst_l.height];
        let mut dst = Image::from_slice_u8(
            dst_l.width as u32,
            dst_l.height as u32,
            dst_buf,
            PixelType::U8,
        )
        .map_err(|e| err(&e))?;
        // Chroma planes are half size: scale the crop box with them.
        let (kx, ky) = (src_l.width as f64 / sw, src_l.height as f64 / sh);
        let options = ResizeOptions::new()
            .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
            .crop(cx * kx, cy * ky, cw * kx, ch * ky);
        scaler
            .resizer
            .resize(&src, &mut dst, &options)
            .map_err(|e| err(&e))?;
    }
    Ok(
        VideoFrame::new(VideoPixelFormat::I420, width, height, f.timestamp(), out)?
            .with_duration(f.duration()),
    )
}

/// What scaling needs, one per source (used on its capture thread): the resizer's scratch
/// buffers and a bounded pool for the scaled frames.
pub struct Scaler {
    resizer: Resizer,
    pool: FramePool,
}

impl Scaler {
    /// A scaler with its own resizer and a pool of 8 frames.
    pub fn new() -> Self {
        Scaler {
            resizer: Resizer::new(),
            pool: FramePool::new(8),
        }
    }
}

impl Default for Scaler {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mediacapture_backend_fake::pattern::{Pattern, decode_frame_number};

    #[test]
    fn crop_and_scale_keeps_the_centre_and_the_picture() {
        let f = VideoFrame::new(
            VideoPixelFormat::I420,
            1280,
            720,
            5,
            Pattern::new(1280, 720).render(4242, 5),
        )
        .unwrap();
        let mut r = Scaler::new();
        for (w, h) in [(640, 360), (641, 361), (320, 240), (100, 100), (1280, 720)] {
            let s = crop_and_scale(&f, w, h, &mut r).unwrap();
            assert_eq!(
                (s.coded_width(), s.coded_height(), s.timestamp()),
                (w, h, 5)
            );
            assert_eq!(
                decode_frame_number(s.plane(0).unwrap(), w, h, (1280, 720)),
                Some(4242),
                "{w}x{h}"
            );
        }
    }
}
