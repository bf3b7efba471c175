//! The thread that drives one connection's sans-I/O stack: datagrams from its UDP socket in,
//! the stack's timers, and (through the connection's flush) datagrams, events and messages out.
//!
//! It waits on the socket with a timeout that is the stack's next timer, capped at
//! [`MAX_WAIT`] so that work an API call scheduled is never later than that; it ends when the
//! connection closes.

use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use mediacapture_types::MediaStreamError;
use rtc::sansio::Protocol;
use rtc::shared::{TaggedBytesMut, TransportContext, TransportProtocol};

use crate::connection::{Shared, State};
use crate::rtc_peer_connection_event::RTCPeerConnectionEvent;
use crate::states::RTCIceGatheringState;

/// The longest the thread sleeps between looks at the stack's timers.
pub const MAX_WAIT: Duration = Duration::from_millis(20);

/// Binds the connection's UDP socket on its host address, starts the thread, and surfaces the
/// host candidate followed by end-of-candidates. Called with the lock held, at the first
/// `setLocalDescription`.
pub(crate) fn start_gathering(
    shared: &Arc<Shared>,
    state: &mut State,
) -> Result<(), MediaStreamError> {
    let socket = UdpSocket::bind(SocketAddr::new(shared.host(), 0))
        .map_err(|e| MediaStreamError::operation(format!("cannot open a UDP socket: {e}")))?;
    let local = socket
        .local_addr()
        .map_err(|e| MediaStreamError::operation(format!("no local address: {e}")))?;
    let socket = Arc::new(socket);
    state.socket = Some(socket.clone());
    // Gathering starts: `icegatheringstatechange` to "gathering" before the first candidate.
    state.gathering = RTCIceGatheringState::Gathering;
    shared.emit(RTCPeerConnectionEvent::IceGatheringStateChange(
        RTCIceGatheringState::Gathering,
    ));
    let host = rtc::peer_connection::transport::CandidateHostConfig {
        base_config: rtc::peer_connection::transport::CandidateConfig {
            network: "udp".to_owned(),
            address: local.ip().to_string(),
            port: local.port(),
            component: 1,
            ..Default::default()
        },
        ..Default::default()
    }
    .new_candidate_host()
    .map_err(|e| MediaStreamError::operation(format!("cannot make the host candidate: {e}")))?;
    let init = rtc::peer_connection::transport::RTCIceCandidate::from(&host)
        .to_json()
        .map_err(|e| MediaStreamError::operation(format!("cannot make the host candidate: {e}")))?;
    state
        .stack
        .add_local_candidate(init)
        .map_err(|e| MediaStreamError::operation(format!("cannot add the host candidate: {e}")))?;
    // Gathering is complete: one host candidate is all this connection has.
    state
        .stack
        .add_local_candidate(rtc::peer_connection::transport::RTCIceCandidateInit::default())
        .map_err(|e| MediaStreamError::operation(format!("cannot end gathering: {e}")))?;
    let driver = shared.clone();
    std::thread::Builder::new()
        .name("mediacapture-webrtc".into())
        .spawn(move || run(&driver, &socket, local))
        .map_err(|e| MediaStreamError::operation(format!("cannot start the thread: {e}")))?;
    Ok(())
}

fn run(shared: &Arc<Shared>, socket: &UdpSocket, local: SocketAddr) {
    // The largest UDP payload.
    let mut buf = vec![0u8; 65_536];
    while !shared.closed.load(Ordering::SeqCst) {
        let wait = {
            let mut state = shared.lock();
            let now = Instant::now();
            if state.stack.poll_timeout().is_some_and(|t| t <= now)
                && let Err(e) = state.stack.handle_timeout(now)
            {
                log::debug!("webrtc: timer: {e}");
            }
            shared.flush(&mut state);
            state
                .stack
                .poll_timeout()
                .map_or(MAX_WAIT, |t| t.saturating_duration_since(Instant::now()))
                .clamp(Duration::from_millis(1), MAX_WAIT)
        };
        if socket.set_read_timeout(Some(wait)).is_err() {
            break;
        }
        match socket.recv_from(&mut buf) {
            Ok((n, peer)) => {
                let mut state = shared.lock();
                if shared.closed.load(Ordering::SeqCst) {
                    break;
                }
                let message = TaggedBytesMut {
                    now: Instant::now(),
                    transport: TransportContext {
                        local_addr: local,
                        peer_addr: peer,
                        ecn: None,
                        transport_protocol: TransportProtocol::UDP,
                    },
                    message: bytes::BytesMut::from(&buf[..n]),
                };
                if let Err(e) = state.stack.handle_read(message) {
                    log::debug!("webrtc: a datagram from {peer}: {e}");
                }
                shared.flush(&mut state);
            }
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::ConnectionRefused
                        | std::io::ErrorKind::ConnectionReset
                        | std::io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                log::debug!("webrtc: the socket failed: {e}");
                break;
            }
        }
    }
}
