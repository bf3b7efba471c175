//! Command-line arguments.

use std::path::PathBuf;

use clap::{Parser, Subcommand};

/// Media Capture and Streams from the shell: list devices, run getUserMedia /
/// applyConstraints with the same JSON a web page passes, record, capture and photograph.
///
/// Without real capture devices (or with --fake-devices, MEDIACAPTURE_FAKE_DEVICES or
/// MEDIACAPTURE_BACKENDS=fake) the fake devices are used, and stderr says so.
///
/// Exit status: 0 on success; 1 when getUserMedia, applyConstraints or a recording fails (a
/// recorded track that ends early included); 2 for a usage or input error (bad arguments,
/// malformed JSON, an unsupported type, an output that exists or cannot be written).
#[derive(Debug, Parser)]
#[command(name = "mediacapture", version)]
pub struct Cli {
    /// Show the library's log on stderr: -v info, -vv debug, -vvv trace (RUST_LOG, when set,
    /// decides instead).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    #[command(subcommand)]
    pub command: Command,
}

/// Options shared by every subcommand that opens devices.
#[derive(Debug, clap::Args)]
pub struct DeviceArgs {
    /// Use fake devices: a JSON configuration, or the path of a file holding one.
    /// Example: '{"videoinput":[{"label":"Cam","modes":[{"width":640,"height":480,"frameRate":30}]}]}'
    #[arg(long, value_name = "JSON-or-FILE")]
    pub fake_devices: Option<String>,
}

