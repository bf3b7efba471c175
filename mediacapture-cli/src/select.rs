//! `--device LABEL-or-ID`: which camera or microphone a command opens.

use mediacapture::{MediaDeviceInfo, MediaDeviceKind};
use serde_json::{Value, json};

use crate::error::Failure;

/// The input device `wanted` names: the one whose deviceId is `wanted`, else whose label is,
/// else the one whose label contains it (ignoring case) if only one does.
pub fn find<'a>(list: &'a [MediaDeviceInfo], wanted: &str) -> Result<&'a MediaDeviceInfo, Failure> {
    let inputs: Vec<&MediaDeviceInfo> = list
        .iter()
        .filter(|d| d.kind() != MediaDeviceKind::AudioOutput && !d.device_id().is_empty())
        .collect();
    if let Some(d) = inputs.iter().find(|d| d.device_id() == wanted) {
        return Ok(d);
    }
    if let Some(d) = inputs.iter().find(|d| d.label() == wanted) {
        return Ok(d);
    }
    let lower = wanted.to_lowercase();
    let partial: Vec<&MediaDeviceInfo> = inputs
        .iter()
        .copied()
        .filter(|d| d.label().to_lowercase().contains(&lower))
        .collect();
    match partial.as_slice() {
        [d] => Ok(d),
        [] => Err(Failure::usage(format!(
            "--device {wanted:?} matches no camera or microphone (there are: {})",
            names(inputs.iter().copied())
        ))),
        many => Err(Failure::usage(format!(
            "--device {wanted:?} matches several devices ({}); give more of the label or the \
             deviceId",
            names(many.iter().copied())
        ))),
    }
}

/// `kind "label"` of each device, for messages.
fn names<'a>(devices: impl Iterator<Item = &'a MediaDeviceInfo>) -> String {
    devices
        .map(|d| format!("{} {:?}", d.kind(), d.label()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `constraints` (a kind's MediaTrackConstraints JSON, `true`, or none) with
/// `"deviceId":{"exact":id}` added.
pub fn with_device_id(constraints: Option<&str>, kind: &str, id: &str) -> Result<String, Failure> {
    let mut v: Value = match constraints.map(str::trim) {
        None | Some("true") => json!({}),
        Some(text) => serde_json::from_str(text)
            .map_err(|e| Failure::usage(format!("--{kind} is not valid JSON: {e}")))?,
    };
    let Some(object) = v.as_object_mut() else {
        return Err(Failure::usage(format!(
            "--{kind} with --device must be a JSON object or true, not {v}"
        )));
    };
    object.insert("deviceId".into(), json!({ "exact": id }));
    Ok(v.to_string())
}

/// Applies each `--device` to the video and audio constraints (one device per kind).
pub fn apply(
    list: &[MediaDeviceInfo],
    wanted: &[String],
    video: &mut Option<String>,
    audio: &mut Option<String>,
) -> Result<(), Failure> {
    let (mut camera, mut microphone) = (false, false);
    for w in wanted {
        let d = find(list, w)?;
        let (slot, seen, kind) = match d.kind() {
            MediaDeviceKind::VideoInput => (&mut *video, &mut camera, "video"),
            _ => (&mut *audio, &mut microphone, "audio"),
        };
        if std::mem::replace(seen, true) {
            return Err(Failure::usage(format!(
                "--device {w:?}: a {} was given already (one per kind)",
                d.kind()
            )));
        }
        *slot = Some(with_device_id(slot.as_deref(), kind, d.device_id())?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_device_id_joins_the_constraints() {
        assert_eq!(
            with_device_id(None, "video", "x").unwrap(),
            r#"{"deviceId":{"exact":"x"}}"#
        );
        let v: Value =
            serde_json::from_str(&with_device_id(Some(r#"{"width":640}"#), "video", "x").unwrap())
                .unwrap();
        assert_eq!(v, json!({"width": 640, "deviceId": {"exact": "x"}}));
        assert!(matches!(
            with_device_id(Some("[1]"), "audio", "x"),
            Err(Failure::Usage(_))
        ));
    }
}
