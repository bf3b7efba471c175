//! An open fake device: its handle and its capture thread.

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::file;
use crate::pattern::{Pattern, tone_sample};
use mediacapture_hal::sync::lock;
use mediacapture_hal::{
    AudioData, BackendError, BackendErrorKind, DeviceEvent, DeviceEventSink, DeviceHandle,
    EndReason, FramePool, MediaFrame, MediaSink, NativeConfig, VideoFrame, VideoPixelFormat,
};

use crate::state::*;

pub(crate) struct FakeHandle {
    pub(crate) backend: Weak<Inner>,
    pub(crate) id: u64,
    pub(crate) shared: Arc<HandleShared>,
    pub(crate) thread: Option<JoinHandle<()>>,
}

impl DeviceHandle for FakeHandle {
    fn reconfigure(&mut self, config: &NativeConfig) -> Result<(), BackendError> {
        let inner = self.backend.upgrade().ok_or_else(|| {
            BackendError::new(BackendErrorKind::DeviceGone, "the fake backend is gone")
        })?;
        let st = lock(&inner.state);
        let open = st.open.get(&self.id).ok_or_else(|| {
            BackendError::new(BackendErrorKind::DeviceGone, "the fake device has ended")
        })?;
        let dev = st.devices.iter().find(|d| {
            d.spec.descriptor.kind == open.kind && d.spec.descriptor.hardware_id == open.hardware_id
        });
        match dev {
            Some(d) if supports(&d.spec.descriptor.capabilities, config) => {
                *lock(&self.shared.config) = config.clone();
                Ok(())
            }
            Some(_) => Err(BackendError::new(
                BackendErrorKind::Unsupported,
                "the fake device has no such mode",
            )),
            None => Err(BackendError::new(
                BackendErrorKind::DeviceGone,
                "the fake device is gone",
            )),
        }
    }

    fn stop(&mut self) {
        self.shared.running.store(false, Ordering::SeqCst);
        if let Some(inner) = self.backend.upgrade() {
            lock(&inner.state).open.remove(&self.id);
        }
        if let Some(t) = self.thread.take() {
            // After stop() returns no frame or event comes, unless stop() runs on the capture
            // thread itself (from inside a sink), which then ends after the current frame.
            if t.thread().id() != std::thread::current().id() {
                t.thread().unpark();
                let _ = t.join();
            }
        }
    }
}

/// Microseconds a fake microphone chunk lasts.
pub(crate) const AUDIO_CHUNK_US: i64 = 10_000;

/// Where a capture thread's media comes from.
pub(crate) enum Producer {
    /// The test pattern or the tone.
    Synthetic,
    /// A Y4M file.
    Y4m(file::Y4mSource),
    /// A WAV file.
    Wav(file::WavSource),
}

