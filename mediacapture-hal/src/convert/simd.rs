//! The fast path: `yuvutils-rs`, with SSE4.1 and AVX2 kernels it chooses at run time.
//!
//! Each function returns `None` for a frame it does not take (the caller then converts with
//! the portable code): RGBA and BGRA sources for [`to_rgbx`] (a copy, not a conversion), YUV
//! sources for [`to_i420`], and pictures of an odd width or height or at an odd origin (whose
//! last row of chroma the library reads differently from the portable code).

use yuvutils_rs::{
    BufferStoreMut, YuvBiPlanarImage, YuvConversionMode, YuvPlanarImage, YuvPlanarImageMut,
    YuvRange, YuvStandardMatrix,
};

use crate::frame::{Rect, VideoColorSpace, VideoFrame, VideoPixelFormat};

fn matrix(cs: VideoColorSpace) -> YuvStandardMatrix {
    match cs.matrix {
        "smpte170m" | "bt470bg" | "bt601" => YuvStandardMatrix::Bt601,
        _ => YuvStandardMatrix::Bt709,
    }
}

fn range(cs: VideoColorSpace) -> YuvRange {
    if cs.full_range {
        YuvRange::Full
    } else {
        YuvRange::Limited
    }
}

/// Whether every edge of `r` is on an even coordinate.
fn even(r: Rect) -> bool {
    [r.x, r.y, r.width, r.height].iter().all(|v| v % 2 == 0)
}

/// The visible picture of a YUV frame as packed RGB (`channels` 3) or RGBA (`channels` 4).
pub(super) fn to_rgbx(frame: &VideoFrame, channels: usize) -> Option<Vec<u8>> {
    let r = frame.visible_rect();
    if !even(r) {
        return None;
    }
    let (x0, y0) = (r.x as usize, r.y as usize);
    let (l, data, cs) = (frame.layout(), frame.data(), frame.color_space());
    let plane = |i: usize, x: usize, y: usize| {
        let p = l.get(i)?;
        data.get(p.offset + y * p.stride + x..)
    };
    let stride = |i: usize| l.get(i).map(|p| p.stride as u32);
    let mut out = vec![0u8; channels * r.width as usize * r.height as usize];
    let out_stride = channels as u32 * r.width;
    let (range, matrix) = (range(cs), matrix(cs));
    let done = match frame.format() {
        VideoPixelFormat::I420 => {
            let img = YuvPlanarImage {
                y_plane: plane(0, x0, y0)?,
                y_stride: stride(0)?,
                u_plane: plane(1, x0 / 2, y0 / 2)?,
                u_stride: stride(1)?,
                v_plane: plane(2, x0 / 2, y0 / 2)?,
                v_stride: stride(2)?,
                width: r.width,
                height: r.height,
            };
            if channels == 4 {
                yuvutils_rs::yuv420_to_rgba(&img, &mut out, out_stride, range, matrix)
            } else {
                yuvutils_rs::yuv420_to_rgb(&img, &mut out, out_stride, range, matrix)
            }
        }
        VideoPixelFormat::Nv12 => {
            let img = YuvBiPlanarImage {
                y_plane: plane(0, x0, y0)?,
                y_stride: stride(0)?,
                uv_plane: plane(1, x0, y0 / 2)?,
                uv_stride: stride(1)?,
                width: r.width,
                height: r.height,
            };
            let mode = YuvConversionMode::Balanced;
            if channels == 4 {
                yuvutils_rs::yuv_nv12_to_rgba(&img, &mut out, out_stride, range, matrix, mode)
            } else {
                yuvutils_rs::yuv_nv12_to_rgb(&img, &mut out, out_stride, range, matrix, mode)
            }
        }
        VideoPixelFormat::Rgba | VideoPixelFormat::Bgra => return None,
    };
    done.ok().map(|()| out)
}

/// An RGBA or BGRA frame's visible picture as a BT.709 limited-range I420 frame.
pub(super) fn to_i420(frame: &VideoFrame) -> Option<VideoFrame> {
    let bgra = match frame.format() {
        VideoPixelFormat::Rgba => false,
        VideoPixelFormat::Bgra => true,
        VideoPixelFormat::I420 | VideoPixelFormat::Nv12 => return None,
    };
    let r = frame.visible_rect();
    if !even(r) {
        return None;
    }
    let src_layout = frame.layout().first()?;
    let src = frame
        .data()
        .get(src_layout.offset + r.y as usize * src_layout.stride + 4 * r.x as usize..)?;
    let (layout, size) = VideoPixelFormat::I420.layout(r.width, r.height);
    let mut out = vec![0u8; size];
    {
        let (y, uv) = out.split_at_mut(layout.get(1)?.offset);
        let (u, v) = uv.split_at_mut(layout.get(2)?.offset - layout.get(1)?.offset);
        let mut img = YuvPlanarImageMut {
            y_plane: BufferStoreMut::Borrowed(y),
            y_stride: layout.first()?.stride as u32,
            u_plane: BufferStoreMut::Borrowed(u),
            u_stride: layout.get(1)?.stride as u32,
            v_plane: BufferStoreMut::Borrowed(v),
            v_stride: layout.get(2)?.stride as u32,
            width: r.width,
            height: r.height,
        };
        let convert = if bgra {
            yuvutils_rs::bgra_to_yuv420
        } else {
            yuvutils_rs::rgba_to_yuv420
        };
        convert(
            &mut img,
            src,
            src_layout.stride as u32,
            YuvRange::Limited,
            YuvStandardMatrix::Bt709,
            YuvConversionMode::Balanced,
        )
        .ok()?;
    }
    let f = VideoFrame::new(
        VideoPixelFormat::I420,
        r.width,
        r.height,
        frame.timestamp(),
        out,
    )
    .ok()?;
    Some(
        f.with_duration(frame.duration())
            .with_color_space(VideoColorSpace::BT709),
    )
}
