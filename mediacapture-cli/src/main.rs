//! `mediacapture`: a thin command-line consumer of the `mediacapture` crate.

mod capture;
mod cli;
mod human;
mod record;
mod report;
mod snapshot;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use clap::Parser;
use mediacapture::{
    FakeBackend, FakeDevicesConfig, MediaDevices, MediaStreamConstraints, MediaTrackConstraints,
    block_on, platform,
};

use cli::{Cli, Command, DeviceArgs};

/// Opens the devices the arguments ask for, saying on stderr when they are fake.
fn media_devices(args: &DeviceArgs) -> Result<MediaDevices, String> {
    if let Some(arg) = &args.fake_devices {
        let config = FakeDevicesConfig::from_json_or_file(arg).map_err(|e| e.to_string())?;
        eprintln!("mediacapture: using the fake devices given by --fake-devices");
        return MediaDevices::builder()
            .backend(FakeBackend::new(config))
            .build()
            .map_err(|e| e.to_string());
    }
    let from_env = std::env::var(platform::FAKE_DEVICES_ENV).is_ok_and(|v| !v.trim().is_empty());
    let md = MediaDevices::new().map_err(|e| e.to_string())?;
    if from_env {
        eprintln!(
            "mediacapture: using the fake devices given by {}",
            platform::FAKE_DEVICES_ENV
        );
        return Ok(md);
    }
    // Speakers alone capture nothing: without a camera or microphone, the fake ones.
    let inputs = block_on(md.enumerate_devices())
        .iter()
        .any(|d| d.kind() != mediacapture::MediaDeviceKind::AudioOutput);
    if !inputs {
        eprintln!("mediacapture: no capture devices found; using the fake devices");
        return MediaDevices::builder()
            .fake_default_devices()
            .build()
            .map_err(|e| e.to_string());
    }
    Ok(md)
}

/// Prints a subcommand's summary lines; success.
fn print_lines(lines: Vec<String>) -> Result<ExitCode, String> {
    for l in lines {
        println!("{l}");
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs getUserMedia for the given kinds (each constraint JSON, or nothing for that kind).
fn get_user_media(
    md: &MediaDevices,
    video: Option<&str>,
    audio: Option<&str>,
) -> Result<mediacapture::MediaStream, String> {
    let json = format!(
        r#"{{"video":{},"audio":{}}}"#,
        video.unwrap_or("false"),
        audio.unwrap_or("false")
    );
    MediaStreamConstraints::from_json(&json)
        .and_then(|c| block_on(md.get_user_media(c)))
        .map_err(|e| format!("getUserMedia rejected: {e}"))
}

fn print_json(v: &serde_json::Value) {
    match serde_json::to_string_pretty(v) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("mediacapture: cannot print JSON: {e}"),
    }
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    match cli.command {
        Command::Capture(args) => {
            let md = media_devices(&args.devices)?;
            print_lines(capture::run(&md, args)?)
        }
        Command::Record(args) => {
            let md = media_devices(&args.devices)?;
            // Ctrl-C: the first stops the recording cleanly, a second leaves at once.
            let interrupts = Arc::new(AtomicU32::new(0));
            let counter = Arc::clone(&interrupts);
            ctrlc::set_handler(move || {
                counter.fetch_add(1, Ordering::Relaxed);
            })
            .map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
            print_lines(record::run(&md, args, &interrupts)?)
        }
        Command::Snapshot(args) => {
            let md = media_devices(&args.devices)?;
            print_lines(snapshot::run(&md, args)?)
        }
        Command::Devices { devices, json } => {
            let md = media_devices(&devices)?;
            let list = block_on(md.enumerate_devices());
            if json {
                print_json(&report::devices(&list));
            } else {
                print!("{}", human::devices(&list));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Probe {
            devices,
            apply,
            json,
            constraints,
        } => {
            let md = media_devices(&devices)?;
            let result = MediaStreamConstraints::from_json(&constraints)
                .and_then(|c| block_on(md.get_user_media(c)));
            let stream = match result {
                Ok(s) => s,
                Err(e) => {
                    if json {
                        print_json(&report::rejected(&e));
                    } else {
                        print!("{}", human::error("getUserMedia", &e));
                    }
                    return Ok(ExitCode::from(1));
                }
            };
            let applied = apply.map(|a| {
                // The video track when there is one, else the audio track.
                let track = stream
                    .get_video_tracks()
                    .into_iter()
                    .chain(stream.get_audio_tracks())
                    .next();
                MediaTrackConstraints::from_json(&a).and_then(|c| match track {
                    Some(t) => block_on(t.apply_constraints(c)),
                    None => Ok(()),
                })
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
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("mediacapture: {message}");
            ExitCode::from(2)
        }
    }
}
