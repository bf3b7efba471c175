//! `VideoTrackGenerator`.

use std::sync::Arc;

use crate::generator::Generator;
use crate::{MediaFrame, MediaStreamError, MediaStreamTrack, MediaStreamTrackKind, VideoFrame};

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

impl VideoTrackGenerator {
    /// A generator and its track (unmuted, live).
    #[allow(clippy::new_without_default)] // A generator is a resource, not a value.
    pub fn new() -> Self {
        let (core, track) = Generator::new(MediaStreamTrackKind::Video);
        VideoTrackGenerator { core, track }
    }

    /// The generated track (always the same object).
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    /// Sends `frame` (shared, not copied) to every live track of this generator; discarded
    /// while muted.
    ///
    /// # Errors
    /// `TypeError` once every track of the generator has ended (or it was closed).
    pub fn write(&self, frame: &VideoFrame) -> Result<(), MediaStreamError> {
        self.core.write(MediaFrame::Video(frame.clone()))
    }

    /// Whether written frames are discarded and the tracks muted.
    pub fn muted(&self) -> bool {
        self.core.muted()
    }

    /// Mutes or unmutes: the tracks fire `mute`/`unmute` on a change.
    pub fn set_muted(&self, muted: bool) {
        self.core.set_muted(muted);
    }

    /// Closes the writable side: every live track ends and fires `ended`.
    pub fn close(&self) {
        self.core.close();
    }
}

impl std::fmt::Debug for VideoTrackGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VideoTrackGenerator")
            .field("track", &self.track)
            .field("muted", &self.muted())
            .finish()
    }
}
