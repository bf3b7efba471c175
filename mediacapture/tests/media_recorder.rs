//! MediaRecorder (MediaStream Recording, spec-notes §7): real files checked by ffprobe/ffmpeg
//! (installed by scripts/setup.sh), and the state machine and event order of the spec and WPT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::thread::sleep;
use std::time::{Duration, Instant};

use common::*;
use mediacapture::*;
use mediacapture_test_support::{
    ffmpeg_decodes as decodes, ffprobe_streams as streams, packet_keys, packet_times, tool,
};

const WAIT: Duration = Duration::from_secs(10);

/// Events until `stop` (included), with the bytes of every `dataavailable`.
struct Recording {
    events: Vec<String>,
    blobs: Vec<BlobEvent>,
    errors: Vec<MediaStreamError>,
}

impl Recording {
    fn bytes(&self) -> Vec<u8> {
        self.blobs
            .iter()
            .flat_map(|b| b.data().bytes().to_vec())
            .collect()
    }
}

fn until_stop(events: &EventSubscription<RecorderEvent>) -> Recording {
    let mut r = Recording {
        events: Vec::new(),
        blobs: Vec::new(),
        errors: Vec::new(),
    };
    loop {
        let e = events.recv_timeout(WAIT).expect("events until stop");
        r.events.push(e.event_type().to_owned());
        match e {
            RecorderEvent::DataAvailable(b) => r.blobs.push(b),
            RecorderEvent::Error(err) => r.errors.push(err),
            RecorderEvent::Stop => return r,
            _ => {}
        }
    }
}

/// The event types in order, with runs of `dataavailable` folded into one.
fn order(r: &Recording) -> Vec<&str> {
    let mut v: Vec<&str> = Vec::new();
    for e in &r.events {
        if e == "dataavailable" && v.last() == Some(&"dataavailable") {
            continue;
        }
        v.push(e);
    }
    v
}

fn av_stream(md: &MediaDevices) -> MediaStream {
    gum(
        md,
        r#"{"video":{"width":{"exact":640},"height":{"exact":360},"frameRate":30},"audio":true}"#,
    )
    .unwrap()
}

fn write(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mc-rec-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

fn record_for(stream: &MediaStream, options: MediaRecorderOptions, ms: u64) -> (Recording, String) {
    let rec = MediaRecorder::new(stream, options).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    sleep(Duration::from_millis(ms));
    let mime = rec.mime_type();
    rec.stop();
    (until_stop(&events), mime)
}

#[test]
fn every_format_is_a_file_ffmpeg_decodes() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let audio_only = MediaStream::from_tracks(&stream.get_audio_tracks());
    for (mime, on, expect_mime, codecs) in [
        (
            "",
            &stream,
            "video/webm;codecs=vp8,opus",
            &["vp8", "opus"][..],
        ),
        (
            "video/webm;codecs=vp9,opus",
            &stream,
            "video/webm;codecs=vp9,opus",
            &["vp9", "opus"],
        ),
        ("", &audio_only, "audio/webm;codecs=opus", &["opus"]),
        (
            "audio/ogg;codecs=opus",
            &audio_only,
            "audio/ogg;codecs=opus",
            &["opus"],
        ),
    ] {
        let (r, got_mime) = record_for(on, MediaRecorderOptions::mime_type(mime), 2000);
        assert_eq!(got_mime, expect_mime);
        assert_eq!(order(&r), ["start", "dataavailable", "stop"], "{mime}");
        assert_eq!(r.blobs[0].data().mime_type(), expect_mime);
        let ext = if expect_mime.contains("ogg") {
            "ogg"
        } else {
            "webm"
        };
        let path = write(&format!("fmt.{ext}"), &r.bytes());
        let s = streams(&path);
        let names: Vec<&str> = s
            .iter()
            .map(|s| s["codec_name"].as_str().unwrap())
            .collect();
        assert_eq!(names, codecs, "{mime}");
        assert!(decodes(&path), "{mime}: ffmpeg decodes {}", path.display());
        let audio = packet_times(&path, "a");
        let audio_len = audio.last().unwrap() + 0.020 - audio[0];
        assert!(
            (1.7..2.3).contains(&audio_len),
            "{mime}: {audio_len} s of audio"
        );
        if codecs.len() == 2 {
            assert_eq!(
                (s[0]["width"].as_u64(), s[0]["height"].as_u64()),
                (Some(640), Some(360))
            );
            // The fake camera's BT.709 limited range, declared in the file.
            assert_eq!(
                (s[0]["color_space"].as_str(), s[0]["color_range"].as_str()),
                (Some("bt709"), Some("tv"))
            );
            let video = packet_times(&path, "v");
            let frames: u64 = s[0]["nb_read_frames"].as_str().unwrap().parse().unwrap();
            assert_eq!(frames as usize, video.len());
            let duration = video.last().unwrap() - video[0] + 1.0 / 30.0;
            assert!(
                (frames as f64 - duration * 30.0).abs() <= 1.0,
                "{frames} frames in {duration} s"
            );
            assert!(
                (video[0] - audio[0]).abs() <= 1.0 / 30.0,
                "A/V start times {} and {}",
                video[0],
                audio[0]
            );
        }
        std::fs::remove_file(&path).ok();
    }
}

