//! `mediacapture`: a thin command-line consumer of the `mediacapture` crate.
//!
//! Media goes to stdout only when asked (`-`); everything for people goes to stderr. Exit
//! status: 0 success, 1 a media failure, 2 a usage or input error (see [`error::Failure`]).

mod capture;
mod cli;
mod error;
mod human;
mod output;
mod record;
mod report;
mod select;
mod snapshot;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use clap::{CommandFactory, Parser};
use mediacapture::{
    FakeBackend, FakeDevicesConfig, MediaDevices, MediaRecorder, MediaStreamConstraints,
    MediaTrackConstraints, PHOTO_TYPES, SUPPORTED_TYPES, block_on, platform,
};

use cli::{Cli, Command, DeviceArgs, SelectArgs};
use error::Failure;

/// Opens the devices the arguments ask for, saying on stderr when they are fake.
fn media_devices(args: &DeviceArgs) -> Result<MediaDevices, Failure> {
    if let Some(arg) = &args.fake_devices {
        let config = FakeDevicesConfig::from_json_or_file(arg)
            .map_err(|e| Failure::usage(format!("--fake-devices: {e}")))?;
        eprintln!("mediacapture: using the fake devices given by --fake-devices");
        return MediaDevices::builder()
            .backend(FakeBackend::new(config))
            .build()
            .map_err(|e| Failure::failed(e.to_string()));
    }
    let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
    // A malformed environment value is the caller's input.
    let md = MediaDevices::new().map_err(|e| match e.name() {
        "TypeError" => Failure::usage(e.to_string()),
        _ => Failure::failed(e.to_string()),
    })?;
    // What chose the fake devices, if anything did.
    let mut chosen_by = Vec::new();
    if set(platform::FAKE_DEVICES_ENV) {
        chosen_by.push(platform::FAKE_DEVICES_ENV.to_owned());
    }
    if platform::backends_from_env()
        .ok()
        .flatten()
        .is_some_and(|b| b == [platform::BackendId::Fake])
    {
        chosen_by.push(format!("{}=fake", platform::BACKENDS_ENV));
    }
    if !chosen_by.is_empty() {
        eprintln!(
            "mediacapture: using the fake devices ({})",
            chosen_by.join(", ")
        );
        return Ok(md);
    }
    // Speakers alone capture nothing: without a camera or microphone, the fake ones.
    let inputs = block_on(md.enumerate_devices())
        .iter()
        .any(|d| d.kind() != mediacapture::MediaDeviceKind::AudioOutput);
    if !inputs {
        eprintln!(
            "mediacapture: no capture devices found; using the fake devices (set {}=fake to \
             choose them)",
            platform::BACKENDS_ENV
        );
        return MediaDevices::builder()
            .fake_default_devices()
            .build()
            .map_err(|e| Failure::failed(e.to_string()));
    }
    Ok(md)
}

/// Runs getUserMedia for the given kinds (each constraint JSON, or nothing for that kind),
/// after `--device` has put its deviceIds in.
fn get_user_media(
    md: &MediaDevices,
    select: &SelectArgs,
    mut video: Option<String>,
    mut audio: Option<String>,
) -> Result<mediacapture::MediaStream, Failure> {
    if !select.devices.is_empty() {
        let list = block_on(md.enumerate_devices());
        select::apply(&list, &select.devices, &mut video, &mut audio)?;
    }
    let json = format!(
        r#"{{"video":{},"audio":{}}}"#,
        video.as_deref().unwrap_or("false"),
        audio.as_deref().unwrap_or("false")
    );
    let constraints = MediaStreamConstraints::from_json(&json)
        .map_err(|e| Failure::usage(format!("bad constraints: {e}")))?;
    block_on(md.get_user_media(constraints))
        .map_err(|e| Failure::from_rejection("getUserMedia", &e))
}

/// Prints a summary for people (stderr: stdout may be carrying the media).
fn summary(lines: &[String]) {
    for l in lines {
        eprintln!("{l}");
    }
}

fn print_json(v: &serde_json::Value) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("mediacapture: cannot print JSON: {e}"),
    }
}

