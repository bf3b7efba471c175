//! JPEG pictures (the frames of MJPEG cameras) straight to planar YUV.
//!
//! With the `turbojpeg` feature (the PipeWire backend's), libjpeg-turbo decodes to planar YUV
//! at the picture's own chroma subsampling: a 4:2:0 picture lands in the I420 frame's buffer as
//! it is, others (4:2:2 is common in webcams) have their chroma resampled to 4:2:0 in one pass.
//! Without it, [`jpeg_to_i420_portable`]: `zune-jpeg` decodes to interleaved 4:4:4 YCbCr and one
//! pass deinterleaves luma and averages each 2×2 block of chroma. Neither converts colours (no
//! RGB detour): the frame keeps the JPEG's own colour space, [`VideoColorSpace::JFIF`] (BT.601,
//! full range); consumers that need another convert it where they need it.

use mediacapture_hal::frame::VideoColorSpace;
use mediacapture_hal::{FrameBuffer, FramePool, VideoFrame, VideoPixelFormat};
use zune_jpeg::JpegDecoder;
use zune_jpeg::zune_core::bytestream::ZCursor;
use zune_jpeg::zune_core::colorspace::ColorSpace;
use zune_jpeg::zune_core::options::DecoderOptions;

fn bad(e: &dyn std::fmt::Debug) -> String {
    format!("cannot decode the JPEG picture: {e:?}")
}

/// Decodes one JPEG picture to an I420 frame of its size with `timestamp`, its buffer from
/// `pool`, in [`VideoColorSpace::JFIF`]. Colour pictures keep their chroma (resampled to 4:2:0
/// where they have another subsampling); greyscale ones get neutral chroma. With the
/// `turbojpeg` feature this is libjpeg-turbo, otherwise [`jpeg_to_i420_portable`].
///
/// # Errors
/// What is wrong with the data, as a sentence: not a JPEG, truncated, or a colour model other
/// than YCbCr and greyscale (CMYK).
pub fn jpeg_to_i420(jpeg: &[u8], timestamp: i64, pool: &FramePool) -> Result<VideoFrame, String> {
    #[cfg(feature = "turbojpeg")]
    {
        turbo::jpeg_to_i420(jpeg, timestamp, pool)
    }
    #[cfg(not(feature = "turbojpeg"))]
    {
        jpeg_to_i420_portable(jpeg, timestamp, pool)
    }
}

fn jfif_i420(w: usize, h: usize, timestamp: i64, out: FrameBuffer) -> Result<VideoFrame, String> {
    let dim = |v: usize| u32::try_from(v).map_err(|_| bad(&"too large"));
    VideoFrame::new(VideoPixelFormat::I420, dim(w)?, dim(h)?, timestamp, out)
        .map(|f| f.with_color_space(VideoColorSpace::JFIF))
        .map_err(|e| e.to_string())
}

