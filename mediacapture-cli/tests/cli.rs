//! The `mediacapture` command, run as a person would run it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::process::{Command, Output};

use serde_json::{Value, json};

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mediacapture"))
        .args(args)
        .env_remove("MEDIACAPTURE_FAKE_DEVICES")
        .output()
        .expect("runs")
}

fn json_of(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

#[test]
fn probe_reports_overconstrained_naming_width() {
    let o = run(&["probe", "--json", r#"{"video":{"width":{"exact":5000}}}"#]);
    assert_eq!(o.status.code(), Some(1));
    let v = json_of(&o);
    assert_eq!(v["result"], "rejected");
    assert_eq!(v["error"]["name"], "OverconstrainedError");
    assert_eq!(v["error"]["constraint"], "width");
    assert!(
        v["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty())
    );
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("using the fake devices"),
        "says so on stderr"
    );
}

#[test]
fn probe_reports_a_type_error_for_an_empty_request() {
    let v = json_of(&run(&["probe", "--json", "{}"]));
    assert_eq!(
        v,
        json!({"result": "rejected", "error": {"name": "TypeError", "message": v["error"]["message"]}})
    );
    let v = json_of(&run(&["probe", "--json", r#"{"video":{"width":"wide"}}"#]));
    assert_eq!(v["error"]["name"], "TypeError");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("video.width")
    );
}

#[test]
fn probe_resolves_with_every_track_field_and_applies() {
    let o = run(&[
        "probe",
        "--json",
        "--apply",
        r#"{"width":{"min":4000}}"#,
        r#"{"audio":true,"video":{"width":{"exact":641},"height":{"exact":361}}}"#,
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v = json_of(&o);
    assert_eq!(v["result"], "resolved");
    let tracks = v["tracks"].as_array().unwrap();
    assert_eq!(tracks.len(), 2);
    for t in tracks {
        for k in [
            "kind",
            "id",
            "label",
            "enabled",
            "muted",
            "readyState",
            "contentHint",
            "settings",
            "constraints",
            "capabilities",
        ] {
            assert!(t.get(k).is_some(), "{k} in {t}");
        }
    }
    let video = tracks.iter().find(|t| t["kind"] == "video").unwrap();
    assert_eq!(
        (
            video["settings"]["width"].clone(),
            video["settings"]["resizeMode"].clone()
        ),
        (json!(641), json!("crop-and-scale"))
    );
    assert_eq!(
        video["constraints"],
        json!({"height":{"exact":361},"width":{"exact":641}})
    );
    assert_eq!(v["apply"]["result"], "rejected");
    assert_eq!(v["apply"]["error"]["constraint"], "width");
    let v = json_of(&run(&[
        "probe",
        "--json",
        "--apply",
        r#"{"width":320}"#,
        r#"{"video":true}"#,
    ]));
    assert_eq!(v["apply"], json!({"result": "resolved", "error": null}));
}

#[test]
fn devices_lists_the_fake_devices() {
    let v = json_of(&run(&["devices", "--json"]));
    let list = v.as_array().unwrap();
    let kinds: Vec<&str> = list.iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(
        kinds,
        vec!["audioinput", "videoinput", "audiooutput", "audiooutput"]
    );
    assert_eq!(list[1]["label"], "Fake Camera 0");
    assert_eq!(
        list[1]["capabilities"]["width"],
        json!({"max":1920,"min":1})
    );
    assert_eq!(list[2]["deviceId"], "default");
    let human = String::from_utf8(run(&["devices"]).stdout).unwrap();
    assert!(
        human.contains("Fake Camera 0") && human.contains("Fake Microphone 0"),
        "{human}"
    );
}

#[test]
fn fake_devices_come_from_an_argument_a_file_or_the_environment() {
    let cfg = r#"{"videoinput":[{"label":"Arg Cam","modes":[{"width":320,"height":240,"frameRate":15}]}]}"#;
    let v = json_of(&run(&["devices", "--json", "--fake-devices", cfg]));
    assert_eq!(v.as_array().unwrap().len(), 1);
    assert_eq!(v[0]["label"], "Arg Cam");

    let path =
        std::env::temp_dir().join(format!("mediacapture-cli-test-{}.json", std::process::id()));
    std::fs::write(&path, cfg.replace("Arg Cam", "File Cam")).unwrap();
    let v = json_of(&run(&[
        "devices",
        "--json",
        "--fake-devices",
        path.to_str().unwrap(),
    ]));
    std::fs::remove_file(&path).ok();
    assert_eq!(v[0]["label"], "File Cam");

    let o = Command::new(env!("CARGO_BIN_EXE_mediacapture"))
        .args(["probe", "--json", r#"{"video":true}"#])
        .env(
            "MEDIACAPTURE_FAKE_DEVICES",
            cfg.replace("Arg Cam", "Env Cam"),
        )
        .output()
        .unwrap();
    let v = json_of(&o);
    assert_eq!(v["tracks"][0]["label"], "Env Cam");
    assert_eq!(v["tracks"][0]["settings"]["width"], 320);
    assert!(String::from_utf8_lossy(&o.stderr).contains("MEDIACAPTURE_FAKE_DEVICES"));
}

#[test]
fn a_malformed_configuration_is_a_clear_error() {
    let o = run(&[
        "devices",
        "--fake-devices",
        r#"{"videoinput":[{"modes":[{"width":0,"height":1,"frameRate":1}]}]}"#,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("videoinput[0].modes[0].width"), "{err}");
    assert!(!err.contains("panicked"));
}
