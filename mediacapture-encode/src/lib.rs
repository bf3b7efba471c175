//! Encode once: one encoder per (track, codec, parameters), shared by every consumer of the
//! encoded track.
//!
//! A `MediaRecorder`, a WebRTC sender, a second recorder with the same settings: each asks
//! [`subscribe`] for a track's chunks in a configuration ([`EncoderConfig`]), and every
//! consumer of equal configurations shares one encoder, started by the first subscription
//! and stopped with the last. The encoded chunks (with their keyframe flags and timestamps on
//! the track's clock) fan out over one bounded queue per consumer; any consumer can ask for a
//! keyframe, which every consumer gets; a consumer that falls behind loses chunks (counted)
//! up to the next keyframe, never slowing the encoder or the others.
//!
//! Not part of any W3C spec: the layer between the tracks of
//! [Media Capture and Streams](https://w3c.github.io/mediacapture-main/) and the
//! specs that consume them encoded ([MediaStream Recording](https://w3c.github.io/mediacapture-record/),
//! [WebRTC](https://w3c.github.io/webrtc-pc/)). Built on `mediacapture-main`'s public API
//! (an encoder reads its track through a `MediaStreamTrackProcessor`) and its
//! [`ext`](mediacapture_main::ext) seam; the encoders are `mediacapture-codecs`'.
//!
//! ```
//! use mediacapture_encode::{EncoderConfig, KeyFramePolicy, VideoEncoderConfig, subscribe};
//! use mediacapture_main::{VideoFrame, VideoPixelFormat, VideoTrackGenerator};
//! use std::time::Duration;
//!
//! let generator = VideoTrackGenerator::new();
//! let config = EncoderConfig::Video(VideoEncoderConfig {
//!     codec: mediacapture_codecs::VideoCodec::Vp8,
//!     bits_per_second: 500_000,
//!     key_frames: KeyFramePolicy::OnRequest,
//! });
//! let a = subscribe(generator.track(), &config, 30)?;
//! let b = subscribe(generator.track(), &config, 30)?;
//! let frame = VideoFrame::new(VideoPixelFormat::Rgba, 64, 48, 0, vec![128u8; 64 * 48 * 4])?;
//! generator.write(&frame)?;
//! let wait = Duration::from_secs(5);
//! let (ca, cb) = (a.recv_timeout(wait), b.recv_timeout(wait));
//! let (ca, cb) = (ca.expect("a chunk"), cb.expect("a chunk"));
//! assert!(ca.key && std::sync::Arc::ptr_eq(&ca, &cb)); // one chunk, encoded once
//! assert_eq!(a.encoder_info().frames_encoded, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! - `config.rs`: [`EncoderConfig`] and its parts;
//! - `registry.rs`: the running encoders, [`subscribe`], [`running_encoders`];
//! - `encoder.rs`: a shared encoder and its thread;
//! - `codec.rs`: libvpx and libopus as the thread drives them;
//! - `subscription.rs`: a consumer's end, [`EncodedSubscription`];
//! - `chunk.rs`: what it receives, [`Encoded`].
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod chunk;
mod codec;
mod config;
mod encoder;
mod registry;
mod subscription;

pub use chunk::Encoded;
pub use config::{AudioEncoderConfig, EncoderConfig, KeyFramePolicy, VideoEncoderConfig};
pub use encoder::{EncoderInfo, SubscriptionEnd};
pub use mediacapture_codecs::{EncodedChunk, TrackInfo, VideoCodec};
pub use registry::{AUDIO_FRAME_QUEUE, VIDEO_FRAME_QUEUE, running_encoders, subscribe};
pub use subscription::{EncodedSubscription, PauseHandle};
