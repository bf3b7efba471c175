//! The engine under the interfaces: what a track is made of and how its media and events
//! move. Nothing here imports `api/` (`scripts/check-imports.py` checks it); the interfaces in
//! `api/` are built on these parts.
//!
//! - [`bus`]: the bounded fan-out queue of every event target and frame reader.
//! - [`context`]: the state one `MediaDevices` shares with its tracks: devices, sources, slots.
//! - [`source`]: a source's lifecycle (one `start_source`) and the one mapping of a backend's
//!   refusal to the spec's errors.
//! - [`media`]: a track's media path (crop-and-scale, resample, enable/mute, its readers).

pub(crate) mod bus;
pub(crate) mod context;
pub(crate) mod media;
pub(crate) mod source;
