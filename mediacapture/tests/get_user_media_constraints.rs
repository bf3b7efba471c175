//! getUserMedia: what settings each request gets (spec-notes §4.2, §5).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;
use serde_json::json;

#[test]
fn settings_follow_the_constraints() {
    let (md, _) = default_devices();
    let cases = [
        (
            "true",
            json!({"width":640,"height":480,"frameRate":30,"resizeMode":"none","facingMode":"user"}),
        ),
        (
            r#"{"width":{"ideal":1280},"height":{"ideal":720}}"#,
            json!({"width":1280,"height":720,"resizeMode":"none"}),
        ),
        (
            r#"{"width":{"exact":641},"height":{"exact":361}}"#,
            json!({"width":641,"height":361,"resizeMode":"crop-and-scale"}),
        ),
        (r#"{"width":{"ideal":320,"min":160}}"#, json!({"width":320})),
        (
            r#"{"resizeMode":{"exact":"none"}}"#,
            json!({"resizeMode":"none"}),
        ),
        (
            r#"{"resizeMode":{"exact":"crop-and-scale"}}"#,
            json!({"resizeMode":"crop-and-scale"}),
        ),
        (
            r#"{"advanced":[{"width":{"min":1024,"max":800}}]}"#,
            json!({"width":640}),
        ),
        (r#"{"width":{"min":0}}"#, json!({"width":640})),
        (
            r#"{"frameRate":{"exact":24}}"#,
            json!({"frameRate":24,"resizeMode":"crop-and-scale"}),
        ),
        (
            r#"{"frameRate":15}"#,
            json!({"frameRate":15,"resizeMode":"none"}),
        ),
        (
            r#"{"facingMode":["environment","user"]}"#,
            json!({"facingMode":"user"}),
        ),
        (
            r#"{"aspectRatio":{"exact":1.7777777778}}"#,
            json!({"aspectRatio":1.7777777778}),
        ),
        // Advanced sets only filter; the basic ideal ranks: a 1920x720 crop meets width 1920 exactly.
        (
            r#"{"width":1920,"advanced":[{"height":{"max":720}}]}"#,
            json!({"width":1920,"height":720,"resizeMode":"crop-and-scale"}),
        ),
    ];
    for (c, want) in cases {
        let s = json(&video(&md, c).get_settings());
        for (k, v) in want.as_object().unwrap() {
            assert_eq!(&s[k], v, "{c}: {k} in {s}");
        }
    }
}

#[test]
fn audio_settings_follow_the_constraints() {
    let (md, _) = default_devices();
    for ec in [
        json!(true),
        json!(false),
        json!("all"),
        json!("remote-only"),
    ] {
        let t = audio(&md, &json!({"echoCancellation": {"exact": ec}}).to_string());
        assert_eq!(json(&t.get_settings())["echoCancellation"], ec);
    }
    let s = json(
        &audio(
            &md,
            r#"{"sampleRate":44100,"channelCount":2,"autoGainControl":false}"#,
        )
        .get_settings(),
    );
    assert_eq!(
        (
            s["sampleRate"].clone(),
            s["channelCount"].clone(),
            s["autoGainControl"].clone()
        ),
        (json!(44100), json!(2), json!(false))
    );
    let s = json(&audio(&md, "true").get_settings());
    for k in [
        "deviceId",
        "groupId",
        "sampleRate",
        "sampleSize",
        "echoCancellation",
        "autoGainControl",
        "noiseSuppression",
        "latency",
        "channelCount",
    ] {
        assert!(s.get(k).is_some(), "audio settings have {k}: {s}");
    }
}

#[test]
fn every_capability_key_has_a_setting() {
    let (md, _) = default_devices();
    for t in gum(&md, r#"{"audio":true,"video":true}"#)
        .unwrap()
        .get_tracks()
    {
        let caps = json(&t.get_capabilities());
        let settings = json(&t.get_settings());
        for k in caps.as_object().unwrap().keys() {
            assert!(
                settings.get(k).is_some(),
                "{:?}: capability {k} has no setting in {settings}",
                t.kind()
            );
        }
        for (k, v) in caps.as_object().unwrap() {
            if let Some(r) = v.as_object().filter(|o| o.contains_key("min")) {
                assert_eq!(r.len(), 2, "{k}: exactly min and max");
                assert!(r["min"].as_f64() <= r["max"].as_f64(), "{k}");
            }
        }
    }
}

#[test]
fn constraints_of_the_other_kind_are_dropped_even_impossible_ones() {
    let (md, _) = default_devices();
    let t = video(
        &md,
        r#"{"width":640,"sampleRate":{"exact":1},"echoCancellation":{"exact":"x"}}"#,
    );
    // getConstraints returns what was applied: the video members only.
    assert_eq!(json(&t.get_constraints()), json!({"width":640}));
    let t = audio(
        &md,
        r#"{"width":{"exact":1},"advanced":[{"height":{"exact":3},"sampleRate":44100}]}"#,
    );
    assert_eq!(
        json(&t.get_constraints()),
        json!({"advanced":[{"sampleRate":44100}]})
    );
}

#[test]
fn get_constraints_echoes_the_request_as_given() {
    let (md, _) = default_devices();
    let c = json!({"width":{"ideal":1280},"frameRate":30,"facingMode":{"exact":["user","environment"]},"advanced":[{"aspectRatio":1.5}]});
    let t = video(&md, &c.to_string());
    assert_eq!(json(&t.get_constraints()), c);
    assert_eq!(json(&video(&md, "true").get_constraints()), json!({}));
}

#[test]
fn device_selection_by_id_group_and_facing_mode() {
    let (md, _) = devices_with(TWO_CAMERAS);
    let list = block_on(md.enumerate_devices());
    for d in list
        .iter()
        .filter(|d| d.kind() == MediaDeviceKind::VideoInput)
    {
        let t = video(
            &md,
            &json!({"deviceId": {"exact": d.device_id()}}).to_string(),
        );
        assert_eq!(t.label(), d.label());
        let t = video(
            &md,
            &json!({"groupId": {"exact": d.group_id()}}).to_string(),
        );
        assert_eq!(t.get_settings().group_id.as_deref(), Some(d.group_id()));
    }
    assert_eq!(
        video(&md, r#"{"facingMode":"environment"}"#).label(),
        "Back"
    );
    assert_eq!(
        video(&md, r#"{"facingMode":{"exact":"user"}}"#).label(),
        "Front"
    );
    assert_eq!(video(&md, r#"{"width":1920}"#).label(), "Back");
    assert_eq!(
        video(&md, "true").label(),
        "Front",
        "ties go to the first (default) device"
    );
    let back = list
        .iter()
        .find(|d| d.label() == "Back")
        .unwrap()
        .device_id()
        .to_owned();
    assert_eq!(
        video(&md, &json!({"deviceId": back}).to_string()).label(),
        "Back",
        "an ideal deviceId picks it"
    );
}

#[test]
fn a_second_request_shares_the_running_device() {
    let (md, fake) = default_devices();
    let first = video(&md, r#"{"width":{"exact":1280},"height":{"exact":720}}"#);
    let id = first.get_settings().device_id.unwrap();
    // spec-notes §4.2: same deviceId, width between w/2 and w.
    let second = video(
        &md,
        &json!({"deviceId": {"exact": id}, "width": {"ideal": 640}}).to_string(),
    );
    let w = second.get_settings().width.unwrap();
    assert!((640..=1280).contains(&w), "{w}");
    assert_eq!(
        second.get_settings().device_id.as_deref(),
        Some(id.as_str())
    );
    assert_eq!(
        fake.open_count("fake-camera-0"),
        1,
        "one device open, shared by both tracks"
    );
    assert_eq!(
        first.get_settings().width,
        Some(1280),
        "the first track keeps its settings"
    );
    // A size the running mode cannot give is overconstrained for the second track.
    let e = gum(&md, r#"{"video":{"width":{"exact":1920}}}"#).unwrap_err();
    assert_eq!(e.constraint(), Some("width"));
}
