//! `RTCPeerConnection`: offer/answer, ICE and DTLS over the `rtc` stack, with the spec's
//! states, events and errors.
//!
//! The stack is sans-I/O: this file owns its state behind one lock, and [`crate::driver`] runs
//! the thread that moves datagrams and timers through it. Every method is a synchronous step
//! of the stack, so the spec's operations chain is the lock's order.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use mediacapture_main::EventSubscription;
use mediacapture_types::MediaStreamError;
use rtc::sansio::Protocol;

use crate::connection::{Shared, State, close};
use crate::rtc_configuration::RTCConfiguration;
use crate::rtc_data_channel::{ChannelShared, RTCDataChannel};
use crate::rtc_ice_candidate::RTCIceCandidateInit;
use crate::rtc_peer_connection_event::RTCPeerConnectionEvent;
use crate::rtc_session_description::{RTCSdpType, RTCSessionDescription};
use crate::states::{
    RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState, RTCSignalingState,
};

#[derive(Clone, Copy)]
enum Side {
    Local,
    Remote,
}

/// A description the stack rejected part-way leaves the connection as it was (the spec applies
/// a description whole or not at all): a pending description the failed call left is rolled
/// back, and the events the call queued are dropped (none fires for a rejected description).
fn undo_failed(state: &mut State, now: Instant, had_pending: bool, side: Side) {
    let pending = match side {
        Side::Local => state.stack.pending_local_description().is_some(),
        Side::Remote => state.stack.pending_remote_description().is_some(),
    };
    if pending
        && !had_pending
        && let Ok(rollback) = RTCSessionDescription::new(RTCSdpType::Rollback, "").to_stack()
    {
        let _ = match side {
            Side::Local => state.stack.set_local_description(now, rollback),
            Side::Remote => state.stack.set_remote_description(now, rollback),
        };
    }
    while state.stack.poll_event().is_some() {}
}

fn stack_error(what: &str, e: impl std::fmt::Display) -> MediaStreamError {
    MediaStreamError::operation(format!("{what}: {e}"))
}

/// A connection to a remote peer.
///
/// Created with [`new`](Self::new), it gathers host candidates on 127.0.0.1 (or the address
/// given to [`with_host_address`](Self::with_host_address)) when a local description is set,
/// and runs a thread of its own until [`close`](Self::close) or the last handle is dropped.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#rtcpeerconnection-interface>
#[derive(Clone)]
pub struct RTCPeerConnection {
    handle: Arc<Handle>,
}

/// Closes the connection when the last `RTCPeerConnection` handle goes (the driver thread
/// holds [`Shared`], not this).
struct Handle {
    shared: Arc<Shared>,
}

impl Drop for Handle {
    fn drop(&mut self) {
        close(&self.shared);
    }
}

impl std::fmt::Debug for RTCPeerConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RTCPeerConnection")
            .field("signaling_state", &self.signaling_state())
            .field("connection_state", &self.connection_state())
            .finish()
    }
}

impl RTCPeerConnection {
    /// `new RTCPeerConnection(configuration)`, gathering on 127.0.0.1.
    ///
    /// # Errors
    /// `TypeError` for an ICE server URL that is not STUN or TURN, `InvalidAccessError` for a
    /// TURN server without credentials, `OperationError` if the stack cannot start.
    pub fn new(configuration: RTCConfiguration) -> Result<Self, MediaStreamError> {
        Self::with_host_address(configuration, IpAddr::V4(Ipv4Addr::LOCALHOST))
    }

    /// As [`new`](Self::new), gathering a host candidate on `host` (a native program's choice
    /// of interface; a browser gathers on all of them).
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn with_host_address(
        configuration: RTCConfiguration,
        host: IpAddr,
    ) -> Result<Self, MediaStreamError> {
        configuration.validate()?;
        let stack = rtc::peer_connection::RTCPeerConnectionBuilder::new()
            .build(Instant::now())
            .map_err(|e| stack_error("cannot create the peer connection", e))?;
        Ok(RTCPeerConnection {
            handle: Arc::new(Handle {
                shared: Shared::new(State::new(stack, configuration), host),
            }),
        })
    }

