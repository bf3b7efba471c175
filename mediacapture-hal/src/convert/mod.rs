//! Pixel format conversion: to RGBA and RGB (for pictures) and to I420 (for encoders).
//!
//! Two implementations of the same arithmetic (BT.709 or BT.601 coefficients, limited or full
//! range, as the frame's [`VideoColorSpace`](crate::frame::VideoColorSpace) names; 4:2:0
//! chroma averaged over each 2×2 block on the way in):
//! - `simd.rs`, the path every call takes: `yuvutils-rs`, which picks SSE4.1/AVX2 at run time
//!   (0.3 ms for a 720p I420 → RGBA frame where the portable code takes 4–9 ms; see the
//!   `convert` bench of `mediacapture-signal`). Its fixed point can differ from the exact value
//!   by one step (75 % grey, Y = 180, becomes 192 where 191.25 is exact).
//! - `scalar.rs`, portable integer code: what the fast path falls back to for a frame it
//!   cannot take (an odd width or height), and the "before" figure of the benches.

mod scalar;
mod simd;

use crate::frame::{VideoFrame, VideoPixelFormat};

impl VideoFrame {
    /// The visible picture as tightly packed 8-bit RGBA (sRGB, full range, opaque), row by row:
    /// `4 × width × height` bytes for the visible rect's width and height.
    ///
    /// Like WebCodecs [`copyTo(…, {format: "RGBA"})`](https://w3c.github.io/webcodecs/#dom-videoframe-copyto).
    pub fn to_rgba(&self) -> Vec<u8> {
        simd::to_rgbx(self, 4).unwrap_or_else(|| self.to_rgba_scalar())
    }

    /// The visible picture as tightly packed 8-bit RGB (sRGB, full range), row by row:
    /// `3 × width × height` bytes; an RGBA or BGRA frame loses its alpha.
    ///
    /// Like WebCodecs [`copyTo(…, {format: "RGBX"})`](https://w3c.github.io/webcodecs/#dom-videoframe-copyto)
    /// without the fourth byte: what JPEG and opaque PNG pictures are made of.
    pub fn to_rgb(&self) -> Vec<u8> {
        simd::to_rgbx(self, 3).unwrap_or_else(|| {
            self.to_rgba_scalar()
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect()
        })
    }

    /// The visible picture as an I420 frame with the same timestamp and duration: the frame
    /// itself (no copy) when it already is a whole I420 frame, otherwise a converted copy
    /// (RGBA and BGRA become BT.709 limited range).
    pub fn to_i420(&self) -> VideoFrame {
        let r = self.visible_rect();
        let whole = r.x == 0
            && r.y == 0
            && r.width == self.coded_width()
            && r.height == self.coded_height();
        if self.format() == VideoPixelFormat::I420 && whole {
            return self.clone();
        }
        simd::to_i420(self).unwrap_or_else(|| self.to_i420_scalar())
    }
}

#[cfg(test)]
mod tests;
