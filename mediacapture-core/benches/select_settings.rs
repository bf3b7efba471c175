//! SelectSettings on a camera with 50 native modes (target: ≤ 5 µs a call).
//!
//! Run: `cargo bench -p mediacapture-core --bench select_settings`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use criterion::{Criterion, criterion_group, criterion_main};
use mediacapture_core::{DeviceOffer, SelectionDefaults, select_settings};
use mediacapture_types::device::{DeviceCapabilities, VideoDeviceCapabilities, VideoMode};
use mediacapture_types::{MediaStreamTrackKind, MediaTrackConstraints, VideoFacingModeEnum};
use std::hint::black_box;

/// 10 sizes × 5 frame rates = 50 native modes, as a capable USB camera lists them.
fn fifty_modes() -> DeviceCapabilities {
    let sizes = [
        (160, 120),
        (320, 240),
        (352, 288),
        (640, 360),
        (640, 480),
        (800, 600),
        (1024, 768),
        (1280, 720),
        (1600, 1200),
        (1920, 1080),
    ];
    let rates = [5.0, 10.0, 15.0, 24.0, 30.0];
    let modes = sizes
        .iter()
        .flat_map(|&(w, h)| rates.iter().map(move |&f| VideoMode::new(w, h, f)))
        .collect();
    let mut v = VideoDeviceCapabilities::new(modes);
    v.facing_mode = vec![VideoFacingModeEnum::User];
    DeviceCapabilities::Video(v)
}

fn bench(c: &mut Criterion) {
    let caps = fifty_modes();
    let offers = [DeviceOffer {
        device_id: "camera",
        group_id: "group",
        capabilities: &caps,
        restrict_to: None,
    }];
    let defaults = SelectionDefaults::default();
    let cases = [
        ("empty", r#"{}"#),
        (
            "ideal_720p_min_fps",
            r#"{"width":{"ideal":1280},"height":{"ideal":720},"frameRate":{"min":15}}"#,
        ),
        (
            "exact_crop_641x361",
            r#"{"width":{"exact":641},"height":{"exact":361}}"#,
        ),
        (
            "advanced_sets",
            r#"{"width":1920,"advanced":[{"width":4096},{"frameRate":{"min":24}},{"facingMode":"user"}]}"#,
        ),
        (
            "aspect_ratio_ideal",
            r#"{"aspectRatio":1.7777777778,"height":{"ideal":720}}"#,
        ),
        ("overconstrained", r#"{"width":{"exact":5000}}"#),
    ];
    let mut g = c.benchmark_group("select_settings_50_modes");
    for (name, json) in cases {
        let constraints = MediaTrackConstraints::from_json(json).expect("valid constraints");
        g.bench_function(name, |b| {
            b.iter(|| {
                select_settings(
                    MediaStreamTrackKind::Video,
                    black_box(&offers),
                    black_box(&constraints),
                    &defaults,
                )
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
