//! `MediaRecorder`'s engine: one controller thread per recording, and one encoder thread per
//! recorded track.
//!
//! ```text
//! track ─▶ MediaStreamTrackProcessor (bounded: 1 s; drops oldest, counted)
//!            │ encoder thread: pause → drop; timestamps → the recording's timeline;
//!            │ VP8/VP9 (libvpx) or Opus (libopus, after remix/resample when needed)
//!            ▼
//!         sync_channel (bounded) ─▶ controller thread: commands (pause, resume, requestData,
//!                                   stop) in call order; chunks interleaved by timestamp
//!                                   into the live WebM/Ogg writer; timeslices; every event
//! ```
//!
//! Every event of a recording comes from its controller thread, in the order the spec's task
//! queue would give; a new recording's controller first waits for the previous one to finish,
//! so `stop` of one recording always comes before `start` of the next.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError as ChannelTimeout, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mediacapture_codecs::opus::{OPUS_RATES, OpusEncoder};
use mediacapture_codecs::vpx::{VpxConfig, VpxEncoder};
use mediacapture_codecs::{Container, EncodedChunk, Muxer, TrackInfo, VideoCodec};

use crate::blob_event::{BlobEvent, RECORDER_EVENT_BYTES, RECORDER_EVENT_CAPACITY, RecorderEvent};
use mediacapture_hal::sync::lock;
use mediacapture_main::ext::{self, EventBus};
use mediacapture_main::{
    AudioData, AudioSamples, Blob, MediaFrame, MediaStream, MediaStreamError,
    MediaStreamTrackProcessor, RecordingState, RecvTimeoutError, VideoColorSpace, VideoFrame,
    VideoPixelFormat,
};
use mediacapture_signal::AudioConverter;

/// Messages to a controller, from the recorder's methods and from its encoder threads.
pub(crate) enum Msg {
    Pause,
    Resume,
    RequestData,
    Stop,
    Chunk(Kind, EncodedChunk),
    /// The track ended by itself.
    Ended(Kind),
    /// The encoder thread finished after a stop request.
    Done(Kind),
    Failed(String),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Video,
    Audio,
}

/// Capacity of a controller's channel: about a second of chunks at 30 fps plus 50 packets/s.
const CHANNEL: usize = 128;
/// A reader's queue (video frames; audio chunks): a second of media at typical rates.
pub(crate) const VIDEO_QUEUE: u32 = 30;
pub(crate) const AUDIO_QUEUE: u32 = 100;
/// A track ahead of the other by this much is written without waiting (the other stalls).
const MAX_LEAD_US: i64 = 1_000_000;
/// How long the encoder threads may take, after a stop, to encode the frames that were
/// queued when it came; what is left then is dropped (and counted). A stop completes within
/// this plus one frame's encoding and the encoders' flush.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(2);
/// The smallest timeslice (the spec's "UA minimum").
pub(crate) const MIN_TIMESLICE: Duration = Duration::from_millis(10);

/// The spec's slots and state of a recorder, shared by its handle and its controllers.
pub(crate) struct Status {
    pub state: RecordingState,
    pub mime_type: String,
    pub constrained_mime_type: String,
    pub constrained_bits_per_second: Option<u32>,
    pub video_bits_per_second: u32,
    pub audio_bits_per_second: u32,
    /// Increases with each `start()`; a controller acts on the status only while current.
    pub session: u64,
    pub commands: Option<SyncSender<Msg>>,
    pub clock: Option<Arc<SessionClock>>,
    pub previous: Option<JoinHandle<()>>,
}

/// Counters for progress reports.
#[derive(Default)]
pub(crate) struct Counters {
    pub video_frames: AtomicU64,
    pub audio_packets: AtomicU64,
    pub video_dropped: AtomicU64,
    pub audio_dropped: AtomicU64,
    /// Frames and chunks left unencoded when a stop's drain ran out of time.
    pub video_skipped: AtomicU64,
    pub audio_skipped: AtomicU64,
    pub bytes: AtomicU64,
    pub media_us: AtomicU64,
}

