//! The dictionaries, enums and the error type of
//! [Media Capture and Streams](https://w3c.github.io/mediacapture-main/), as plain data.
//!
//! Everything here is free of I/O and of algorithms: the constraint objects a web page passes
//! (`MediaStreamConstraints`, `MediaTrackConstraints`, the `Constrain*` types), what a track
//! reports (`MediaTrackSettings`, `MediaTrackCapabilities`), the IDL enums, what a device can do
//! ([`device`]), and [`MediaStreamError`], the one error enum of the whole workspace.
//!
//! Every dictionary (de)serializes with serde in exactly the JSON shape a web page passes:
//!
//! ```
//! use mediacapture_types::MediaStreamConstraints;
//! let c = MediaStreamConstraints::from_json(
//!     r#"{"video":{"width":{"ideal":1280},"frameRate":30,"facingMode":{"exact":["user","environment"]}},"audio":true}"#,
//! )?;
//! assert!(c.audio.is_requested());
//! assert_eq!(
//!     serde_json::to_value(&c).unwrap(),
//!     serde_json::json!({"audio":true,"video":{"facingMode":{"exact":["user","environment"]},"frameRate":30,"width":{"ideal":1280}}}),
//! );
//! # Ok::<(), mediacapture_types::MediaStreamError>(())
//! ```
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod blob;
mod capabilities;
mod constrain;
mod constraints;
pub mod device;
mod enums;
mod error;
mod events;
mod image_capture;
mod json;
mod settings;
mod supported;

pub use blob::Blob;
pub use capabilities::*;
pub use constrain::*;
pub use constraints::*;
pub use enums::*;
pub use error::*;
pub use events::TrackEvent;
pub use image_capture::*;
pub use json::parse_json;
pub use settings::*;
pub use supported::*;

/// The base URL of the Media Capture and Streams editor's draft, for links in messages.
pub const SPEC_URL: &str = "https://w3c.github.io/mediacapture-main/";

/// The JSON a web page would see for a dictionary (`JSON.stringify` of it).
pub trait ToJson: serde::Serialize {
    /// This dictionary as the JSON text a web page would get from `JSON.stringify`.
    ///
    /// ```
    /// use mediacapture_types::{MediaTrackSettings, ToJson};
    /// let mut s = MediaTrackSettings::default();
    /// s.width = Some(1280);
    /// assert_eq!(s.to_json(), r#"{"width":1280}"#);
    /// ```
    fn to_json(&self) -> String {
        // These dictionaries have string keys and finite numbers only: serializing cannot
        // fail, and an empty object stands in should it ever.
        serde_json::to_string(self).unwrap_or_else(|_| "{}".into())
    }
}

impl ToJson for MediaTrackSettings {}
impl ToJson for MediaTrackCapabilities {}
impl ToJson for MediaTrackConstraints {}
impl ToJson for MediaStreamConstraints {}
impl ToJson for MediaTrackSupportedConstraints {}
impl ToJson for PhotoSettings {}
impl ToJson for PhotoCapabilities {}
