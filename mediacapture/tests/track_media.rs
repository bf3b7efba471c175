//! The media path: what readers of a track receive matches the track's settings.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::fake::pattern::{decode_frame_number, tone_sample};
use mediacapture::*;
use std::time::Duration;

const CAMERA: &str = r#"{"videoinput":[{"label":"Cam","id":"cam","modes":[{"width":640,"height":480,"frameRate":30},{"width":1280,"height":720,"frameRate":30}]}],
                        "audioinput":[{"label":"Mic","id":"mic","sampleRate":[48000,16000],"channelCount":[1,2]}]}"#;

fn reader(t: &MediaStreamTrack, size: u32) -> MediaStreamTrackProcessor {
    MediaStreamTrackProcessor::new(t, Some(size)).unwrap()
}

fn video_frames(r: &MediaStreamTrackProcessor, n: usize) -> Vec<VideoFrame> {
    (0..n)
        .map(|_| {
            r.read_timeout(WAIT)
                .expect("a frame in time")
                .as_video()
                .expect("video")
                .clone()
        })
        .collect()
}

/// Checks size and rate of frames against the track's settings.
fn check_matches_settings(t: &MediaStreamTrack, frames: &[VideoFrame]) {
    let s = t.get_settings();
    let (w, h, fr) = (s.width.unwrap(), s.height.unwrap(), s.frame_rate.unwrap());
    for f in frames {
        assert_eq!(
            (f.coded_width(), f.coded_height()),
            (w, h),
            "frame size = settings"
        );
    }
    let span = (frames.last().unwrap().timestamp() - frames[0].timestamp()) as f64 / 1e6;
    let measured = (frames.len() - 1) as f64 / span;
    assert!(
        (measured - fr).abs() / fr < 0.05,
        "rate {measured:.2} fps vs settings {fr}"
    );
}

