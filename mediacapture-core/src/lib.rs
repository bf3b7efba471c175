//! The algorithms of [Media Capture and Streams](https://w3c.github.io/mediacapture-main/),
//! free of I/O: the constraint engine and the rules around it.
//!
//! - [`fitness_distance`]: the spec's *fitness distance* of one settings dictionary against one
//!   constraint set, step by step.
//! - [`select_settings`]: the spec's *SelectSettings* over every device offered, including the
//!   crop-and-scale candidates (any size up to a native mode, any frame rate up to a native
//!   rate), with `advanced` sets, tie-breaking, and the name of the constraint that failed.
//! - [`capabilities`]: `MediaTrackCapabilities` and `MediaTrackSettings` derived from what a
//!   device can do.
//! - [`ids`]: per-origin device ids that are stable across runs, and per-instance group ids.
//!
//! The facade crate `mediacapture` runs these on behalf of `getUserMedia` and
//! `applyConstraints`; nothing here knows about threads, devices or events.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

pub mod capabilities;
mod compile;
pub mod ids;
mod select;

pub use compile::{BareValue, fitness_distance};
pub use select::{
    DeviceOffer, FailedConstraint, SELECTION_ORDER, SelectedSettings, Selection, SelectionDefaults,
    disallowed_required_constraint, select_settings,
};
