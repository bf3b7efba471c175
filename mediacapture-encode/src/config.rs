//! What an encoder is: its codec and parameters. Two consumers asking for equal
//! configurations of one track share one encoder.

use std::time::Duration;

use mediacapture_codecs::VideoCodec;

/// When the video encoder makes a keyframe by itself (besides its first frame, a new frame
/// size and every consumer's request).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum KeyFramePolicy {
    /// A keyframe once this much media time has passed since the last one (a
    /// `MediaRecorder`'s `videoKeyFrameIntervalDuration`).
    Interval(Duration),
    /// A keyframe every this many frames (`videoKeyFrameIntervalCount`).
    Count(u32),
    /// Only when a consumer asks (a WebRTC sender: keyframes on PLI/FIR).
    OnRequest,
}

/// A video encoder's configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VideoEncoderConfig {
    /// VP8 or VP9 (libvpx, realtime).
    pub codec: VideoCodec,
    /// The target bitrate.
    pub bits_per_second: u32,
    /// When keyframes come by themselves.
    pub key_frames: KeyFramePolicy,
}

/// An Opus encoder's configuration. The track's audio is remixed and resampled to
/// `channels` and `sample_rate` where it differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct AudioEncoderConfig {
    /// The target bitrate.
    pub bits_per_second: u32,
    /// Variable (`true`) or constant bitrate.
    pub variable: bool,
    /// The rate the encoder runs at: one libopus takes (8, 12, 16, 24 or 48 kHz).
    pub sample_rate: u32,
    /// 1 or 2.
    pub channels: u32,
}

impl AudioEncoderConfig {
    /// The rate an Opus encoder runs at for audio of `rate`: `rate` itself where libopus takes
    /// it, else 48 kHz (the audio is resampled).
    pub fn opus_rate(rate: u32) -> u32 {
        if mediacapture_codecs::opus::OPUS_RATES.contains(&rate) {
            rate
        } else {
            48_000
        }
    }
}

/// An encoder's configuration, for a video or an audio track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EncoderConfig {
    /// A video encoder.
    Video(VideoEncoderConfig),
    /// An audio encoder.
    Audio(AudioEncoderConfig),
}
