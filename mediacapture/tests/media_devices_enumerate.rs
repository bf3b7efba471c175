//! enumerateDevices: order, exposure before and after a grant, ids (spec-notes §3).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;
use serde_json::json;

fn kinds(list: &[MediaDeviceInfo]) -> Vec<&'static str> {
    list.iter().map(|d| d.kind().as_str()).collect()
}

#[test]
fn granted_lists_everything_microphones_cameras_then_outputs() {
    let (md, _) = devices_with(TWO_CAMERAS);
    let list = block_on(md.enumerate_devices());
    assert_eq!(
        kinds(&list),
        vec![
            "audioinput",
            "videoinput",
            "videoinput",
            "audiooutput",
            "audiooutput"
        ]
    );
    assert_eq!(
        list[3].device_id(),
        "default",
        "the default output gets a \"default\" entry, first"
    );
    assert_eq!(list[3].group_id(), list[4].group_id());
    assert!(list[3].label().contains("Phones"));
    for d in &list[..3] {
        assert_eq!(d.device_id().len(), 64);
        assert!(!d.label().is_empty());
        assert!(d.get_capabilities().is_some(), "inputs are InputDeviceInfo");
    }
    assert!(list[4].get_capabilities().is_none(), "outputs are not");
    // The microphone and the headphones are one device: one groupId.
    assert_eq!(list[0].group_id(), list[4].group_id());
    assert_ne!(list[1].group_id(), list[2].group_id());
    assert_eq!(
        list[1].to_json(),
        json!({"deviceId": list[1].device_id(), "kind": "videoinput", "label": "Front", "groupId": list[1].group_id()})
    );
    assert_eq!(json(&list[1]), list[1].to_json());
}

#[test]
fn input_capabilities_match_a_track_opened_on_the_device() {
    let (md, _) = devices_with(TWO_CAMERAS);
    for d in block_on(md.enumerate_devices())
        .into_iter()
        .filter(|d| d.kind() != MediaDeviceKind::AudioOutput)
    {
        let c = MediaStreamConstraints::from_json(&json!({ (if d.kind() == MediaDeviceKind::VideoInput {"video"} else {"audio"}): {"deviceId": {"exact": d.device_id()}} }).to_string()).unwrap();
        let s = block_on(md.get_user_media(c)).unwrap();
        assert_eq!(
            Some(s.get_tracks()[0].get_capabilities()),
            d.get_capabilities(),
            "{}",
            d.label()
        );
    }
}

#[test]
fn before_a_grant_each_kind_appears_once_blanked_and_outputs_not_at_all() {
    let (md, _) = devices_with_policy(TWO_CAMERAS, PermissionPolicy::prompt(|_| true));
    let list = block_on(md.enumerate_devices());
    assert_eq!(kinds(&list), vec!["audioinput", "videoinput"]);
    for d in &list {
        assert_eq!((d.device_id(), d.label(), d.group_id()), ("", "", ""));
        assert_eq!(
            d.get_capabilities(),
            Some(MediaTrackCapabilities::default()),
            "{{}} when blanked"
        );
    }
    // A camera grant exposes cameras; the microphone stays hidden (its permission is "prompt").
    let t = video(&md, "true");
    let list = block_on(md.enumerate_devices());
    assert_eq!(kinds(&list), vec!["audioinput", "videoinput", "videoinput"]);
    assert_eq!(list[0].label(), "");
    assert_eq!(list[1].label(), "Front");
    drop(t);
    let _a = audio(&md, "true");
    let list = block_on(md.enumerate_devices());
    assert_eq!(
        kinds(&list),
        vec![
            "audioinput",
            "videoinput",
            "videoinput",
            "audiooutput",
            "audiooutput"
        ]
    );
    assert!(list.iter().all(|d| !d.label().is_empty()));
}