impl Counters {
    pub(crate) fn reset(&self) {
        for c in [
            &self.video_frames,
            &self.audio_packets,
            &self.video_dropped,
            &self.audio_dropped,
            &self.video_skipped,
            &self.audio_skipped,
            &self.bytes,
            &self.media_us,
        ] {
            c.store(0, Ordering::Relaxed);
        }
    }
}

pub(crate) struct Core {
    pub status: Mutex<Status>,
    pub events: EventBus<RecorderEvent>,
    pub counters: Counters,
}

impl Core {
    /// "Inactivate the recorder", if `session` is still the current recording.
    fn inactivate(&self, session: u64) {
        let mut st = lock(&self.status);
        if st.session == session {
            inactivate(&mut st);
        }
    }
}

/// The spec's *inactivate the recorder* on `st`.
pub(crate) fn inactivate(st: &mut Status) {
    st.mime_type = st.constrained_mime_type.clone();
    st.state = RecordingState::Inactive;
    st.commands = None;
    st.clock = None;
    if let Some(total) = st.constrained_bits_per_second {
        let (v, a) = split_bits_per_second(total);
        st.video_bits_per_second = v;
        st.audio_bits_per_second = a;
    }
}

/// Splits `bitsPerSecond` into video and audio parts, both non-zero, adding up to about the
/// total (at most 128 kb/s, a tenth, goes to audio).
pub(crate) fn split_bits_per_second(total: u32) -> (u32, u32) {
    let audio = (total / 10).clamp(1, 128_000);
    (total.saturating_sub(audio).max(1), audio)
}

/// The recording's wall clock, less paused time; `paused` is set synchronously by `pause()`.
pub(crate) struct SessionClock {
    start: Instant,
    pub paused: AtomicBool,
    /// When the current pause began, and the paused time before it.
    pauses: Mutex<(Option<Instant>, Duration)>,
}

impl SessionClock {
    fn new() -> Self {
        SessionClock {
            start: Instant::now(),
            paused: AtomicBool::new(false),
            pauses: Mutex::new((None, Duration::ZERO)),
        }
    }

    pub(crate) fn set_paused(&self, paused: bool) {
        let mut p = lock(&self.pauses);
        match (paused, p.0) {
            (true, None) => p.0 = Some(Instant::now()),
            (false, Some(since)) => {
                p.1 += since.elapsed();
                p.0 = None;
            }
            _ => {}
        }
        self.paused.store(paused, Ordering::Release);
    }

    /// Recording time now, in µs.
    fn elapsed_us(&self) -> i64 {
        let p = lock(&self.pauses);
        let now = Instant::now();
        let paused = p.1 + p.0.map_or(Duration::ZERO, |s| now - s);
        i64::try_from((now - self.start).saturating_sub(paused).as_micros()).unwrap_or(i64::MAX)
    }
}

/// Maps one track's timestamps onto the recording's timeline: anchored where its first frame
/// arrived, then following the track's own clock, with paused stretches cut out.
#[derive(Default)]
struct TrackClock {
    /// (first media timestamp, its place on the timeline).
    first: Option<(i64, i64)>,
    /// The media time at which a pause began (the first frame dropped).
    pause_from: Option<i64>,
    removed: i64,
    last: Option<i64>,
}

impl TrackClock {
    fn paused(&mut self, ts: i64) {
        if self.first.is_some() {
            self.pause_from.get_or_insert(ts);
        }
    }

    fn map(&mut self, ts: i64, session: &SessionClock, strictly_increasing: bool) -> i64 {
        if let Some(p) = self.pause_from.take() {
            self.removed += (ts - p).max(0);
        }
        let (m0, o0) = *self.first.get_or_insert_with(|| (ts, session.elapsed_us()));
        let mut out = (o0 + ts - m0 - self.removed).max(0);
        if let Some(last) = self.last.filter(|l| strictly_increasing && out <= *l) {
            out = last + 1;
        }
        self.last = Some(out);
        out
    }
}

/// What `start()` decided for the video track.
pub(crate) struct VideoPlan {
    pub reader: MediaStreamTrackProcessor,
    pub codec: VideoCodec,
    pub bits_per_second: u32,
    pub key_interval_us: Option<i64>,
    pub key_interval_count: Option<u32>,
    pub width: u32,
    pub height: u32,
    pub frame_rate: f64,
}