    fn shared(&self) -> &Arc<Shared> {
        &self.handle.shared
    }

    fn not_closed(&self) -> Result<(), MediaStreamError> {
        if self.shared().closed.load(Ordering::SeqCst) {
            Err(MediaStreamError::invalid_state(
                "the RTCPeerConnection is closed",
            ))
        } else {
            Ok(())
        }
    }

    /// The connection's events from now on (those fired before the first subscription are
    /// kept for it).
    pub fn events(&self) -> EventSubscription<RTCPeerConnectionEvent> {
        self.shared().events.subscribe(1024)
    }

    /// `createOffer()`.
    ///
    /// # Errors
    /// `InvalidStateError` when closed; `OperationError` when the stack cannot make one.
    #[doc(alias = "createOffer")]
    pub async fn create_offer(&self) -> Result<RTCSessionDescription, MediaStreamError> {
        self.not_closed()?;
        self.shared().with_state(|state, _| {
            let offer = state
                .stack
                .create_offer(None)
                .map_err(|e| stack_error("cannot create an offer", e))?;
            // Step: [[LastCreatedOffer]] = the offer's SDP.
            state.last_offer = offer.sdp.clone();
            Ok(RTCSessionDescription::from_stack(&offer))
        })
    }

    /// `createAnswer()`.
    ///
    /// # Errors
    /// `InvalidStateError` when closed or not in `have-remote-offer`/`have-local-pranswer`.
    #[doc(alias = "createAnswer")]
    pub async fn create_answer(&self) -> Result<RTCSessionDescription, MediaStreamError> {
        self.not_closed()?;
        let signaling = self.signaling_state();
        if !matches!(
            signaling,
            RTCSignalingState::HaveRemoteOffer | RTCSignalingState::HaveLocalPranswer
        ) {
            return Err(MediaStreamError::invalid_state(format!(
                "createAnswer in signaling state {signaling}"
            )));
        }
        self.shared().with_state(|state, _| {
            let answer = state
                .stack
                .create_answer(None)
                .map_err(|e| stack_error("cannot create an answer", e))?;
            state.last_answer = answer.sdp.clone();
            Ok(RTCSessionDescription::from_stack(&answer))
        })
    }

    /// `setLocalDescription(description)`; `None` (or an empty `sdp`) sets the offer or answer
    /// the state calls for, created now. Gathering starts with the first one.
    ///
    /// # Errors
    /// `InvalidStateError` when closed or when the type does not fit the signaling state;
    /// `InvalidModificationError` when the SDP is not the one last created;
    /// `OperationError` when the stack rejects it.
    #[doc(alias = "setLocalDescription")]
    pub async fn set_local_description(
        &self,
        description: Option<RTCSessionDescription>,
    ) -> Result<(), MediaStreamError> {
        self.not_closed()?;
        let signaling = self.signaling_state();
        let description = match description {
            Some(d) if !(d.sdp.is_empty() && d.sdp_type != RTCSdpType::Rollback) => d,
            // Implicit: an offer in stable and have-local-offer, else an answer.
            other => {
                let wanted = other.map(|d| d.sdp_type);
                let offering = matches!(
                    signaling,
                    RTCSignalingState::Stable
                        | RTCSignalingState::HaveLocalOffer
                        | RTCSignalingState::HaveRemotePranswer
                );
                match (wanted, offering) {
                    (Some(RTCSdpType::Offer) | None, true) => self.create_offer().await?,
                    (Some(RTCSdpType::Answer | RTCSdpType::Pranswer) | None, false) => {
                        self.create_answer().await?
                    }
                    (Some(t), _) => {
                        return Err(MediaStreamError::invalid_state(format!(
                            "setLocalDescription({}) in signaling state {signaling}",
                            t.as_str()
                        )));
                    }
                }
            }
        };
        // The type must fit the state (the JSEP state machine).
        let fits = match description.sdp_type {
            RTCSdpType::Offer => matches!(
                signaling,
                RTCSignalingState::Stable | RTCSignalingState::HaveLocalOffer
            ),
            RTCSdpType::Answer | RTCSdpType::Pranswer => matches!(
                signaling,
                RTCSignalingState::HaveRemoteOffer | RTCSignalingState::HaveLocalPranswer
            ),
            RTCSdpType::Rollback => matches!(
                signaling,
                RTCSignalingState::HaveLocalOffer | RTCSignalingState::HaveLocalPranswer
            ),
        };
        if !fits {
            return Err(MediaStreamError::invalid_state(format!(
                "setLocalDescription({}) in signaling state {signaling}",
                description.sdp_type.as_str()
            )));
        }
        let shared = self.shared().clone();
        self.shared().with_state(|state, now| {
            // An offer or answer must be the one last created.
            let last = match description.sdp_type {
                RTCSdpType::Offer => Some(&state.last_offer),
                RTCSdpType::Answer | RTCSdpType::Pranswer => Some(&state.last_answer),
                RTCSdpType::Rollback => None,
            };
            if let Some(last) = last
                && description.sdp != *last
            {
                return Err(MediaStreamError::invalid_modification(format!(
                    "the {} is not the one last created",
                    description.sdp_type.as_str()
                )));
            }
            let d = description.to_stack()?;
            let before = state.stack.pending_local_description().is_some();
            if let Err(e) = state.stack.set_local_description(now, d) {
                undo_failed(state, now, before, Side::Local);
                return Err(stack_error("setLocalDescription failed", e));
            }
            if description.sdp_type != RTCSdpType::Rollback && state.socket.is_none() {
                crate::driver::start_gathering(&shared, state)?;
            }
            Ok(())
        })
    }

