//! The portable conversions: integer arithmetic with the matrix and range the frame's
//! [`VideoColorSpace`] names (BT.709 or BT.601 coefficients, limited or full range); chroma is
//! sited at the centre of each 2×2 block and upsampled by repetition.

use crate::frame::{VideoColorSpace, VideoFrame, VideoPixelFormat};

/// Fixed-point shift of the conversion coefficients.
const SHIFT: i32 = 16;
const HALF: i32 = 1 << (SHIFT - 1);

/// `(Kr, Kb)` of a colour matrix; BT.601 for the `smpte170m`/`bt470bg` family, else BT.709.
fn kr_kb(matrix: &str) -> (f64, f64) {
    match matrix {
        "smpte170m" | "bt470bg" | "bt601" => (0.299, 0.114),
        _ => (0.2126, 0.0722),
    }
}

fn fixed(v: f64) -> i32 {
    (v * f64::from(1 << SHIFT)).round() as i32
}

/// YUV → RGB coefficients in fixed point.
struct ToRgb {
    y_off: i32,
    y: i32,
    rv: i32,
    gu: i32,
    gv: i32,
    bu: i32,
}

impl ToRgb {
    fn new(cs: VideoColorSpace) -> Self {
        let (kr, kb) = kr_kb(cs.matrix);
        let kg = 1.0 - kr - kb;
        let (ys, c, y_off) = if cs.full_range {
            (1.0, 1.0, 0)
        } else {
            (255.0 / 219.0, 255.0 / 224.0, 16)
        };
        ToRgb {
            y_off,
            y: fixed(ys),
            rv: fixed(c * 2.0 * (1.0 - kr)),
            gu: fixed(c * 2.0 * kb * (1.0 - kb) / kg),
            gv: fixed(c * 2.0 * kr * (1.0 - kr) / kg),
            bu: fixed(c * 2.0 * (1.0 - kb)),
        }
    }

    #[inline]
    fn pixel(&self, y: u8, u: u8, v: u8) -> [u8; 4] {
        let y = (i32::from(y) - self.y_off) * self.y + HALF;
        let (u, v) = (i32::from(u) - 128, i32::from(v) - 128);
        let c = |x: i32| (x >> SHIFT).clamp(0, 255) as u8;
        [
            c(y + self.rv * v),
            c(y - self.gu * u - self.gv * v),
            c(y + self.bu * u),
            255,
        ]
    }
}

/// RGB → YUV coefficients in fixed point.
struct ToYuv {
    full: bool,
    kr: i32,
    kg: i32,
    kb: i32,
    u: i32,
    v: i32,
}

impl ToYuv {
    fn new(cs: VideoColorSpace) -> Self {
        let (kr, kb) = kr_kb(cs.matrix);
        let c = if cs.full_range { 1.0 } else { 224.0 / 255.0 };
        ToYuv {
            full: cs.full_range,
            kr: fixed(kr),
            kg: fixed(1.0 - kr - kb),
            kb: fixed(kb),
            u: fixed(c / (2.0 * (1.0 - kb))),
            v: fixed(c / (2.0 * (1.0 - kr))),
        }
    }

    /// Full-range luma in fixed point.
    #[inline]
    fn luma(&self, r: u8, g: u8, b: u8) -> i32 {
        self.kr * i32::from(r) + self.kg * i32::from(g) + self.kb * i32::from(b)
    }

    #[inline]
    fn y(&self, luma: i32) -> u8 {
        let y = if self.full {
            luma
        } else {
            16 * (1 << SHIFT) + luma / 255 * 219
        };
        ((y + HALF) >> SHIFT).clamp(0, 255) as u8
    }

    /// Chroma of the mean colour `(r, g, b)` (each ×4, a 2×2 block's sum).
    #[inline]
    fn uv(&self, r4: i32, g4: i32, b4: i32) -> (u8, u8) {
        let luma4 = (self.kr * r4 + self.kg * g4 + self.kb * b4) >> SHIFT;
        let u = 128 * (1 << SHIFT) + (b4 - luma4) * self.u / 4;
        let v = 128 * (1 << SHIFT) + (r4 - luma4) * self.v / 4;
        (
            ((u + HALF) >> SHIFT).clamp(0, 255) as u8,
            ((v + HALF) >> SHIFT).clamp(0, 255) as u8,
        )
    }
}

