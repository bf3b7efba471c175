//! What every encoder and writer shares: an encoded chunk, the video codecs, the error.

/// What went wrong in an encoder or a writer.
#[derive(Debug, thiserror::Error)]
pub enum CodecError {
    /// The encoder library refused a configuration or failed.
    #[error("{codec}: {message}")]
    Encoder {
        /// `"vp8"`, `"vp9"` or `"opus"`.
        codec: &'static str,
        /// What the library said.
        message: String,
    },
    /// The input does not suit the encoder (size, format, rate).
    #[error("{0}")]
    Input(String),
    /// The container writer failed.
    #[error("container: {0}")]
    Container(String),
}

/// One encoded frame (video) or packet (audio).
#[derive(Clone, Debug, PartialEq)]
pub struct EncodedChunk {
    /// The compressed bytes.
    pub data: Vec<u8>,
    /// Presentation time in microseconds, on the recording's timeline.
    pub timestamp: i64,
    /// Duration in microseconds.
    pub duration: i64,
    /// Whether a decoder can start here (every audio packet is one).
    pub key: bool,
}

/// The video codecs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VideoCodec {
    /// VP8 (`vp8`).
    Vp8,
    /// VP9 (`vp9`).
    Vp9,
}

impl VideoCodec {
    /// The `codecs=` name.
    pub fn name(self) -> &'static str {
        match self {
            VideoCodec::Vp8 => "vp8",
            VideoCodec::Vp9 => "vp9",
        }
    }
}
