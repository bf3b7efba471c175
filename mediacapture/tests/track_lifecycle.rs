//! MediaStreamTrack: stop, ended, mute, clone, shared sources (spec-notes §2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;
use serde_json::json;

#[test]
fn stop_ends_synchronously_with_no_ended_event() {
    let (md, fake) = default_devices();
    let t = video(&md, "true");
    let events = t.events();
    assert_eq!(t.ready_state(), MediaStreamTrackState::Live);
    t.stop();
    assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(
        without_started(events.collect_until_closed()),
        vec![],
        "no ended event"
    );
    assert_eq!(
        fake.open_handles(),
        0,
        "the source stopped with its only track"
    );
    t.stop(); // idempotent
    assert_eq!(
        t.events().try_recv(),
        Err(TryRecvError::Closed),
        "subscribing to an ended track gives an ended subscription"
    );
}

#[test]
fn a_lost_device_fires_ended_and_ends_every_track_on_it() {
    let (md, fake) = default_devices();
    let a = video(&md, "true");
    let b = a.clone();
    let (ea, eb) = (a.events(), b.events());
    fake.remove_device(MediaDeviceKind::VideoInput, "fake-camera-0");
    for e in [&ea, &eb] {
        let got: Vec<TrackEvent> = e.collect_until_closed();
        assert_eq!(got.last(), Some(&TrackEvent::Ended), "{got:?}");
    }
    assert_eq!(
        (a.ready_state(), b.ready_state()),
        (MediaStreamTrackState::Ended, MediaStreamTrackState::Ended)
    );
    // getSettings on an ended track: only the inherent properties.
    let s = json(&a.get_settings());
    let keys: Vec<&String> = s.as_object().unwrap().keys().collect();
    assert_eq!(keys, vec!["deviceId", "facingMode", "groupId"]);
}

trait Drain<E> {
    fn collect_until_closed(&self) -> Vec<E>;
}
impl<E: std::fmt::Debug> Drain<E> for EventSubscription<E> {
    fn collect_until_closed(&self) -> Vec<E> {
        let mut v = Vec::new();
        loop {
            match self.recv_timeout(WAIT) {
                Ok(e) => v.push(e),
                Err(RecvTimeoutError::Closed) => return v,
                Err(RecvTimeoutError::Timeout) => panic!("subscription did not end; got {v:?}"),
            }
        }
    }
}

#[test]
fn mute_and_unmute_follow_the_source_and_fire_only_on_change() {
    let (md, fake) = default_devices();
    let t = video(&md, "true");
    let e = t.events();
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", true);
    assert_eq!(next_event(&e), TrackEvent::Mute);
    assert!(t.muted());
    assert!(!t.is_delivering());
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", true);
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", false);
    assert_eq!(
        next_event(&e),
        TrackEvent::Unmute,
        "a repeated mute fires nothing"
    );
    assert!(!t.muted());
    // A clone made while muted starts muted.
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", true);
    assert_eq!(next_event(&e), TrackEvent::Mute);
    assert!(t.clone().muted());
}

#[test]
fn scripted_mute_unmute_and_failure() {
    let (md, _) = devices_with(
        r#"{"audioinput":[{"label":"M","muteAtMs":[20],"unmuteAtMs":[40],"failAfterMs":60}]}"#,
    );
    let t = audio(&md, "true");
    let e = t.events();
    let got: Vec<TrackEvent> = without_started(e.collect_until_closed());
    assert_eq!(
        got,
        vec![TrackEvent::Mute, TrackEvent::Unmute, TrackEvent::Ended]
    );
    assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
}

