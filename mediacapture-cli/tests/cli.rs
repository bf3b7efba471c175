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

fn tool(name: &str) -> std::path::PathBuf {
    // scripts/setup.sh (run by the README's test command) installs ffmpeg; without it this
    // test cannot check anything, so it fails rather than pass vacuously.
    let p = std::path::PathBuf::from(format!("/usr/bin/{name}"));
    assert!(p.exists(), "{name} is missing: run scripts/setup.sh");
    p
}

/// ffprobe's view of the first stream of `path`: the `entries` asked for (frames counted).
fn ffprobe_stream(path: &std::path::Path, entries: &str) -> Value {
    let probe = Command::new(tool("ffprobe"))
        .args([
            "-v",
            "error",
            "-count_frames",
            "-show_entries",
            &format!("stream={entries}"),
            "-of",
            "json",
        ])
        .arg(path)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&probe.stdout).unwrap();
    v["streams"][0].clone()
}

fn temp(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("mediacapture-cli-{}-{name}", std::process::id()))
}

#[test]
fn capture_writes_y4m_that_ffprobe_reads_with_the_requested_size_and_count() {
    let out = temp("x.y4m");
    let o = run(&[
        "capture",
        "--video",
        r#"{"width":{"exact":641},"height":{"exact":361}}"#,
        "--frames",
        "30",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("30 frames of 641x361"), "{summary}");
    let s = &ffprobe_stream(&out, "width,height,nb_read_frames,pix_fmt");
    assert_eq!(
        (
            s["width"].clone(),
            s["height"].clone(),
            s["nb_read_frames"].clone()
        ),
        (json!(641), json!(361), json!("30"))
    );
    assert_eq!(s["pix_fmt"], "yuv420p");
    // Decode it with ffmpeg and read the frame numbers back: 30 consecutive frames.
    let raw = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(&out)
        .args(["-f", "rawvideo", "-"])
        .output()
        .unwrap();
    std::fs::remove_file(&out).ok();
    let frame_len = 641 * 361 + 2 * 321 * 181;
    assert_eq!(raw.stdout.len(), 30 * frame_len);
    let numbers: Vec<u32> = raw
        .stdout
        .chunks(frame_len)
        .map(|f| {
            mediacapture::fake::pattern::decode_frame_number(&f[..641 * 361], 641, 361, (1280, 720))
                .unwrap()
        })
        .collect();
    for w in numbers.windows(2) {
        assert_eq!(w[1], w[0] + 1, "{numbers:?}");
    }
}

#[test]
fn capture_writes_wav_with_the_known_signal() {
    let out = temp("a.wav");
    let o = run(&[
        "capture",
        "--audio",
        r#"{"sampleRate":{"exact":16000},"channelCount":{"exact":2}}"#,
        "--duration",
        "0.5",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = &ffprobe_stream(&out, "codec_name,sample_rate,channels,duration");
    assert_eq!(
        (
            s["codec_name"].clone(),
            s["sample_rate"].clone(),
            s["channels"].clone()
        ),
        (json!("pcm_s16le"), json!("16000"), json!(2))
    );
    assert_eq!(s["duration"], "0.500000");
    let raw = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(&out)
        .args(["-f", "s16le", "-"])
        .output()
        .unwrap();
    std::fs::remove_file(&out).ok();
    let samples: Vec<i16> = raw
        .stdout
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    assert_eq!(samples.len(), 16_000);
    // The capture starts at some 10 ms chunk of the fake microphone's tone: find which, then
    // every sample must be the tone's, on both channels.
    let expect = |n: u64| {
        (mediacapture::fake::pattern::tone_sample(n, 16_000) * 32768.0)
            .round()
            .clamp(-32768.0, 32767.0) as i16
    };
    let start = (0..200u64)
        .map(|k| k * 160)
        .find(|n0| (0..64).all(|i| samples[2 * i as usize] == expect(n0 + i)))
        .expect("the captured audio is the fake microphone's tone");
    for (i, pair) in samples.chunks(2).enumerate() {
        assert_eq!(pair, [expect(start + i as u64); 2], "sample {i}");
    }
}

#[test]
fn capture_arguments_are_checked() {
    let o = run(&["capture", "--out", "x.mp4"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains(".y4m or .wav"));
    let o = run(&[
        "capture",
        "--video",
        r#"{"width":{"exact":99999}}"#,
        "--frames",
        "1",
        "--out",
        "/nonexistent/x.y4m",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("OverconstrainedError"));
}

/// A deterministic byte stream, so the files differ frame to frame and sample to sample.
fn noise(seed: u64, n: usize) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

#[test]
fn y4m_and_wav_files_round_trip_through_fake_devices_and_capture() {
    let dir = std::env::temp_dir().join(format!("mc-roundtrip-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A 64x48 clip of 10 distinct frames at 30 fps, and 0.35 s of 16-bit mono at 8 kHz.
    let frame_len = 64 * 48 * 3 / 2;
    let frames: Vec<Vec<u8>> = (0..10).map(|i| noise(i + 1, frame_len)).collect();
    let mut clip = b"YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg\n".to_vec();
    for f in &frames {
        clip.extend_from_slice(b"FRAME\n");
        clip.extend_from_slice(f);
    }
    std::fs::write(dir.join("clip.y4m"), &clip).unwrap();
    let samples: Vec<i16> = noise(99, 2800 * 2)
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(dir.join("speech.wav"), spec).unwrap();
    for s in &samples {
        w.write_sample(*s).unwrap();
    }
    w.finalize().unwrap();
    // The configuration names the files relative to itself.
    let cfg = dir.join("devices.json");
    std::fs::write(&cfg, r#"{"videoinput":[{"label":"clip","file":"clip.y4m"}],"audioinput":[{"label":"speech","file":"speech.wav"}]}"#).unwrap();
    let out = dir.join("out");
    let o = run(&[
        "capture",
        "--fake-devices",
        cfg.to_str().unwrap(),
        "--video",
        "true",
        "--audio",
        "true",
        "--frames",
        "25",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // Video: 25 frames, each exactly file frame (k + i) mod 10 for the frame k capture began at.
    let raw = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(out.with_extension("y4m"))
        .args(["-f", "rawvideo", "-"])
        .output()
        .unwrap();
    let got: Vec<&[u8]> = raw.stdout.chunks(frame_len).collect();
    assert_eq!(got.len(), 25);
    let k = frames
        .iter()
        .position(|f| f.as_slice() == got[0])
        .expect("the first captured frame is a frame of the file");
    for (i, g) in got.iter().enumerate() {
        assert!(
            *g == frames[(k + i) % 10].as_slice(),
            "frame {i} differs from file frame {}",
            (k + i) % 10
        );
    }
    // Audio: every captured sample is the file's, in order, wrapping around.
    let mut r = hound::WavReader::open(out.with_extension("wav")).unwrap();
    assert_eq!(
        (
            r.spec().sample_rate,
            r.spec().channels,
            r.spec().bits_per_sample
        ),
        (8000, 1, 16)
    );
    let captured: Vec<i16> = r.samples::<i16>().map(Result::unwrap).collect();
    assert!(
        captured.len() >= 8000 * 25 / 30 - 400,
        "{} samples",
        captured.len()
    );
    let s0 = (0..2800)
        .find(|s0| (0..32).all(|i| captured[i] == samples[(s0 + i) % 2800]))
        .expect("the capture is the file's audio");
    for (i, c) in captured.iter().enumerate() {
        assert_eq!(*c, samples[(s0 + i) % 2800], "sample {i}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn snapshot_writes_png_and_jpeg_photos_that_ffprobe_reads() {
    let png = temp("photo.png");
    let o = run(&[
        "snapshot",
        "--video",
        r#"{"width":1280,"height":720}"#,
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("1280x720 image/png"), "{summary}");
    assert!(summary.contains(r#""imageWidth":1280"#), "{summary}");
    assert!(summary.contains(r#""width":1280"#), "{summary}");
    let s = &ffprobe_stream(&png, "codec_name,width,height");
    assert_eq!(
        (
            s["codec_name"].clone(),
            s["width"].clone(),
            s["height"].clone()
        ),
        (json!("png"), json!(1280), json!(720))
    );
    // After 5 settling frames the photo is a later frame: its barcode says which.
    let raw = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(&png)
        .args(["-f", "rawvideo", "-pix_fmt", "gray", "-"])
        .output()
        .unwrap();
    std::fs::remove_file(&png).ok();
    let n = mediacapture::fake::pattern::decode_frame_number(&raw.stdout, 1280, 720, (1280, 720));
    assert!(n.is_some_and(|n| n >= 5), "{n:?}");

    let jpeg = temp("photo.jpg");
    let o = run(&[
        "snapshot",
        "--width",
        "640",
        "--height",
        "360",
        jpeg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = &ffprobe_stream(&jpeg, "codec_name,width,height");
    std::fs::remove_file(&jpeg).ok();
    assert_eq!(
        (
            s["codec_name"].clone(),
            s["width"].clone(),
            s["height"].clone()
        ),
        (json!("mjpeg"), json!(640), json!(360))
    );
    // A size beyond the camera's mode is refused by name.
    let o = run(&[
        "snapshot",
        "--width",
        "5000",
        temp("big.png").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("NotSupportedError") && err.contains("imageWidth"),
        "{err}"
    );
}

/// Packet times (s) of stream `sel` (`v` or `a`) of a file.
fn packet_times(path: &std::path::Path, sel: &str) -> Vec<f64> {
    let o = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-select_streams", sel, "-show_entries"])
        .args(["packet=pts_time", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| l.trim().parse().ok())
        .collect()
}

/// Whether ffmpeg decodes all of `path` without a complaint (in the demuxer's time base).
fn ffmpeg_decodes(path: &std::path::Path) -> bool {
    let o = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(path)
        .args(["-enc_time_base:v", "-1", "-f", "null", "-"])
        .output()
        .unwrap();
    o.status.success() && o.stderr.is_empty()
}

#[test]
fn record_writes_webm_and_ogg_that_ffmpeg_decodes() {
    let out = temp("rec.webm");
    let o = run(&["record", "--duration", "2", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.contains("video/webm;codecs=vp8,opus"), "{summary}");
    assert!(summary.contains(" 0 dropped"), "{summary}");
    let progress = String::from_utf8_lossy(&o.stderr);
    assert!(
        progress.contains("recording") && progress.contains("Mb/s"),
        "{progress}"
    );
    assert!(ffmpeg_decodes(&out));
    let v = packet_times(&out, "v");
    assert!((55..=65).contains(&v.len()), "{} frames in 2 s", v.len());
    std::fs::remove_file(&out).ok();

    let ogg = temp("rec.ogg");
    let o = run(&[
        "record",
        "--duration",
        "1",
        "--audio",
        r#"{"channelCount":2}"#,
        ogg.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = ffprobe_stream(&ogg, "codec_name,channels");
    assert_eq!(
        (s["codec_name"].clone(), s["channels"].clone()),
        (json!("opus"), json!(2))
    );
    assert!(ffmpeg_decodes(&ogg));
    std::fs::remove_file(&ogg).ok();
}

/// Starts `mediacapture record` and waits until it has written `min_bytes` to `out`.
fn recording(args: &[&str], out: &std::path::Path) -> (std::process::Child, std::time::Instant) {
    let t0 = std::time::Instant::now();
    let child = Command::new(env!("CARGO_BIN_EXE_mediacapture"))
        .args(args)
        .arg(out)
        .env_remove("MEDIACAPTURE_FAKE_DEVICES")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    while std::fs::metadata(out).map_or(0, |m| m.len()) < 1000 {
        assert!(t0.elapsed().as_secs() < 20, "the recording never wrote");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    (child, t0)
}

#[test]
fn a_recording_killed_with_sigkill_is_still_a_playable_file() {
    let out = temp("killed.webm");
    let (mut child, t0) = recording(&["record", "--duration", "60"], &out);
    std::thread::sleep(std::time::Duration::from_millis(3500));
    child.kill().unwrap(); // SIGKILL: no chance to finish anything
    let at_kill = t0.elapsed().as_secs_f64();
    child.wait().unwrap();
    assert!(ffmpeg_decodes(&out), "the killed file decodes");
    let v = packet_times(&out, "v");
    let a = packet_times(&out, "a");
    let last = v.last().copied().unwrap_or(0.0);
    // At most about one timeslice (1 s) is lost, plus the process's start.
    assert!(
        last > at_kill - 2.0,
        "the file ends at {last} s, killed at {at_kill} s"
    );
    assert!(
        v.len() > 60 && a.len() > 100,
        "{} frames, {} packets",
        v.len(),
        a.len()
    );
    std::fs::remove_file(&out).ok();
}

#[test]
fn ctrl_c_stops_and_finishes_the_file() {
    let out = temp("interrupted.webm");
    let (child, _) = recording(&["record"], &out);
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let kill = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stdout);
    assert!(summary.starts_with("recorded "), "{summary}");
    assert!(ffmpeg_decodes(&out));
    assert!(packet_times(&out, "v").len() > 30);
    std::fs::remove_file(&out).ok();
}

/// `mediacapture devices` and `record` against the private PipeWire session of
/// scripts/pipewire-testbed.sh (which fails the test if it cannot start).
#[test]
fn devices_and_record_work_against_the_pipewire_test_bed() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = root
        .join("target")
        .join(format!("pw-testbed-cli-{}", std::process::id()));
    let script = root.join("scripts/pipewire-testbed.sh");
    /// Stops the test bed when the test ends, however it ends.
    struct Bed<'a>(&'a std::path::Path, &'a std::path::Path);
    impl Drop for Bed<'_> {
        fn drop(&mut self) {
            let _ = Command::new(self.0).arg("stop").arg(self.1).status();
            let _ = std::fs::remove_dir_all(self.1);
        }
    }
    let started = Command::new(&script)
        .arg("start")
        .arg(&dir)
        .output()
        .unwrap();
    let bed = Bed(&script, &dir);
    let why = String::from_utf8_lossy(&started.stderr);
    match started.status.code() {
        Some(0) => {}
        // The test bed's programs are missing (scripts/setup.sh was not run): only outside CI.
        Some(3) if std::env::var_os("CI").is_none() => {
            eprintln!("SKIPPED: the PipeWire test bed's programs are missing: {why}");
            return;
        }
        code => panic!("the PipeWire test bed did not start ({code:?}): {why}"),
    }
    let run_with = |backends: Option<&str>, args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_mediacapture"));
        c.args(args)
            .env_remove("MEDIACAPTURE_FAKE_DEVICES")
            .env_remove("MEDIACAPTURE_BACKENDS")
            .env("XDG_RUNTIME_DIR", dir.join("run"))
            .env("PIPEWIRE_RUNTIME_DIR", dir.join("run"))
            .env(
                "PULSE_SERVER",
                format!("unix:{}", dir.join("run/pulse/native").display()),
            );
        if let Some(b) = backends {
            c.env("MEDIACAPTURE_BACKENDS", b);
        }
        c.output().unwrap()
    };
    let run_in_bed = |args: &[&str]| run_with(None, args);
    let o = run_in_bed(&["devices"]);
    let list = String::from_utf8_lossy(&o.stdout).to_string();
    let out = temp("bed.webm");
    let rec = run_in_bed(&[
        "record",
        "--video",
        r#"{"width":{"exact":320}}"#,
        "--duration",
        "2",
        out.to_str().unwrap(),
    ]);
    // cpal (its PulseAudio host, served by pipewire-pulse): the same microphone, and its
    // signal; with both backends, each device once.
    let cpal_list = run_with(Some("cpal"), &["devices"]);
    let wav = temp("cpal.wav");
    let cpal_capture = run_with(
        Some("cpal"),
        &[
            "capture",
            "--audio",
            r#"{"channelCount":1,"sampleRate":48000}"#,
            "--duration",
            "1",
            "--out",
            wav.to_str().unwrap(),
        ],
    );
    let both = run_with(Some("pipewire,cpal"), &["devices"]);
    drop(bed);
    let cpal_list = String::from_utf8_lossy(&cpal_list.stdout).to_string();
    assert!(
        cpal_list.contains("mediacapture-Test-Microphone"),
        "{cpal_list}"
    );
    assert!(
        cpal_capture.status.success(),
        "{}",
        String::from_utf8_lossy(&cpal_capture.stderr)
    );
    let samples: Vec<i16> = hound::WavReader::open(&wav)
        .unwrap()
        .samples::<i16>()
        .map(Result::unwrap)
        .collect();
    std::fs::remove_file(&wav).ok();
    let tail = &samples[samples.len() / 2..];
    let crossings = tail.windows(2).filter(|w| (w[0] < 0) != (w[1] < 0)).count() as f64
        / (tail.len() as f64 / 48_000.0);
    assert!(
        (840.0..920.0).contains(&crossings),
        "{crossings} zero crossings a second (a 440 Hz sine has 880)"
    );
    let both = String::from_utf8_lossy(&both.stdout).to_string();
    assert_eq!(
        both.matches("audioinput  mediacapture-Test-Microphone")
            .count(),
        1,
        "{both}"
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    for label in [
        "mediacapture-Test-Camera",
        "mediacapture-Test-Microphone",
        "mediacapture-Test-Speaker",
    ] {
        assert!(list.contains(label), "{label} in {list}");
    }
    assert!(
        !String::from_utf8_lossy(&o.stderr).contains("fake"),
        "real devices, not the fake ones"
    );
    assert!(
        rec.status.success(),
        "{}",
        String::from_utf8_lossy(&rec.stderr)
    );
    let s = ffprobe_stream(&out, "codec_name,width,height");
    assert_eq!(
        (
            s["codec_name"].clone(),
            s["width"].clone(),
            s["height"].clone()
        ),
        (json!("vp8"), json!(320), json!(240))
    );
    assert!(ffmpeg_decodes(&out));
    let v = packet_times(&out, "v");
    assert!((50..=70).contains(&v.len()), "{} frames in 2 s", v.len());
    std::fs::remove_file(&out).ok();
}
