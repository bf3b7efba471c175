//! The fake camera's picture and the fake microphone's signal: deterministic, so tests (and
//! people) can tell frames apart and find dropped or repeated ones.
//!
//! The picture (I420, BT.709 limited range): colour bars; a white stripe that moves a step per
//! frame; the frame number and timestamp written in large digits at the top left; and a
//! barcode of the frame number in the bottom strip's middle 40 % (so that it survives center
//! crops), which [`decode_frame_number`] reads back.

/// Bits in the frame-number barcode.
pub const BARCODE_BITS: u32 = 24;

/// 75 % colour bars in BT.709 limited range: white, yellow, cyan, green, magenta, red, blue, black.
const BARS: [(u8, u8, u8); 8] = [
    (180, 128, 128),
    (168, 44, 136),
    (145, 147, 44),
    (133, 63, 52),
    (63, 193, 204),
    (51, 109, 212),
    (28, 212, 120),
    (16, 128, 128),
];

/// 5x7 glyphs, one byte a row, the low 5 bits used (bit 4 is the leftmost pixel).
fn glyph(c: char) -> [u8; 7] {
    match c {
        '0' => [0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E],
        '1' => [0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E],
        '2' => [0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F],
        '3' => [0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E],
        '4' => [0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02],
        '5' => [0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E],
        '6' => [0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E],
        '7' => [0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08],
        '8' => [0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E],
        '9' => [0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C],
        ':' => [0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00],
        '.' => [0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C],
        '#' => [0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A],
        _ => [0; 7],
    }
}

/// The barcode's cells: `(x0, x1)` for each bit, most significant first, and the strip's rows.
fn barcode_geometry(w: usize, h: usize) -> (Vec<(usize, usize)>, usize, usize) {
    let (left, span) = (w * 3 / 10, (w * 4 / 10).max(BARCODE_BITS as usize));
    let cells = (0..BARCODE_BITS as usize)
        .map(|i| {
            (
                left + span * i / BARCODE_BITS as usize,
                left + span * (i + 1) / BARCODE_BITS as usize,
            )
        })
        .collect();
    let strip = (h / 12).max(2);
    (cells, h - strip, h)
}

/// Renders the fake camera's frames at one size.
pub struct Pattern {
    width: usize,
    height: usize,
    background: Vec<u8>,
}

