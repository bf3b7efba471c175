//! Two of our peers on 127.0.0.1: offer/answer, trickled candidates, ICE and DTLS up, a data
//! channel both ways, the spec's errors for calls in the wrong state, and close.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // A test that cannot go on stops.

use std::time::{Duration, Instant};

use mediacapture_main::block_on;
use mediacapture_webrtc::{
    RTCConfiguration, RTCDataChannelEvent, RTCDataChannelMessage, RTCDataChannelState,
    RTCIceCandidateInit, RTCPeerConnection, RTCPeerConnectionEvent, RTCPeerConnectionState,
    RTCSdpType, RTCSessionDescription, RTCSignalingState,
};

const WAIT: Duration = Duration::from_secs(10);

fn pc() -> RTCPeerConnection {
    RTCPeerConnection::new(RTCConfiguration::default()).unwrap()
}

/// Moves the trickled candidates `events` (a peer's, subscribed before its local description
/// was set) to `to` until the null candidate; checks the gathering states on the way.
fn trickle(
    events: &mediacapture_main::EventSubscription<RTCPeerConnectionEvent>,
    to: &RTCPeerConnection,
) -> usize {
    let mut gathering = Vec::new();
    let mut ended = false;
    let deadline = Instant::now() + WAIT;
    let mut n = 0;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(RTCPeerConnectionEvent::IceCandidate(Some(c))) if c.candidate().is_empty() => {
                // End of the generation: before the state turns complete.
                assert_eq!(
                    gathering,
                    [mediacapture_webrtc::RTCIceGatheringState::Gathering]
                );
                block_on(to.add_ice_candidate(Some(c.to_json()))).unwrap();
                ended = true;
            }
            Ok(RTCPeerConnectionEvent::IceCandidate(Some(c))) => {
                assert!(c.sdp_mid().is_some() && c.sdp_m_line_index().is_some());
                assert_eq!(c.address(), Some("127.0.0.1"), "{}", c.candidate());
                assert!(!ended, "a candidate after end-of-candidates");
                block_on(to.add_ice_candidate(Some(c.to_json()))).unwrap();
                n += 1;
            }
            Ok(RTCPeerConnectionEvent::IceGatheringStateChange(g)) => gathering.push(g),
            Ok(RTCPeerConnectionEvent::IceCandidate(None)) => {
                use mediacapture_webrtc::RTCIceGatheringState as G;
                assert_eq!(gathering, [G::Gathering, G::Complete]);
                assert!(ended, "no end-of-candidates before the null candidate");
                return n;
            }
            Ok(_) => {}
            Err(e) => panic!("no end of candidates within {WAIT:?}: {e:?}"),
        }
    }
}

fn wait_connected(pc: &RTCPeerConnection) {
    let events = pc.events();
    let deadline = Instant::now() + WAIT;
    while pc.connection_state() != RTCPeerConnectionState::Connected {
        let left = deadline.saturating_duration_since(Instant::now());
        match events.recv_timeout(left) {
            Ok(RTCPeerConnectionEvent::ConnectionStateChange(s)) => {
                assert_ne!(s, RTCPeerConnectionState::Failed);
            }
            Ok(_) => {}
            Err(e) => panic!(
                "not connected within {WAIT:?} (state {}): {e:?}",
                pc.connection_state()
            ),
        }
    }
}