/// [`jpeg_to_i420`] in portable Rust (`zune-jpeg`): what it is without the `turbojpeg`
/// feature, and the convert bench's comparison for it.
#[doc(hidden)]
pub fn jpeg_to_i420_portable(
    jpeg: &[u8],
    timestamp: i64,
    pool: &FramePool,
) -> Result<VideoFrame, String> {
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
    jfif_i420(w, h, timestamp, out)
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

#[cfg(feature = "turbojpeg")]
mod turbo {
    use super::{bad, jfif_i420};
    use mediacapture_hal::{FramePool, VideoFrame, VideoPixelFormat};
    use std::cell::RefCell;
    use turbojpeg::{Decompressor, Subsamp, YuvImage};

    thread_local! {
        /// One decompressor per thread (a capture thread decodes every frame of its camera).
        static DECOMPRESSOR: RefCell<Option<Decompressor>> = const { RefCell::new(None) };
    }

    /// Whether a TurboJPEG failure after the header is one of libjpeg's warnings (jerror.h's
    /// `JWRN_*` texts for damaged data), after which the whole picture has been written.
    fn is_warning(message: &str) -> bool {
        message.starts_with("Premature end of JPEG file")
            || message.starts_with("Corrupt JPEG data")
            || message.starts_with("Invalid SOS parameters for sequential JPEG")
    }

    /// Chroma subsampling factors (horizontal, vertical) of a colour picture; `None` for a
    /// greyscale one.
    fn factors(s: Subsamp) -> Result<Option<(usize, usize)>, String> {
        Ok(Some(match s {
            Subsamp::None => (1, 1),
            Subsamp::Sub2x1 => (2, 1),
            Subsamp::Sub2x2 => (2, 2),
            Subsamp::Sub1x2 => (1, 2),
            Subsamp::Sub4x1 => (4, 1),
            Subsamp::Sub1x4 => (1, 4),
            Subsamp::Gray => return Ok(None),
            other => return Err(bad(&format!("{other:?} chroma subsampling"))),
        }))
    }

    pub(super) fn jpeg_to_i420(
        jpeg: &[u8],
        timestamp: i64,
        pool: &FramePool,
    ) -> Result<VideoFrame, String> {
        DECOMPRESSOR.with_borrow_mut(|slot| {
            let d = match slot {
                Some(d) => d,
                None => slot.insert(Decompressor::new().map_err(|e| bad(&e))?),
            };
            decode(d, jpeg, timestamp, pool)
        })
    }

    fn decode(
        d: &mut Decompressor,
        jpeg: &[u8],
        timestamp: i64,
        pool: &FramePool,
    ) -> Result<VideoFrame, String> {
        let header = d.read_header(jpeg).map_err(|e| bad(&e))?;
        let (w, h) = (header.width, header.height);
        if w == 0 || h == 0 || header.is_lossless {
            return Err(bad(&format!("{w}x{h}, lossless: {}", header.is_lossless)));
        }
        let dim = |v: usize| u32::try_from(v).map_err(|_| bad(&"too large"));
        let (layout, size) = VideoPixelFormat::I420.layout(dim(w)?, dim(h)?);
        let yuv_len = turbojpeg::yuv_pixels_len(w, 1, h, header.subsamp).map_err(|e| bad(&e))?;
        let mut out = pool.buffer(size);
        let mut into = |pixels: &mut [u8]| {
            let image = YuvImage {
                pixels,
                width: w,
                align: 1,
                height: h,
                subsamp: header.subsamp,
            };
            match d.decompress_to_yuv(jpeg, image) {
                // libjpeg-turbo decodes a torn picture (a camera's buffer cut short, a
                // corrupt segment) to the end, filling what is missing, and then reports the
                // warning as a failure: the picture is whole, so it is a frame, as it was with
                // zune-jpeg and as a browser shows it.
                Err(turbojpeg::Error::TurboJpegError(m)) if is_warning(&m) => {
                    log::trace!("MJPEG frame decoded with a warning: {m}");
                    Ok(())
                }
                other => other.map_err(|e| bad(&e)),
            }
        };
        match factors(header.subsamp)? {
            // 4:2:0 with unpadded planes is I420 itself.
            Some((2, 2)) if yuv_len == size => into(&mut out)?,
            None => {
                into(&mut out[..w * h])?;
                out[layout[1].offset..].fill(128);
            }
            // 4:2:2 (what many webcams send), 4:4:4, 4:4:0 and padded 4:2:0 of an even width:
            // decoded into the frame's own buffer, chroma then reduced to 4:2:0 in place, front
            // to back, and the buffer cut to the I420 size.
            Some((fh @ (1 | 2), fv @ (1 | 2))) if w % 2 == 0 => {
                let ph = h.next_multiple_of(fv);
                let (cw, ch) = (w / fh, ph / fv);
                if yuv_len != w * ph + 2 * cw * ch {
                    return Err(bad(&format!("{w}x{h} in {yuv_len} bytes")));
                }
                let mut out = pool.buffer(yuv_len.max(size));
                into(&mut out[..yuv_len])?;
                let (ow, oh) = (w / 2, h.div_ceil(2));
                let planes = &mut out[layout[1].offset..];
                let u_src = w * (ph - h);
                let plane = Reduce {
                    cw,
                    ch,
                    fh,
                    fv,
                    ow,
                    oh,
                };
                plane.run(planes, u_src, 0);
                plane.run(planes, u_src + cw * ch, ow * oh);
                out.truncate(size);
                return jfif_i420(w, h, timestamp, out);
            }
            Some((fh, fv)) => {
                // TurboJPEG pads the planes to whole subsampling blocks: luma is
                // `pw`×`ph`, chroma `pw / fh`×`ph / fv`.
                let (pw, ph) = (w.next_multiple_of(fh), h.next_multiple_of(fv));
                let (cw, ch) = (pw / fh, ph / fv);
                if yuv_len != pw * ph + 2 * cw * ch {
                    return Err(bad(&format!("{w}x{h} in {yuv_len} bytes")));
                }
                let mut yuv = vec![0u8; yuv_len];
                into(&mut yuv)?;
                for (dst, src) in out[..w * h].chunks_mut(w).zip(yuv.chunks(pw)) {
                    dst.copy_from_slice(&src[..w]);
                }
                let (src_u, src_v) = yuv[pw * ph..].split_at(cw * ch);
                let (u, v) =
                    out[layout[1].offset..].split_at_mut(layout[2].offset - layout[1].offset);
                to_420(src_u, (cw, ch), (fh, fv), (w, h), u);
                to_420(src_v, (cw, ch), (fh, fv), (w, h), v);
            }
        }
        jfif_i420(w, h, timestamp, out)
    }

    /// One chroma plane of `cw`×`ch` samples at subsampling (`fh`, `fv`) ∈ {1, 2}² reduced to
    /// `ow`×`oh` (4:2:0), inside one buffer: each output sample is the rounded mean of the
    /// samples its 2×2 block of pixels covers (an odd last row alone).
    struct Reduce {
        cw: usize,
        ch: usize,
        fh: usize,
        fv: usize,
        ow: usize,
        oh: usize,
    }

    impl Reduce {
        /// Rows at `src` to rows at `dst`, which is not after `src`, so that row by row from
        /// the front nothing is overwritten before it is read (each row goes through `row`).
        fn run(&self, buf: &mut [u8], src: usize, dst: usize) {
            let mut row = vec![0u8; self.ow];
            for oy in 0..self.oh {
                let y0 = oy * 2 / self.fv;
                let y1 = ((oy * 2 + 1) / self.fv).min(self.ch - 1);
                let r0 = &buf[src + y0 * self.cw..][..self.cw];
                let r1 = &buf[src + y1 * self.cw..][..self.cw];
                match (self.fh, y0 == y1) {
                    (2, true) => row.copy_from_slice(r0),
                    (2, false) => {
                        for ((o, a), b) in row.iter_mut().zip(r0).zip(r1) {
                            *o = avg2(*a, *b);
                        }
                    }
                    _ => {
                        let pairs = r0.chunks_exact(2).zip(r1.chunks_exact(2));
                        for (o, (a, b)) in row.iter_mut().zip(pairs) {
                            let sum = u16::from(a[0]) + u16::from(a[1]) + u16::from(b[0]);
                            *o = ((sum + u16::from(b[1]) + 2) / 4) as u8;
                        }
                    }
                }
                buf[dst + oy * self.ow..][..self.ow].copy_from_slice(&row);
            }
        }
    }

    fn avg2(a: u8, b: u8) -> u8 {
        (u16::from(a) + u16::from(b)).div_ceil(2) as u8
    }

    /// One chroma plane of `size` at subsampling `(fh, fv)` of a `w`×`h` picture to 4:2:0: each
    /// output sample is the rounded mean of the source samples its 2×2 block of pixels covers.
    fn to_420(
        src: &[u8],
        (cw, ch): (usize, usize),
        (fh, fv): (usize, usize),
        (w, h): (usize, usize),
        dst: &mut [u8],
    ) {
        let ow = w.div_ceil(2);
        for (oy, row) in dst.chunks_mut(ow).enumerate() {
            let y0 = (2 * oy) / fv;
            let y1 = ((2 * oy + 1).min(h - 1) / fv).min(ch - 1);
            let (r0, r1) = (&src[y0 * cw..][..cw], &src[y1 * cw..][..cw]);
            for (ox, o) in row.iter_mut().enumerate() {
                let x0 = (2 * ox) / fh;
                let x1 = ((2 * ox + 1).min(w - 1) / fh).min(cw - 1);
                let sum =
                    u32::from(r0[x0]) + u32::from(r0[x1]) + u32::from(r1[x0]) + u32::from(r1[x1]);
                *o = ((sum + 2) / 4) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use super::*;
    use mediacapture_backend_fake::pattern::Pattern;

    fn camera_frame(w: u32, h: u32) -> VideoFrame {
        let data = Pattern::new(w, h).render(7, 0);
        VideoFrame::new(VideoPixelFormat::I420, w, h, 0, data).unwrap()
    }

    fn jpeg(rgb: &[u8], w: u32, h: u32, color: jpeg_encoder::ColorType) -> Vec<u8> {
        jpeg_sampled(rgb, w, h, color, jpeg_encoder::SamplingFactor::F_2_2)
    }

    fn jpeg_sampled(
        rgb: &[u8],
        w: u32,
        h: u32,
        color: jpeg_encoder::ColorType,
        sampling: jpeg_encoder::SamplingFactor,
    ) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 95);
        e.set_sampling_factor(sampling);
        e.encode(rgb, w as u16, h as u16, color).unwrap();
        out
    }

    type Decode = fn(&[u8], i64, &FramePool) -> Result<VideoFrame, String>;
    /// Both implementations: the build's and the portable one.
    const DECODERS: [(&str, Decode); 2] = [
        ("jpeg_to_i420", jpeg_to_i420),
        ("portable", jpeg_to_i420_portable),
    ];

    fn mean_diff(a: &[u8], b: &[u8]) -> f64 {
        let sum: u64 = a
            .iter()
            .zip(b)
            .map(|(x, y)| u64::from(x.abs_diff(*y)))
            .sum();
        sum as f64 / a.len() as f64
    }

    #[test]
    fn a_jpeg_becomes_the_picture_it_holds_in_jfif_i420_at_any_subsampling() {
        use jpeg_encoder::SamplingFactor as S;
        let pool = FramePool::new(2);
        for (name, decode) in DECODERS {
            for (w, h) in [(320, 240), (33, 17), (34, 17)] {
                let src = camera_frame(w, h);
                // 4:2:0, 4:2:2 (common in webcams), 4:4:4, 4:4:0.
                for sampling in [S::F_2_2, S::F_2_1, S::F_1_1, S::F_1_2] {
                    let picture =
                        jpeg_sampled(&src.to_rgb(), w, h, jpeg_encoder::ColorType::Rgb, sampling);
                    let f = decode(&picture, 42, &pool).unwrap();
                    assert_eq!(
                        (f.format(), f.coded_width(), f.coded_height(), f.timestamp()),
                        (VideoPixelFormat::I420, w, h, 42)
                    );
                    assert_eq!(f.color_space(), VideoColorSpace::JFIF);
                    let d = mean_diff(&f.to_rgba(), &src.to_rgba());
                    assert!(
                        d < 3.0,
                        "{name}, {w}x{h} {sampling:?}: the picture differs by {d:.2} on average"
                    );
                }
            }
        }
    }

    #[test]
    fn greyscale_pictures_get_neutral_chroma_and_garbage_is_an_error() {
        let pool = FramePool::new(2);
        let grey: Vec<u8> = (0..64u32 * 32).map(|i| (i % 256) as u8).collect();
        let whole = jpeg(
            &camera_frame(64, 32).to_rgb(),
            64,
            32,
            jpeg_encoder::ColorType::Rgb,
        );
        for (name, decode) in DECODERS {
            let f = decode(
                &jpeg(&grey, 64, 32, jpeg_encoder::ColorType::Luma),
                0,
                &pool,
            )
            .unwrap();
            let l = f.layout();
            assert!(f.data()[l[1].offset..].iter().all(|&c| c == 128), "{name}");
            assert!(mean_diff(&f.data()[..l[1].offset], &grey) < 2.0, "{name}");
            for garbage in [&b"not a jpeg"[..], &[], &whole[..2]] {
                let e = decode(garbage, 0, &pool).unwrap_err();
                assert!(
                    e.starts_with("cannot decode the JPEG picture"),
                    "{name}: {e}"
                );
            }
            // A picture cut short (a camera's torn buffer: the PipeWire test bed's MJPEG camera
            // sends some) is a whole frame once its header is there.
            for cut in [whole.len() / 2, whole.len() - 3] {
                let f = decode(&whole[..cut], 0, &pool)
                    .unwrap_or_else(|e| panic!("{name}: cut at {cut}: {e}"));
                assert_eq!((f.coded_width(), f.coded_height()), (64, 32), "{name}");
            }
            // Cut inside the header: an error or a whole-size frame.
            for cut in [200] {
                match decode(&whole[..cut], 0, &pool) {
                    Ok(f) => assert_eq!((f.coded_width(), f.coded_height()), (64, 32), "{name}"),
                    Err(e) => assert!(
                        e.starts_with("cannot decode the JPEG picture"),
                        "{name}: {e}"
                    ),
                }
            }
        }
    }
}
