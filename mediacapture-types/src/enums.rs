//! The IDL enums, with exact string round-trips (`as_str`, `FromStr`, `Display`, serde).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// An IDL enum string that is not one of the enum's values.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{value:?} is not a valid {enum_name} value")]
pub struct ParseEnumError {
    /// The IDL name of the enum.
    pub enum_name: &'static str,
    /// The string that was given.
    pub value: String,
}

macro_rules! idl_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $idl:literal { $( $(#[$vmeta:meta])* $variant:ident = $s:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $s)] $variant, )+
        }

        impl $name {
            /// Every value, in IDL order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The IDL string of this value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl FromStr for $name {
            type Err = ParseEnumError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($s => Ok($name::$variant),)+
                    _ => Err(ParseEnumError { enum_name: $idl, value: s.to_owned() }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

idl_enum! {
    /// The kind of a media device.
    ///
    /// Corresponds to [`MediaDeviceKind`](https://w3c.github.io/mediacapture-main/#dom-mediadevicekind).
    MediaDeviceKind, "MediaDeviceKind" {
        /// A microphone or other audio input.
        AudioInput = "audioinput",
        /// A speaker or other audio output.
        AudioOutput = "audiooutput",
        /// A camera or other video input.
        VideoInput = "videoinput",
    }
}

idl_enum! {
    /// Whether a track is live or has ended.
    ///
    /// Corresponds to [`MediaStreamTrackState`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrackstate).
    MediaStreamTrackState, "MediaStreamTrackState" {
        /// The track's source is attached and may deliver media.
        Live = "live",
        /// The track has ended; it never becomes live again.
        Ended = "ended",
    }
}

idl_enum! {
    /// The direction a camera faces.
    ///
    /// Corresponds to [`VideoFacingModeEnum`](https://w3c.github.io/mediacapture-main/#dom-videofacingmodeenum).
    VideoFacingModeEnum, "VideoFacingModeEnum" {
        /// Facing the user (a selfie camera).
        User = "user",
        /// Facing away from the user.
        Environment = "environment",
        /// Facing to the left of the user.
        Left = "left",
        /// Facing to the right of the user.
        Right = "right",
    }
}

idl_enum! {
    /// How the user agent may derive a track's resolution and frame rate from the camera's.
    ///
    /// Corresponds to [`VideoResizeModeEnum`](https://w3c.github.io/mediacapture-main/#dom-videoresizemodeenum).
    VideoResizeModeEnum, "VideoResizeModeEnum" {
        /// Only the camera's native modes.
        None = "none",
        /// Any size and frame rate up to a native mode, by cropping, scaling and decimating.
        CropAndScale = "crop-and-scale",
    }
}

idl_enum! {
    /// The echo cancellation modes besides `true`/`false`.
    ///
    /// Corresponds to [`EchoCancellationModeEnum`](https://w3c.github.io/mediacapture-main/#dom-echocancellationmodeenum).
    EchoCancellationModeEnum, "EchoCancellationModeEnum" {
        /// Cancel all audio played by the system.
        All = "all",
        /// Cancel only audio received from remote peers.
        RemoteOnly = "remote-only",
    }
}

idl_enum! {
    /// The kind of a track: the `kind` attribute's two values.
    ///
    /// Corresponds to [`MediaStreamTrack.kind`](https://w3c.github.io/mediacapture-main/#dom-mediastreamtrack-kind).
    MediaStreamTrackKind, "MediaStreamTrack.kind" {
        /// An audio track.
        Audio = "audio",
        /// A video track.
        Video = "video",
    }
}

impl MediaDeviceKind {
    /// The track kind an input device of this kind produces, or `None` for an output.
    pub const fn track_kind(self) -> Option<MediaStreamTrackKind> {
        match self {
            MediaDeviceKind::AudioInput => Some(MediaStreamTrackKind::Audio),
            MediaDeviceKind::VideoInput => Some(MediaStreamTrackKind::Video),
            MediaDeviceKind::AudioOutput => None,
        }
    }
}

idl_enum! {
    /// Whether a camera can reduce red eye.
    ///
    /// Corresponds to [`RedEyeReduction`](https://w3c.github.io/mediacapture-image/#redeyereduction).
    RedEyeReduction, "RedEyeReduction" {
        /// The device never reduces red eye.
        Never = "never",
        /// The device always reduces red eye.
        Always = "always",
        /// The program decides, through `PhotoSettings::red_eye_reduction`.
        Controllable = "controllable",
    }
}

idl_enum! {
    /// The flash (fill light) mode of a photo.
    ///
    /// Corresponds to [`FillLightMode`](https://w3c.github.io/mediacapture-image/#filllightmode).
    FillLightMode, "FillLightMode" {
        /// The device decides from the light it sees.
        Auto = "auto",
        /// No flash.
        Off = "off",
        /// Flash on every photo.
        Flash = "flash",
    }
}

idl_enum! {
    /// The state of a `MediaRecorder`.
    ///
    /// Corresponds to [`RecordingState`](https://w3c.github.io/mediacapture-record/#recordingstate).
    RecordingState, "RecordingState" {
        /// Not recording: constructed, or stopped.
        Inactive = "inactive",
        /// Gathering data.
        Recording = "recording",
        /// Started, but not gathering data.
        Paused = "paused",
    }
}

idl_enum! {
    /// How an audio encoder spends its bits.
    ///
    /// Corresponds to [`BitrateMode`](https://w3c.github.io/mediacapture-record/#bitratemode).
    BitrateMode, "BitrateMode" {
        /// A constant bit rate.
        Constant = "constant",
        /// A variable bit rate (the default).
        Variable = "variable",
    }
}

impl MediaStreamTrackKind {
    /// The input device kind that produces tracks of this kind.
    pub const fn device_kind(self) -> MediaDeviceKind {
        match self {
            MediaStreamTrackKind::Audio => MediaDeviceKind::AudioInput,
            MediaStreamTrackKind::Video => MediaDeviceKind::VideoInput,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_enum_round_trips_its_idl_strings() {
        for v in MediaDeviceKind::ALL {
            assert_eq!(v.as_str().parse::<MediaDeviceKind>().unwrap(), *v);
            assert_eq!(serde_json::to_string(v).unwrap(), format!("\"{v}\""));
        }
        for v in VideoResizeModeEnum::ALL {
            assert_eq!(v.as_str().parse::<VideoResizeModeEnum>().unwrap(), *v);
        }
        for v in VideoFacingModeEnum::ALL {
            let back: VideoFacingModeEnum =
                serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap();
            assert_eq!(back, *v);
        }
        assert_eq!(VideoResizeModeEnum::CropAndScale.as_str(), "crop-and-scale");
        assert_eq!(
            EchoCancellationModeEnum::RemoteOnly.to_string(),
            "remote-only"
        );
        let e = "Live".parse::<MediaStreamTrackState>().unwrap_err();
        assert_eq!(e.enum_name, "MediaStreamTrackState");
    }
}
