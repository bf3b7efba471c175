//! Debian's chromium, headless, as the remote peer: it answers our offer, connects over
//! 127.0.0.1 (ICE, DTLS, SCTP between two independent stacks) and echoes what we send on a
//! data channel. The browser is driven by `tests/browser/peer.mjs` (playwright-core, which
//! `scripts/setup.sh` installs with the `chromium` package); every wait is bounded and the
//! browser is killed however the test ends. The test runs in a private network namespace
//! that has only loopback (the test binary runs itself again under `unshare --net`), so no
//! peer can use an address other than 127.0.0.1.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // A test that cannot go on stops.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use mediacapture_main::block_on;
use mediacapture_webrtc::{
    RTCConfiguration, RTCDataChannelEvent, RTCDataChannelMessage, RTCPeerConnection,
    RTCPeerConnectionEvent, RTCPeerConnectionState, RTCSdpType, RTCSessionDescription,
};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);
const IN_NETNS: &str = "MEDIACAPTURE_TEST_NETNS";

/// Whether to run the test's body here: true inside the private network namespace; outside
/// it, runs `test` of this binary again inside one (only `lo`, up) and checks that it passed.
fn inside_private_netns(test: &str) -> bool {
    if std::env::var_os(IN_NETNS).is_some() {
        return true;
    }
    let exe = std::env::current_exe().unwrap();
    let status = Command::new("unshare")
        .args([
            "--net",
            "sh",
            "-c",
            "ip link set lo up && exec \"$0\" \"$@\"",
        ])
        .arg(&exe)
        .args(["--exact", test, "--nocapture", "--test-threads=1"])
        .env(IN_NETNS, "1")
        .status()
        .expect("cannot run unshare (util-linux) to make a private network namespace");
    assert!(
        status.success(),
        "{test} failed in its network namespace: {status}"
    );
    false
}

/// The browser process and its line protocol.
struct Browser {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<Value>,
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ask it to close the browser; after 5 s, kill it (chromium ends with its pipe).
        let _ = writeln!(self.stdin, "{}", json!({"quit": true}));
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Browser {
    fn start() -> Browser {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
        assert!(
            dir.join("node_modules/playwright-core").is_dir(),
            "playwright-core is not installed in {}: run scripts/setup.sh",
            dir.display()
        );
        let mut child = Command::new("node")
            .arg(dir.join("peer.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot run node (scripts/setup.sh installs what the tests need)");
        let stdout = child.stdout.take().unwrap();
        let stdin = child.stdin.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let value = serde_json::from_str(&line)
                    .unwrap_or_else(|_| json!({"error": format!("not JSON: {line}")}));
                if tx.send(value).is_err() {
                    break;
                }
            }
        });
        let mut browser = Browser {
            child,
            stdin,
            lines,
        };
        // Ready means exactly {"ready":true}.
        browser.expect("the browser to start", |v| *v == json!({"ready": true}));
        browser
    }

    fn send(&mut self, v: Value) {
        writeln!(self.stdin, "{v}").expect("the browser's stdin is closed");
    }

    /// The next line `want` accepts (others are skipped); a line with `error` fails the test.
    fn expect(&mut self, what: &str, want: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(v) if v.get("error").is_some() => panic!("the browser failed: {}", v["error"]),
                Ok(v) if want(&v) => return v,
                Ok(_) => {}
                Err(e) => panic!("waited {WAIT:?} for {what}: {e}"),
            }
        }
    }
}

fn wait_for<E: std::fmt::Debug>(
    events: &mediacapture_main::EventSubscription<E>,
    what: &str,
    want: impl Fn(&E) -> bool,
) -> E {
    let deadline = Instant::now() + WAIT;
    loop {
        match events.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(e) if want(&e) => return e,
            Ok(_) => {}
            Err(e) => panic!("waited {WAIT:?} for {what}: {e:?}"),
        }
    }
}

#[test]
fn chromium_answers_our_offer_and_echoes_on_a_data_channel() {
    if !inside_private_netns("chromium_answers_our_offer_and_echoes_on_a_data_channel") {
        return;
    }
    let mut browser = Browser::start();
    let pc = RTCPeerConnection::new(RTCConfiguration::default()).unwrap();
    let events = pc.events();
    let chat = pc.create_data_channel("chat").unwrap();
    let chat_events = chat.events();
    block_on(pc.set_local_description(None)).unwrap();
    // Gathering is done once the local description is set: the offer carries the candidate.
    wait_for(&events, "our null candidate", |e| {
        matches!(e, RTCPeerConnectionEvent::IceCandidate(None))
    });
    let offer = pc.local_description().unwrap();
    assert!(offer.sdp.contains("127.0.0.1"), "{}", offer.sdp);
    browser.send(json!({"offer": offer.sdp}));
    let answer = browser.expect("Chromium's answer", |v| v.get("answer").is_some());
    let answer = answer["answer"].as_str().unwrap().to_owned();
    block_on(pc.set_remote_description(RTCSessionDescription::new(RTCSdpType::Answer, answer)))
        .unwrap();

    wait_for(&events, "our connectionState connected", |e| {
        matches!(
            e,
            RTCPeerConnectionEvent::ConnectionStateChange(RTCPeerConnectionState::Connected)
        )
    });
    browser.expect("Chromium's connectionState connected", |v| {
        v["event"]["connectionState"] == "connected"
    });
    wait_for(&chat_events, "our channel to open", |e| {
        *e == RTCDataChannelEvent::Open
    });
    browser.expect("Chromium's channel to open", |v| {
        v["event"]["open"] == "chat"
    });

    chat.send_text("hello").unwrap();
    browser.expect("Chromium to get our text", |v| {
        v["event"]["message"] == "hello"
    });
    let echo = wait_for(&chat_events, "Chromium's echo", |e| {
        matches!(e, RTCDataChannelEvent::Message(_))
    });
    assert_eq!(
        echo,
        RTCDataChannelEvent::Message(RTCDataChannelMessage::Text("echo:hello".into()))
    );
    chat.send_binary(&[0, 7, 255]).unwrap();
    browser.expect("Chromium to get our bytes", |v| {
        v["event"]["message"] == "binary:0,7,255"
    });
    pc.close();
}
