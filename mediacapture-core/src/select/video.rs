//! Camera regions: a native mode, or a crop-and-scale box under it.

use mediacapture_types::device::{VideoDeviceCapabilities, VideoMode};
use mediacapture_types::{ConstrainableProperty, VideoResizeModeEnum, round_aspect_ratio};

use super::common::*;
use super::types::*;
use crate::compile::{Compiled, EPS, INF, Point, relative_distance};

/// The best size of a crop region depends only on its size box and native size (frame rate and
/// blur add the same amount to every size), and modes that differ only in frame rate share
/// them: remember each within one call.
#[derive(Default)]
pub(super) struct SizeCache(pub(super) Vec<(SizeKey, (u32, u32))>);

#[derive(PartialEq)]
pub(super) struct SizeKey {
    pub(super) w: (u32, u32),
    pub(super) h: (u32, u32),
    pub(super) ar: (u64, u64),
    pub(super) native: (u32, u32),
}

#[derive(Clone, Debug)]
pub(super) struct VideoRegion {
    pub(super) dev: usize,
    pub(super) mode: usize,
    pub(super) native: VideoMode,
    pub(super) crop: bool,
    pub(super) w: (u32, u32),
    pub(super) h: (u32, u32),
    pub(super) ar: (f64, f64),
    pub(super) fr: (f64, f64),
    /// Bit 0: `false` can be had; bit 1: `true`. 0 when the device does not report blur.
    pub(super) blur: u8,
    pub(super) has_blur: bool,
}

impl VideoRegion {
    pub(super) fn native(dev: usize, mode: usize, m: &VideoMode, blur: u8) -> Self {
        VideoRegion {
            dev,
            mode,
            native: *m,
            crop: false,
            w: (m.width, m.width),
            h: (m.height, m.height),
            ar: (-INF, INF),
            fr: (m.frame_rate, m.frame_rate),
            blur,
            has_blur: blur != 0,
        }
    }

    pub(super) fn crop(dev: usize, mode: usize, m: &VideoMode, blur: u8) -> Self {
        VideoRegion {
            crop: true,
            w: (1, m.width),
            h: (1, m.height),
            fr: (0.0, m.frame_rate),
            ..Self::native(dev, mode, m, blur)
        }
    }

