//! Encode once: consumers of equal configurations share one encoder; keyframes asked by one
//! reach all; a slow consumer loses chunks (counted) without slowing the others; drains, ends
//! and pauses. Frames come from a `VideoTrackGenerator`, written one at a time, so that every
//! count is exact.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use mediacapture_encode::*;
use mediacapture_main::{
    AudioData, AudioTrackGenerator, MediaStreamTrackKind, RecvTimeoutError, TryRecvError,
    VideoFrame, VideoPixelFormat, VideoTrackGenerator,
};

const WAIT: Duration = Duration::from_secs(10);
const FRAME_US: i64 = 33_333;

fn vp8(key_frames: KeyFramePolicy, bits_per_second: u32) -> EncoderConfig {
    EncoderConfig::Video(VideoEncoderConfig {
        codec: VideoCodec::Vp8,
        bits_per_second,
        key_frames,
    })
}

/// Frame `n`: a 64x48 picture that changes with `n`.
fn frame(n: i64) -> VideoFrame {
    let data: Vec<u8> = (0..64 * 48)
        .flat_map(|i| {
            let v = ((i as i64 + n * 7) % 251) as u8;
            [v, v / 2, 255 - v, 255]
        })
        .collect();
    VideoFrame::new(VideoPixelFormat::Rgba, 64, 48, n * FRAME_US, data)
        .unwrap()
        .with_duration(Some(FRAME_US))
}

/// Waits (boundedly) until `cond` holds.
fn until(cond: impl Fn() -> bool, what: &str) {
    let deadline = std::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            std::time::Instant::now() < deadline,
            "not {what} in {WAIT:?}"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn recv(s: &EncodedSubscription) -> Arc<Encoded> {
    s.recv_timeout(WAIT).expect("a chunk")
}

/// Writes frame `n` and returns `s`'s chunk for it.
fn step(g: &VideoTrackGenerator, s: &EncodedSubscription, n: i64) -> Arc<Encoded> {
    g.write(&frame(n)).unwrap();
    let c = recv(s);
    assert_eq!(c.timestamp, n * FRAME_US, "the chunk of frame {n}");
    c
}

#[test]
fn consumers_of_one_configuration_share_one_encoder() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    let b = subscribe(g.track(), &config, 30).unwrap();
    for n in 0..10 {
        let ca = step(&g, &a, n);
        let cb = recv(&b);
        assert!(
            Arc::ptr_eq(&ca, &cb),
            "both get the same chunk of frame {n}"
        );
        assert_eq!(ca.key, n == 0);
    }
    let running = running_encoders(g.track());
    assert_eq!(running.len(), 1, "{running:?}");
    assert_eq!(running[0].subscribers, 2);
    assert_eq!(running[0].frames_encoded, 10);
    assert_eq!(running[0].chunks, 10);
    assert_eq!(a.encoder_info(), running[0]);

    // Another configuration: another encoder.
    let c = subscribe(g.track(), &vp8(KeyFramePolicy::OnRequest, 600_000), 30).unwrap();
    assert_eq!(running_encoders(g.track()).len(), 2);
    drop(c);
    drop(a);
    assert_eq!(running_encoders(g.track())[0].subscribers, 1);
    drop(b);
    assert!(
        running_encoders(g.track()).is_empty(),
        "the last subscription stops the encoder"
    );
    // A new subscription starts a new encoder, from a keyframe.
    let d = subscribe(g.track(), &config, 30).unwrap();
    assert!(step(&g, &d, 10).key);
    assert_eq!(d.encoder_info().frames_encoded, 1);
}

#[test]
fn a_keyframe_asked_for_by_one_consumer_reaches_every_consumer() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    let b = subscribe(g.track(), &config, 30).unwrap();
    for n in 0..5 {
        step(&g, &a, n);
        recv(&b);
    }
    b.request_key_frame();
    let ca = step(&g, &a, 5);
    let cb = recv(&b);
    assert!(ca.key && cb.key, "the next chunk is a keyframe for both");
    assert!(Arc::ptr_eq(&ca, &cb));
    assert!(!step(&g, &a, 6).key, "and only that one");
    assert_eq!(a.encoder_info().key_frames, 2);
}

