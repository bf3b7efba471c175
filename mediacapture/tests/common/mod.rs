//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::Arc;
use std::time::Duration;

use mediacapture::*;

/// How long a test waits for an asynchronous event before failing. Generous: only a broken
/// implementation gets near it.
pub const WAIT: Duration = Duration::from_secs(5);

pub fn devices_with(json: &str) -> (MediaDevices, Arc<FakeBackend>) {
    devices_with_policy(json, PermissionPolicy::Granted)
}

pub fn devices_with_policy(
    json: &str,
    policy: PermissionPolicy,
) -> (MediaDevices, Arc<FakeBackend>) {
    let fake = Arc::new(FakeBackend::new(
        FakeDevicesConfig::from_json(json).expect("valid fake config"),
    ));
    let md = MediaDevices::builder()
        .shared_backend(fake.clone())
        .permission_policy(policy)
        .build()
        .expect("builds");
    (md, fake)
}

pub fn default_devices() -> (MediaDevices, Arc<FakeBackend>) {
    let fake = Arc::new(FakeBackend::with_default_devices());
    let md = MediaDevices::builder()
        .shared_backend(fake.clone())
        .build()
        .expect("builds");
    (md, fake)
}

pub fn gum(md: &MediaDevices, json: &str) -> Result<MediaStream, MediaStreamError> {
    block_on(md.get_user_media(MediaStreamConstraints::from_json(json)?))
}

pub fn video(md: &MediaDevices, json: &str) -> MediaStreamTrack {
    let s = gum(md, &format!(r#"{{"video":{json}}}"#)).expect("getUserMedia resolves");
    s.get_video_tracks().remove(0)
}

pub fn audio(md: &MediaDevices, json: &str) -> MediaStreamTrack {
    let s = gum(md, &format!(r#"{{"audio":{json}}}"#)).expect("getUserMedia resolves");
    s.get_audio_tracks().remove(0)
}

pub fn apply(t: &MediaStreamTrack, json: &str) -> Result<(), MediaStreamError> {
    block_on(t.apply_constraints(MediaTrackConstraints::from_json(json)?))
}

pub fn json<T: serde::Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).expect("serializes")
}

/// The next track event other than `started`, or a failure after WAIT. (`started` follows the
/// source's first frame; a track that joins a source already running never gets one, so
/// tests of other events skip it.)
pub fn next_event(s: &EventSubscription<TrackEvent>) -> TrackEvent {
    loop {
        match next(s) {
            TrackEvent::Started => continue,
            e => return e,
        }
    }
}

/// `events` without `started` (see [`next_event`]).
pub fn without_started(events: Vec<TrackEvent>) -> Vec<TrackEvent> {
    events
        .into_iter()
        .filter(|e| *e != TrackEvent::Started)
        .collect()
}

/// The next event, or a failure after WAIT.
pub fn next<E: std::fmt::Debug>(s: &EventSubscription<E>) -> E {
    s.recv_timeout(WAIT).expect("an event in time")
}

pub const TWO_CAMERAS: &str = r#"{
  "videoinput": [
    {"label": "Front", "id": "front", "facingMode": "user", "modes": [{"width": 640, "height": 480, "frameRate": 30}, {"width": 1280, "height": 720, "frameRate": 30}]},
    {"label": "Back", "id": "back", "facingMode": "environment", "modes": [{"width": 1920, "height": 1080, "frameRate": 30}]}
  ],
  "audioinput": [{"label": "Mic", "id": "mic", "group": "headset"}],
  "audiooutput": [{"label": "Phones", "id": "phones", "group": "headset"}]
}"#;