    pub(super) fn resize_str(&self) -> &'static str {
        if self.crop {
            VideoResizeModeEnum::CropAndScale.as_str()
        } else {
            VideoResizeModeEnum::None.as_str()
        }
    }

    pub(super) fn ratio_ok(&self, w: u32, h: u32) -> bool {
        let r = round_aspect_ratio(w as f64 / h as f64);
        r >= self.ar.0 - EPS && r <= self.ar.1 + EPS
    }

    pub(super) fn ar_constrained(&self) -> bool {
        self.ar.0 > 0.0 || self.ar.1 < INF
    }

    /// Some whole-pixel size in the region, if there is one.
    pub(super) fn witness(&self) -> Option<(u32, u32)> {
        let ((wl, wh), (hl, hh)) = (self.w, self.h);
        if wl > wh || hl > hh || wl == 0 && wh == 0 {
            return None;
        }
        if !self.ar_constrained() {
            return Some((wh, hh));
        }
        let (al, ah) = (self.ar.0 - EPS, self.ar.1 + EPS);
        if ah <= 0.0 || al > ah {
            return None;
        }
        // Heights for which some width in [wl, wh] gives a ratio in [al, ah].
        let h_from = if ah.is_finite() {
            ((wl as f64) / ah).floor().max(hl as f64)
        } else {
            hl as f64
        };
        let h_to = if al > 0.0 {
            ((wh as f64) / al).ceil().min(hh as f64)
        } else {
            hh as f64
        };
        let (h_from, h_to) = (h_from.max(1.0) as u32, h_to.max(0.0) as u32);
        for h in h_from..=h_to {
            let lo = if al > 0.0 {
                ((h as f64) * al).ceil().max(wl as f64)
            } else {
                wl as f64
            };
            let hi = if ah.is_finite() {
                ((h as f64) * ah).floor().min(wh as f64)
            } else {
                wh as f64
            };
            if lo > hi {
                continue;
            }
            for w in [lo as u32, hi as u32, lo as u32 + 1] {
                if w >= wl && w <= wh && self.ratio_ok(w, h) {
                    return Some((w, h));
                }
            }
        }
        None
    }

    pub(super) fn non_empty(&self) -> bool {
        self.fr.0 <= self.fr.1 + EPS
            && (!self.has_blur || self.blur != 0)
            && self.witness().is_some()
    }

    pub(super) fn restrict(
        &mut self,
        p: ConstrainableProperty,
        c: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
    ) -> bool {
        use ConstrainableProperty as P;
        let Some(offer) = offers.get(self.dev) else {
            return false;
        };
        let ok = match p {
            P::DeviceId => str_ok(c, p, Some(offer.device_id)),
            P::GroupId => str_ok(c, p, Some(offer.group_id)),
            P::FacingMode => str_ok(c, p, video_caps(offers, self.dev).and_then(facing)),
            P::ResizeMode => str_ok(c, p, Some(self.resize_str())),
            P::Width => narrow_u32(&mut self.w, c.width),
            P::Height => narrow_u32(&mut self.h, c.height),
            P::AspectRatio => narrow_f64(&mut self.ar, c.aspect_ratio),
            P::FrameRate => narrow_f64(&mut self.fr, c.frame_rate),
            P::BackgroundBlur => match c.background_blur.and_then(|b| b.exact) {
                Some(want) if self.has_blur => {
                    self.blur &= 1 << (want as u8);
                    true
                }
                Some(_) => false,
                None => true,
            },
            _ => true,
        };
        ok && self.non_empty()
    }

    pub(super) fn point<'a>(
        &self,
        offer: &DeviceOffer<'a>,
        caps: &VideoDeviceCapabilities,
        w: u32,
        h: u32,
        fr: f64,
        blur: Option<bool>,
    ) -> Point<'a> {
        Point {
            width: Some(w),
            height: Some(h),
            aspect_ratio: Some(round_aspect_ratio(w as f64 / h as f64)),
            frame_rate: Some(fr),
            device_id: Some(offer.device_id),
            group_id: Some(offer.group_id),
            facing_mode: facing(caps),
            resize_mode: Some(self.resize_str()),
            background_blur: blur,
            ..Default::default()
        }
    }

    pub(super) fn best(
        &self,
        b: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
        d: &SelectionDefaults,
        sizes: &mut SizeCache,
    ) -> Option<(Ranked, Selection)> {
        let offer = *offers.get(self.dev)?;
        let caps = video_caps(offers, self.dev)?;
        let clamp_f = |v: f64, (lo, hi): (f64, f64)| if lo > hi { hi } else { v.clamp(lo, hi) };
        // Frame rate is independent of the rest: the ideal, or the highest the region allows.
        let fr = match b.frame_rate.and_then(|c| c.ideal) {
            Some(i) => clamp_f(i, self.fr),
            None => clamp_f(self.fr.1, self.fr),
        };
        // Background blur: the ideal if it can be had, else `false` if it can, else `true`.
        let blur = self.has_blur.then(|| {
            let ideal = b.background_blur.and_then(|c| c.ideal);
            let can = |v: bool| self.blur & (1 << (v as u8)) != 0;
            match ideal {
                Some(v) if can(v) => v,
                _ => !can(false),
            }
        });
        let key = SizeKey {
            w: self.w,
            h: self.h,
            ar: (self.ar.0.to_bits(), self.ar.1.to_bits()),
            native: (self.native.width, self.native.height),
        };
        let (w, h) = match sizes.0.iter().find(|(k, _)| *k == key) {
            Some((_, size)) => *size,
            None => {
                let size = self.best_size(b, &offer, caps, fr, blur);
                sizes.0.push((key, size));
                size
            }
        };
        let pt = self.point(&offer, caps, w, h, fr, blur);
        let fitness = b.distance(&pt);
        let default_distance = relative_distance(w as f64, d.width as f64, 0.0)
            + relative_distance(h as f64, d.height as f64, 0.0)
            + relative_distance(
                w as f64 / h as f64,
                d.width as f64 / d.height.max(1) as f64,
                EPS,
            )
            + relative_distance(fr, d.frame_rate, EPS);
        let rank = Ranked {
            fitness,
            crop: self.crop,
            default_distance,
            device: self.dev,
            mode: self.mode,
        };
        let resize_mode = if self.crop {
            VideoResizeModeEnum::CropAndScale
        } else {
            VideoResizeModeEnum::None
        };
        let settings = SelectedSettings::Video {
            mode: self.native,
            width: w,
            height: h,
            frame_rate: fr,
            resize_mode,
            background_blur: blur,
        };
        Some((
            rank,
            Selection {
                device: self.dev,
                settings,
                fitness,
            },
        ))
    }

    /// The size in the region with the smallest distance against the basic set; ties keep the
    /// camera's own aspect ratio and the largest size.
    pub(super) fn best_size(
        &self,
        b: &Compiled<'_>,
        offer: &DeviceOffer<'_>,
        caps: &VideoDeviceCapabilities,
        fr: f64,
        blur: Option<bool>,
    ) -> (u32, u32) {
        let ((wl, wh), (hl, hh)) = (self.w, self.h);
        let (nw, nh) = (self.native.width as f64, self.native.height as f64);
        let iw = b.width.and_then(|c| c.ideal);
        let ih = b.height.and_then(|c| c.ideal);
        let iar = b.aspect_ratio.and_then(|c| c.ideal);
        let clamp_w = |v: f64| (v.round().max(wl as f64).min(wh as f64)) as u32;
        let clamp_h = |v: f64| (v.round().max(hl as f64).min(hh as f64)) as u32;
        if !self.ar_constrained() && iar.is_none() {
            // Width and height are independent: each at its ideal, or derived from the other
            // at the camera's aspect ratio, or the largest native-shaped size.
            return match (iw, ih) {
                (Some(iw), Some(ih)) => (clamp_w(iw), clamp_h(ih)),
                (Some(iw), None) => {
                    let w = clamp_w(iw);
                    (w, clamp_h(w as f64 * nh / nw))
                }
                (None, Some(ih)) => {
                    let h = clamp_h(ih);
                    (clamp_w(h as f64 * nw / nh), h)
                }
                (None, None) => {
                    let s = (wh as f64 / nw).min(hh as f64 / nh).min(1.0);
                    (clamp_w(nw * s), clamp_h(nh * s))
                }
            };
        }
        // Width, height and aspect ratio are coupled: evaluate the vertices.
        let mut ws = vec![wl as f64, wh as f64];
        let mut hs = vec![hl as f64, hh as f64];
        ws.extend(iw.map(|v| clamp_w(v) as f64));
        hs.extend(ih.map(|v| clamp_h(v) as f64));
        let mut rs: Vec<f64> = vec![nw / nh];
        rs.extend(iar);
        rs.extend(
            [self.ar.0, self.ar.1]
                .into_iter()
                .filter(|r| r.is_finite() && *r > 0.0),
        );
        let mut cands: Vec<(u32, u32)> = Vec::with_capacity(64);
        for &w in &ws {
            for &h in &hs {
                cands.push((clamp_w(w), clamp_h(h)));
            }
            for &r in &rs {
                cands.push((clamp_w(w), clamp_h((w / r).floor())));
                cands.push((clamp_w(w), clamp_h((w / r).ceil())));
            }
        }
        for &h in &hs {
            for &r in &rs {
                cands.push((clamp_w((h * r).floor()), clamp_h(h)));
                cands.push((clamp_w((h * r).ceil()), clamp_h(h)));
            }
        }
        // Rounding a vertex to whole pixels can miss the ratio; the sizes that hit a ratio
        // p/q exactly are multiples of (p, q): add the ones next to each vertex.
        for &r in &rs {
            let Some((p, q)) = rational(r, hh.max(1)) else {
                continue;
            };
            let anchors = hs.iter().copied().chain(ws.iter().map(|w| w / r));
            for hv in anchors {
                let k = (hv / q as f64).floor();
                for k in [k, k + 1.0] {
                    let (w, h) = (k * p as f64, k * q as f64);
                    if k >= 1.0
                        && w >= wl as f64
                        && w <= wh as f64
                        && h >= hl as f64
                        && h <= hh as f64
                    {
                        cands.push((w as u32, h as u32));
                    }
                }
            }
        }
        cands.extend(self.witness());
        let native_ar = nw / nh;
        // (distance, shape difference from native, minus area), size.
        type Scored = ((f64, f64, f64), (u32, u32));
        let mut best: Option<Scored> = None;
        for (w, h) in cands {
            if w == 0 || h == 0 || !self.ratio_ok(w, h) {
                continue;
            }
            let f = b.distance(&self.point(offer, caps, w, h, fr, blur));
            let key = (
                f,
                ((w as f64 / h as f64) / native_ar).ln().abs(),
                -((w as f64) * (h as f64)),
            );
            if best.as_ref().is_none_or(|(k, _)| key < *k) {
                best = Some((key, (w, h)));
            }
        }
        best.map_or((wh, hh), |(_, s)| s)
    }
}

/// The fraction `p/q` with `q <= max_den` equal to `r` (within rounding), by continued fractions.
pub(super) fn rational(r: f64, max_den: u32) -> Option<(u64, u64)> {
    if !(r.is_finite() && r > 0.0) {
        return None;
    }
    let (mut p0, mut p1, mut q0, mut q1) = (0u64, 1u64, 1u64, 0u64);
    let mut x = r;
    for _ in 0..40 {
        let a = x.floor();
        let (p2, q2) = (
            (a as u64).checked_mul(p1)?.checked_add(p0)?,
            (a as u64).checked_mul(q1)?.checked_add(q0)?,
        );
        if q2 > max_den as u64 {
            return None;
        }
        (p0, p1, q0, q1) = (p1, p2, q1, q2);
        if (p1 as f64 / q1 as f64 - r).abs() <= 1e-9 {
            return Some((p1, q1));
        }
        let frac = x - a;
        if frac < 1e-12 {
            return None;
        }
        x = 1.0 / frac;
    }
    None
}