    /// `setRemoteDescription(description)`. An offer in `have-local-offer` rolls the local
    /// offer back first (perfect negotiation's implicit rollback).
    ///
    /// # Errors
    /// `InvalidStateError` when closed or when the type does not fit the signaling state;
    /// `OperationError` (an RTCError `sdp-syntax-error`) for SDP that does not parse or that
    /// the stack rejects.
    #[doc(alias = "setRemoteDescription")]
    pub async fn set_remote_description(
        &self,
        description: RTCSessionDescription,
    ) -> Result<(), MediaStreamError> {
        self.not_closed()?;
        let signaling = self.signaling_state();
        let (fits, implicit_rollback) = match description.sdp_type {
            RTCSdpType::Offer => match signaling {
                RTCSignalingState::Stable | RTCSignalingState::HaveRemoteOffer => (true, false),
                RTCSignalingState::HaveLocalOffer => (true, true),
                _ => (false, false),
            },
            RTCSdpType::Answer | RTCSdpType::Pranswer => (
                matches!(
                    signaling,
                    RTCSignalingState::HaveLocalOffer | RTCSignalingState::HaveRemotePranswer
                ),
                false,
            ),
            RTCSdpType::Rollback => (
                matches!(
                    signaling,
                    RTCSignalingState::HaveRemoteOffer | RTCSignalingState::HaveRemotePranswer
                ),
                false,
            ),
        };
        if !fits {
            return Err(MediaStreamError::invalid_state(format!(
                "setRemoteDescription({}) in signaling state {signaling}",
                description.sdp_type.as_str()
            )));
        }
        let d = description.to_stack()?;
        self.shared().with_state(|state, now| {
            if implicit_rollback {
                let rollback = RTCSessionDescription::new(RTCSdpType::Rollback, "").to_stack()?;
                state
                    .stack
                    .set_local_description(now, rollback)
                    .map_err(|e| stack_error("the implicit rollback failed", e))?;
            }
            let before = state.stack.pending_remote_description().is_some();
            if let Err(e) = state.stack.set_remote_description(now, d) {
                undo_failed(state, now, before, Side::Remote);
                return Err(stack_error("setRemoteDescription failed", e));
            }
            Ok(())
        })
    }