/// A track is born inside getUserMedia, before a program can subscribe: its first
/// subscription still sees everything that happened since, as a listener added when the
/// promise resolves would. Later subscriptions see only what follows them.
#[test]
fn the_first_subscription_sees_what_happened_before_it() {
    let (md, _) = devices_with(r#"{"audioinput":[{"label":"M","muteAtMs":[1],"failAfterMs":5}]}"#);
    let t = audio(&md, "true");
    let t0 = std::time::Instant::now();
    while t.ready_state() == MediaStreamTrackState::Live {
        assert!(t0.elapsed() < WAIT, "the scripted failure ends the track");
        std::thread::yield_now();
    }
    let (first, second) = (t.events(), t.events());
    assert_eq!(
        without_started(first.collect_until_closed()),
        vec![TrackEvent::Mute, TrackEvent::Ended]
    );
    assert_eq!(second.collect_until_closed(), vec![]);
}

#[test]
fn enabled_is_the_applications_and_fires_nothing() {
    let (md, _) = default_devices();
    let t = video(&md, "true");
    let e = t.events();
    t.set_enabled(false);
    assert!(!t.enabled() && !t.is_delivering());
    std::thread::sleep(std::time::Duration::from_millis(50));
    let fired: Vec<TrackEvent> = std::iter::from_fn(|| e.try_recv().ok()).collect();
    assert_eq!(without_started(fired), vec![], "set_enabled fires nothing");
    t.stop();
    t.set_enabled(true);
    assert!(t.enabled(), "settable after end, without effect");
}

#[test]
fn clone_is_a_new_independent_track_on_the_same_source() {
    let (md, fake) = default_devices();
    let a = video(&md, r#"{"width":{"ideal":1280}}"#);
    a.set_enabled(false);
    a.set_content_hint("detail");
    let b = a.clone();
    assert_ne!(a.id(), b.id());
    assert_eq!(b.id().len(), 36);
    assert_ne!(a, b);
    assert_eq!((b.kind(), b.label()), (a.kind(), a.label()));
    assert_eq!(
        (b.enabled(), b.content_hint()),
        (false, "detail".to_owned()),
        "enabled and contentHint are copied"
    );
    assert_eq!(json(&b.get_constraints()), json(&a.get_constraints()));
    assert_eq!(b.get_settings(), a.get_settings());
    assert_eq!(b.get_capabilities(), a.get_capabilities());
    // Independent from then on.
    apply(&b, r#"{"width":{"exact":320}}"#).unwrap();
    b.set_content_hint("motion");
    assert_eq!(
        (a.get_settings().width, a.content_hint()),
        (Some(1280), "detail".to_owned())
    );
    assert_eq!(json(&a.get_constraints()), json!({"width":{"ideal":1280}}));
    // One source, stopped with its last track.
    assert_eq!(fake.open_count("fake-camera-0"), 1);
    a.stop();
    assert_eq!(fake.open_handles(), 1, "the clone keeps the source running");
    b.stop();
    assert_eq!(fake.open_handles(), 0);
    // A clone of an ended track is ended.
    let c = a.clone();
    assert_eq!(c.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(fake.open_count("fake-camera-0"), 1, "cloning never reopens");
}

#[test]
fn dropping_the_last_handle_of_a_live_track_stops_it() {
    let (md, fake) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    assert_eq!(fake.open_handles(), 2);
    let kept = s.get_video_tracks().remove(0);
    drop(s);
    assert_eq!(
        fake.open_handles(),
        1,
        "the audio track had no other handle"
    );
    drop(kept);
    assert_eq!(fake.open_handles(), 0);
}

#[test]
fn content_hint_accepts_only_the_values_of_the_kind() {
    let (md, _) = default_devices();
    let v = video(&md, "true");
    let a = audio(&md, "true");
    for h in ["motion", "detail", "text", ""] {
        v.set_content_hint(h);
        assert_eq!(v.content_hint(), h);
    }
    v.set_content_hint("music");
    v.set_content_hint("motion");
    v.set_content_hint("bogus");
    assert_eq!(
        v.content_hint(),
        "motion",
        "invalid values are silently ignored"
    );
    for h in ["speech", "speech-recognition", "music", ""] {
        a.set_content_hint(h);
        assert_eq!(a.content_hint(), h);
    }
    a.set_content_hint("text");
    assert_eq!(a.content_hint(), "");
}

#[test]
fn tracks_work_from_many_threads() {
    let (md, _) = default_devices();
    let t = std::sync::Arc::new(video(&md, "true"));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let t = t.clone();
            std::thread::spawn(move || {
                for _ in 0..50 {
                    let c = (*t).clone();
                    let _ = c.get_settings();
                    if i == 0 {
                        c.stop();
                    }
                }
            })
        })
        .collect();
    for th in threads {
        th.join().unwrap();
    }
    assert_eq!(t.ready_state(), MediaStreamTrackState::Live);
}
