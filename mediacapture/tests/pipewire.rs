//! The PipeWire backend against a real PipeWire daemon: the private session of
//! `scripts/pipewire-testbed.sh` (a virtual camera produced by GStreamer, a virtual microphone
//! fed with a 440 Hz sine, a null sink). Each test starts its own session and stops it, even
//! when it fails. A session that cannot start fails the test; the one exception is a machine
//! without the test bed's programs (the script exits 3: scripts/setup.sh was not run), where
//! the tests say so and are skipped — never under CI (`CI` set), where that fails too.
#![cfg(all(feature = "pipewire", target_os = "linux"))]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use mediacapture::*;

const WAIT: Duration = Duration::from_secs(10);

/// A private PipeWire session, stopped on drop.
struct TestBed {
    dir: PathBuf,
}

impl TestBed {
    /// Starts a session (the script returns once every node is there with its formats), or
    /// `None` (with a message) where the test bed's programs are missing.
    fn start(name: &str) -> Option<TestBed> {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let dir = root
            .join("target")
            .join(format!("pw-testbed-{name}-{}", std::process::id()));
        let out = Command::new(root.join("scripts/pipewire-testbed.sh"))
            .arg("start")
            .arg(&dir)
            .output()
            .expect("the test-bed script runs");
        let bed = TestBed { dir };
        let why = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => Some(bed),
            Some(3) if std::env::var_os("CI").is_none() => {
                eprintln!("SKIPPED: the PipeWire test bed's programs are missing: {why}");
                None
            }
            code => panic!("the PipeWire test bed did not start ({code:?}): {why}"),
        }
    }

    fn script(&self, cmd: &str) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let s = Command::new(root.join("scripts/pipewire-testbed.sh"))
            .arg(cmd)
            .arg(&self.dir)
            .status()
            .unwrap();
        assert!(s.success(), "pipewire-testbed.sh {cmd}");
    }

    fn devices(&self) -> MediaDevices {
        let socket = self.dir.join("run/pipewire-0");
        MediaDevices::builder()
            .backend(PipeWireBackend::with_remote(Some(socket)))
            .permission_policy(PermissionPolicy::Granted)
            .build()
            .unwrap()
    }

    /// Kills the PipeWire daemon outright.
    fn kill_daemon(&self) {
        let pid = std::fs::read_to_string(self.dir.join("pipewire.pid")).unwrap();
        Command::new("kill")
            .args(["-9", pid.trim()])
            .status()
            .unwrap();
    }
}

