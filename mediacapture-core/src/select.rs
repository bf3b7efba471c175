//! SelectSettings over every device offered, without listing every settings dictionary.
//!
//! The spec defines SelectSettings over "every possible settings dictionary". With
//! crop-and-scale that is every width up to a native width × every height × every frame rate:
//! millions of dictionaries. We get the same answer from *regions*:
//!
//! - each native mode of a camera gives a `none` region (one point: the mode itself) and, when
//!   the camera allows it, a `crop-and-scale` region (a box: width `1..=W`, height `1..=H`,
//!   frame rate `0..=F`, plus an aspect-ratio interval that couples width and height);
//! - each microphone gives one region: the set of values each audio property can take;
//! - a *required* constraint (min, max, exact, or a bare value inside `advanced`) intersects a
//!   region with an interval or a set, so "every dictionary in the region has a finite distance"
//!   is exactly "the region is not empty after the intersection";
//! - the smallest basic-set distance in a region is found at a vertex: every term of the fitness
//!   distance, `|x - ideal| / max(x, ideal)`, is concave in `ln x` on each side of the ideal, and
//!   `ln(aspectRatio) = ln(width) - ln(height)` is linear, so a minimum of the sum over a box cut by
//!   aspect-ratio lines lies where two of {width, height, aspectRatio} are at a bound or an
//!   ideal. We evaluate those vertices (rounded both ways to whole pixels).
//!
//! The unit tests check this against a brute-force reference that enumerates every dictionary.

use mediacapture_types::device::{
    AudioConfig, AudioDeviceCapabilities, DeviceCapabilities, NativeConfig,
    VideoDeviceCapabilities, VideoMode,
};
use mediacapture_types::{
    BooleanOrDOMString, ConstrainableProperty, MediaStreamTrackKind, MediaTrackConstraints,
    VideoResizeModeEnum, round_aspect_ratio,
};

use crate::compile::{BareValue, Compiled, EPS, INF, NumC, Point, relative_distance};

/// The order in which required constraints narrow the candidates; the first one that leaves
/// none is the `constraint` of the `OverconstrainedError`.
///
/// Device identity comes first, then the resize mode, then sizes and rates, then audio
/// properties. This is deterministic and names the constraint a person would blame:
/// `{resizeMode: {exact: "none"}, width: {exact: 641}}` fails on `width`.
pub const SELECTION_ORDER: [ConstrainableProperty; 16] = {
    use ConstrainableProperty as P;
    [
        P::DeviceId,
        P::GroupId,
        P::FacingMode,
        P::ResizeMode,
        P::Width,
        P::Height,
        P::AspectRatio,
        P::FrameRate,
        P::BackgroundBlur,
        P::SampleRate,
        P::SampleSize,
        P::ChannelCount,
        P::Latency,
        P::EchoCancellation,
        P::AutoGainControl,
        P::NoiseSuppression,
    ]
};

/// A device offered to [`select_settings`].
#[derive(Clone, Copy, Debug)]
pub struct DeviceOffer<'a> {
    /// Its `deviceId`, as constraints see it.
    pub device_id: &'a str,
    /// Its `groupId`, as constraints see it.
    pub group_id: &'a str,
    /// What it can do.
    pub capabilities: &'a DeviceCapabilities,
    /// When the device is already running for other tracks: the native configuration it runs
    /// in, which this selection must keep (settings may still be cropped and scaled from it).
    pub restrict_to: Option<&'a NativeConfig>,
}

/// The user agent's defaults, used to break ties (spec SelectSettings step 6).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SelectionDefaults {
    /// Preferred width (640).
    pub width: u32,
    /// Preferred height (480).
    pub height: u32,
    /// Preferred frame rate (30).
    pub frame_rate: f64,
    /// Preferred echo cancellation (`true`; content hints may change it).
    pub echo_cancellation: bool,
    /// Preferred automatic gain control (`true`; content hints may change it).
    pub auto_gain_control: bool,
    /// Preferred noise suppression (`true`; content hints may change it).
    pub noise_suppression: bool,
}

impl Default for SelectionDefaults {
    fn default() -> Self {
        SelectionDefaults {
            width: 640,
            height: 480,
            frame_rate: 30.0,
            echo_cancellation: true,
            auto_gain_control: true,
            noise_suppression: true,
        }
    }
}

