//! `MediaRecorder`: records a `MediaStream` into WebM (VP8/VP9 + Opus) or Ogg Opus.
//!
//! Corresponds to [MediaStream Recording](https://w3c.github.io/mediacapture-record/)
//! (spec-notes §7). The engine (encoder threads, controller, containers) is in
//! `recorder.rs`; the events in `blob_event.rs`.

use std::fmt;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::blob_event::{RECORDER_EVENT_CAPACITY, RecorderEvent};
use crate::mime;
use crate::recorder::controller;
use crate::recorder::encoders::Encoders;
use crate::recorder::state::{
    Core, Counters, MIN_TIMESLICE, Msg, Plan, Status, inactivate, split_bits_per_second,
};
use mediacapture_encode::KeyFramePolicy;
use mediacapture_hal::sync::lock;
use mediacapture_main::ext::{self, EventBus};
use mediacapture_main::{
    BitrateMode, EventSubscription, MediaStream, MediaStreamError, MediaStreamTrackKind,
    MediaStreamTrackState, RecordingState,
};

/// The default `videoBitsPerSecond` (Chrome's).
pub const DEFAULT_VIDEO_BITS_PER_SECOND: u32 = 2_500_000;
/// The default `audioBitsPerSecond`.
pub const DEFAULT_AUDIO_BITS_PER_SECOND: u32 = 128_000;
/// The keyframe interval when neither `videoKeyFrameIntervalDuration` nor
/// `videoKeyFrameIntervalCount` is given, in ms: 100 frames at 30 fps, as a browser's
/// MediaRecorder does. Measured on the realistic-content bench, 720p30 at 2.5 Mb/s: a keyframe
/// every 2 s costs 1 dB of PSNR-Y against this.
pub const DEFAULT_KEY_FRAME_INTERVAL_MS: f64 = 10_000.0 / 3.0;
/// The types this recorder records, each as `isTypeSupported` accepts it (parameter order,
/// case and spacing may vary; `codecs` may be left out for the container's default codecs).
/// `""` (the default, `video/webm;codecs=vp8,opus` or `audio/webm;codecs=opus`) is accepted
/// too.
pub const SUPPORTED_TYPES: &[&str] = &[
    "video/webm;codecs=vp8,opus",
    "video/webm;codecs=vp9,opus",
    "video/webm;codecs=vp8",
    "video/webm;codecs=vp9",
    "video/webm;codecs=opus",
    "video/webm",
    "audio/webm;codecs=opus",
    "audio/webm",
    "audio/ogg;codecs=opus",
    "audio/ogg",
];

/// Makes a finished recording seekable, in place: a WebM file that a recorder's
/// `dataavailable` blobs were written to, whole, gets its `Duration`, cluster sizes and a seek
/// index (`Cues`), so that players show its length and seek in it. `Ok(false)` when there is
/// nothing to do: an Ogg file (whose duration readers take from its last page), a WebM file
/// without media, or one written otherwise.
///
/// Not in the spec: a browser hands out the live layout only (a page has to remux to get
/// this). Call it once the recorder has stopped and every blob is in the file; the file
/// plays as before if the call fails or is cut short.
///
/// # Errors
/// `OperationError` when the file cannot be read or written, or is a WebM file this recorder
/// did not write (or one already finished).
pub fn make_seekable<F: std::io::Read + std::io::Write + std::io::Seek>(
    file: &mut F,
) -> Result<bool, MediaStreamError> {
    let mut magic = [0u8; 4];
    let read = file
        .seek(std::io::SeekFrom::Start(0))
        .and_then(|_| file.read(&mut magic))
        .map_err(|e| MediaStreamError::operation(format!("cannot read the recording: {e}")))?;
    if read < 4 || magic != [0x1A, 0x45, 0xDF, 0xA3] {
        // Ogg ("OggS"), or too short to be anything.
        return Ok(false);
    }
    mediacapture_codecs::webm_seek::make_seekable(file)
        .map_err(|e| MediaStreamError::operation(e.to_string()))
}

