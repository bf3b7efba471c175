//! The events a track fires, as plain data (the event targets and their queues are in
//! `mediacapture`).

/// An event fired at a `MediaStreamTrack`.
///
/// Corresponds to the events of [`MediaStreamTrack`](https://w3c.github.io/mediacapture-main/#mediastreamtrack)
/// (`mute`, `unmute`, `ended`), plus `started`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TrackEvent {
    /// The source delivered its first media. Not a spec event (the spec dropped `started`);
    /// fired once per track, only if the track is live when the source starts.
    Started,
    /// The source cannot deliver media for now (`mute`,
    /// [spec](https://w3c.github.io/mediacapture-main/#event-mediastreamtrack-mute)).
    Mute,
    /// The source delivers media again (`unmute`,
    /// [spec](https://w3c.github.io/mediacapture-main/#event-mediastreamtrack-unmute)).
    Unmute,
    /// The track ended for a reason other than [`stop()`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-stop): the device
    /// was lost, failed, or permission was revoked (`ended`,
    /// [spec](https://w3c.github.io/mediacapture-main/#event-mediastreamtrack-ended)).
    Ended,
}

impl TrackEvent {
    /// The event's `type` as the spec names it.
    pub fn event_type(&self) -> &'static str {
        match self {
            TrackEvent::Started => "started",
            TrackEvent::Mute => "mute",
            TrackEvent::Unmute => "unmute",
            TrackEvent::Ended => "ended",
        }
    }
}
