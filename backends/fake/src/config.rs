//! The fake devices' JSON configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use mediacapture_hal::{
    AudioDeviceCapabilities, BackendErrorKind, DeviceCapabilities, DeviceDescriptor,
    MediaDeviceKind, NativeVideoFormat, VideoDeviceCapabilities, VideoMode,
};
use mediacapture_types::{
    BooleanOrDOMString, EchoCancellationModeEnum, FillLightMode, VideoFacingModeEnum,
};

/// A malformed configuration: which field, and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("fake devices configuration: {path}: {message}")]
pub struct FakeConfigError {
    /// The offending field, as a path (`videoinput[0].modes[1].width`).
    pub path: String,
    /// What is wrong.
    pub message: String,
}

fn err<T>(path: impl Into<String>, message: impl Into<String>) -> Result<T, FakeConfigError> {
    Err(FakeConfigError {
        path: path.into(),
        message: message.into(),
    })
}

/// A value or a list of values.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged, expecting = "a value or a list of values")]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl<T> OneOrMany<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            OneOrMany::One(v) => vec![v],
            OneOrMany::Many(v) => v,
        }
    }
}

/// How opening a fake device fails.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
enum OpenError {
    PermissionDenied,
    Busy,
    Gone,
    Failed,
}

impl OpenError {
    fn kind(self) -> BackendErrorKind {
        match self {
            OpenError::PermissionDenied => BackendErrorKind::PermissionDenied,
            OpenError::Busy => BackendErrorKind::DeviceBusy,
            OpenError::Gone => BackendErrorKind::DeviceGone,
            OpenError::Failed => BackendErrorKind::Other,
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct ModeConfig {
    width: u32,
    height: u32,
    frame_rate: f64,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
struct DeviceConfig {
    label: Option<String>,
    id: Option<String>,
    group: Option<String>,
    #[serde(default)]
    default: bool,
    // Cameras.
    facing_mode: Option<OneOrMany<String>>,
    crop_and_scale: Option<bool>,
    modes: Option<Vec<ModeConfig>>,
    background_blur: Option<Vec<bool>>,
    fill_light_mode: Option<Vec<String>>,
    // Microphones.
    sample_rate: Option<OneOrMany<u32>>,
    channel_count: Option<OneOrMany<u32>>,
    sample_size: Option<OneOrMany<u32>>,
    latency: Option<OneOrMany<f64>>,
    echo_cancellation: Option<Vec<BooleanOrDOMString>>,
    auto_gain_control: Option<Vec<bool>>,
    noise_suppression: Option<Vec<bool>>,
    // File-backed devices.
    file: Option<String>,
    #[serde(rename = "loop")]
    looping: Option<bool>,
    // Scripted behaviour.
    open_error: Option<OpenError>,
    add_after_ms: Option<u64>,
    remove_after_ms: Option<u64>,
    #[serde(default)]
    mute_at_ms: Vec<u64>,
    #[serde(default)]
    unmute_at_ms: Vec<u64>,
    fail_after_ms: Option<u64>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    #[serde(default)]
    videoinput: Vec<DeviceConfig>,
    #[serde(default)]
    audioinput: Vec<DeviceConfig>,
    #[serde(default)]
    audiooutput: Vec<DeviceConfig>,
}

/// What a fake device does by itself, in milliseconds.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Script {
    /// Present only from this long after the backend was created.
    pub add_after_ms: Option<u64>,
    /// Removed this long after the backend was created (open handles end: device lost).
    pub remove_after_ms: Option<u64>,
    /// Muted this long after each open.
    pub mute_at_ms: Vec<u64>,
    /// Unmuted this long after each open.
    pub unmute_at_ms: Vec<u64>,
    /// Fails (open handles end: failure) this long after each open.
    pub fail_after_ms: Option<u64>,
    /// Opening fails with this.
    pub open_error: Option<BackendErrorKind>,
}

/// The file a file-backed device plays.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FileSpec {
    pub path: PathBuf,
    pub looping: bool,
}

/// One configured device.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct FakeDeviceSpec {
    pub descriptor: DeviceDescriptor,
    pub script: Script,
    pub file: Option<FileSpec>,
}

/// A parsed, validated fake devices configuration.
///
/// The JSON has three optional lists, `videoinput`, `audioinput` and `audiooutput`; each entry
/// may set `label`, `id` (the stable hardware id; default `<kind>/<label>`), `group` (shared by
/// the parts of one physical device), `default`, and:
///
/// - cameras: `modes` (`[{"width","height","frameRate"}]`), `cropAndScale` (default `true`),
///   `facingMode` (a string or list), `backgroundBlur` (list of booleans),
///   `fillLightMode` (the photo flash modes, e.g. `["auto","off","flash"]`);
/// - microphones: `sampleRate`, `channelCount`, `sampleSize`, `latency` (a value or a list; the
///   first is native), `echoCancellation` (booleans and `"all"`/`"remote-only"`),
///   `autoGainControl`, `noiseSuppression` (lists of booleans);
/// - inputs, scripted faults: `openError` (`"permission-denied"`, `"busy"`, `"gone"`,
///   `"failed"`), `muteAtMs` and `unmuteAtMs` (lists, after each open; a 0 in `muteAtMs`
///   opens the device muted, so that it delivers nothing before an unmute), `failAfterMs` (after
///   each open); any device: `addAfterMs` and `removeAfterMs` (after the backend starts).
///
/// An unknown field, a wrong type or an impossible value is a [`FakeConfigError`] naming the
/// field.
#[derive(Clone, Debug, PartialEq)]
pub struct FakeDevicesConfig {
    pub(crate) devices: Vec<FakeDeviceSpec>,
}

const MAX_LIST: usize = 64;

impl FakeDevicesConfig {
    /// The configuration used when none is given: one camera (modes from 96x96 to 1920x1080 at
    /// 30 and 15 fps, facing the user), one microphone and one speaker. The microphone and the
    /// speaker are one headset: they share a group.
    pub fn default_devices() -> Self {
        let json = r#"{
            "videoinput": [{"label": "Fake Camera 0", "id": "fake-camera-0", "facingMode": "user"}],
            "audioinput": [{"label": "Fake Microphone 0", "id": "fake-microphone-0", "group": "fake-headset-0"}],
            "audiooutput": [{"label": "Fake Speaker 0", "id": "fake-speaker-0", "group": "fake-headset-0"}]
        }"#;
        // The literal above is valid; a failure here would be a bug caught by the tests.
        Self::from_json(json).unwrap_or(FakeDevicesConfig {
            devices: Vec::new(),
        })
    }

