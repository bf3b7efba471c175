//! JPEG pictures (the frames of MJPEG cameras) straight to planar YUV.
//!
//! `zune-jpeg` decodes to YCbCr without converting colours (no RGB detour), and one pass
//! deinterleaves luma and averages each 2×2 block of chroma into I420. The frame keeps the
//! JPEG's own colour space, [`VideoColorSpace::JFIF`] (BT.601, full range); consumers that need
//! another convert it where they need it.

use mediacapture_hal::frame::VideoColorSpace;
use mediacapture_hal::{FramePool, VideoFrame, VideoPixelFormat};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

/// Decodes one JPEG picture to an I420 frame of its size with `timestamp`, its buffer from
/// `pool`, in [`VideoColorSpace::JFIF`]. Colour pictures keep their chroma (averaged to 4:2:0);
/// greyscale ones get neutral chroma.
///
/// # Errors
/// What is wrong with the data, as a sentence: not a JPEG, truncated, or a colour model other
/// than YCbCr and greyscale (CMYK).
pub fn jpeg_to_i420(jpeg: &[u8], timestamp: i64, pool: &FramePool) -> Result<VideoFrame, String> {
    let bad = |e: &dyn std::fmt::Debug| format!("cannot decode the JPEG picture: {e:?}");
    let options = DecoderOptions::default()
        .jpeg_set_out_colorspace(ColorSpace::YCbCr)
        .set_strict_mode(false);
    let mut decoder = JpegDecoder::new_with_options(ZCursor::new(jpeg), options);
    decoder.decode_headers().map_err(|e| bad(&e))?;
    if decoder.input_colorspace() == Some(ColorSpace::Luma) {
        decoder.set_options(options.jpeg_set_out_colorspace(ColorSpace::Luma));
    }
    let (Some(info), Some(colorspace), Some(len)) = (
        decoder.info(),
        decoder.output_colorspace(),
        decoder.output_buffer_size(),
    ) else {
        return Err(bad(&"no header"));
    };
    let (w, h) = (usize::from(info.width), usize::from(info.height));
    let channels = match colorspace {
        ColorSpace::YCbCr => 3,
        ColorSpace::Luma => 1,
        other => return Err(bad(&format!("{other:?} pictures are not supported"))),
    };
    if w == 0 || h == 0 || len != w * h * channels {
        return Err(bad(&format!("{w}x{h} in {len} bytes")));
    }
    let mut ycc = vec![0u8; len];
    decoder.decode_into(&mut ycc).map_err(|e| bad(&e))?;

    let (layout, size) = VideoPixelFormat::I420.layout(info.width.into(), info.height.into());
    let mut out = pool.buffer(size);
    {
        let (y, uv) = out.split_at_mut(layout[1].offset);
        let (u, v) = uv.split_at_mut(layout[2].offset - layout[1].offset);
        if channels == 1 {
            y.copy_from_slice(&ycc);
            u.fill(128);
            v.fill(128);
        } else {
            subsample(&ycc, w, y, u, v);
        }
    }
    VideoFrame::new(
        VideoPixelFormat::I420,
        info.width.into(),
        info.height.into(),
        timestamp,
        out,
    )
    .map(|f| f.with_color_space(VideoColorSpace::JFIF))
    .map_err(|e| e.to_string())
}

/// Interleaved 4:4:4 YCbCr (`3 × w` bytes a row) to I420 planes: luma as it is, chroma the
/// rounded mean of each 2×2 block (of the pixels there are, at odd edges).
fn subsample(ycc: &[u8], w: usize, y: &mut [u8], u: &mut [u8], v: &mut [u8]) {
    let cw = w.div_ceil(2);
    let rows = ycc.chunks(6 * w);
    for (((pair, ys), us), vs) in rows
        .zip(y.chunks_mut(2 * w))
        .zip(u.chunks_mut(cw))
        .zip(v.chunks_mut(cw))
    {
        for (l, px) in ys.iter_mut().zip(pair.chunks_exact(3)) {
            *l = px[0];
        }
        let (top, bottom) = pair.split_at(pair.len().min(3 * w));
        let bottom = if bottom.is_empty() { top } else { bottom };
        for (c, (us, vs)) in us.iter_mut().zip(vs.iter_mut()).enumerate() {
            let x1 = (2 * c + 1).min(w - 1);
            let at = |row: &[u8], x: usize, k: usize| u32::from(row[3 * x + k]);
            let sum = |k: usize| {
                at(top, 2 * c, k) + at(top, x1, k) + at(bottom, 2 * c, k) + at(bottom, x1, k)
            };
            *us = ((sum(1) + 2) / 4) as u8;
            *vs = ((sum(2) + 2) / 4) as u8;
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use mediacapture_backend_fake::pattern::Pattern;

    fn camera_frame(w: u32, h: u32) -> VideoFrame {
        let data = Pattern::new(w, h).render(7, 0);
        VideoFrame::new(VideoPixelFormat::I420, w, h, 0, data).unwrap()
    }

    fn jpeg(rgb: &[u8], w: u32, h: u32, color: jpeg_encoder::ColorType) -> Vec<u8> {
        let mut out = Vec::new();
        let e = jpeg_encoder::Encoder::new(&mut out, 95);
        e.encode(rgb, w as u16, h as u16, color).unwrap();
        out
    }

    fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
        let sum: u64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        sum as f64 / a.len() as f64
    }

    #[test]
    fn a_jpeg_becomes_the_picture_it_holds_in_jfif_i420() {
        let pool = FramePool::new(2);
        for (w, h) in [(320, 240), (33, 17)] {
            let src = camera_frame(w, h);
            let f = jpeg_to_i420(
                &jpeg(&src.to_rgb(), w, h, jpeg_encoder::ColorType::Rgb),
                42,
                &pool,
            )
            .unwrap();
            assert_eq!(
                (f.format(), f.coded_width(), f.coded_height(), f.timestamp()),
                (VideoPixelFormat::I420, w, h, 42)
            );
            assert_eq!(f.color_space(), VideoColorSpace::JFIF);
            let d = mean_diff(&f.to_rgba(), &src.to_rgba());
            assert!(d < 3.0, "{w}x{h}: the picture differs by {d:.2} on average");
        }
    }

    #[test]
    fn greyscale_pictures_get_neutral_chroma_and_garbage_is_an_error() {
        let pool = FramePool::new(2);
        let grey: Vec<u8> = (0..64u32 * 32).map(|i| (i % 256) as u8).collect();
        let f = jpeg_to_i420(
            &jpeg(&grey, 64, 32, jpeg_encoder::ColorType::Luma),
            0,
            &pool,
        )
        .unwrap();
        let l = f.layout();
        assert!(f.data()[l[1].offset..].iter().all(|&c| c == 128));
        assert!(mean_diff(&f.data()[..l[1].offset], &grey) < 2.0);
        let e = jpeg_to_i420(b"not a jpeg", 0, &pool).unwrap_err();
        assert!(e.starts_with("cannot decode the JPEG picture"), "{e}");
        let whole = jpeg(
            &camera_frame(64, 32).to_rgb(),
            64,
            32,
            jpeg_encoder::ColorType::Rgb,
        );
        // A truncated picture (a camera's torn buffer) is an error or a whole-size frame.
        match jpeg_to_i420(&whole[..whole.len() / 2], 0, &pool) {
            Ok(f) => assert_eq!((f.coded_width(), f.coded_height()), (64, 32)),
            Err(e) => assert!(e.starts_with("cannot decode the JPEG picture"), "{e}"),
        }
    }
}