/// The options of a recorder.
///
/// Corresponds to [`MediaRecorderOptions`](https://w3c.github.io/mediacapture-record/#mediarecorderoptions-section);
/// (de)serializes in the JSON shape a web page passes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct MediaRecorderOptions {
    /// The container and codecs, e.g. `video/webm;codecs=vp8,opus`; `""` lets the recorder
    /// choose.
    #[serde(default)]
    pub mime_type: String,
    /// Audio bit rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_bits_per_second: Option<u32>,
    /// Video bit rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_bits_per_second: Option<u32>,
    /// Both together: overrides the other two, split between the tracks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bits_per_second: Option<u32>,
    /// Constant or variable (default) audio bit rate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_bitrate_mode: Option<BitrateMode>,
    /// A keyframe at least this often, in ms.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_key_frame_interval_duration: Option<f64>,
    /// A keyframe at least every this many frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_key_frame_interval_count: Option<u32>,
}

impl MediaRecorderOptions {
    /// Options with this `mimeType`.
    pub fn mime_type(mime_type: &str) -> Self {
        MediaRecorderOptions {
            mime_type: mime_type.to_owned(),
            ..Default::default()
        }
    }

    /// Parses the JSON a web page would pass; a wrong member or type is a `TypeError` naming
    /// it.
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        // Strict, like the constraint dictionaries: no trailing data, no duplicate member.
        mediacapture_main::types::parse_json(json).map_err(|e| {
            MediaStreamError::type_error(format!("MediaRecorderOptions: {}", e.message()))
        })
    }
}

/// What a recorder has done so far (for progress reports; not a spec interface).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MediaRecorderStats {
    /// Video frames encoded.
    pub video_frames: u64,
    /// Opus packets encoded (20 ms each).
    pub audio_packets: u64,
    /// Video frames that reached the recorder but were dropped before encoding (its queue of
    /// a second of frames was full): the encoder fell behind.
    pub video_frames_dropped: u64,
    /// Audio chunks dropped the same way.
    pub audio_chunks_dropped: u64,
    /// Bytes handed out in `dataavailable` events.
    pub bytes: u64,
    /// The end of the media written so far on the recording's timeline, in µs.
    pub media_time_us: u64,
}

/// Records a stream.
///
/// Corresponds to [`MediaRecorder`](https://w3c.github.io/mediacapture-record/#mediarecorder-api).
/// `state` changes at once in [`start`](Self::start), [`stop`](Self::stop),
/// [`pause`](Self::pause) and [`resume`](Self::resume); the events come afterwards, in the
/// spec's order, on [`events`](Self::events) (subscribe before `start` to see `start`).
///
/// Formats: `video/webm;codecs=vp8,opus` (the default with video), `video/webm;codecs=vp9,opus`,
/// `audio/webm;codecs=opus` (the default for audio alone) and `audio/ogg;codecs=opus`. The
/// first live video track and the first live audio track are recorded. Muted tracks give no
/// frames (the file holds a gap); disabled tracks give black frames and silence.
///
/// ```
/// use mediacapture_main::*;
/// use mediacapture_record::*;
/// let devices = MediaDevices::builder().fake_default_devices().build()?;
/// let stream = block_on(devices.get_user_media(MediaStreamConstraints::from_json(
///     r#"{"video":{"width":320,"height":240},"audio":true}"#,
/// )?))?;
/// let recorder = MediaRecorder::new(&stream, MediaRecorderOptions::default())?;
/// let events = recorder.events();
/// recorder.start(None)?;
/// std::thread::sleep(std::time::Duration::from_millis(300));
/// recorder.stop();
/// let mut file = Vec::new();
/// for e in events {
///     match e {
///         RecorderEvent::DataAvailable(b) => file.extend_from_slice(b.data().bytes()),
///         RecorderEvent::Stop => break,
///         _ => {}
///     }
/// }
/// assert!(file.starts_with(&[0x1A, 0x45, 0xDF, 0xA3])); // EBML: a WebM file
/// # Ok::<(), MediaStreamError>(())
/// ```
pub struct MediaRecorder {
    stream: MediaStream,
    core: Arc<Core>,
    bitrate_mode: BitrateMode,
    key_interval_ms: Option<f64>,
    key_interval_count: Option<u32>,
}

impl fmt::Debug for MediaRecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MediaRecorder")
            .field("stream", &self.stream.id())
            .field("state", &self.state())
            .field("mime_type", &self.mime_type())
            .finish()
    }
}