#[test]
fn timeslices_are_pieces_of_one_file_and_the_first_plays_alone() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    let t0 = Instant::now();
    rec.start(Some(500)).unwrap();
    let mut arrivals = Vec::new();
    let mut blobs = Vec::new();
    while blobs.len() < 5 {
        if let RecorderEvent::DataAvailable(b) = events.recv_timeout(WAIT).unwrap() {
            arrivals.push(t0.elapsed().as_secs_f64());
            blobs.push(b);
        }
    }
    rec.stop();
    let rest = until_stop(&events);
    // About every 500 ms.
    for w in arrivals.windows(2) {
        let gap = w[1] - w[0];
        assert!((0.35..0.75).contains(&gap), "{arrivals:?}");
    }
    // Timecodes start at 0 and grow.
    assert_eq!(blobs[0].timecode(), 0.0);
    for w in blobs.windows(2) {
        assert!(w[1].timecode() >= w[0].timecode());
    }
    assert!(blobs[2].timecode() > 500.0, "{}", blobs[2].timecode());
    // The first alone plays; all together are the file.
    let first = write("first.webm", blobs[0].data().bytes());
    assert!(decodes(&first));
    let frames: u64 = streams(&first)[0]["nb_read_frames"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(frames >= 8, "{frames} frames in the first half second");
    let mut all: Vec<u8> = blobs
        .iter()
        .flat_map(|b| b.data().bytes().to_vec())
        .collect();
    all.extend(rest.bytes());
    let whole = write("whole.webm", &all);
    assert!(decodes(&whole));
    assert_eq!(rec.stats().bytes, all.len() as u64);
    std::fs::remove_file(first).ok();
    std::fs::remove_file(whole).ok();
}

#[test]
fn events_come_in_the_specs_order() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    assert_eq!(
        (rec.state(), rec.mime_type()),
        (RecordingState::Inactive, String::new())
    );
    // stop() on an inactive recorder: nothing, no event.
    rec.stop();
    let events = rec.events();
    // start(); stop() at once: start is still fired, then dataavailable, stop.
    rec.start(None).unwrap();
    assert_eq!(rec.state(), RecordingState::Recording);
    assert_eq!(rec.mime_type(), "", "mimeType is set by the start task");
    rec.stop();
    assert_eq!(rec.state(), RecordingState::Inactive);
    rec.stop();
    let r = until_stop(&events);
    assert_eq!(r.events, ["start", "dataavailable", "stop"]);
    assert_eq!(rec.mime_type(), "");

    // start, pause, resume, stop with waits between: start → pause → resume → data → stop.
    rec.start(None).unwrap();
    sleep(Duration::from_millis(200));
    rec.pause().unwrap();
    rec.pause().unwrap(); // idempotent: no second event
    assert_eq!(rec.state(), RecordingState::Paused);
    sleep(Duration::from_millis(200));
    rec.resume().unwrap();
    rec.resume().unwrap();
    sleep(Duration::from_millis(200));
    rec.stop();
    let r = until_stop(&events);
    assert_eq!(
        r.events,
        ["start", "pause", "resume", "dataavailable", "stop"]
    );

    // Paused, stop, then start again: … pause → dataavailable → stop → start.
    rec.start(None).unwrap();
    rec.pause().unwrap();
    rec.stop();
    rec.start(None).unwrap();
    rec.stop();
    let a = until_stop(&events);
    let b = until_stop(&events);
    assert_eq!(a.events, ["start", "pause", "dataavailable", "stop"]);
    assert_eq!(b.events, ["start", "dataavailable", "stop"]);
}

