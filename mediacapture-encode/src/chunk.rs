//! A chunk as every consumer of a shared encoder receives it.

use std::time::Instant;

use mediacapture_codecs::EncodedChunk;

/// An encoded chunk (bytes, timestamp on the track's clock, duration, keyframe flag), shared by
/// every consumer (one allocation, however many), and when the track delivered its media.
///
/// Dereferences to the [`EncodedChunk`]: `chunk.key`, `chunk.timestamp`.
#[derive(Clone, Debug, PartialEq)]
pub struct Encoded {
    /// The chunk.
    pub chunk: EncodedChunk,
    /// When the track delivered the media at `chunk.timestamp` (its frame was queued for the
    /// encoder). A consumer that puts several tracks, whose clocks may differ, on one timeline
    /// (a recorder) anchors each track here rather than where the chunk reached it, which is
    /// later by the time the frame waited for the encoder's thread, the encoding time and, for
    /// Opus, a packet's worth of samples.
    pub arrived: Instant,
}

impl std::ops::Deref for Encoded {
    type Target = EncodedChunk;

    fn deref(&self) -> &EncodedChunk {
        &self.chunk
    }
}
