//! `RTCDataChannel`: messages over SCTP on the connection's DTLS transport.

use std::sync::{Arc, Mutex};

use mediacapture_main::EventSubscription;
use mediacapture_main::ext::EventBus;
use mediacapture_types::MediaStreamError;
use serde::{Deserialize, Serialize};

/// How a data channel reaches its connection's stack (the connection implements it).
pub(crate) trait ChannelTransport: Send + Sync {
    fn send(
        &self,
        id: rtc::data_channel::RTCDataChannelId,
        message: RTCDataChannelMessage,
    ) -> Result<(), MediaStreamError>;
    fn close_channel(&self, id: rtc::data_channel::RTCDataChannelId);
}

/// A data channel's state.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#dom-rtcdatachannelstate>
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RTCDataChannelState {
    /// Not open yet.
    Connecting,
    /// Messages flow.
    Open,
    /// Closing.
    Closing,
    /// Closed.
    Closed,
}

/// A message received on a data channel: `MessageEvent.data`, a string or bytes.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#event-datachannel-message>
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RTCDataChannelMessage {
    /// A text message.
    Text(String),
    /// A binary message.
    Binary(Vec<u8>),
}

/// What a data channel fires.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#rtcdatachannel>
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RTCDataChannelEvent {
    /// `open`.
    Open,
    /// `message`.
    Message(RTCDataChannelMessage),
    /// `closing`.
    Closing,
    /// `close`.
    Close,
    /// `error`.
    Error,
}

pub(crate) struct ChannelShared {
    pub(crate) id: rtc::data_channel::RTCDataChannelId,
    pub(crate) label: String,
    pub(crate) state: Mutex<RTCDataChannelState>,
    pub(crate) events: EventBus<RTCDataChannelEvent>,
}

impl ChannelShared {
    pub(crate) fn new(id: rtc::data_channel::RTCDataChannelId, label: String) -> Arc<Self> {
        Arc::new(ChannelShared {
            id,
            label,
            state: Mutex::new(RTCDataChannelState::Connecting),
            events: EventBus::retaining(),
        })
    }

    pub(crate) fn set_state(&self, s: RTCDataChannelState) {
        *self.state.lock().unwrap_or_else(|e| e.into_inner()) = s;
    }
}

/// A bidirectional message channel of an `RTCPeerConnection`.
///
/// Spec: <https://w3c.github.io/webrtc-pc/#rtcdatachannel>
#[derive(Clone)]
pub struct RTCDataChannel {
    pub(crate) channel: Arc<ChannelShared>,
    pub(crate) transport: Arc<dyn ChannelTransport>,
}

impl std::fmt::Debug for RTCDataChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RTCDataChannel")
            .field("label", &self.channel.label)
            .field("ready_state", &self.ready_state())
            .finish()
    }
}

impl RTCDataChannel {
    /// `label`.
    pub fn label(&self) -> &str {
        &self.channel.label
    }

    /// `readyState`.
    #[doc(alias = "readyState")]
    pub fn ready_state(&self) -> RTCDataChannelState {
        *self.channel.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The channel's events from now on (`open` and any earlier events are kept for the first
    /// subscriber, so none is missed between creation and subscribing).
    pub fn events(&self) -> EventSubscription<RTCDataChannelEvent> {
        self.channel.events.subscribe(256)
    }

    /// `send(data)` of a string.
    ///
    /// # Errors
    /// `InvalidStateError` unless the channel is open; `OperationError` if the transport
    /// refuses the message.
    pub fn send_text(&self, text: &str) -> Result<(), MediaStreamError> {
        self.send(RTCDataChannelMessage::Text(text.to_owned()))
    }

    /// `send(data)` of bytes.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_binary(&self, data: &[u8]) -> Result<(), MediaStreamError> {
        self.send(RTCDataChannelMessage::Binary(data.to_vec()))
    }

    fn send(&self, message: RTCDataChannelMessage) -> Result<(), MediaStreamError> {
        // Step 1: not open → InvalidStateError.
        if self.ready_state() != RTCDataChannelState::Open {
            return Err(MediaStreamError::invalid_state(format!(
                "the data channel {:?} is not open",
                self.channel.label
            )));
        }
        self.transport.send(self.channel.id, message)
    }

    /// `close()`.
    pub fn close(&self) {
        self.transport.close_channel(self.channel.id);
    }
}