#[test]
fn request_data_right_after_start_is_empty_and_later_has_data() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    rec.request_data().unwrap();
    sleep(Duration::from_millis(400));
    rec.request_data().unwrap();
    sleep(Duration::from_millis(100));
    rec.stop();
    let r = until_stop(&events);
    assert_eq!(
        r.events,
        [
            "start",
            "dataavailable",
            "dataavailable",
            "dataavailable",
            "stop"
        ]
    );
    assert_eq!(r.blobs[0].data().size(), 0);
    assert!(!r.blobs[0].timecode().is_nan());
    assert!(r.blobs[1].data().size() > 0);
    assert_eq!(r.blobs[1].data().mime_type(), "video/webm;codecs=vp8,opus");
    let path = write("rd.webm", &r.bytes());
    assert!(decodes(&path));
    std::fs::remove_file(path).ok();
    // requestData, pause and resume on an inactive recorder.
    for e in [rec.request_data(), rec.pause(), rec.resume()] {
        assert_eq!(e.unwrap_err().name(), "InvalidStateError");
    }
    // start twice.
    rec.start(None).unwrap();
    assert_eq!(rec.start(None).unwrap_err().name(), "InvalidStateError");
    rec.stop();
    until_stop(&events);
}

#[test]
fn pausing_cuts_the_paused_time_from_the_file() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    sleep(Duration::from_millis(1000));
    rec.pause().unwrap();
    sleep(Duration::from_millis(1000));
    rec.resume().unwrap();
    sleep(Duration::from_millis(1000));
    rec.stop();
    let r = until_stop(&events);
    let path = write("pause.webm", &r.bytes());
    let v = packet_times(&path, "v");
    let a = packet_times(&path, "a");
    let (vd, ad) = (v.last().unwrap() - v[0], a.last().unwrap() - a[0]);
    assert!(
        (1.8..2.3).contains(&vd),
        "video spans {vd} s for 2 s recorded"
    );
    assert!((1.8..2.3).contains(&ad), "audio spans {ad} s");
    // No hole in the video: consecutive frames stay about one frame apart.
    let gap = v.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
    assert!(gap < 0.1, "largest gap {gap} s");
    assert!(decodes(&path));
    std::fs::remove_file(path).ok();
}

