//! The media path: from a source's frames to each of its tracks' consumers.
//!
//! A source's backend calls the source's [`SourceMedia::deliver`] on its capture thread. For
//! each live track attached, the track's [`TrackPipe`] decides what the track delivers:
//!
//! - muted: nothing (a muted source delivers nothing anyway);
//! - frame rate below the source's: frames are decimated by timestamp (counted as discarded);
//! - size different from the source's: the frame is cropped around its centre to the track's
//!   aspect ratio and scaled (once per size: tracks that want the same size share the result);
//! - disabled: an opaque black frame of the track's size, or silence;
//! - then the frame goes to every reader of the track, each a bounded queue that drops its
//!   oldest frame when full (see [`EventSubscription`](crate::EventSubscription)). Until a
//!   track of `getUserMedia` has its first reader, it keeps the latest frame it delivered for that reader (as a
//!   browser's video track asks its source to refresh a new sink with its last frame): a frame
//!   delivered inside `getUserMedia`, before a program can read, is not lost. What the track
//!   kept is forgotten when it is disabled, muted or given a new size, rate or shape.
//!
//! Nothing here takes the context lock, and nothing waits for a reader.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use mediacapture_hal::frame::FrameError;
use mediacapture_hal::{MediaFrame, VideoFrame};
use mediacapture_signal::{AudioConverter, Scaler, crop_and_scale};

use crate::engine::bus::EventBus;
use mediacapture_hal::sync::lock;

/// What a track wants from its source's frames.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Target {
    Video {
        width: u32,
        height: u32,
        frame_rate: f64,
        /// `false` for `resizeMode: "none"`: frames pass through as they are (a native mode,
        /// or a generator's frames whatever their size).
        resize: bool,
    },
    Audio {
        sample_rate: u32,
        channels: u32,
    },
}

/// The statistics of one track.
///
/// Corresponds to [`MediaStreamTrackVideoStats`](https://w3c.github.io/mediacapture-extensions/#dom-mediastreamtrackvideostats)
/// (for audio tracks, the frames are audio frames: samples per channel). The counters start at
/// zero for every track, clones included, and are frozen while the track is disabled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MediaStreamTrackStats {
    /// Frames the track delivered to its sinks (counted even when it has none).
    pub delivered_frames: u64,
    /// Frames the source produced that the track did not deliver (frame-rate decimation).
    pub discarded_frames: u64,
    /// `delivered_frames + discarded_frames`.
    pub total_frames: u64,
}

struct PipeState {
    live: bool,
    enabled: bool,
    muted: bool,
    target: Target,
    /// Remixes and resamples audio when the track's shape differs from the source's.
    converter: Option<AudioConverter>,
    /// The timestamp (µs) from which the next frame may be delivered, when decimating.
    next_due: Option<f64>,
    black: Option<VideoFrame>,
    stats: MediaStreamTrackStats,
}

/// One track's share of the media path.
pub(crate) struct TrackPipe {
    state: Mutex<PipeState>,
    pub frames: EventBus<MediaFrame>,
}

impl TrackPipe {
    /// A track's pipe. One that `keeps_latest` (a track of `getUserMedia`, whose source may
    /// deliver before the program can read) keeps its latest frame for its first reader; a
    /// clone's or a generator's, whose frames start after the program holds the track, does not.
    pub fn new(target: Target, muted: bool, enabled: bool, keeps_latest: bool) -> Arc<Self> {
        Arc::new(TrackPipe {
            state: Mutex::new(PipeState {
                live: true,
                enabled,
                muted,
                target,
                converter: None,
                next_due: None,
                black: None,
                stats: MediaStreamTrackStats::default(),
            }),
            frames: if keeps_latest {
                EventBus::retaining_latest()
            } else {
                EventBus::new()
            },
        })
    }

    pub fn set_target(&self, target: Target) {
        let mut st = lock(&self.state);
        if st.target != target {
            st.target = target;
            st.next_due = None;
            st.converter = None;
            self.frames.clear_retained();
        }
    }

    pub fn set_enabled(&self, enabled: bool) {
        let mut st = lock(&self.state);
        if st.enabled != enabled {
            st.enabled = enabled;
            self.frames.clear_retained();
        }
    }

    pub fn set_muted(&self, muted: bool) {
        let mut st = lock(&self.state);
        if muted && !st.muted {
            self.frames.clear_retained();
        }
        st.muted = muted;
    }

    /// The track ended: no more frames; readers end after what they have queued. A track
    /// whose source ended (a file played to its end) keeps its latest frame for a first
    /// reader; one the program `stopped` keeps nothing.
    pub fn end(&self, stopped: bool) {
        lock(&self.state).live = false;
        if stopped {
            self.frames.clear_retained();
        }
        self.frames.close();
    }

    pub fn stats(&self) -> MediaStreamTrackStats {
        lock(&self.state).stats
    }