/// The settings chosen for a track.
#[derive(Clone, Debug, PartialEq)]
pub enum SelectedSettings {
    /// A video track.
    Video {
        /// The native mode the source runs in.
        mode: VideoMode,
        /// The track's width (at most the mode's).
        width: u32,
        /// The track's height (at most the mode's).
        height: u32,
        /// The track's frame rate (at most the mode's).
        frame_rate: f64,
        /// `none` when the track gets the mode as it is.
        resize_mode: VideoResizeModeEnum,
        /// Background blur, when the device reports it.
        background_blur: Option<bool>,
    },
    /// An audio track: the device configuration.
    Audio(AudioConfig),
}

/// The outcome of a successful [`select_settings`].
#[derive(Clone, Debug, PartialEq)]
pub struct Selection {
    /// Index of the chosen device in the offers.
    pub device: usize,
    /// The chosen settings.
    pub settings: SelectedSettings,
    /// Their fitness distance against the basic constraint set.
    pub fitness: f64,
}

impl Selection {
    /// The native configuration the device must run in.
    /// The native configuration the device must run in to give these settings (`caps`: the
    /// chosen device's). A resampled audio track runs its device at the device's own rate and
    /// channel count nearest to the track's.
    pub fn native_config(&self, caps: &DeviceCapabilities) -> NativeConfig {
        match (&self.settings, caps) {
            (SelectedSettings::Video { mode, .. }, _) => NativeConfig::Video(*mode),
            (SelectedSettings::Audio(a), DeviceCapabilities::Audio(d)) => {
                let mut n = a.clone();
                if !d.sample_rates.contains(&a.sample_rate) {
                    // The lowest native rate at or above the track's, else the highest.
                    n.sample_rate = d
                        .sample_rates
                        .iter()
                        .copied()
                        .filter(|r| *r >= a.sample_rate)
                        .min()
                        .or_else(|| d.sample_rates.iter().copied().max())
                        .unwrap_or(a.sample_rate);
                }
                if !d.channel_counts.contains(&a.channel_count) {
                    n.channel_count = d.channel_counts.first().copied().unwrap_or(a.channel_count);
                }
                NativeConfig::Audio(n)
            }
            (SelectedSettings::Audio(a), _) => NativeConfig::Audio(a.clone()),
        }
    }
}

/// SelectSettings failed: no settings satisfy the required constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FailedConstraint(pub Option<ConstrainableProperty>);

impl FailedConstraint {
    /// The name for `OverconstrainedError.constraint` (`""` when no single constraint is to
    /// blame, for example when no device was offered).
    pub fn name(&self) -> &'static str {
        self.0.map_or("", ConstrainableProperty::as_str)
    }
}

/// The first basic-set member that applies to `kind`, is *required* and may not be required in
/// getUserMedia ([spec](https://w3c.github.io/mediacapture-main/#dom-mediadevices-getusermedia),
/// step 6.4: a `TypeError`).
pub fn disallowed_required_constraint(
    constraints: &MediaTrackConstraints,
    kind: MediaStreamTrackKind,
) -> Option<ConstrainableProperty> {
    constraints.present().into_iter().find(|p| {
        p.applies_to(kind)
            && constraints.is_required(*p)
            && !p.allowed_required_for_device_selection()
    })
}

