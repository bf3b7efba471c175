//! The writers' files, read by ffprobe and decoded by ffmpeg (installed by scripts/setup.sh).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use mediacapture_codecs::opus::OpusEncoder;
use mediacapture_codecs::vpx::{VpxConfig, VpxEncoder};
use mediacapture_codecs::{Container, Muxer, TrackInfo, VideoCodec};
use mediacapture_hal::{VideoFrame, VideoPixelFormat};
use mediacapture_test_support::{ffmpeg_decodes as decodes, ffprobe_json};

/// ffprobe's view of every stream of `path`, frames counted.
fn probe(path: &Path) -> serde_json::Value {
    ffprobe_json(path, &["-count_frames", "-show_streams"])
}

fn frame(w: u32, h: u32, n: u32) -> VideoFrame {
    let (l, size) = VideoPixelFormat::I420.layout(w, h);
    let mut d = vec![128u8; size];
    for (i, y) in d[..l[1].offset].iter_mut().enumerate() {
        *y = ((i as u32 % w + n * 4) % 220 + 16) as u8;
    }
    VideoFrame::new(VideoPixelFormat::I420, w, h, 0, d).unwrap()
}

/// 2 s of 160x120@30 video and 48 kHz stereo audio, muxed into `container`, written in pieces.
fn record(container: Container, codec: Option<VideoCodec>, name: &str) -> PathBuf {
    let mut venc =
        codec.map(|c| VpxEncoder::new(VpxConfig::realtime(c, 160, 120, 200_000)).unwrap());
    let mut aenc = OpusEncoder::new(48_000, 2, 64_000, true).unwrap();
    let mut mux = Muxer::new(
        container,
        codec.map(|c| TrackInfo::video(c, 160, 120)),
        Some(TrackInfo::opus(48_000, 2, aenc.pre_skip())),
    )
    .unwrap();
    let mut bytes = mux.take_bytes().unwrap();
    let mut pieces = 1;
    // Interleave by time: 10 ms of audio at a time, a frame every 33.3 ms.
    let mut next_frame = 0i64;
    let mut n = 0;
    for c in 0..200i64 {
        let t = c * 10_000;
        while let Some(e) = venc.as_mut().filter(|_| next_frame <= t) {
            for chunk in e
                .encode(&frame(160, 120, n), next_frame, 33_333, n % 30 == 0)
                .unwrap()
            {
                mux.write_video(&chunk).unwrap();
            }
            n += 1;
            next_frame = i64::from(n) * 1_000_000 / 30;
        }
        let s: Vec<f32> = (0..480)
            .flat_map(|i| {
                let v =
                    0.3 * ((c * 480 + i) as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin();
                [v, v]
            })
            .collect();
        for p in aenc.encode(&s, t).unwrap() {
            mux.write_audio(&p).unwrap();
        }
        if c % 25 == 24 {
            bytes.extend(mux.take_bytes().unwrap());
            pieces += 1;
        }
    }
    for p in aenc.flush().unwrap() {
        mux.write_audio(&p).unwrap();
    }
    bytes.extend(mux.finish().unwrap());
    assert!(pieces > 5);
    let path = std::env::temp_dir().join(format!("mc-codecs-{}-{name}", std::process::id()));
    std::fs::write(&path, &bytes).unwrap();
    path
}

#[test]
fn webm_vp8_opus_is_read_and_decoded() {
    for (codec, name) in [(VideoCodec::Vp8, "vp8"), (VideoCodec::Vp9, "vp9")] {
        let path = record(Container::WebM, Some(codec), &format!("{name}.webm"));
        let v = probe(&path);
        let s = v["streams"].as_array().unwrap();
        assert_eq!(s.len(), 2, "{v}");
        assert_eq!(s[0]["codec_name"], name);
        assert_eq!(
            (s[0]["width"].as_u64(), s[0]["height"].as_u64()),
            (Some(160), Some(120))
        );
        assert_eq!(s[0]["nb_read_frames"], "60");
        assert_eq!(s[1]["codec_name"], "opus");
        assert_eq!(s[1]["channels"], 2);
        assert!(decodes(&path), "ffmpeg decodes {}", path.display());
        std::fs::remove_file(&path).ok();
    }
}

#[test]
fn ogg_opus_is_read_and_decoded() {
    let path = record(Container::Ogg, None, "a.ogg");
    let v = probe(&path);
    let s = &v["streams"][0];
    assert_eq!(s["codec_name"], "opus");
    let d: f64 = s["duration"].as_str().unwrap().parse().unwrap();
    assert!((d - 2.0).abs() < 0.03, "duration {d}");
    assert!(decodes(&path));
    std::fs::remove_file(&path).ok();
}

#[test]
fn a_webm_file_cut_after_any_piece_is_readable() {
    let path = record(Container::WebM, Some(VideoCodec::Vp8), "cut.webm");
    let bytes = std::fs::read(&path).unwrap();
    let cut = path.with_extension("cut.webm");
    for len in [bytes.len() / 3, bytes.len() / 2 + 17] {
        std::fs::write(&cut, &bytes[..len]).unwrap();
        let v = probe(&cut);
        let frames: u64 = v["streams"][0]["nb_read_frames"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(frames > 5 && frames < 60, "{frames} frames in a cut file");
    }
    std::fs::remove_file(&path).ok();
    std::fs::remove_file(&cut).ok();
}
