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

mod chunk;
mod mux;
pub mod ogg;
pub mod opus;
mod track;
pub mod vpx;
pub mod webm;
pub mod webm_seek;

pub use chunk::{CodecError, EncodedChunk, VideoCodec};
pub use mux::{Container, Muxer};
pub use track::TrackInfo;
