//! `RTCConfiguration`: what a connection is constructed with, in the JSON shape a web page
//! passes.

use mediacapture_types::MediaStreamError;
use serde::{Deserialize, Serialize};

/// A STUN or TURN server.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtciceserver>
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RTCIceServer {
    /// One URL or several (`"stun:…"`, `"turn:…"`).
    #[serde(deserialize_with = "one_or_many")]
    pub urls: Vec<String>,
    /// The TURN username.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The TURN credential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credential: Option<String>,
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Which candidates ICE may use.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcicetransportpolicy>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RTCIceTransportPolicy {
    /// Only relayed candidates.
    Relay,
    /// Any candidate.
    #[default]
    All,
}

/// How media sections share transports.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcbundlepolicy>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RTCBundlePolicy {
    /// Bundle where the remote end can.
    #[default]
    Balanced,
    /// One transport per media type until the remote end bundles.
    MaxCompat,
    /// One transport for everything.
    MaxBundle,
}

/// Whether RTCP shares the RTP transport.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcrtcpmuxpolicy>
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RTCRtcpMuxPolicy {
    /// RTCP multiplexed on the RTP transport (the only policy).
    #[default]
    Require,
}

/// The configuration of an `RTCPeerConnection`.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcconfiguration>
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct RTCConfiguration {
    /// STUN/TURN servers.
    pub ice_servers: Vec<RTCIceServer>,
    /// `iceTransportPolicy`.
    pub ice_transport_policy: RTCIceTransportPolicy,
    /// `bundlePolicy`.
    pub bundle_policy: RTCBundlePolicy,
    /// `rtcpMuxPolicy`.
    pub rtcp_mux_policy: RTCRtcpMuxPolicy,
    /// `iceCandidatePoolSize` (0–255).
    pub ice_candidate_pool_size: u8,
}

impl RTCConfiguration {
    /// Parses the JSON a web page passes to `new RTCPeerConnection(…)`.
    ///
    /// # Errors
    /// `TypeError` naming what is wrong.
    pub fn from_json(json: &str) -> Result<Self, MediaStreamError> {
        serde_json::from_str(json).map_err(|e| MediaStreamError::type_error(e.to_string()))
    }

    /// Step 4 of the constructor's "set a configuration": every ICE server URL is a `stun:`,
    /// `stuns:`, `turn:` or `turns:` URL (`SyntaxError` in the spec; a `TypeError` here, which
    /// is what a bad dictionary gives), and TURN URLs come with a username and credential
    /// (`InvalidAccessError`).
    pub(crate) fn validate(&self) -> Result<(), MediaStreamError> {
        for server in &self.ice_servers {
            if server.urls.is_empty() {
                return Err(MediaStreamError::type_error("an iceServer has no urls"));
            }
            for url in &server.urls {
                let scheme = url.split(':').next().unwrap_or("");
                match scheme {
                    "stun" | "stuns" => {}
                    "turn" | "turns" => {
                        if server.username.is_none() || server.credential.is_none() {
                            return Err(MediaStreamError::invalid_access(format!(
                                "the TURN server {url} needs a username and a credential"
                            )));
                        }
                    }
                    _ => {
                        return Err(MediaStreamError::type_error(format!(
                            "{url:?} is not a STUN or TURN URL"
                        )));
                    }
                }
            }
        }
        Ok(())
    }
}
