//! File-backed fake devices through the same getUserMedia path as hardware.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

mod common;
use common::*;
use mediacapture::*;
use std::path::PathBuf;

fn temp(name: &str, bytes: &[u8]) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mc-files-{}-{name}", std::process::id()));
    std::fs::write(&p, bytes).unwrap();
    p
}

fn y4m(header: &str, frames: &[Vec<u8>]) -> Vec<u8> {
    let mut v = header.as_bytes().to_vec();
    for f in frames {
        v.extend_from_slice(b"FRAME\n");
        v.extend_from_slice(f);
    }
    v
}

fn camera(path: &std::path::Path, extra: &str) -> MediaDevices {
    let json = format!(
        r#"{{"videoinput":[{{"label":"clip","file":{:?}{extra}}}]}}"#,
        path.to_str().unwrap()
    );
    devices_with(&json).0
}

fn first_frame(md: &MediaDevices) -> VideoFrame {
    let t = video(md, "true");
    let r = MediaStreamTrackProcessor::new(&t, Some(8)).unwrap();
    r.read_timeout(WAIT).unwrap().as_video().unwrap().clone()
}

#[test]
fn chroma_formats_become_i420() {
    // 4x2 pictures: Y = 50; U and V constant per file, so the I420 chroma must be the same.
    let cases = [
        (
            "C422",
            vec![50u8; 8]
                .into_iter()
                .chain(vec![90u8; 4])
                .chain(vec![170u8; 4])
                .collect::<Vec<_>>(),
            (90, 170),
        ),
        (
            "C444",
            vec![50u8; 8]
                .into_iter()
                .chain(vec![90u8; 8])
                .chain(vec![170u8; 8])
                .collect(),
            (90, 170),
        ),
        ("Cmono", vec![50u8; 8], (128, 128)),
        (
            "C420paldv",
            vec![50u8; 8]
                .into_iter()
                .chain(vec![90u8; 2])
                .chain(vec![170u8; 2])
                .collect(),
            (90, 170),
        ),
    ];
    for (tag, frame, (u, v)) in cases {
        let tag = tag.trim_start_matches('C');
        let p = temp(
            &format!("{tag}.y4m"),
            &y4m(&format!("YUV4MPEG2 W4 H2 F30:1 C{tag}\n"), &[frame]),
        );
        let md = camera(&p, "");
        let f = first_frame(&md);
        std::fs::remove_file(&p).ok();
        assert_eq!(
            (f.coded_width(), f.coded_height(), f.format()),
            (4, 2, VideoPixelFormat::I420),
            "{tag}"
        );
        assert_eq!(f.plane(0).unwrap(), &[50u8; 8], "{tag}");
        assert_eq!(
            (f.plane(1).unwrap(), f.plane(2).unwrap()),
            (&[u; 2][..], &[v; 2][..]),
            "{tag}"
        );
    }
}

#[test]
fn a_file_that_does_not_loop_ends_its_track() {
    let frames: Vec<Vec<u8>> = (0..3u8).map(|i| vec![i * 40; 12]).collect();
    let p = temp(
        "once.y4m",
        &y4m("YUV4MPEG2 W4 H2 F50:1 C420jpeg\n", &frames),
    );
    let md = camera(&p, r#","loop":false"#);
    let t = video(&md, "true");
    let events = t.events();
    let got: Vec<TrackEvent> = std::iter::from_fn(|| events.recv_timeout(WAIT).ok()).collect();
    std::fs::remove_file(&p).ok();
    // (`started` may come before the subscription; `ended` must be last.)
    assert_eq!(got.last(), Some(&TrackEvent::Ended), "{got:?}");
    assert_eq!(t.ready_state(), MediaStreamTrackState::Ended);
}

#[test]
fn the_only_frame_of_a_file_reaches_a_reader_made_after_the_track_ended() {
    // The frame is delivered when the source starts, inside getUserMedia, and the track ends
    // right after: the first reader still gets it (the track kept its latest frame), then ends.
    let frame: Vec<u8> = (0..12u8).map(|i| i * 20).collect();
    let p = temp(
        "single.y4m",
        &y4m(
            "YUV4MPEG2 W4 H2 F30:1 C420jpeg\n",
            std::slice::from_ref(&frame),
        ),
    );
    let md = camera(&p, r#","loop":false"#);
    for round in 0..10 {
        let t = video(&md, "true");
        let events = t.events();
        while events.recv_timeout(WAIT).is_ok() {}
        assert_eq!(
            t.ready_state(),
            MediaStreamTrackState::Ended,
            "round {round}"
        );
        let r = MediaStreamTrackProcessor::new(&t, None).unwrap();
        let f = r.read_timeout(WAIT).expect("the file's frame");
        let f = f.as_video().unwrap();
        assert_eq!(f.data(), &frame[..], "round {round}: the file's one frame");
        assert_eq!(r.read_timeout(WAIT).err(), Some(RecvTimeoutError::Closed));
        let second = MediaStreamTrackProcessor::new(&t, None).unwrap();
        assert!(second.read().is_none(), "only the first reader gets it");
    }
    std::fs::remove_file(&p).ok();
}

#[test]
fn a_file_gone_since_configuration_is_not_readable() {
    let p = temp(
        "gone.y4m",
        &y4m("YUV4MPEG2 W4 H2 F30:1 C420jpeg\n", &[vec![0u8; 12]]),
    );
    let md = camera(&p, "");
    std::fs::remove_file(&p).unwrap();
    let e = gum(&md, r#"{"video":true}"#).unwrap_err();
    assert_eq!(e.name(), "NotReadableError", "{e}");
}

#[test]
fn the_devices_modes_come_from_the_file_and_crop_and_scale_still_works() {
    let p = temp(
        "mode.y4m",
        &y4m(
            "YUV4MPEG2 W64 H48 F15:1 C420jpeg\n",
            &[vec![100u8; 64 * 48 * 3 / 2]],
        ),
    );
    let md = camera(&p, "");
    let caps = block_on(md.enumerate_devices())[0]
        .get_capabilities()
        .unwrap();
    assert_eq!(
        (
            caps.width.unwrap().max,
            caps.height.unwrap().max,
            caps.frame_rate.unwrap().max
        ),
        (64, 48, 15.0)
    );
    let t = video(&md, r#"{"width":{"exact":32},"height":{"exact":24}}"#);
    let f = MediaStreamTrackProcessor::new(&t, None)
        .unwrap()
        .read_timeout(WAIT)
        .unwrap();
    std::fs::remove_file(&p).ok();
    assert_eq!(f.as_video().unwrap().coded_width(), 32);
}
