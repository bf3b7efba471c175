//! The shared state behind one `MediaDevices`: its sources and tracks.
//!
//! A browser runs all of this on one event loop. Here one mutex per context plays that role:
//! every control-plane change (a track stops, a device mutes, settings change) happens under it
//! and queues its events before releasing it, so each change is atomic and events come out in
//! the order of the changes. Backend calls that may block (`open`, `reconfigure`, `stop`) run
//! without it. Media will not pass through it: frames go from sources to tracks' consumers on
//! their own paths.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, Weak};

use mediacapture_core::SelectedSettings;
use mediacapture_core::capabilities::{track_capabilities, track_settings};
use mediacapture_hal::{
    Backend, DeviceDescriptor, DeviceEvent, DeviceEventSink, DeviceHandle, NativeConfig,
};

use crate::TrackEvent;
use crate::engine::bus::EventBus;
use crate::engine::media::{SourceMedia, Target, TrackPipe};
use crate::{
    MediaStreamTrackKind, MediaStreamTrackState, MediaTrackCapabilities, MediaTrackConstraints,
    MediaTrackSettings, VideoResizeModeEnum,
};
use mediacapture_hal::sync::lock;

/// A device as one `MediaDevices` sees it: the backend's descriptor plus the ids it exposes.
pub(crate) struct DeviceRecord {
    pub backend: Arc<dyn Backend>,
    pub descriptor: DeviceDescriptor,
    pub device_id: String,
    pub group_id: String,
    /// A track generator's source: no device, so no `deviceId` or `groupId`.
    pub generated: bool,
    /// A generator's frame rate, estimated from the timestamps written (`f64` bits).
    pub rate_estimate: Option<Arc<std::sync::atomic::AtomicU64>>,
}

impl DeviceRecord {
    /// The settings of a track on this device with `selected`.
    pub fn settings(&self, selected: &SelectedSettings) -> MediaTrackSettings {
        let mut s = track_settings(
            selected,
            &self.descriptor.capabilities,
            &self.device_id,
            &self.group_id,
        );
        if self.generated {
            s.device_id = None;
            s.group_id = None;
        }
        self.refresh(s)
    }

    /// `settings` with what is measured rather than chosen brought up to date (a generator's
    /// estimated frame rate).
    pub fn refresh(&self, mut settings: MediaTrackSettings) -> MediaTrackSettings {
        let as_is = settings.resize_mode.as_deref() == Some(VideoResizeModeEnum::None.as_str());
        if let (Some(r), Some(_), true) = (&self.rate_estimate, settings.frame_rate, as_is) {
            let est = f64::from_bits(r.load(std::sync::atomic::Ordering::Relaxed));
            settings.frame_rate = Some(est.max(0.0));
        }
        settings
    }

    /// The capabilities of every track on this device.
    pub fn capabilities(&self) -> MediaTrackCapabilities {
        let mut c = track_capabilities(
            &self.descriptor.capabilities,
            &self.device_id,
            &self.group_id,
        );
        if self.generated {
            c.device_id = None;
            c.group_id = None;
        }
        c
    }

    pub fn same_device(&self, other: &DeviceRecord) -> bool {
        self.backend.name() == other.backend.name()
            && self.descriptor.kind == other.descriptor.kind
            && self.descriptor.hardware_id == other.descriptor.hardware_id
    }
}

/// A running device shared by every live track that uses it.
pub(crate) struct SourceState {
    pub device: Arc<DeviceRecord>,
    pub native: NativeConfig,
    pub muted: bool,
    pub started: bool,
    pub handle: Option<Box<dyn DeviceHandle>>,
    /// The live tracks attached, in creation order.
    pub tracks: Vec<u64>,
    /// Where the backend delivers frames (shared with the backend's media sink).
    pub media: Arc<SourceMedia>,
}

/// The internal slots of one track.
pub(crate) struct TrackSlot {
    /// `[[Source]]`, while the track is live.
    pub source: Option<u64>,
    pub device: Arc<DeviceRecord>,
    pub kind: MediaStreamTrackKind,
    /// `[[ReadyState]]`.
    pub state: MediaStreamTrackState,
    /// `[[Enabled]]`.
    pub enabled: bool,
    /// `[[Muted]]`.
    pub muted: bool,
    pub content_hint: String,
    /// `[[Constraints]]`: exactly what was last applied.
    pub constraints: MediaTrackConstraints,
    pub selected: SelectedSettings,
    /// `[[Settings]]`.
    pub settings: MediaTrackSettings,
    pub events: Arc<EventBus<TrackEvent>>,
    /// The track's share of the media path.
    pub pipe: Arc<TrackPipe>,
}

/// What a track with these settings wants from its source's frames.
pub(crate) fn target_of(selected: &SelectedSettings) -> Target {
    match selected {
        SelectedSettings::Video {
            width,
            height,
            frame_rate,
            resize_mode,
            ..
        } => Target::Video {
            width: *width,
            height: *height,
            frame_rate: *frame_rate,
            resize: *resize_mode == VideoResizeModeEnum::CropAndScale,
        },
        SelectedSettings::Audio(a) => Target::Audio {
            sample_rate: a.sample_rate,
            channels: a.channel_count,
        },
    }
}

impl TrackSlot {
    /// Attaches this (live) track's pipe to `source`'s media path.
    pub fn attach_to(&self, source: &SourceState) {
        source.media.attach(Arc::clone(&self.pipe));
    }
}

#[derive(Default)]
pub(crate) struct CtxState {
    pub closed: bool,
    next_key: u64,
    pub sources: HashMap<u64, SourceState>,
    pub tracks: HashMap<u64, TrackSlot>,
}

impl CtxState {
    pub fn key(&mut self) -> u64 {
        self.next_key += 1;
        self.next_key
    }

