//! devicechange, hot-plug, revocation and close: events and their order (spec-notes §2.4, §3.6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;

#[test]
fn unplugging_ends_tracks_first_then_fires_devicechange() {
    let (md, fake) = devices_with(TWO_CAMERAS);
    let t = video(&md, r#"{"facingMode":{"exact":"environment"}}"#);
    let (tev, dev) = (t.events(), md.events());
    assert!(fake.remove_device(MediaDeviceKind::VideoInput, "back"));
    // Events are queued as they are fired: once `devicechange` can be read, `ended` must
    // already be in the track's queue. (Two reader threads racing to log what they read
    // would test the scheduler, not the order.)
    let change = dev.recv_timeout(WAIT).unwrap();
    let mut track_events = Vec::new();
    while let Ok(e) = tev.try_recv() {
        track_events.push(e);
    }
    assert_eq!(
        track_events.last(),
        Some(&TrackEvent::Ended),
        "ended was fired before devicechange: {track_events:?}"
    );
    assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(change.devices, block_on(md.enumerate_devices()));
    assert!(change.devices.iter().all(|d| d.label() != "Back"));
    assert!(change.user_inserted_devices.is_empty());
}

#[test]
fn plugging_in_fires_devicechange_with_the_inserted_device() {
    let (md, fake) = default_devices();
    let events = md.events();
    fake.add_devices(r#"{"videoinput":[{"label":"USB Camera","id":"usb"}]}"#)
        .unwrap();
    let e = next(&events);
    assert_eq!(e.user_inserted_devices.len(), 1);
    assert_eq!(e.user_inserted_devices[0].label(), "USB Camera");
    assert!(e.devices.iter().any(|d| d.label() == "USB Camera"));
    assert_eq!(
        video(
            &md,
            r#"{"deviceId":{"exact":"x"}}"#
                .replace(
                    "\"x\"",
                    &format!("{:?}", e.user_inserted_devices[0].device_id())
                )
                .as_str()
        )
        .label(),
        "USB Camera"
    );
}

#[test]
fn scripted_hotplug_fires_devicechange_on_time() {
    let (md, _) =
        devices_with(r#"{"videoinput":[{"label":"Late","addAfterMs":300,"removeAfterMs":500}]}"#);
    let events = md.events();
    assert!(block_on(md.enumerate_devices()).is_empty());
    let added = next(&events);
    assert_eq!(added.devices.len(), 1);
    let removed = next(&events);
    assert!(removed.devices.is_empty());
}

#[test]
fn no_devicechange_when_the_exposed_list_does_not_change() {
    // Before a grant only the first camera is exposed, blanked: a second camera arriving
    // changes nothing the program can see.
    let (md, fake) = devices_with_policy(
        r#"{"videoinput":[{"label":"A"}]}"#,
        PermissionPolicy::prompt(|_| true),
    );
    let events = md.events();
    fake.add_devices(r#"{"videoinput":[{"label":"B"}]}"#)
        .unwrap();
    assert_eq!(
        events
            .recv_timeout(std::time::Duration::from_millis(200))
            .err(),
        Some(RecvTimeoutError::Timeout)
    );
}

#[test]
fn revoking_permission_ends_live_tracks_of_that_kind_with_ended() {
    let (md, _) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let (a, v) = (
        s.get_audio_tracks().remove(0),
        s.get_video_tracks().remove(0),
    );
    let ev = v.events();
    md.set_permission(PermissionName::Camera, PermissionState::Denied);
    let mut got = Vec::new();
    while let Ok(e) = ev.recv_timeout(WAIT) {
        got.push(e);
    }
    assert_eq!(got.last(), Some(&TrackEvent::Ended));
    assert_eq!(v.ready_state(), MediaStreamTrackState::Ended);
    assert_eq!(a.ready_state(), MediaStreamTrackState::Live);
    assert_eq!(
        gum(&md, r#"{"video":true}"#).unwrap_err().name(),
        "NotAllowedError"
    );
}

#[test]
fn close_stops_every_source_without_ended_events() {
    let (md, fake) = default_devices();
    let s = gum(&md, r#"{"audio":true,"video":true}"#).unwrap();
    let subs: Vec<_> = s.get_tracks().iter().map(|t| t.events()).collect();
    let changes = md.events();
    md.close();
    assert!(!s.active());
    assert_eq!(fake.open_handles(), 0);
    for sub in subs {
        let rest: Vec<TrackEvent> = std::iter::from_fn(|| sub.recv_timeout(WAIT).ok()).collect();
        assert!(!rest.contains(&TrackEvent::Ended), "{rest:?}");
    }
    assert_eq!(
        changes.recv_timeout(WAIT).err(),
        Some(RecvTimeoutError::Closed)
    );
    assert!(block_on(md.enumerate_devices()).is_empty());
}

#[test]
fn async_subscriptions_work_on_any_executor() {
    use std::future::poll_fn;
    use std::pin::Pin;
    let (md, fake) = default_devices();
    let t = video(&md, "true");
    let mut events = t.events();
    let f2 = fake.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(20));
        f2.remove_device(MediaDeviceKind::VideoInput, "fake-camera-0");
    });
    let all = block_on(async {
        let mut v = Vec::new();
        while let Some(e) =
            poll_fn(|cx| futures_core::Stream::poll_next(Pin::new(&mut events), cx)).await
        {
            v.push(e);
        }
        v
    });
    assert_eq!(without_started(all), vec![TrackEvent::Ended]);
}