impl MediaRecorder {
    /// A recorder of `stream` (which may be empty or inactive).
    ///
    /// Corresponds to the [constructor](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-constructor).
    ///
    /// # Errors
    /// `NotSupportedError` for a `mimeType` we cannot record, or when both
    /// `videoKeyFrameIntervalDuration` and `videoKeyFrameIntervalCount` are given (the WPT's
    /// place for that check; the spec's is `start()`); `TypeError` for a non-finite or negative
    /// keyframe interval.
    pub fn new(
        stream: &MediaStream,
        options: MediaRecorderOptions,
    ) -> Result<Self, MediaStreamError> {
        // Step 1.
        if mime::is_type_supported(&options.mime_type, true).is_err() {
            return Err(MediaStreamError::not_supported(format!(
                "cannot record {:?}",
                options.mime_type
            )));
        }
        if options.video_key_frame_interval_duration.is_some()
            && options.video_key_frame_interval_count.is_some()
        {
            return Err(MediaStreamError::not_supported(
                "give videoKeyFrameIntervalDuration or videoKeyFrameIntervalCount, not both",
            ));
        }
        if options
            .video_key_frame_interval_duration
            .is_some_and(|d| !d.is_finite() || d < 0.0)
        {
            return Err(MediaStreamError::type_error(
                "videoKeyFrameIntervalDuration must be a finite, non-negative number",
            ));
        }
        // Steps 2, 4–8.
        let (mut video, mut audio) = (
            options
                .video_bits_per_second
                .unwrap_or(DEFAULT_VIDEO_BITS_PER_SECOND),
            options
                .audio_bits_per_second
                .unwrap_or(DEFAULT_AUDIO_BITS_PER_SECOND),
        );
        if let Some(total) = options.bits_per_second {
            (video, audio) = split_bits_per_second(total);
        }
        let core = Arc::new(Core {
            status: Mutex::new(Status {
                state: RecordingState::Inactive,
                mime_type: options.mime_type.clone(),
                constrained_mime_type: options.mime_type.clone(),
                constrained_bits_per_second: options.bits_per_second,
                video_bits_per_second: video,
                audio_bits_per_second: audio,
                session: 0,
                commands: None,
                clock: None,
                previous: None,
            }),
            events: EventBus::new(),
            counters: Counters::default(),
        });
        Ok(MediaRecorder {
            stream: stream.new_handle(),
            core,
            bitrate_mode: options.audio_bitrate_mode.unwrap_or(BitrateMode::Variable),
            key_interval_ms: options.video_key_frame_interval_duration,
            key_interval_count: options.video_key_frame_interval_count,
        })
    }

    /// Whether [`new`](Self::new) and [`start`](Self::start) would accept `mime_type`.
    ///
    /// Corresponds to [`MediaRecorder.isTypeSupported()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-istypesupported).
    /// Never panics, whatever the string.
    #[doc(alias = "isTypeSupported")]
    pub fn is_type_supported(mime_type: &str) -> bool {
        mime::is_type_supported(mime_type, false).is_ok()
    }

    /// The stream recorded.
    pub fn stream(&self) -> &MediaStream {
        &self.stream
    }

    /// The MIME type: as constructed until the `start` event, then with the codecs recorded;
    /// back to the constructed one when the recording ends.
    #[doc(alias = "mimeType")]
    pub fn mime_type(&self) -> String {
        lock(&self.core.status).mime_type.clone()
    }

    /// `inactive`, `recording` or `paused`.
    pub fn state(&self) -> RecordingState {
        lock(&self.core.status).state
    }

    /// The video bit rate in use (or that will be).
    #[doc(alias = "videoBitsPerSecond")]
    pub fn video_bits_per_second(&self) -> u32 {
        lock(&self.core.status).video_bits_per_second
    }

    /// The audio bit rate in use (or that will be).
    #[doc(alias = "audioBitsPerSecond")]
    pub fn audio_bits_per_second(&self) -> u32 {
        lock(&self.core.status).audio_bits_per_second
    }

    /// Constant or variable audio bit rate.
    #[doc(alias = "audioBitrateMode")]
    pub fn audio_bitrate_mode(&self) -> BitrateMode {
        self.bitrate_mode
    }