    /// Ends track `key` (no event), detaches it from its source, and returns the device handle
    /// to stop when that was the source's last live track.
    fn end_track(&mut self, key: u64, fire_ended: bool) -> Option<Box<dyn DeviceHandle>> {
        let slot = self.tracks.get_mut(&key)?;
        if slot.state == MediaStreamTrackState::Ended {
            return None;
        }
        slot.state = MediaStreamTrackState::Ended;
        if fire_ended {
            slot.events.emit(TrackEvent::Ended);
        }
        slot.events.close();
        slot.pipe.end(!fire_ended);
        let pipe = Arc::clone(&slot.pipe);
        let source = slot.source.take()?;
        let src = self.sources.get_mut(&source)?;
        src.tracks.retain(|t| *t != key);
        src.media.detach(&pipe);
        if src.tracks.is_empty() {
            // The source stops with its last track.
            return self.sources.remove(&source).and_then(|s| s.handle);
        }
        None
    }
}

pub(crate) struct Context {
    state: Mutex<CtxState>,
    /// Serializes getUserMedia and applyConstraints so that they take effect in invocation
    /// order. Taken before `state`, never while holding it; sinks never take it.
    op: Mutex<()>,
}

fn stop_handles(handles: impl IntoIterator<Item = Box<dyn DeviceHandle>>) {
    for mut h in handles {
        h.stop();
    }
}

impl Context {
    pub fn new() -> Arc<Self> {
        Arc::new(Context {
            state: Mutex::new(CtxState::default()),
            op: Mutex::new(()),
        })
    }

    pub fn lock(&self) -> MutexGuard<'_, CtxState> {
        lock(&self.state)
    }

    pub fn op(&self) -> MutexGuard<'_, ()> {
        lock(&self.op)
    }

    /// `stop()`: ends the track synchronously with no `ended` event; the source stops with its
    /// last track.
    pub fn stop_track(&self, key: u64) {
        let handle = self.lock().end_track(key, false);
        stop_handles(handle);
    }

    /// Ends the track as the user agent does (device lost, permission revoked): fires `ended`.
    pub fn end_track(&self, key: u64) {
        let handle = self.lock().end_track(key, true);
        stop_handles(handle);
    }

    /// The last handle of a track is gone: stop it if live, forget its slots.
    pub fn release_track(&self, key: u64) {
        let handle = {
            let mut st = self.lock();
            let h = st.end_track(key, false);
            st.tracks.remove(&key);
            h
        };
        stop_handles(handle);
    }

    /// "Stop all sources": every live track ends without an event and every source stops.
    pub fn stop_all(&self) {
        let handles: Vec<_> = {
            let mut st = self.lock();
            st.closed = true;
            let keys: Vec<u64> = st.tracks.keys().copied().collect();
            keys.into_iter()
                .filter_map(|k| st.end_track(k, false))
                .collect()
        };
        stop_handles(handles);
    }

    /// Live tracks of `kind`, in creation order.
    pub fn live_tracks(&self, kind: Option<MediaStreamTrackKind>) -> Vec<u64> {
        let st = self.lock();
        let mut v: Vec<u64> = st
            .tracks
            .iter()
            .filter(|(_, t)| {
                t.state == MediaStreamTrackState::Live && kind.is_none_or(|k| t.kind == k)
            })
            .map(|(k, _)| *k)
            .collect();
        v.sort_unstable();
        v
    }

    /// Whether some device of `kind` is attached to a live track here.
    pub fn has_live(&self, kind: MediaStreamTrackKind) -> bool {
        self.lock()
            .sources
            .values()
            .any(|s| !s.tracks.is_empty() && s.device.descriptor.kind.track_kind() == Some(kind))
    }

    /// What a backend reports about an open device.
    pub fn on_device_event(&self, source: u64, event: DeviceEvent) {
        let handle = {
            let mut st = self.lock();
            let Some(src) = st.sources.get_mut(&source) else {
                return;
            };
            let tracks = src.tracks.clone();
            match event {
                DeviceEvent::Started => {
                    if std::mem::replace(&mut src.started, true) {
                        return;
                    }
                    for t in tracks {
                        if let Some(slot) = st.tracks.get(&t) {
                            slot.events.emit(TrackEvent::Started);
                        }
                    }
                    None
                }
                DeviceEvent::Muted | DeviceEvent::Unmuted => {
                    let muted = event == DeviceEvent::Muted;
                    src.muted = muted;
                    // "Set a track's muted state": only a change fires an event.
                    for t in tracks {
                        if let Some(slot) = st.tracks.get_mut(&t) {
                            slot.pipe.set_muted(muted);
                        }
                        if let Some(slot) = st.tracks.get_mut(&t)
                            && slot.muted != muted
                        {
                            slot.muted = muted;
                            slot.events.emit(if muted {
                                TrackEvent::Mute
                            } else {
                                TrackEvent::Unmute
                            });
                        }
                    }
                    None
                }
                DeviceEvent::Ended(reason) => {
                    log::info!(
                        "source {source} ({}) ended: {reason:?}",
                        src.device.descriptor.label
                    );
                    let mut handle = None;
                    for t in tracks {
                        handle = handle.or(st.end_track(t, true));
                    }
                    handle.or_else(|| st.sources.remove(&source).and_then(|s| s.handle))
                }
            }
        };
        stop_handles(handle);
    }

    /// The sink handed to a backend for source `key`.
    pub fn sink(self: &Arc<Self>, key: u64) -> DeviceEventSink {
        let weak: Weak<Context> = Arc::downgrade(self);
        Arc::new(move |ev| {
            if let Some(ctx) = weak.upgrade() {
                ctx.on_device_event(key, ev);
            }
        })
    }
}
