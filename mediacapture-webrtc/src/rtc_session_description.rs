//! `RTCSessionDescription` and `RTCSessionDescriptionInit`: an SDP blob and its type, in the
//! JSON shape a web page exchanges (`{"type":"offer","sdp":"v=0…"}`).

use mediacapture_types::MediaStreamError;
use serde::{Deserialize, Serialize};

/// The kind of a session description.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcsdptype>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RTCSdpType {
    /// An offer.
    #[doc(alias = "offer")]
    Offer,
    /// A provisional answer.
    #[doc(alias = "pranswer")]
    Pranswer,
    /// A final answer.
    #[doc(alias = "answer")]
    Answer,
    /// Cancels the current offer (`setLocalDescription`/`setRemoteDescription` only).
    #[doc(alias = "rollback")]
    Rollback,
}

impl RTCSdpType {
    /// The value as the spec spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            RTCSdpType::Offer => "offer",
            RTCSdpType::Pranswer => "pranswer",
            RTCSdpType::Answer => "answer",
            RTCSdpType::Rollback => "rollback",
        }
    }
}

/// A session description: what `createOffer`/`createAnswer` give and what
/// `setLocalDescription`/`setRemoteDescription` take. `sdp` defaults to `""`; `to_json` gives
/// exactly `{type, sdp}`.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcsessiondescriptioninit> and
/// <https://w3c.github.io/webrtc-pc/#rtcsessiondescription-class>
#[doc(alias = "RTCSessionDescriptionInit")]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RTCSessionDescription {
    /// The description's type.
    #[serde(rename = "type")]
    pub sdp_type: RTCSdpType,
    /// The SDP text.
    #[serde(default)]
    pub sdp: String,
}

/// The `RTCSessionDescriptionInit` dictionary: the same shape.
pub type RTCSessionDescriptionInit = RTCSessionDescription;

impl RTCSessionDescription {
    /// A description of `sdp_type` holding `sdp`.
    pub fn new(sdp_type: RTCSdpType, sdp: impl Into<String>) -> Self {
        RTCSessionDescription {
            sdp_type,
            sdp: sdp.into(),
        }
    }

    /// Parses the JSON a web page sends (`{"type":…,"sdp":…}`).
    ///
    /// # Errors
    /// `TypeError` naming what is wrong (no `type`, an unknown one, `sdp` not a string).
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        serde_json::from_str(json).map_err(|e| MediaStreamError::type_error(e.to_string()))
    }

    /// `toJSON()`: `{"type":…,"sdp":…}`.
    #[doc(alias = "toJSON")]
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({ "type": self.sdp_type.as_str(), "sdp": self.sdp })
    }

    pub(crate) fn to_stack(
        &self,
    ) -> Result<rtc::peer_connection::sdp::RTCSessionDescription, MediaStreamError> {
        use rtc::peer_connection::sdp::RTCSessionDescription as S;
        let sdp = self.sdp.clone();
        let parsed = match self.sdp_type {
            RTCSdpType::Offer => S::offer(sdp),
            RTCSdpType::Answer => S::answer(sdp),
            RTCSdpType::Pranswer => S::pranswer(sdp),
            RTCSdpType::Rollback => S::rollback(if sdp.is_empty() { None } else { Some(sdp) }),
        };
        // The SDP could not be parsed: an RTCError with errorDetail "sdp-syntax-error", whose
        // name is OperationError.
        parsed.map_err(|e| MediaStreamError::operation(format!("sdp-syntax-error: {e}")))
    }

    pub(crate) fn from_stack(d: &rtc::peer_connection::sdp::RTCSessionDescription) -> Self {
        use rtc::peer_connection::sdp::RTCSdpType as S;
        let sdp_type = match d.sdp_type {
            S::Pranswer => RTCSdpType::Pranswer,
            S::Answer => RTCSdpType::Answer,
            S::Rollback => RTCSdpType::Rollback,
            _ => RTCSdpType::Offer,
        };
        RTCSessionDescription::new(sdp_type, d.sdp.clone())
    }
}
