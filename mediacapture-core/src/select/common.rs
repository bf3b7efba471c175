//! What the video and audio regions share: the ranking of candidates and the narrowing of
//! intervals and sets by required constraints.

use mediacapture_types::ConstrainableProperty;
use mediacapture_types::device::{
    AudioDeviceCapabilities, DeviceCapabilities, VideoDeviceCapabilities,
};

use super::types::*;
use crate::compile::{Compiled, NumC};

/// How a candidate ranks: by fitness, then native before crop-and-scale, then closeness to the
/// defaults, then offer order.
#[derive(Clone, Copy, Debug)]
pub(super) struct Ranked {
    pub(super) fitness: f64,
    pub(super) crop: bool,
    pub(super) default_distance: f64,
    pub(super) device: usize,
    pub(super) mode: usize,
}

impl Ranked {
    pub(super) fn better_than(&self, o: &Ranked) -> bool {
        const TIE: f64 = 1e-12;
        if (self.fitness - o.fitness).abs() > TIE {
            return self.fitness < o.fitness;
        }
        if self.crop != o.crop {
            return !self.crop;
        }
        if (self.default_distance - o.default_distance).abs() > TIE {
            return self.default_distance < o.default_distance;
        }
        (self.device, self.mode) < (o.device, o.mode)
    }
}

pub(super) fn bool_mask(values: &[bool]) -> u8 {
    values.iter().fold(0, |m, b| m | (1 << (*b as u8)))
}

pub(super) fn str_ok(c: &Compiled<'_>, p: ConstrainableProperty, actual: Option<&str>) -> bool {
    use ConstrainableProperty as P;
    let c = match p {
        P::DeviceId => c.device_id,
        P::GroupId => c.group_id,
        P::FacingMode => c.facing_mode,
        P::ResizeMode => c.resize_mode,
        _ => None,
    };
    c.and_then(|c| c.exact)
        .is_none_or(|list| actual.is_some_and(|a| list.iter().any(|s| s == a)))
}

pub(super) fn facing(caps: &VideoDeviceCapabilities) -> Option<&'static str> {
    caps.facing_mode.first().map(|f| f.as_str())
}

pub(super) fn video_caps<'a>(
    offers: &[DeviceOffer<'a>],
    dev: usize,
) -> Option<&'a VideoDeviceCapabilities> {
    match offers.get(dev)?.capabilities {
        DeviceCapabilities::Video(v) => Some(v),
        _ => None,
    }
}

pub(super) fn audio_caps<'a>(
    offers: &[DeviceOffer<'a>],
    dev: usize,
) -> Option<&'a AudioDeviceCapabilities> {
    match offers.get(dev)?.capabilities {
        DeviceCapabilities::Audio(a) => Some(a),
        _ => None,
    }
}

/// Intersects the integer interval `(lo, hi)` with a numeric constraint's required part (if
/// any). Always `true`: emptiness is checked by the caller.
pub(super) fn narrow_u32(iv: &mut (u32, u32), c: Option<NumC>) -> bool {
    let Some(c) = c else { return true };
    if let (Some(a), Some(b)) = (c.min, c.max)
        && a > b
    {
        *iv = (1, 0);
        return true;
    }
    let (lo, hi) = c.bounds();
    let lo = lo.ceil().max(iv.0 as f64);
    let hi = hi.floor().min(iv.1 as f64);
    *iv = if lo > hi {
        (1, 0)
    } else {
        (lo as u32, hi as u32)
    };
    true
}

pub(super) fn narrow_f64(iv: &mut (f64, f64), c: Option<NumC>) -> bool {
    let Some(c) = c else { return true };
    if let (Some(a), Some(b)) = (c.min, c.max)
        && a > b
    {
        *iv = (1.0, 0.0);
        return true;
    }
    let (lo, hi) = c.bounds();
    *iv = (iv.0.max(lo), iv.1.min(hi));
    true
}
