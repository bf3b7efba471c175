//! `mediacapture record`: getUserMedia, then a `MediaRecorder` whose every `dataavailable`
//! goes out at once, so that a killed process leaves a playable file; a file that is stopped
//! gets its duration and seek index.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mediacapture::{
    MediaRecorder, MediaRecorderOptions, MediaStreamTrackState, RecorderEvent, RecvTimeoutError,
};

use crate::cli::RecordArgs;
use crate::error::Failure;
use crate::output::{self, Output};

/// The recorder type for `out`: `--mime` when given (whatever the extension), else the
/// extension's. An extension that names a format the recorder does not write is refused.
fn mime_type(out: &Path, mime: Option<&str>) -> Result<String, Failure> {
    if let Some(m) = mime {
        if !MediaRecorder::is_type_supported(m) {
            return Err(Failure::usage(format!(
                "--mime {m:?} is not a type MediaRecorder records here (`mediacapture types` \
                 lists them)"
            )));
        }
        return Ok(m.to_owned());
    }
    match output::extension(out).as_deref() {
        // The recorder's default: WebM, VP8 and Opus.
        None | Some("webm") => Ok(String::new()),
        Some("weba") => Ok("audio/webm;codecs=opus".into()),
        Some("ogg" | "oga" | "opus") => Ok("audio/ogg;codecs=opus".into()),
        Some(other) => Err(Failure::usage(format!(
            "{} ends in .{other}, but this recorder writes WebM (.webm, .weba) and Ogg Opus \
             (.ogg, .opus): give one of those, or --mime to write one of its types under this \
             name",
            out.display()
        ))),
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} kB", n as f64 / 1024.0)
    }
}