    /// No devices at all.
    pub fn empty() -> Self {
        FakeDevicesConfig {
            devices: Vec::new(),
        }
    }

    /// Parses and validates a configuration.
    ///
    /// # Errors
    /// [`FakeConfigError`] naming the offending field.
    pub fn from_json(json: &str) -> Result<Self, FakeConfigError> {
        Self::from_json_in(json, None)
    }

    fn from_json_in(json: &str, base: Option<&Path>) -> Result<Self, FakeConfigError> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(|e| FakeConfigError {
            path: "(top level)".into(),
            message: format!("not valid JSON: {e}"),
        })?;
        if !value.is_object() {
            return err(
                "(top level)",
                "must be a JSON object with `videoinput`, `audioinput` and `audiooutput` lists",
            );
        }
        let file: FileConfig = serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            FakeConfigError {
                path: if path == "." {
                    "(top level)".into()
                } else {
                    path
                },
                message: e.into_inner().to_string(),
            }
        })?;
        let mut devices = Vec::new();
        for (kind, list) in [
            (MediaDeviceKind::VideoInput, file.videoinput),
            (MediaDeviceKind::AudioInput, file.audioinput),
            (MediaDeviceKind::AudioOutput, file.audiooutput),
        ] {
            for (i, d) in list.into_iter().enumerate() {
                let path = format!("{}[{i}]", kind.as_str());
                let spec = build(kind, i, d, &path, base)?;
                if devices.iter().any(|o: &FakeDeviceSpec| {
                    o.descriptor.kind == kind
                        && o.descriptor.hardware_id == spec.descriptor.hardware_id
                }) {
                    return err(
                        format!("{path}.id"),
                        format!(
                            "{:?} is used by another {} device",
                            spec.descriptor.hardware_id,
                            kind.as_str()
                        ),
                    );
                }
                devices.push(spec);
            }
        }
        Ok(FakeDevicesConfig { devices })
    }

    /// Parses `arg` as JSON if it looks like JSON (starts with `{`), otherwise reads it as the
    /// path of a JSON file: the form of the CLI's `--fake-devices` and of
    /// `MEDIACAPTURE_FAKE_DEVICES`.
    ///
    /// # Errors
    /// [`FakeConfigError`] for a malformed configuration or an unreadable file.
    pub fn from_json_or_file(arg: &str) -> Result<Self, FakeConfigError> {
        if arg.trim_start().starts_with('{') {
            return Self::from_json(arg);
        }
        let text = read_limited(Path::new(arg), MAX_CONFIG_BYTES).map_err(|e| FakeConfigError {
            path: arg.to_owned(),
            message: format!("cannot read the file: {e}"),
        })?;
        // Files named in a configuration file are relative to it.
        Self::from_json_in(&text, Path::new(arg).parent())
    }
}