#[test]
fn under_denial_information_stays_hidden() {
    let (md, _) = devices_with_policy(TWO_CAMERAS, PermissionPolicy::Denied);
    let list = block_on(md.enumerate_devices());
    assert_eq!(kinds(&list), vec!["audioinput", "videoinput"]);
    assert!(
        list.iter()
            .all(|d| d.device_id().is_empty() && d.label().is_empty())
    );
    assert_eq!(
        gum(&md, r#"{"video":true}"#).unwrap_err().name(),
        "NotAllowedError"
    );
    assert!(
        block_on(md.enumerate_devices())
            .iter()
            .all(|d| d.label().is_empty())
    );
}

#[test]
fn each_call_returns_new_equal_objects() {
    let (md, _) = default_devices();
    let (a, b) = (
        block_on(md.enumerate_devices()),
        block_on(md.enumerate_devices()),
    );
    assert_eq!(a, b);
    assert_eq!(a.len(), 4);
}

#[test]
fn device_ids_are_stable_across_runs_and_group_ids_are_per_instance() {
    let run = || {
        let (md, _) = devices_with(TWO_CAMERAS);
        block_on(md.enumerate_devices())
    };
    let (first, second) = (run(), run());
    let ids = |l: &[MediaDeviceInfo]| {
        l.iter()
            .map(|d| d.device_id().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        ids(&first),
        ids(&second),
        "same device, same program: same deviceId"
    );
    assert_ne!(
        first[1].group_id(),
        second[1].group_id(),
        "groupId is unique per MediaDevices"
    );
    // A stored deviceId opens the same device in a later run.
    let (md, _) = devices_with(TWO_CAMERAS);
    let t = video(
        &md,
        &json!({"deviceId": {"exact": first[2].device_id()}}).to_string(),
    );
    assert_eq!(t.label(), first[2].label());
    // Another origin sees other ids.
    let fake = FakeBackend::new(FakeDevicesConfig::from_json(TWO_CAMERAS).unwrap());
    let other = MediaDevices::builder()
        .backend(fake)
        .origin("another-app")
        .build()
        .unwrap();
    let theirs = block_on(other.enumerate_devices());
    assert_ne!(theirs[1].device_id(), first[1].device_id());
}

#[test]
fn supported_constraints_are_exactly_what_the_engine_honours() {
    let (md, _) = default_devices();
    let s = json(&md.get_supported_constraints());
    let mut keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(
        keys,
        vec![
            "aspectRatio",
            "autoGainControl",
            "backgroundBlur",
            "channelCount",
            "deviceId",
            "echoCancellation",
            "facingMode",
            "frameRate",
            "groupId",
            "height",
            "latency",
            "noiseSuppression",
            "resizeMode",
            "sampleRate",
            "sampleSize",
            "width"
        ]
    );
    assert!(s.as_object().unwrap().values().all(|v| v == &json!(true)));
    assert!(!md.get_supported_constraints().supports_name("zoom"));
}

#[test]
fn fake_devices_from_the_environment() {
    // The variables are read by default_backends(). Changing our own environment needs
    // `unsafe` on edition 2024 (and races other tests), so each case runs in a child process,
    // which prints the labels it sees, or the error.
    let exe = std::env::current_exe().unwrap();
    if std::env::var("MC_ENV_CHILD").is_ok() {
        match MediaDevices::new() {
            Ok(md) => {
                for d in block_on(md.enumerate_devices()) {
                    println!("LABEL {}", d.label());
                }
            }
            Err(e) => println!("ERROR {e}"),
        }
        return;
    }
    let child = |vars: &[(&str, &str)]| -> String {
        let mut c = std::process::Command::new(&exe);
        c.args([
            "fake_devices_from_the_environment",
            "--exact",
            "--nocapture",
        ])
        .env("MC_ENV_CHILD", "1")
        .env_remove(platform::FAKE_DEVICES_ENV)
        .env_remove(platform::BACKENDS_ENV);
        for (k, v) in vars {
            c.env(k, v);
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter(|l| l.starts_with("LABEL ") || l.starts_with("ERROR "))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let defaults = "LABEL Fake Microphone 0\nLABEL Fake Camera 0\nLABEL Default - Fake Speaker 0\nLABEL Fake Speaker 0";
    assert_eq!(
        child(&[(
            platform::FAKE_DEVICES_ENV,
            r#"{"videoinput":[{"label":"From Env"}]}"#
        )]),
        "LABEL From Env"
    );
    // The default set, by either variable.
    assert_eq!(child(&[(platform::FAKE_DEVICES_ENV, "default")]), defaults);
    assert_eq!(child(&[(platform::BACKENDS_ENV, "fake")]), defaults);
    // `fake` in the list takes the configuration when there is one.
    assert_eq!(
        child(&[
            (platform::BACKENDS_ENV, "fake"),
            (
                platform::FAKE_DEVICES_ENV,
                r#"{"audioinput":[{"label":"Mic"}]}"#
            )
        ]),
        "LABEL Mic"
    );
    let bad = child(&[(
        platform::FAKE_DEVICES_ENV,
        r#"{"videoinput":[{"modes":[]}]}"#,
    )]);
    assert!(
        bad.starts_with("ERROR TypeError") && bad.contains("videoinput[0].modes"),
        "a malformed variable is an error naming the field: {bad}"
    );
    let unknown = child(&[(platform::BACKENDS_ENV, "fake,v4l2")]);
    assert!(
        unknown.starts_with("ERROR TypeError") && unknown.contains("\"v4l2\""),
        "{unknown}"
    );
}
