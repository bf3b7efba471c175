//! `AudioTrackGenerator`: the audio counterpart of `VideoTrackGenerator`.

use std::sync::Arc;

use crate::generator::Generator;
use crate::{AudioData, MediaFrame, MediaStreamError, MediaStreamTrack, MediaStreamTrackKind};

/// An audio track fed with the program's own [`AudioData`].
///
/// The audio counterpart of [`VideoTrackGenerator`](crate::VideoTrackGenerator), after the
/// legacy [`MediaStreamTrackGenerator`](https://w3c.github.io/mediacapture-transform/#track-generator)
/// with kind `"audio"` (the current spec has no audio generator). Its tracks' `sampleRate`,
/// `channelCount` and `sampleSize` settings follow the latest data written.
///
/// ```
/// use mediacapture_main::*;
/// let generator = AudioTrackGenerator::new();
/// let reader = MediaStreamTrackProcessor::new(generator.track(), None)?;
/// generator.write(&AudioData::new_s16(16_000, 2, 0, vec![7i16; 320]).unwrap())?;
/// assert_eq!(reader.read().unwrap().as_audio().unwrap().number_of_frames(), 160);
/// let s = generator.track().get_settings();
/// assert_eq!((s.sample_rate, s.channel_count, s.sample_size), (Some(16_000), Some(2), Some(16)));
/// # Ok::<(), MediaStreamError>(())
/// ```
pub struct AudioTrackGenerator {
    core: Arc<Generator>,
    track: MediaStreamTrack,
}

impl AudioTrackGenerator {
    /// A generator and its track (unmuted, live).
    #[allow(clippy::new_without_default)] // A generator is a resource, not a value.
    pub fn new() -> Self {
        let (core, track) = Generator::new(MediaStreamTrackKind::Audio);
        AudioTrackGenerator { core, track }
    }

    /// The generated track (always the same object).
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    /// Sends `data` (shared, not copied) to every live track of this generator; discarded
    /// while muted.
    ///
    /// # Errors
    /// `TypeError` once every track of the generator has ended (or it was closed).
    pub fn write(&self, data: &AudioData) -> Result<(), MediaStreamError> {
        self.core.write(MediaFrame::Audio(data.clone()))
    }

    /// Whether written data is discarded and the tracks muted.
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

impl std::fmt::Debug for AudioTrackGenerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioTrackGenerator")
            .field("track", &self.track)
            .field("muted", &self.muted())
            .finish()
    }
}
