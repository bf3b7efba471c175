//! The encoder threads: one per recorded track, reading its frames and encoding them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::SyncSender;
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use mediacapture_codecs::opus::{OPUS_RATES, OpusEncoder};
use mediacapture_codecs::vpx::{VpxConfig, VpxEncoder};
use mediacapture_codecs::{EncodedChunk, VideoCodec};

use mediacapture_main::ext::{self};
use mediacapture_main::{
    AudioData, AudioSamples, MediaFrame, MediaStreamTrackProcessor, RecvTimeoutError,
    VideoColorSpace, VideoFrame, VideoPixelFormat,
};
use mediacapture_signal::AudioConverter;

use crate::recorder::clock::{SessionClock, TrackClock};
use crate::recorder::state::*;

/// One encoder thread's work on a frame.
pub(crate) trait Worker: Send {
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

pub(crate) fn spawn_worker(
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

pub(crate) struct VideoWorker {
    pub(crate) reader: MediaStreamTrackProcessor,
    pub(crate) encoder: Option<VpxEncoder>,
    pub(crate) codec: VideoCodec,
    pub(crate) bits_per_second: u32,
    pub(crate) key_interval_us: Option<i64>,
    pub(crate) key_interval_count: Option<u32>,
    pub(crate) frame_us: i64,
    pub(crate) clock: TrackClock,
    pub(crate) last_key: Option<i64>,
    pub(crate) since_key: u32,
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

pub(crate) struct AudioWorker {
    pub(crate) reader: MediaStreamTrackProcessor,
    pub(crate) encoder: OpusEncoder,
    pub(crate) converter: Option<AudioConverter>,
    pub(crate) clock: TrackClock,
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