impl Drop for TestBed {
    fn drop(&mut self) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let _ = Command::new(root.join("scripts/pipewire-testbed.sh"))
            .arg("stop")
            .arg(&self.dir)
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn gum(md: &MediaDevices, json: &str) -> Result<MediaStream, MediaStreamError> {
    block_on(md.get_user_media(MediaStreamConstraints::from_json(json)?))
}

/// Constraints for the camera labelled `label`, by its deviceId.
fn camera(md: &MediaDevices, label: &str) -> String {
    let d = block_on(md.enumerate_devices())
        .into_iter()
        .find(|d| d.label() == label)
        .unwrap_or_else(|| panic!("{label} is listed"));
    format!(
        r#"{{"video":{{"deviceId":{{"exact":"{}"}}}}}}"#,
        d.device_id()
    )
}

fn labels(md: &MediaDevices) -> Vec<(String, String, String)> {
    block_on(md.enumerate_devices())
        .iter()
        .map(|d| {
            (
                d.kind().to_string(),
                d.label().to_owned(),
                d.device_id().to_owned(),
            )
        })
        .collect()
}

/// Every node the test bed makes.
const NODES: [(&str, &str); 5] = [
    ("videoinput", "mediacapture-Test-Camera"),
    ("videoinput", "mediacapture-Test-Camera-YUY2"),
    ("videoinput", "mediacapture-Test-Camera-MJPEG"),
    ("audioinput", "mediacapture-Test-Microphone"),
    ("audiooutput", "mediacapture-Test-Speaker"),
];

#[test]
fn lists_the_nodes_with_labels_and_stable_ids() {
    let Some(bed) = TestBed::start("list") else {
        return;
    };
    let a = labels(&bed.devices());
    for (kind, label) in NODES {
        assert!(
            a.iter().any(|(k, l, _)| k == kind && l == label),
            "{kind} {label} in {a:?}"
        );
    }
    // Another MediaDevices (another backend, as another run would have): the same ids.
    assert_eq!(labels(&bed.devices()), a);
}

/// `enumerate_devices()` called at once after construction reflects the registry's initial
/// state: every node that exists, cameras with their modes, every time.
#[test]
fn enumerating_right_after_construction_sees_every_node() {
    let Some(bed) = TestBed::start("first-enumeration") else {
        return;
    };
    for round in 0..10 {
        let md = bed.devices();
        let listed = labels(&md);
        for (kind, label) in NODES {
            assert!(
                listed.iter().any(|(k, l, _)| k == kind && l == label),
                "round {round}: {kind} {label} in {listed:?}"
            );
        }
        // Cameras come with their modes, so constraints can choose them at once.
        let s = gum(&md, r#"{"video":{"width":{"exact":640}}}"#).unwrap();
        assert_eq!(
            s.get_video_tracks()[0].label(),
            "mediacapture-Test-Camera-YUY2"
        );
    }
}

#[test]
fn captures_what_the_nodes_produce_at_their_settings() {
    let Some(bed) = TestBed::start("capture") else {
        return;
    };
    let md = bed.devices();
    // The camera: 320x240 frames at 30 fps, as its settings say.
    let s = gum(&md, &camera(&md, "mediacapture-Test-Camera")).unwrap();
    let video = &s.get_video_tracks()[0];
    assert_eq!(video.label(), "mediacapture-Test-Camera");
    let settings = video.get_settings();
    assert_eq!(
        (settings.width, settings.height, settings.frame_rate),
        (Some(320), Some(240), Some(30.0))
    );
    // 91 frames of its size, whose timestamps (taken as each buffer arrives) span 3 s: the
    // node's 30 fps, whatever the test thread's own scheduling.
    let reader = MediaStreamTrackProcessor::new(video, Some(128)).unwrap();
    let stamps: Vec<i64> = (0..91)
        .map(
            |_| match reader.read_timeout(WAIT).expect("a frame in time") {
                MediaFrame::Video(f) => {
                    assert_eq!((f.display_width(), f.display_height()), (320, 240));
                    f.timestamp()
                }
                other => panic!("video expected, got {other:?}"),
            },
        )
        .collect();
    assert_eq!(reader.discarded_frames(), 0);
    let fps = 90.0 / ((stamps[90] - stamps[0]) as f64 / 1e6);
    assert!(
        (27.0..33.0).contains(&fps),
        "{fps:.2} fps (the node makes 30)"
    );

    // Constraints pick the node and the mode: 640 wide is the YUY2 camera at 15 fps; a
    // smaller size is cropped and scaled from the native mode; more than it has is refused.
    let s2 = gum(&md, r#"{"video":{"width":{"exact":640}}}"#).unwrap();
    let t2 = &s2.get_video_tracks()[0];
    assert_eq!(t2.label(), "mediacapture-Test-Camera-YUY2");
    assert_eq!(t2.get_settings().frame_rate, Some(15.0));
    let f = MediaStreamTrackProcessor::new(t2, None)
        .unwrap()
        .read_timeout(WAIT)
        .unwrap();
    assert_eq!(f.as_video().map(|v| v.display_width()), Some(640));
    apply(video, r#"{"width":{"exact":160},"height":{"exact":120}}"#);
    let f = MediaStreamTrackProcessor::new(video, None)
        .unwrap()
        .read_timeout(WAIT)
        .unwrap();
    assert_eq!(
        f.as_video()
            .map(|v| (v.display_width(), v.display_height())),
        Some((160, 120))
    );
    let e = gum(&md, r#"{"video":{"width":{"min":1280}}}"#).unwrap_err();
    assert_eq!(e.constraint(), Some("width"));

    // The MJPEG camera, chosen by deviceId: decoded into I420 frames of its size, whose
    // picture is GStreamer's colour bars (the first bar is white-ish, the last blue).
    let mjpeg = block_on(md.enumerate_devices())
        .into_iter()
        .find(|d| d.label() == "mediacapture-Test-Camera-MJPEG")
        .unwrap();
    let s3 = gum(
        &md,
        &format!(
            r#"{{"video":{{"deviceId":{{"exact":"{}"}}}}}}"#,
            mjpeg.device_id()
        ),
    )
    .unwrap();
    let MediaFrame::Video(f) = MediaStreamTrackProcessor::new(&s3.get_video_tracks()[0], None)
        .unwrap()
        .read_timeout(WAIT)
        .unwrap()
    else {
        panic!("video expected");
    };
    assert_eq!(
        (f.display_width(), f.display_height(), f.format()),
        (320, 240, VideoPixelFormat::I420)
    );
    let rgba = f.to_rgba();
    let px = |x: usize, y: usize| &rgba[4 * (y * 320 + x)..4 * (y * 320 + x) + 3];
    assert!(
        px(20, 60).iter().all(|c| *c > 150),
        "white bar: {:?}",
        px(20, 60)
    );
    let blue = px(300, 60);
    assert!(
        blue[2] > 150 && blue[0] < 80 && blue[1] < 80,
        "blue bar: {blue:?}"
    );

    // The microphone: the test bed's 440 Hz sine, recognisable in what we capture.
    let s = gum(&md, r#"{"audio":{"sampleRate":48000,"channelCount":1}}"#).unwrap();
    let mic = &s.get_audio_tracks()[0];
    assert_eq!(mic.label(), "mediacapture-Test-Microphone");
    let reader = MediaStreamTrackProcessor::new(mic, Some(200)).unwrap();
    let mut samples = Vec::new();
    while samples.len() < 48_000 {
        let MediaFrame::Audio(a) = reader.read_timeout(WAIT).unwrap() else {
            panic!("audio expected");
        };
        assert_eq!((a.sample_rate(), a.number_of_channels()), (48_000, 1));
        samples.extend(a.to_f32());
    }
    let tail = &samples[samples.len() - 24_000..]; // half a second, past any start-up
    let crossings = tail
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    let peak = tail.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(
        (420..=460).contains(&crossings),
        "{crossings} zero crossings in 0.5 s (a 440 Hz sine has 440)"
    );
    assert!(
        (0.15..0.35).contains(&peak),
        "peak {peak} (the sine is at 0.25)"
    );
}

fn apply(t: &MediaStreamTrack, json: &str) {
    block_on(t.apply_constraints(MediaTrackConstraints::from_json(json).unwrap())).unwrap();
}

#[test]
fn a_camera_coming_and_going_fires_devicechange_and_ends_its_track() {
    let Some(bed) = TestBed::start("hotplug") else {
        return;
    };
    let md = bed.devices();
    let changes = md.events();
    let s = gum(&md, &camera(&md, "mediacapture-Test-Camera")).unwrap();
    let track = &s.get_video_tracks()[0];
    let events = track.events();
    // A producer that stalls (SIGSTOP) mutes the track; when it goes on, the track unmutes.
    let producer = std::fs::read_to_string(bed.dir.join("camera.pid")).unwrap();
    let signal = |sig: &str| {
        Command::new("kill")
            .args([sig, producer.trim()])
            .status()
            .unwrap()
    };
    // Once it delivers (a stall is only noticed after the first buffer).
    MediaStreamTrackProcessor::new(track, None)
        .unwrap()
        .read_timeout(WAIT)
        .expect("a first frame");
    signal("-STOP");
    let wait_for = |want: TrackEvent| loop {
        let e = events.recv_timeout(WAIT).expect("an event");
        if e == want {
            break;
        }
    };
    wait_for(TrackEvent::Mute);
    assert!(track.muted());
    signal("-CONT");
    wait_for(TrackEvent::Unmute);
    assert!(!track.muted());
    // Stop the camera's producer mid-capture: the track ends, then a devicechange whose list
    // lacks the camera (earlier notices, if any, are read past).
    let listed = |e: &DeviceChangeEvent| {
        e.devices
            .iter()
            .any(|d| d.label() == "mediacapture-Test-Camera")
    };
    bed.script("camera-stop");
    loop {
        match events.recv_timeout(WAIT).expect("ended") {
            TrackEvent::Ended => break,
            _ => continue,
        }
    }
    assert_eq!(track.ready_state(), MediaStreamTrackState::Ended);
    while listed(
        &changes
            .recv_timeout(WAIT)
            .expect("devicechange after removal"),
    ) {}
    assert!(
        !labels(&md)
            .iter()
            .any(|(_, l, _)| l == "mediacapture-Test-Camera")
    );
    // Start it again: a devicechange that lists it (with its modes: it can be opened).
    bed.script("camera-start");
    while !listed(
        &changes
            .recv_timeout(WAIT)
            .expect("devicechange after it came back"),
    ) {}
    let again = gum(&md, &camera(&md, "mediacapture-Test-Camera")).unwrap();
    assert_eq!(again.get_video_tracks()[0].get_settings().width, Some(320));
}

#[test]
fn a_dead_daemon_ends_the_tracks_without_a_hang() {
    let Some(bed) = TestBed::start("kill") else {
        return;
    };
    let md = bed.devices();
    let s = gum(&md, r#"{"video":{"width":320},"audio":true}"#).unwrap();
    let subs: Vec<_> = s.get_tracks().iter().map(|t| t.events()).collect();
    bed.kill_daemon();
    let t0 = Instant::now();
    for e in &subs {
        loop {
            match e.recv_timeout(WAIT).expect("ended") {
                TrackEvent::Ended => break,
                _ => continue,
            }
        }
    }
    assert!(t0.elapsed() < WAIT);
    for t in s.get_tracks() {
        assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
    }
    // No daemon: no devices, and getUserMedia says NotFoundError.
    assert!(
        block_on(md.enumerate_devices())
            .iter()
            .all(|d| d.kind() == MediaDeviceKind::AudioOutput && d.device_id() == "default")
    );
    let e = gum(&md, r#"{"video":true}"#).unwrap_err();
    assert_eq!(e.name(), "NotFoundError");
}

/// A recorder on a camera that goes away finishes its file: `dataavailable` then `stop`, and
/// the file plays.
#[cfg(feature = "recorder")]
#[test]
fn a_recording_of_a_camera_that_goes_away_is_finished() {
    let Some(bed) = TestBed::start("recorder") else {
        return;
    };
    let md = bed.devices();
    let s = gum(&md, &camera(&md, "mediacapture-Test-Camera")).unwrap();
    let recorder = MediaRecorder::new(&s, MediaRecorderOptions::default()).unwrap();
    let events = recorder.events();
    recorder.start(Some(500)).unwrap();
    // Over a second of video encoded (observed, not slept for), then the camera goes.
    let t0 = Instant::now();
    while recorder.stats().video_frames <= 30 {
        assert!(t0.elapsed() < WAIT, "{:?}", recorder.stats());
        std::thread::sleep(Duration::from_millis(20));
    }
    bed.script("camera-stop");
    let mut file = Vec::new();
    let mut order = Vec::new();
    loop {
        let e = events.recv_timeout(WAIT).expect("the recorder finishes");
        order.push(e.event_type());
        match e {
            RecorderEvent::DataAvailable(b) => file.extend_from_slice(b.data().bytes()),
            RecorderEvent::Stop => break,
            _ => {}
        }
    }
    assert_eq!(order.first(), Some(&"start"));
    assert!(!order.contains(&"error"), "{order:?}");
    assert_eq!(order[order.len() - 2..], ["dataavailable", "stop"]);
    assert_eq!(recorder.state(), RecordingState::Inactive);
    let path = bed.dir.join("camera-gone.webm");
    std::fs::write(&path, &file).unwrap();
    let o = Command::new("/usr/bin/ffprobe")
        .args(["-v", "error", "-count_frames", "-select_streams", "v"])
        .args([
            "-show_entries",
            "stream=nb_read_frames,width",
            "-of",
            "csv=p=0",
        ])
        .arg(&path)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let frames: u64 = out
        .trim()
        .split(',')
        .next_back()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(out.starts_with("320,"), "{out}");
    assert!(
        frames > 30,
        "{frames} frames recorded before the camera went"
    );
}
