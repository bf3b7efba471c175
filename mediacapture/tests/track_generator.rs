//! VideoTrackGenerator and AudioTrackGenerator (spec-notes §10.2).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;

fn frame(w: u32, h: u32, ts: i64) -> VideoFrame {
    VideoFrame::black_i420(w, h, ts).unwrap()
}

fn read_ts(r: &MediaStreamTrackProcessor) -> i64 {
    r.read_timeout(WAIT).unwrap().timestamp()
}

#[test]
fn written_frames_reach_readers_unchanged_and_shared() {
    let g = VideoTrackGenerator::new();
    let t = g.track();
    assert_eq!(
        (t.kind(), t.ready_state()),
        (MediaStreamTrackKind::Video, MediaStreamTrackState::Live)
    );
    let (r1, r2) = (
        MediaStreamTrackProcessor::new(t, Some(8)).unwrap(),
        MediaStreamTrackProcessor::new(t, Some(8)).unwrap(),
    );
    let f = frame(320, 240, 5_000);
    g.write(&f).unwrap();
    let (a, b) = (r1.read().unwrap(), r2.read().unwrap());
    let (a, b) = (a.as_video().unwrap(), b.as_video().unwrap());
    assert_eq!(
        (a.display_width(), a.display_height(), a.timestamp()),
        (320, 240, 5_000)
    );
    assert!(
        a.shares_buffer_with(&f) && b.shares_buffer_with(&f),
        "passed through, not copied"
    );
    let s = t.get_settings();
    assert_eq!(
        (s.width, s.height, s.resize_mode.as_deref()),
        (Some(320), Some(240), Some("none"))
    );
    assert!(
        s.device_id.is_none() && s.group_id.is_none(),
        "a generated track has no device"
    );
}

#[test]
fn frames_written_while_muted_are_discarded_and_tracks_fire_mute_unmute() {
    let g = VideoTrackGenerator::new();
    let r = MediaStreamTrackProcessor::new(g.track(), Some(8)).unwrap();
    let events = g.track().events();
    g.write(&frame(8, 8, 1)).unwrap();
    assert_eq!(read_ts(&r), 1);
    g.set_muted(true);
    assert!(g.muted() && g.track().muted());
    g.write(&frame(8, 8, 2)).unwrap();
    g.set_muted(false);
    g.write(&frame(8, 8, 3)).unwrap();
    assert_eq!(
        read_ts(&r),
        3,
        "the frame written while muted never arrives"
    );
    let got: Vec<TrackEvent> = std::iter::from_fn(|| events.try_recv().ok()).collect();
    assert_eq!(
        got,
        vec![TrackEvent::Started, TrackEvent::Mute, TrackEvent::Unmute]
    );
}

#[test]
fn writes_fail_once_every_track_has_ended() {
    let g = VideoTrackGenerator::new();
    let clone = g.track().clone();
    let r = MediaStreamTrackProcessor::new(&clone, Some(8)).unwrap();
    g.track().stop();
    g.write(&frame(8, 8, 1)).unwrap(); // the clone is still live
    assert_eq!(read_ts(&r), 1);
    clone.stop();
    let e = g.write(&frame(8, 8, 2)).unwrap_err();
    assert_eq!(e.name(), "TypeError");
    // The same holds while muted.
    let g = VideoTrackGenerator::new();
    g.set_muted(true);
    g.track().stop();
    assert_eq!(g.write(&frame(8, 8, 1)).unwrap_err().name(), "TypeError");
}

#[test]
fn close_and_drop_end_the_tracks_with_ended() {
    let g = VideoTrackGenerator::new();
    let t = g.track().new_handle();
    let c = t.clone();
    let (et, ec) = (t.events(), c.events());
    g.close();
    for e in [&et, &ec] {
        let got: Vec<TrackEvent> = std::iter::from_fn(|| e.recv_timeout(WAIT).ok()).collect();
        assert_eq!(got, vec![TrackEvent::Ended]);
    }
    assert_eq!(g.write(&frame(8, 8, 1)).unwrap_err().name(), "TypeError");
    let g = AudioTrackGenerator::new();
    let t = g.track().new_handle();
    drop(g);
    assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
}