/// Starts the logger: RUST_LOG when set, else warnings, or more with each `-v`.
fn init_log(verbose: u8) {
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    let env = env_logger::Env::default().default_filter_or(level);
    let _ = env_logger::Builder::from_env(env)
        .format_timestamp_millis()
        .try_init();
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Capture(args) => {
            let lines = capture::run(args)?;
            summary(&lines);
            Ok(())
        }
        Command::Record(args) => {
            // Ctrl-C: the first stops the recording cleanly, a second leaves at once.
            let interrupts = Arc::new(AtomicU32::new(0));
            let counter = Arc::clone(&interrupts);
            ctrlc::set_handler(move || {
                counter.fetch_add(1, Ordering::Relaxed);
            })
            .map_err(|e| Failure::failed(format!("cannot handle Ctrl-C: {e}")))?;
            record::run(args, &interrupts)
        }
        Command::Snapshot(args) => {
            let lines = snapshot::run(args)?;
            summary(&lines);
            Ok(())
        }
        Command::Devices {
            devices,
            modes,
            json,
        } => {
            let md = media_devices(&devices)?;
            let list = block_on(md.enumerate_devices());
            if json {
                print_json(&report::devices(&list, modes));
            } else {
                print!("{}", human::devices(&list, modes));
            }
            Ok(())
        }
        Command::Types { json } => {
            let video: Vec<&str> = SUPPORTED_TYPES
                .iter()
                .copied()
                .filter(|t| MediaRecorder::is_type_supported(t))
                .collect();
            if json {
                print_json(&serde_json::json!({"record": video, "snapshot": PHOTO_TYPES}));
            } else {
                println!("record --mime (MediaRecorder.isTypeSupported):");
                for t in video {
                    println!("  {t}");
                }
                println!("snapshot (ImageCapture.takePhoto):");
                for t in PHOTO_TYPES {
                    println!("  {t}");
                }
            }
            Ok(())
        }
        Command::Completions { shell } => {
            clap_complete::generate(
                shell,
                &mut Cli::command(),
                "mediacapture",
                &mut std::io::stdout(),
            );
            Ok(())
        }
        Command::Probe {
            devices,
            apply,
            json,
            constraints,
        } => probe(&devices, apply, json, &constraints),
    }
}

/// `probe`: getUserMedia, maybe applyConstraints, and the report. Malformed JSON is a usage
/// error (2), a rejection a failure (1), reported on stdout as a page would see it.
fn probe(
    devices: &DeviceArgs,
    apply: Option<String>,
    json: bool,
    constraints: &str,
) -> Result<(), Failure> {
    let report_rejection = |what: &str, e: &mediacapture::MediaStreamError| {
        if json {
            print_json(&report::rejected(e));
        } else {
            print!("{}", human::error(what, e));
        }
    };
    // Parsed before any device opens: a malformed request is refused as such.
    let constraints = match MediaStreamConstraints::from_json(constraints) {
        Ok(c) => c,
        Err(e) => {
            report_rejection("getUserMedia", &e);
            return Err(Failure::usage(format!("CONSTRAINTS_JSON: {e}")));
        }
    };
    let apply = match apply
        .as_deref()
        .map(MediaTrackConstraints::from_json)
        .transpose()
    {
        Ok(a) => a,
        Err(e) => return Err(Failure::usage(format!("--apply: {e}"))),
    };
    let md = media_devices(devices)?;
    let stream = match block_on(md.get_user_media(constraints)) {
        Ok(s) => s,
        Err(e) => {
            report_rejection("getUserMedia", &e);
            return Err(Failure::from_rejection("getUserMedia", &e));
        }
    };
    let applied = apply.map(|c| {
        // The video track when there is one, else the audio track.
        let track = stream
            .get_video_tracks()
            .into_iter()
            .chain(stream.get_audio_tracks())
            .next();
        match track {
            Some(t) => block_on(t.apply_constraints(c)),
            None => Ok(()),
        }
    });
    if json {
        let mut v = report::resolved(&stream);
        if let Some(r) = &applied {
            v["apply"] = report::apply_result(r);
        }
        print_json(&v);
    } else {
        print!("{}", human::resolved(&stream));
        match &applied {
            Some(Ok(())) => println!("applyConstraints resolved"),
            Some(Err(e)) => print!("{}", human::error("applyConstraints", e)),
            None => {}
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse(); // usage errors: clap prints them and exits 2
    init_log(cli.verbose);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("mediacapture: {failure}");
            failure.exit_code()
        }
    }
}
