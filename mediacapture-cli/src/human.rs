//! Output for people.

use mediacapture::{
    MediaDeviceInfo, MediaDeviceKind, MediaStream, MediaStreamError, MediaStreamTrack,
};

fn show<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A camera's native formats, one line per size and rate with its pixel formats.
fn native_formats(d: &MediaDeviceInfo) -> String {
    let mut lines: Vec<(String, Vec<&str>)> = Vec::new();
    for f in d.native_formats() {
        let mode = format!("{}x{} @ {} fps", f.width, f.height, f.frame_rate);
        match lines.iter_mut().find(|(m, _)| *m == mode) {
            Some((_, formats)) => formats.push(&f.pixel_format),
            None => lines.push((mode, vec![&f.pixel_format])),
        }
    }
    if lines.is_empty() {
        return "            native modes: not reported\n".into();
    }
    let mut out = String::from("            native modes:\n");
    for (mode, formats) in lines {
        out.push_str(&format!(
            "              {mode:<22} {}\n",
            formats.join(", ")
        ));
    }
    out
}

pub fn devices(list: &[MediaDeviceInfo], modes: bool) -> String {
    if list.is_empty() {
        return "no devices\n".into();
    }
    let mut out = String::new();
    for d in list {
        let label = if d.label().is_empty() {
            "(hidden)"
        } else {
            d.label()
        };
        out.push_str(&format!("{:<11} {label}\n", d.kind().as_str()));
        if !d.device_id().is_empty() {
            out.push_str(&format!(
                "            deviceId {}\n            groupId  {}\n",
                d.device_id(),
                d.group_id()
            ));
        }
        if let Some(c) = d.get_capabilities().filter(|_| !d.device_id().is_empty()) {
            out.push_str(&format!("            capabilities {}\n", show(&c)));
        }
        if modes && d.kind() == MediaDeviceKind::VideoInput && !d.device_id().is_empty() {
            out.push_str(&native_formats(d));
        }
    }
    out
}

pub fn track(t: &MediaStreamTrack) -> String {
    format!(
        "{} track {:?} ({}, {}{})\n  settings     {}\n  constraints  {}\n",
        t.kind().as_str(),
        t.label(),
        t.ready_state().as_str(),
        if t.enabled() { "enabled" } else { "disabled" },
        if t.muted() { ", muted" } else { "" },
        show(&t.get_settings()),
        show(&t.get_constraints()),
    )
}

pub fn resolved(stream: &MediaStream) -> String {
    let mut out = format!("getUserMedia resolved: stream {}\n", stream.id());
    for t in stream.get_tracks() {
        out.push_str(&track(&t));
    }
    out
}

pub fn error(what: &str, e: &MediaStreamError) -> String {
    match e.constraint() {
        Some(c) => format!(
            "{what} rejected: {} (constraint {c:?}): {}\n",
            e.name(),
            e.message()
        ),
        None => format!("{what} rejected: {}: {}\n", e.name(), e.message()),
    }
}
