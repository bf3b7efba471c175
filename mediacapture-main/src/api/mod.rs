//! The spec's interfaces, one file each.
//!
//! Each file holds the type, its `impl`, its `Drop`, then private helpers.

pub mod audio_track_generator;
pub mod events;
pub mod media_device_info;
pub mod media_devices;
pub mod media_stream;
pub mod media_stream_track;
pub mod media_stream_track_processor;
pub mod video_track_generator;
