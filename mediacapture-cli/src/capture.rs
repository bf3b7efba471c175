//! `mediacapture capture`: getUserMedia, then the tracks' frames into .y4m and .wav files.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mediacapture::{
    AudioSamples, MediaDevices, MediaStreamTrack, MediaStreamTrackProcessor, RecvTimeoutError,
};

use crate::cli::CaptureArgs;

/// How deep the readers' queues are: deep enough that writing to disk never loses a frame.
const QUEUE: u32 = 512;

#[derive(Default)]
struct Progress {
    video_frames: AtomicU64,
    audio_us: AtomicU64,
}

fn ext(p: &Path) -> Option<String> {
    p.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Runs a capture; returns the summary lines, or an error message.
pub fn run(md: &MediaDevices, req: CaptureArgs) -> Result<Vec<String>, String> {
    let (mut video, mut audio) = (req.video, req.audio);
    if video.is_none() && audio.is_none() {
        match ext(&req.out).as_deref() {
            Some("y4m") => video = Some("true".into()),
            Some("wav") => audio = Some("true".into()),
            _ => {
                return Err(
                    "give --video and/or --audio, or an --out ending in .y4m or .wav".into(),
                );
            }
        }
    }
    let (video_out, audio_out) = match (&video, &audio) {
        (Some(_), Some(_)) => (
            Some(req.out.with_extension("y4m")),
            Some(req.out.with_extension("wav")),
        ),
        (Some(_), None) => (Some(req.out.clone()), None),
        _ => (None, Some(req.out.clone())),
    };
    let stream = crate::get_user_media(md, video.as_deref(), audio.as_deref())?;
    let duration_us = req
        .duration
        .or(if req.frames.is_none() {
            Some(5.0)
        } else {
            None
        })
        .map(|s| (s * 1e6) as i64);
    let progress = Arc::new(Progress::default());
    let done = Arc::new(AtomicBool::new(false));
    let mut workers = Vec::new();
    if let (Some(path), Some(track)) = (video_out, stream.get_video_tracks().into_iter().next()) {
        let reader =
            MediaStreamTrackProcessor::new(&track, Some(QUEUE)).map_err(|e| e.to_string())?;
        let (p, frames) = (progress.clone(), req.frames);
        workers.push(std::thread::spawn(move || {
            write_video(&track, &reader, &path, frames, duration_us, &p)
        }));
    }
    if let (Some(path), Some(track)) = (audio_out, stream.get_audio_tracks().into_iter().next()) {
        let reader =
            MediaStreamTrackProcessor::new(&track, Some(QUEUE * 4)).map_err(|e| e.to_string())?;
        let (p, d) = (progress.clone(), done.clone());
        let video_too = !stream.get_video_tracks().is_empty();
        workers.push(std::thread::spawn(move || {
            write_audio(
                &track,
                &reader,
                &path,
                duration_us,
                if video_too { Some(d) } else { None },
                &p,
            )
        }));
    }
    // The progress line, until every writer is done.
    let start = Instant::now();
    let mut last = Instant::now();
    let mut results = Vec::new();
    let mut pending = workers;
    while !pending.is_empty() {
        let (finished, running): (Vec<_>, Vec<_>) =
            pending.into_iter().partition(|h| h.is_finished());
        pending = running;
        for h in finished {
            results.push(
                h.join()
                    .map_err(|_| "a writer thread panicked".to_string())?,
            );
            // Video decides when audio stops (same length).
            done.store(true, Ordering::SeqCst);
        }
        if last.elapsed() > Duration::from_millis(250) {
            last = Instant::now();
            eprint!(
                "\rcapturing: {:.1} s, {} video frames, {:.2} s of audio   ",
                start.elapsed().as_secs_f64(),
                progress.video_frames.load(Ordering::Relaxed),
                progress.audio_us.load(Ordering::Relaxed) as f64 / 1e6
            );
            let _ = std::io::stderr().flush();
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    eprintln!();
    for t in stream.get_tracks() {
        t.stop();
    }
    results.into_iter().collect()
}

fn rate_ratio(fps: f64) -> y4m::Ratio {
    for (num, den) in [
        (fps.round() as usize, 1),
        (30000, 1001),
        (24000, 1001),
        (60000, 1001),
    ] {
        if den != 0 && ((num as f64 / den as f64) - fps).abs() < 1e-3 {
            return y4m::Ratio::new(num, den);
        }
    }
    y4m::Ratio::new((fps * 1000.0).round() as usize, 1000)
}

fn write_video(
    track: &MediaStreamTrack,
    reader: &MediaStreamTrackProcessor,
    path: &Path,
    frames: Option<u64>,
    duration_us: Option<i64>,
    progress: &Progress,
) -> Result<String, String> {
    let s = track.get_settings();
    let (w, h, fps) = (
        s.width.unwrap_or(0),
        s.height.unwrap_or(0),
        s.frame_rate.unwrap_or(30.0),
    );
    let file = File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut enc = y4m::encode(w as usize, h as usize, rate_ratio(fps))
        .with_colorspace(y4m::Colorspace::C420jpeg)
        .write_header(BufWriter::new(file))
        .map_err(|e| format!("{}: {e:?}", path.display()))?;
    let (mut n, mut first) = (0u64, None);
    while frames.is_none_or(|max| n < max) {
        let f = match reader.read_timeout(Duration::from_secs(5)) {
            Ok(f) => f,
            Err(RecvTimeoutError::Closed) => break,
            Err(RecvTimeoutError::Timeout) => return Err("no video frame for 5 s".into()),
        };
        let Some(f) = f.as_video() else { continue };
        let t0 = *first.get_or_insert(f.timestamp());
        if duration_us.is_some_and(|d| f.timestamp() - t0 >= d) {
            break;
        }
        if (f.coded_width(), f.coded_height()) != (w, h) {
            return Err(format!(
                "a {}x{} frame on a {w}x{h} track",
                f.coded_width(),
                f.coded_height()
            ));
        }
        let planes = [
            f.plane(0).unwrap_or(&[]),
            f.plane(1).unwrap_or(&[]),
            f.plane(2).unwrap_or(&[]),
        ];
        enc.write_frame(&y4m::Frame::new(planes, None))
            .map_err(|e| format!("{}: {e:?}", path.display()))?;
        n += 1;
        progress.video_frames.store(n, Ordering::Relaxed);
    }
    let st = track.stats();
    Ok(format!(
        "{}: {n} frames of {w}x{h} at {fps} fps (track: {} delivered, {} discarded by decimation; reader: {} dropped)",
        path.display(),
        st.delivered_frames,
        st.discarded_frames,
        reader.discarded_frames()
    ))
}

/// The inverse of `AudioData::to_f32` for 16-bit samples (scale 32768, clamped).
fn f32_to_s16(v: f32) -> i16 {
    (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

fn write_audio(
    track: &MediaStreamTrack,
    reader: &MediaStreamTrackProcessor,
    path: &Path,
    duration_us: Option<i64>,
    video_done: Option<Arc<AtomicBool>>,
    progress: &Progress,
) -> Result<String, String> {
    let s = track.get_settings();
    let (rate, channels) = (
        s.sample_rate.unwrap_or(48_000),
        s.channel_count.unwrap_or(1),
    );
    let spec = hound::WavSpec {
        channels: channels as u16,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav =
        hound::WavWriter::create(path, spec).map_err(|e| format!("{}: {e}", path.display()))?;
    let (mut samples, mut first) = (0u64, None);
    loop {
        if video_done
            .as_ref()
            .is_some_and(|d| d.load(Ordering::SeqCst))
            && duration_us.is_none()
        {
            break;
        }
        let chunk = match reader.read_timeout(Duration::from_millis(200)) {
            Ok(c) => c,
            Err(RecvTimeoutError::Closed) => break,
            Err(RecvTimeoutError::Timeout) => continue,
        };
        let Some(a) = chunk.as_audio() else { continue };
        let t0 = *first.get_or_insert(a.timestamp());
        if duration_us.is_some_and(|d| a.timestamp() - t0 >= d) {
            break;
        }
        let write_err = |e: hound::Error| format!("{}: {e}", path.display());
        match a.samples() {
            // 16-bit samples are written as they are: a 16-bit source round-trips exactly.
            AudioSamples::S16(v) => {
                for s in v.iter() {
                    wav.write_sample(*s).map_err(write_err)?;
                }
            }
            _ => {
                for v in a.to_f32() {
                    wav.write_sample(f32_to_s16(v)).map_err(write_err)?;
                }
            }
        }
        samples += a.number_of_frames() as u64;
        progress
            .audio_us
            .store(samples * 1_000_000 / rate as u64, Ordering::Relaxed);
    }
    wav.finalize()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!(
        "{}: {:.2} s of {channels}-channel audio at {rate} Hz (reader: {} chunks dropped)",
        path.display(),
        samples as f64 / rate as f64,
        reader.discarded_frames()
    ))
}
