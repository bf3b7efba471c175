//! `VideoTrackGenerator`.

use std::sync::Arc;

use crate::generator::{Generator, track_generator_common};
use crate::{MediaFrame, MediaStreamError, MediaStreamTrack, VideoFrame};

/// A video track fed with the program's own frames.
///
/// Corresponds to [`VideoTrackGenerator`](https://w3c.github.io/mediacapture-transform/#video-track-generator).
///
/// [`track()`](Self::track) is a video track like any other: clone it, read it, stop it,
/// apply constraints to it (with `resizeMode: "crop-and-scale"`, written frames are cropped and
/// scaled to its width, height and frame rate). Its settings follow the latest frame written,
/// its `frameRate` setting is estimated from the timestamps. The track is not tied to any
/// `MediaDevices`. Dropping the generator, or [`close`](Self::close), ends its tracks (with
/// `ended`).
///
/// ```
/// use mediacapture_main::*;
/// let generator = VideoTrackGenerator::new();
/// let reader = MediaStreamTrackProcessor::new(generator.track(), Some(4))?;
/// generator.write(&VideoFrame::black_i420(320, 240, 1_000).unwrap())?;
/// let got = reader.read().unwrap();
/// assert_eq!((got.as_video().unwrap().coded_width(), got.timestamp()), (320, 1_000));
/// assert_eq!(generator.track().get_settings().width, Some(320));
/// # Ok::<(), MediaStreamError>(())
/// ```
pub struct VideoTrackGenerator {
    core: Arc<Generator>,
    track: MediaStreamTrack,
}

track_generator_common!(VideoTrackGenerator, Video, "frames are");

impl VideoTrackGenerator {
    /// Sends `frame` (shared, not copied) to every live track of this generator; discarded
    /// while muted.
    ///
    /// # Errors
    /// `TypeError` once every track of the generator has ended (or it was closed).
    pub fn write(&self, frame: &VideoFrame) -> Result<(), MediaStreamError> {
        self.core.write(MediaFrame::Video(frame.clone()))
    }
}
