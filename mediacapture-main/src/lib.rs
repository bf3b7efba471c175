//! The base of mediacapture: [W3C Media Capture and Streams](https://w3c.github.io/mediacapture-main/)
//! (`getUserMedia`, `enumerateDevices`, `MediaStream`, `MediaStreamTrack`, constraints), its
//! transform ([`MediaStreamTrackProcessor`], [`VideoTrackGenerator`], [`AudioTrackGenerator`])
//! and its stats, with the spec's semantics and errors.
//!
//! Most programs use the `mediacapture` crate, which re-exports everything here and, behind
//! features, the sibling spec crates built on it (`mediacapture-record`,
//! `mediacapture-image`). This crate knows nothing of its siblings; what they need beyond
//! the spec's API is in [`ext`].
//!
//! ```
//! use mediacapture_main::*;
//!
//! let devices = MediaDevices::builder().fake_default_devices().build()?;
//! let stream = block_on(devices.get_user_media(MediaStreamConstraints::from_json(r#"{"video":true}"#)?))?;
//! let track = &stream.get_video_tracks()[0];
//! let frames = MediaStreamTrackProcessor::new(track, None)?;
//! assert!(frames.read().is_some());
//! track.stop();
//! # Ok::<(), MediaStreamError>(())
//! ```
//!
//! # Layout
//! - Spec types (constraints, settings, capabilities, enums, [`MediaStreamError`]) come from
//!   `mediacapture-types` and are re-exported here.
//! - The algorithms (fitness distance, SelectSettings) live in `mediacapture-core`; crop-and-
//!   scale and resampling in `mediacapture-signal`.
//! - Devices come from backends behind the `mediacapture-hal` seam; [`platform`] is the one
//!   place that names them. The fake backend is always available.
//! - `engine/` (private) holds what a track is made of: the fan-out queue, the context, the
//!   media path. It never imports `api/`.
//! - `api/` holds the spec's interfaces, one file each: [`MediaDevices`],
//!   [`MediaDeviceInfo`], [`MediaStream`], [`MediaStreamTrack`], their [`events`], the
//!   transform's processor and generators.
//!
//! # Cargo features
//! | feature | default | gives |
//! |---|---|---|
//! | `pipewire` | yes | the PipeWire backend (Linux cameras, microphones, speakers) |
//! | `cpal` | yes | the cpal backend (sound cards through ALSA, PulseAudio, CoreAudio, WASAPI) |
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

mod api;
mod block_on;
mod engine;
pub mod ext;
mod generator;
pub mod permissions;
pub mod platform;

pub use api::audio_track_generator::AudioTrackGenerator;
pub use api::events::{
    self, DeviceChangeEvent, EventSubscription, MediaStreamTrackEvent, MediaStreamTrackEventType,
    RecvTimeoutError, TrackEvent, TryRecvError,
};
pub use api::media_device_info::MediaDeviceInfo;
pub use api::media_devices::MediaDevices;
pub use api::media_devices::builder::MediaDevicesBuilder;
pub use api::media_stream::MediaStream;
pub use api::media_stream_track::MediaStreamTrack;
pub use api::media_stream_track_processor::{MAX_BUFFER_SIZE, MediaStreamTrackProcessor};
pub use api::video_track_generator::VideoTrackGenerator;
pub use block_on::block_on;
pub use engine::media::MediaStreamTrackStats;
pub use mediacapture_hal::frame::{
    AudioData, AudioSampleFormat, AudioSamples, MediaFrame, PlaneLayout, Rect, VideoColorSpace,
    VideoFrame, VideoPixelFormat,
};
pub use permissions::{PermissionName, PermissionPolicy, PermissionRequest, PermissionState};

pub use mediacapture_backend_fake::{self as fake, FakeBackend, FakeDevicesConfig};
#[cfg(all(feature = "pipewire", target_os = "linux"))]
#[cfg_attr(docsrs, doc(cfg(all(feature = "pipewire", target_os = "linux"))))]
pub use mediacapture_backend_pipewire::{self as pipewire, PipeWireBackend};
pub use mediacapture_hal as hal;
/// Everything of `mediacapture-types`, including what a device can do
/// ([`types::device`]) and the JSON helpers the dictionaries use.
pub use mediacapture_types as types;
// The spec's dictionaries, enums and error, by name.
pub use mediacapture_types::{
    BitrateMode, Blob, BoolOrConstraints, BooleanOrDOMString, Constrain, ConstrainBoolean,
    ConstrainBooleanOrDOMString, ConstrainDOMString, ConstrainDouble, ConstrainULong,
    ConstrainableProperty, DOMStringOrSequence, DoubleRange, EchoCancellationModeEnum,
    FillLightMode, MediaDeviceKind, MediaSettingsRange, MediaStreamConstraints, MediaStreamError,
    MediaStreamTrackKind, MediaStreamTrackState, MediaTrackCapabilities, MediaTrackConstraintSet,
    MediaTrackConstraints, MediaTrackSettings, MediaTrackSupportedConstraints, PhotoCapabilities,
    PhotoSettings, RecordingState, RedEyeReduction, SPEC_URL, ToJson, ULongRange,
    VideoFacingModeEnum, VideoResizeModeEnum,
};

/// What most programs use, in one import: `use mediacapture_main::prelude::*;`.
///
/// The entry point ([`MediaDevices`]), streams and tracks with their events, the constraint
/// dictionaries, frames and their reader and generators, the error and [`block_on`].
pub mod prelude {
    pub use crate::{
        AudioData, AudioTrackGenerator, Blob, DeviceChangeEvent, EventSubscription,
        MediaDeviceInfo, MediaDeviceKind, MediaDevices, MediaFrame, MediaStream,
        MediaStreamConstraints, MediaStreamError, MediaStreamTrack, MediaStreamTrackKind,
        MediaStreamTrackProcessor, MediaStreamTrackState, MediaTrackConstraints,
        MediaTrackSettings, PermissionPolicy, PhotoSettings, RecordingState, RecvTimeoutError,
        ToJson, TrackEvent, VideoFrame, VideoPixelFormat, VideoTrackGenerator, block_on,
    };
}
