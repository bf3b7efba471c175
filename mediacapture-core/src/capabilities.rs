//! `MediaTrackCapabilities` and `MediaTrackSettings` derived from what a device can do.

use mediacapture_types::device::{
    AudioDeviceCapabilities, DeviceCapabilities, VideoDeviceCapabilities,
};
use mediacapture_types::{
    BooleanOrDOMString, DoubleRange, MediaTrackCapabilities, MediaTrackSettings, ULongRange,
    VideoResizeModeEnum, round_aspect_ratio,
};

use crate::SelectedSettings;

/// The capabilities of a track on this device (the same for every track on it), as
/// [`getCapabilities()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getcapabilities)
/// reports them.
///
/// For a camera that allows crop-and-scale, width and height run from 1 to the largest native
/// size, the frame rate from 0 to the highest native rate, and `resizeMode` lists both modes;
/// otherwise the ranges span the native modes and `resizeMode` is `["none"]`.
pub fn track_capabilities(
    caps: &DeviceCapabilities,
    device_id: &str,
    group_id: &str,
) -> MediaTrackCapabilities {
    let mut c = MediaTrackCapabilities::default();
    c.device_id = Some(device_id.to_owned());
    c.group_id = Some(group_id.to_owned());
    match caps {
        DeviceCapabilities::Video(v) => video(&mut c, v),
        DeviceCapabilities::Audio(a) => audio(&mut c, a),
        _ => {}
    }
    c
}

fn urange(values: impl Iterator<Item = u32>) -> Option<ULongRange> {
    values.fold(None, |r, v| match r {
        None => Some(ULongRange { min: v, max: v }),
        Some(r) => Some(ULongRange {
            min: r.min.min(v),
            max: r.max.max(v),
        }),
    })
}

fn drange(values: impl Iterator<Item = f64>) -> Option<DoubleRange> {
    values.fold(None, |r, v| match r {
        None => Some(DoubleRange { min: v, max: v }),
        Some(r) => Some(DoubleRange {
            min: r.min.min(v),
            max: r.max.max(v),
        }),
    })
}

fn bools(values: &[bool]) -> Option<Vec<bool>> {
    // `[true, false]` when both can be had, booleans in that order.
    let mut v: Vec<bool> = [true, false]
        .into_iter()
        .filter(|b| values.contains(b))
        .collect();
    v.dedup();
    (!v.is_empty()).then_some(v)
}

fn video(c: &mut MediaTrackCapabilities, v: &VideoDeviceCapabilities) {
    let modes = || {
        v.modes
            .iter()
            .filter(|m| m.width > 0 && m.height > 0 && m.frame_rate > 0.0)
    };
    let w = urange(modes().map(|m| m.width));
    let h = urange(modes().map(|m| m.height));
    let f = drange(modes().map(|m| m.frame_rate));
    if v.crop_and_scale {
        c.width = w.map(|r| ULongRange { min: 1, max: r.max });
        c.height = h.map(|r| ULongRange { min: 1, max: r.max });
        c.frame_rate = f.map(|r| DoubleRange {
            min: 0.0,
            max: r.max,
        });
        c.aspect_ratio = w.zip(h).map(|(w, h)| DoubleRange {
            min: round_aspect_ratio(1.0 / h.max as f64),
            max: round_aspect_ratio(w.max as f64),
        });
        c.resize_mode = Some(vec![
            VideoResizeModeEnum::None.as_str().into(),
            VideoResizeModeEnum::CropAndScale.as_str().into(),
        ]);
    } else {
        c.width = w;
        c.height = h;
        c.frame_rate = f;
        c.aspect_ratio =
            drange(modes().map(|m| round_aspect_ratio(m.width as f64 / m.height as f64)));
        c.resize_mode = Some(vec![VideoResizeModeEnum::None.as_str().into()]);
    }
    c.facing_mode = Some(
        v.facing_mode
            .iter()
            .map(|f| f.as_str().to_owned())
            .collect(),
    );
    c.background_blur = bools(&v.background_blur);
}

fn audio(c: &mut MediaTrackCapabilities, a: &AudioDeviceCapabilities) {
    c.sample_rate = urange(a.track_sample_rates().into_iter());
    c.channel_count = urange(a.track_channel_counts().into_iter());
    c.sample_size = urange(a.sample_sizes.iter().copied());
    c.latency = drange(a.latencies.iter().copied());
    // Booleans first, then strings (spec: "booleans come first").
    let mut ec: Vec<BooleanOrDOMString> = [true, false]
        .into_iter()
        .map(BooleanOrDOMString::Boolean)
        .filter(|b| a.echo_cancellation.contains(b))
        .collect();
    for v in &a.echo_cancellation {
        if matches!(v, BooleanOrDOMString::DOMString(_)) && !ec.contains(v) {
            ec.push(v.clone());
        }
    }
    c.echo_cancellation = (!ec.is_empty()).then_some(ec);
    c.auto_gain_control = bools(&a.auto_gain_control);
    c.noise_suppression = bools(&a.noise_suppression);
}

/// The settings of a track with these selected settings, as
/// [`getSettings()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-getsettings)
/// reports them: one value for every capability of the kind.
pub fn track_settings(
    selected: &SelectedSettings,
    caps: &DeviceCapabilities,
    device_id: &str,
    group_id: &str,
) -> MediaTrackSettings {
    let mut s = MediaTrackSettings::default();
    s.device_id = Some(device_id.to_owned());
    s.group_id = Some(group_id.to_owned());
    match selected {
        SelectedSettings::Video {
            width,
            height,
            frame_rate,
            resize_mode,
            background_blur,
            ..
        } => {
            s.width = Some(*width);
            s.height = Some(*height);
            s.aspect_ratio = Some(round_aspect_ratio(*width as f64 / (*height).max(1) as f64));
            s.frame_rate = Some(*frame_rate);
            s.resize_mode = Some(resize_mode.as_str().to_owned());
            s.background_blur = *background_blur;
            if let DeviceCapabilities::Video(v) = caps {
                s.facing_mode = v.facing_mode.first().map(|f| f.as_str().to_owned());
            }
        }
        SelectedSettings::Audio(a) => {
            s.sample_rate = Some(a.sample_rate);
            s.channel_count = Some(a.channel_count);
            s.sample_size = a.sample_size;
            s.latency = a.latency;
            s.echo_cancellation = a.echo_cancellation.clone();
            s.auto_gain_control = a.auto_gain_control;
            s.noise_suppression = a.noise_suppression;
        }
    }
    s
}