    /// A subscription to this recorder's events, holding up to [`RECORDER_EVENT_CAPACITY`]
    /// events and [`RECORDER_EVENT_BYTES`](crate::RECORDER_EVENT_BYTES) of blobs. It ends when the recorder is dropped
    /// (after its last recording's `stop`).
    ///
    /// Every `dataavailable` reaches every subscription, or the recording fails: a subscriber
    /// that falls so far behind that the next blob does not fit gets, after the blobs it has
    /// queued, an `error` event (`UnknownError`, saying how far behind it was) and then the end
    /// of its subscription; the recording stops with an `error` for everyone else. The file a
    /// program assembles from its blobs is therefore whole, or it has been told it is not.
    pub fn events(&self) -> EventSubscription<RecorderEvent> {
        self.core.events.subscribe(RECORDER_EVENT_CAPACITY)
    }

    /// Counters of the current (or last) recording.
    pub fn stats(&self) -> MediaRecorderStats {
        let c = &self.core.counters;
        MediaRecorderStats {
            video_frames: c.video_frames.load(Ordering::Relaxed),
            audio_packets: c.audio_packets.load(Ordering::Relaxed),
            video_frames_dropped: c.video_dropped.load(Ordering::Relaxed)
                + c.video_skipped.load(Ordering::Relaxed),
            audio_chunks_dropped: c.audio_dropped.load(Ordering::Relaxed)
                + c.audio_skipped.load(Ordering::Relaxed),
            bytes: c.bytes.load(Ordering::Relaxed),
            media_time_us: c.media_us.load(Ordering::Relaxed),
        }
    }

    /// Starts recording; with `timeslice` (ms), a `dataavailable` about that often (at least
    /// every 10 ms), else only on [`request_data`](Self::request_data) and at the end.
    ///
    /// Corresponds to [`start()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-start).
    ///
    /// # Errors
    /// `InvalidStateError` unless inactive; `NotSupportedError` for an inactive stream, or a
    /// track the type cannot record (a video track with an `audio/…` type, or a kind whose
    /// codec the type's `codecs` leaves out).
    pub fn start(&self, timeslice: Option<u32>) -> Result<(), MediaStreamError> {
        let mut st = lock(&self.core.status);
        // Step 2.
        if st.state != RecordingState::Inactive {
            return Err(MediaStreamError::invalid_state(format!(
                "start() on a recorder that is {}",
                st.state
            )));
        }
        // Steps 1 and 4: the live tracks; none is an inactive stream.
        let tracks: Vec<_> = self
            .stream
            .get_tracks()
            .into_iter()
            .filter(|t| t.ready_state() == MediaStreamTrackState::Live)
            .collect();
        if tracks.is_empty() {
            return Err(MediaStreamError::not_supported(
                "the stream is inactive: nothing to record",
            ));
        }
        let video_track = tracks
            .iter()
            .find(|t| t.kind() == MediaStreamTrackKind::Video);
        let audio_track = tracks
            .iter()
            .find(|t| t.kind() == MediaStreamTrackKind::Audio);
        // Steps 5 and 8: the configuration the type allows, with which every track must be
        // recordable (codecs we do not know are checked "in parallel", after start).
        let format = mime::recording_format(
            &st.constrained_mime_type,
            video_track.is_some(),
            audio_track.is_some(),
        )?;
        // Step 6: bitsPerSecond split again over the tracks present.
        if let Some(total) = st.constrained_bits_per_second {
            (st.video_bits_per_second, st.audio_bits_per_second) =
                match (video_track.is_some(), audio_track.is_some()) {
                    (true, false) => (total, 0),
                    (false, true) => (0, total),
                    _ => split_bits_per_second(total),
                };
        }
        // Step 7: the configuration; the encoders (shared with any other consumer of the
        // same track and configuration) start now, so that the frames delivered from now on
        // are recorded.
        let key_frames = match self.key_interval_count {
            Some(n) => KeyFramePolicy::Count(n),
            None => KeyFramePolicy::Interval(Duration::from_micros(
                (self
                    .key_interval_ms
                    .unwrap_or(DEFAULT_KEY_FRAME_INTERVAL_MS)
                    * 1000.0)
                    .max(0.0) as u64,
            )),
        };
        let encoders = Encoders::subscribe(
            video_track.map(|t| (t, format.video_codec, st.video_bits_per_second, key_frames)),
            audio_track.map(|t| {
                let variable = self.bitrate_mode == BitrateMode::Variable;
                (t, st.audio_bits_per_second, variable)
            }),
            &format.unknown,
        );
        // The type the `start` event will show.
        let codecs: Vec<&str> = [
            video_track.map(|_| format.video_codec.name()),
            audio_track.map(|_| "opus"),
        ]
        .into_iter()
        .flatten()
        .collect();
        let mime_type = format!(
            "{}/{};codecs={}",
            format.kind,
            format.subtype,
            codecs.join(",")
        );
        // Step 9: recording, from now; the rest happens on the recording's threads.
        st.session += 1;
        self.core.counters.reset();
        let plan = Plan {
            session: st.session,
            container: format.container,
            mime_type,
            video: encoders.video,
            audio: encoders.audio,
            failed: encoders.failed,
            timeslice: timeslice.map(|ms| Duration::from_millis(u64::from(ms)).max(MIN_TIMESLICE)),
            stream: self.stream.new_handle(),
            stream_version: ext::track_set_version(&self.stream),
        };
        let (tx, clock, handle) = controller::spawn(plan, &self.core, st.previous.take())?;
        st.state = RecordingState::Recording;
        st.commands = Some(tx);
        st.clock = Some(clock);
        st.previous = Some(handle);
        Ok(())
    }