#[test]
fn a_slow_consumer_loses_chunks_counted_without_slowing_the_other() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let fast = subscribe(g.track(), &config, 30).unwrap();
    let slow = subscribe(g.track(), &config, 4).unwrap();
    for n in 0..40 {
        step(&g, &fast, n);
    }
    assert_eq!(fast.dropped_chunks(), 0);
    assert_eq!(fast.dropped_frames(), 0);
    assert_eq!(
        fast.encoder_info().frames_encoded,
        40,
        "every frame encoded"
    );
    // The encoder queues chunk 39 for the slow one just after (or before) the fast one.
    until(|| slow.dropped_chunks() == 36, "all but the last 4 dropped");
    // What the slow one still holds are deltas after a gap: skipped, and a keyframe is asked
    // for on its behalf.
    assert_eq!(slow.try_recv(), Err(TryRecvError::Empty));
    assert_eq!(slow.skipped_chunks(), 4);
    let c = step(&g, &fast, 40);
    assert!(c.key, "the keyframe the slow consumer asked for");
    assert!(Arc::ptr_eq(&recv(&slow), &c));
    assert!(!step(&g, &fast, 41).key);
    assert_eq!(recv(&slow).timestamp, 41 * FRAME_US);
}

#[test]
fn a_consumer_joining_a_running_encoder_starts_at_a_keyframe() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    for n in 0..3 {
        step(&g, &a, n);
    }
    let b = subscribe(g.track(), &config, 30).unwrap();
    let c = step(&g, &a, 3);
    assert!(c.key, "the newcomer asked for a keyframe");
    assert!(Arc::ptr_eq(&recv(&b), &c));
    assert_eq!(a.encoder_info().frames_encoded, 4);
}

#[test]
fn the_key_frame_policy_counts_frames_or_media_time() {
    let g = VideoTrackGenerator::new();
    let count = subscribe(g.track(), &vp8(KeyFramePolicy::Count(4), 300_000), 30).unwrap();
    let interval = subscribe(
        g.track(),
        &vp8(KeyFramePolicy::Interval(Duration::from_millis(90)), 300_000),
        30,
    )
    .unwrap();
    let (mut by_count, mut by_time) = (Vec::new(), Vec::new());
    for n in 0..12 {
        by_count.push(step(&g, &count, n).key);
        by_time.push(recv(&interval).key);
    }
    let keys = |v: &[bool]| -> Vec<usize> { (0..v.len()).filter(|i| v[*i]).collect() };
    assert_eq!(keys(&by_count), [0, 4, 8]);
    // 90 ms at 33.3 ms a frame: frame 3 is the first 90 ms after frame 0.
    assert_eq!(keys(&by_time), [0, 3, 6, 9]);
}

#[test]
fn a_drain_ends_after_the_frames_already_delivered_and_the_last_stops_the_encoder() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    let b = subscribe(g.track(), &config, 30).unwrap();
    step(&g, &a, 0);
    recv(&b);
    // Frames 1..=5 written at once: some are queued in the encoder's reader when `a` drains.
    for n in 1..=5 {
        g.write(&frame(n)).unwrap();
    }
    a.drain(WAIT);
    let mut got = Vec::new();
    loop {
        match a.recv_timeout(WAIT) {
            Ok(c) => got.push(c.timestamp / FRAME_US),
            Err(RecvTimeoutError::Closed) => break,
            Err(RecvTimeoutError::Timeout) => panic!("the drain did not end"),
        }
    }
    assert_eq!(
        got,
        [1, 2, 3, 4, 5],
        "every frame delivered before the drain"
    );
    assert_eq!(
        a.end(),
        Some(SubscriptionEnd::Drained { skipped_frames: 0 })
    );
    // `b` goes on with the same encoder.
    for n in 1..=5 {
        assert_eq!(recv(&b).timestamp, n * FRAME_US);
    }
    step(&g, &b, 6);
    assert_eq!(running_encoders(g.track()).len(), 1);
    b.drain(WAIT);
    assert_eq!(b.recv_timeout(WAIT), Err(RecvTimeoutError::Closed));
    assert_eq!(
        b.end(),
        Some(SubscriptionEnd::Drained { skipped_frames: 0 })
    );
    assert!(
        running_encoders(g.track()).is_empty(),
        "the last drain stops it"
    );
}

#[test]
fn the_track_ending_ends_every_subscription() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    let b = subscribe(g.track(), &config, 30).unwrap();
    step(&g, &a, 0);
    g.close();
    assert_eq!(a.recv_timeout(WAIT), Err(RecvTimeoutError::Closed));
    assert!(recv(&b).key, "what was queued before the end still comes");
    assert_eq!(b.recv_timeout(WAIT), Err(RecvTimeoutError::Closed));
    assert_eq!(a.end(), Some(SubscriptionEnd::Ended));
    assert_eq!(b.end(), Some(SubscriptionEnd::Ended));
    assert!(running_encoders(g.track()).is_empty());
    let err = subscribe(g.track(), &config, 30).unwrap_err();
    assert_eq!(err.name(), "InvalidStateError");
}

