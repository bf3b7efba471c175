//! `mediacapture capture`: getUserMedia, then the tracks' frames into .y4m and .wav files.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use mediacapture::{AudioSamples, MediaStreamTrack, MediaStreamTrackProcessor, RecvTimeoutError};

use crate::cli::CaptureArgs;
use crate::error::Failure;
use crate::output::{self, Output, WavWriter};

/// How deep the readers' queues are: deep enough that writing to disk never loses a frame
/// (at most this many frames or chunks) ...
const QUEUE: u32 = 512;
/// ... and at most this many bytes of video frames (twelve 16384x16384 frames would be 5 GB).
const QUEUE_BYTES: u64 = 256 << 20;
/// How long past its duration a capture waits for media that does not come (a muted track).
const GRACE: Duration = Duration::from_secs(5);

/// The video queue for frames of `width`×`height` (I420): [`QUEUE`] frames, or fewer when
/// that would pass [`QUEUE_BYTES`] (at least 2).
fn video_queue(width: u32, height: u32) -> u32 {
    let frame = u64::from(width.max(1)) * u64::from(height.max(1)) * 3 / 2;
    u32::try_from((QUEUE_BYTES / frame).clamp(2, u64::from(QUEUE))).unwrap_or(QUEUE)
}

#[derive(Default)]
struct Progress {
    video_frames: AtomicU64,
    audio_us: AtomicU64,
}

/// One kind to capture: its constraints and its file.
type Kind = (String, PathBuf);

/// The kinds to capture and the file of each, from the flags and `--out`'s extension: a
/// kind's file must end in its extension (.y4m, .wav) or have none (`-` included); with both
/// kinds, `--out` names the two files (its extension replaced), and cannot be stdout.
fn plan(
    video: Option<String>,
    audio: Option<String>,
    out: &Path,
) -> Result<(Option<Kind>, Option<Kind>), Failure> {
    let ext = output::extension(out);
    let (video, audio) = match (video, audio) {
        (None, None) => match ext.as_deref() {
            Some("y4m") => (Some("true".to_owned()), None),
            Some("wav") => (None, Some("true".to_owned())),
            _ => {
                return Err(Failure::usage(
                    "give --video and/or --audio, or an --out ending in .y4m or .wav",
                ));
            }
        },
        both => both,
    };
    let wrong = |want: &str| {
        Failure::usage(format!(
            "{} is not a .{want} file: capture writes video as .y4m and audio as .wav",
            out.display()
        ))
    };
    match (video, audio) {
        (Some(v), Some(a)) => {
            if output::is_stdout(out) {
                return Err(Failure::usage(
                    "--out - carries one kind: give --video or --audio, not both",
                ));
            }
            Ok((
                Some((v, out.with_extension("y4m"))),
                Some((a, out.with_extension("wav"))),
            ))
        }
        (Some(v), None) => match ext.as_deref() {
            None | Some("y4m") => Ok((Some((v, out.to_path_buf())), None)),
            Some(_) => Err(wrong("y4m")),
        },
        (None, Some(a)) => match ext.as_deref() {
            None | Some("wav") => Ok((None, Some((a, out.to_path_buf())))),
            Some(_) => Err(wrong("wav")),
        },
        (None, None) => Err(Failure::usage("give --video and/or --audio")),
    }
}

