//! The fake devices' JSON configuration.
//!
//! - `schema.rs`: the JSON shape serde reads;
//! - `device.rs`: one device checked and described;
//! - `spec.rs`: what a parsed configuration holds, and its error.

use std::path::Path;

mod device;
mod schema;
mod spec;

pub use spec::FakeConfigError;
pub(crate) use spec::{FakeDeviceSpec, Script};

use device::build;
use mediacapture_hal::MediaDeviceKind;
use schema::FileConfig;
use spec::err;

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

#[cfg(test)]
mod tests {
    use super::*;
    use mediacapture_hal::{DeviceCapabilities, VideoMode};

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
    use mediacapture_hal::{DeviceCapabilities, VideoMode};
    use std::path::PathBuf;

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