    /// Handles one frame of the source; `scaled` caches this frame's scaled copies by size.
    fn deliver(
        &self,
        frame: &MediaFrame,
        scaled: &mut HashMap<(u32, u32), VideoFrame>,
        scaler: &mut Scaler,
    ) {
        let mut st = lock(&self.state);
        let out = {
            if !st.live || st.muted {
                return;
            }
            let counts = st.enabled;
            match (frame, st.target) {
                (
                    MediaFrame::Video(f),
                    Target::Video {
                        width,
                        height,
                        frame_rate,
                        resize: false,
                    },
                ) if st.enabled => {
                    let _ = (width, height, frame_rate);
                    st.stats.delivered_frames += 1;
                    st.stats.total_frames += 1;
                    MediaFrame::Video(f.clone())
                }
                (
                    MediaFrame::Video(f),
                    Target::Video {
                        width,
                        height,
                        frame_rate,
                        ..
                    },
                ) => {
                    // Decimate by timestamp, tolerating half a source frame of jitter.
                    let ts = f.timestamp() as f64;
                    let period = 1e6 / frame_rate.max(1e-3);
                    let slack = f.duration().unwrap_or(0) as f64 / 2.0;
                    if let Some(due) = st.next_due.filter(|due| ts + slack < *due) {
                        let _ = due;
                        if counts {
                            st.stats.discarded_frames += 1;
                            st.stats.total_frames += 1;
                        }
                        return;
                    }
                    let next = st.next_due.map_or(ts, |d| d.max(ts - period)) + period;
                    st.next_due = Some(next);
                    let out = if st.enabled {
                        match adapt(f, width, height, scaled, scaler) {
                            Ok(v) => v,
                            Err(e) => {
                                log::warn!("cannot scale a frame to {width}x{height}: {e}");
                                st.stats.discarded_frames += 1;
                                st.stats.total_frames += 1;
                                return;
                            }
                        }
                    } else {
                        let black = match st
                            .black
                            .take()
                            .filter(|b| (b.coded_width(), b.coded_height()) == (width, height))
                        {
                            Some(b) => b,
                            None => match VideoFrame::black_i420(width, height, 0) {
                                Ok(b) => b,
                                Err(_) => return,
                            },
                        };
                        let out = black.with_timestamp(f.timestamp(), Some(period as i64));
                        st.black = Some(black);
                        out
                    };
                    if counts {
                        st.stats.delivered_frames += 1;
                        st.stats.total_frames += 1;
                    }
                    MediaFrame::Video(out)
                }
                (
                    MediaFrame::Audio(a),
                    Target::Audio {
                        sample_rate,
                        channels,
                    },
                ) => {
                    // The source's shape as it is, or remixed and resampled to the track's.
                    let converted =
                        if (a.sample_rate(), a.number_of_channels()) == (sample_rate, channels) {
                            st.converter = None;
                            Some(a.clone())
                        } else {
                            let reuse = st
                                .converter
                                .as_ref()
                                .is_some_and(|c| c.serves(a, sample_rate, channels));
                            if !reuse {
                                st.converter = AudioConverter::new(a, sample_rate, channels);
                            }
                            st.converter.as_mut().and_then(|c| c.convert(a))
                        };
                    let Some(out) = converted else { return };
                    if counts {
                        st.stats.delivered_frames += out.number_of_frames() as u64;
                        st.stats.total_frames += out.number_of_frames() as u64;
                    }
                    if st.enabled {
                        MediaFrame::Audio(out)
                    } else {
                        MediaFrame::Audio(out.silence_like())
                    }
                }
                _ => return,
            }
        };
        // Emitted under the pipe's lock, so that once `set_enabled(false)`, `set_muted(true)`
        // or `end()` has returned, no frame decided before it can still reach a reader
        // (emitting never waits: readers' queues drop their oldest).
        self.frames.emit(out);
        drop(st);
    }
}

/// A frame at `width`×`height`: the frame itself when it already is, else a centre crop to the
/// target's aspect ratio scaled to the target (cached by size for this frame).
fn adapt(
    f: &VideoFrame,
    width: u32,
    height: u32,
    scaled: &mut HashMap<(u32, u32), VideoFrame>,
    scaler: &mut Scaler,
) -> Result<VideoFrame, FrameError> {
    if (f.coded_width(), f.coded_height()) == (width, height) {
        return Ok(f.clone());
    }
    if let Some(v) = scaled.get(&(width, height)) {
        return Ok(v.clone());
    }
    let v = crop_and_scale(f, width, height, scaler)?;
    scaled.insert((width, height), v.clone());
    Ok(v)
}

/// A source's side of the media path: the pipes of its live tracks.
pub(crate) struct SourceMedia {
    pipes: Mutex<Vec<Arc<TrackPipe>>>,
    scaler: Mutex<Scaler>,
}

impl SourceMedia {
    pub fn new() -> Arc<Self> {
        Arc::new(SourceMedia {
            pipes: Mutex::new(Vec::new()),
            scaler: Mutex::new(Scaler::new()),
        })
    }

    pub fn attach(&self, pipe: Arc<TrackPipe>) {
        lock(&self.pipes).push(pipe);
    }

    /// Whether any live track is attached.
    pub fn has_pipes(&self) -> bool {
        !lock(&self.pipes).is_empty()
    }

    pub fn detach(&self, pipe: &Arc<TrackPipe>) {
        lock(&self.pipes).retain(|p| !Arc::ptr_eq(p, pipe));
    }

    /// Called by the backend for every frame.
    pub fn deliver(&self, frame: MediaFrame) {
        let pipes: Vec<Arc<TrackPipe>> = lock(&self.pipes).clone();
        let mut scaled = HashMap::new();
        let mut scaler = lock(&self.scaler);
        for p in &pipes {
            p.deliver(&frame, &mut scaled, &mut scaler);
        }
    }
}