#[test]
fn a_track_set_change_is_an_error_but_tracks_ending_is_not() {
    let (md, _fake) = default_devices();
    // removeTrack right after start: start → error(InvalidModificationError) → data → stop.
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    stream.remove_track(&stream.get_audio_tracks()[0]);
    let r = until_stop(&events);
    assert_eq!(r.events, ["start", "error", "dataavailable", "stop"]);
    assert_eq!(r.errors[0].name(), "InvalidModificationError");
    assert_eq!(rec.state(), RecordingState::Inactive);

    // Every track stopped: dataavailable → stop, no error; the state changes in that task.
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    sleep(Duration::from_millis(500));
    for t in stream.get_tracks() {
        t.stop();
    }
    assert_eq!(
        rec.state(),
        RecordingState::Recording,
        "[WPT] still recording"
    );
    let r = until_stop(&events);
    assert_eq!(r.events, ["start", "dataavailable", "stop"]);
    assert_eq!(rec.state(), RecordingState::Inactive);
    let path = write("ended.webm", &r.bytes());
    assert!(decodes(&path));
    std::fs::remove_file(path).ok();

    // One track ending goes on recording the other.
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    sleep(Duration::from_millis(300));
    stream.get_video_tracks()[0].stop();
    sleep(Duration::from_millis(500));
    assert_eq!(rec.state(), RecordingState::Recording);
    rec.stop();
    let r = until_stop(&events);
    assert_eq!(r.events, ["start", "dataavailable", "stop"]);
    let path = write("half.webm", &r.bytes());
    let a = packet_times(&path, "a");
    assert!(
        a.last().unwrap() - a[0] > 0.6,
        "audio went on after the video ended"
    );
    std::fs::remove_file(path).ok();
}

#[test]
fn a_disabled_track_records_black_and_the_recording_goes_on() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    for t in stream.get_tracks() {
        t.set_enabled(false);
    }
    let (r, _) = record_for(&stream, MediaRecorderOptions::default(), 600);
    assert!(r.errors.is_empty());
    let path = write("disabled.webm", &r.bytes());
    assert!(decodes(&path));
    assert!(packet_times(&path, "v").len() >= 12);
    std::fs::remove_file(path).ok();
}

#[test]
fn unsupported_types_and_bad_options_are_refused() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    for t in [
        "video/mp4",
        "video/webm;codecs=h264",
        "audio/webm;codecs=pcm",
        "bogus",
    ] {
        assert!(!MediaRecorder::is_type_supported(t), "{t}");
        let e = MediaRecorder::new(&stream, MediaRecorderOptions::mime_type(t)).unwrap_err();
        assert_eq!(e.name(), "NotSupportedError", "{t}");
    }
    // A codec outside the spec's synchronous list: isTypeSupported says no, the constructor
    // defers the check (the failure comes after start(), below).
    assert!(!MediaRecorder::is_type_supported("audio/ogg;codecs=vorbis"));
    assert!(
        MediaRecorder::new(
            &stream,
            MediaRecorderOptions::mime_type("audio/ogg;codecs=vorbis")
        )
        .is_ok()
    );
    for t in ["", " Video/WebM ; codecs=\"vp9, opus\""]
        .into_iter()
        .chain(mediacapture::SUPPORTED_TYPES.iter().copied())
    {
        assert!(MediaRecorder::is_type_supported(t), "{t}");
    }
    // Both keyframe options: NotSupportedError in the constructor (WPT).
    let both = MediaRecorderOptions::from_json(
        r#"{"videoKeyFrameIntervalDuration":1000,"videoKeyFrameIntervalCount":10}"#,
    )
    .unwrap();
    assert_eq!(
        MediaRecorder::new(&stream, both).unwrap_err().name(),
        "NotSupportedError"
    );
    let e = MediaRecorderOptions::from_json(r#"{"videoBitsPerSecond":"fast"}"#).unwrap_err();
    assert!(
        e.name() == "TypeError" && e.message().contains("videoBitsPerSecond"),
        "{e}"
    );
    // An audio-only type with a video track: start() throws NotSupportedError.
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::mime_type("audio/webm")).unwrap();
    assert_eq!(rec.start(None).unwrap_err().name(), "NotSupportedError");
    assert_eq!(rec.state(), RecordingState::Inactive);
    // An inactive (empty) stream: NotSupportedError.
    let empty = MediaRecorder::new(&MediaStream::new(), MediaRecorderOptions::default()).unwrap();
    assert_eq!(empty.start(None).unwrap_err().name(), "NotSupportedError");
    // A codec we do not know: the constructor accepts it, then error → stop, no data.
    let rec = MediaRecorder::new(
        &stream,
        MediaRecorderOptions::mime_type("video/webm;codecs=vp10"),
    )
    .unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    let r = until_stop(&events);
    assert_eq!(r.events, ["error", "stop"]);
    assert_eq!(r.errors[0].name(), "NotSupportedError");
    assert_eq!(rec.state(), RecordingState::Inactive);
}