#[test]
fn two_peers_connect_over_loopback_and_exchange_data_channel_messages() {
    let (a, b) = (pc(), pc());
    let chat = a.create_data_channel("chat").unwrap();
    assert_eq!(chat.ready_state(), RTCDataChannelState::Connecting);
    let (a_events, b_events) = (a.events(), b.events());

    let offer = block_on(a.create_offer()).unwrap();
    assert_eq!(offer.sdp_type, RTCSdpType::Offer);
    // JSON as a web page sends it, and back.
    let json = offer.to_json().to_string();
    let offer = RTCSessionDescription::from_json(&json).unwrap();
    block_on(a.set_local_description(Some(offer.clone()))).unwrap();
    assert_eq!(a.signaling_state(), RTCSignalingState::HaveLocalOffer);
    block_on(b.set_remote_description(offer)).unwrap();
    assert_eq!(b.signaling_state(), RTCSignalingState::HaveRemoteOffer);
    // The implicit setLocalDescription() answers.
    block_on(b.set_local_description(None)).unwrap();
    assert_eq!(b.signaling_state(), RTCSignalingState::Stable);
    let answer = b.local_description().unwrap();
    assert_eq!(answer.sdp_type, RTCSdpType::Answer);
    block_on(a.set_remote_description(answer)).unwrap();
    assert_eq!(a.signaling_state(), RTCSignalingState::Stable);

    assert!(trickle(&a_events, &b) >= 1);
    assert!(trickle(&b_events, &a) >= 1);
    wait_connected(&a);
    wait_connected(&b);

    // B learns of the channel, then it opens on both sides.
    let deadline = Instant::now() + WAIT;
    let remote = loop {
        match b_events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(RTCPeerConnectionEvent::DataChannel(ch)) => break ch,
            Ok(_) => {}
            Err(e) => panic!("no datachannel event within {WAIT:?}: {e:?}"),
        }
    };
    assert_eq!(remote.label(), "chat");
    let (a_ch, b_ch) = (chat.events(), remote.events());
    let wait_for = |events: &mediacapture_main::EventSubscription<RTCDataChannelEvent>,
                    want: &dyn Fn(&RTCDataChannelEvent) -> bool| {
        let deadline = Instant::now() + WAIT;
        loop {
            match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
                Ok(e) if want(&e) => return e,
                Ok(_) => {}
                Err(e) => panic!("the data channel event did not come within {WAIT:?}: {e:?}"),
            }
        }
    };
    wait_for(&a_ch, &|e| *e == RTCDataChannelEvent::Open);
    assert_eq!(chat.ready_state(), RTCDataChannelState::Open);
    chat.send_text("hello from a").unwrap();
    let got = wait_for(&b_ch, &|e| matches!(e, RTCDataChannelEvent::Message(_)));
    assert_eq!(
        got,
        RTCDataChannelEvent::Message(RTCDataChannelMessage::Text("hello from a".into()))
    );
    remote.send_binary(&[1, 2, 3, 255]).unwrap();
    let got = wait_for(&a_ch, &|e| matches!(e, RTCDataChannelEvent::Message(_)));
    assert_eq!(
        got,
        RTCDataChannelEvent::Message(RTCDataChannelMessage::Binary(vec![1, 2, 3, 255]))
    );

    // close(): states closed at once, without events; every later call is an
    // InvalidStateError; the channel is closed.
    let a_events = a.events();
    a.close();
    assert_eq!(a.signaling_state(), RTCSignalingState::Closed);
    assert_eq!(a.connection_state(), RTCPeerConnectionState::Closed);
    assert_eq!(chat.ready_state(), RTCDataChannelState::Closed);
    assert_eq!(a_events.try_recv().ok().map(|_| ()), None);
    let e = block_on(a.create_offer()).unwrap_err();
    assert_eq!(e.name(), "InvalidStateError");
    assert_eq!(
        a.create_data_channel("x").unwrap_err().name(),
        "InvalidStateError"
    );
    assert_eq!(
        chat.send_text("late").unwrap_err().name(),
        "InvalidStateError"
    );
    a.close(); // twice is nothing
}

#[test]
fn calls_in_the_wrong_signaling_state_are_the_specs_errors() {
    let a = pc();
    a.create_data_channel("x").unwrap();
    // createAnswer without a remote offer.
    assert_eq!(
        block_on(a.create_answer()).unwrap_err().name(),
        "InvalidStateError"
    );
    // An answer applied in stable.
    let bogus = RTCSessionDescription::new(RTCSdpType::Answer, "v=0\r\n");
    assert_eq!(
        block_on(a.set_remote_description(bogus.clone()))
            .unwrap_err()
            .name(),
        "InvalidStateError"
    );
    assert_eq!(
        block_on(a.set_local_description(Some(bogus)))
            .unwrap_err()
            .name(),
        "InvalidStateError"
    );
    // A candidate before any remote description; one with no section is a TypeError first.
    let c = RTCIceCandidateInit {
        candidate: "candidate:1 1 udp 2130706431 127.0.0.1 9 typ host".into(),
        sdp_mid: Some("0".into()),
        ..Default::default()
    };
    assert_eq!(
        block_on(a.add_ice_candidate(Some(c.clone())))
            .unwrap_err()
            .name(),
        "InvalidStateError"
    );
    let no_section = RTCIceCandidateInit { sdp_mid: None, ..c };
    assert_eq!(
        block_on(a.add_ice_candidate(Some(no_section)))
            .unwrap_err()
            .name(),
        "TypeError"
    );
    // An offer that is not the one last created.
    let offer = block_on(a.create_offer()).unwrap();
    let edited = RTCSessionDescription::new(RTCSdpType::Offer, offer.sdp.replace("a=", "a= "));
    assert_eq!(
        block_on(a.set_local_description(Some(edited)))
            .unwrap_err()
            .name(),
        "InvalidModificationError"
    );
    assert_eq!(a.signaling_state(), RTCSignalingState::Stable);
    // Malformed SDP from the remote side: an OperationError (sdp-syntax-error), no panic.
    let b = pc();
    for garbage in ["", "hello", "v=0\r\nm=\r\n", "\u{0}\u{1}\u{2}"] {
        let e = block_on(
            b.set_remote_description(RTCSessionDescription::new(RTCSdpType::Offer, garbage)),
        )
        .unwrap_err();
        assert_eq!(e.name(), "OperationError", "{garbage:?}: {e}");
        assert_eq!(b.signaling_state(), RTCSignalingState::Stable);
    }
}

