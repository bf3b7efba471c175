//! applyConstraints: atomic, exact echo, ended tracks, shared sources (spec-notes §2.6, §5.5).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;
use serde_json::json;

#[test]
fn success_changes_settings_and_constraints_together() {
    let (md, _) = default_devices();
    let t = video(&md, "true");
    apply(&t, r#"{"width":{"exact":320},"height":{"exact":180}}"#).unwrap();
    let s = t.get_settings();
    assert_eq!(
        (s.width, s.height, s.resize_mode.as_deref()),
        (Some(320), Some(180), Some("crop-and-scale"))
    );
    assert_eq!(
        json(&t.get_constraints()),
        json!({"width":{"exact":320},"height":{"exact":180}})
    );
}

#[test]
fn a_rejected_call_changes_nothing() {
    let (md, _) = default_devices();
    let t = video(&md, r#"{"width":{"ideal":1280}}"#);
    let (before_s, before_c) = (t.get_settings(), json(&t.get_constraints()));
    let cases = [
        (r#"{"width":{"min":4000}}"#, "width"),
        (r#"{"groupId":{"exact":"INVALID"}}"#, "groupId"),
        (r#"{"resizeMode":{"exact":"INVALID"}}"#, "resizeMode"),
        (r#"{"deviceId":{"exact":"other"}}"#, "deviceId"),
        (r#"{"facingMode":{"exact":"environment"}}"#, "facingMode"),
        (r#"{"frameRate":{"min":31},"width":640}"#, "frameRate"),
    ];
    for (c, name) in cases {
        let e = apply(&t, c).unwrap_err();
        assert_eq!(
            (e.name(), e.constraint()),
            ("OverconstrainedError", Some(name)),
            "{c}"
        );
        assert_eq!(t.get_settings(), before_s, "{c}: settings unchanged");
        assert_eq!(
            json(&t.get_constraints()),
            before_c,
            "{c}: constraints unchanged"
        );
    }
}

#[test]
fn ideal_values_that_cannot_be_met_are_fine() {
    let (md, _) = default_devices();
    let t = video(&md, "true");
    let g = t.get_settings().group_id;
    apply(&t, r#"{"groupId":"INVALID"}"#).unwrap();
    assert_eq!(t.get_settings().group_id, g);
    apply(&t, r#"{"resizeMode":"INVALID"}"#).unwrap();
    assert_eq!(json(&t.get_constraints()), json!({"resizeMode":"INVALID"}));
}

#[test]
fn empty_constraints_clear_and_advanced_empty_resolves() {
    let (md, _) = default_devices();
    let t = video(&md, r#"{"width":{"exact":800}}"#);
    block_on(t.apply_constraints(MediaTrackConstraints::default())).unwrap();
    assert_eq!(json(&t.get_constraints()), json!({}));
    assert_eq!(
        t.get_settings().width,
        Some(640),
        "back to the default choice"
    );
    apply(&t, r#"{"advanced":[]}"#).unwrap();
    assert_eq!(json(&t.get_constraints()), json!({"advanced":[]}));
}

#[test]
fn another_devices_group_is_unsatisfiable() {
    let (md, _) = devices_with(TWO_CAMERAS);
    let front = video(&md, r#"{"facingMode":{"exact":"user"}}"#);
    let back_group = block_on(md.enumerate_devices())
        .into_iter()
        .find(|d| d.label() == "Back")
        .unwrap()
        .group_id()
        .to_owned();
    let e = apply(
        &front,
        &json!({"groupId": {"exact": back_group}}).to_string(),
    )
    .unwrap_err();
    assert_eq!(e.constraint(), Some("groupId"), "you cannot switch device");
}

#[test]
fn an_ended_track_resolves_and_does_nothing() {
    let (md, _) = default_devices();
    let t = video(&md, r#"{"width":640}"#);
    t.stop();
    apply(&t, r#"{"width":{"exact":99999}}"#).unwrap();
    assert_eq!(json(&t.get_constraints()), json!({"width":640}));
}

#[test]
fn a_lone_track_switches_the_device_mode_a_shared_one_cannot() {
    let (md, fake) = default_devices();
    let a = video(&md, "true");
    assert_eq!(a.get_settings().width, Some(640));
    // Alone on the camera: it may switch the camera to 1920x1080.
    apply(&a, r#"{"width":{"exact":1920}}"#).unwrap();
    assert_eq!(
        (
            a.get_settings().width,
            a.get_settings().resize_mode.as_deref()
        ),
        (Some(1920), Some("none"))
    );
    // A clone now shares the source: the clone may only crop and scale from 1920x1080.
    let b = a.clone();
    apply(&b, r#"{"width":{"exact":960},"height":{"exact":540}}"#).unwrap();
    assert_eq!(
        a.get_settings().width,
        Some(1920),
        "the other track keeps its settings"
    );
    apply(
        &a,
        r#"{"width":{"exact":1280},"resizeMode":{"exact":"none"}}"#,
    )
    .unwrap_err();
    assert_eq!(a.get_settings().width, Some(1920));
    assert_eq!(
        fake.open_count("fake-camera-0"),
        1,
        "the device was switched, not reopened"
    );
}

#[test]
fn content_hint_changes_audio_processing_defaults() {
    let (md, _) = default_devices();
    let t = audio(&md, "true");
    assert_eq!(t.get_settings().noise_suppression, Some(true));
    t.set_content_hint("music");
    block_on(t.apply_constraints(MediaTrackConstraints::default())).unwrap();
    let s = t.get_settings();
    assert_eq!(
        (
            s.echo_cancellation,
            s.auto_gain_control,
            s.noise_suppression
        ),
        (Some(false.into()), Some(false), Some(false))
    );
    // An explicit constraint still wins over the hint's default.
    apply(&t, r#"{"noiseSuppression":{"exact":true}}"#).unwrap();
    assert_eq!(t.get_settings().noise_suppression, Some(true));
    t.set_content_hint("");
    apply(&t, "{}").unwrap();
    assert_eq!(t.get_settings().auto_gain_control, Some(true));
}

#[test]
fn applications_take_effect_in_call_order_across_threads() {
    let (md, _) = default_devices();
    let t = std::sync::Arc::new(video(&md, "true"));
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let t = t.clone();
            std::thread::spawn(move || {
                apply(&t, &format!(r#"{{"width":{{"exact":{}}}}}"#, 100 + i)).unwrap()
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    let w = t.get_settings().width.unwrap();
    let c = json(&t.get_constraints());
    assert_eq!(
        c["width"]["exact"],
        json!(w),
        "settings and constraints come from the same call"
    );
}
