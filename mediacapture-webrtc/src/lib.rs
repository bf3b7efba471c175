//! W3C WebRTC ([webrtc-pc](https://w3c.github.io/webrtc-pc/)) for mediacapture: an
//! [`RTCPeerConnection`] with the spec's offer/answer, ICE states, events and errors, and
//! [`RTCDataChannel`]s, over the sans-I/O [`rtc`] stack (the core of webrtc-rs), which does
//! ICE, DTLS, SCTP, SRTP, RTP/RTCP and SDP. This crate owns the W3C object model and a thread
//! per connection that moves its datagrams and timers ([`driver`]).
//!
//! Names mirror the spec in Rust casing (with `doc(alias)` for the JavaScript names);
//! dictionaries (de)serialize in the JSON shape a web page exchanges; errors are
//! [`MediaStreamError`]s named after the spec's DOMExceptions.
//!
//! ```
//! use mediacapture_webrtc::{RTCConfiguration, RTCPeerConnection, RTCSignalingState};
//! # mediacapture_main::block_on(async {
//! let pc = RTCPeerConnection::new(RTCConfiguration::default()).unwrap();
//! let _channel = pc.create_data_channel("chat").unwrap();
//! let offer = pc.create_offer().await.unwrap();
//! assert!(offer.sdp.contains("m=application"));
//! pc.set_local_description(Some(offer)).await.unwrap();
//! assert_eq!(pc.signaling_state(), RTCSignalingState::HaveLocalOffer);
//! # });
//! ```

mod connection;
pub mod driver;
mod rtc_configuration;
mod rtc_data_channel;
mod rtc_ice_candidate;
mod rtc_peer_connection;
mod rtc_peer_connection_event;
mod rtc_session_description;
mod states;

pub use mediacapture_types::MediaStreamError;
pub use rtc_configuration::{
    RTCBundlePolicy, RTCConfiguration, RTCIceServer, RTCIceTransportPolicy, RTCRtcpMuxPolicy,
};
pub use rtc_data_channel::{
    RTCDataChannel, RTCDataChannelEvent, RTCDataChannelMessage, RTCDataChannelState,
};
pub use rtc_ice_candidate::{RTCIceCandidate, RTCIceCandidateInit};
pub use rtc_peer_connection::RTCPeerConnection;
pub use rtc_peer_connection_event::RTCPeerConnectionEvent;
pub use rtc_session_description::{RTCSdpType, RTCSessionDescription, RTCSessionDescriptionInit};
pub use states::{
    RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState, RTCSignalingState,
};