impl Pattern {
    /// A renderer for `width`×`height` frames.
    pub fn new(width: u32, height: u32) -> Self {
        let (w, h) = (width.max(1) as usize, height.max(1) as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        let mut bg = vec![0u8; w * h + 2 * cw * ch];
        let (y, uv) = bg.split_at_mut(w * h);
        let (u, v) = uv.split_at_mut(cw * ch);
        for row in 0..h {
            for x in 0..w {
                y[row * w + x] = BARS[x * 8 / w].0;
            }
        }
        for row in 0..ch {
            for x in 0..cw {
                let bar = BARS[(2 * x).min(w - 1) * 8 / w];
                u[row * cw + x] = bar.1;
                v[row * cw + x] = bar.2;
            }
        }
        Pattern {
            width: w,
            height: h,
            background: bg,
        }
    }

    /// Frame `index`, stamped `timestamp_us`, as a tightly packed I420 buffer.
    pub fn render(&self, index: u64, timestamp_us: i64) -> Vec<u8> {
        let mut f = vec![0u8; self.background.len()];
        self.render_into(index, timestamp_us, &mut f);
        f
    }

    /// Frame `index` into `f`, which must be exactly one frame long (every byte is written).
    pub fn render_into(&self, index: u64, timestamp_us: i64, f: &mut [u8]) {
        let (w, h) = (self.width, self.height);
        if f.len() != self.background.len() {
            return;
        }
        f.copy_from_slice(&self.background);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        // The moving stripe.
        let stripe = (w / 32).max(2);
        let x0 = (index as usize * (w / 120).max(1)) % w;
        for row in 0..h {
            for x in x0..(x0 + stripe).min(w) {
                f[row * w + x] = 235;
            }
        }
        for row in 0..ch {
            for x in x0 / 2..((x0 + stripe) / 2).min(cw) {
                f[w * h + row * cw + x] = 128;
                f[w * h + cw * ch + row * cw + x] = 128;
            }
        }
        // "#frame mm:ss.mmm" in digits scaled to the frame, on a black backdrop.
        let ms = timestamp_us.max(0) / 1000;
        let text = format!(
            "#{index:06} {:02}:{:02}.{:03}",
            ms / 60_000,
            (ms / 1000) % 60,
            ms % 1000
        );
        let s = (h / 120).max(1);
        let (tx, ty) = (4 * s, 4 * s);
        let tw = (text.len() * 6 * s + 2 * s).min(w.saturating_sub(tx));
        let th = (9 * s).min(h.saturating_sub(ty));
        // Grey (neutral) chroma under a luma rectangle, so black and white stay black and white.
        let neutral = |f: &mut [u8], (x0, x1): (usize, usize), (y0, y1): (usize, usize)| {
            for row in y0 / 2..y1.div_ceil(2).min(ch) {
                for x in x0 / 2..x1.div_ceil(2).min(cw) {
                    f[w * h + row * cw + x] = 128;
                    f[w * h + cw * ch + row * cw + x] = 128;
                }
            }
        };
        let (bx, by) = (
            (tx.saturating_sub(s), (tx + tw).min(w)),
            (ty.saturating_sub(s), (ty + th).min(h)),
        );
        for row in by.0..by.1 {
            f[row * w + bx.0..row * w + bx.1].fill(16);
        }
        neutral(f, bx, by);
        for (i, c) in text.chars().enumerate() {
            let g = glyph(c);
            for (gy, bits) in g.iter().enumerate() {
                for gx in 0..5 {
                    if bits & (0x10 >> gx) == 0 {
                        continue;
                    }
                    for dy in 0..s {
                        for dx in 0..s {
                            let (px, py) = (tx + (i * 6 + gx) * s + dx, ty + gy * s + dy);
                            if px < w && py < h {
                                f[py * w + px] = 235;
                            }
                        }
                    }
                }
            }
        }
        // The barcode of the frame number.
        let (cells, top, bottom) = barcode_geometry(w, h);
        if let (Some(first), Some(last)) = (cells.first(), cells.last()) {
            neutral(f, (first.0, last.1), (top, bottom));
        }
        for (i, (a, b)) in cells.iter().enumerate() {
            let bit = (index >> (BARCODE_BITS as usize - 1 - i)) & 1;
            let luma = if bit == 1 { 235 } else { 16 };
            for row in top..bottom {
                f[row * w + a..row * w + b].fill(luma);
            }
        }
    }
}

/// Reads the frame number back from the luma plane of a fake-camera frame, also after it was
/// cropped around its centre and scaled (as long as each barcode cell keeps about 2 pixels).
/// `None` when the strip is not there.
pub fn decode_frame_number(y: &[u8], width: u32, height: u32, native: (u32, u32)) -> Option<u32> {
    let (w, h) = (width as usize, height as usize);
    if y.len() < w * h || w == 0 || h == 0 {
        return None;
    }
    // Map the native barcode geometry through the centre crop and the scale.
    let (nw, nh) = (native.0 as f64, native.1 as f64);
    let target_ar = w as f64 / h as f64;
    let (cw, chh) = if nw / nh > target_ar {
        (nh * target_ar, nh)
    } else {
        (nw, nw / target_ar)
    };
    let (ox, oy) = ((nw - cw) / 2.0, (nh - chh) / 2.0);
    let (sx, sy) = (w as f64 / cw, h as f64 / chh);
    let (cells, top, bottom) = barcode_geometry(native.0 as usize, native.1 as usize);
    let row = (((top + bottom) as f64 / 2.0 - oy) * sy) as isize;
    if row < 0 || row as usize >= h {
        return None;
    }
    let mut n = 0u32;
    for (a, b) in cells {
        let x = (((a + b) as f64 / 2.0 - ox) * sx) as isize;
        if x < 0 || x as usize >= w {
            return None;
        }
        n = (n << 1) | u32::from(y[row as usize * w + x as usize] > 128);
    }
    Some(n)
}

/// The fake microphone's signal at sample `n`: a 440 Hz tone at −12 dBFS, with a 1 kHz beep
/// added for the first 50 ms of every second.
pub fn tone_sample(n: u64, sample_rate: u32) -> f32 {
    let rate = sample_rate.max(1) as u64;
    let t = n as f64 / rate as f64;
    let mut v = 0.25 * (2.0 * std::f64::consts::PI * 440.0 * t).sin();
    if n % rate < rate / 20 {
        v += 0.25 * (2.0 * std::f64::consts::PI * 1000.0 * t).sin();
    }
    v as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_differ_and_their_numbers_decode() {
        let p = Pattern::new(640, 480);
        let a = p.render(1, 33_333);
        let b = p.render(2, 66_666);
        assert_ne!(a, b);
        assert_eq!(a.len(), 640 * 480 * 3 / 2);
        for i in [0u64, 1, 2, 1000, 123_456, (1 << 24) - 1] {
            let f = p.render(i, 0);
            assert_eq!(
                decode_frame_number(&f[..640 * 480], 640, 480, (640, 480)),
                Some(i as u32)
            );
        }
        let tiny = Pattern::new(96, 96).render(5, 0);
        assert_eq!(tiny.len(), 96 * 96 * 3 / 2);
        let odd = Pattern::new(641, 361).render(7, 0);
        assert_eq!(
            decode_frame_number(&odd[..641 * 361], 641, 361, (641, 361)),
            Some(7)
        );
    }

    #[test]
    fn the_tone_is_deterministic() {
        assert_eq!(tone_sample(0, 48_000), 0.0);
        assert_eq!(tone_sample(12_345, 48_000), tone_sample(12_345, 48_000));
        let peak = (0..48_000)
            .map(|n| tone_sample(n, 48_000).abs())
            .fold(0.0, f32::max);
        assert!(peak > 0.4 && peak <= 0.5, "{peak}");
    }
}