#[test]
fn consumers_all_paused_encode_nothing_and_resume_at_a_keyframe() {
    let g = VideoTrackGenerator::new();
    let config = vp8(KeyFramePolicy::OnRequest, 300_000);
    let a = subscribe(g.track(), &config, 30).unwrap();
    let b = subscribe(g.track(), &config, 30).unwrap();
    step(&g, &a, 0);
    recv(&b);
    // One paused: the other still gets every frame, the paused one nothing.
    b.set_paused(true);
    step(&g, &a, 1);
    a.set_paused(true);
    let pauser = a.pause_handle();
    for n in 2..5 {
        g.write(&frame(n)).unwrap();
    }
    // The encoder reads the three frames and skips them.
    until(|| a.encoder_info().frames_skipped == 3, "frames skipped");
    assert_eq!(a.encoder_info().frames_encoded, 2);
    assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
    pauser.set_paused(false);
    let c = step(&g, &a, 5);
    assert!(c.key, "resumed at a keyframe");
    // `b` is still paused: nothing.
    assert_eq!(b.try_recv(), Err(TryRecvError::Empty));
    b.set_paused(false);
    assert!(step(&g, &a, 6).key, "b's resume asked for one too");
    // b resumed while the encoder may still have been queueing frame 5: it starts at 5 or 6,
    // at a keyframe either way.
    let first = recv(&b);
    assert!(first.key && [5, 6].contains(&(first.timestamp / FRAME_US)));
}

#[test]
fn audio_is_encoded_once_at_the_encoder_rate() {
    let g = AudioTrackGenerator::new();
    let config = EncoderConfig::Audio(AudioEncoderConfig {
        bits_per_second: 64_000,
        variable: true,
        sample_rate: 48_000,
        channels: 1,
    });
    let a = subscribe(g.track(), &config, 100).unwrap();
    let b = subscribe(g.track(), &config, 100).unwrap();
    assert!(matches!(
        a.track_info(),
        TrackInfo::Opus { channels: 1, pre_skip, .. } if *pre_skip > 0
    ));
    // 200 ms of a 44.1 kHz stereo tone, resampled and remixed: 10 packets of 20 ms (less
    // the resampler's delay).
    for i in 0..20 {
        let samples: Vec<f32> = (0..441 * 2)
            .map(|k| ((i * 441 + k / 2) as f32 * 0.06).sin() * 0.5)
            .collect();
        let chunk = AudioData::new_f32(44_100, 2, i as i64 * 10_000, samples).unwrap();
        g.write(&chunk).unwrap();
    }
    // The end of the track flushes the encoder: every packet, then the end.
    g.close();
    let mut n = 0;
    loop {
        match a.recv_timeout(WAIT) {
            Ok(c) => {
                let d = recv(&b);
                assert!(Arc::ptr_eq(&c, &d) && c.key && c.duration == 20_000);
                n += 1;
            }
            Err(RecvTimeoutError::Closed) => break,
            Err(RecvTimeoutError::Timeout) => panic!("no end"),
        }
    }
    assert!((8..=11).contains(&n), "{n} packets");
    assert_eq!(a.end(), Some(SubscriptionEnd::Ended));
    assert_eq!(a.encoder_info().frames_in, 20);
    assert_eq!(a.encoder_info().frames_encoded, 20);
}

#[test]
fn a_configuration_for_the_other_kind_is_a_type_error() {
    let g = VideoTrackGenerator::new();
    assert_eq!(g.track().kind(), MediaStreamTrackKind::Video);
    let audio = EncoderConfig::Audio(AudioEncoderConfig {
        bits_per_second: 64_000,
        variable: true,
        sample_rate: 48_000,
        channels: 1,
    });
    assert_eq!(
        subscribe(g.track(), &audio, 10).unwrap_err().name(),
        "TypeError"
    );
    let bad = EncoderConfig::Audio(AudioEncoderConfig {
        sample_rate: 44_100,
        ..match audio {
            EncoderConfig::Audio(a) => a,
            EncoderConfig::Video(_) => unreachable!(),
        }
    });
    let ag = AudioTrackGenerator::new();
    assert_eq!(
        subscribe(ag.track(), &bad, 10).unwrap_err().name(),
        "NotSupportedError"
    );
}
