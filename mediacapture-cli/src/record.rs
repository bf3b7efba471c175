//! `mediacapture record`: getUserMedia, then a `MediaRecorder` whose every `dataavailable`
//! goes to disk at once, so that a killed process leaves a playable file.

use std::fs::File;
use std::io::{IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

use mediacapture::{
    MediaDevices, MediaRecorder, MediaRecorderOptions, RecorderEvent, RecvTimeoutError,
};

use crate::cli::RecordArgs;

/// The type for `out` when `--mime` is not given: Ogg Opus for `.ogg`/`.opus`, else the
/// recorder's default (WebM).
fn default_mime(out: &Path) -> &'static str {
    match out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("ogg" | "opus") => "audio/ogg;codecs=opus",
        _ => "",
    }
}

fn human_bytes(n: u64) -> String {
    if n >= 1 << 20 {
        format!("{:.1} MB", n as f64 / f64::from(1 << 20))
    } else {
        format!("{:.0} kB", n as f64 / 1024.0)
    }
}

/// Records; returns the summary lines, or an error message. Ctrl-C (counted in `interrupts`)
/// stops the recording cleanly; a second one leaves at once (the file is still readable up
/// to its last piece).
pub fn run(
    md: &MediaDevices,
    req: RecordArgs,
    interrupts: &Arc<AtomicU32>,
) -> Result<Vec<String>, String> {
    let mime = req
        .mime
        .clone()
        .unwrap_or_else(|| default_mime(&req.out).to_owned());
    let audio_only = mime.starts_with("audio/");
    let (video, audio) = match (&req.video, &req.audio) {
        (None, None) if audio_only => (None, Some("true".to_owned())),
        (None, None) => (Some("true".to_owned()), Some("true".to_owned())),
        (v, a) => (v.clone(), a.clone()),
    };
    let stream = crate::get_user_media(md, video.as_deref(), audio.as_deref())?;
    let recorder = MediaRecorder::new(&stream, MediaRecorderOptions::mime_type(&mime))
        .map_err(|e| format!("MediaRecorder: {e}"))?;
    let mut file =
        File::create(&req.out).map_err(|e| format!("cannot create {}: {e}", req.out.display()))?;
    let events = recorder.events();
    recorder
        .start(Some(req.timeslice))
        .map_err(|e| format!("MediaRecorder.start: {e}"))?;
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
                // To disk at once: a crash loses only what has not reached a blob yet.
                file.write_all(b.data().bytes())
                    .and_then(|()| file.flush())
                    .map_err(|e| format!("cannot write {}: {e}", req.out.display()))?;
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
    file.sync_all()
        .map_err(|e| format!("cannot write {}: {e}", req.out.display()))?;
    let s = recorder.stats();
    let secs = s.media_time_us as f64 / 1e6;
    let mut lines = vec![format!(
        "recorded {secs:.1} s to {}: {mime_type}, {} ({:.2} Mb/s), {} video frames, {} audio packets, {} dropped",
        req.out.display(),
        human_bytes(s.bytes),
        s.bytes as f64 * 8.0 / secs.max(0.001) / 1e6,
        s.video_frames,
        s.audio_packets,
        s.video_frames_dropped + s.audio_chunks_dropped
    )];
    lines.extend(errors.into_iter().map(|e| format!("error: {e}")));
    Ok(lines)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_ogg() {
        assert_eq!(default_mime(Path::new("a.OGG")), "audio/ogg;codecs=opus");
        assert_eq!(default_mime(Path::new("a.webm")), "");
        assert_eq!(human_bytes(3 << 20), "3.0 MB");
    }
}