/// Runs [SelectSettings](https://w3c.github.io/mediacapture-main/#dfn-selectsettings) for a
/// track of `kind` over the offered devices.
///
/// Returns the device and settings with the smallest fitness distance against the basic set,
/// among those that satisfy the required constraints and survive the `advanced` sets. Ties go
/// to native modes (`resizeMode: "none"`), then to the values closest to `defaults`, then to
/// the earlier device and mode in the offers.
///
/// # Errors
/// [`FailedConstraint`] naming the required constraint that left no candidate (see
/// [`SELECTION_ORDER`]).
///
/// ```
/// use mediacapture_core::*;
/// use mediacapture_types::device::*;
/// use mediacapture_types::*;
/// let caps = DeviceCapabilities::Video(VideoDeviceCapabilities::new(vec![
///     VideoMode::new(640, 480, 30.0),
///     VideoMode::new(1280, 720, 30.0),
/// ]));
/// let offer = DeviceOffer { device_id: "cam", group_id: "g", capabilities: &caps, restrict_to: None };
/// let c = MediaTrackConstraints::from_json(r#"{"width":{"exact":641},"height":{"exact":361}}"#)?;
/// let s = select_settings(MediaStreamTrackKind::Video, &[offer], &c, &SelectionDefaults::default()).unwrap();
/// assert!(matches!(s.settings, SelectedSettings::Video { width: 641, height: 361,
///     resize_mode: VideoResizeModeEnum::CropAndScale, .. }));
///
/// let c = MediaTrackConstraints::from_json(r#"{"resizeMode":{"exact":"none"},"width":{"exact":641}}"#)?;
/// let e = select_settings(MediaStreamTrackKind::Video, &[offer], &c, &SelectionDefaults::default()).unwrap_err();
/// assert_eq!(e.name(), "width");
/// # Ok::<(), MediaStreamError>(())
/// ```
pub fn select_settings(
    kind: MediaStreamTrackKind,
    offers: &[DeviceOffer<'_>],
    constraints: &MediaTrackConstraints,
    defaults: &SelectionDefaults,
) -> Result<Selection, FailedConstraint> {
    let mut regions = initial_regions(kind, offers);
    if regions.is_empty() {
        return Err(FailedConstraint(None));
    }
    // Step 1-3. Keep the settings whose distance against the basic set (bare values read as
    // ideal) is finite. Required members narrow the regions one at a time, in SELECTION_ORDER,
    // so the member that leaves nothing is the failed constraint.
    let basic = Compiled::new(&constraints.basic, kind, BareValue::Ideal);
    for p in SELECTION_ORDER {
        if !basic.is_required(p) {
            continue;
        }
        regions.retain_mut(|r| r.restrict(p, &basic, offers));
        if regions.is_empty() {
            return Err(FailedConstraint(Some(p)));
        }
    }
    // Step 4. Each advanced set, in order: keep the candidates it admits (bare values read as
    // exact) if there are any; otherwise ignore the set.
    for set in constraints.advanced_sets() {
        let adv = Compiled::new(set, kind, BareValue::Exact);
        let mut narrowed = regions.clone();
        for p in SELECTION_ORDER {
            if adv.is_required(p) {
                narrowed.retain_mut(|r| r.restrict(p, &adv, offers));
            }
        }
        if !narrowed.is_empty() {
            regions = narrowed;
        }
    }
    // Step 5-6. The candidate with the smallest basic-set distance; ties by the UA's defaults.
    let mut best: Option<(Ranked, Selection)> = None;
    let mut sizes = SizeCache::default();
    for r in &regions {
        let Some((rank, sel)) = r.best(&basic, offers, defaults, &mut sizes) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, _)| rank.better_than(b)) {
            best = Some((rank, sel));
        }
    }
    best.map(|(_, s)| s).ok_or(FailedConstraint(None))
}

/// How a candidate ranks: by fitness, then native before crop-and-scale, then closeness to the
/// defaults, then offer order.
#[derive(Clone, Copy, Debug)]
struct Ranked {
    fitness: f64,
    crop: bool,
    default_distance: f64,
    device: usize,
    mode: usize,
}

impl Ranked {
    fn better_than(&self, o: &Ranked) -> bool {
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

/// The best size of a crop region depends only on its size box and native size (frame rate and
/// blur add the same amount to every size), and modes that differ only in frame rate share
/// them: remember each within one call.
#[derive(Default)]
struct SizeCache(Vec<(SizeKey, (u32, u32))>);

#[derive(PartialEq)]
struct SizeKey {
    w: (u32, u32),
    h: (u32, u32),
    ar: (u64, u64),
    native: (u32, u32),
}

#[derive(Clone, Debug)]
enum Region {
    Video(VideoRegion),
    Audio(AudioRegion),
}

fn initial_regions(kind: MediaStreamTrackKind, offers: &[DeviceOffer<'_>]) -> Vec<Region> {
    let mut out = Vec::new();
    for (dev, offer) in offers.iter().enumerate() {
        match (kind, offer.capabilities) {
            (MediaStreamTrackKind::Video, DeviceCapabilities::Video(v)) => {
                for (mode, m) in v.modes.iter().enumerate() {
                    if m.width == 0 || m.height == 0 || m.frame_rate.is_nan() || m.frame_rate <= 0.0
                    {
                        continue;
                    }
                    if let Some(NativeConfig::Video(keep)) = offer.restrict_to
                        && keep != m
                    {
                        continue;
                    }
                    let blur = bool_mask(&v.background_blur);
                    out.push(Region::Video(VideoRegion::native(dev, mode, m, blur)));
                    if v.crop_and_scale {
                        out.push(Region::Video(VideoRegion::crop(dev, mode, m, blur)));
                    }
                }
            }
            (MediaStreamTrackKind::Audio, DeviceCapabilities::Audio(a)) => {
                out.push(Region::Audio(AudioRegion::new(dev, a, offer.restrict_to)));
            }
            _ => {}
        }
    }
    out
}

fn bool_mask(values: &[bool]) -> u8 {
    values.iter().fold(0, |m, b| m | (1 << (*b as u8)))
}

fn str_ok(c: &Compiled<'_>, p: ConstrainableProperty, actual: Option<&str>) -> bool {
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

fn facing(caps: &VideoDeviceCapabilities) -> Option<&'static str> {
    caps.facing_mode.first().map(|f| f.as_str())
}

fn video_caps<'a>(offers: &[DeviceOffer<'a>], dev: usize) -> Option<&'a VideoDeviceCapabilities> {
    match offers.get(dev)?.capabilities {
        DeviceCapabilities::Video(v) => Some(v),
        _ => None,
    }
}

