//! The peer connection's state enums, as strings exactly as a web page sees them.

use serde::{Deserialize, Serialize};

macro_rules! spec_enum {
    ($(#[$meta:meta])* $name:ident, $link:literal, { $($(#[$vmeta:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[doc = concat!("\n\nSpec: <", $link, ">")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $($(#[$vmeta])* #[serde(rename = $s)] #[doc(alias = $s)] $variant),+
        }

        impl $name {
            /// The value as the spec spells it.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $s),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

spec_enum!(
    /// Where the connection is in the offer/answer exchange (`RTCSignalingState`).
    RTCSignalingState, "https://w3c.github.io/webrtc-pc/#dom-rtcsignalingstate", {
        /// No exchange is in progress.
        Stable = "stable",
        /// A local offer is applied.
        HaveLocalOffer = "have-local-offer",
        /// A remote offer is applied.
        HaveRemoteOffer = "have-remote-offer",
        /// A remote offer and a local provisional answer are applied.
        HaveLocalPranswer = "have-local-pranswer",
        /// A local offer and a remote provisional answer are applied.
        HaveRemotePranswer = "have-remote-pranswer",
        /// The connection is closed.
        Closed = "closed",
    }
);

spec_enum!(
    /// Whether ICE is gathering local candidates (`RTCIceGatheringState`).
    RTCIceGatheringState, "https://w3c.github.io/webrtc-pc/#dom-rtcicegatheringstate", {
        /// Nothing gathered yet (or no transports).
        New = "new",
        /// Gathering.
        Gathering = "gathering",
        /// Every transport finished gathering.
        Complete = "complete",
    }
);

spec_enum!(
    /// The aggregate state of the connection's ICE transports (`RTCIceConnectionState`).
    RTCIceConnectionState, "https://w3c.github.io/webrtc-pc/#dom-rtciceconnectionstate", {
        /// Not checking yet.
        New = "new",
        /// Checking candidate pairs.
        Checking = "checking",
        /// A usable pair was found.
        Connected = "connected",
        /// Checking finished with a usable pair.
        Completed = "completed",
        /// Connectivity was lost (it may come back).
        Disconnected = "disconnected",
        /// No pair works.
        Failed = "failed",
        /// The connection is closed.
        Closed = "closed",
    }
);

spec_enum!(
    /// The aggregate of ICE and DTLS (`RTCPeerConnectionState`).
    RTCPeerConnectionState, "https://w3c.github.io/webrtc-pc/#dom-rtcpeerconnectionstate", {
        /// Nothing started.
        New = "new",
        /// ICE or DTLS is being established.
        Connecting = "connecting",
        /// ICE and DTLS are up.
        Connected = "connected",
        /// Connectivity was lost (it may come back).
        Disconnected = "disconnected",
        /// ICE or DTLS failed.
        Failed = "failed",
        /// The connection is closed.
        Closed = "closed",
    }
);

use rtc::peer_connection::state as stack;

impl RTCSignalingState {
    pub(crate) fn from_stack(s: stack::RTCSignalingState) -> Self {
        use stack::RTCSignalingState as S;
        match s {
            S::HaveLocalOffer => Self::HaveLocalOffer,
            S::HaveRemoteOffer => Self::HaveRemoteOffer,
            S::HaveLocalPranswer => Self::HaveLocalPranswer,
            S::HaveRemotePranswer => Self::HaveRemotePranswer,
            S::Closed => Self::Closed,
            _ => Self::Stable,
        }
    }
}

impl RTCIceGatheringState {
    pub(crate) fn from_stack(s: stack::RTCIceGatheringState) -> Self {
        use stack::RTCIceGatheringState as S;
        match s {
            S::Gathering => Self::Gathering,
            S::Complete => Self::Complete,
            _ => Self::New,
        }
    }
}

impl RTCIceConnectionState {
    pub(crate) fn from_stack(s: stack::RTCIceConnectionState) -> Self {
        use stack::RTCIceConnectionState as S;
        match s {
            S::Checking => Self::Checking,
            S::Connected => Self::Connected,
            S::Completed => Self::Completed,
            S::Disconnected => Self::Disconnected,
            S::Failed => Self::Failed,
            S::Closed => Self::Closed,
            _ => Self::New,
        }
    }
}

impl RTCPeerConnectionState {
    pub(crate) fn from_stack(s: stack::RTCPeerConnectionState) -> Self {
        use stack::RTCPeerConnectionState as S;
        match s {
            S::Connecting => Self::Connecting,
            S::Connected => Self::Connected,
            S::Disconnected => Self::Disconnected,
            S::Failed => Self::Failed,
            S::Closed => Self::Closed,
            _ => Self::New,
        }
    }
}