/// Runs a capture; returns the summary lines.
pub fn run(req: CaptureArgs) -> Result<Vec<String>, Failure> {
    let (video, audio) = plan(req.video, req.audio, &req.out)?;
    if req.frames.is_some() && video.is_none() {
        return Err(Failure::usage(
            "--frames counts video frames: give --video, or --duration for audio",
        ));
    }
    // The outputs first: an existing or unwritable one is refused before a device opens.
    let video_out = match &video {
        Some((_, p)) => Some(Output::open(p, req.select.overwrite)?),
        None => None,
    };
    let audio_out = match &audio {
        Some((_, p)) => Some(Output::open(p, req.select.overwrite)?),
        None => None,
    };
    let md = crate::media_devices(&req.devices)?;
    let stream = crate::get_user_media(
        &md,
        &req.select,
        video.map(|(c, _)| c),
        audio.map(|(c, _)| c),
    )?;
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
    let reader_failure = |e: mediacapture::MediaStreamError| Failure::failed(e.to_string());
    if let (Some(out), Some(track)) = (video_out, stream.get_video_tracks().into_iter().next()) {
        let s = track.get_settings();
        let queue = video_queue(s.width.unwrap_or(1), s.height.unwrap_or(1));
        let reader = MediaStreamTrackProcessor::new(&track, Some(queue)).map_err(reader_failure)?;
        let (p, frames) = (progress.clone(), req.frames);
        workers.push(std::thread::spawn(move || {
            write_video(&track, &reader, out, frames, duration_us, &p)
        }));
    }
    if let (Some(out), Some(track)) = (audio_out, stream.get_audio_tracks().into_iter().next()) {
        let reader =
            MediaStreamTrackProcessor::new(&track, Some(QUEUE * 4)).map_err(reader_failure)?;
        let (p, d) = (progress.clone(), done.clone());
        let video_too = !stream.get_video_tracks().is_empty();
        workers.push(std::thread::spawn(move || {
            write_audio(
                &track,
                &reader,
                out,
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
                    .map_err(|_| Failure::failed("a writer thread panicked"))?,
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

/// A track that ended before the frames or duration asked for: the file holds what came.
fn ended_early(track: &MediaStreamTrack, name: &str, got: String) -> Failure {
    Failure::failed(format!(
        "the {} track ({:?}) ended after {got} (did its device go away?); {name} holds them",
        track.kind().as_str(),
        track.label()
    ))
}

fn write_video(
    track: &MediaStreamTrack,
    reader: &MediaStreamTrackProcessor,
    out: Output,
    frames: Option<u64>,
    duration_us: Option<i64>,
    progress: &Progress,
) -> Result<String, Failure> {
    let s = track.get_settings();
    let (w, h, fps) = (
        s.width.unwrap_or(0),
        s.height.unwrap_or(0),
        s.frame_rate.unwrap_or(30.0),
    );
    let name = out.name();
    let y4m_failure = |e: y4m::Error| match e {
        y4m::Error::IoError(e) => output::write_failure(&name, &e),
        e => Failure::failed(format!("{name}: {e:?}")),
    };
    let mut buffered = BufWriter::new(out);
    let mut enc = y4m::encode(w as usize, h as usize, rate_ratio(fps))
        .with_colorspace(y4m::Colorspace::C420jpeg)
        .write_header(&mut buffered)
        .map_err(y4m_failure)?;
    let (mut n, mut first) = (0u64, None);
    while frames.is_none_or(|max| n < max) {
        let f = match reader.read_timeout(Duration::from_secs(5)) {
            Ok(f) => f,
            Err(RecvTimeoutError::Closed) => {
                finish(buffered)?;
                return Err(ended_early(track, &name, format!("{n} frames")));
            }
            Err(RecvTimeoutError::Timeout) => {
                return Err(Failure::failed("no video frame for 5 s"));
            }
        };
        let Some(f) = f.as_video() else { continue };
        let t0 = *first.get_or_insert(f.timestamp());
        if duration_us.is_some_and(|d| f.timestamp() - t0 >= d) {
            break;
        }
        if (f.coded_width(), f.coded_height()) != (w, h) {
            return Err(Failure::failed(format!(
                "a {}x{} frame on a {w}x{h} track",
                f.coded_width(),
                f.coded_height()
            )));
        }
        let planes = [
            f.plane(0).unwrap_or(&[]),
            f.plane(1).unwrap_or(&[]),
            f.plane(2).unwrap_or(&[]),
        ];
        enc.write_frame(&y4m::Frame::new(planes, None))
            .map_err(y4m_failure)?;
        n += 1;
        progress.video_frames.store(n, Ordering::Relaxed);
    }
    finish(buffered)?;
    let st = track.stats();
    Ok(format!(
        "{name}: {n} frames of {w}x{h} at {fps} fps (track: {} delivered, {} discarded by decimation; reader: {} dropped)",
        st.delivered_frames,
        st.discarded_frames,
        reader.discarded_frames()
    ))
}

/// The inverse of `AudioData::to_f32` for 16-bit samples (scale 32768, clamped).
fn f32_to_s16(v: f32) -> i16 {
    (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Flushes a buffered output and keeps it.
fn finish(buffered: BufWriter<Output>) -> Result<(), Failure> {
    let mut out = buffered
        .into_inner()
        .map_err(|e| Failure::failed(format!("cannot write: {}", e.error())))?;
    out.finish()
}

fn write_audio(
    track: &MediaStreamTrack,
    reader: &MediaStreamTrackProcessor,
    out: Output,
    duration_us: Option<i64>,
    video_done: Option<Arc<AtomicBool>>,
    progress: &Progress,
) -> Result<String, Failure> {
    let s = track.get_settings();
    let (rate, channels) = (
        s.sample_rate.unwrap_or(48_000),
        s.channel_count.unwrap_or(1),
    );
    let name = out.name();
    let write_err = |e: std::io::Error| output::write_failure(&name, &e);
    let mut wav = WavWriter::new(out, channels as u16, rate).map_err(write_err)?;
    let (mut samples, mut first) = (0u64, None);
    // A track that delivers nothing (muted) must not hold the capture forever.
    let give_up = duration_us.map(|d| Instant::now() + Duration::from_micros(d as u64) + GRACE);
    loop {
        if give_up.is_some_and(|t| Instant::now() >= t) {
            wav.finalize().map_err(write_err)?.finish()?;
            let secs = samples as f64 / f64::from(rate);
            return Err(Failure::failed(format!(
                "the audio track ({:?}{}) delivered {secs:.2} s in {:.1} s; {name} holds that",
                track.label(),
                if track.muted() { ", muted" } else { "" },
                duration_us.unwrap_or(0) as f64 / 1e6 + GRACE.as_secs_f64()
            )));
        }
        if video_done
            .as_ref()
            .is_some_and(|d| d.load(Ordering::SeqCst))
            && duration_us.is_none()
        {
            break;
        }
        let chunk = match reader.read_timeout(Duration::from_millis(200)) {
            Ok(c) => c,
            Err(RecvTimeoutError::Closed) => {
                // Ended before its duration, or before the video it keeps pace with.
                if duration_us.is_some() || video_done.is_some() {
                    wav.finalize().map_err(write_err)?.finish()?;
                    let secs = samples as f64 / f64::from(rate);
                    return Err(ended_early(track, &name, format!("{secs:.2} s")));
                }
                break;
            }
            Err(RecvTimeoutError::Timeout) => continue,
        };
        let Some(a) = chunk.as_audio() else { continue };
        let t0 = *first.get_or_insert(a.timestamp());
        if duration_us.is_some_and(|d| a.timestamp() - t0 >= d) {
            break;
        }
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
    wav.finalize().map_err(write_err)?.finish()?;
    Ok(format!(
        "{name}: {:.2} s of {channels}-channel audio at {rate} Hz (reader: {} chunks dropped)",
        samples as f64 / rate as f64,
        reader.discarded_frames()
    ))
}
