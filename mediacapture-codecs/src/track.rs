//! A recording's track, as a container describes it.

use crate::VideoCodec;
use crate::opus::opus_head;

/// A track of a recording, as the container describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrackInfo {
    /// A VP8 or VP9 video track.
    Video {
        /// The codec.
        codec: VideoCodec,
        /// Width in pixels (of the first frame).
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// An Opus audio track.
    Opus {
        /// The rate the audio had before encoding (informative).
        sample_rate: u32,
        /// 1 or 2.
        channels: u32,
        /// The encoder's delay in 48 kHz samples.
        pre_skip: u16,
    },
}

impl TrackInfo {
    /// An Opus track.
    pub fn opus(sample_rate: u32, channels: u32, pre_skip: u16) -> Self {
        TrackInfo::Opus {
            sample_rate,
            channels,
            pre_skip,
        }
    }

    /// A video track.
    pub fn video(codec: VideoCodec, width: u32, height: u32) -> Self {
        TrackInfo::Video {
            codec,
            width,
            height,
        }
    }

    /// The codec's private data in the container (`OpusHead` for Opus; none for VP8/VP9).
    pub fn codec_private(&self) -> Vec<u8> {
        match self {
            TrackInfo::Opus {
                sample_rate,
                channels,
                pre_skip,
            } => opus_head(*channels, *sample_rate, *pre_skip),
            TrackInfo::Video { .. } => Vec::new(),
        }
    }
}
