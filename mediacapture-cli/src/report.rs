//! The JSON reports.

use mediacapture::{MediaDeviceInfo, MediaStream, MediaStreamError, MediaStreamTrack};
use serde_json::{Value, json};

fn to_value<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// `{"name", "constraint"?, "message"}`.
pub fn error(e: &MediaStreamError) -> Value {
    let mut v = json!({"name": e.name(), "message": e.message()});
    if let Some(c) = e.constraint() {
        v["constraint"] = json!(c);
    }
    v
}

/// One track, with everything a page could read from it.
pub fn track(t: &MediaStreamTrack) -> Value {
    json!({
        "kind": t.kind().as_str(),
        "id": t.id(),
        "label": t.label(),
        "enabled": t.enabled(),
        "muted": t.muted(),
        "readyState": t.ready_state().as_str(),
        "contentHint": t.content_hint(),
        "settings": to_value(&t.get_settings()),
        "constraints": to_value(&t.get_constraints()),
        "capabilities": to_value(&t.get_capabilities()),
    })
}

pub fn resolved(stream: &MediaStream) -> Value {
    json!({
        "result": "resolved",
        "stream": {"id": stream.id(), "active": stream.active()},
        "tracks": stream.get_tracks().iter().map(track).collect::<Vec<_>>(),
    })
}

pub fn rejected(e: &MediaStreamError) -> Value {
    json!({"result": "rejected", "error": error(e)})
}

pub fn apply_result(r: &Result<(), MediaStreamError>) -> Value {
    match r {
        Ok(()) => json!({"result": "resolved", "error": null}),
        Err(e) => json!({"result": "rejected", "error": error(e)}),
    }
}

/// The devices, with each input's capabilities; with `modes`, each camera's native formats
/// (`"nativeFormats": [{"width","height","frameRate","pixelFormat"}]`).
pub fn devices(list: &[MediaDeviceInfo], modes: bool) -> Value {
    Value::Array(
        list.iter()
            .map(|d| {
                let mut v = d.to_json();
                if let Some(c) = d.get_capabilities() {
                    v["capabilities"] = to_value(&c);
                }
                if modes && d.kind() == mediacapture::MediaDeviceKind::VideoInput {
                    v["nativeFormats"] = to_value(&d.native_formats());
                }
                v
            })
            .collect(),
    )
}