/// The largest configuration file read: far more than any set of devices needs, and a bound
/// for `/dev/zero` or a mistyped path to a video.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Reads a text file of at most `limit` bytes (more is an error, not a truncation).
fn read_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limit + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {limit} bytes"),
        ));
    }
    Ok(text)
}

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

fn build(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_configuration_is_one_of_each() {
        let c = FakeDevicesConfig::default_devices();
        assert_eq!(c.devices.len(), 3);
        let DeviceCapabilities::Video(v) = &c.devices[0].descriptor.capabilities else {
            panic!()
        };
        assert_eq!(v.modes.first(), Some(&VideoMode::new(1920, 1080, 30.0)));
        assert_eq!(v.modes.last(), Some(&VideoMode::new(96, 96, 15.0)));
        assert_eq!(
            c.devices[1].descriptor.group_key,
            c.devices[2].descriptor.group_key
        );
    }

    #[test]
    fn the_issue_example_parses() {
        let c = FakeDevicesConfig::from_json(
            r#"{
              "videoinput":  [{"label": "Fake Camera 0", "facingMode": "user", "cropAndScale": true,
                               "modes": [{"width": 640, "height": 480, "frameRate": 30}]}],
              "audioinput":  [{"label": "Fake Microphone 0", "sampleRate": [44100, 48000],
                               "channelCount": [1, 2], "sampleSize": 16, "latency": 0.01}],
              "audiooutput": [{"label": "Fake Speaker 0"}]
            }"#,
        )
        .unwrap();
        assert_eq!(c.devices.len(), 3);
        assert_eq!(
            c.devices[0].descriptor.hardware_id,
            "videoinput/Fake Camera 0"
        );
        let DeviceCapabilities::Audio(a) = &c.devices[1].descriptor.capabilities else {
            panic!()
        };
        assert_eq!(
            (a.sample_rates.clone(), a.sample_sizes.clone()),
            (vec![44100, 48000], vec![16])
        );
    }

    /// Each malformed configuration is an error naming the offending field, never a panic.
    #[test]
    fn malformed_configurations_name_the_field() {
        let cases = [
            (
                r#"{"videoinput":[{"modes":[{"width":0,"height":480,"frameRate":30}]}]}"#,
                "videoinput[0].modes[0].width",
            ),
            (
                r#"{"videoinput":[{"modes":[{"width":640,"height":480,"frameRate":-1}]}]}"#,
                "videoinput[0].modes[0].frameRate",
            ),
            (
                r#"{"videoinput":[{"modes":[{"width":"wide","height":480,"frameRate":30}]}]}"#,
                "videoinput[0].modes[0].width",
            ),
            (r#"{"videoinput":[{"modes":[]}]}"#, "videoinput[0].modes"),
            (
                r#"{"videoinput":[{"facingMode":"sideways"}]}"#,
                "videoinput[0].facingMode[0]",
            ),
            (
                r#"{"videoinput":[{"sampleRate":48000}]}"#,
                "videoinput[0].sampleRate",
            ),
            (r#"{"videoinput":[{"lable":"typo"}]}"#, "videoinput[0]"),
            (
                r#"{"audioinput":[{"sampleRate":[48000,0]}]}"#,
                "audioinput[0].sampleRate[1]",
            ),
            (
                r#"{"audioinput":[{"channelCount":"two"}]}"#,
                "audioinput[0].channelCount",
            ),
            (
                r#"{"audioinput":[{"echoCancellation":["loud"]}]}"#,
                "audioinput[0].echoCancellation[0]",
            ),
            (
                r#"{"audioinput":[{"openError":"on-fire"}]}"#,
                "audioinput[0].openError",
            ),
            (
                r#"{"audiooutput":[{"muteAtMs":[5]}]}"#,
                "audiooutput[0].muteAtMs",
            ),
            (
                r#"{"audiooutput":[{"id":"a"},{"id":"a"}]}"#,
                "audiooutput[1].id",
            ),
            (r#"{"screens":[]}"#, "screens"),
            (r#"[1,2]"#, "(top level)"),
            (
                r#"{"videoinput":[{"removeAfterMs":5,"addAfterMs":10}]}"#,
                "videoinput[0].removeAfterMs",
            ),
        ];
        for (json, path) in cases {
            let e = FakeDevicesConfig::from_json(json).unwrap_err();
            assert!(
                e.path.starts_with(path),
                "{json}: got path {:?} ({})",
                e.path,
                e.message
            );
        }
        let e = FakeDevicesConfig::from_json_or_file("/nonexistent/devices.json").unwrap_err();
        assert!(e.message.contains("cannot read"), "{e}");
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> PathBuf {
        let p = std::env::temp_dir().join(format!("mc-fake-{}-{name}", std::process::id()));
        std::fs::write(&p, bytes).unwrap();
        p
    }

    fn y4m(header: &str, frames: &[&[u8]]) -> Vec<u8> {
        let mut v = header.as_bytes().to_vec();
        for f in frames {
            v.extend_from_slice(b"FRAME\n");
            v.extend_from_slice(f);
        }
        v
    }

    fn video_config(path: &Path) -> Result<FakeDevicesConfig, FakeConfigError> {
        FakeDevicesConfig::from_json(&format!(
            r#"{{"videoinput":[{{"label":"clip","file":{:?}}}]}}"#,
            path.to_str().unwrap()
        ))
    }

    #[test]
    fn a_y4m_file_gives_the_device_its_mode() {
        let frame = vec![16u8; 4 * 2 + 2 * 2];
        let p = temp(
            "ok.y4m",
            &y4m(
                "YUV4MPEG2 W4 H2 F25:1 Ip A1:1 C420jpeg\n",
                &[&frame, &frame],
            ),
        );
        let c = video_config(&p).unwrap();
        std::fs::remove_file(&p).ok();
        let DeviceCapabilities::Video(v) = &c.devices[0].descriptor.capabilities else {
            panic!()
        };
        assert_eq!(v.modes, vec![VideoMode::new(4, 2, 25.0)]);
        assert!(
            c.devices[0].file.as_ref().unwrap().looping,
            "files loop by default"
        );
    }

    /// Every bad file is a clear error naming the field: never a panic or a hang.
    #[test]
    fn bad_files_are_clear_errors() {
        let frame = vec![0u8; 4 * 2 + 2 * 2];
        let cases: Vec<(&str, Vec<u8>, &str)> = vec![
            (
                "truncated-header.y4m",
                b"YUV4MPEG2 W4 H".to_vec(),
                "not a usable Y4M",
            ),
            (
                "not-y4m.y4m",
                b"RIFF....WAVEfmt ".to_vec(),
                "not a usable Y4M",
            ),
            (
                "no-frames.y4m",
                y4m("YUV4MPEG2 W4 H2 F25:1 C420jpeg\n", &[]),
                "no frames",
            ),
            (
                "short-frame.y4m",
                y4m("YUV4MPEG2 W4 H2 F25:1 C420jpeg\n", &[&frame[..5]]),
                "frame 0 is truncated",
            ),
            (
                "zero-rate.y4m",
                y4m("YUV4MPEG2 W4 H2 F0:1 C420jpeg\n", &[&frame]),
                "frame rate",
            ),
            (
                "ten-bit.y4m",
                y4m("YUV4MPEG2 W4 H2 F25:1 C420p10\n", &[&[0u8; 24]]),
                "not supported",
            ),
        ];
        for (name, bytes, msg) in cases {
            let p = temp(name, &bytes);
            let e = video_config(&p).unwrap_err();
            std::fs::remove_file(&p).ok();
            assert_eq!(e.path, "videoinput[0].file", "{name}");
            assert!(e.message.contains(msg), "{name}: {e}");
        }
        let e = video_config(Path::new("/nonexistent/clip.y4m")).unwrap_err();
        assert!(e.message.contains("cannot open"), "{e}");

        let wav = |name: &str, bytes: Vec<u8>| {
            let p = temp(name, &bytes);
            let r = FakeDevicesConfig::from_json(&format!(
                r#"{{"audioinput":[{{"file":{:?}}}]}}"#,
                p.to_str().unwrap()
            ));
            std::fs::remove_file(&p).ok();
            r
        };
        // A valid 16-bit header promising 4 samples, followed by 2.
        let mut header = b"RIFF\x2c\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x08\x00\x00\x00".to_vec();
        let e = wav("short.wav", [header.clone(), vec![1, 0, 2, 0]].concat()).unwrap_err();
        assert_eq!(e.path, "audioinput[0].file");
        assert!(
            e.message.contains("promises 4 samples") || e.message.contains("truncated"),
            "{e}"
        );
        header.truncate(20);
        let e = wav("cut.wav", header).unwrap_err();
        assert!(e.message.contains("not a usable WAV"), "{e}");
        let e = wav("empty.wav", b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00\x40\x1f\x00\x00\x80\x3e\x00\x00\x02\x00\x10\x00data\x00\x00\x00\x00".to_vec()).unwrap_err();
        assert!(e.message.contains("no samples"), "{e}");
        // The format comes from the file: giving it too is an error.
        let e = FakeDevicesConfig::from_json(
            r#"{"videoinput":[{"file":"x.y4m","modes":[{"width":1,"height":1,"frameRate":1}]}]}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "videoinput[0].modes");
        let e = FakeDevicesConfig::from_json(r#"{"videoinput":[{"loop":false}]}"#).unwrap_err();
        assert_eq!(e.path, "videoinput[0].loop");
    }
}
