//! `MediaRecorder`'s engine: one controller thread per recording, and one encoder thread per
//! recorded track.
//!
//! ```text
//! track ─▶ MediaStreamTrackProcessor (bounded: 1 s; drops oldest, counted)
//!            │ encoder thread: pause → drop; timestamps → the recording's timeline;
//!            │ VP8/VP9 (libvpx) or Opus (libopus, after remix/resample when needed)
//!            ▼
//!         sync_channel (bounded) ─▶ controller thread: commands (pause, resume, requestData,
//!                                   stop) in call order; chunks interleaved by timestamp
//!                                   into the live WebM/Ogg writer; timeslices; every event
//! ```
//!
//! Every event of a recording comes from its controller thread, in the order the spec's task
//! queue would give; a new recording's controller first waits for the previous one to finish,
//! so `stop` of one recording always comes before `start` of the next.
//!
//! - `state.rs`: what the handle, the controller and the encoders share;
//! - `clock.rs`: the recording's timeline;
//! - `controller.rs`: the controller thread;
//! - `worker.rs`: the encoder threads.

pub(crate) mod clock;
pub(crate) mod controller;
pub(crate) mod state;
pub(crate) mod worker;
