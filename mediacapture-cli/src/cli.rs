//! Command-line arguments.

use clap::{Parser, Subcommand};

/// Media Capture and Streams from the shell: list devices, and run getUserMedia /
/// applyConstraints with the same JSON a web page passes.
///
/// Without real capture devices (or with --fake-devices, or MEDIACAPTURE_FAKE_DEVICES set) the
/// fake devices are used, and stderr says so.
#[derive(Debug, Parser)]
#[command(name = "mediacapture", version)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand.
#[derive(Debug, clap::Args)]
pub struct DeviceArgs {
    /// Use fake devices: a JSON configuration, or the path of a file holding one.
    /// Example: '{"videoinput":[{"label":"Cam","modes":[{"width":640,"height":480,"frameRate":30}]}]}'
    #[arg(long, value_name = "JSON-or-FILE")]
    pub fake_devices: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run getUserMedia and write what the tracks deliver: video as .y4m (I420), audio as .wav
    /// (16-bit PCM). With both kinds, OUT names the .y4m and the .wav next to it.
    Capture(CaptureArgs),
    /// Record with MediaRecorder into a WebM (VP8/VP9 + Opus) or Ogg Opus file. Each piece is
    /// written to disk as it comes, so a killed recording is still playable up to about a
    /// timeslice before the end. Ctrl-C stops and finishes the file.
    Record(RecordArgs),
    /// Take a photo with ImageCapture.takePhoto(): open the camera, let it settle, and write a
    /// PNG or JPEG. Prints the photo's size and the settings used.
    Snapshot(SnapshotArgs),
    /// List devices as enumerateDevices() does, with each input's capabilities.
    Devices {
        #[command(flatten)]
        devices: DeviceArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run getUserMedia(CONSTRAINTS) and report the tracks or the error. Exits 0 when
    /// getUserMedia resolves, 1 when it rejects.
    Probe {
        #[command(flatten)]
        devices: DeviceArgs,
        /// Then run applyConstraints(JSON) on the video track (the audio track when there is
        /// no video) and report the result.
        #[arg(long, value_name = "JSON")]
        apply: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// MediaStreamConstraints, e.g. '{"video":{"width":{"ideal":1280}},"audio":true}'.
        #[arg(value_name = "CONSTRAINTS_JSON")]
        constraints: String,
    },
}

// The arguments of `mediacapture capture` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Audio constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub audio: Option<String>,
    /// Stop after this many video frames.
    #[arg(long, value_name = "N")]
    pub frames: Option<u64>,
    /// Stop after this many seconds of media (default 5 when --frames is not given).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// Output file (.y4m for video, .wav for audio).
    #[arg(long, value_name = "PATH")]
    pub out: std::path::PathBuf,
}

// The arguments of `mediacapture record` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true). Default: camera and
    /// microphone, or the microphone alone for an audio type.
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Audio constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub audio: Option<String>,
    /// MediaRecorder mimeType, e.g. video/webm;codecs=vp9,opus (default: from OUT's
    /// extension: .ogg/.opus give audio/ogg;codecs=opus, else WebM).
    #[arg(long, value_name = "TYPE")]
    pub mime: Option<String>,
    /// Stop after this many seconds (default: at Ctrl-C or when the tracks end).
    #[arg(long, value_name = "S")]
    pub duration: Option<f64>,
    /// How often a piece of the file is written, in ms.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub timeslice: u32,
    /// The file to write.
    #[arg(value_name = "OUT")]
    pub out: std::path::PathBuf,
}

// The arguments of `mediacapture snapshot` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Photo width (PhotoSettings.imageWidth); up to the camera's current mode.
    #[arg(long, value_name = "W")]
    pub width: Option<u32>,
    /// Photo height (PhotoSettings.imageHeight).
    #[arg(long, value_name = "H")]
    pub height: Option<u32>,
    /// png or jpeg (default: from OUT's extension, else png).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Frames to let go by first, while the camera adjusts.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub settle_frames: u32,
    /// The photo file.
    #[arg(value_name = "OUT")]
    pub out: std::path::PathBuf,
}
