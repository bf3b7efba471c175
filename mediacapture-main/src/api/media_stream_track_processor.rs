//! `MediaStreamTrackProcessor`: reading a track's frames.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use mediacapture_hal::MediaFrame;

use crate::engine::bus::{EventSubscription, RecvTimeoutError, TryRecvError};
use crate::{MediaStreamError, MediaStreamTrack, MediaStreamTrackKind};

/// Reads the frames of a track: [`VideoFrame`](crate::VideoFrame)s of a video track,
/// [`AudioData`](crate::AudioData) of an audio track, exactly as the track's settings say.
///
/// Corresponds to [`MediaStreamTrackProcessor`](https://w3c.github.io/mediacapture-transform/#track-processor).
///
/// The processor queues at most `max_buffer_size` frames. When a frame arrives and the queue
/// is full, the **oldest** queued frame is dropped and counted in
/// [`discarded_frames`](Self::discarded_frames): a slow reader loses old frames, it never
/// stalls the source or another reader. Frames are shared with every other reader, not copied.
/// The processor ends (`read` returns `None`, the `Stream` ends) after the track ends.
///
/// ```
/// use mediacapture_main::*;
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let c = MediaStreamConstraints::from_json(r#"{"video":{"width":{"exact":320},"height":{"exact":180}}}"#)?;
/// let track = block_on(devices.get_user_media(c))?.get_video_tracks().remove(0);
/// let reader = MediaStreamTrackProcessor::new(&track, None)?;
/// let frame = reader.read().unwrap();
/// let frame = frame.as_video().unwrap();
/// assert_eq!((frame.coded_width(), frame.coded_height()), (320, 180));
/// # Ok::<(), MediaStreamError>(())
/// ```
pub struct MediaStreamTrackProcessor {
    track: MediaStreamTrack,
    frames: EventSubscription<MediaFrame>,
}

impl std::fmt::Debug for MediaStreamTrackProcessor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaStreamTrackProcessor")
            .field("track", &self.track)
            .field("frames", &self.frames)
            .finish()
    }
}

/// The largest `max_buffer_size` accepted.
pub const MAX_BUFFER_SIZE: u32 = 4096;

impl MediaStreamTrackProcessor {
    /// A reader of `track`'s frames, queueing at most `max_buffer_size` of them (default: 1 for
    /// video, the latest frame only; 10 for audio, 100 ms of 10 ms chunks).
    ///
    /// # Errors
    /// `TypeError` when `max_buffer_size` is 0 or above [`MAX_BUFFER_SIZE`].
    pub fn new(
        track: &MediaStreamTrack,
        max_buffer_size: Option<u32>,
    ) -> Result<Self, MediaStreamError> {
        let size = max_buffer_size.unwrap_or(match track.kind() {
            MediaStreamTrackKind::Video => 1,
            MediaStreamTrackKind::Audio => 10,
        });
        if size == 0 || size > MAX_BUFFER_SIZE {
            return Err(MediaStreamError::type_error(format!(
                "maxBufferSize must be 1 to {MAX_BUFFER_SIZE}, not {size}"
            )));
        }
        let frames = match track.pipe() {
            Some(pipe) => pipe.frames.subscribe(size as usize),
            None => return Err(MediaStreamError::type_error("the track is gone")),
        };
        Ok(MediaStreamTrackProcessor {
            track: track.new_handle(),
            frames,
        })
    }

    /// The track read.
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }

    /// Blocks until a frame comes (`Some`) or the track has ended and every queued frame was
    /// read (`None`).
    pub fn read(&self) -> Option<MediaFrame> {
        self.frames.recv()
    }

    /// As [`read`](Self::read), giving up after `timeout`.
    ///
    /// # Errors
    /// [`RecvTimeoutError::Timeout`], or [`RecvTimeoutError::Closed`] once the track has ended.
    pub fn read_timeout(&self, timeout: Duration) -> Result<MediaFrame, RecvTimeoutError> {
        self.frames.recv_timeout(timeout)
    }

    /// As [`read_timeout`](Self::read_timeout), also giving when the track delivered the
    /// frame.
    pub(crate) fn read_timeout_at(
        &self,
        timeout: Duration,
    ) -> Result<(MediaFrame, Instant), RecvTimeoutError> {
        self.frames.recv_timeout_at(timeout)
    }

    /// A queued frame, without blocking.
    ///
    /// # Errors
    /// [`TryRecvError::Empty`], or [`TryRecvError::Closed`] once the track has ended.
    pub fn try_read(&self) -> Result<MediaFrame, TryRecvError> {
        self.frames.try_recv()
    }

    /// How many frames are waiting to be read.
    pub(crate) fn queued(&self) -> usize {
        self.frames.queued()
    }

    /// Frames dropped from this processor's queue because it was full.
    ///
    /// Corresponds to [`MediaStreamTrackProcessor.discardedFrames`](https://w3c.github.io/mediacapture-transform/#dom-mediastreamtrackprocessor-discardedframes).
    pub fn discarded_frames(&self) -> u64 {
        self.frames.dropped()
    }

    /// Frames that reached this processor (read, queued or discarded).
    ///
    /// Corresponds to [`MediaStreamTrackProcessor.totalFrames`](https://w3c.github.io/mediacapture-transform/#dom-mediastreamtrackprocessor-totalframes).
    pub fn total_frames(&self) -> u64 {
        self.frames.received()
    }
}

impl futures_core::Stream for MediaStreamTrackProcessor {
    type Item = MediaFrame;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<MediaFrame>> {
        Pin::new(&mut self.frames).poll_next(cx)
    }
}

impl Iterator for MediaStreamTrackProcessor {
    type Item = MediaFrame;
    /// Blocks like [`read`](MediaStreamTrackProcessor::read).
    fn next(&mut self) -> Option<MediaFrame> {
        self.read()
    }
}
