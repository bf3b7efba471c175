//! Time from `takePhoto()` to bytes for a 1280x720 photo.
//!
//! - `encode_720p/{png,jpeg}`: a 1280x720 I420 frame of the fake camera's picture to PNG or
//!   JPEG bytes (conversion to RGB plus encoding): the work a photo adds to a frame.
//! - `encode_720p/{png,jpeg}_before`: the same with what `encode_photo` did before, in the same
//!   run: the portable conversion to RGBA, then the `image` crate's encoders (PNG from RGBA).
//! - `take_photo_720p/{png,jpeg}`: the whole `take_photo()` on a live 1280x720@30 fake camera,
//!   including the wait for the camera's next frame (on average half a frame period, 16.7 ms).
//!
//! Run: `cargo bench -p mediacapture --features image-capture --bench take_photo`.
#![allow(clippy::unwrap_used, clippy::expect_used)] // A bench that cannot set up should stop.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use mediacapture::fake::pattern::Pattern;
use mediacapture::{
    ImageCapture, MediaDevices, MediaStreamConstraints, PhotoSettings, VideoFrame,
    VideoPixelFormat, block_on, encode_photo,
};

fn photos(c: &mut Criterion) {
    let frame = VideoFrame::new(
        VideoPixelFormat::I420,
        1280,
        720,
        0,
        Pattern::new(1280, 720).render(42, 1_400_000),
    )
    .unwrap();
    let mut g = c.benchmark_group("encode_720p");
    for (name, mime) in [("png", "image/png"), ("jpeg", "image/jpeg")] {
        g.bench_function(name, |b| {
            b.iter(|| black_box(encode_photo(black_box(&frame), mime).unwrap()))
        });
    }
    g.bench_function("png_before", |b| {
        b.iter(|| {
            use image::ImageEncoder;
            let rgba = black_box(&frame).to_rgba_scalar();
            let mut out = Vec::new();
            image::codecs::png::PngEncoder::new(&mut out)
                .write_image(&rgba, 1280, 720, image::ExtendedColorType::Rgba8)
                .unwrap();
            black_box(out)
        })
    });
    g.bench_function("jpeg_before", |b| {
        b.iter(|| {
            use image::ImageEncoder;
            let rgba = black_box(&frame).to_rgba_scalar();
            let rgb: Vec<u8> = rgba
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect();
            let mut out = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
                .write_image(&rgb, 1280, 720, image::ExtendedColorType::Rgb8)
                .unwrap();
            black_box(out)
        })
    });
    g.finish();

    let devices = MediaDevices::builder()
        .fake_default_devices()
        .build()
        .unwrap();
    let stream = block_on(
        devices.get_user_media(
            MediaStreamConstraints::from_json(
                r#"{"video":{"width":{"exact":1280},"height":{"exact":720},"frameRate":30}}"#,
            )
            .unwrap(),
        ),
    )
    .unwrap();
    let capture = ImageCapture::new(&stream.get_video_tracks()[0]).unwrap();
    let mut g = c.benchmark_group("take_photo_720p");
    g.sample_size(20).measurement_time(Duration::from_secs(4));
    for (name, mime) in [("png", "image/png"), ("jpeg", "image/jpeg")] {
        g.bench_function(name, |b| {
            b.iter(|| {
                black_box(block_on(capture.take_photo_as(PhotoSettings::default(), mime)).unwrap())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, photos);
criterion_main!(benches);
