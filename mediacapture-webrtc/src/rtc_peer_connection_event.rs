//! What an `RTCPeerConnection` fires.

use crate::rtc_data_channel::RTCDataChannel;
use crate::rtc_ice_candidate::RTCIceCandidate;
use crate::states::{
    RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState, RTCSignalingState,
};

/// Events an `RTCPeerConnection` fires, in the order it fires them.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#rtcpeerconnection-interface> (event handlers)
#[derive(Clone, Debug)]
pub enum RTCPeerConnectionEvent {
    /// `negotiationneeded`.
    #[doc(alias = "negotiationneeded")]
    NegotiationNeeded,
    /// `icecandidate`: a local candidate to trickle to the remote peer; one whose
    /// `candidate()` is `""` ends its generation (pass it on too: it is end-of-candidates);
    /// `None` is the final `candidate: null` event, after gathering is `complete`.
    #[doc(alias = "icecandidate")]
    IceCandidate(Option<RTCIceCandidate>),
    /// `icegatheringstatechange`.
    #[doc(alias = "icegatheringstatechange")]
    IceGatheringStateChange(RTCIceGatheringState),
    /// `iceconnectionstatechange`.
    #[doc(alias = "iceconnectionstatechange")]
    IceConnectionStateChange(RTCIceConnectionState),
    /// `connectionstatechange`.
    #[doc(alias = "connectionstatechange")]
    ConnectionStateChange(RTCPeerConnectionState),
    /// `signalingstatechange`.
    #[doc(alias = "signalingstatechange")]
    SignalingStateChange(RTCSignalingState),
    /// `datachannel`: the remote peer opened a channel.
    #[doc(alias = "datachannel")]
    DataChannel(RTCDataChannel),
}