impl VideoFrame {
    /// [`to_rgba`](VideoFrame::to_rgba) without SIMD: what the fast path falls back to where
    /// it cannot take a frame, and the "before" figure of the benches.
    #[doc(hidden)]
    pub fn to_rgba_scalar(&self) -> Vec<u8> {
        let r = self.visible_rect();
        let (x0, y0, w, h) = (
            r.x as usize,
            r.y as usize,
            r.width as usize,
            r.height as usize,
        );
        let mut out = vec![0u8; 4 * w * h];
        let data = self.data();
        let l = self.layout();
        match self.format() {
            VideoPixelFormat::I420 | VideoPixelFormat::Nv12 => {
                let k = ToRgb::new(self.color_space());
                let nv12 = self.format() == VideoPixelFormat::Nv12;
                for (row, dst) in out.chunks_exact_mut(4 * w).enumerate() {
                    let sy = y0 + row;
                    let yrow = &data[l[0].offset + sy * l[0].stride..];
                    let crow = l[1].offset + (sy / 2) * l[1].stride;
                    for (col, px) in dst.chunks_exact_mut(4).enumerate() {
                        let sx = x0 + col;
                        let (u, v) = if nv12 {
                            (data[crow + (sx / 2) * 2], data[crow + (sx / 2) * 2 + 1])
                        } else {
                            let vrow = l[2].offset + (sy / 2) * l[2].stride;
                            (data[crow + sx / 2], data[vrow + sx / 2])
                        };
                        px.copy_from_slice(&k.pixel(yrow[sx], u, v));
                    }
                }
            }
            VideoPixelFormat::Rgba | VideoPixelFormat::Bgra => {
                let bgra = self.format() == VideoPixelFormat::Bgra;
                for (row, dst) in out.chunks_exact_mut(4 * w).enumerate() {
                    let start = l[0].offset + (y0 + row) * l[0].stride + 4 * x0;
                    dst.copy_from_slice(&data[start..start + 4 * w]);
                    if bgra {
                        for px in dst.chunks_exact_mut(4) {
                            px.swap(0, 2);
                        }
                    }
                }
            }
        }
        out
    }

    /// [`to_i420`](VideoFrame::to_i420) without SIMD and always a copy: what the fast path
    /// falls back to where it cannot take a frame, and the "before" figure of the benches.
    #[doc(hidden)]
    pub fn to_i420_scalar(&self) -> VideoFrame {
        let r = self.visible_rect();
        let (w, h) = (r.width as usize, r.height as usize);
        let (x0, y0) = (r.x as usize, r.y as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let (layout, size) = VideoPixelFormat::I420.layout(r.width, r.height);
        let mut out = vec![0u8; size];
        let (yp, uv) = out.split_at_mut(layout[1].offset);
        let (up, vp) = uv.split_at_mut(cw * ch);
        let data = self.data();
        let l = self.layout();
        let mut color_space = self.color_space();
        match self.format() {
            VideoPixelFormat::I420 | VideoPixelFormat::Nv12 => {
                for row in 0..h {
                    let s = l[0].offset + (y0 + row) * l[0].stride + x0;
                    yp[row * w..(row + 1) * w].copy_from_slice(&data[s..s + w]);
                }
                // Visible rects of 4:2:0 frames start on even coordinates in practice; an odd
                // origin takes the chroma sample of its block.
                for row in 0..ch {
                    let sy = (y0 / 2 + row).min(l[1].height.saturating_sub(1));
                    for col in 0..cw {
                        let sx = x0 / 2 + col;
                        let (u, v) = if self.format() == VideoPixelFormat::Nv12 {
                            let c = l[1].offset + sy * l[1].stride + 2 * sx;
                            (data[c], data[c + 1])
                        } else {
                            (
                                data[l[1].offset + sy * l[1].stride + sx],
                                data[l[2].offset + sy * l[2].stride + sx],
                            )
                        };
                        up[row * cw + col] = u;
                        vp[row * cw + col] = v;
                    }
                }
            }
            VideoPixelFormat::Rgba | VideoPixelFormat::Bgra => {
                color_space = VideoColorSpace::BT709;
                let k = ToYuv::new(color_space);
                let (ri, bi) = if self.format() == VideoPixelFormat::Rgba {
                    (0, 2)
                } else {
                    (2, 0)
                };
                let px = |x: usize, y: usize| {
                    let o = l[0].offset + (y0 + y) * l[0].stride + 4 * (x0 + x);
                    (data[o + ri], data[o + 1], data[o + bi])
                };
                for row in 0..h {
                    for col in 0..w {
                        let (r, g, b) = px(col, row);
                        yp[row * w + col] = k.y(k.luma(r, g, b));
                    }
                }
                for row in 0..ch {
                    for col in 0..cw {
                        let (mut r4, mut g4, mut b4) = (0, 0, 0);
                        for (dx, dy) in [(0, 0), (1, 0), (0, 1), (1, 1)] {
                            let (r, g, b) =
                                px((2 * col + dx).min(w - 1), (2 * row + dy).min(h - 1));
                            r4 += i32::from(r);
                            g4 += i32::from(g);
                            b4 += i32::from(b);
                        }
                        let (u, v) = k.uv(r4, g4, b4);
                        up[row * cw + col] = u;
                        vp[row * cw + col] = v;
                    }
                }
            }
        }
        match VideoFrame::new(
            VideoPixelFormat::I420,
            r.width,
            r.height,
            self.timestamp(),
            out,
        ) {
            Ok(f) => f
                .with_duration(self.duration())
                .with_color_space(color_space),
            // The size came from a valid frame, so the buffer matches; keep the frame as it is.
            Err(_) => self.clone(),
        }
    }
}