    /// Stops recording: the state is `inactive` at once; `dataavailable` (the rest of the
    /// file) and `stop` follow. Does nothing on an inactive recorder.
    ///
    /// Corresponds to [`stop()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-stop).
    pub fn stop(&self) {
        let tx = {
            let mut st = lock(&self.core.status);
            if st.state == RecordingState::Inactive {
                return;
            }
            let tx = st.commands.take();
            inactivate(&mut st);
            tx
        };
        if let Some(tx) = tx {
            let _ = tx.send(Msg::Stop);
        }
    }

    /// Pauses: frames that arrive while paused are not recorded, and the paused time is cut
    /// from the recording's timeline. Nothing happens when already paused.
    ///
    /// Corresponds to [`pause()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-pause).
    ///
    /// # Errors
    /// `InvalidStateError` on an inactive recorder.
    pub fn pause(&self) -> Result<(), MediaStreamError> {
        self.pause_or_resume(RecordingState::Paused)
    }

    /// Resumes after [`pause`](Self::pause). Nothing happens when recording.
    ///
    /// Corresponds to [`resume()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-resume).
    ///
    /// # Errors
    /// `InvalidStateError` on an inactive recorder.
    pub fn resume(&self) -> Result<(), MediaStreamError> {
        self.pause_or_resume(RecordingState::Recording)
    }

    fn pause_or_resume(&self, to: RecordingState) -> Result<(), MediaStreamError> {
        let tx = {
            let mut st = lock(&self.core.status);
            if st.state == RecordingState::Inactive {
                return Err(MediaStreamError::invalid_state(format!(
                    "{}() on an inactive recorder",
                    if to == RecordingState::Paused {
                        "pause"
                    } else {
                        "resume"
                    }
                )));
            }
            if st.state == to {
                return Ok(());
            }
            st.state = to;
            if let Some(c) = &st.clock {
                c.set_paused(to == RecordingState::Paused);
            }
            st.commands.clone()
        };
        if let Some(tx) = tx {
            let _ = tx.send(if to == RecordingState::Paused {
                Msg::Pause
            } else {
                Msg::Resume
            });
        }
        Ok(())
    }

    /// Asks for a `dataavailable` with what was recorded since the last one (possibly
    /// nothing).
    ///
    /// Corresponds to [`requestData()`](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-requestdata).
    ///
    /// # Errors
    /// `InvalidStateError` on an inactive recorder.
    #[doc(alias = "requestData")]
    pub fn request_data(&self) -> Result<(), MediaStreamError> {
        let tx = {
            let st = lock(&self.core.status);
            if st.state == RecordingState::Inactive {
                return Err(MediaStreamError::invalid_state(
                    "requestData() on an inactive recorder",
                ));
            }
            st.commands.clone()
        };
        if let Some(tx) = tx {
            let _ = tx.send(Msg::RequestData);
        }
        Ok(())
    }
}

impl Drop for MediaRecorder {
    /// A recorder dropped while recording stops (the file is finished and the last events
    /// still reach subscriptions).
    fn drop(&mut self) {
        self.stop();
    }
}
