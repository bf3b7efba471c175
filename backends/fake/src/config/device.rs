//! One device's configuration, checked and turned into its descriptor, script and file.

use std::path::{Path, PathBuf};

use mediacapture_hal::{
    AudioDeviceCapabilities, DeviceCapabilities, DeviceDescriptor, MediaDeviceKind,
    NativeVideoFormat, VideoDeviceCapabilities, VideoMode,
};
use mediacapture_types::{
    BooleanOrDOMString, EchoCancellationModeEnum, FillLightMode, VideoFacingModeEnum,
};

use super::schema::{DeviceConfig, ModeConfig, OneOrMany, OpenError};
use super::spec::{FakeConfigError, FakeDeviceSpec, FileSpec, Script, err};

/// The most values a list may hold.
const MAX_LIST: usize = 64;

fn check_list<T>(path: &str, field: &str, v: &[T]) -> Result<(), FakeConfigError> {
    if v.is_empty() {
        return err(format!("{path}.{field}"), "must not be empty");
    }
    if v.len() > MAX_LIST {
        return err(
            format!("{path}.{field}"),
            format!("at most {MAX_LIST} values"),
        );
    }
    Ok(())
}

fn default_modes() -> Vec<VideoMode> {
    let sizes = [
        (1920, 1080),
        (1280, 720),
        (640, 480),
        (640, 360),
        (352, 288),
        (320, 240),
        (160, 120),
        (96, 96),
    ];
    sizes
        .iter()
        .flat_map(|&(w, h)| [30.0, 15.0].map(|f| VideoMode::new(w, h, f)))
        .collect()
}