#[test]
fn constraints_crop_and_scale_what_is_written() {
    let g = VideoTrackGenerator::new();
    g.write(&frame(320, 240, 0)).unwrap();
    let small = g.track().clone();
    apply(&small, r#"{"width":{"exact":160},"height":{"exact":90}}"#).unwrap();
    assert_eq!(
        small.get_settings().resize_mode.as_deref(),
        Some("crop-and-scale")
    );
    let (rs, rf) = (
        MediaStreamTrackProcessor::new(&small, Some(8)).unwrap(),
        MediaStreamTrackProcessor::new(g.track(), Some(8)).unwrap(),
    );
    g.write(&frame(320, 240, 40_000)).unwrap();
    let s = rs.read().unwrap();
    assert_eq!(
        (
            s.as_video().unwrap().coded_width(),
            s.as_video().unwrap().coded_height()
        ),
        (160, 90)
    );
    assert_eq!(rf.read().unwrap().as_video().unwrap().coded_width(), 320);
    // The as-is track follows the frames' size; the constrained clone keeps its own.
    g.write(&frame(640, 360, 80_000)).unwrap();
    assert_eq!(rf.read().unwrap().as_video().unwrap().coded_width(), 640);
    assert_eq!(g.track().get_settings().width, Some(640));
    assert_eq!(small.get_settings().width, Some(160));
    assert_eq!(rs.read().unwrap().as_video().unwrap().coded_width(), 160);
    assert_eq!(
        apply(&small, r#"{"width":{"exact":4000}}"#)
            .unwrap_err()
            .constraint(),
        Some("width")
    );
}

#[test]
fn the_frame_rate_setting_is_estimated_from_timestamps() {
    let g = VideoTrackGenerator::new();
    for i in 0..5 {
        g.write(&frame(16, 16, i * 40_000)).unwrap();
    }
    assert_eq!(g.track().get_settings().frame_rate, Some(25.0));
}

#[test]
fn audio_generator_settings_follow_the_data() {
    let g = AudioTrackGenerator::new();
    let r = MediaStreamTrackProcessor::new(g.track(), Some(8)).unwrap();
    g.write(&AudioData::new_f32(44_100, 1, 0, vec![0.5f32; 441]).unwrap())
        .unwrap();
    let s = g.track().get_settings();
    assert_eq!(
        (s.sample_rate, s.channel_count, s.sample_size),
        (Some(44_100), Some(1), Some(32))
    );
    assert_eq!(r.read().unwrap().as_audio().unwrap().to_f32()[0], 0.5);
    // Disabled: silence of the same shape.
    g.track().set_enabled(false);
    g.write(&AudioData::new_f32(44_100, 1, 10_000, vec![0.5f32; 441]).unwrap())
        .unwrap();
    let a = r.read().unwrap();
    assert!(a.as_audio().unwrap().to_f32().iter().all(|v| *v == 0.0));
    assert_eq!(g.track().kind(), MediaStreamTrackKind::Audio);
}

#[test]
fn a_constrained_audio_clone_keeps_its_shape_when_the_written_data_changes() {
    let g = AudioTrackGenerator::new();
    g.write(&AudioData::new_f32(48_000, 1, 0, vec![0.25f32; 480]).unwrap())
        .unwrap();
    let low = g.track().clone();
    apply(
        &low,
        r#"{"sampleRate":{"exact":16000},"channelCount":{"exact":2}}"#,
    )
    .unwrap();
    // The data written changes shape: the as-is track follows it, the constrained clone does not.
    g.write(&AudioData::new_f32(44_100, 2, 10_000, vec![0.25f32; 882]).unwrap())
        .unwrap();
    let (s, l) = (g.track().get_settings(), low.get_settings());
    assert_eq!((s.sample_rate, s.channel_count), (Some(44_100), Some(2)));
    assert_eq!((l.sample_rate, l.channel_count), (Some(16_000), Some(2)));
    let r = MediaStreamTrackProcessor::new(&low, Some(64)).unwrap();
    for i in 0..10 {
        g.write(&AudioData::new_f32(44_100, 2, 20_000 + i * 10_000, vec![0.25f32; 882]).unwrap())
            .unwrap();
    }
    let got = r.read_timeout(WAIT).unwrap();
    let a = got.as_audio().unwrap();
    assert_eq!(
        (a.sample_rate(), a.number_of_channels()),
        (16_000, 2),
        "resampled to the clone's settings"
    );
}
