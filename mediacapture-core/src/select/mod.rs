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

mod audio;
mod common;
mod types;
mod video;

use mediacapture_types::device::{DeviceCapabilities, NativeConfig};
use mediacapture_types::{ConstrainableProperty, MediaStreamTrackKind, MediaTrackConstraints};

use crate::compile::{BareValue, Compiled};
use audio::AudioRegion;
use common::*;
use video::{SizeCache, VideoRegion};

pub use types::{
    DeviceOffer, FailedConstraint, SELECTION_ORDER, SelectedSettings, Selection, SelectionDefaults,
};

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
