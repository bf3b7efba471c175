//! `MediaRecorder`'s engine: one controller thread per recording, and one forwarding thread
//! per recorded track; the encoders are shared (`mediacapture-encode`).
//!
//! ```text
//! track ─▶ shared encoder (mediacapture-encode: one per track and configuration, whatever
//!          │ the number of recorders; VP8/VP9 or Opus)
//!          ▼ EncodedSubscription (bounded: ~1 s of chunks; drops counted, then up to a keyframe)
//!        forwarder thread: pause → drop; timestamps → the recording's timeline
//!          ▼
//!        sync_channel (bounded) ─▶ controller thread: commands (pause, resume, requestData,
//!                                  stop) in call order; chunks interleaved by timestamp
//!                                  into the live WebM/Ogg writer; timeslices; every event
//! ```
//!
//! Every event of a recording comes from its controller thread, in the order the spec's task
//! queue would give; a new recording's controller first waits for the previous one to finish,
//! so `stop` of one recording always comes before `start` of the next.
//!
//! - `state.rs`: what the handle, the controller and the encoders share;
//! - `clock.rs`: the recording's timeline;
//! - `encoders.rs`: the recording's subscriptions to its tracks' shared encoders;
//! - `controller.rs`: the controller thread;
//! - `forward.rs`: the forwarding threads.

pub(crate) mod clock;
pub(crate) mod controller;
pub(crate) mod encoders;
pub(crate) mod forward;
pub(crate) mod state;
