//! [W3C Media Capture and Streams](https://w3c.github.io/mediacapture-main/) for native Rust
//! programs: `getUserMedia`, `enumerateDevices`, `MediaStream`, `MediaStreamTrack`, and the
//! constraints a web page would pass, with the spec's semantics and errors.
//!
//! ```
//! use mediacapture::*;
//!
//! // Fake devices here; `MediaDevices::new()` uses the machine's (or MEDIACAPTURE_FAKE_DEVICES).
//! let devices = MediaDevices::builder().fake_default_devices().build()?;
//! for d in block_on(devices.enumerate_devices()) {
//!     println!("{} {:?} {}", d.kind(), d.label(), d.device_id());
//! }
//!
//! // The same JSON a web page passes.
//! let constraints = MediaStreamConstraints::from_json(
//!     r#"{"video":{"width":{"ideal":1280},"height":{"ideal":720}},"audio":{"echoCancellation":true}}"#,
//! )?;
//! let stream = block_on(devices.get_user_media(constraints))?;
//! let video = &stream.get_video_tracks()[0];
//! assert_eq!(video.get_settings().width, Some(1280));
//!
//! // applyConstraints is atomic: a failure changes nothing.
//! let e = block_on(video.apply_constraints(MediaTrackConstraints::from_json(r#"{"width":{"min":4000}}"#)?));
//! assert_eq!(e.unwrap_err().constraint(), Some("width"));
//! assert_eq!(video.get_settings().width, Some(1280));
//! # Ok::<(), MediaStreamError>(())
//! ```
//!
//! # Layout
//! This crate is the facade: it re-exports [`mediacapture-main`](mediacapture_main) (Media
//! Capture and Streams, its transform and stats: everything not behind a feature below) and,
//! behind features, the crates built on it: `mediacapture-record` (MediaStream Recording),
//! `mediacapture-image` (MediaStream Image Capture) and `mediacapture-encode` (one encoder
//! per track and configuration, shared by every consumer: [`encode`]).
//! - Spec types (constraints, settings, capabilities, enums, [`MediaStreamError`]) come from
//!   `mediacapture-types`; the algorithms (fitness distance, SelectSettings) from
//!   `mediacapture-core`; crop-and-scale and resampling from `mediacapture-signal`.
//! - Devices come from backends behind the `mediacapture-hal` seam; [`platform`] is the one
//!   place that names them. The fake backend is always available.
//! - The spec's interfaces, one file each: [`MediaDevices`], [`MediaDeviceInfo`],
//!   [`MediaStream`], [`MediaStreamTrack`], and their [`events`].
//!
//! # Cargo features
//! | feature | default | gives |
//! |---|---|---|
//! | `pipewire` | yes | the PipeWire backend (Linux cameras, microphones, speakers) |
//! | `cpal` | yes | the cpal backend (sound cards through ALSA, PulseAudio, CoreAudio, WASAPI) |
//! | `recorder` | no | `MediaRecorder`, `BlobEvent`, `MediaRecorderOptions` (WebM, Ogg) |
//! | `image-capture` | no | `ImageCapture`, `ImageBitmap` (PNG, JPEG photos) |
//! | `encode` | no (`recorder` has it) | [`encode`]: shared encoders and their subscriptions |
//!
//! The fake backend is always there: `MEDIACAPTURE_BACKENDS=fake` gives any program built on
//! this crate the default fake devices (see [`platform`] for every environment value).
//!
//! # Debug builds
//! The media path runs in real time. Unoptimized, it cannot keep up (a 1080p camera scaled to
//! 720p gives about 2 fps instead of 30), so a program's `Cargo.toml` should optimize its
//! dependencies in debug builds too; the README has the two lines.
//!
//! Every `async fn` here works with any runtime or none ([`block_on`]); every public type that
//! a program would share across threads is `Send + Sync`.
#![forbid(unsafe_code)]
// docs.rs (see Cargo.toml) builds with every feature and labels what each item needs.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings))))]

pub use mediacapture_main::*;

/// Encode once: one encoder per (track, codec, parameters), shared by every consumer of the
/// encoded track (recorders, and later WebRTC senders). See [`mediacapture_encode`].
#[cfg(feature = "encode")]
#[cfg_attr(docsrs, doc(cfg(feature = "encode")))]
pub use mediacapture_encode as encode;
#[cfg(feature = "image-capture")]
#[cfg_attr(docsrs, doc(cfg(feature = "image-capture")))]
pub use mediacapture_image::{FRAME_TIMEOUT, ImageBitmap, ImageCapture, PHOTO_TYPES, encode_photo};
#[cfg(feature = "recorder")]
#[cfg_attr(docsrs, doc(cfg(feature = "recorder")))]
pub use mediacapture_record::{
    BlobEvent, DEFAULT_AUDIO_BITS_PER_SECOND, DEFAULT_KEY_FRAME_INTERVAL_MS,
    DEFAULT_VIDEO_BITS_PER_SECOND, MediaRecorder, MediaRecorderOptions, MediaRecorderStats,
    RECORDER_EVENT_BYTES, RECORDER_EVENT_CAPACITY, RecorderEvent, SUPPORTED_TYPES, make_seekable,
};
/// WebRTC: `RTCPeerConnection` and its objects. See [`mediacapture_webrtc`].
#[cfg(feature = "webrtc")]
#[cfg_attr(docsrs, doc(cfg(feature = "webrtc")))]
pub use mediacapture_webrtc as webrtc;

/// What most programs use, in one import: `use mediacapture::prelude::*;`.
///
/// The entry point ([`MediaDevices`]), streams and tracks with their events, the constraint
/// dictionaries, frames and their reader and generators, the error, [`block_on`], and
/// `MediaRecorder` / `ImageCapture` where their features are on.
pub mod prelude {
    #[cfg(feature = "image-capture")]
    pub use mediacapture_image::{ImageBitmap, ImageCapture};
    pub use mediacapture_main::prelude::*;
    #[cfg(feature = "recorder")]
    pub use mediacapture_record::{BlobEvent, MediaRecorder, MediaRecorderOptions, RecorderEvent};
}
