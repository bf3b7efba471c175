//! The controller thread: commands in call order, chunks interleaved into the live writer,
//! timeslices and every event of a recording.

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError as ChannelTimeout, SyncSender, sync_channel};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mediacapture_codecs::{EncodedChunk, Muxer};

use crate::blob_event::{BlobEvent, RECORDER_EVENT_BYTES, RECORDER_EVENT_CAPACITY, RecorderEvent};
use mediacapture_encode::EncodedSubscription;
use mediacapture_hal::sync::lock;
use mediacapture_main::ext::{self};
use mediacapture_main::{Blob, MediaStream, MediaStreamError, RecordingState};

use crate::recorder::clock::SessionClock;
use crate::recorder::forward::spawn_forwarder;
use crate::recorder::state::*;

/// Starts a recording's controller.
pub(crate) fn spawn(
    plan: Plan,
    core: &Arc<Core>,
    previous: Option<JoinHandle<()>>,
) -> Result<Started, MediaStreamError> {
    let (tx, rx) = sync_channel(CHANNEL);
    let pausers = [plan.video.as_ref(), plan.audio.as_ref()]
        .into_iter()
        .flatten()
        .map(|s| s.pause_handle())
        .collect();
    let clock = Arc::new(SessionClock::new(pausers));
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
        let Plan {
            video,
            audio,
            failed,
            ..
        } = plan;
        // Step 9.2: a combination found unsupported "in parallel": inactivate, error, stop
        // (no dataavailable).
        let muxer = match failed {
            None => Self::setup(plan.container, video.as_ref(), audio.as_ref()),
            Some(e) => Err(e),
        };
        let muxer = match muxer {
            Ok(m) => m,
            Err(e) => {
                core.inactivate(session);
                core.events.emit(RecorderEvent::Error(e));
                core.events.emit(RecorderEvent::Stop);
                return;
            }
        };
        let stop = Arc::new(AtomicBool::new(false));
        let has = [video.is_some(), audio.is_some()];
        let mut finished = [!has[0], !has[1]];
        let mut workers = Vec::new();
        for (kind, sub) in [(Kind::Video, video), (Kind::Audio, audio)] {
            let Some(sub) = sub else { continue };
            match spawn_forwarder(kind, sub, &tx, &stop, &clock, &core) {
                Ok(w) => workers.push(w),
                Err(e) => {
                    finished[idx(kind)] = true;
                    log::warn!("recorder: {e}");
                }
            }
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
            finished,
            wrote_media: false,
            first_ts: None,
            blob_first_ts: None,
            last_ts: 0,
            last_timecode: 0.0,
            blob_started: Instant::now(),
            tail: Vec::new(),
            lost_blob: false,
        };
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

    /// The file's writer, for the tracks the encoders describe.
    fn setup(
        container: mediacapture_codecs::Container,
        video: Option<&EncodedSubscription>,
        audio: Option<&EncodedSubscription>,
    ) -> Result<Muxer, MediaStreamError> {
        Muxer::new(
            container,
            video.map(|s| s.track_info().clone()),
            audio.map(|s| s.track_info().clone()),
        )
        .map_err(|e| {
            MediaStreamError::not_supported(format!("cannot record this configuration: {e}"))
        })
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
        workers: Vec<JoinHandle<()>>,
    ) {
        // An error inactivates the recorder now, in the task that fires `error`, then
        // `dataavailable` and `stop` once the data is gathered.
        let tracks_ended = matches!(end, End::TracksEnded);
        if let End::Error(e) = end {
            self.core.inactivate(self.session);
            self.core.events.emit(RecorderEvent::Error(e));
        }
        // Stop gathering: the forwarders drain their encoders (the frames queued at the stop,
        // not those after it, within DRAIN_TIMEOUT; the last consumer of an encoder gets its
        // flush). The controller receives until each has said it is done, so that none ever
        // waits on a full channel while the controller waits for it; only then are they
        // joined.
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
                Err(ChannelTimeout::Timeout) if workers.iter().all(JoinHandle::is_finished) => {
                    break;
                }
                Err(ChannelTimeout::Timeout) => {}
                Err(ChannelTimeout::Disconnected) => break,
            }
        }
        for w in workers {
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
        // Every recorded track ended: the state changes only in the task that fires the last
        // `dataavailable` and `stop`, once the encoders' last chunks are in the file.
        if tracks_ended {
            self.core.inactivate(self.session);
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
