//! The pixel paths of a 1280x720 frame, each with what it replaced, in one run:
//!
//! - `i420_to_rgba_720p/{simd,scalar}`: `VideoFrame::to_rgba` (yuvutils-rs) and the portable
//!   code it replaced (`to_rgba_scalar`), on the fake camera's picture.
//! - `rgba_to_i420_720p/{simd,scalar}`: `to_i420` of an RGBA frame (what a generator or a
//!   photo path feeds an encoder) against `to_i420_scalar`.
//! - `mjpeg_720p_to_i420/{turbojpeg,zune_ycbcr,before}`: an MJPEG camera frame (4:2:0,
//!   quality 85) to I420: `jpeg_to_i420` (libjpeg-turbo straight into the I420 buffer), the
//!   portable `jpeg_to_i420_portable` (zune-jpeg to YCbCr, one pass to I420), and what the
//!   PipeWire backend did first (the `image` crate to RGBA, then the scalar RGBA → I420).
//! - `mjpeg_422_720p_to_i420/{turbojpeg,zune_ycbcr}`: the same for 4:2:2, which many webcams
//!   send (libjpeg-turbo to planar 4:2:2, then chroma to 4:2:0).
//!
//! Run: `cargo bench -p mediacapture-signal --features turbojpeg --bench convert`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use mediacapture_backend_fake::pattern::Pattern;
use mediacapture_hal::{FramePool, VideoFrame, VideoPixelFormat};
use mediacapture_signal::{jpeg_to_i420, jpeg_to_i420_portable};

fn camera() -> VideoFrame {
    let data = Pattern::new(1280, 720).render(42, 1_400_000);
    VideoFrame::new(VideoPixelFormat::I420, 1280, 720, 0, data).unwrap()
}

fn convert(c: &mut Criterion) {
    let i420 = camera();
    let mut g = c.benchmark_group("i420_to_rgba_720p");
    g.bench_function("simd", |b| b.iter(|| black_box(black_box(&i420).to_rgba())));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(black_box(&i420).to_rgba_scalar()))
    });
    g.finish();

    let rgba = VideoFrame::new(VideoPixelFormat::Rgba, 1280, 720, 0, i420.to_rgba()).unwrap();
    let mut g = c.benchmark_group("rgba_to_i420_720p");
    g.bench_function("simd", |b| b.iter(|| black_box(black_box(&rgba).to_i420())));
    g.bench_function("scalar", |b| {
        b.iter(|| black_box(black_box(&rgba).to_i420_scalar()))
    });
    g.finish();

    let jpeg = |sampling| {
        let mut jpeg = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut jpeg, 85);
        e.set_sampling_factor(sampling);
        e.encode(&i420.to_rgb(), 1280, 720, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        jpeg
    };
    let pool = FramePool::new(4);
    for (group, sampling, with_before) in [
        (
            "mjpeg_720p_to_i420",
            jpeg_encoder::SamplingFactor::F_2_2,
            true,
        ),
        (
            "mjpeg_422_720p_to_i420",
            jpeg_encoder::SamplingFactor::F_2_1,
            false,
        ),
    ] {
        let jpeg = jpeg(sampling);
        let mut g = c.benchmark_group(group);
        g.bench_function("turbojpeg", |b| {
            b.iter(|| black_box(jpeg_to_i420(black_box(&jpeg), 0, &pool).unwrap()))
        });
        g.bench_function("zune_ycbcr", |b| {
            b.iter(|| black_box(jpeg_to_i420_portable(black_box(&jpeg), 0, &pool).unwrap()))
        });
        if with_before {
            g.bench_function("before", |b| {
                b.iter(|| {
                    let img = image::load_from_memory_with_format(
                        black_box(&jpeg),
                        image::ImageFormat::Jpeg,
                    )
                    .unwrap()
                    .to_rgba8();
                    let (w, h) = img.dimensions();
                    let rgba =
                        VideoFrame::new(VideoPixelFormat::Rgba, w, h, 0, img.into_raw()).unwrap();
                    black_box(rgba.to_i420_scalar())
                })
            });
        }
        g.finish();
    }
}

criterion_group!(benches, convert);
criterion_main!(benches);
