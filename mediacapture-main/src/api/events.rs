//! Event subscriptions: how `ended`, `mute`, `devicechange` and the rest reach a program.
//!
//! Every event target (`MediaStreamTrack`, `MediaStream`, `MediaDevices`) hands out
//! [`EventSubscription`]s. Each subscription is its own bounded queue:
//!
//! - **Order.** A subscription sees the events of its target in the order they happened. Across
//!   targets, an action that causes several events fires them in a documented order (see
//!   `docs/architecture.md`): for example a device that is unplugged ends its tracks (`ended`)
//!   before `MediaDevices` fires `devicechange`.
//! - **Bounded; slow subscribers.** A subscription holds at most its capacity (64 by default).
//!   When an event arrives and the queue is full, the *oldest* queued event is dropped and
//!   [`dropped()`](EventSubscription::dropped) counts it, like tokio's broadcast `Lagged`. The
//!   target never waits for a subscriber, and one slow subscriber never affects another.
//!   That is right for notices and live frames, wrong for data: a recorder's `dataavailable`
//!   blobs are pieces of one file and are never dropped. A recorder subscription whose queue
//!   is full of blobs (or holds `RECORDER_EVENT_BYTES` of them) gets an `error` event as
//!   its last event instead of the next blob, and ends; the recording fails (`error`, then
//!   `stop`, for the others), so a program never writes a silently broken file.
//! - **Nothing missed before the first subscription.** A track is born inside
//!   `getUserMedia` (or `clone()`), before a program can subscribe to it, and its source may
//!   start, mute or end at once. As in a web page, where a listener added when the promise
//!   resolves sees every event fired after, the *first* subscription of a track, a stream or a
//!   `MediaDevices` also receives the events fired since the target was made (its capacity's
//!   worth, oldest dropped and counted). Later subscriptions see only what comes after them.
//! - **End.** When the target can fire no more events (a track ended or stopped, a
//!   `MediaDevices` closed, a stream dropped), the subscription ends: after the queued events,
//!   [`recv`](EventSubscription::recv) returns `None` and the `Stream` ends. A subscription made
//!   after that is already ended.
//! - **Any runtime, or none.** A subscription is a `futures_core::Stream` (wakers, no runtime
//!   needed), a blocking [`Iterator`], and has [`recv`](EventSubscription::recv),
//!   [`recv_timeout`](EventSubscription::recv_timeout) and
//!   [`try_recv`](EventSubscription::try_recv).

use crate::{MediaDeviceInfo, MediaStreamTrack};

pub use crate::engine::bus::{
    DEFAULT_EVENT_CAPACITY, EventSubscription, RecvTimeoutError, TryRecvError,
};
pub use mediacapture_types::TrackEvent;

/// `addtrack` or `removetrack`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaStreamTrackEventType {
    /// A track was added to the stream by the implementation.
    AddTrack,
    /// A track was removed from the stream by the implementation.
    RemoveTrack,
}

/// An event fired at a [`MediaStream`](crate::MediaStream) when the *implementation* (never the
/// application's own `add_track`/`remove_track`) changes its track set.
///
/// Corresponds to [`MediaStreamTrackEvent`](https://w3c.github.io/mediacapture-main/#mediastreamtrackevent).
#[derive(Debug)]
pub struct MediaStreamTrackEvent {
    event_type: MediaStreamTrackEventType,
    track: MediaStreamTrack,
}

impl MediaStreamTrackEvent {
    /// An event of `event_type` about `track`. The spec's required `track` member is a
    /// required argument here.
    pub fn new(event_type: MediaStreamTrackEventType, track: &MediaStreamTrack) -> Self {
        MediaStreamTrackEvent {
            event_type,
            track: track.new_handle(),
        }
    }

    /// `addtrack` or `removetrack`.
    pub fn event_type(&self) -> MediaStreamTrackEventType {
        self.event_type
    }

    /// The track added or removed.
    pub fn track(&self) -> &MediaStreamTrack {
        &self.track
    }
}

impl Clone for MediaStreamTrackEvent {
    /// Another event about the *same* track object (not a clone of the track).
    fn clone(&self) -> Self {
        MediaStreamTrackEvent {
            event_type: self.event_type,
            track: self.track.new_handle(),
        }
    }
}

/// `devicechange`: the list of devices the program may see changed.
///
/// Corresponds to [`DeviceChangeEvent`](https://w3c.github.io/mediacapture-main/#devicechangeevent).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct DeviceChangeEvent {
    /// The new list, as [`enumerate_devices`](crate::MediaDevices::enumerate_devices) would
    /// return it.
    pub devices: Vec<MediaDeviceInfo>,
    /// The devices in `devices` that were not in the previous list.
    pub user_inserted_devices: Vec<MediaDeviceInfo>,
}
