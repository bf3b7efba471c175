//! `RTCIceCandidate` and `RTCIceCandidateInit`: a candidate line and the m= section it belongs
//! to, in the JSON shape a web page trickles (`{"candidate":…,"sdpMid":…,"sdpMLineIndex":…,
//! "usernameFragment":…}`).

use mediacapture_types::MediaStreamError;
use serde::{Deserialize, Serialize};

/// A candidate as signalling carries it. `candidate: ""` is end-of-candidates.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcicecandidateinit>
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RTCIceCandidateInit {
    /// The `candidate:` attribute's value (with its `candidate:` prefix), or `""`.
    #[serde(default)]
    pub candidate: String,
    /// The mid of the m= section, or `None`.
    #[serde(default)]
    pub sdp_mid: Option<String>,
    /// The index of the m= section, or `None`.
    #[serde(default, rename = "sdpMLineIndex")]
    pub sdp_m_line_index: Option<u16>,
    /// The ICE username fragment of the candidate's generation, or `None` (the newest).
    #[serde(default)]
    pub username_fragment: Option<String>,
}

impl RTCIceCandidateInit {
    /// Parses the JSON a web page sends.
    ///
    /// # Errors
    /// `TypeError` naming what is wrong.
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        serde_json::from_str(json).map_err(|e| MediaStreamError::type_error(e.to_string()))
    }

    pub(crate) fn to_stack(&self) -> rtc::peer_connection::transport::RTCIceCandidateInit {
        rtc::peer_connection::transport::RTCIceCandidateInit {
            candidate: self.candidate.clone(),
            sdp_mid: self.sdp_mid.clone(),
            sdp_mline_index: self.sdp_m_line_index,
            username_fragment: self.username_fragment.clone(),
            ..Default::default()
        }
    }
}

/// A local or remote ICE candidate.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#rtcicecandidate-interface>
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RTCIceCandidate {
    init: RTCIceCandidateInit,
}

impl RTCIceCandidate {
    /// `new RTCIceCandidate(init)`.
    ///
    /// # Errors
    /// `TypeError` when both `sdpMid` and `sdpMLineIndex` are `None`.
    pub fn new(init: RTCIceCandidateInit) -> Result<Self, MediaStreamError> {
        if init.sdp_mid.is_none() && init.sdp_m_line_index.is_none() {
            return Err(MediaStreamError::type_error(
                "an RTCIceCandidate needs sdpMid or sdpMLineIndex",
            ));
        }
        Ok(RTCIceCandidate { init })
    }

    /// The `candidate:` line (`""` for end-of-candidates).
    pub fn candidate(&self) -> &str {
        &self.init.candidate
    }

    /// `sdpMid`.
    #[doc(alias = "sdpMid")]
    pub fn sdp_mid(&self) -> Option<&str> {
        self.init.sdp_mid.as_deref()
    }

    /// `sdpMLineIndex`.
    #[doc(alias = "sdpMLineIndex")]
    pub fn sdp_m_line_index(&self) -> Option<u16> {
        self.init.sdp_m_line_index
    }

    /// `usernameFragment`.
    #[doc(alias = "usernameFragment")]
    pub fn username_fragment(&self) -> Option<&str> {
        self.init.username_fragment.as_deref()
    }

    /// The candidate's address (from the line), if it has one.
    pub fn address(&self) -> Option<&str> {
        self.init.candidate.split_whitespace().nth(4)
    }

    /// `toJSON()`: the init dictionary back.
    #[doc(alias = "toJSON")]
    pub fn to_json(&self) -> RTCIceCandidateInit {
        self.init.clone()
    }
}
