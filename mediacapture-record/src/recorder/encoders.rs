//! A recording's subscriptions to the shared encoders of its tracks (`mediacapture-encode`).

use mediacapture_codecs::VideoCodec;
use mediacapture_encode::{
    AudioEncoderConfig, EncodedSubscription, EncoderConfig, KeyFramePolicy, VideoEncoderConfig,
    subscribe,
};
use mediacapture_main::{MediaStreamError, MediaStreamTrack};

use crate::recorder::state::{AUDIO_CHUNKS, VIDEO_CHUNKS};

/// What `start()` subscribed to, or why the recording will fail "in parallel".
pub(crate) struct Encoders {
    pub video: Option<EncodedSubscription>,
    pub audio: Option<EncodedSubscription>,
    pub failed: Option<MediaStreamError>,
}

/// The video track to record: the track, its codec, bitrate and keyframe policy.
pub(crate) type VideoRequest<'a> = (&'a MediaStreamTrack, VideoCodec, u32, KeyFramePolicy);
/// The audio track to record: the track, its bitrate, and whether it is variable.
pub(crate) type AudioRequest<'a> = (&'a MediaStreamTrack, u32, bool);

impl Encoders {
    /// Subscribes to the encoders of the tracks to record (none when `unknown` names codecs
    /// we cannot record: the recording fails with that).
    pub(crate) fn subscribe(
        video: Option<VideoRequest<'_>>,
        audio: Option<AudioRequest<'_>>,
        unknown: &[String],
    ) -> Self {
        let mut failed = (!unknown.is_empty()).then(|| {
            MediaStreamError::not_supported(format!("cannot record the codecs {unknown:?}"))
        });
        let mut encoded = |track: &MediaStreamTrack, config: EncoderConfig, queue| {
            if failed.is_some() {
                return None;
            }
            subscribe(track, &config, queue)
                .map_err(|e| {
                    failed = Some(MediaStreamError::not_supported(format!(
                        "cannot record this configuration: {}",
                        e.message()
                    )));
                })
                .ok()
        };
        let video = video.and_then(|(track, codec, bits_per_second, key_frames)| {
            let config = VideoEncoderConfig {
                codec,
                bits_per_second,
                key_frames,
            };
            encoded(track, EncoderConfig::Video(config), VIDEO_CHUNKS)
        });
        let audio = audio.and_then(|(track, bits_per_second, variable)| {
            let s = track.get_settings();
            let config = AudioEncoderConfig {
                bits_per_second,
                variable,
                sample_rate: AudioEncoderConfig::opus_rate(s.sample_rate.unwrap_or(48_000)),
                channels: s.channel_count.unwrap_or(1).clamp(1, 2),
            };
            encoded(track, EncoderConfig::Audio(config), AUDIO_CHUNKS)
        });
        Encoders {
            video,
            audio,
            failed,
        }
    }
}
