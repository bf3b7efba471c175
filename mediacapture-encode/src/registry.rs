//! The encoders running in the process, found by (track, configuration).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::thread;

use mediacapture_hal::sync::lock;
use mediacapture_main::ext::EventBus;
use mediacapture_main::{
    MediaStreamError, MediaStreamTrack, MediaStreamTrackKind, MediaStreamTrackProcessor,
    MediaStreamTrackState,
};

use crate::codec::{Audio, Codec, Video};
use crate::config::EncoderConfig;
use crate::encoder::{Encoder, EncoderInfo, Stats, Sub, Subs};
use crate::subscription::EncodedSubscription;

/// How many frames an encoder's reader holds: a second of video at 30 fps, a second of audio
/// in 10 ms chunks. More arriving while the encoder is behind drops the oldest (counted).
pub const VIDEO_FRAME_QUEUE: u32 = 30;
/// See [`VIDEO_FRAME_QUEUE`].
pub const AUDIO_FRAME_QUEUE: u32 = 100;

/// The encoders running: at most one per (track, configuration) that is not closed. Weak: an
/// encoder is owned by its thread and its subscriptions, and goes (with its reader's handle
/// of the track) when they do. The lock is taken before an encoder's own.
static ENCODERS: Mutex<Vec<Weak<Encoder>>> = Mutex::new(Vec::new());

/// The encoders not closed.
fn open(all: &mut Vec<Weak<Encoder>>) -> Vec<Arc<Encoder>> {
    all.retain(|e| e.strong_count() > 0);
    all.iter()
        .filter_map(Weak::upgrade)
        .filter(|e| !e.closed())
        .collect()
}

/// The encoders running on `track` (not on its clones: a clone is a track of its own).
pub fn running_encoders(track: &MediaStreamTrack) -> Vec<EncoderInfo> {
    let open = open(&mut lock(&ENCODERS));
    let found = open
        .iter()
        .filter(|e| e.track_id == track.id())
        .map(|e| e.info())
        .collect();
    // An encoder's last handle may hold the last handle of its track: dropped unlocked.
    drop(open);
    found
}

/// Subscribes to the encoder of `track` with `config`, starting it if none runs. At most
/// `capacity` chunks (at least 1) wait in the subscription; see [`EncodedSubscription`] for
/// what happens beyond. The first chunk received is a keyframe.
///
/// # Errors
/// `TypeError` when `config` is for the other kind of track; `InvalidStateError` when the
/// track has ended; `NotSupportedError` when the encoder library refuses the configuration;
/// `UnknownError` when no thread can be started.
pub fn subscribe(
    track: &MediaStreamTrack,
    config: &EncoderConfig,
    capacity: usize,
) -> Result<EncodedSubscription, MediaStreamError> {
    let kind = track.kind();
    if !matches!(
        (kind, config),
        (MediaStreamTrackKind::Video, EncoderConfig::Video(_))
            | (MediaStreamTrackKind::Audio, EncoderConfig::Audio(_))
    ) {
        return Err(MediaStreamError::type_error(format!(
            "a {kind} track cannot be encoded with {config:?}"
        )));
    }
    if track.ready_state() == MediaStreamTrackState::Ended {
        return Err(MediaStreamError::invalid_state("the track has ended"));
    }
    let mut all = lock(&ENCODERS);
    let open = open(&mut all);
    let running = open
        .iter()
        .find(|e| e.track_id == track.id() && e.config == *config)
        .cloned();
    let encoder = match running {
        Some(e) => e,
        None => {
            let e = start(track, config)?;
            all.push(Arc::downgrade(&e));
            e
        }
    };
    let events;
    let sub;
    {
        let mut subs = lock(&encoder.subs);
        let bus = EventBus::new();
        events = bus.subscribe(capacity);
        let joining = !subs.list.is_empty();
        sub = Arc::new(Sub {
            bus,
            paused: AtomicBool::new(false),
            // Joining a running encoder: its next chunks may be deltas.
            wait_key: AtomicBool::new(joining),
            skipped: AtomicU64::new(0),
            seen_dropped: AtomicU64::new(0),
            discarded_at_start: encoder.reader.discarded_frames(),
            drain: Mutex::new(None),
            end: Mutex::new(None),
        });
        subs.list.push(Arc::clone(&sub));
        if joining {
            encoder.key_request.store(true, Ordering::Release);
        }
    }
    drop(all);
    drop(open);
    Ok(EncodedSubscription {
        encoder,
        sub,
        events,
    })
}

/// A new encoder for `track` and its thread.
fn start(
    track: &MediaStreamTrack,
    config: &EncoderConfig,
) -> Result<Arc<Encoder>, MediaStreamError> {
    let refused =
        |e: mediacapture_codecs::CodecError| MediaStreamError::not_supported(e.to_string());
    let s = track.get_settings();
    let (codec, info, queue, name): (Box<dyn Codec>, _, _, _) = match config {
        EncoderConfig::Video(v) => {
            let (c, info) = Video::new(
                *v,
                s.width.unwrap_or(640).max(1),
                s.height.unwrap_or(480).max(1),
                s.frame_rate.unwrap_or(30.0),
            )
            .map_err(refused)?;
            (
                Box::new(c),
                info,
                VIDEO_FRAME_QUEUE,
                "mediacapture-encode-video",
            )
        }
        EncoderConfig::Audio(a) => {
            let (c, info) = Audio::new(*a).map_err(refused)?;
            (
                Box::new(c),
                info,
                AUDIO_FRAME_QUEUE,
                "mediacapture-encode-audio",
            )
        }
    };
    let encoder = Arc::new(Encoder {
        track_id: track.id().to_owned(),
        config: *config,
        info,
        reader: MediaStreamTrackProcessor::new(track, Some(queue))?,
        subs: Mutex::new(Subs {
            list: Vec::new(),
            closed: false,
        }),
        key_request: AtomicBool::new(false),
        stats: Stats::default(),
        last_read: Mutex::new(None),
    });
    let e = Arc::clone(&encoder);
    thread::Builder::new()
        .name(name.into())
        .spawn(move || e.run(codec))
        .map_err(|e| MediaStreamError::unknown(format!("cannot start an encoder thread: {e}")))?;
    Ok(encoder)
}
