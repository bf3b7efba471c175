//! getUserMedia: every error, with its name and constraint (spec-notes §4.1, §6).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;

fn err(md: &MediaDevices, json: &str) -> MediaStreamError {
    gum(md, json).expect_err(json)
}

#[test]
fn nothing_requested_is_a_type_error() {
    let (md, _) = default_devices();
    for c in [
        "{}",
        r#"{"audio":false,"video":false}"#,
        r#"{"doesnotexist":true}"#,
    ] {
        let e = err(&md, c);
        assert_eq!((e.name(), e.constraint()), ("TypeError", None), "{c}");
    }
}

#[test]
fn malformed_constraints_are_type_errors_naming_the_member() {
    let e = MediaStreamConstraints::from_json(r#"{"video":{"width":"wide"}}"#).unwrap_err();
    assert_eq!(e.name(), "TypeError");
    assert!(e.message().contains("video.width"), "{e}");
    let (md, _) = default_devices();
    let mut c = MediaTrackConstraints::default();
    c.frame_rate = Some(Constrain::ideal(f64::INFINITY));
    let e = block_on(md.get_user_media(MediaStreamConstraints::new(false, c))).unwrap_err();
    assert_eq!(e.name(), "TypeError");
}

#[test]
fn a_disallowed_required_constraint_is_a_type_error_but_ideal_and_advanced_are_fine() {
    let (md, _) = default_devices();
    let e = err(&md, r#"{"video":{"backgroundBlur":{"exact":true}}}"#);
    assert_eq!(e.name(), "TypeError");
    assert!(e.message().contains("backgroundBlur"), "{e}");
    assert!(
        gum(
            &md,
            r#"{"video":{"backgroundBlur":true,"advanced":[{"backgroundBlur":true}]}}"#
        )
        .is_ok()
    );
    // It does not apply to audio, so it is dropped there (step 6.3 before 6.4).
    assert!(gum(&md, r#"{"audio":{"backgroundBlur":{"exact":true}}}"#).is_ok());
}

#[test]
fn closed_media_devices_is_an_invalid_state_error() {
    let (md, _) = default_devices();
    md.close();
    assert_eq!(err(&md, r#"{"video":true}"#).name(), "InvalidStateError");
    // ...but a request for nothing is still a TypeError first (step 1 before step 2).
    assert_eq!(err(&md, "{}").name(), "TypeError");
}

#[test]
fn no_device_of_a_kind_is_not_found() {
    let (md, _) = devices_with(r#"{"audioinput":[{"label":"m"}]}"#);
    let e = err(&md, r#"{"audio":true,"video":true}"#);
    assert_eq!(e.name(), "NotFoundError");
    assert!(gum(&md, r#"{"audio":true}"#).is_ok());
    let (none, _) = devices_with("{}");
    assert_eq!(err(&none, r#"{"audio":true}"#).name(), "NotFoundError");
}

#[test]
fn unsatisfiable_constraints_are_overconstrained_naming_the_constraint() {
    let (md, _) = default_devices();
    let cases = [
        (r#"{"video":{"width":{"exact":5000}}}"#, "width"),
        (r#"{"video":{"width":{"min":100000000}}}"#, "width"),
        (r#"{"video":{"facingMode":{"exact":""}}}"#, "facingMode"),
        (
            r#"{"video":{"facingMode":{"exact":"environment"}}}"#,
            "facingMode",
        ),
        (
            r#"{"video":{"resizeMode":{"exact":"INVALID"}}}"#,
            "resizeMode",
        ),
        (
            r#"{"video":{"resizeMode":{"exact":"none"},"width":{"exact":641}}}"#,
            "width",
        ),
        (r#"{"video":{"groupId":{"exact":"INVALID"}}}"#, "groupId"),
        (r#"{"video":{"deviceId":{"exact":"INVALID"}}}"#, "deviceId"),
        (r#"{"video":{"frameRate":{"min":120}}}"#, "frameRate"),
        (r#"{"video":{"aspectRatio":{"exact":5000}}}"#, "aspectRatio"),
        (r#"{"audio":{"sampleRate":{"min":192000}}}"#, "sampleRate"),
        (r#"{"audio":{"channelCount":{"exact":8}}}"#, "channelCount"),
        (
            r#"{"audio":{"echoCancellation":{"exact":"bogus"}}}"#,
            "echoCancellation",
        ),
        (
            r#"{"audio":true,"video":{"height":{"exact":4000}}}"#,
            "height",
        ),
    ];
    for (c, name) in cases {
        let e = err(&md, c);
        assert_eq!(
            (e.name(), e.constraint()),
            ("OverconstrainedError", Some(name)),
            "{c}: {e}"
        );
        assert_eq!(e.code(), 0);
    }
}

#[test]
fn the_constraint_name_is_hidden_before_a_prompt_grant() {
    let policy = PermissionPolicy::prompt(|_| true);
    let (md, _) = devices_with_policy(TWO_CAMERAS, policy);
    let e = err(&md, r#"{"video":{"width":{"exact":5000}}}"#);
    assert_eq!(
        (e.name(), e.constraint()),
        ("OverconstrainedError", Some(""))
    );
    gum(&md, r#"{"video":true}"#).unwrap();
    let e = err(&md, r#"{"video":{"width":{"exact":5000}}}"#);
    assert_eq!(e.constraint(), Some("width"));
}

#[test]
fn denied_permission_is_not_allowed_and_wins_over_not_found_and_overconstrained() {
    let (md, _) = devices_with_policy(
        r#"{"videoinput":[{"label":"c"}]}"#,
        PermissionPolicy::Denied,
    );
    assert_eq!(err(&md, r#"{"video":true}"#).name(), "NotAllowedError");
    assert_eq!(
        err(&md, r#"{"video":{"width":{"exact":99999}}}"#).name(),
        "NotAllowedError"
    );
    assert_eq!(
        err(&md, r#"{"audio":true}"#).name(),
        "NotAllowedError",
        "NotFound Failure goes to Permission Failure"
    );
    // ...but a TypeError comes first.
    assert_eq!(err(&md, "{}").name(), "TypeError");
}

#[test]
fn a_prompt_decides_and_its_answer_is_remembered() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let asked = Arc::new(AtomicUsize::new(0));
    let seen = asked.clone();
    let policy = PermissionPolicy::prompt(move |req| {
        seen.fetch_add(1, Ordering::SeqCst);
        // One combined prompt for both kinds.
        assert_eq!(
            req.names,
            vec![PermissionName::Microphone, PermissionName::Camera]
        );
        false
    });
    let (md, _) = devices_with_policy(TWO_CAMERAS, policy);
    assert_eq!(
        md.query_permission(PermissionName::Camera),
        PermissionState::Prompt
    );
    assert_eq!(
        err(&md, r#"{"audio":true,"video":true}"#).name(),
        "NotAllowedError"
    );
    assert_eq!(
        md.query_permission(PermissionName::Camera),
        PermissionState::Denied
    );
    assert_eq!(err(&md, r#"{"video":true}"#).name(), "NotAllowedError");
    assert_eq!(asked.load(Ordering::SeqCst), 1, "a denial is remembered");

    let (md, _) = devices_with_policy(TWO_CAMERAS, PermissionPolicy::prompt(|_| true));
    gum(&md, r#"{"video":true}"#).unwrap();
    assert_eq!(
        md.query_permission(PermissionName::Camera),
        PermissionState::Granted
    );
    assert_eq!(
        md.query_permission(PermissionName::Microphone),
        PermissionState::Prompt
    );
}

#[test]
fn a_busy_device_is_skipped_then_not_readable() {
    let (md, fake) = devices_with(
        r#"{"videoinput":[{"label":"A","id":"a","openError":"busy"},{"label":"B","id":"b"}]}"#,
    );
    // A is busy: B is used instead.
    let t = video(&md, "true");
    assert_eq!(t.label(), "B");
    t.stop();
    fake.set_open_error(
        MediaDeviceKind::VideoInput,
        "b",
        Some(hal::BackendErrorKind::DeviceBusy),
    );
    let e = err(&md, r#"{"video":true}"#);
    assert_eq!(e.name(), "NotReadableError");
    assert!(
        std::error::Error::source(&e).is_some(),
        "the backend's error is the source"
    );
}

#[test]
fn other_start_failures_are_abort_errors_and_os_denial_is_not_allowed() {
    let (md, _) = devices_with(r#"{"videoinput":[{"label":"A","openError":"failed"}]}"#);
    assert_eq!(err(&md, r#"{"video":true}"#).name(), "AbortError");
    let (md, _) = devices_with(r#"{"audioinput":[{"label":"M","openError":"permission-denied"}]}"#);
    assert_eq!(err(&md, r#"{"audio":true}"#).name(), "NotAllowedError");
}

#[test]
fn a_failure_of_one_kind_leaves_no_device_running() {
    let (md, fake) = devices_with(
        r#"{"videoinput":[{"label":"C"}],"audioinput":[{"label":"M","openError":"busy"}]}"#,
    );
    assert_eq!(
        err(&md, r#"{"audio":true,"video":true}"#).name(),
        "NotReadableError"
    );
    assert_eq!(
        fake.open_handles(),
        0,
        "the camera opened for this call was stopped again"
    );
}

#[test]
fn legacy_callbacks_and_blocking_forms() {
    let (md, _) = default_devices();
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    md.get_user_media_with_callbacks(
        MediaStreamConstraints::video(),
        move |s| tx.send(Ok(s.get_tracks().len())).unwrap(),
        move |e| tx2.send(Err(e.name())).unwrap(),
    );
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), Ok(1));
    let (tx, rx) = std::sync::mpsc::channel();
    let tx2 = tx.clone();
    md.get_user_media_with_callbacks(
        MediaStreamConstraints::default(),
        move |_| tx.send(Ok(0)).unwrap(),
        move |e| tx2.send(Err(e.name())).unwrap(),
    );
    assert_eq!(rx.recv_timeout(WAIT).unwrap(), Err("TypeError"));
    assert!(
        md.get_user_media_blocking(MediaStreamConstraints::audio())
            .is_ok()
    );
}