/// Records, printing progress and a summary on stderr. Ctrl-C (counted in `interrupts`)
/// stops the recording cleanly; a second one leaves at once (the file is still readable up
/// to its last piece).
pub fn run(req: RecordArgs, interrupts: &Arc<AtomicU32>) -> Result<(), Failure> {
    // Everything about the arguments and the output is checked before a device opens.
    let mime = mime_type(&req.out, req.mime.as_deref())?;
    let mut options = MediaRecorderOptions::mime_type(&mime);
    options.video_bits_per_second = req.video_bits_per_second;
    options.audio_bits_per_second = req.audio_bits_per_second;
    options.bits_per_second = req.bits_per_second;
    options.video_key_frame_interval_duration = req.key_frame_interval;
    options.video_key_frame_interval_count = req.key_frame_count;
    let mut out = Output::open(&req.out, req.select.overwrite)?;

    let md = crate::media_devices(&req.devices)?;
    let audio_only = mime.starts_with("audio/");
    let (video, audio) = match (&req.video, &req.audio) {
        (None, None) if audio_only => (None, Some("true".to_owned())),
        (None, None) => (Some("true".to_owned()), Some("true".to_owned())),
        (v, a) => (v.clone(), a.clone()),
    };
    let stream = crate::get_user_media(&md, &req.select, video, audio)?;
    let recorder = MediaRecorder::new(&stream, options)
        .map_err(|e| Failure::from_rejection("MediaRecorder", &e))?;
    let events = recorder.events();
    recorder
        .start(Some(req.timeslice))
        .map_err(|e| Failure::from_rejection("MediaRecorder.start", &e))?;
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let mut last_progress = Instant::now();
    let mut stopping = false;
    let mut mime_type = String::new();
    let mut errors = Vec::new();
    loop {
        let elapsed = started.elapsed();
        let time_up = req.duration.is_some_and(|d| elapsed.as_secs_f64() >= d);
        if !stopping && (time_up || interrupts.load(Ordering::Relaxed) > 0) {
            recorder.stop();
            stopping = true;
        }
        if interrupts.load(Ordering::Relaxed) > 1 {
            errors.push("interrupted twice: left without finishing".to_owned());
            break;
        }
        match events.recv_timeout(Duration::from_millis(100)) {
            Ok(RecorderEvent::Start) => mime_type = recorder.mime_type(),
            Ok(RecorderEvent::DataAvailable(b)) => {
                // Out at once: a crash loses only what has not reached a blob yet.
                out.write_now(b.data().bytes())?;
            }
            Ok(RecorderEvent::Error(e)) => errors.push(e.to_string()),
            Ok(RecorderEvent::Stop) => break,
            Ok(_) => {}
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Closed) => break,
        }
        let every = if tty {
            Duration::from_millis(250)
        } else {
            Duration::from_secs(1)
        };
        if last_progress.elapsed() >= every {
            last_progress = Instant::now();
            let s = recorder.stats();
            let secs = elapsed.as_secs_f64();
            let line = format!(
                "recording {secs:6.1} s  {:>9}  {} frames  {:.2} Mb/s  {} dropped",
                human_bytes(s.bytes),
                s.video_frames,
                s.bytes as f64 * 8.0 / secs.max(0.001) / 1e6,
                s.video_frames_dropped + s.audio_chunks_dropped
            );
            if tty {
                eprint!("\r{line}");
            } else {
                eprintln!("{line}");
            }
        }
    }
    if tty {
        eprintln!();
    }
    // A stopped file is made seekable: its duration and a seek index (a pipe keeps the live
    // layout, as a browser's recording does).
    let mut index = None;
    if errors.is_empty()
        && let Some(file) = out.file()
    {
        index = Some(
            mediacapture::make_seekable(file)
                .map_err(|e| Failure::failed(format!("cannot finish {}: {e}", out.name())))?,
        );
    }
    out.finish()?;

    let s = recorder.stats();
    let secs = s.media_time_us as f64 / 1e6;
    eprintln!(
        "recorded {secs:.1} s to {}: {mime_type}, {} ({:.2} Mb/s), {} video frames, {} audio \
         packets, {} dropped{}",
        out.name(),
        human_bytes(s.bytes),
        s.bytes as f64 * 8.0 / secs.max(0.001) / 1e6,
        s.video_frames,
        s.audio_packets,
        s.video_frames_dropped + s.audio_chunks_dropped,
        match index {
            Some(true) => ", seekable",
            _ => "",
        }
    );
    // Nothing recorded (every track muted, or the encoder refused the configuration): no
    // file is left behind, and the exit status says so.
    if s.video_frames + s.audio_packets == 0 {
        errors.push(format!(
            "nothing was recorded (were the tracks muted? {})",
            stream
                .get_tracks()
                .iter()
                .map(|t| format!(
                    "{} {:?}: {}",
                    t.kind().as_str(),
                    t.label(),
                    if t.muted() { "muted" } else { "not muted" }
                ))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    // A track that ended by itself (its device went away): the file holds what came before,
    // but the recording is not what was asked for.
    let ended: Vec<String> = stream
        .get_tracks()
        .iter()
        .filter(|t| t.ready_state() == MediaStreamTrackState::Ended)
        .map(|t| format!("the {} track ({:?})", t.kind().as_str(), t.label()))
        .collect();
    if !ended.is_empty() {
        errors.push(format!(
            "{} ended during the recording (did its device go away?); {} holds what came before",
            ended.join(" and "),
            out.name()
        ));
    }
    match errors.len() {
        0 => Ok(()),
        _ => Err(Failure::failed(errors.join("; "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_type_and_a_contradiction_is_refused() {
        let m = |p: &str, mime: Option<&str>| mime_type(Path::new(p), mime);
        assert_eq!(m("a.OGG", None), Ok("audio/ogg;codecs=opus".into()));
        assert_eq!(m("a.webm", None), Ok(String::new()));
        assert_eq!(m("-", None), Ok(String::new()));
        assert!(matches!(m("a.mp4", None), Err(Failure::Usage(_))));
        // --mime says so: written under that name.
        assert_eq!(m("a.mp4", Some("video/webm")), Ok("video/webm".into()));
        assert!(matches!(
            m("a.webm", Some("video/mp4")),
            Err(Failure::Usage(_))
        ));
        assert_eq!(human_bytes(3 << 20), "3.0 MB");
    }
}