fn audio_caps<'a>(offers: &[DeviceOffer<'a>], dev: usize) -> Option<&'a AudioDeviceCapabilities> {
    match offers.get(dev)?.capabilities {
        DeviceCapabilities::Audio(a) => Some(a),
        _ => None,
    }
}

/// Intersects the integer interval `(lo, hi)` with a numeric constraint's required part (if
/// any). Always `true`: emptiness is checked by the caller.
fn narrow_u32(iv: &mut (u32, u32), c: Option<NumC>) -> bool {
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

fn narrow_f64(iv: &mut (f64, f64), c: Option<NumC>) -> bool {
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

#[derive(Clone, Debug)]
struct VideoRegion {
    dev: usize,
    mode: usize,
    native: VideoMode,
    crop: bool,
    w: (u32, u32),
    h: (u32, u32),
    ar: (f64, f64),
    fr: (f64, f64),
    /// Bit 0: `false` can be had; bit 1: `true`. 0 when the device does not report blur.
    blur: u8,
    has_blur: bool,
}

impl VideoRegion {
    fn native(dev: usize, mode: usize, m: &VideoMode, blur: u8) -> Self {
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

    fn crop(dev: usize, mode: usize, m: &VideoMode, blur: u8) -> Self {
        VideoRegion {
            crop: true,
            w: (1, m.width),
            h: (1, m.height),
            fr: (0.0, m.frame_rate),
            ..Self::native(dev, mode, m, blur)
        }
    }

    fn resize_str(&self) -> &'static str {
        if self.crop {
            VideoResizeModeEnum::CropAndScale.as_str()
        } else {
            VideoResizeModeEnum::None.as_str()
        }
    }

    fn ratio_ok(&self, w: u32, h: u32) -> bool {
        let r = round_aspect_ratio(w as f64 / h as f64);
        r >= self.ar.0 - EPS && r <= self.ar.1 + EPS
    }

    fn ar_constrained(&self) -> bool {
        self.ar.0 > 0.0 || self.ar.1 < INF
    }

    /// Some whole-pixel size in the region, if there is one.
    fn witness(&self) -> Option<(u32, u32)> {
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

    fn non_empty(&self) -> bool {
        self.fr.0 <= self.fr.1 + EPS
            && (!self.has_blur || self.blur != 0)
            && self.witness().is_some()
    }

    fn restrict(
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

    fn point<'a>(
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

    fn best(
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
    fn best_size(
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
fn rational(r: f64, max_den: u32) -> Option<(u64, u64)> {
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

/// A microphone's region: for each audio property, a bit mask over the device's list of values.
#[derive(Clone, Debug)]
struct AudioRegion {
    dev: usize,
    rate: u64,
    chan: u64,
    size: u64,
    lat: u64,
    ec: u64,
    agc: u64,
    ns: u64,
}

fn full_mask(len: usize) -> u64 {
    if len >= 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    }
}

fn mask_where<T>(list: &[T], mask: u64, keep: impl Fn(&T) -> bool) -> u64 {
    list.iter().take(64).enumerate().fold(0, |m, (i, v)| {
        if mask & (1 << i) != 0 && keep(v) {
            m | (1 << i)
        } else {
            m
        }
    })
}

impl AudioRegion {
    fn new(dev: usize, a: &AudioDeviceCapabilities, restrict: Option<&NativeConfig>) -> Self {
        let mut r = AudioRegion {
            dev,
            rate: full_mask(a.track_sample_rates().len()),
            chan: full_mask(a.track_channel_counts().len()),
            size: full_mask(a.sample_sizes.len()),
            lat: full_mask(a.latencies.len()),
            ec: full_mask(a.echo_cancellation.len()),
            agc: full_mask(a.auto_gain_control.len()),
            ns: full_mask(a.noise_suppression.len()),
        };
        if let Some(NativeConfig::Audio(cfg)) = restrict {
            // A running microphone keeps its configuration; tracks may still resample it.
            if !a.resample {
                r.rate = mask_where(&a.sample_rates, r.rate, |v| *v == cfg.sample_rate);
                r.chan = mask_where(&a.channel_counts, r.chan, |v| *v == cfg.channel_count);
            }
            if let Some(s) = cfg.sample_size {
                r.size = mask_where(&a.sample_sizes, r.size, |v| *v == s);
            }
            if let Some(l) = cfg.latency {
                r.lat = mask_where(&a.latencies, r.lat, |v| (*v - l).abs() <= EPS);
            }
            if let Some(e) = &cfg.echo_cancellation {
                r.ec = mask_where(&a.echo_cancellation, r.ec, |v| v == e);
            }
            if let Some(g) = cfg.auto_gain_control {
                r.agc = mask_where(&a.auto_gain_control, r.agc, |v| *v == g);
            }
            if let Some(n) = cfg.noise_suppression {
                r.ns = mask_where(&a.noise_suppression, r.ns, |v| *v == n);
            }
        }
        r
    }

    fn non_empty(&self, a: &AudioDeviceCapabilities) -> bool {
        (a.sample_rates.is_empty() || self.rate != 0)
            && (a.channel_counts.is_empty() || self.chan != 0)
            && (a.sample_sizes.is_empty() || self.size != 0)
            && (a.latencies.is_empty() || self.lat != 0)
            && (a.echo_cancellation.is_empty() || self.ec != 0)
            && (a.auto_gain_control.is_empty() || self.agc != 0)
            && (a.noise_suppression.is_empty() || self.ns != 0)
    }

    fn restrict(
        &mut self,
        p: ConstrainableProperty,
        c: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
    ) -> bool {
        use ConstrainableProperty as P;
        let (Some(offer), Some(a)) = (offers.get(self.dev), audio_caps(offers, self.dev)) else {
            return false;
        };
        // A required constraint on a property the device does not report can never be met.
        fn num(list: &[u32], mask: &mut u64, c: Option<NumC>) -> bool {
            match c {
                Some(c) if c.required() => {
                    *mask = mask_where(list, *mask, |v| c.satisfied(*v as f64, 0.0));
                    !list.is_empty()
                }
                _ => true,
            }
        }
        fn boolean(list: &[bool], mask: &mut u64, c: Option<crate::compile::BoolC>) -> bool {
            match c.and_then(|c| c.exact) {
                Some(want) => {
                    *mask = mask_where(list, *mask, |v| *v == want);
                    !list.is_empty()
                }
                None => true,
            }
        }
        let ok = match p {
            P::DeviceId => str_ok(c, p, Some(offer.device_id)),
            P::GroupId => str_ok(c, p, Some(offer.group_id)),
            P::SampleRate => num(&a.track_sample_rates(), &mut self.rate, c.sample_rate),
            P::SampleSize => num(&a.sample_sizes, &mut self.size, c.sample_size),
            P::ChannelCount => num(&a.track_channel_counts(), &mut self.chan, c.channel_count),
            P::Latency => match c.latency {
                Some(l) if l.required() => {
                    self.lat = mask_where(&a.latencies, self.lat, |v| l.satisfied(*v, EPS));
                    !a.latencies.is_empty()
                }
                _ => true,
            },
            P::EchoCancellation => match c.echo_cancellation.and_then(|e| e.exact) {
                Some(want) => {
                    self.ec = mask_where(&a.echo_cancellation, self.ec, |v| v == want);
                    !a.echo_cancellation.is_empty()
                }
                None => true,
            },
            P::AutoGainControl => boolean(&a.auto_gain_control, &mut self.agc, c.auto_gain_control),
            P::NoiseSuppression => boolean(&a.noise_suppression, &mut self.ns, c.noise_suppression),
            _ => true,
        };
        ok && self.non_empty(a)
    }

    fn best(
        &self,
        b: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
        d: &SelectionDefaults,
    ) -> Option<(Ranked, Selection)> {
        let offer = *offers.get(self.dev)?;
        let a = audio_caps(offers, self.dev)?;
        // Each property independently: the allowed value with the smallest distance; ties go to
        // the preferred value (the default for processing, else the device's first value).
        fn pick<T: Clone>(
            list: &[T],
            mask: u64,
            dist: impl Fn(&T) -> f64,
            pref: impl Fn(&T) -> bool,
        ) -> Option<T> {
            let mut best: Option<((f64, bool, usize), &T)> = None;
            for (i, v) in list.iter().take(64).enumerate() {
                if mask & (1 << i) == 0 {
                    continue;
                }
                let key = (dist(v), !pref(v), i);
                if best.as_ref().is_none_or(|(k, _)| key < *k) {
                    best = Some((key, v));
                }
            }
            best.map(|(_, v)| v.clone())
        }
        let nd =
            |c: Option<NumC>, eps: f64| move |v: f64| c.map_or(0.0, |c| c.distance(Some(v), eps));
        let bd = |c: Option<crate::compile::BoolC>| {
            move |v: &bool| c.map_or(0.0, |c| c.distance(Some(*v), |x, y| x == y))
        };
        let rate = pick(
            &a.track_sample_rates(),
            self.rate,
            |v| nd(b.sample_rate, 0.0)(*v as f64),
            |_| false,
        );
        let chan = pick(
            &a.track_channel_counts(),
            self.chan,
            |v| nd(b.channel_count, 0.0)(*v as f64),
            |_| false,
        );
        let size = pick(
            &a.sample_sizes,
            self.size,
            |v| nd(b.sample_size, 0.0)(*v as f64),
            |_| false,
        );
        let lat = pick(
            &a.latencies,
            self.lat,
            |v| nd(b.latency, EPS)(*v),
            |_| false,
        );
        let ec = pick(
            &a.echo_cancellation,
            self.ec,
            |v| {
                b.echo_cancellation
                    .map_or(0.0, |c| c.distance(Some(v), |x, y| x == y))
            },
            |v| *v == BooleanOrDOMString::Boolean(d.echo_cancellation),
        );
        let agc = pick(
            &a.auto_gain_control,
            self.agc,
            bd(b.auto_gain_control),
            |v| *v == d.auto_gain_control,
        );
        let ns = pick(
            &a.noise_suppression,
            self.ns,
            bd(b.noise_suppression),
            |v| *v == d.noise_suppression,
        );
        let pt = Point {
            sample_rate: rate,
            channel_count: chan,
            sample_size: size,
            latency: lat,
            echo_cancellation: ec.as_ref(),
            auto_gain_control: agc,
            noise_suppression: ns,
            device_id: Some(offer.device_id),
            group_id: Some(offer.group_id),
            ..Default::default()
        };
        let fitness = b.distance(&pt);
        let mut config = AudioConfig::new(rate.unwrap_or(0), chan.unwrap_or(0));
        config.sample_size = size;
        config.latency = lat;
        config.echo_cancellation = ec.clone();
        config.auto_gain_control = agc;
        config.noise_suppression = ns;
        let rank = Ranked {
            fitness,
            crop: false,
            default_distance: 0.0,
            device: self.dev,
            mode: 0,
        };
        Some((
            rank,
            Selection {
                device: self.dev,
                settings: SelectedSettings::Audio(config),
                fitness,
            },
        ))
    }
}

impl Region {
    fn restrict(
        &mut self,
        p: ConstrainableProperty,
        c: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
    ) -> bool {
        match self {
            Region::Video(v) => v.restrict(p, c, offers),
            Region::Audio(a) => a.restrict(p, c, offers),
        }
    }

    fn best(
        &self,
        b: &Compiled<'_>,
        offers: &[DeviceOffer<'_>],
        d: &SelectionDefaults,
        sizes: &mut SizeCache,
    ) -> Option<(Ranked, Selection)> {
        match self {
            Region::Video(v) => v.best(b, offers, d, sizes),
            Region::Audio(a) => a.best(b, offers, d),
        }
    }
}
