//! The CPU cost of capturing the PipeWire test bed's cameras for 10 s into a reader that takes
//! every frame, against GStreamer on the same node, in the same run:
//!
//! - **I420 320x240 at 30 fps** (the test bed's camera, its native mode) against
//!   `gst-launch-1.0 pipewiresrc … ! fakesink`;
//! - **MJPEG 1280x720 at 30 fps** (the mode real webcams use for 720p; the test bed's on-demand
//!   `mjpeg-hd` camera, 4:2:2 as webcams send it), decoded to I420 frames, against
//!   `pipewiresrc … ! jpegdec ! fakesink` (libjpeg-turbo, to planar 4:2:2: it does not reduce
//!   the chroma as we do for our consumers).
//!
//! Both are measured from their first second on (start-up, such as GStreamer loading its
//! plugins, is left out), as the CPU time of their whole process (every thread's, from
//! schedstat, in ns). Target: ours ≤ 1.0×.
//!
//! Run: `cargo bench -p mediacapture --bench pipewire_cpu` (starts and stops its own
//! `scripts/pipewire-testbed.sh` session; prints the figures). `CAPTURE_SECONDS` changes the
//! length.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mediacapture::{
    MediaDevices, MediaStreamConstraints, MediaStreamTrackProcessor, PermissionPolicy,
    PipeWireBackend, block_on,
};

/// The CPU time of a process, summed over every thread it has had: each thread's time on a CPU
/// from `/proc/PID/task/TID/schedstat` (ns), remembered at its last sample so that threads
/// that end still count. (The 10 ms ticks of `/proc/PID/stat` are too coarse for a process
/// this idle.)
#[derive(Default)]
struct CpuMeter {
    threads: std::collections::HashMap<String, u64>,
}

impl CpuMeter {
    /// Samples `pid` and returns its CPU seconds so far.
    fn sample(&mut self, pid: &str) -> f64 {
        for t in std::fs::read_dir(format!("/proc/{pid}/task"))
            .into_iter()
            .flatten()
            .flatten()
        {
            let ns = std::fs::read_to_string(t.path().join("schedstat"))
                .ok()
                .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok());
            if let Some(ns) = ns {
                let e = self
                    .threads
                    .entry(t.file_name().to_string_lossy().into_owned())
                    .or_default();
                *e = (*e).max(ns);
            }
        }
        self.threads.values().sum::<u64>() as f64 / 1e9
    }
}

fn testbed(cmd: &str, dir: &Path) -> bool {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    Command::new(root.join("scripts/pipewire-testbed.sh"))
        .arg(cmd)
        .arg(dir)
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false)
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let seconds: f64 = std::env::var("CAPTURE_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10.0);
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../target")
        .join(format!("pw-bench-{}", std::process::id()));
    if !testbed("start", &dir) {
        println!("pipewire_cpu: SKIPPED: the PipeWire test bed cannot start here");
        return;
    }
    let run = dir.join("run");

    let md = MediaDevices::builder()
        .backend(PipeWireBackend::with_remote(Some(run.join("pipewire-0"))))
        .permission_policy(PermissionPolicy::Granted)
        .build()
        .unwrap();
    let rounds: usize = std::env::var("CAPTURE_ROUNDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let i420 = Camera {
        what: "I420 320x240 at 30 fps",
        node: "mediacapture-test-camera",
        label: "mediacapture-Test-Camera",
        size: (320, 240),
        gst: &["video/x-raw,format=I420,width=320,height=240,framerate=30/1"],
        gst_name: "pipewiresrc ! fakesink",
    };
    compare(&md, &run, &i420, seconds, rounds);
    if testbed("mjpeg-hd-start", &dir) {
        let mjpeg = Camera {
            what: "MJPEG 1280x720 at 30 fps, decoded to I420",
            node: "mediacapture-test-camera-mjpeg-720p",
            label: "mediacapture-Test-Camera-MJPEG-720p",
            size: (1280, 720),
            gst: &[
                "image/jpeg,width=1280,height=720,framerate=30/1",
                "!",
                "jpegdec",
            ],
            gst_name: "pipewiresrc ! jpegdec ! fakesink",
        };
        compare(&md, &run, &mjpeg, seconds, rounds);
        testbed("mjpeg-hd-stop", &dir);
    } else {
        println!("pipewire_cpu: the MJPEG 720p camera did not start; its part is left out");
    }
    testbed("stop", &dir);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A camera of the test bed and how GStreamer reads it.
struct Camera {
    what: &'static str,
    node: &'static str,
    label: &'static str,
    size: (u32, u32),
    /// What goes between `pipewiresrc` and `fakesink`.
    gst: &'static [&'static str],
    gst_name: &'static str,
}

