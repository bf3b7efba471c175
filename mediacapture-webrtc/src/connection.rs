//! One connection's state behind its lock, and what the stack produces delivered from it:
//! datagrams to the socket, events to the connection's and data channels' subscribers,
//! messages to data channels. The API (`rtc_peer_connection.rs`) and the driver thread
//! (`driver.rs`) both work through [`Shared`].

use std::collections::HashMap;
use std::net::{IpAddr, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use mediacapture_main::ext::EventBus;
use mediacapture_types::MediaStreamError;
use rtc::sansio::Protocol;

use crate::rtc_configuration::RTCConfiguration;
use crate::rtc_data_channel::{ChannelShared, ChannelTransport, RTCDataChannel};
use crate::rtc_data_channel::{RTCDataChannelEvent, RTCDataChannelMessage, RTCDataChannelState};
use crate::rtc_ice_candidate::{RTCIceCandidate, RTCIceCandidateInit};
use crate::rtc_peer_connection_event::RTCPeerConnectionEvent;
use crate::states::{
    RTCIceConnectionState, RTCIceGatheringState, RTCPeerConnectionState, RTCSignalingState,
};

pub(crate) struct State {
    pub(crate) stack: rtc::peer_connection::RTCPeerConnection,
    pub(crate) socket: Option<Arc<UdpSocket>>,
    pub(crate) channels: HashMap<rtc::data_channel::RTCDataChannelId, Arc<ChannelShared>>,
    pub(crate) signaling: RTCSignalingState,
    pub(crate) gathering: RTCIceGatheringState,
    pub(crate) ice: RTCIceConnectionState,
    pub(crate) connection: RTCPeerConnectionState,
    pub(crate) last_offer: String,
    pub(crate) last_answer: String,
    pub(crate) configuration: RTCConfiguration,
}

impl State {
    /// Sends the datagrams the stack has written (none before gathering opened the socket).
    pub(crate) fn send_pending(&mut self) {
        let Some(socket) = self.socket.clone() else {
            return;
        };
        while let Some(out) = self.stack.poll_write() {
            // A datagram the OS refuses is lost as on any network; ICE and DTLS retransmit.
            if let Err(e) = socket.send_to(&out.message, out.transport.peer_addr) {
                log::debug!("webrtc: send to {} failed: {e}", out.transport.peer_addr);
            }
        }
    }

    pub(crate) fn new(
        stack: rtc::peer_connection::RTCPeerConnection,
        configuration: RTCConfiguration,
    ) -> Self {
        State {
            stack,
            socket: None,
            channels: HashMap::new(),
            signaling: RTCSignalingState::Stable,
            gathering: RTCIceGatheringState::New,
            ice: RTCIceConnectionState::New,
            connection: RTCPeerConnectionState::New,
            last_offer: String::new(),
            last_answer: String::new(),
            configuration,
        }
    }
}

pub(crate) struct Shared {
    state: Mutex<State>,
    pub(crate) events: EventBus<RTCPeerConnectionEvent>,
    pub(crate) closed: AtomicBool,
    host: IpAddr,
}

impl Shared {
    pub(crate) fn new(state: State, host: IpAddr) -> Arc<Self> {
        Arc::new(Shared {
            state: Mutex::new(state),
            events: EventBus::retaining(),
            closed: AtomicBool::new(false),
            host,
        })
    }

    /// Runs `f` on the state under the lock, then delivers what the stack has to send and to
    /// say (datagrams, events, messages).
    pub(crate) fn with_state<T>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut State, Instant) -> Result<T, MediaStreamError>,
    ) -> Result<T, MediaStreamError> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let out = f(&mut state, Instant::now());
        self.flush(&mut state);
        out
    }

    /// Moves everything the stack has produced to where it goes. Called with the lock held.
    pub(crate) fn flush(self: &Arc<Self>, state: &mut State) {
        state.send_pending();
        while let Some(event) = state.stack.poll_event() {
            self.deliver(state, event);
        }
        while let Some(message) = state.stack.poll_read() {
            if let rtc::peer_connection::message::RTCMessage::DataChannelMessage(id, m) =
                message.message
                && let Some(ch) = state.channels.get(&id)
            {
                let data = if m.is_string {
                    RTCDataChannelMessage::Text(String::from_utf8_lossy(&m.data).into_owned())
                } else {
                    RTCDataChannelMessage::Binary(m.data.to_vec())
                };
                ch.events.emit(RTCDataChannelEvent::Message(data));
            }
        }
    }

    fn deliver(
        self: &Arc<Self>,
        state: &mut State,
        event: rtc::peer_connection::event::RTCPeerConnectionEvent,
    ) {
        use rtc::peer_connection::event::RTCDataChannelEvent as D;
        use rtc::peer_connection::event::RTCPeerConnectionEvent as E;
        // Nothing fires after close.
        if self.closed.load(Ordering::SeqCst) {
            return;
        }
        match event {
            E::OnNegotiationNeededEvent => {
                self.events.emit(RTCPeerConnectionEvent::NegotiationNeeded)
            }
            E::OnIceCandidateEvent(e) => {
                let Ok(mut init) = e.candidate.to_json() else {
                    return;
                };
                if !init.candidate.starts_with("candidate:") {
                    init.candidate = format!("candidate:{}", init.candidate);
                }
                // Surfaced candidates carry both sdpMid and sdpMLineIndex (bundled: the first
                // section's).
                let first_mid = state
                    .stack
                    .local_description()
                    .and_then(|d| first_mid(&d.sdp));
                let candidate = RTCIceCandidate::new(RTCIceCandidateInit {
                    candidate: init.candidate,
                    sdp_mid: init.sdp_mid.filter(|m| !m.is_empty()).or(first_mid),
                    sdp_m_line_index: init.sdp_mline_index.or(Some(0)),
                    username_fragment: init.username_fragment,
                });
                if let Ok(c) = candidate {
                    self.events
                        .emit(RTCPeerConnectionEvent::IceCandidate(Some(c)));
                }
            }
            E::OnIceGatheringStateChangeEvent(s) => {
                let s = RTCIceGatheringState::from_stack(s);
                if s != state.gathering {
                    if s == RTCIceGatheringState::Complete {
                        // The generation finished: `icecandidate` with candidate "" for it
                        // first (§ "generation finished"), then the state, then null.
                        let end = RTCIceCandidate::new(RTCIceCandidateInit {
                            candidate: String::new(),
                            sdp_mid: state
                                .stack
                                .local_description()
                                .and_then(|d| first_mid(&d.sdp)),
                            sdp_m_line_index: Some(0),
                            username_fragment: None,
                        });
                        if let Ok(end) = end {
                            self.events
                                .emit(RTCPeerConnectionEvent::IceCandidate(Some(end)));
                        }
                    }
                    state.gathering = s;
                    self.events
                        .emit(RTCPeerConnectionEvent::IceGatheringStateChange(s));
                    if s == RTCIceGatheringState::Complete {
                        // The legacy null candidate, after the state change.
                        self.events.emit(RTCPeerConnectionEvent::IceCandidate(None));
                    }
                }
            }
            E::OnIceConnectionStateChangeEvent(s) => {
                let s = RTCIceConnectionState::from_stack(s);
                if s != state.ice {
                    state.ice = s;
                    self.events
                        .emit(RTCPeerConnectionEvent::IceConnectionStateChange(s));
                }
            }
            E::OnConnectionStateChangeEvent(s) => {
                let s = RTCPeerConnectionState::from_stack(s);
                if s != state.connection {
                    state.connection = s;
                    self.events
                        .emit(RTCPeerConnectionEvent::ConnectionStateChange(s));
                }
            }
            E::OnSignalingStateChangeEvent(s) => {
                let s = RTCSignalingState::from_stack(s);
                if s != state.signaling {
                    state.signaling = s;
                    self.events
                        .emit(RTCPeerConnectionEvent::SignalingStateChange(s));
                }
            }
            E::OnDataChannel(D::OnOpen(id)) => {
                let ch = match state.channels.get(&id) {
                    Some(ch) => ch.clone(),
                    None => {
                        // Opened by the remote peer: announce it, then open it.
                        let label = state
                            .stack
                            .data_channel(id)
                            .map(|dc| dc.label().to_owned())
                            .unwrap_or_default();
                        let ch = ChannelShared::new(id, label);
                        state.channels.insert(id, ch.clone());
                        self.events
                            .emit(RTCPeerConnectionEvent::DataChannel(RTCDataChannel {
                                channel: ch.clone(),
                                transport: self.clone(),
                            }));
                        ch
                    }
                };
                ch.set_state(RTCDataChannelState::Open);
                ch.events.emit(RTCDataChannelEvent::Open);
            }
            E::OnDataChannel(D::OnClosing(id)) => {
                if let Some(ch) = state.channels.get(&id) {
                    ch.set_state(RTCDataChannelState::Closing);
                    ch.events.emit(RTCDataChannelEvent::Closing);
                }
            }
            E::OnDataChannel(D::OnClose(id)) => {
                if let Some(ch) = state.channels.get(&id) {
                    ch.set_state(RTCDataChannelState::Closed);
                    ch.events.emit(RTCDataChannelEvent::Close);
                }
            }
            E::OnDataChannel(D::OnError(id)) => {
                if let Some(ch) = state.channels.get(&id) {
                    ch.events.emit(RTCDataChannelEvent::Error);
                }
            }
            _ => {}
        }
    }
}