    /// `addIceCandidate(candidate)`; `None` or an empty `candidate` is end-of-candidates.
    ///
    /// # Errors
    /// `TypeError` for a candidate with neither `sdpMid` nor `sdpMLineIndex`;
    /// `InvalidStateError` when closed or without a remote description; `OperationError` for
    /// a candidate the stack cannot use.
    #[doc(alias = "addIceCandidate")]
    pub async fn add_ice_candidate(
        &self,
        candidate: Option<RTCIceCandidateInit>,
    ) -> Result<(), MediaStreamError> {
        let candidate = candidate.unwrap_or_default();
        // Step 1 (before the chain): a candidate needs a section.
        if !candidate.candidate.is_empty()
            && candidate.sdp_mid.is_none()
            && candidate.sdp_m_line_index.is_none()
        {
            return Err(MediaStreamError::type_error(
                "a candidate needs sdpMid or sdpMLineIndex",
            ));
        }
        self.not_closed()?;
        self.shared().with_state(|state, _| {
            // Step 2.1: no remote description.
            if state.stack.remote_description().is_none() {
                return Err(MediaStreamError::invalid_state(
                    "addIceCandidate before a remote description",
                ));
            }
            if candidate.candidate.is_empty() {
                // End-of-candidates: the stack needs nothing more.
                return Ok(());
            }
            state
                .stack
                .add_remote_candidate(candidate.to_stack())
                .map_err(|e| stack_error("cannot add the candidate", e))
        })
    }

    /// `createDataChannel(label)`.
    ///
    /// # Errors
    /// `InvalidStateError` when closed; `OperationError` when the stack refuses.
    #[doc(alias = "createDataChannel")]
    pub fn create_data_channel(&self, label: &str) -> Result<RTCDataChannel, MediaStreamError> {
        self.not_closed()?;
        let shared = self.shared().clone();
        self.shared().with_state(|state, _| {
            let id = state
                .stack
                .create_data_channel(label, None)
                .map_err(|e| stack_error("cannot create the data channel", e))?
                .id();
            let ch = ChannelShared::new(id, label.to_owned());
            state.channels.insert(id, ch.clone());
            Ok(RTCDataChannel {
                channel: ch,
                transport: shared,
            })
        })
    }

    /// `restartIce()`: the next offer restarts ICE.
    #[doc(alias = "restartIce")]
    pub fn restart_ice(&self) {
        let _ = self.shared().with_state(|state, _| {
            state.stack.restart_ice();
            Ok(())
        });
    }

    /// `localDescription`.
    #[doc(alias = "localDescription")]
    pub fn local_description(&self) -> Option<RTCSessionDescription> {
        self.read(|s| {
            s.stack
                .local_description()
                .map(|d| RTCSessionDescription::from_stack(&d))
        })
    }

    /// `remoteDescription`.
    #[doc(alias = "remoteDescription")]
    pub fn remote_description(&self) -> Option<RTCSessionDescription> {
        self.read(|s| {
            s.stack
                .remote_description()
                .map(RTCSessionDescription::from_stack)
        })
    }

    /// `signalingState`.
    #[doc(alias = "signalingState")]
    pub fn signaling_state(&self) -> RTCSignalingState {
        self.read(|s| s.signaling)
    }

    /// `iceGatheringState`.
    #[doc(alias = "iceGatheringState")]
    pub fn ice_gathering_state(&self) -> RTCIceGatheringState {
        self.read(|s| s.gathering)
    }

    /// `iceConnectionState`.
    #[doc(alias = "iceConnectionState")]
    pub fn ice_connection_state(&self) -> RTCIceConnectionState {
        self.read(|s| s.ice)
    }

    /// `connectionState`.
    #[doc(alias = "connectionState")]
    pub fn connection_state(&self) -> RTCPeerConnectionState {
        self.read(|s| s.connection)
    }

    /// `getConfiguration()`.
    #[doc(alias = "getConfiguration")]
    pub fn get_configuration(&self) -> RTCConfiguration {
        self.read(|s| s.configuration.clone())
    }

    /// The local address the connection's candidate is on, once gathering started (a native
    /// extension, for tests and logs).
    pub fn local_address(&self) -> Option<SocketAddr> {
        self.read(|s| s.socket.as_ref().and_then(|s| s.local_addr().ok()))
    }

    /// `close()`: states `closed` without events, data channels closed, the thread stopped.
    pub fn close(&self) {
        close(self.shared());
    }

    fn read<T>(&self, f: impl FnOnce(&State) -> T) -> T {
        f(&self.shared().lock())
    }
}
