//! What a capture device can do: the raw material of capabilities and settings selection.
//!
//! Backends describe each device with these types; the constraint engine
//! (`mediacapture-core`) turns them into `MediaTrackCapabilities` and chooses settings among
//! them. They are not spec dictionaries.

use serde::{Deserialize, Serialize};

use crate::{BooleanOrDOMString, VideoFacingModeEnum};

/// One native mode of a camera: a size and a frame rate it delivers without scaling.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VideoMode {
    /// Width in pixels (at least 1).
    pub width: u32,
    /// Height in pixels (at least 1).
    pub height: u32,
    /// Frames per second (greater than 0).
    pub frame_rate: f64,
}

impl VideoMode {
    /// A mode of `width`×`height` at `frame_rate`.
    pub const fn new(width: u32, height: u32, frame_rate: f64) -> Self {
        VideoMode {
            width,
            height,
            frame_rate,
        }
    }
}

/// What a camera can do.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct VideoDeviceCapabilities {
    /// The native modes, in the backend's order of preference.
    pub modes: Vec<VideoMode>,
    /// Whether tracks may get any size and frame rate up to a native mode
    /// (`resizeMode: "crop-and-scale"`).
    pub crop_and_scale: bool,
    /// The directions the camera faces (empty when unknown).
    pub facing_mode: Vec<VideoFacingModeEnum>,
    /// The background blur values the platform offers (empty when it does not report blur).
    pub background_blur: Vec<bool>,
    /// The flash modes for still photos (empty when the camera has no flash).
    pub fill_light_mode: Vec<crate::FillLightMode>,
    /// Every size, rate and pixel format the camera delivers natively, as the platform lists
    /// them (`modes` has one entry per size and rate, in the format the backend reads best).
    /// Empty when the backend does not say.
    pub native_formats: Vec<NativeVideoFormat>,
}

/// One way a camera delivers frames natively: a mode in one pixel format.
///
/// Not a spec type: what `mediacapture devices --modes` shows, so that a user can see what a
/// camera offers before constraints choose among it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NativeVideoFormat {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Frames per second.
    pub frame_rate: f64,
    /// The pixel format's FourCC as the platform names it (`I420`, `NV12`, `YUY2`, `MJPG`).
    pub pixel_format: String,
}

impl NativeVideoFormat {
    /// `mode` in `pixel_format`.
    pub fn new(mode: VideoMode, pixel_format: impl Into<String>) -> Self {
        NativeVideoFormat {
            width: mode.width,
            height: mode.height,
            frame_rate: mode.frame_rate,
            pixel_format: pixel_format.into(),
        }
    }
}

impl VideoDeviceCapabilities {
    /// A camera with these modes, crop-and-scale allowed, no facing mode and no blur control.
    pub fn new(modes: Vec<VideoMode>) -> Self {
        VideoDeviceCapabilities {
            modes,
            crop_and_scale: true,
            facing_mode: Vec::new(),
            background_blur: Vec::new(),
            fill_light_mode: Vec::new(),
            native_formats: Vec::new(),
        }
    }
}

/// What a microphone can do: the values each audio property can take.
///
/// The first value of each list is the device's native (default) value. An empty list means
/// the device does not report that property.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AudioDeviceCapabilities {
    /// Sample rates in Hz.
    pub sample_rates: Vec<u32>,
    /// Channel counts.
    pub channel_counts: Vec<u32>,
    /// Bits per linear sample.
    pub sample_sizes: Vec<u32>,
    /// Latencies in seconds.
    pub latencies: Vec<f64>,
    /// Echo cancellation values (`true`, `false`, `"all"`, `"remote-only"`).
    pub echo_cancellation: Vec<BooleanOrDOMString>,
    /// Automatic gain control values.
    pub auto_gain_control: Vec<bool>,
    /// Noise suppression values.
    pub noise_suppression: Vec<bool>,
    /// Whether tracks may get other sample rates and channel counts than the device's, by
    /// resampling and remixing (the audio counterpart of crop-and-scale).
    pub resample: bool,
}

/// The sample rates offered by resampling, besides a device's own.
pub const STANDARD_SAMPLE_RATES: [u32; 10] = [
    8_000, 11_025, 16_000, 22_050, 24_000, 32_000, 44_100, 48_000, 88_200, 96_000,
];

impl AudioDeviceCapabilities {
    /// The sample rates a track can have: the device's own (first, in its order of preference)
    /// and, when it allows resampling, the standard rates.
    pub fn track_sample_rates(&self) -> Vec<u32> {
        let mut v = self.sample_rates.clone();
        if self.resample && !v.is_empty() {
            v.extend(
                STANDARD_SAMPLE_RATES
                    .iter()
                    .filter(|r| !self.sample_rates.contains(r)),
            );
        }
        v
    }

    /// The channel counts a track can have: the device's own and, when it allows remixing,
    /// mono and stereo.
    pub fn track_channel_counts(&self) -> Vec<u32> {
        let mut v = self.channel_counts.clone();
        if self.resample && !v.is_empty() {
            v.extend([1, 2].iter().filter(|c| !self.channel_counts.contains(c)));
        }
        v
    }
}

impl Default for AudioDeviceCapabilities {
    /// A 48 kHz mono 16-bit microphone with 10 ms latency and switchable processing.
    fn default() -> Self {
        AudioDeviceCapabilities {
            sample_rates: vec![48_000],
            channel_counts: vec![1],
            sample_sizes: vec![16],
            latencies: vec![0.01],
            echo_cancellation: vec![true.into(), false.into()],
            auto_gain_control: vec![true, false],
            noise_suppression: vec![true, false],
            resample: true,
        }
    }
}

/// What one device can do.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum DeviceCapabilities {
    /// A camera.
    Video(VideoDeviceCapabilities),
    /// A microphone.
    Audio(AudioDeviceCapabilities),
    /// An audio output: nothing constrainable.
    Output,
}

/// The native configuration a source runs in: what a backend is asked to open.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum NativeConfig {
    /// A camera in one of its native modes.
    Video(VideoMode),
    /// A microphone.
    Audio(AudioConfig),
}

/// The configuration of an audio input.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct AudioConfig {
    /// Sample rate in Hz.
    pub sample_rate: u32,
    /// Channel count.
    pub channel_count: u32,
    /// Bits per sample, when the device reports it.
    pub sample_size: Option<u32>,
    /// Latency in seconds, when the device reports it.
    pub latency: Option<f64>,
    /// Echo cancellation, when the device reports it.
    pub echo_cancellation: Option<BooleanOrDOMString>,
    /// Automatic gain control, when the device reports it.
    pub auto_gain_control: Option<bool>,
    /// Noise suppression, when the device reports it.
    pub noise_suppression: Option<bool>,
}

impl AudioConfig {
    /// A configuration at this rate and channel count, with nothing else set.
    pub fn new(sample_rate: u32, channel_count: u32) -> Self {
        AudioConfig {
            sample_rate,
            channel_count,
            sample_size: None,
            latency: None,
            echo_cancellation: None,
            auto_gain_control: None,
            noise_suppression: None,
        }
    }
}
