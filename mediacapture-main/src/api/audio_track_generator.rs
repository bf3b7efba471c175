//! `AudioTrackGenerator`: the audio counterpart of `VideoTrackGenerator`.

use std::sync::Arc;

use crate::generator::{Generator, track_generator_common};
use crate::{AudioData, MediaFrame, MediaStreamError, MediaStreamTrack};

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

track_generator_common!(AudioTrackGenerator, Audio, "data is");

impl AudioTrackGenerator {
    /// Sends `data` (shared, not copied) to every live track of this generator; discarded
    /// while muted.
    ///
    /// # Errors
    /// `TypeError` once every track of the generator has ended (or it was closed).
    pub fn write(&self, data: &AudioData) -> Result<(), MediaStreamError> {
        self.core.write(MediaFrame::Audio(data.clone()))
    }
}
