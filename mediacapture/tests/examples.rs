//! The examples in `mediacapture/examples/` run, on the fake devices, and finish by
//! themselves; the README's Rust snippets are those examples, word for word.
//!
//! `cargo test` builds the examples (those whose features are on) before it runs this; each is
//! run as a program would be, with `MEDIACAPTURE_BACKENDS=fake`, in a directory of its own,
//! and killed if it has not finished within [`LIMIT`].
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Each example finishes in a few seconds; this bounds a hang.
const LIMIT: Duration = Duration::from_secs(60);

/// The workspace's `target/<profile>` directory: this test runs from its `deps/`.
fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

fn example(name: &str) -> PathBuf {
    let p = profile_dir().join("examples").join(name);
    assert!(
        p.exists(),
        "{} is built by cargo test before the tests run",
        p.display()
    );
    p
}

/// A fresh working directory for one example.
fn workdir(name: &str) -> PathBuf {
    let d = profile_dir()
        .join("example-runs")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs an example on the fake devices; its output once it has exited successfully.
fn run(name: &str, args: &[&str], dir: &Path) -> String {
    let mut child = Command::new(example(name))
        .args(args)
        .current_dir(dir)
        .env("MEDIACAPTURE_BACKENDS", "fake")
        .env_remove("MEDIACAPTURE_FAKE_DEVICES")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let t0 = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if t0.elapsed() > LIMIT {
            let _ = child.kill();
            let o = child.wait_with_output().unwrap();
            panic!(
                "{name} did not finish within {LIMIT:?}: {}{}",
                String::from_utf8_lossy(&o.stdout),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let o: Output = child.wait_with_output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        o.status.success(),
        "{name} failed: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

#[cfg(feature = "recorder")]
fn ffprobe(path: &Path) -> String {
    let o = Command::new("ffprobe")
        .args(["-v", "error", "-count_frames", "-show_entries"])
        .args([
            "stream=codec_name,width,height,nb_read_frames",
            "-of",
            "csv=p=0",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "ffprobe reads {}", path.display());
    String::from_utf8_lossy(&o.stdout).trim().to_string()
}

#[test]
fn get_user_media_prints_settings_frames_and_events_then_stops() {
    let out = run("get_user_media", &[], &workdir("gum"));
    assert!(out.contains("videoinput  Fake Camera 0"), "{out}");
    assert!(out.contains(r#""width":1280"#), "{out}");
    assert_eq!(out.matches("frame 1280x720 at ").count(), 30, "{out}");
    // The first subscription sees `started`, even though it was made after getUserMedia.
    assert!(out.contains("event: started"), "{out}");
    assert!(out.trim_end().ends_with("stopped: Ended"), "{out}");
}

#[test]
fn read_frames_reports_what_arrived() {
    let out = run(
        "read_frames",
        &["1", r#"{"width":{"exact":641},"height":{"exact":361}}"#],
        &workdir("read"),
    );
    assert!(out.contains(r#""width":641"#), "{out}");
    let frames: u32 = out
        .split("video: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("a frame count in {out}"));
    assert!(frames >= 20, "{out}");
    assert!(out.contains("samples per channel"), "{out}");
}

#[test]
fn generator_frames_come_out_cropped_and_scaled() {
    let out = run("generator", &[], &workdir("generator"));
    assert_eq!(out.matches(", read 160x120 at ").count(), 30, "{out}");
    assert!(out.trim_end().ends_with("after close: Ended"), "{out}");
}

#[cfg(feature = "recorder")]
#[test]
fn record_writes_a_webm_that_ffprobe_reads() {
    let dir = workdir("record");
    let out = run("record", &["out.webm"], &dir);
    assert!(
        out.contains("wrote out.webm: video/webm;codecs=vp8,opus"),
        "{out}"
    );
    let probe = ffprobe(&dir.join("out.webm"));
    let mut lines = probe.lines();
    let video = lines.next().unwrap_or_default();
    assert!(video.starts_with("vp8,640,"), "{probe}");
    let frames: u32 = video.rsplit(',').next().unwrap().parse().unwrap();
    assert!(frames >= 60, "three seconds at 30 fps: {probe}");
    assert_eq!(
        lines.next().map(|l| l.starts_with("opus")),
        Some(true),
        "{probe}"
    );
}

#[cfg(feature = "image-capture")]
#[test]
fn photo_writes_a_png_of_the_camera() {
    let dir = workdir("photo");
    let out = run("photo", &["photo.png"], &dir);
    assert!(out.contains("wrote photo.png: image/png"), "{out}");
    assert!(out.contains("grabbed a 1280x720 frame"), "{out}");
    let png = image::open(dir.join("photo.png")).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (1280, 720));
    // The fake camera's colour bars: the second bar (from x = 40) is 75 % grey, 191.25 (the
    // SIMD converter's fixed point gives 192, one step off; see mediacapture-hal's convert).
    let grey = png.get_pixel(100, 360).0;
    assert!(
        grey[..3].iter().all(|c| (191..=192).contains(c)),
        "{grey:?}"
    );
    assert_eq!(grey[3], 255);
}

/// The ```rust blocks of the README, each with the example file it reproduces (named in its
/// first line, `//! <path>`-style headers are the examples' own).
#[test]
fn the_readmes_snippets_are_the_examples() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let blocks: Vec<&str> = readme
        .split("```rust\n")
        .skip(1)
        .map(|b| b.split("\n```").next().unwrap())
        .collect();
    assert!(!blocks.is_empty(), "the README has Rust snippets");
    let examples: Vec<(String, String)> = std::fs::read_dir(root.join("mediacapture/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    for block in blocks {
        assert!(
            examples
                .iter()
                .any(|(_, text)| text.trim_end() == block.trim_end()),
            "a README snippet that is not one of mediacapture/examples/*.rs word for word \
             (edit the example and paste it):\n{block}"
        );
    }
}
