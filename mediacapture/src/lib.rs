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
//! - Spec types (constraints, settings, capabilities, enums, [`MediaStreamError`]) come from
//!   `mediacapture-types` and are re-exported here.
//! - The algorithms (fitness distance, SelectSettings) live in `mediacapture-core`.
//! - Devices come from backends behind the `mediacapture-hal` seam; [`platform`] is the one
//!   place that names them. The fake backend is always available.
//! - This crate holds the spec's interfaces, one file each: [`MediaDevices`],
//!   [`MediaDeviceInfo`], [`MediaStream`], [`MediaStreamTrack`], and their [`events`].
//!
//! Every `async fn` here works with any runtime or none ([`block_on`]); every public type that
//! a program would share across threads is `Send + Sync`.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod api;
mod block_on;
mod context;
#[cfg(feature = "image-capture")]
mod deadline;
mod generator;
mod media;
pub mod permissions;
pub mod platform;
#[cfg(feature = "recorder")]
mod recorder;

pub use api::audio_track_generator::AudioTrackGenerator;
pub use api::events::{
    self, DeviceChangeEvent, EventSubscription, MediaStreamTrackEvent, MediaStreamTrackEventType,
    RecvTimeoutError, TrackEvent, TryRecvError,
};
#[cfg(feature = "image-capture")]
pub use api::image_capture::{FRAME_TIMEOUT, ImageBitmap, ImageCapture, PHOTO_TYPES, encode_photo};
pub use api::media_device_info::MediaDeviceInfo;
pub use api::media_devices::{MediaDevices, MediaDevicesBuilder};
#[cfg(feature = "recorder")]
pub use api::media_recorder::{
    BlobEvent, DEFAULT_AUDIO_BITS_PER_SECOND, DEFAULT_KEY_FRAME_INTERVAL_MS,
    DEFAULT_VIDEO_BITS_PER_SECOND, MediaRecorder, MediaRecorderOptions, MediaRecorderStats,
    RECORDER_EVENT_CAPACITY, RecorderEvent,
};
pub use api::media_stream::MediaStream;
pub use api::media_stream_track::MediaStreamTrack;
pub use api::media_stream_track_processor::{MAX_BUFFER_SIZE, MediaStreamTrackProcessor};
pub use api::video_track_generator::VideoTrackGenerator;
pub use block_on::block_on;
pub use media::MediaStreamTrackStats;
pub use mediacapture_hal::frame::{
    AudioData, AudioSampleFormat, AudioSamples, MediaFrame, PlaneLayout, Rect, VideoColorSpace,
    VideoFrame, VideoPixelFormat,
};
pub use permissions::{PermissionName, PermissionPolicy, PermissionRequest, PermissionState};

pub use mediacapture_backend_fake::{self as fake, FakeBackend, FakeDevicesConfig};
#[cfg(all(feature = "pipewire", target_os = "linux"))]
pub use mediacapture_backend_pipewire::{self as pipewire, PipeWireBackend};
pub use mediacapture_hal as hal;
pub use mediacapture_types::*;
