//! One encoder's work on a frame: libvpx for video (with its keyframe policy), libopus for
//! audio (after remix and resample where the track's audio differs from the encoder's).

use mediacapture_codecs::opus::OpusEncoder;
use mediacapture_codecs::vpx::{VpxConfig, VpxEncoder};
use mediacapture_codecs::{CodecError, EncodedChunk, TrackInfo};
use mediacapture_main::{
    AudioData, AudioSamples, MediaFrame, VideoColorSpace, VideoFrame, VideoPixelFormat,
};
use mediacapture_signal::AudioConverter;

use crate::config::{AudioEncoderConfig, KeyFramePolicy, VideoEncoderConfig};

/// An encoder as the encoder thread drives it.
pub(crate) trait Codec: Send {
    /// Encodes one frame (a keyframe when `key`, for video); returns the chunks it gave.
    fn encode(&mut self, frame: MediaFrame, key: bool) -> Result<Vec<EncodedChunk>, String>;
    /// What the encoder still holds, at the end of its stream.
    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String>;
    /// Frames are being skipped (every consumer paused): forget what is pending, so that
    /// nothing of before the pause comes out after it.
    fn skipping(&mut self) {}
}

/// libvpx, recreated when the frame size changes, with the keyframe policy.
pub(crate) struct Video {
    config: VideoEncoderConfig,
    encoder: Option<VpxEncoder>,
    /// A frame's duration when the frame does not say.
    frame_us: i64,
    last_key: Option<i64>,
    since_key: u32,
    last_ts: Option<i64>,
}

impl Video {
    /// An encoder for frames of `width`x`height` at about `frame_rate`; the track info a
    /// container needs.
    pub(crate) fn new(
        config: VideoEncoderConfig,
        width: u32,
        height: u32,
        frame_rate: f64,
    ) -> Result<(Self, TrackInfo), CodecError> {
        let encoder = VpxEncoder::new(VpxConfig::realtime(
            config.codec,
            width,
            height,
            u64::from(config.bits_per_second),
        ))?;
        let video = Video {
            config,
            encoder: Some(encoder),
            frame_us: (1e6 / frame_rate.max(1.0)) as i64,
            last_key: None,
            since_key: 0,
            last_ts: None,
        };
        Ok((video, TrackInfo::video(config.codec, width, height)))
    }

    /// Whether the policy asks for a keyframe at `ts`.
    fn policy_wants_key(&self, ts: i64) -> bool {
        match (self.config.key_frames, self.last_key) {
            (_, None) => true,
            (KeyFramePolicy::Count(n), _) => self.since_key >= n.max(1),
            (KeyFramePolicy::Interval(d), Some(last)) => {
                ts - last >= i64::try_from(d.as_micros()).unwrap_or(i64::MAX)
            }
            (KeyFramePolicy::OnRequest, Some(_)) => false,
        }
    }
}

impl Codec for Video {
    fn encode(&mut self, frame: MediaFrame, key: bool) -> Result<Vec<EncodedChunk>, String> {
        let MediaFrame::Video(frame) = frame else {
            return Ok(Vec::new());
        };
        // libvpx takes strictly increasing times.
        let ts = match self.last_ts {
            Some(last) if frame.timestamp() <= last => last + 1,
            _ => frame.timestamp(),
        };
        self.last_ts = Some(ts);
        let frame = as_bt709(frame);
        let r = frame.visible_rect();
        // A new size: a new encoder (the stream goes on with a keyframe of the new size).
        let mut key = key || self.policy_wants_key(ts);
        if self
            .encoder
            .as_ref()
            .is_none_or(|e| (e.config().width, e.config().height) != (r.width, r.height))
        {
            self.encoder = None;
            self.encoder = Some(
                VpxEncoder::new(VpxConfig::realtime(
                    self.config.codec,
                    r.width,
                    r.height,
                    u64::from(self.config.bits_per_second),
                ))
                .map_err(|e| e.to_string())?,
            );
            key = true;
        }
        if key {
            self.last_key = Some(ts);
            self.since_key = 0;
        }
        self.since_key += 1;
        let duration = frame.duration().unwrap_or(self.frame_us).max(1);
        let enc = self
            .encoder
            .as_mut()
            .ok_or_else(|| "no video encoder".to_owned())?;
        enc.encode(&frame, ts, duration, key)
            .map_err(|e| e.to_string())
    }

    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String> {
        match self.encoder.as_mut() {
            Some(e) => e.flush().map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        }
    }
}

/// The frame in BT.709 limited range, what a VP8/VP9 stream declares: YUV frames in another
/// matrix or range go through RGB (RGB frames become BT.709 in `to_i420` anyway).
fn as_bt709(frame: VideoFrame) -> VideoFrame {
    let cs = frame.color_space();
    let yuv = matches!(
        frame.format(),
        VideoPixelFormat::I420 | VideoPixelFormat::Nv12
    );
    if !yuv || cs == VideoColorSpace::BT709 {
        return frame;
    }
    let r = frame.visible_rect();
    VideoFrame::new(
        VideoPixelFormat::Rgba,
        r.width,
        r.height,
        frame.timestamp(),
        frame.to_rgba(),
    )
    .map(|f| f.with_duration(frame.duration()))
    .unwrap_or(frame)
}

/// libopus, behind a converter to its rate and channel count.
pub(crate) struct Audio {
    encoder: OpusEncoder,
    converter: Option<AudioConverter>,
}

impl Audio {
    /// An encoder and the track info a container needs (with the encoder's pre-skip).
    pub(crate) fn new(config: AudioEncoderConfig) -> Result<(Self, TrackInfo), CodecError> {
        let encoder = OpusEncoder::new(
            config.sample_rate,
            config.channels,
            u64::from(config.bits_per_second),
            config.variable,
        )?;
        let info = TrackInfo::opus(
            encoder.sample_rate(),
            encoder.channels(),
            encoder.pre_skip(),
        );
        Ok((
            Audio {
                encoder,
                converter: None,
            },
            info,
        ))
    }

    /// The chunk at the encoder's rate and channel count.
    fn adapt(&mut self, a: AudioData) -> Option<AudioData> {
        let (rate, ch) = (self.encoder.sample_rate(), self.encoder.channels());
        if (a.sample_rate(), a.number_of_channels()) == (rate, ch) {
            self.converter = None;
            return Some(a);
        }
        if !self
            .converter
            .as_ref()
            .is_some_and(|c| c.serves(&a, rate, ch))
        {
            self.converter = AudioConverter::new(&a, rate, ch);
        }
        self.converter.as_mut()?.convert(&a)
    }
}

impl Codec for Audio {
    fn encode(&mut self, frame: MediaFrame, _key: bool) -> Result<Vec<EncodedChunk>, String> {
        let MediaFrame::Audio(a) = frame else {
            return Ok(Vec::new());
        };
        let Some(a) = self.adapt(a) else {
            return Ok(Vec::new());
        };
        let ts = a.timestamp();
        // Interleaved f32 (what microphones and the converter give) is encoded in place.
        if let AudioSamples::F32(samples) = a.samples() {
            return self.encoder.encode(samples, ts).map_err(|e| e.to_string());
        }
        self.encoder
            .encode(&a.to_f32(), ts)
            .map_err(|e| e.to_string())
    }

    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String> {
        self.encoder.flush().map_err(|e| e.to_string())
    }

    fn skipping(&mut self) {
        self.encoder.discard_pending();
        self.converter = None;
    }
}
