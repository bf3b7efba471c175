//! The media path's per-frame costs.
//!
//! - `fanout_1080p/{1,64}`: one 1080p frame from a source to 1 or 64 readers of a track,
//!   including what a camera costs to hand a new frame over (one 1080p buffer copy). Target:
//!   64 readers cost at most 1.1x one reader: frames are shared, never copied per reader.
//! - `crop_and_scale/1080p_to_720p`: one 1080p frame cropped and scaled to a 1280x720 track.
//!
//! Run: `cargo bench -p mediacapture --bench media_path`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use criterion::{Criterion, criterion_group, criterion_main};
use mediacapture::{
    MediaStreamTrackProcessor, MediaTrackConstraints, VideoFrame, VideoPixelFormat,
    VideoTrackGenerator, block_on,
};
use std::hint::black_box;

const W: u32 = 1920;
const H: u32 = 1080;

fn picture() -> Vec<u8> {
    let (_, size) = VideoPixelFormat::I420.layout(W, H);
    (0..size).map(|i| (i * 7 % 251) as u8).collect()
}

fn fanout(c: &mut Criterion) {
    let data = picture();
    let mut g = c.benchmark_group("fanout_1080p");
    for readers in [1usize, 64] {
        let generator = VideoTrackGenerator::new();
        // Readers that never read: each keeps its newest frames and drops (and counts) the rest.
        let procs: Vec<_> = (0..readers)
            .map(|_| MediaStreamTrackProcessor::new(generator.track(), Some(2)).unwrap())
            .collect();
        let mut ts = 0;
        g.bench_function(format!("{readers}"), |b| {
            b.iter(|| {
                ts += 33_333;
                // A camera hands over a new buffer each frame: one copy, then shared.
                let frame =
                    VideoFrame::new(VideoPixelFormat::I420, W, H, ts, data.clone()).unwrap();
                generator.write(black_box(&frame)).unwrap();
            })
        });
        drop(procs);
    }
    g.finish();
}

fn scale(c: &mut Criterion) {
    let generator = VideoTrackGenerator::new();
    let frame = VideoFrame::new(VideoPixelFormat::I420, W, H, 0, picture()).unwrap();
    generator.write(&frame).unwrap();
    let track = generator.track();
    let c720 =
        MediaTrackConstraints::from_json(r#"{"width":{"exact":1280},"height":{"exact":720}}"#)
            .unwrap();
    block_on(track.apply_constraints(c720)).unwrap();
    let reader = MediaStreamTrackProcessor::new(track, Some(1)).unwrap();
    let mut g = c.benchmark_group("crop_and_scale");
    let mut ts = 0;
    g.bench_function("1080p_to_720p", |b| {
        b.iter(|| {
            // Timestamps must advance, or the track's frame-rate decimation drops the frame.
            ts += 33_333;
            generator
                .write(black_box(&frame.with_timestamp(ts, None)))
                .unwrap();
            let out = reader.try_read().unwrap();
            assert_eq!(out.as_video().unwrap().coded_width(), 1280);
        })
    });
    g.finish();
}

criterion_group!(benches, fanout, scale);
criterion_main!(benches);
