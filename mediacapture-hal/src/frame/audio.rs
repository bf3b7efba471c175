//! [`AudioData`].

use std::sync::Arc;

use super::format::FrameError;

/// A sample format.
///
/// Corresponds to WebCodecs [`AudioSampleFormat`](https://w3c.github.io/webcodecs/#enumdef-audiosampleformat)
/// (the formats we produce: `f32` and `s16`, interleaved).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AudioSampleFormat {
    /// 32-bit float, interleaved (`"f32"`).
    F32,
    /// 16-bit signed, interleaved (`"s16"`).
    S16,
    /// 32-bit float, one plane per channel (`"f32-planar"`).
    F32Planar,
    /// 16-bit signed, one plane per channel (`"s16-planar"`).
    S16Planar,
}

/// The samples of an [`AudioData`]: interleaved (`L R L R …`) or planar (`L L … R R …`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AudioSamples {
    /// 32-bit float samples in −1..1.
    F32(Arc<[f32]>),
    /// 16-bit signed samples.
    S16(Arc<[i16]>),
    /// 32-bit float samples, channel after channel.
    F32Planar(Arc<[f32]>),
    /// 16-bit signed samples, channel after channel.
    S16Planar(Arc<[i16]>),
}

/// A chunk of audio.
///
/// Corresponds to WebCodecs [`AudioData`](https://w3c.github.io/webcodecs/#audiodata-interface).
/// Timestamps are in microseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioData {
    sample_rate: u32,
    number_of_channels: u32,
    number_of_frames: u32,
    timestamp: i64,
    samples: AudioSamples,
}

impl AudioData {
    /// Interleaved `f32` samples.
    ///
    /// # Errors
    /// [`FrameError`] when the rate or channel count is zero or the length is not a whole
    /// number of frames.
    pub fn new_f32(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[f32]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::F32(samples),
        )
    }

    /// Interleaved `i16` samples.
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_s16(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[i16]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::S16(samples),
        )
    }

    /// Planar `f32` samples: all of channel 0, then all of channel 1, ….
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_f32_planar(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[f32]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::F32Planar(samples),
        )
    }

    /// Planar `i16` samples: all of channel 0, then all of channel 1, ….
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_s16_planar(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[i16]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::S16Planar(samples),
        )
    }

    fn with_samples(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        len: usize,
        samples: AudioSamples,
    ) -> Result<Self, FrameError> {
        let number_of_frames = Self::check(sample_rate, channels, len)?;
        Ok(AudioData {
            sample_rate,
            number_of_channels: channels,
            number_of_frames,
            timestamp,
            samples,
        })
    }

    fn check(rate: u32, channels: u32, len: usize) -> Result<u32, FrameError> {
        if rate == 0 || channels == 0 {
            return Err(FrameError(format!("{rate} Hz, {channels} channels")));
        }
        if !len.is_multiple_of(channels as usize) {
            return Err(FrameError(format!(
                "{len} samples are not a whole number of {channels}-channel frames"
            )));
        }
        u32::try_from(len / channels as usize).map_err(|_| FrameError("too many frames".into()))
    }

    /// Silence shaped like `self` (same format, rate, channels, length and timestamp).
    pub fn silence_like(&self) -> AudioData {
        let n = (self.number_of_frames * self.number_of_channels) as usize;
        let samples = match self.samples {
            AudioSamples::F32(_) => AudioSamples::F32(vec![0.0; n].into()),
            AudioSamples::S16(_) => AudioSamples::S16(vec![0; n].into()),
            AudioSamples::F32Planar(_) => AudioSamples::F32Planar(vec![0.0; n].into()),
            AudioSamples::S16Planar(_) => AudioSamples::S16Planar(vec![0; n].into()),
        };
        AudioData {
            samples,
            ..self.clone()
        }
    }

    /// The sample format.
    pub fn format(&self) -> AudioSampleFormat {
        match self.samples {
            AudioSamples::F32(_) => AudioSampleFormat::F32,
            AudioSamples::S16(_) => AudioSampleFormat::S16,
            AudioSamples::F32Planar(_) => AudioSampleFormat::F32Planar,
            AudioSamples::S16Planar(_) => AudioSampleFormat::S16Planar,
        }
    }
    /// Samples per second.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
    /// Channels.
    pub fn number_of_channels(&self) -> u32 {
        self.number_of_channels
    }
    /// Frames (samples per channel).
    pub fn number_of_frames(&self) -> u32 {
        self.number_of_frames
    }
    /// Presentation time of the first frame, in microseconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }
    /// Duration in microseconds.
    pub fn duration(&self) -> i64 {
        (self.number_of_frames as i64 * 1_000_000) / self.sample_rate as i64
    }
    /// The samples.
    pub fn samples(&self) -> &AudioSamples {
        &self.samples
    }
    /// The samples as interleaved `f32` (converted from `s16` if needed).
    pub fn to_f32(&self) -> Vec<f32> {
        let s16 = |v: &i16| *v as f32 / 32768.0;
        match &self.samples {
            AudioSamples::F32(s) => s.to_vec(),
            AudioSamples::S16(s) => s.iter().map(s16).collect(),
            AudioSamples::F32Planar(s) => self.interleave(s, |v| *v),
            AudioSamples::S16Planar(s) => self.interleave(s, s16),
        }
    }

    fn interleave<T>(&self, planar: &[T], f: impl Fn(&T) -> f32) -> Vec<f32> {
        let (frames, channels) = (
            self.number_of_frames as usize,
            self.number_of_channels as usize,
        );
        let mut out = Vec::with_capacity(frames * channels);
        for i in 0..frames {
            out.extend((0..channels).map(|c| f(&planar[c * frames + i])));
        }
        out
    }
}
