//! The pure signal code of mediacapture, below the interfaces and usable without them: the
//! crop-and-scale a track applies when its constraints ask for a size other than its
//! source's ([`crop_and_scale`], with its [`Scaler`]), and the remix and resample a track or
//! an encoder applies to audio ([`AudioConverter`]), and the decoding of MJPEG camera frames
//! straight to I420 ([`jpeg_to_i420`]).
//!
//! No I/O, no threads, no state beyond what a caller holds: a function of its inputs.
//!
//! Corresponds to the `resizeMode: "crop-and-scale"` of
//! [Media Capture and Streams](https://w3c.github.io/mediacapture-main/#def-constraint-resizeMode)
//! and to the sample rate and channel count a track's settings promise.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod audio;
mod jpeg;
mod video;

pub use audio::AudioConverter;
pub use jpeg::{jpeg_to_i420, jpeg_to_i420_portable};
pub use video::{Scaler, crop_and_scale};