/// Which camera or microphone to open, and where the result goes.
#[derive(Debug, clap::Args)]
pub struct SelectArgs {
    /// A camera or microphone to use, by deviceId or label (exact, else a unique part of it,
    /// ignoring case). Give it once per kind; it adds `"deviceId":{"exact":…}` to that kind's
    /// constraints.
    #[arg(long = "device", value_name = "LABEL-or-ID")]
    pub devices: Vec<String>,
    /// Overwrite the output if it exists (else an existing output is refused).
    #[arg(short = 'y', long = "overwrite")]
    pub overwrite: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run getUserMedia and write what the tracks deliver: video as .y4m (I420), audio as .wav
    /// (16-bit PCM). With both kinds, OUT names the .y4m and the .wav next to it. `--out -`
    /// writes the one kind asked for to stdout.
    Capture(CaptureArgs),
    /// Record with MediaRecorder into a WebM (VP8/VP9 + Opus) or Ogg Opus file, or to stdout
    /// (`-`). Each piece is written as it comes, so a killed recording is still playable up to
    /// about a timeslice before the end; a file that is stopped (duration, Ctrl-C, the tracks
    /// ending) gets its duration and seek index. Ctrl-C stops and finishes the file.
    Record(RecordArgs),
    /// Take a photo with ImageCapture.takePhoto(): open the camera, let it settle, and write a
    /// PNG or JPEG (to stdout for `-`). Prints the photo's size and the settings used.
    Snapshot(SnapshotArgs),
    /// List devices as enumerateDevices() does, with each input's capabilities.
    Devices {
        #[command(flatten)]
        devices: DeviceArgs,
        /// Also each camera's native modes and pixel formats.
        #[arg(long)]
        modes: bool,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run getUserMedia(CONSTRAINTS) and report the tracks or the error. Exits 0 when
    /// getUserMedia resolves, 1 when it rejects, 2 when CONSTRAINTS is not valid.
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
    /// List the types `record --mime` accepts (what MediaRecorder.isTypeSupported() accepts)
    /// and the photo types of `snapshot`.
    Types {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a shell completion script, e.g. `mediacapture completions bash >
    /// ~/.local/share/bash-completion/completions/mediacapture`.
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
}

// The arguments of `mediacapture capture` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Audio constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub audio: Option<String>,
    /// Stop after this many video frames (with --video).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub frames: Option<u64>,
    /// Stop after this many seconds of media (default 5 when --frames is not given).
    #[arg(long, value_name = "S", value_parser = seconds)]
    pub duration: Option<f64>,
    /// Output file (.y4m for video, .wav for audio), or - for stdout.
    #[arg(long, value_name = "PATH")]
    pub out: PathBuf,
}

// The arguments of `mediacapture record` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true). Default: camera and
    /// microphone, or the microphone alone for an audio type.
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Audio constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub audio: Option<String>,
    /// MediaRecorder mimeType, e.g. video/webm;codecs=vp9,opus (`mediacapture types` lists
    /// them). Default: from OUT's extension (.webm: WebM; .ogg, .opus: Ogg Opus; .weba: audio
    /// WebM); an extension that names another format is refused unless --mime is given.
    #[arg(long, value_name = "TYPE")]
    pub mime: Option<String>,
    /// MediaRecorderOptions.videoBitsPerSecond (default 2500000).
    #[arg(long, value_name = "BPS")]
    pub video_bits_per_second: Option<u32>,
    /// MediaRecorderOptions.audioBitsPerSecond (default 128000).
    #[arg(long, value_name = "BPS")]
    pub audio_bits_per_second: Option<u32>,
    /// MediaRecorderOptions.bitsPerSecond: audio and video together (the recorder splits it;
    /// the two options above win over it).
    #[arg(long, value_name = "BPS")]
    pub bits_per_second: Option<u32>,
    /// MediaRecorderOptions.videoKeyFrameIntervalDuration: a keyframe at least this often, in
    /// ms (default 3333: 100 frames at 30 fps, as a browser does).
    #[arg(long, value_name = "MS", conflicts_with = "key_frame_count", value_parser = seconds)]
    pub key_frame_interval: Option<f64>,
    /// MediaRecorderOptions.videoKeyFrameIntervalCount: a keyframe every N frames.
    #[arg(long, value_name = "N")]
    pub key_frame_count: Option<u32>,
    /// Stop after this many seconds (default: at Ctrl-C, SIGTERM or when the tracks end).
    #[arg(long, value_name = "S", value_parser = seconds)]
    pub duration: Option<f64>,
    /// How often a piece of the file is written, in ms.
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub timeslice: u32,
    /// The file to write, or - for stdout.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

// The arguments of `mediacapture snapshot` (documented on the variant).
#[derive(Debug, clap::Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub devices: DeviceArgs,
    #[command(flatten)]
    pub select: SelectArgs,
    /// Video constraints (MediaTrackConstraints JSON, or true).
    #[arg(long, value_name = "JSON")]
    pub video: Option<String>,
    /// Photo width (PhotoSettings.imageWidth); up to the camera's current mode.
    #[arg(long, value_name = "W")]
    pub width: Option<u32>,
    /// Photo height (PhotoSettings.imageHeight).
    #[arg(long, value_name = "H")]
    pub height: Option<u32>,
    /// png or jpeg (default: from OUT's extension, .png, .jpg or .jpeg; PNG for stdout).
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<String>,
    /// Frames to let go by first, while the camera adjusts.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub settle_frames: u32,
    /// The photo file, or - for stdout.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
}

/// The longest duration accepted: a year.
const MAX_SECONDS: f64 = 365.0 * 24.0 * 3600.0;

/// A duration: a finite number greater than 0 (and at most a year).
fn seconds(text: &str) -> Result<f64, String> {
    let v: f64 = text
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a number"))?;
    if v.is_finite() && v > 0.0 && v <= MAX_SECONDS {
        Ok(v)
    } else {
        Err(format!(
            "{text:?} must be a number greater than 0 and at most {MAX_SECONDS}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_finite_and_positive() {
        assert_eq!(seconds("2.5"), Ok(2.5));
        for bad in ["NaN", "inf", "-1", "0", "1e300", "two"] {
            assert!(seconds(bad).is_err(), "{bad}");
        }
    }
}