#[test]
fn dictionaries_have_the_json_shape_of_a_web_page() {
    let c = RTCConfiguration::from_json(
        r#"{"iceServers":[{"urls":"stun:127.0.0.1:3478"},{"urls":["turn:127.0.0.1"],"username":"u","credential":"p"}],"bundlePolicy":"max-bundle"}"#,
    )
    .unwrap();
    assert_eq!(c.ice_servers.len(), 2);
    assert_eq!(c.ice_servers[0].urls, ["stun:127.0.0.1:3478"]);
    assert!(RTCPeerConnection::new(c).is_ok());
    let bad = RTCConfiguration::from_json(r#"{"iceServers":[{"urls":"http://x"}]}"#).unwrap();
    assert_eq!(RTCPeerConnection::new(bad).unwrap_err().name(), "TypeError");
    let no_cred = RTCConfiguration::from_json(r#"{"iceServers":[{"urls":"turn:x"}]}"#).unwrap();
    assert_eq!(
        RTCPeerConnection::new(no_cred).unwrap_err().name(),
        "InvalidAccessError"
    );
    let d = RTCSessionDescription::from_json(r#"{"type":"pranswer"}"#).unwrap();
    assert_eq!((d.sdp_type, d.sdp.as_str()), (RTCSdpType::Pranswer, ""));
    assert_eq!(
        d.to_json(),
        serde_json::json!({"type": "pranswer", "sdp": ""})
    );
    assert_eq!(
        RTCSessionDescription::from_json(r#"{"type":"bogus","sdp":""}"#)
            .unwrap_err()
            .name(),
        "TypeError"
    );
    let i = RTCIceCandidateInit::from_json(
        r#"{"candidate":"candidate:1 1 udp 1 127.0.0.1 5000 typ host","sdpMid":"0","sdpMLineIndex":0,"usernameFragment":null}"#,
    )
    .unwrap();
    assert_eq!(
        (i.sdp_mid.as_deref(), i.sdp_m_line_index),
        (Some("0"), Some(0))
    );
    assert_eq!(
        mediacapture_webrtc::RTCIceCandidate::new(RTCIceCandidateInit::default())
            .unwrap_err()
            .name(),
        "TypeError"
    );
}

/// A deterministic xorshift, so a failure names the case that made it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Hostile SDP into setRemoteDescription: a real offer cut, with lines dropped, repeated,
/// swapped and bytes changed. Every case is Ok or an OperationError, never a panic or a hang,
/// and a failed one leaves the connection in `stable`.
#[test]
fn mangled_remote_offers_are_errors_not_panics() {
    let a = pc();
    a.create_data_channel("x").unwrap();
    let offer = block_on(a.create_offer()).unwrap().sdp;
    let lines: Vec<&str> = offer.split("\r\n").collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut accepted = 0;
    for case in 0..500 {
        let mut l: Vec<String> = lines.iter().map(|s| (*s).to_owned()).collect();
        for _ in 0..1 + rng.below(4) {
            let i = rng.below(l.len());
            match rng.below(5) {
                0 => {
                    l.remove(i);
                }
                1 => {
                    let dup = l[i].clone();
                    l.insert(rng.below(l.len()), dup);
                }
                2 => {
                    let j = rng.below(l.len());
                    l.swap(i, j);
                }
                3 => {
                    let mut b = l[i].clone().into_bytes();
                    if !b.is_empty() {
                        let k = rng.below(b.len());
                        b[k] = (rng.next() & 0x7f) as u8;
                    }
                    l[i] = String::from_utf8_lossy(&b).into_owned();
                }
                _ => {
                    let cut = rng.below(l[i].len() + 1);
                    l[i] = l[i].chars().take(cut).collect();
                }
            }
        }
        let sdp = l.join("\r\n");
        let b = pc();
        match block_on(
            b.set_remote_description(RTCSessionDescription::new(RTCSdpType::Offer, sdp.clone())),
        ) {
            Ok(()) => accepted += 1,
            Err(e) => {
                assert_eq!(e.name(), "OperationError", "case {case}: {e}\n{sdp}");
                assert_eq!(
                    b.signaling_state(),
                    RTCSignalingState::Stable,
                    "case {case}"
                );
            }
        }
    }
    // Some mutations are harmless (a repeated attribute); most are not.
    assert!(accepted < 500, "every mangled offer was accepted");
}
