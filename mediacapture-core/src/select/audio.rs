//! Microphone regions: the set of values each audio property can take.

use mediacapture_types::device::{AudioConfig, AudioDeviceCapabilities, NativeConfig};
use mediacapture_types::{BooleanOrDOMString, ConstrainableProperty};

use super::common::*;
use super::types::*;
use crate::compile::{Compiled, EPS, NumC, Point};

/// A microphone's region: for each audio property, a bit mask over the device's list of values.
#[derive(Clone, Debug)]
pub(super) struct AudioRegion {
    pub(super) dev: usize,
    pub(super) rate: u64,
    pub(super) chan: u64,
    pub(super) size: u64,
    pub(super) lat: u64,
    pub(super) ec: u64,
    pub(super) agc: u64,
    pub(super) ns: u64,
}

pub(super) fn full_mask(len: usize) -> u64 {
    if len >= 64 {
        u64::MAX
    } else {
        (1u64 << len) - 1
    }
}

pub(super) fn mask_where<T>(list: &[T], mask: u64, keep: impl Fn(&T) -> bool) -> u64 {
    list.iter().take(64).enumerate().fold(0, |m, (i, v)| {
        if mask & (1 << i) != 0 && keep(v) {
            m | (1 << i)
        } else {
            m
        }
    })
}

impl AudioRegion {
    pub(super) fn new(
        dev: usize,
        a: &AudioDeviceCapabilities,
        restrict: Option<&NativeConfig>,
    ) -> Self {
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

    pub(super) fn non_empty(&self, a: &AudioDeviceCapabilities) -> bool {
        (a.sample_rates.is_empty() || self.rate != 0)
            && (a.channel_counts.is_empty() || self.chan != 0)
            && (a.sample_sizes.is_empty() || self.size != 0)
            && (a.latencies.is_empty() || self.lat != 0)
            && (a.echo_cancellation.is_empty() || self.ec != 0)
            && (a.auto_gain_control.is_empty() || self.agc != 0)
            && (a.noise_suppression.is_empty() || self.ns != 0)
    }

    pub(super) fn restrict(
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

    pub(super) fn best(
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
