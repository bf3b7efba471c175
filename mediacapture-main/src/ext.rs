//! The extension seam: what a sibling spec crate (`mediacapture-record`,
//! `mediacapture-image`, and later WebRTC, Web Audio and playback) needs from the base
//! beyond the spec's own API, and nothing more.
//!
//! A sibling builds on the public interfaces (`MediaStream`, `MediaStreamTrack`,
//! `MediaStreamTrackProcessor`, …) and takes from here only:
//! - [`EventBus`]: the bounded fan-out queue every event target uses, so that a sibling's own
//!   targets (a `MediaRecorder`) hand out the same [`EventSubscription`](crate::EventSubscription)s with the same rules;
//! - [`track_source`]: what the device behind a track can do and how it runs now (the photo
//!   capabilities of `ImageCapture` come from it);
//! - [`queued_frames`]: how many frames a reader has not read yet (an encoder drains what was
//!   queued when it was told to stop);
//! - [`read_frame_timeout`]: a frame with the moment the track delivered it (an encoder
//!   places the first frames of a recording's tracks on one timeline by it, however late its
//!   thread gets to them);
//! - [`track_set_version`]: a number that changes when a stream's track set changes (a
//!   recorder fails when its stream gains or loses a track).
//!
//! Nothing here is part of any spec; it may change between minor versions of the workspace's
//! crates, which always move together.

use std::time::{Duration, Instant};

use crate::types::device::{DeviceCapabilities, NativeConfig};
use crate::{MediaFrame, RecvTimeoutError};
use crate::{MediaStream, MediaStreamTrack, MediaStreamTrackProcessor};

pub use crate::engine::bus::EventBus;

/// The device behind a live track, as [`track_source`] reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct TrackSource {
    /// What the device can do (its modes, for a camera its fill-light modes).
    pub capabilities: DeviceCapabilities,
    /// The configuration the source runs in now.
    pub native: NativeConfig,
    /// Whether the source is a `VideoTrackGenerator`/`AudioTrackGenerator` (no device).
    pub generated: bool,
}

/// The device behind `track` and its source's current configuration; `None` once the track
/// has ended.
pub fn track_source(track: &MediaStreamTrack) -> Option<TrackSource> {
    track.source_info().map(|(device, native)| TrackSource {
        capabilities: device.descriptor.capabilities.clone(),
        native,
        generated: device.generated,
    })
}

/// How many frames `processor` holds that were not read yet.
pub fn queued_frames(processor: &MediaStreamTrackProcessor) -> usize {
    processor.queued()
}

/// As [`MediaStreamTrackProcessor::read_timeout`], also giving when the track delivered the
/// frame to `processor` (its queueing, not its reading).
///
/// # Errors
/// [`RecvTimeoutError::Timeout`], or [`RecvTimeoutError::Closed`] once the track has ended.
pub fn read_frame_timeout(
    processor: &MediaStreamTrackProcessor,
    timeout: Duration,
) -> Result<(MediaFrame, Instant), RecvTimeoutError> {
    processor.read_timeout_at(timeout)
}

/// A number that changes whenever a track is added to or removed from `stream`.
pub fn track_set_version(stream: &MediaStream) -> u64 {
    stream.track_set_version()
}
