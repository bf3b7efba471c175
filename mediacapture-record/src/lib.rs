//! [MediaStream Recording](https://w3c.github.io/mediacapture-record/) for mediacapture:
//! [`MediaRecorder`] records a `MediaStream` into WebM (VP8/VP9 + Opus) or Ogg Opus, handing
//! the file out in [`BlobEvent`]s, with the MIME types `isTypeSupported` accepts.
//!
//! Built on `mediacapture-main`'s public API (a recorder reads its tracks through
//! `MediaStreamTrackProcessor`s) and its [`ext`](mediacapture_main::ext) seam (the event bus
//! its events go through); the encoders and containers are `mediacapture-codecs`'. Most
//! programs reach it through the `mediacapture` crate's `recorder` feature.
//!
//! - `media_recorder.rs`: the interface ([`MediaRecorder`], [`MediaRecorderOptions`]);
//! - `blob_event.rs`: its events ([`BlobEvent`], [`RecorderEvent`]);
//! - `mime.rs`: MIME type parsing and `isTypeSupported`;
//! - `recorder.rs`: the engine (controller and encoder threads).
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod blob_event;
mod media_recorder;
mod mime;
mod recorder;

pub use blob_event::{BlobEvent, RECORDER_EVENT_BYTES, RECORDER_EVENT_CAPACITY, RecorderEvent};
pub use media_recorder::{
    DEFAULT_AUDIO_BITS_PER_SECOND, DEFAULT_KEY_FRAME_INTERVAL_MS, DEFAULT_VIDEO_BITS_PER_SECOND,
    MediaRecorder, MediaRecorderOptions, MediaRecorderStats, SUPPORTED_TYPES, make_seekable,
};