#[test]
fn native_and_crop_and_scale_frames_match_the_settings() {
    let (md, _) = devices_with(CAMERA);
    // (constraints, the native mode the frames are cut from, whether the barcode stays readable)
    let cases = [
        ("true", (640, 480), true),
        (r#"{"width":{"exact":1280}}"#, (1280, 720), true),
        (
            r#"{"width":{"exact":641},"height":{"exact":361},"frameRate":{"exact":15}}"#,
            (1280, 720),
            true,
        ),
        // 100x100 from 640x480: the barcode's cells shrink below 3 pixels; size and rate only.
        (
            r#"{"width":{"exact":100},"height":{"exact":100},"frameRate":{"exact":10}}"#,
            (640, 480),
            false,
        ),
    ];
    for (c, native, readable) in cases {
        let t = video(&md, c);
        let r = reader(&t, 64);
        let frames = video_frames(&r, 8);
        check_matches_settings(&t, &frames);
        if readable {
            // The picture is the camera's, numbered: no frame repeated or dropped by the track.
            let numbers: Vec<u32> = frames
                .iter()
                .map(|f| {
                    decode_frame_number(
                        f.plane(0).unwrap(),
                        f.coded_width(),
                        f.coded_height(),
                        native,
                    )
                    .unwrap()
                })
                .collect();
            let step = (30.0 / t.get_settings().frame_rate.unwrap()).round() as u32;
            for w in numbers.windows(2) {
                assert_eq!(w[1] - w[0], step, "{c}: frame numbers {numbers:?}");
            }
        }
        t.stop();
    }
}

#[test]
fn two_clones_each_receive_their_own_settings_from_one_device() {
    let (md, fake) = devices_with(CAMERA);
    let a = video(&md, r#"{"width":{"exact":1280},"height":{"exact":720}}"#);
    let b = a.clone();
    apply(
        &b,
        r#"{"width":{"exact":320},"height":{"exact":240},"frameRate":{"exact":10}}"#,
    )
    .unwrap();
    let (ra, rb) = (reader(&a, 64), reader(&b, 64));
    check_matches_settings(&a, &video_frames(&ra, 6));
    check_matches_settings(&b, &video_frames(&rb, 6));
    assert_eq!(fake.open_count("cam"), 1);
    assert!(
        a.stats().discarded_frames == 0 && b.stats().discarded_frames > 0,
        "only the 10 fps clone decimates"
    );
}

#[test]
fn apply_constraints_takes_effect_on_the_next_frames_without_reopening() {
    let (md, fake) = devices_with(CAMERA);
    let t = video(&md, r#"{"width":{"exact":640},"height":{"exact":480}}"#);
    let r = reader(&t, 64);
    check_matches_settings(&t, &video_frames(&r, 3));
    apply(&t, r#"{"width":{"exact":1280},"height":{"exact":720}}"#).unwrap();
    // Frames already queued may be the old size; the new size comes promptly and stays.
    let mut seen_new = 0;
    for _ in 0..30 {
        let f = r.read_timeout(WAIT).unwrap().as_video().unwrap().clone();
        if (f.coded_width(), f.coded_height()) == (1280, 720) {
            seen_new += 1;
        } else {
            assert_eq!(seen_new, 0, "no old-size frame after a new-size one");
        }
        if seen_new == 5 {
            break;
        }
    }
    assert_eq!(seen_new, 5);
    apply(&t, r#"{"width":{"exact":320},"height":{"exact":180}}"#).unwrap();
    let f = (0..30)
        .map(|_| r.read_timeout(WAIT).unwrap())
        .find(|f| f.as_video().unwrap().coded_width() == 320);
    assert_eq!(f.unwrap().as_video().unwrap().coded_height(), 180);
    assert_eq!(
        fake.open_count("cam"),
        1,
        "one open: the device was switched and cropped, never reopened"
    );
}

#[test]
fn a_disabled_track_delivers_black_frames_and_silence() {
    let (md, _) = devices_with(CAMERA);
    let s = gum(
        &md,
        r#"{"audio":true,"video":{"width":{"exact":320},"height":{"exact":240}}}"#,
    )
    .unwrap();
    let (v, a) = (
        s.get_video_tracks().remove(0),
        s.get_audio_tracks().remove(0),
    );
    let (rv, ra) = (reader(&v, 4), reader(&a, 50));
    v.set_enabled(false);
    a.set_enabled(false);
    // Once set_enabled(false) has returned, nothing of the picture or the sound comes: what
    // is queued was delivered before, and every frame after is black, every chunk silent.
    while rv.try_read().is_ok() {}
    while ra.try_read().is_ok() {}
    for f in video_frames(&rv, 3) {
        assert_eq!(
            (f.coded_width(), f.coded_height()),
            (320, 240),
            "black frames keep the track's size"
        );
        assert!(
            f.plane(0).unwrap().iter().all(|y| *y == 16)
                && f.plane(1).unwrap().iter().all(|u| *u == 128),
            "opaque black"
        );
    }
    for _ in 0..5 {
        let chunk = ra.read_timeout(WAIT).unwrap();
        assert!(
            chunk.as_audio().unwrap().to_f32().iter().all(|s| *s == 0.0),
            "silence"
        );
    }
    v.set_enabled(true);
    let lit = (0..30).map(|_| rv.read_timeout(WAIT).unwrap()).find(|f| {
        f.as_video()
            .unwrap()
            .plane(0)
            .unwrap()
            .iter()
            .any(|y| *y != 16)
    });
    assert!(lit.is_some(), "the picture comes back when enabled");
}

/// Waits (bounded) until `t` has delivered at least `n` frames.
fn wait_delivered(t: &MediaStreamTrack, n: u64) {
    let deadline = std::time::Instant::now() + WAIT;
    while t.stats().delivered_frames < n {
        assert!(
            std::time::Instant::now() < deadline,
            "the track delivered {} of {n} frames in {WAIT:?}",
            t.stats().delivered_frames
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn frame_number(f: &MediaFrame) -> u32 {
    let v = f.as_video().unwrap();
    decode_frame_number(v.plane(0).unwrap(), 640, 480, (640, 480)).expect("a readable barcode")
}

#[test]
fn a_first_reader_starts_from_the_latest_frame_and_never_a_stale_one() {
    let (md, _) = devices_with(CAMERA);
    // Frames delivered before any reader: the first reader starts from the latest, then
    // follows on without a gap; a second reader gets only what comes after it.
    let t = video(&md, "true");
    wait_delivered(&t, 5);
    let before = t.stats().delivered_frames;
    let r = reader(&t, 8);
    let first = frame_number(&r.read_timeout(WAIT).unwrap());
    assert!(
        u64::from(first) + 1 >= before,
        "frame {first} is older than the latest of {before} delivered"
    );
    assert_eq!(frame_number(&r.read_timeout(WAIT).unwrap()), first + 1);
    let second = reader(&t, 8);
    let next = frame_number(&second.read_timeout(WAIT).unwrap());
    assert!(next > first + 1, "a later reader gets no kept frame");

    // Disabled before its first reader: what was kept is forgotten; black frames follow.
    let t = video(&md, "true");
    wait_delivered(&t, 2);
    t.set_enabled(false);
    let r = reader(&t, 8);
    let f = r.read_timeout(WAIT).unwrap();
    assert!(
        f.as_video()
            .unwrap()
            .plane(0)
            .unwrap()
            .iter()
            .all(|y| *y == 16),
        "no picture reaches a reader after set_enabled(false) returned"
    );

    // Stopped before its first reader: nothing, and the reader ends at once.
    let t = video(&md, "true");
    wait_delivered(&t, 2);
    t.stop();
    assert!(
        reader(&t, 8).read().is_none(),
        "a stopped track keeps no frame"
    );
}

#[test]
fn a_muted_track_delivers_nothing_and_resumes_on_unmute() {
    let (md, fake) = devices_with(CAMERA);
    let t = video(&md, r#"{"width":{"exact":320},"height":{"exact":240}}"#);
    let r = reader(&t, 64);
    video_frames(&r, 2);
    fake.set_muted(MediaDeviceKind::VideoInput, "cam", true);
    // Muting takes effect when set_muted returns: after what is queued, nothing comes.
    while r.try_read().is_ok() {}
    assert_eq!(
        r.read_timeout(Duration::from_millis(200)).err(),
        Some(RecvTimeoutError::Timeout),
        "no frames while muted"
    );
    fake.set_muted(MediaDeviceKind::VideoInput, "cam", false);
    assert_eq!(video_frames(&r, 2)[0].coded_width(), 320);
}

#[test]
fn readers_end_when_the_track_stops_or_ends() {
    let (md, fake) = devices_with(CAMERA);
    let t = video(&md, "true");
    let r = reader(&t, 4);
    video_frames(&r, 1);
    t.stop();
    let mut rest = 0;
    while let Ok(_f) = r.read_timeout(WAIT) {
        rest += 1;
    }
    assert!(rest <= 4);
    assert!(r.read().is_none(), "the reader ended");
    assert!(
        MediaStreamTrackProcessor::new(&t, None)
            .unwrap()
            .read()
            .is_none(),
        "a reader of an ended track ends at once"
    );
    let t = audio(&md, "true");
    let r = reader(&t, 4);
    r.read_timeout(WAIT).unwrap();
    fake.remove_device(MediaDeviceKind::AudioInput, "mic");
    while r.read_timeout(WAIT).is_ok() {}
    assert_eq!(r.read_timeout(WAIT).err(), Some(RecvTimeoutError::Closed));
}

#[test]
fn a_slow_reader_loses_old_frames_counted_and_slows_nothing_else() {
    let (md, _) = devices_with(CAMERA);
    let t = video(&md, r#"{"width":{"exact":320},"height":{"exact":240}}"#);
    let other = t.clone();
    let slow = reader(&t, 2);
    let fast = reader(&t, 64);
    let elsewhere = reader(&other, 64);
    std::thread::sleep(Duration::from_millis(500)); // the slow reader reads nothing meanwhile
    let got = video_frames(&fast, 12);
    check_matches_settings(&t, &got);
    video_frames(&elsewhere, 12);
    assert!(
        slow.discarded_frames() >= 8,
        "dropped {}",
        slow.discarded_frames()
    );
    assert_eq!(fast.discarded_frames(), 0);
    // The slow reader gets the newest frames, not the oldest.
    let newest = slow.read().unwrap().timestamp();
    assert!(
        newest >= got[8].timestamp(),
        "latency first: {newest} vs {}",
        got[8].timestamp()
    );
    assert!(
        slow.total_frames() >= slow.discarded_frames() + 2,
        "every frame is read, queued or counted"
    );
}

#[test]
fn readers_share_frames_instead_of_copying() {
    let (md, _) = devices_with(CAMERA);
    let t = video(&md, r#"{"width":{"exact":320},"height":{"exact":240}}"#);
    let same = t.clone();
    let (r1, r2, r3) = (reader(&t, 8), reader(&t, 8), reader(&same, 8));
    let (a, b, c) = (
        video_frames(&r1, 1).remove(0),
        video_frames(&r2, 1).remove(0),
        video_frames(&r3, 1).remove(0),
    );
    assert_eq!(
        (a.timestamp(), b.timestamp(), c.timestamp()),
        (a.timestamp(), a.timestamp(), a.timestamp())
    );
    assert!(a.shares_buffer_with(&b), "two readers of one track");
    assert!(
        a.shares_buffer_with(&c),
        "two tracks with the same size share the scaled frame"
    );
}

#[test]
fn stats_count_decimation_freeze_while_disabled_and_start_at_zero_for_clones() {
    let (md, fake) = devices_with(CAMERA);
    let t = video(
        &md,
        r#"{"frameRate":{"exact":10},"width":{"exact":320},"height":{"exact":240}}"#,
    );
    let r = reader(&t, 64);
    video_frames(&r, 5);
    let s = t.stats();
    assert!(
        s.delivered_frames >= 5 && s.discarded_frames >= 2 * (s.delivered_frames - 1),
        "{s:?}"
    );
    assert_eq!(s.total_frames, s.delivered_frames + s.discarded_frames);
    t.set_enabled(false);
    let frozen = t.stats();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(t.stats(), frozen, "frozen while disabled");
    t.set_enabled(true);
    // Clone with the camera muted, so that no frame slips in before the first look.
    fake.set_muted(MediaDeviceKind::VideoInput, "cam", true);
    let c = t.clone();
    assert_eq!(
        c.stats(),
        MediaStreamTrackStats::default(),
        "a clone starts from zero"
    );
    let rc = reader(&c, 4);
    fake.set_muted(MediaDeviceKind::VideoInput, "cam", false);
    // Two frames on the clone: the source has handed the first to every track by then.
    video_frames(&rc, 2);
    assert!(c.stats().delivered_frames > 0);
    assert!(
        t.stats().total_frames > frozen.total_frames,
        "counting resumed"
    );
}

#[test]
fn audio_chunks_match_the_settings_and_carry_the_known_signal() {
    let (md, _) = devices_with(CAMERA);
    for (c, rate, ch) in [
        ("true", 48_000, 1),
        (
            r#"{"sampleRate":{"exact":16000},"channelCount":{"exact":2}}"#,
            16_000,
            2,
        ),
    ] {
        let t = audio(&md, c);
        let s = t.get_settings();
        assert_eq!((s.sample_rate, s.channel_count), (Some(rate), Some(ch)));
        let r = reader(&t, 100);
        let chunks: Vec<AudioData> = (0..10)
            .map(|_| r.read_timeout(WAIT).unwrap().as_audio().unwrap().clone())
            .collect();
        let mut expected_ts = chunks[0].timestamp();
        for a in &chunks {
            assert_eq!(
                (
                    a.sample_rate(),
                    a.number_of_channels(),
                    a.number_of_frames()
                ),
                (rate, ch, rate / 100)
            );
            assert_eq!(a.timestamp(), expected_ts, "contiguous chunks");
            expected_ts += a.duration();
        }
        // The first chunk starts at sample 0 of the tone: the signal is the known one.
        let first = chunks[0].to_f32();
        for (i, v) in first.chunks(ch as usize).take(50).enumerate() {
            assert_eq!(v[0], tone_sample(i as u64, rate), "sample {i}");
        }
        t.stop();
    }
}

#[test]
fn processor_arguments_are_checked() {
    let (md, _) = devices_with(CAMERA);
    let t = video(&md, "true");
    assert_eq!(
        MediaStreamTrackProcessor::new(&t, Some(0))
            .unwrap_err()
            .name(),
        "TypeError"
    );
    assert_eq!(
        MediaStreamTrackProcessor::new(&t, Some(1_000_000))
            .unwrap_err()
            .name(),
        "TypeError"
    );
    assert_eq!(
        MediaStreamTrackProcessor::new(&t, None).unwrap().track(),
        &t
    );
}

/// Zero crossings per second of one channel: twice the frequency of a pure tone.
fn tone_frequency(samples: &[f32], channels: usize, rate: u32) -> f64 {
    let ch0: Vec<f32> = samples.iter().step_by(channels).copied().collect();
    let crossings = ch0
        .windows(2)
        .filter(|w| (w[0] < 0.0) != (w[1] < 0.0))
        .count();
    crossings as f64 / 2.0 / (ch0.len() as f64 / rate as f64)
}

#[test]
fn two_clones_of_a_microphone_each_get_their_own_rate_and_channels() {
    let (md, fake) = devices_with(CAMERA);
    let native = audio(
        &md,
        r#"{"sampleRate":{"exact":48000},"channelCount":{"exact":1}}"#,
    );
    let other = native.clone();
    apply(
        &other,
        r#"{"sampleRate":{"exact":16000},"channelCount":{"exact":2}}"#,
    )
    .unwrap();
    assert_eq!(
        (
            other.get_settings().sample_rate,
            other.get_settings().channel_count
        ),
        (Some(16000), Some(2))
    );
    assert_eq!(
        (
            native.get_settings().sample_rate,
            native.get_settings().channel_count
        ),
        (Some(48000), Some(1))
    );
    assert_eq!(fake.open_count("mic"), 1, "one device, two shapes");
    let (rn, ro) = (
        MediaStreamTrackProcessor::new(&native, Some(200)).unwrap(),
        MediaStreamTrackProcessor::new(&other, Some(200)).unwrap(),
    );
    let collect = |r: &MediaStreamTrackProcessor, n: usize| -> Vec<AudioData> {
        (0..n)
            .map(|_| r.read_timeout(WAIT).unwrap().as_audio().unwrap().clone())
            .collect()
    };
    let (a, b) = (collect(&rn, 60), collect(&ro, 60));
    for x in &a {
        assert_eq!((x.sample_rate(), x.number_of_channels()), (48000, 1));
    }
    let mut ts = b[0].timestamp();
    let mut samples = Vec::new();
    for x in &b {
        assert_eq!((x.sample_rate(), x.number_of_channels()), (16000, 2));
        assert_eq!(x.timestamp(), ts, "contiguous timestamps after resampling");
        ts += x.duration();
        samples.extend(x.to_f32());
    }
    let frames = samples.len() / 2;
    assert!(
        (frames as f64 - 60.0 * 160.0).abs() <= 160.0,
        "{frames} frames for 600 ms at 16 kHz"
    );
    // Both channels carry the same signal, and it is still the 440 Hz tone.
    assert!(samples.chunks(2).all(|f| f[0] == f[1]));
    // Skip the beep in the first 50 ms of each second: use the middle of the capture.
    let f = tone_frequency(&samples[2 * 1600..2 * 8000], 2, 16000);
    assert!((f - 440.0).abs() < 15.0, "tone at {f:.1} Hz");
    let f0 = tone_frequency(
        &a.iter().flat_map(|x| x.to_f32()).collect::<Vec<_>>()[4800..24000],
        1,
        48000,
    );
    assert!((f0 - 440.0).abs() < 15.0, "native tone at {f0:.1} Hz");
}

/// Reads `n` frames and returns the last (every read must succeed).
fn read_last(r: &MediaStreamTrackProcessor, n: usize) -> MediaFrame {
    let mut last = r.read_timeout(WAIT).unwrap();
    for _ in 1..n {
        last = r.read_timeout(WAIT).unwrap();
    }
    last
}

#[test]
fn a_lone_audio_track_switches_the_device_instead_of_resampling() {
    let (md, fake) = devices_with(CAMERA);
    let t = audio(&md, r#"{"sampleRate":{"exact":48000}}"#);
    apply(&t, r#"{"sampleRate":{"exact":16000}}"#).unwrap();
    let r = MediaStreamTrackProcessor::new(&t, Some(50)).unwrap();
    let a = read_last(&r, 20);
    assert_eq!(a.as_audio().unwrap().sample_rate(), 16000);
    // 16 kHz is one of the device's own rates: the device was switched, once, never reopened.
    assert_eq!(fake.open_count("mic"), 1);
    apply(&t, r#"{"sampleRate":{"exact":22050}}"#).unwrap();
    let a = read_last(&r, 40);
    assert_eq!(
        (
            a.as_audio().unwrap().sample_rate(),
            t.get_settings().sample_rate
        ),
        (22050, Some(22050)),
        "resampled"
    );
}
