//! Encoders and containers for `MediaRecorder`: libvpx (VP8, VP9) in realtime mode, libopus,
//! a live WebM writer and an Ogg Opus writer.
//!
//! The encoders are the ones browsers ship, reached through thin bindings (`env-libvpx-sys`,
//! `opus`); the only `unsafe` code of the workspace is in [`vpx`], around libvpx's C API.
//! The containers are written with maintained crates (`webm-iterable` for EBML, `ogg` for
//! pages), laid out for live streaming: every byte, once returned by a writer, is final, so
//! the concatenation of everything returned is the file, and a file cut after any returned
//! piece is readable up to that point.
//!
//! ```
//! use mediacapture_codecs::{Container, EncodedChunk, Muxer, TrackInfo};
//! let mut mux = Muxer::new(Container::Ogg, None, Some(TrackInfo::opus(48_000, 2, 312)))?;
//! let header = mux.take_bytes()?;
//! assert!(header.starts_with(b"OggS"));
//! mux.write_audio(&EncodedChunk { data: vec![0xFC], timestamp: 0, duration: 20_000, key: true })?;
//! let rest = mux.finish()?;
//! assert!(rest.starts_with(b"OggS"));
//! # Ok::<(), mediacapture_codecs::CodecError>(())
//! ```
#![deny(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod mux;
pub mod ogg;
pub mod opus;
pub mod vpx;
pub mod webm;
pub mod webm_seek;

pub use mux::{Container, Muxer, TrackInfo};

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
