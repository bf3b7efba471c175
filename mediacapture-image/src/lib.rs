//! [MediaStream Image Capture](https://w3c.github.io/mediacapture-image/) for mediacapture:
//! [`ImageCapture`] takes photos (PNG, JPEG) and grabs frames ([`ImageBitmap`]) from a video
//! track, with the photo capabilities and settings of its camera.
//!
//! Built on `mediacapture-main`'s public API (frames come through a
//! `MediaStreamTrackProcessor`) and its [`ext`](mediacapture_main::ext) seam (what the camera
//! behind a track can do). Most programs reach it through the `mediacapture` crate's
//! `image-capture` feature.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod deadline;
mod image_capture;

pub use image_capture::{FRAME_TIMEOUT, ImageBitmap, ImageCapture, PHOTO_TYPES, encode_photo};