/// What `start()` decided for the audio track.
pub(crate) struct AudioPlan {
    pub reader: MediaStreamTrackProcessor,
    pub bits_per_second: u32,
    pub variable: bool,
    pub sample_rate: u32,
    pub channels: u32,
}

/// A recording, as `start()` set it up.
pub(crate) struct Plan {
    pub session: u64,
    pub container: Container,
    pub mime_type: String,
    pub video: Option<VideoPlan>,
    pub audio: Option<AudioPlan>,
    /// Codec ids the type named that we cannot record (found "asynchronously").
    pub unknown_codecs: Vec<String>,
    pub timeslice: Option<Duration>,
    pub stream: MediaStream,
    pub stream_version: u64,
}

/// A started recording: its command channel, clock and controller thread.
pub(crate) type Started = (SyncSender<Msg>, Arc<SessionClock>, JoinHandle<()>);

/// Starts a recording's controller.
pub(crate) fn spawn(
    plan: Plan,
    core: &Arc<Core>,
    previous: Option<JoinHandle<()>>,
) -> Result<Started, MediaStreamError> {
    let (tx, rx) = sync_channel(CHANNEL);
    let clock = Arc::new(SessionClock::new());
    let (core2, tx2, clock2) = (Arc::clone(core), tx.clone(), Arc::clone(&clock));
    let handle = thread::Builder::new()
        .name("mediacapture-recorder".into())
        .spawn(move || {
            if let Some(p) = previous {
                let _ = p.join();
            }
            Controller::run(plan, core2, rx, tx2, clock2);
        })
        .map_err(|e| MediaStreamError::unknown(format!("cannot start the recorder: {e}")))?;
    Ok((tx, clock, handle))
}

enum End {
    /// `stop()`.
    Requested,
    /// Every recorded track ended: no error.
    TracksEnded,
    /// An error: fired before `dataavailable` and `stop`.
    Error(MediaStreamError),
}

struct Controller {
    core: Arc<Core>,
    session: u64,
    mime_type: String,
    muxer: Muxer,
    video_q: VecDeque<EncodedChunk>,
    audio_q: VecDeque<EncodedChunk>,
    /// Per kind: recorded, and finished (ended or done).
    has: [bool; 2],
    finished: [bool; 2],
    wrote_media: bool,
    first_ts: Option<i64>,
    blob_first_ts: Option<i64>,
    last_ts: i64,
    last_timecode: f64,
    blob_started: Instant,
    /// The file's last bytes, for the last blob.
    tail: Vec<u8>,
    /// A subscriber could not take a blob: the recording fails.
    lost_blob: bool,
}

/// What a subscriber too far behind to take the next blob gets instead.
fn behind() -> MediaStreamError {
    MediaStreamError::unknown(format!(
        "this event subscription fell {RECORDER_EVENT_CAPACITY} events or \
         {RECORDER_EVENT_BYTES} bytes of blobs behind: the next dataavailable could not be \
         queued, so the blobs it holds are not the whole recording"
    ))
}

fn idx(k: Kind) -> usize {
    match k {
        Kind::Video => 0,
        Kind::Audio => 1,
    }
}