#[test]
fn bit_rates_follow_the_spec() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    assert_eq!(
        (rec.video_bits_per_second(), rec.audio_bits_per_second()),
        (DEFAULT_VIDEO_BITS_PER_SECOND, DEFAULT_AUDIO_BITS_PER_SECOND)
    );
    assert_eq!(rec.audio_bitrate_mode(), BitrateMode::Variable);
    // Explicit zeros are kept.
    let zero =
        MediaRecorderOptions::from_json(r#"{"videoBitsPerSecond":0,"audioBitsPerSecond":0}"#)
            .unwrap();
    let rec = MediaRecorder::new(&stream, zero).unwrap();
    assert_eq!(
        (rec.video_bits_per_second(), rec.audio_bits_per_second()),
        (0, 0)
    );
    // bitsPerSecond overrides both: two non-zero parts adding up to about the total.
    for total in [0u32, 1, 100_000, 8_000_000] {
        let o =
            MediaRecorderOptions::from_json(&format!(r#"{{"bitsPerSecond":{total}}}"#)).unwrap();
        let rec = MediaRecorder::new(&stream, o).unwrap();
        let (v, a) = (rec.video_bits_per_second(), rec.audio_bits_per_second());
        assert!(v > 0 && a > 0, "{total}: {v} + {a}");
        assert!((i64::from(v) + i64::from(a) - i64::from(total)).abs() <= 100_000);
    }
    // …and is split again at start() over the tracks present: audio alone takes it all.
    let audio_only = MediaStream::from_tracks(&stream.get_audio_tracks());
    let o = MediaRecorderOptions::from_json(r#"{"bitsPerSecond":256000}"#).unwrap();
    let rec = MediaRecorder::new(&audio_only, o).unwrap();
    let events = rec.events();
    rec.start(None).unwrap();
    assert_eq!(
        (rec.video_bits_per_second(), rec.audio_bits_per_second()),
        (0, 256_000)
    );
    rec.stop();
    until_stop(&events);
}

/// (pts, keyframe) of each video packet, or (pts, size) of each audio packet.
fn packets(path: &Path, sel: &str, entry: &str) -> Vec<(f64, String)> {
    let o = Command::new(tool("ffprobe"))
        .args(["-v", "error", "-select_streams", sel, "-show_entries"])
        .args([&format!("packet=pts_time,{entry}"), "-of", "csv=p=0"])
        .arg(path)
        .output()
        .unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter_map(|l| {
            let (t, v) = l.split_once(',')?;
            Some((t.parse().ok()?, v.trim_end_matches(',').to_owned()))
        })
        .collect()
}

#[test]
fn keyframes_come_as_often_as_asked() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    for (options, max_gap) in [
        (r#"{"videoKeyFrameIntervalCount":10}"#, 10.0 / 30.0),
        (r#"{"videoKeyFrameIntervalDuration":500}"#, 0.5),
        ("{}", DEFAULT_KEY_FRAME_INTERVAL_MS / 1000.0),
    ] {
        // Long enough for two keyframes at the interval.
        let (r, _) = record_for(
            &stream,
            MediaRecorderOptions::from_json(options).unwrap(),
            (max_gap * 1000.0) as u64 + 600,
        );
        let path = write("keys.webm", &r.bytes());
        let keys: Vec<f64> = packets(&path, "v", "flags")
            .into_iter()
            .filter(|(_, f)| f.starts_with('K'))
            .map(|(t, _)| t)
            .collect();
        assert!(keys.len() >= 2, "{options}: keyframes at {keys:?}");
        for w in keys.windows(2) {
            assert!(
                w[1] - w[0] <= max_gap + 0.01,
                "{options}: keyframes at {keys:?}"
            );
        }
        std::fs::remove_file(path).ok();
    }
}

#[test]
fn constant_bitrate_audio_has_packets_of_one_size() {
    let (md, _fake) = default_devices();
    let stream = MediaStream::from_tracks(&av_stream(&md).get_audio_tracks());
    let options = MediaRecorderOptions::from_json(
        r#"{"mimeType":"audio/ogg;codecs=opus","audioBitsPerSecond":64000,"audioBitrateMode":"constant"}"#,
    )
    .unwrap();
    let (r, _) = record_for(&stream, options, 1000);
    let path = write("cbr.ogg", &r.bytes());
    let sizes: std::collections::BTreeSet<String> = packets(&path, "a", "size")
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    // 64 kb/s in 20 ms packets: 160 bytes each.
    assert_eq!(sizes.into_iter().collect::<Vec<_>>(), ["160"]);
    std::fs::remove_file(path).ok();
}

/// A camera that delivers faster than the encoder encodes: the encoder drops frames at its
/// input (counted), and `stop()` completes in bounded time with every encoded frame in a file
/// that decodes (it used to deadlock: the drain never ended while the camera refilled it).
#[test]
fn stop_completes_when_frames_come_faster_than_they_are_encoded() {
    let (md, _fake) = devices_with(
        r#"{"videoinput":[{"label":"Fast","modes":[{"width":1280,"height":720,"frameRate":1000}]}]}"#,
    );
    let stream = gum(&md, r#"{"video":true}"#).unwrap();
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let events = rec.events();
    rec.start(Some(100)).unwrap();
    let t0 = Instant::now();
    while rec.stats().video_frames < 20 {
        assert!(t0.elapsed() < WAIT, "the encoder never got going");
        sleep(Duration::from_millis(10));
    }
    let stopped_at = Instant::now();
    rec.stop();
    let r = until_stop(&events);
    let took = stopped_at.elapsed();
    // The drain's limit (2 s) plus one frame's encoding and the flush, on a busy machine.
    assert!(took < Duration::from_secs(6), "stop took {took:?}");
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let s = rec.stats();
    assert!(s.video_frames_dropped > 0, "{s:?}");
    let path = write("fast.webm", &r.bytes());
    assert!(decodes(&path));
    assert_eq!(
        packet_times(&path, "v").len() as u64,
        s.video_frames,
        "every encoded frame is in the file"
    );
    std::fs::remove_file(path).ok();
}

/// A subscriber that reads nothing for seconds still gets every blob, and the blobs make the
/// whole file; one so far behind that a blob cannot be queued is told so with an `error` (and
/// the recording fails for everyone) — never a silently broken file.
#[test]
fn a_slow_event_reader_gets_every_blob_or_an_error() {
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    // Three seconds without reading, a blob a second: all of them are there afterwards.
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let lazy = rec.events();
    rec.start(Some(1000)).unwrap();
    sleep(Duration::from_secs(3));
    rec.stop();
    let r = until_stop(&lazy);
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(r.blobs.len() >= 3, "{} blobs", r.blobs.len());
    assert_eq!(lazy.dropped(), 0);
    let path = write("lazy.webm", &r.bytes());
    assert!(decodes(&path));
    assert!(packet_times(&path, "v").len() >= 80);
    std::fs::remove_file(path).ok();

    // A blob every 10 ms and a subscriber that never reads: after RECORDER_EVENT_CAPACITY
    // blobs it gets an error instead of the next, and the recording fails.
    let rec = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let reader = rec.events();
    let stalled = rec.events();
    rec.start(Some(10)).unwrap();
    let seen = until_stop(&reader); // stops by itself
    assert_eq!(order(&seen).first(), Some(&"start"));
    assert!(
        seen.errors
            .iter()
            .any(|e| e.message().contains("fell too far behind")),
        "{:?}",
        seen.errors
    );
    assert_eq!(rec.state(), RecordingState::Inactive);
    let mut blobs = Vec::new();
    let mut last = None;
    while let Ok(e) = stalled.recv_timeout(WAIT) {
        match e {
            RecorderEvent::DataAvailable(b) => blobs.push(b),
            other => last = Some(other),
        }
    }
    // Its `start` made room for a blob (a notice may go, a blob may not).
    assert_eq!(blobs.len(), RECORDER_EVENT_CAPACITY);
    assert_eq!(
        stalled.dropped(),
        2,
        "start, and the blob it could not take"
    );
    match last {
        Some(RecorderEvent::Error(e)) => assert!(e.message().contains("behind"), "{e}"),
        other => panic!("the stalled subscription ends with an error, not {other:?}"),
    }
    // What it holds is a whole prefix of the file: it decodes.
    let bytes: Vec<u8> = blobs
        .iter()
        .flat_map(|b| b.data().bytes().to_vec())
        .collect();
    let path = write("stalled.webm", &bytes);
    assert!(decodes(&path));
    std::fs::remove_file(path).ok();
}

/// Encode once: two recorders of one stream with the same options run one encoder per track
/// (the second joins the first's, at a keyframe); another bitrate runs its own; the encoder
/// stops with its last recorder; every file decodes.
#[test]
fn two_recorders_with_the_same_options_share_one_encoder_per_track() {
    use mediacapture::encode::running_encoders;
    let (md, _fake) = default_devices();
    let stream = av_stream(&md);
    let (v, a) = (
        stream.get_video_tracks().remove(0),
        stream.get_audio_tracks().remove(0),
    );
    let first = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let second = MediaRecorder::new(&stream, MediaRecorderOptions::default()).unwrap();
    let mut other_options = MediaRecorderOptions::default();
    other_options.video_bits_per_second = Some(400_000);
    let other = MediaRecorder::new(&stream, other_options).unwrap();
    let (e1, e2, e3) = (first.events(), second.events(), other.events());
    let frames_at_least = |rec: &MediaRecorder, n: u64| {
        let t0 = Instant::now();
        while rec.stats().video_frames < n {
            assert!(t0.elapsed() < WAIT, "{:?}", rec.stats());
            sleep(Duration::from_millis(10));
        }
    };
    first.start(None).unwrap();
    frames_at_least(&first, 10);
    second.start(None).unwrap();
    other.start(None).unwrap();
    frames_at_least(&second, 20);
    frames_at_least(&other, 20);
    let video = running_encoders(&v);
    assert_eq!(video.len(), 2, "one per bitrate: {video:?}");
    let mut subscribers: Vec<usize> = video.iter().map(|e| e.subscribers).collect();
    subscribers.sort_unstable();
    assert_eq!(subscribers, [1, 2], "first and second share one");
    let audio = running_encoders(&a);
    assert_eq!(audio.len(), 1, "the same audio options: {audio:?}");
    assert_eq!(audio[0].subscribers, 3);

    first.stop();
    let r1 = until_stop(&e1);
    assert_eq!(
        running_encoders(&v)
            .iter()
            .map(|e| e.subscribers)
            .collect::<Vec<_>>(),
        [1, 1],
        "the shared encoder goes on for the second"
    );
    second.stop();
    other.stop();
    let (r2, r3) = (until_stop(&e2), until_stop(&e3));
    assert!(running_encoders(&v).is_empty() && running_encoders(&a).is_empty());
    for (name, r) in [("first", &r1), ("second", &r2), ("other", &r3)] {
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
        let path = write(&format!("shared-{name}.webm"), &r.bytes());
        assert!(decodes(&path), "{name}");
        assert_eq!(
            packet_keys(&path, "v").first(),
            Some(&true),
            "{name} starts at a keyframe"
        );
        let names: Vec<String> = streams(&path)
            .iter()
            .map(|s| s["codec_name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, ["vp8", "opus"], "{name}");
        std::fs::remove_file(path).ok();
    }
    for rec in [&first, &second, &other] {
        assert!(rec.stats().video_frames >= 20, "{:?}", rec.stats());
    }
}