/// The capture thread of one open fake device: frames at the configured rate, paced by the
/// monotonic clock, until the handle stops or the device ends. A muted device keeps time (and
/// a file-backed one plays on) but delivers nothing. `Started` follows the first frame
/// delivered. A file that does not loop ends the device (`Finished`) at its end; a file that
/// turns out truncated or malformed ends it with a failure.
pub(crate) fn capture(
    shared: Arc<HandleShared>,
    events: DeviceEventSink,
    media: MediaSink,
    mut producer: Producer,
) {
    let start = Instant::now();
    let mut started = false;
    let mut current: Option<NativeConfig> = None;
    let mut pattern: Option<Pattern> = None;
    // Enough idle buffers for what readers typically hold on to; more are freed.
    let pool = FramePool::new(8);
    let (mut base_us, mut index, mut frame_no, mut sample_no) = (0i64, 0u64, 0u64, 0u64);
    while shared.running.load(Ordering::SeqCst) {
        let config = lock(&shared.config).clone();
        if current.as_ref() != Some(&config) {
            // A new configuration starts now; timestamps stay continuous.
            // The first configuration starts at 0; a later one where the clock has got to.
            base_us = if current.is_none() {
                0
            } else {
                start.elapsed().as_micros() as i64
            };
            index = 0;
            pattern = match (&config, &producer) {
                (NativeConfig::Video(m), Producer::Synthetic) => {
                    Some(Pattern::new(m.width, m.height))
                }
                _ => None,
            };
            current = Some(config.clone());
        }
        let (ts, duration) = match &config {
            NativeConfig::Video(m) => {
                let period = 1e6 / m.frame_rate;
                (base_us + (index as f64 * period) as i64, period as i64)
            }
            _ => (base_us + index as i64 * AUDIO_CHUNK_US, AUDIO_CHUNK_US),
        };
        let due = start + Duration::from_micros(ts.max(0) as u64);
        loop {
            let now = Instant::now();
            if now >= due || !shared.running.load(Ordering::SeqCst) {
                break;
            }
            std::thread::park_timeout(due - now);
        }
        if !shared.running.load(Ordering::SeqCst) {
            return;
        }
        // Audio: the samples of chunk `index` are those between its start and the next's, so
        // that the count is exact at any rate (22,050 Hz gives 220 and 221 by turns; 1 Hz one
        // sample every hundredth chunk), and its timestamp is its first sample's time.
        let (samples_before, samples) = match &config {
            NativeConfig::Audio(c) => {
                let at = |k: u64| {
                    (u128::from(k) * u128::from(c.sample_rate) * AUDIO_CHUNK_US as u128 / 1_000_000)
                        as u64
                };
                (at(index), at(index + 1) - at(index))
            }
            _ => (0, 0),
        };
        let audio_ts = match &config {
            NativeConfig::Audio(c) => {
                base_us
                    + (u128::from(samples_before) * 1_000_000 / u128::from(c.sample_rate.max(1)))
                        as i64
            }
            _ => ts,
        };
        index += 1;
        let frame: Result<Option<MediaFrame>, String> = match (&mut producer, &config) {
            (_, NativeConfig::Audio(_)) if samples == 0 => continue,
            (Producer::Y4m(y), NativeConfig::Video(m)) => y.next_i420().and_then(|b| match b {
                None => Ok(None),
                Some(b) => VideoFrame::new(VideoPixelFormat::I420, m.width, m.height, ts, b)
                    .map(|f| Some(MediaFrame::Video(f.with_duration(Some(duration)))))
                    .map_err(|e| e.to_string()),
            }),
            (Producer::Wav(w), NativeConfig::Audio(_)) => w
                .next_chunk(samples as usize, audio_ts)
                .map(|a| a.map(MediaFrame::Audio)),
            (Producer::Synthetic, NativeConfig::Video(m)) => match &pattern {
                Some(p) => {
                    frame_no += 1;
                    // Pooled: a steady stream of frames allocates nothing.
                    let (_, size) = VideoPixelFormat::I420.layout(m.width, m.height);
                    let mut buf = pool.buffer(size);
                    p.render_into(frame_no - 1, ts, &mut buf);
                    VideoFrame::new(VideoPixelFormat::I420, m.width, m.height, ts, buf)
                        .map(|f| Some(MediaFrame::Video(f.with_duration(Some(duration)))))
                        .map_err(|e| e.to_string())
                }
                None => continue,
            },
            (Producer::Synthetic, NativeConfig::Audio(c)) => {
                let n = samples;
                let ch = c.channel_count.max(1) as usize;
                let mut samples = Vec::with_capacity(n as usize * ch);
                for i in 0..n {
                    let v = tone_sample(sample_no + i, c.sample_rate);
                    samples.extend(std::iter::repeat_n(v, ch));
                }
                sample_no += n;
                AudioData::new_f32(c.sample_rate, ch as u32, audio_ts, samples)
                    .map(|a| Some(MediaFrame::Audio(a)))
                    .map_err(|e| e.to_string())
            }
            _ => continue,
        };
        let frame = match frame {
            Ok(Some(f)) => f,
            Ok(None) => {
                events(DeviceEvent::Ended(EndReason::Finished));
                return;
            }
            Err(e) => {
                log::error!("fake device: {e}");
                events(DeviceEvent::Ended(EndReason::Failure(e)));
                return;
            }
        };
        if shared.muted.load(Ordering::SeqCst) {
            continue;
        }
        media(frame);
        if !started {
            started = true;
            events(DeviceEvent::Started);
        }
    }
}

impl Drop for FakeHandle {
    fn drop(&mut self) {
        self.stop();
    }
}