impl Controller {
    fn run(
        plan: Plan,
        core: Arc<Core>,
        rx: Receiver<Msg>,
        tx: SyncSender<Msg>,
        clock: Arc<SessionClock>,
    ) {
        let session = plan.session;
        // Step 9.2: a combination found unsupported "in parallel": inactivate, error, stop
        // (no dataavailable).
        let setup = if plan.unknown_codecs.is_empty() {
            Self::setup(&plan)
        } else {
            Err(MediaStreamError::not_supported(format!(
                "cannot record the codecs {:?}",
                plan.unknown_codecs
            )))
        };
        let (muxer, video_enc, audio_enc) = match setup {
            Ok(v) => v,
            Err(e) => {
                core.inactivate(session);
                core.events.emit(RecorderEvent::Error(e));
                core.events.emit(RecorderEvent::Stop);
                return;
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        let mut workers = Vec::new();
        let has = [plan.video.is_some(), plan.audio.is_some()];
        if let (Some(v), Some(enc)) = (plan.video, video_enc) {
            let w = VideoWorker {
                reader: v.reader,
                encoder: Some(enc),
                codec: v.codec,
                bits_per_second: v.bits_per_second,
                key_interval_us: v.key_interval_us,
                key_interval_count: v.key_interval_count,
                frame_us: (1e6 / v.frame_rate.max(1.0)) as i64,
                clock: TrackClock::default(),
                last_key: None,
                since_key: 0,
            };
            workers.push(spawn_worker(
                "mediacapture-recorder-video",
                Kind::Video,
                Box::new(w),
                &tx,
                &stop,
                &clock,
                &core,
            ));
        }
        if let (Some(a), Some(enc)) = (plan.audio, audio_enc) {
            let w = AudioWorker {
                reader: a.reader,
                encoder: enc,
                converter: None,
                clock: TrackClock::default(),
            };
            workers.push(spawn_worker(
                "mediacapture-recorder-audio",
                Kind::Audio,
                Box::new(w),
                &tx,
                &stop,
                &clock,
                &core,
            ));
        }
        drop(tx);
        let mut c = Controller {
            core,
            session,
            mime_type: plan.mime_type.clone(),
            muxer,
            video_q: VecDeque::new(),
            audio_q: VecDeque::new(),
            has,
            finished: [!has[0], !has[1]],
            wrote_media: false,
            first_ts: None,
            blob_first_ts: None,
            last_ts: 0,
            last_timecode: 0.0,
            blob_started: Instant::now(),
            tail: Vec::new(),
            lost_blob: false,
        };
        for (i, w) in workers.iter().enumerate() {
            if let Err(e) = w {
                c.finished[i] = true;
                log::warn!("recorder: {e}");
            }
        }
        // Step 9.3: mimeType for the actual configuration, then `start`.
        {
            let mut st = lock(&c.core.status);
            if st.session == session && st.state != RecordingState::Inactive {
                st.mime_type = plan.mime_type;
            }
        }
        c.core.events.emit(RecorderEvent::Start);
        let end = c.gather(&rx, plan.timeslice, &plan.stream, plan.stream_version);
        c.finish(end, &rx, &stop, workers);
    }

    #[allow(clippy::type_complexity)]
    fn setup(
        plan: &Plan,
    ) -> Result<(Muxer, Option<VpxEncoder>, Option<OpusEncoder>), MediaStreamError> {
        let fail = |e: mediacapture_codecs::CodecError| {
            MediaStreamError::not_supported(format!("cannot record this configuration: {e}"))
        };
        let video = plan
            .video
            .as_ref()
            .map(|v| {
                VpxEncoder::new(VpxConfig::realtime(
                    v.codec,
                    v.width,
                    v.height,
                    u64::from(v.bits_per_second),
                ))
            })
            .transpose()
            .map_err(fail)?;
        let audio = plan
            .audio
            .as_ref()
            .map(|a| {
                OpusEncoder::new(
                    a.sample_rate,
                    a.channels,
                    u64::from(a.bits_per_second),
                    a.variable,
                )
            })
            .transpose()
            .map_err(fail)?;
        let muxer = Muxer::new(
            plan.container,
            plan.video
                .as_ref()
                .map(|v| TrackInfo::video(v.codec, v.width, v.height)),
            audio
                .as_ref()
                .map(|e| TrackInfo::opus(e.sample_rate(), e.channels(), e.pre_skip())),
        )
        .map_err(fail)?;
        Ok((muxer, video, audio))
    }

    /// Step 9.4: gathers data until the recording ends, and says why it ended.
    fn gather(
        &mut self,
        rx: &Receiver<Msg>,
        timeslice: Option<Duration>,
        stream: &MediaStream,
        stream_version: u64,
    ) -> End {
        loop {
            let wait = match timeslice {
                Some(t) => t
                    .saturating_sub(self.blob_started.elapsed())
                    .min(Duration::from_millis(100)),
                None => Duration::from_millis(100),
            };
            let mut end = None;
            match rx.recv_timeout(wait) {
                Ok(Msg::Chunk(k, c)) => self.queue(k, c),
                Ok(Msg::Ended(k)) => {
                    self.finished[idx(k)] = true;
                    if self.finished.iter().all(|f| *f) {
                        end = Some(End::TracksEnded);
                    }
                }
                Ok(Msg::Done(k)) => self.finished[idx(k)] = true,
                Ok(Msg::Failed(m)) => {
                    end = Some(End::Error(MediaStreamError::unknown(m)));
                }
                Ok(Msg::Pause) => self.core.events.emit(RecorderEvent::Pause),
                Ok(Msg::Resume) => self.core.events.emit(RecorderEvent::Resume),
                Ok(Msg::RequestData) => {
                    self.write_ready(true);
                    self.emit_data();
                }
                Ok(Msg::Stop) => end = Some(End::Requested),
                Err(ChannelTimeout::Timeout) => {}
                Err(ChannelTimeout::Disconnected) => end = Some(End::Requested),
            }
            // A track added to or removed from the stream's track set.
            if end.is_none() && ext::track_set_version(stream) != stream_version {
                end = Some(End::Error(MediaStreamError::invalid_modification(
                    "the recorded stream's track set changed",
                )));
            }
            self.write_ready(false);
            if let Some(end) = end {
                return end;
            }
            if timeslice.is_some_and(|t| self.blob_started.elapsed() >= t) {
                self.emit_data();
            }
            if self.lost_blob {
                return End::Error(MediaStreamError::unknown(
                    "a recorder event subscription fell too far behind to take a blob; \
                     the recording stopped",
                ));
            }
        }
    }

    fn finish(
        &mut self,
        end: End,
        rx: &Receiver<Msg>,
        stop: &AtomicBool,
        workers: Vec<Result<JoinHandle<()>, String>>,
    ) {
        // A spontaneous end inactivates the recorder now, in the "task".
        if !matches!(end, End::Requested) {
            self.core.inactivate(self.session);
        }
        if let End::Error(e) = end {
            self.core.events.emit(RecorderEvent::Error(e));
        }
        // Stop gathering: the encoder threads encode what their queues held at the stop (not
        // what arrives after it), within DRAIN_TIMEOUT, then flush. The controller receives
        // until each has said it is done, so that none ever waits on a full channel while
        // the controller waits for it; only then are they joined.
        stop.store(true, Ordering::Release);
        while !self.finished.iter().all(|f| *f) {
            match rx.recv_timeout(Duration::from_millis(100)) {
                Ok(Msg::Chunk(k, c)) => self.queue(k, c),
                Ok(Msg::Ended(k) | Msg::Done(k)) => self.finished[idx(k)] = true,
                Ok(Msg::Failed(m)) => {
                    log::warn!("recorder: {m}");
                }
                Ok(_) => {}
                // A worker that left without a word (it cannot, short of a panic) is done.
                Err(ChannelTimeout::Timeout)
                    if workers.iter().flatten().all(JoinHandle::is_finished) =>
                {
                    break;
                }
                Err(ChannelTimeout::Timeout) => {}
                Err(ChannelTimeout::Disconnected) => break,
            }
        }
        for w in workers.into_iter().flatten() {
            let _ = w.join();
        }
        self.write_ready(true);
        match self.muxer.finish() {
            Ok(tail) if self.wrote_media => {
                self.core
                    .counters
                    .bytes
                    .fetch_add(tail.len() as u64, Ordering::Relaxed);
                self.tail = tail;
            }
            Ok(_) => {}
            Err(e) => log::warn!("recorder: cannot end the file: {e}"),
        }
        self.emit_data();
        self.core.events.emit(RecorderEvent::Stop);
    }

    fn queue(&mut self, k: Kind, c: EncodedChunk) {
        match k {
            Kind::Video => self.video_q.push_back(c),
            Kind::Audio => self.audio_q.push_back(c),
        }
    }

    /// Writes queued chunks in timestamp order: while both tracks have some, the earlier;
    /// one track alone when the other is finished or not recorded, when it leads by more
    /// than [`MAX_LEAD_US`] (the other has stalled: muted), or when `all`.
    fn write_ready(&mut self, all: bool) {
        loop {
            let next = match (self.video_q.front(), self.audio_q.front()) {
                (Some(v), Some(a)) => Some(if v.timestamp <= a.timestamp {
                    Kind::Video
                } else {
                    Kind::Audio
                }),
                (Some(_), None) => self.alone(Kind::Video, all).then_some(Kind::Video),
                (None, Some(_)) => self.alone(Kind::Audio, all).then_some(Kind::Audio),
                (None, None) => None,
            };
            let Some(k) = next else { return };
            let chunk = match k {
                Kind::Video => self.video_q.pop_front(),
                Kind::Audio => self.audio_q.pop_front(),
            };
            let Some(chunk) = chunk else { return };
            let written = match k {
                Kind::Video => self.muxer.write_video(&chunk),
                Kind::Audio => self.muxer.write_audio(&chunk),
            };
            if let Err(e) = written {
                log::warn!("recorder: cannot write a chunk: {e}");
                continue;
            }
            self.wrote_media = true;
            self.first_ts.get_or_insert(chunk.timestamp);
            self.blob_first_ts.get_or_insert(chunk.timestamp);
            self.last_ts = self.last_ts.max(chunk.timestamp);
            self.core.counters.media_us.store(
                u64::try_from(chunk.timestamp + chunk.duration).unwrap_or(0),
                Ordering::Relaxed,
            );
        }
    }

    fn alone(&self, k: Kind, all: bool) -> bool {
        let other = match k {
            Kind::Video => Kind::Audio,
            Kind::Audio => Kind::Video,
        };
        if all || !self.has[idx(other)] || self.finished[idx(other)] {
            return true;
        }
        let q = match k {
            Kind::Video => &self.video_q,
            Kind::Audio => &self.audio_q,
        };
        match (q.front(), q.back()) {
            (Some(f), Some(b)) => b.timestamp - f.timestamp > MAX_LEAD_US,
            _ => false,
        }
    }

    /// Fires `dataavailable` with the bytes written since the last one and starts a new blob.
    fn emit_data(&mut self) {
        let mut data = if self.wrote_media {
            match self.muxer.take_bytes() {
                Ok(b) => b,
                Err(e) => {
                    log::warn!("recorder: {e}");
                    Vec::new()
                }
            }
        } else {
            Vec::new()
        };
        self.core
            .counters
            .bytes
            .fetch_add(data.len() as u64, Ordering::Relaxed);
        data.append(&mut self.tail);
        // The blob's timecode: its first chunk's time relative to the recording's first.
        let first = self.first_ts.unwrap_or(0);
        let at = self.blob_first_ts.unwrap_or(self.last_ts);
        let timecode = ((at - first) as f64 / 1000.0).max(self.last_timecode);
        self.last_timecode = timecode;
        self.blob_first_ts = None;
        self.blob_started = Instant::now();
        let bytes = data.len();
        let delivered = self.core.events.emit_lossless(
            RecorderEvent::DataAvailable(BlobEvent::new(
                Blob::new(data, &self.mime_type),
                timecode,
            )),
            bytes,
            RECORDER_EVENT_BYTES,
            || RecorderEvent::Error(behind()),
        );
        if !delivered {
            self.lost_blob = true;
        }
    }
}

/// One encoder thread's work on a frame.
trait Worker: Send {
    fn reader(&self) -> &MediaStreamTrackProcessor;
    fn track_clock(&mut self) -> &mut TrackClock;
    /// Encodes one frame; returns the chunks to write.
    fn process(
        &mut self,
        frame: MediaFrame,
        session: &SessionClock,
    ) -> Result<Vec<EncodedChunk>, String>;
    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String>;
    fn count(&self, counters: &Counters, chunks: usize);
}

fn spawn_worker(
    name: &str,
    kind: Kind,
    mut w: Box<dyn Worker>,
    tx: &SyncSender<Msg>,
    stop: &Arc<AtomicBool>,
    clock: &Arc<SessionClock>,
    core: &Arc<Core>,
) -> Result<JoinHandle<()>, String> {
    let (tx, stop, clock, core) = (
        tx.clone(),
        Arc::clone(stop),
        Arc::clone(clock),
        Arc::clone(core),
    );
    thread::Builder::new()
        .name(name.into())
        .spawn(move || {
            let send = |chunks: Vec<EncodedChunk>| {
                for c in chunks {
                    let _ = tx.send(Msg::Chunk(kind, c));
                }
            };
            let handle = |w: &mut Box<dyn Worker>, f: MediaFrame| -> bool {
                // While paused, frames are dropped and the pause is cut from the timeline.
                if clock.paused.load(Ordering::Acquire) {
                    w.track_clock().paused(f.timestamp());
                    return true;
                }
                match w.process(f, &clock) {
                    Ok(chunks) => {
                        w.count(&core.counters, chunks.len());
                        send(chunks);
                        true
                    }
                    Err(m) => {
                        let _ = tx.send(Msg::Failed(m));
                        false
                    }
                }
            };
            let mut ended = false;
            loop {
                if stop.load(Ordering::Acquire) {
                    // Encode what was delivered before the stop (frames arriving after it are
                    // not recorded), as long as DRAIN_TIMEOUT allows; drop and count the rest.
                    let deadline = Instant::now() + DRAIN_TIMEOUT;
                    let mut left = ext::queued_frames(w.reader());
                    while left > 0 && Instant::now() < deadline {
                        let Ok(f) = w.reader().try_read() else { break };
                        left -= 1;
                        if !handle(&mut w, f) {
                            left = 0;
                        }
                    }
                    let skipped = match kind {
                        Kind::Video => &core.counters.video_skipped,
                        Kind::Audio => &core.counters.audio_skipped,
                    };
                    skipped.fetch_add(left as u64, Ordering::Relaxed);
                    break;
                }
                match w.reader().read_timeout(Duration::from_millis(50)) {
                    Ok(f) => {
                        if !handle(&mut w, f) {
                            // Keep the thread until the controller stops it.
                            while !stop.load(Ordering::Acquire) {
                                thread::sleep(Duration::from_millis(20));
                            }
                            break;
                        }
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                    Err(RecvTimeoutError::Closed) => {
                        ended = true;
                        break;
                    }
                }
            }
            match w.flush() {
                Ok(c) => {
                    // What the encoder held back counts like the rest.
                    let counter = match kind {
                        Kind::Video => &core.counters.video_frames,
                        Kind::Audio => &core.counters.audio_packets,
                    };
                    counter.fetch_add(c.len() as u64, Ordering::Relaxed);
                    send(c);
                }
                Err(m) => log::warn!("recorder: {m}"),
            }
            let _ = tx.send(if ended {
                Msg::Ended(kind)
            } else {
                Msg::Done(kind)
            });
        })
        .map_err(|e| format!("cannot start an encoder thread: {e}"))
}

struct VideoWorker {
    reader: MediaStreamTrackProcessor,
    encoder: Option<VpxEncoder>,
    codec: VideoCodec,
    bits_per_second: u32,
    key_interval_us: Option<i64>,
    key_interval_count: Option<u32>,
    frame_us: i64,
    clock: TrackClock,
    last_key: Option<i64>,
    since_key: u32,
}

impl Worker for VideoWorker {
    fn reader(&self) -> &MediaStreamTrackProcessor {
        &self.reader
    }

    fn track_clock(&mut self) -> &mut TrackClock {
        &mut self.clock
    }

    fn process(
        &mut self,
        frame: MediaFrame,
        session: &SessionClock,
    ) -> Result<Vec<EncodedChunk>, String> {
        let MediaFrame::Video(frame) = frame else {
            return Ok(Vec::new());
        };
        let ts = self.clock.map(frame.timestamp(), session, true);
        let frame = as_bt709(frame);
        let r = frame.visible_rect();
        // A new size: a new encoder (the stream goes on with a keyframe of the new size).
        let mut key = self.last_key.is_none();
        if self
            .encoder
            .as_ref()
            .is_none_or(|e| (e.config().width, e.config().height) != (r.width, r.height))
        {
            self.encoder = Some(
                VpxEncoder::new(VpxConfig::realtime(
                    self.codec,
                    r.width,
                    r.height,
                    u64::from(self.bits_per_second),
                ))
                .map_err(|e| e.to_string())?,
            );
            key = true;
        }
        key |= match (self.key_interval_count, self.last_key) {
            (Some(n), _) => self.since_key >= n.max(1),
            (None, Some(last)) => ts - last >= self.key_interval_us.unwrap_or(i64::MAX),
            (None, None) => true,
        };
        if key {
            self.last_key = Some(ts);
            self.since_key = 0;
        }
        self.since_key += 1;
        let duration = frame.duration().unwrap_or(self.frame_us).max(1);
        let enc = self
            .encoder
            .as_mut()
            .ok_or_else(|| "no video encoder".to_owned())?;
        enc.encode(&frame, ts, duration, key)
            .map_err(|e| e.to_string())
    }

    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String> {
        match self.encoder.as_mut() {
            Some(e) => e.flush().map_err(|e| e.to_string()),
            None => Ok(Vec::new()),
        }
    }

    fn count(&self, counters: &Counters, _chunks: usize) {
        counters.video_frames.fetch_add(1, Ordering::Relaxed);
        counters
            .video_dropped
            .store(self.reader.discarded_frames(), Ordering::Relaxed);
    }
}

/// The frame in BT.709 limited range, what the file declares: YUV frames in another matrix or
/// range go through RGB (RGB frames become BT.709 in `to_i420` anyway).
fn as_bt709(frame: VideoFrame) -> VideoFrame {
    let cs = frame.color_space();
    let yuv = matches!(
        frame.format(),
        VideoPixelFormat::I420 | VideoPixelFormat::Nv12
    );
    if !yuv || cs == VideoColorSpace::BT709 {
        return frame;
    }
    let r = frame.visible_rect();
    VideoFrame::new(
        VideoPixelFormat::Rgba,
        r.width,
        r.height,
        frame.timestamp(),
        frame.to_rgba(),
    )
    .map(|f| f.with_duration(frame.duration()))
    .unwrap_or(frame)
}

struct AudioWorker {
    reader: MediaStreamTrackProcessor,
    encoder: OpusEncoder,
    converter: Option<AudioConverter>,
    clock: TrackClock,
}

impl AudioWorker {
    /// The chunk at the encoder's rate and channel count.
    fn adapt(&mut self, a: AudioData) -> Option<AudioData> {
        let (rate, ch) = (self.encoder.sample_rate(), self.encoder.channels());
        if (a.sample_rate(), a.number_of_channels()) == (rate, ch) {
            self.converter = None;
            return Some(a);
        }
        if !self
            .converter
            .as_ref()
            .is_some_and(|c| c.serves(&a, rate, ch))
        {
            self.converter = AudioConverter::new(&a, rate, ch);
        }
        self.converter.as_mut()?.convert(&a)
    }
}

impl Worker for AudioWorker {
    fn reader(&self) -> &MediaStreamTrackProcessor {
        &self.reader
    }

    fn track_clock(&mut self) -> &mut TrackClock {
        &mut self.clock
    }

    fn process(
        &mut self,
        frame: MediaFrame,
        session: &SessionClock,
    ) -> Result<Vec<EncodedChunk>, String> {
        let MediaFrame::Audio(a) = frame else {
            return Ok(Vec::new());
        };
        let Some(a) = self.adapt(a) else {
            return Ok(Vec::new());
        };
        let ts = self.clock.map(a.timestamp(), session, false);
        // Interleaved f32 (what microphones and the converter give) is encoded in place.
        if let AudioSamples::F32(samples) = a.samples() {
            return self.encoder.encode(samples, ts).map_err(|e| e.to_string());
        }
        self.encoder
            .encode(&a.to_f32(), ts)
            .map_err(|e| e.to_string())
    }

    fn flush(&mut self) -> Result<Vec<EncodedChunk>, String> {
        self.encoder.flush().map_err(|e| e.to_string())
    }

    fn count(&self, counters: &Counters, chunks: usize) {
        counters
            .audio_packets
            .fetch_add(chunks as u64, Ordering::Relaxed);
        counters
            .audio_dropped
            .store(self.reader.discarded_frames(), Ordering::Relaxed);
    }
}

/// The rate the Opus encoder runs at for a track of `rate`: the track's own when libopus takes
/// it, else 48 kHz (the track's audio is resampled).
pub(crate) fn opus_rate(rate: u32) -> u32 {
    if OPUS_RATES.contains(&rate) {
        rate
    } else {
        48_000
    }
}
