//! Dev-only helpers shared by the workspace's test crates (`mediacapture`,
//! `mediacapture-cli`, `mediacapture-codecs`): ffprobe and ffmpeg, installed by
//! `scripts/setup.sh`, judge the files the recorder, the writers and the CLI write.
//!
//! A helper that cannot run its tool panics with what to do: a test without its judge must
//! fail rather than pass vacuously.
#![forbid(unsafe_code)]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Test code: fail loudly.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The path of a Debian-installed tool (`ffprobe`, `ffmpeg`); panics when it is missing.
pub fn tool(name: &str) -> PathBuf {
    let p = PathBuf::from(format!("/usr/bin/{name}"));
    assert!(p.exists(), "{name} is missing: run scripts/setup.sh");
    p
}

/// ffprobe's JSON for `path`, after `args` (`-v error` and `-of json` are added).
pub fn ffprobe_json(path: &Path, args: &[&str]) -> Value {
    let o = Command::new(tool("ffprobe"))
        .args(["-v", "error"])
        .args(args)
        .args(["-of", "json"])
        .arg(path)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// Every stream of `path` as ffprobe sees it, frames counted.
pub fn ffprobe_streams(path: &Path) -> Vec<Value> {
    ffprobe_json(path, &["-count_frames", "-show_streams"])["streams"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

/// One entry (`pts_time`, `flags`, …) of every packet of stream `sel` (`v` or `a`) of `path`.
fn packet_entries(path: &Path, sel: &str, entry: &str) -> Vec<String> {
    let o = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-select_streams", sel, "-show_entries"])
        .args([&format!("packet={entry}"), "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .collect()
}

/// The presentation times (s) of the packets of stream `sel` (`v` or `a`) of `path`.
pub fn packet_times(path: &Path, sel: &str) -> Vec<f64> {
    packet_entries(path, sel, "pts_time")
        .iter()
        .filter_map(|l| l.parse().ok())
        .collect()
}

/// Whether each packet of stream `sel` of `path` is a keyframe (ffprobe's `K` flag).
pub fn packet_keys(path: &Path, sel: &str) -> Vec<bool> {
    packet_entries(path, sel, "flags")
        .iter()
        .map(|f| f.starts_with('K'))
        .collect()
}

/// Whether ffmpeg decodes all of `path` without a complaint.
pub fn ffmpeg_decodes(path: &Path) -> bool {
    let o = Command::new(tool("ffmpeg"))
        .args(["-v", "error", "-i"])
        .arg(path)
        // The decoder's own time base (WebM's 1 ms), not 1/frame rate: ms timestamps of a
        // 30 fps stream whose first frame is near half a frame collide when rounded to 1/30 s.
        .args(["-enc_time_base:v", "-1", "-f", "null", "-"])
        .output()
        .unwrap();
    o.status.success() && o.stderr.is_empty()
}