/// Ours and GStreamer's capture of `camera`, alternated for `rounds` rounds; prints each and
/// the medians.
fn compare(md: &MediaDevices, run: &Path, camera: &Camera, seconds: f64, rounds: usize) {
    println!(
        "pipewire_cpu: {seconds} s of the test bed's camera, {}",
        camera.what
    );
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for round in 1..=rounds.max(1) {
        let (cpu, frames, dropped) = ours_once(md, camera, seconds);
        let gst = gst_once(run, camera, seconds);
        println!(
            "  round {round}: mediacapture {cpu:7.3} CPU-s ({frames} frames read, {dropped} dropped); gst-launch {} {gst:7.3} CPU-s",
            camera.gst_name
        );
        ours.push(cpu);
        theirs.push(gst);
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    let (o, t) = (median(&mut ours), median(&mut theirs));
    println!(
        "  median: mediacapture {o:.3}, gst-launch {t:.3} CPU-s: ours / gst = {:.2}   (target <= 1.0)",
        o / t.max(1e-9)
    );
}

/// Our capture of the camera's native mode, read frame by frame: CPU seconds after the first
/// second, frames read, frames dropped.
fn ours_once(md: &MediaDevices, camera: &Camera, seconds: f64) -> (f64, u64, u64) {
    let id = block_on(md.enumerate_devices())
        .into_iter()
        .find(|d| d.label() == camera.label)
        .map(|d| d.device_id().to_owned())
        .expect("the camera is listed");
    let (w, h) = camera.size;
    let stream = block_on(md.get_user_media(
        MediaStreamConstraints::from_json(&format!(
            r#"{{"video":{{"deviceId":{{"exact":"{id}"}},"width":{{"exact":{w}}},"height":{{"exact":{h}}},"frameRate":{{"exact":30}},"resizeMode":"none"}}}}"#
        ))
        .unwrap(),
    ))
    .unwrap();
    let reader = MediaStreamTrackProcessor::new(&stream.get_video_tracks()[0], Some(64)).unwrap();
    let me = std::process::id().to_string();
    let mut meter = CpuMeter::default();
    let warm = Instant::now();
    while warm.elapsed() < Duration::from_secs(1) {
        let _ = reader.read_timeout(Duration::from_secs(5));
    }
    let (cpu0, t0) = (meter.sample(&me), Instant::now());
    let mut frames = 0u64;
    while t0.elapsed().as_secs_f64() < seconds {
        if reader.read_timeout(Duration::from_secs(5)).is_ok() {
            frames += 1;
        }
    }
    let cpu = meter.sample(&me) - cpu0;
    let dropped = reader.discarded_frames();
    for t in stream.get_tracks() {
        t.stop();
    }
    (cpu, frames, dropped)
}

/// `gst-launch-1.0 pipewiresrc … ! fakesink` on the same node, for one second plus `seconds`
/// of buffers (it stops by itself: a consumer that is killed leaves GStreamer's pipewiresink
/// producer stalled): CPU seconds after its first second, read from /proc while it runs.
fn gst_once(run: &Path, camera: &Camera, seconds: f64) -> f64 {
    let buffers = format!("num-buffers={}", (seconds * 30.0) as u64 + 30);
    let target = format!("target-object={}", camera.node);
    let mut gst = Command::new("gst-launch-1.0")
        .args(["-q", "pipewiresrc", &target, &buffers, "!"])
        .args(camera.gst)
        .args(["!", "fakesink"])
        .env("XDG_RUNTIME_DIR", run)
        .env("PIPEWIRE_RUNTIME_DIR", run)
        .spawn()
        .unwrap();
    let pid = gst.id().to_string();
    let start = Instant::now();
    let mut meter = CpuMeter::default();
    let (mut at_one, mut last) = (None, 0.0);
    while gst.try_wait().ok().flatten().is_none() && start.elapsed().as_secs_f64() < seconds + 5.0 {
        last = meter.sample(&pid);
        if at_one.is_none() && start.elapsed() >= Duration::from_secs(1) {
            at_one = Some(last);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = gst.kill();
    let _ = gst.wait();
    last - at_one.unwrap_or(last)
}