/// Checks `d`, the `index`th device of `kind` (at `path` in the JSON), and describes it.
pub(crate) fn build(
    kind: MediaDeviceKind,
    index: usize,
    mut d: DeviceConfig,
    path: &str,
    base: Option<&Path>,
) -> Result<FakeDeviceSpec, FakeConfigError> {
    let is_video = kind == MediaDeviceKind::VideoInput;
    let is_audio = kind == MediaDeviceKind::AudioInput;
    let present = |name: &str, set: bool, allowed: bool| -> Result<(), FakeConfigError> {
        if set && !allowed {
            err(
                format!("{path}.{name}"),
                format!("not a field of a {} device", kind.as_str()),
            )
        } else {
            Ok(())
        }
    };
    present("facingMode", d.facing_mode.is_some(), is_video)?;
    present("cropAndScale", d.crop_and_scale.is_some(), is_video)?;
    present("modes", d.modes.is_some(), is_video)?;
    present("backgroundBlur", d.background_blur.is_some(), is_video)?;
    present("fillLightMode", d.fill_light_mode.is_some(), is_video)?;
    present("sampleRate", d.sample_rate.is_some(), is_audio)?;
    present("channelCount", d.channel_count.is_some(), is_audio)?;
    present("sampleSize", d.sample_size.is_some(), is_audio)?;
    present("latency", d.latency.is_some(), is_audio)?;
    present("echoCancellation", d.echo_cancellation.is_some(), is_audio)?;
    present("autoGainControl", d.auto_gain_control.is_some(), is_audio)?;
    present("noiseSuppression", d.noise_suppression.is_some(), is_audio)?;
    let input = is_video || is_audio;
    present("openError", d.open_error.is_some(), input)?;
    present("muteAtMs", !d.mute_at_ms.is_empty(), input)?;
    present("unmuteAtMs", !d.unmute_at_ms.is_empty(), input)?;
    present("failAfterMs", d.fail_after_ms.is_some(), input)?;
    present("file", d.file.is_some(), input)?;
    present("loop", d.looping.is_some(), d.file.is_some())?;
    // A file-backed device's format comes from its file.
    let file = match d.file.take() {
        None => None,
        Some(f) => {
            for (name, set) in [
                ("modes", d.modes.is_some()),
                ("sampleRate", d.sample_rate.is_some()),
                ("channelCount", d.channel_count.is_some()),
                ("sampleSize", d.sample_size.is_some()),
            ] {
                if set {
                    return err(format!("{path}.{name}"), "comes from the file: remove it");
                }
            }
            let p = PathBuf::from(&f);
            let p = match base {
                Some(b) if p.is_relative() => b.join(p),
                _ => p,
            };
            let fail = |m: String| FakeConfigError {
                path: format!("{path}.file"),
                message: m,
            };
            if is_video {
                let info = crate::file::probe_y4m(&p).map_err(fail)?;
                d.modes = Some(vec![ModeConfig {
                    width: info.width,
                    height: info.height,
                    frame_rate: info.frame_rate,
                }]);
            } else {
                let info = crate::file::probe_wav(&p).map_err(fail)?;
                d.sample_rate = Some(OneOrMany::One(info.sample_rate));
                d.channel_count = Some(OneOrMany::One(info.channels));
                d.sample_size = Some(OneOrMany::One(info.bits));
                // A file has no processing to switch.
                d.echo_cancellation
                    .get_or_insert_with(|| vec![false.into()]);
                d.auto_gain_control.get_or_insert_with(|| vec![false]);
                d.noise_suppression.get_or_insert_with(|| vec![false]);
            }
            Some(FileSpec {
                path: p,
                looping: d.looping.unwrap_or(true),
            })
        }
    };
    if let (Some(a), Some(r)) = (d.add_after_ms, d.remove_after_ms)
        && r < a
    {
        return err(
            format!("{path}.removeAfterMs"),
            "must not be before addAfterMs",
        );
    }

    let label = d.label.unwrap_or_else(|| {
        let what = match kind {
            MediaDeviceKind::VideoInput => "Camera",
            MediaDeviceKind::AudioInput => "Microphone",
            MediaDeviceKind::AudioOutput => "Speaker",
        };
        format!("Fake {what} {index}")
    });
    let id = d.id.unwrap_or_else(|| format!("{}/{label}", kind.as_str()));
    if id.is_empty() {
        return err(format!("{path}.id"), "must not be empty");
    }
    let capabilities = match kind {
        MediaDeviceKind::VideoInput => {
            let modes = match d.modes {
                None => default_modes(),
                Some(m) => {
                    check_list(path, "modes", &m)?;
                    let mut out = Vec::new();
                    for (j, m) in m.into_iter().enumerate() {
                        let p = format!("{path}.modes[{j}]");
                        if m.width == 0 || m.width > 16384 {
                            return err(format!("{p}.width"), "must be 1 to 16384");
                        }
                        if m.height == 0 || m.height > 16384 {
                            return err(format!("{p}.height"), "must be 1 to 16384");
                        }
                        if !(m.frame_rate > 0.0 && m.frame_rate <= 1000.0) {
                            return err(
                                format!("{p}.frameRate"),
                                "must be greater than 0 and at most 1000",
                            );
                        }
                        out.push(VideoMode::new(m.width, m.height, m.frame_rate));
                    }
                    out
                }
            };
            // The fake camera draws (and a file plays) I420.
            let native = modes
                .iter()
                .map(|m| NativeVideoFormat::new(*m, "I420"))
                .collect();
            let mut v = VideoDeviceCapabilities::new(modes);
            v.native_formats = native;
            v.crop_and_scale = d.crop_and_scale.unwrap_or(true);
            if let Some(f) = d.facing_mode {
                for (j, s) in f.into_vec().into_iter().enumerate() {
                    match s.parse::<VideoFacingModeEnum>() {
                        Ok(f) => v.facing_mode.push(f),
                        Err(e) => return err(format!("{path}.facingMode[{j}]"), e.to_string()),
                    }
                }
            }
            if let Some(b) = d.background_blur {
                check_list(path, "backgroundBlur", &b)?;
                v.background_blur = b;
            }
            if let Some(modes) = d.fill_light_mode {
                for (j, s) in modes.iter().enumerate() {
                    match s.parse::<FillLightMode>() {
                        Ok(m) if !v.fill_light_mode.contains(&m) => v.fill_light_mode.push(m),
                        Ok(_) => {
                            return err(format!("{path}.fillLightMode[{j}]"), "a duplicate value");
                        }
                        Err(e) => return err(format!("{path}.fillLightMode[{j}]"), e.to_string()),
                    }
                }
            }
            DeviceCapabilities::Video(v)
        }
        MediaDeviceKind::AudioInput => {
            let mut a = AudioDeviceCapabilities::default();
            a.sample_rates = vec![48_000, 44_100, 16_000];
            a.channel_counts = vec![1, 2];
            a.echo_cancellation = vec![
                true.into(),
                false.into(),
                EchoCancellationModeEnum::All.as_str().into(),
                EchoCancellationModeEnum::RemoteOnly.as_str().into(),
            ];
            if let Some(v) = d.sample_rate {
                let v = v.into_vec();
                check_list(path, "sampleRate", &v)?;
                if let Some(j) = v.iter().position(|r| !(1..=768_000).contains(r)) {
                    return err(format!("{path}.sampleRate[{j}]"), "must be 1 to 768000");
                }
                a.sample_rates = v;
            }
            if let Some(v) = d.channel_count {
                let v = v.into_vec();
                check_list(path, "channelCount", &v)?;
                if let Some(j) = v.iter().position(|c| !(1..=32).contains(c)) {
                    return err(format!("{path}.channelCount[{j}]"), "must be 1 to 32");
                }
                a.channel_counts = v;
            }
            if let Some(v) = d.sample_size {
                let v = v.into_vec();
                check_list(path, "sampleSize", &v)?;
                if let Some(j) = v.iter().position(|s| ![8, 16, 24, 32].contains(s)) {
                    return err(format!("{path}.sampleSize[{j}]"), "must be 8, 16, 24 or 32");
                }
                a.sample_sizes = v;
            }
            if let Some(v) = d.latency {
                let v = v.into_vec();
                check_list(path, "latency", &v)?;
                if let Some(j) = v
                    .iter()
                    .position(|l| !(l.is_finite() && *l >= 0.0 && *l <= 10.0))
                {
                    return err(format!("{path}.latency[{j}]"), "must be 0 to 10 seconds");
                }
                a.latencies = v;
            }
            if let Some(v) = d.echo_cancellation {
                check_list(path, "echoCancellation", &v)?;
                for (j, e) in v.iter().enumerate() {
                    if let BooleanOrDOMString::DOMString(s) = e
                        && let Err(e) = s.parse::<EchoCancellationModeEnum>()
                    {
                        return err(format!("{path}.echoCancellation[{j}]"), e.to_string());
                    }
                }
                a.echo_cancellation = v;
            }
            if let Some(v) = d.auto_gain_control {
                check_list(path, "autoGainControl", &v)?;
                a.auto_gain_control = v;
            }
            if let Some(v) = d.noise_suppression {
                check_list(path, "noiseSuppression", &v)?;
                a.noise_suppression = v;
            }
            DeviceCapabilities::Audio(a)
        }
        MediaDeviceKind::AudioOutput => DeviceCapabilities::Output,
    };
    let mut descriptor = DeviceDescriptor::new(kind, id, label, capabilities);
    if let Some(g) = d.group {
        descriptor.group_key = g;
    }
    descriptor.is_default = d.default;
    let script = Script {
        add_after_ms: d.add_after_ms,
        remove_after_ms: d.remove_after_ms,
        mute_at_ms: d.mute_at_ms,
        unmute_at_ms: d.unmute_at_ms,
        fail_after_ms: d.fail_after_ms,
        open_error: d.open_error.map(OpenError::kind),
    };
    Ok(FakeDeviceSpec {
        descriptor,
        script,
        file,
    })
}
