//! The `mediacapture` command, run as a person would run it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use std::process::{Command, Output};

use mediacapture_test_support::{ffmpeg_decodes, ffprobe_json, packet_times, tool};
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

/// ffprobe's view of the first stream of `path`: the `entries` asked for (frames counted).
fn ffprobe_stream(path: &std::path::Path, entries: &str) -> Value {
    let v = ffprobe_json(
        path,
        &[
            "-count_frames",
            "-show_entries",
            &format!("stream={entries}"),
        ],
    );
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
    let summary = String::from_utf8_lossy(&o.stderr);
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
    // The output is checked before any device opens (no word of fake devices).
    let o = run(&[
        "capture",
        "--video",
        "true",
        "--frames",
        "1",
        "--out",
        "/nonexistent/x.y4m",
    ]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("cannot create /nonexistent/x.y4m") && !err.contains("fake devices"),
        "{err}"
    );
    // An extension that contradicts the kind.
    let o = run(&["capture", "--video", "true", "--out", "x.wav"]);
    assert_eq!(o.status.code(), Some(2));
    // getUserMedia's refusal is a media failure: 1.
    let out = temp("never.y4m");
    let o = run(&[
        "capture",
        "--video",
        r#"{"width":{"exact":99999}}"#,
        "--frames",
        "1",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("OverconstrainedError"));
    assert!(!out.exists(), "a refused capture leaves no empty file");
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
fn capture_gets_the_only_frame_of_a_one_frame_file_every_time() {
    // The frame is delivered when the camera starts, inside getUserMedia, before capture
    // makes its reader, and the track ends right after it (the file does not loop).
    let dir = std::env::temp_dir().join(format!("mc-oneframe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let frame = noise(7, 64 * 48 * 3 / 2);
    let mut clip = b"YUV4MPEG2 W64 H48 F30:1 Ip A1:1 C420jpeg\nFRAME\n".to_vec();
    clip.extend_from_slice(&frame);
    std::fs::write(dir.join("one.y4m"), &clip).unwrap();
    let cfg = dir.join("devices.json");
    std::fs::write(
        &cfg,
        r#"{"videoinput":[{"label":"one","file":"one.y4m","loop":false}]}"#,
    )
    .unwrap();
    let out = dir.join("out.y4m");
    for round in 0..10 {
        let o = run(&[
            "capture",
            "--fake-devices",
            cfg.to_str().unwrap(),
            "--video",
            "true",
            "--frames",
            "1",
            "--out",
            out.to_str().unwrap(),
            "-y",
        ]);
        assert!(
            o.status.success(),
            "round {round}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let y4m = std::fs::read(&out).unwrap();
        let header = y4m.iter().position(|b| *b == b'\n').unwrap() + 1;
        assert_eq!(
            &y4m[header..],
            [b"FRAME\n".as_slice(), &frame].concat().as_slice(),
            "round {round}: the file's one frame, once"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
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
    let summary = String::from_utf8_lossy(&o.stderr);
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

#[test]
fn record_writes_webm_and_ogg_that_ffmpeg_decodes() {
    let out = temp("rec.webm");
    let o = run(&["record", "--duration", "2", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = String::from_utf8_lossy(&o.stderr);
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
    // `recording` returns when the first piece (the first second of media) is on disk: from
    // then on, media time runs with the wall clock, whatever the process's start cost.
    let (mut child, _) = recording(&["record", "--duration", "60"], &out);
    let first_piece = std::time::Instant::now();
    std::thread::sleep(std::time::Duration::from_millis(3500)); // how long it records
    child.kill().unwrap(); // SIGKILL: no chance to finish anything
    let recorded_since = first_piece.elapsed().as_secs_f64();
    child.wait().unwrap();
    assert!(ffmpeg_decodes(&out), "the killed file decodes");
    let v = packet_times(&out, "v");
    let a = packet_times(&out, "a");
    let last = v.last().copied().unwrap_or(0.0);
    // The media at the kill reached about 1 s + `recorded_since`; at most about one timeslice
    // (1 s) of it is lost.
    assert!(
        last > recorded_since - 0.5,
        "the file ends at {last} s; killed {recorded_since} s after its first second was written"
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
    let summary = String::from_utf8_lossy(&o.stderr);
    assert!(summary.contains("\nrecorded "), "{summary}");
    assert!(o.stdout.is_empty(), "nothing on stdout when writing a file");
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
    let modes = run_in_bed(&["devices", "--modes"]);
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
    // The test bed's cameras deliver I420, YUY2 and MJPEG: --modes shows each.
    let modes = String::from_utf8_lossy(&modes.stdout).to_string();
    for format in ["I420", "YUY2", "MJPG"] {
        assert!(modes.contains(&format!(" {format}")), "{format} in {modes}");
    }
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

/// Video or audio bits per second of a file's stream `sel`, from its packets' sizes and
/// times, and how many of its packets are keyframes.
fn stream_bitrate(path: &std::path::Path, sel: &str) -> (f64, usize) {
    let o = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-select_streams", sel, "-show_entries"])
        .args(["packet=pts_time,size,flags", "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    let rows: Vec<(f64, f64, bool)> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split(',');
            Some((
                f.next()?.parse().ok()?,
                f.next()?.parse().ok()?,
                f.next()?.starts_with('K'),
            ))
        })
        .collect();
    let span = rows.last().unwrap().0 - rows[0].0;
    let bytes: f64 = rows.iter().map(|r| r.1).sum();
    (bytes * 8.0 / span, rows.iter().filter(|r| r.2).count())
}

/// The duration ffprobe reports for a file (its container's), in seconds.
fn format_duration(path: &std::path::Path) -> f64 {
    let o = Command::new(tool("ffprobe"))
        .args([
            "-v",
            "error",
            "-show_entries",
            "format=duration",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&o.stdout);
    text.trim()
        .parse()
        .unwrap_or_else(|_| panic!("a duration for {}: {text:?}", path.display()))
}

fn within(got: f64, want: f64, share: f64) -> bool {
    (got - want).abs() <= want * share
}

#[test]
fn record_to_stdout_pipes_into_ffprobe() {
    let mut rec = Command::new(env!("CARGO_BIN_EXE_mediacapture"))
        .args(["record", "--duration", "2", "-"])
        .env_remove("MEDIACAPTURE_FAKE_DEVICES")
        .env("MEDIACAPTURE_BACKENDS", "fake")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let probe = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-count_packets", "-show_entries"])
        .args(["stream=codec_name,nb_read_packets", "-of", "csv=p=0", "-"])
        .stdin(rec.stdout.take().unwrap())
        .output()
        .unwrap();
    let rec = rec.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&rec.stderr);
    assert!(rec.status.success(), "{err}");
    assert!(
        err.contains("recorded ") && err.contains("to stdout"),
        "{err}"
    );
    let streams = String::from_utf8_lossy(&probe.stdout);
    let mut lines = streams.lines();
    let video = lines.next().unwrap_or_default();
    assert!(video.starts_with("vp8,"), "{streams}");
    let packets: u32 = video.split(',').nth(1).unwrap().parse().unwrap();
    assert!((50..=70).contains(&packets), "{streams}");
    assert!(
        lines.next().unwrap_or_default().starts_with("opus,"),
        "{streams}"
    );
    assert!(
        probe.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&probe.stderr)
    );

    // capture and snapshot write their media to stdout the same way.
    let y4m = run(&["capture", "--video", "true", "--frames", "3", "--out", "-"]);
    assert!(y4m.status.success());
    assert!(y4m.stdout.starts_with(b"YUV4MPEG2 W640 H480 "));
    let header = y4m.stdout.iter().position(|b| *b == b'\n').unwrap() + 1;
    let frame = b"FRAME\n".len() + 640 * 480 * 3 / 2;
    assert_eq!(y4m.stdout.len(), header + 3 * frame);
    let wav = run(&[
        "capture",
        "--audio",
        "true",
        "--duration",
        "0.2",
        "--out",
        "-",
    ]);
    assert!(wav.status.success());
    assert!(wav.stdout.starts_with(b"RIFF") && wav.stdout.len() > 44);
    let png = run(&["snapshot", "-"]);
    assert!(png.status.success());
    assert!(png.stdout.starts_with(b"\x89PNG\r\n"));
    let both = run(&[
        "capture", "--video", "true", "--audio", "true", "--out", "-",
    ]);
    assert_eq!(both.status.code(), Some(2), "one kind on a pipe");
}

#[test]
fn exit_codes_say_usage_error_or_media_failure() {
    // 2: malformed JSON, wherever it is given.
    for args in [
        &["probe", "{bad"][..],
        &["record", "--video", "{bad", "never.webm"],
        &["capture", "--audio", "[1,", "--out", "never.wav"],
        &["devices", "--fake-devices", "{bad"],
        &["record", "--no-such-flag", "x.webm"],
    ] {
        let o = run(args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert!(!std::path::Path::new("never.webm").exists());
    // 1: getUserMedia refuses.
    let o = run(&["probe", r#"{"video":{"width":{"exact":5000}}}"#]);
    assert_eq!(o.status.code(), Some(1));
    // 1: the camera dies during the recording; the file keeps what came before.
    let out = temp("died.webm");
    let o = run(&[
        "record",
        "--fake-devices",
        r#"{"videoinput":[{"label":"Dying","failAfterMs":1500}],"audioinput":[{"label":"Mic"}]}"#,
        "--duration",
        "10",
        out.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(
        err.contains("the video track (\"Dying\") ended during the recording"),
        "{err}"
    );
    assert!(ffmpeg_decodes(&out), "what came before is playable");
    std::fs::remove_file(&out).ok();
    // 0: it worked.
    assert_eq!(run(&["types"]).status.code(), Some(0));
}

#[test]
fn device_picks_the_camera_and_microphone_by_label_or_id() {
    let fake = r#"{"videoinput":[{"label":"Front Cam","modes":[{"width":640,"height":480,"frameRate":30}]},{"label":"Back Cam","modes":[{"width":320,"height":240,"frameRate":30}]}],"audioinput":[{"label":"Mic One","channelCount":1},{"label":"Mic Two","channelCount":2}]}"#;
    let out = temp("device.webm");
    let o = run(&[
        "record",
        "--fake-devices",
        fake,
        "--device",
        "back",
        "--device",
        "Mic Two",
        "--duration",
        "1",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v = ffprobe_stream(&out, "width,height");
    assert_eq!(
        (v["width"].clone(), v["height"].clone()),
        (json!(320), json!(240))
    );
    std::fs::remove_file(&out).ok();
    // By deviceId, as `devices --json` lists it.
    let list = run(&["devices", "--json", "--fake-devices", fake]);
    let id = json_of(&list)
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["label"] == "Front Cam")
        .unwrap()["deviceId"]
        .as_str()
        .unwrap()
        .to_owned();
    let y4m = run(&[
        "capture",
        "--fake-devices",
        fake,
        "--device",
        &id,
        "--video",
        "true",
        "--frames",
        "1",
        "--out",
        "-",
    ]);
    assert!(y4m.stdout.starts_with(b"YUV4MPEG2 W640 H480 "));
    // No match, or several: a usage error naming what there is.
    let o = run(&[
        "snapshot",
        "--fake-devices",
        fake,
        "--device",
        "Side Cam",
        "-",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("\"Back Cam\""));
    let o = run(&["snapshot", "--fake-devices", fake, "--device", "cam", "-"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("several"));
}

#[test]
fn bitrate_and_keyframe_options_are_reflected_in_the_file() {
    let out = temp("bitrate.webm");
    let o = run(&[
        "record",
        "--video-bits-per-second",
        "300000",
        "--audio-bits-per-second",
        "64000",
        "--key-frame-interval",
        "1000",
        "--duration",
        "4",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (video, keys) = stream_bitrate(&out, "v");
    let (audio, _) = stream_bitrate(&out, "a");
    std::fs::remove_file(&out).ok();
    assert!(within(video, 300_000.0, 0.15), "video at {video} b/s");
    assert!(within(audio, 64_000.0, 0.15), "audio at {audio} b/s");
    assert!(
        (4..=5).contains(&keys),
        "{keys} keyframes in 4 s, one a second"
    );

    let out = temp("total.webm");
    let o = run(&[
        "record",
        "--bits-per-second",
        "400000",
        "--duration",
        "4",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let total = stream_bitrate(&out, "v").0 + stream_bitrate(&out, "a").0;
    std::fs::remove_file(&out).ok();
    assert!(
        within(total, 400_000.0, 0.15),
        "audio and video at {total} b/s"
    );
}

#[test]
fn types_lists_what_is_type_supported_accepts() {
    let o = run(&["types"]);
    let text = String::from_utf8_lossy(&o.stdout);
    for t in [
        "video/webm;codecs=vp9,opus",
        "audio/ogg;codecs=opus",
        "image/jpeg",
    ] {
        assert!(text.lines().any(|l| l.trim() == t), "{t} in {text}");
    }
    let v = json_of(&run(&["types", "--json"]));
    let record: Vec<&str> = v["record"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(record, mediacapture::SUPPORTED_TYPES);
    assert!(
        record
            .iter()
            .all(|t| mediacapture::MediaRecorder::is_type_supported(t))
    );
}

#[test]
fn outputs_are_checked_before_devices_open() {
    // An extension that names another format: refused, nothing written, no device opened.
    let mp4 = temp("x.mp4");
    let o = run(&["record", "--duration", "1", mp4.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(".mp4") && err.contains("--mime") && !err.contains("fake devices"),
        "{err}"
    );
    assert!(!mp4.exists());
    // --mime says so: written as asked.
    let o = run(&[
        "record",
        "--mime",
        "video/webm",
        "--duration",
        "1",
        mp4.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(ffprobe_stream(&mp4, "codec_name")["codec_name"], "vp8");
    // It exists now: refused without -y, its content left alone; overwritten with -y.
    let before = std::fs::read(&mp4).unwrap();
    let o = run(&[
        "record",
        "--mime",
        "video/webm",
        "--duration",
        "1",
        mp4.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("give -y"));
    assert_eq!(std::fs::read(&mp4).unwrap(), before);
    let png = temp("photo.gif");
    let o = run(&["snapshot", png.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "snapshot refuses .gif too");
    let o = run(&[
        "record",
        "-y",
        "--mime",
        "audio/ogg",
        "--duration",
        "1",
        mp4.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(ffprobe_stream(&mp4, "codec_name")["codec_name"], "opus");
    std::fs::remove_file(&mp4).ok();
}

#[test]
fn a_finished_recording_has_its_duration_and_seeks() {
    let out = temp("seekable.webm");
    let o = run(&[
        "record",
        "--duration",
        "3",
        "--key-frame-interval",
        "2000",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("seekable"));
    let duration = format_duration(&out);
    let v = packet_times(&out, "v");
    let frame = 1.0 / 30.0;
    let end = v.last().unwrap() + frame;
    assert!(
        (duration - end).abs() <= frame,
        "duration {duration} s, media ends at {end} s"
    );
    // Seeking to 2.5 s starts at the keyframe before it (every 2 s), not at the beginning.
    let seek = Command::new(tool("ffprobe"))
        .args([
            "-v",
            "error",
            "-read_intervals",
            "2.5%+#1",
            "-select_streams",
            "v",
        ])
        .args(["-show_entries", "packet=pts_time", "-of", "csv=p=0"])
        .arg(&out)
        .output()
        .unwrap();
    let first: f64 = String::from_utf8_lossy(&seek.stdout)
        .trim()
        .parse()
        .unwrap();
    assert!(
        (1.9..=2.5).contains(&first),
        "seeking to 2.5 s starts at {first} s"
    );
    let decoded = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-ss", "2.5", "-i"])
        .arg(&out)
        .args(["-f", "null", "-"])
        .output()
        .unwrap();
    assert!(decoded.status.success() && decoded.stderr.is_empty());
    assert!(ffmpeg_decodes(&out));
    std::fs::remove_file(&out).ok();
    // An Ogg file's duration comes from its last page.
    let ogg = temp("seekable.ogg");
    let o = run(&["record", "--duration", "2", ogg.to_str().unwrap()]);
    assert!(o.status.success());
    let duration = format_duration(&ogg);
    let a = packet_times(&ogg, "a");
    assert!(
        (duration - (a.last().unwrap() + 0.02)).abs() <= 0.02,
        "{duration} vs {a:?}"
    );
    std::fs::remove_file(&ogg).ok();
}

#[test]
fn modes_log_and_completions() {
    let human = String::from_utf8(run(&["devices", "--modes"]).stdout).unwrap();
    assert!(
        human.contains("native modes:") && human.contains("1280x720 @ 30 fps"),
        "{human}"
    );
    assert!(human.contains("I420"), "{human}");
    let v = json_of(&run(&["devices", "--modes", "--json"]));
    let camera = v
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "videoinput")
        .unwrap();
    assert!(
        camera["nativeFormats"].as_array().unwrap().contains(
            &json!({"width": 1280, "height": 720, "frameRate": 30.0, "pixelFormat": "I420"})
        ),
        "{camera}"
    );
    // The library's log: off by default, -v or RUST_LOG show it.
    let quiet = run(&["devices"]);
    assert!(!String::from_utf8_lossy(&quiet.stderr).contains("mediacapture: backends"));
    let verbose = run(&["-v", "devices"]);
    assert!(
        String::from_utf8_lossy(&verbose.stderr).contains("INFO"),
        "{}",
        String::from_utf8_lossy(&verbose.stderr)
    );
    let logged = Command::new(env!("CARGO_BIN_EXE_mediacapture"))
        .arg("devices")
        .env("RUST_LOG", "mediacapture=info")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&logged.stderr).contains("mediacapture: backends"));
    let bash = String::from_utf8(run(&["completions", "bash"]).stdout).unwrap();
    assert!(bash.contains("_mediacapture") && bash.contains("--video-bits-per-second"));
}

/// Hostile but legal inputs (issue: nothing lost under overload): each ends by itself, with an
/// exit status and files that tell the truth.
#[test]
fn overload_and_hostile_inputs_end_with_the_truth() {
    // A camera far faster than the encoder: the recording stops on time, frames dropped.
    let fast = temp("fast.webm");
    let o = run(&[
        "record",
        "--fake-devices",
        r#"{"videoinput":[{"modes":[{"width":1280,"height":720,"frameRate":1000}]}]}"#,
        "--video",
        "true",
        "--duration",
        "2",
        fast.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    let dropped: u64 = err
        .rsplit(" dropped")
        .nth(1)
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a dropped count in {err}"));
    assert!(dropped > 0, "{err}");
    assert!(ffmpeg_decodes(&fast));
    std::fs::remove_file(&fast).ok();

    // A codec the recorder does not have: a usage error, no file.
    let foo = temp("foo.webm");
    let o = run(&[
        "record",
        "--mime",
        "video/webm;codecs=foo",
        foo.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!foo.exists());

    // Every track muted from the start: nothing recorded is a failure, and leaves no file.
    let muted = temp("muted.webm");
    let o = run(&[
        "record",
        "--fake-devices",
        r#"{"videoinput":[{"label":"Cam","muteAtMs":[0]}],"audioinput":[{"label":"Mic","muteAtMs":[0]}]}"#,
        "--duration",
        "1",
        muted.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("nothing was recorded"), "{err}");
    assert!(
        !muted.exists(),
        "no empty file: {:?}",
        std::fs::metadata(&muted).map(|m| m.len())
    );

    // capture: --frames without video is a usage error; a muted microphone ends it anyway.
    let o = run(&[
        "capture",
        "--frames",
        "2",
        "--out",
        temp("x.wav").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    let wav = temp("muted.wav");
    let o = run(&[
        "capture",
        "--fake-devices",
        r#"{"audioinput":[{"label":"Mic","muteAtMs":[0]}]}"#,
        "--audio",
        "true",
        "--duration",
        "1",
        "--out",
        wav.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("muted"), "{err}");
    std::fs::remove_file(&wav).ok();

    // Bounds: a configuration that never ends, durations that are not durations.
    let o = run(&["devices", "--fake-devices", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("larger than"));
    for d in ["NaN", "inf", "-1", "0"] {
        let o = run(&["record", "--duration", d, temp("d.webm").to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(2), "--duration {d}");
    }
    // Strict JSON: trailing data and duplicate members are TypeErrors (usage errors here).
    let o = run(&["probe", r#"{"video":true} x"#]);
    assert_eq!(o.status.code(), Some(2));
    let o = run(&["probe", r#"{"video":{"width":1,"width":2}}"#]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stdout).contains("duplicate field `width`"));
}

#[test]
fn sigterm_finishes_the_file_and_a_second_writer_is_refused() {
    let out = temp("terminated.webm");
    let (child, _) = recording(&["record"], &out);
    // A second recording to the same file, while the first writes it: refused, even with -y.
    let o = run(&["record", "-y", "--duration", "1", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("being written by another process"));
    let kill = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(kill.success());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(err.contains("seekable"), "finished like Ctrl-C: {err}");
    assert!(ffmpeg_decodes(&out));
    let duration = format_duration(&out);
    assert!(duration >= 1.0, "{duration}");
    std::fs::remove_file(&out).ok();
}
