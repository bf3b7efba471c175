//! Fake backend. Always compiled, on every platform.
//!
//! Fake devices are what tests, CI and machines without hardware capture from. They are
//! configured by JSON ([`FakeDevicesConfig`]), from the API, the CLI's `--fake-devices`, or
//! the `MEDIACAPTURE_FAKE_DEVICES` environment variable, and behave like real devices through
//! the same seam: they enumerate, open (or fail to open: permission denied, busy, gone), start,
//! mute and unmute, end, appear and disappear.
//!
//! Faults can be scripted in the configuration (times in milliseconds) or driven from code
//! through the backend's methods ([`FakeBackend::remove_device`], [`FakeBackend::set_muted`],
//! …), which is how deterministic tests use it.
//!
//! # Threads
//! One scheduler thread per backend runs the timed scripts and delivers `Started` right after
//! an open. It exists only while something is scheduled, and ends when the backend is dropped.
//! Sinks and observers are always called with no lock held.
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod backend;
mod capture;
mod config;
mod file;
pub mod pattern;
mod scheduler;
mod state;

pub use backend::{BACKEND_NAME, FakeBackend};
pub use config::{FakeConfigError, FakeDevicesConfig};