fn first_mid(sdp: &str) -> Option<String> {
    sdp.lines()
        .find_map(|l| l.trim().strip_prefix("a=mid:"))
        .map(str::to_owned)
}

/// "Close the connection" (`#dfn-close-the-connection`), disappear = false.
pub(crate) fn close(shared: &Arc<Shared>) {
    // Step 1: already closed → return; set [[IsClosed]].
    if shared.closed.swap(true, Ordering::SeqCst) {
        return;
    }
    let mut state = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    // Step 2: signaling "closed", no event.
    state.signaling = RTCSignalingState::Closed;
    // Step 4: every data channel closed abruptly, no events.
    for ch in state.channels.values() {
        ch.set_state(RTCDataChannelState::Closed);
        ch.events.close();
    }
    // Step 5: the stack closes SCTP, DTLS and ICE.
    let _ = state.stack.close();
    state.send_pending();
    // Step 6: ICE and connection states "closed", no events; gathering unchanged.
    state.ice = RTCIceConnectionState::Closed;
    state.connection = RTCPeerConnectionState::Closed;
    drop(state);
    shared.events.close();
}

impl Shared {
    pub(crate) fn emit(&self, event: RTCPeerConnectionEvent) {
        self.events.emit(event);
    }

    pub(crate) fn host(&self) -> IpAddr {
        self.host
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl ChannelTransport for Shared {
    fn send(
        &self,
        id: rtc::data_channel::RTCDataChannelId,
        message: RTCDataChannelMessage,
    ) -> Result<(), MediaStreamError> {
        let mut state = self.lock();
        let now = Instant::now();
        let sent = {
            let Some(mut dc) = state.stack.data_channel(id) else {
                return Err(MediaStreamError::invalid_state("the data channel is gone"));
            };
            match message {
                RTCDataChannelMessage::Text(t) => dc.send_text(now, t),
                RTCDataChannelMessage::Binary(b) => dc.send(now, bytes::BytesMut::from(&b[..])),
            }
        };
        // What the send produced goes out now (the driver would within its wait otherwise).
        state.send_pending();
        sent.map_err(|e| MediaStreamError::operation(format!("cannot send: {e}")))
    }

    fn close_channel(&self, id: rtc::data_channel::RTCDataChannelId) {
        let mut state = self.lock();
        if let Some(mut dc) = state.stack.data_channel(id) {
            let _ = dc.close();
        }
    }
}
