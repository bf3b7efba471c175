//! SelectSettings: table-driven cases (spec-notes §4.2, §5.7 and the examples), and a
//! randomized comparison with a brute-force reference that enumerates every settings
//! dictionary exactly as the spec's text describes.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // Tests fail by panicking.

use mediacapture_core::capabilities::{track_capabilities, track_settings};
use mediacapture_core::{
    BareValue, DeviceOffer, SelectedSettings, SelectionDefaults, disallowed_required_constraint,
    fitness_distance, select_settings,
};
use mediacapture_types::device::*;
use mediacapture_types::*;
use serde_json::{Value, json};

fn cam(
    modes: &[(u32, u32, f64)],
    crop: bool,
    facing: &[VideoFacingModeEnum],
) -> DeviceCapabilities {
    let mut v = VideoDeviceCapabilities::new(
        modes
            .iter()
            .map(|&(w, h, f)| VideoMode::new(w, h, f))
            .collect(),
    );
    v.crop_and_scale = crop;
    v.facing_mode = facing.to_vec();
    DeviceCapabilities::Video(v)
}

fn mic() -> DeviceCapabilities {
    let mut a = AudioDeviceCapabilities::default();
    a.sample_rates = vec![48000, 44100, 16000];
    a.channel_counts = vec![1, 2];
    a.echo_cancellation = vec![
        true.into(),
        false.into(),
        "all".into(),
        "remote-only".into(),
    ];
    DeviceCapabilities::Audio(a)
}

struct Dev {
    id: String,
    group: String,
    caps: DeviceCapabilities,
}

fn dev(id: &str, group: &str, caps: DeviceCapabilities) -> Dev {
    Dev {
        id: id.into(),
        group: group.into(),
        caps,
    }
}

fn offers(devs: &[Dev]) -> Vec<DeviceOffer<'_>> {
    devs.iter()
        .map(|d| DeviceOffer {
            device_id: &d.id,
            group_id: &d.group,
            capabilities: &d.caps,
            restrict_to: None,
        })
        .collect()
}

/// Runs SelectSettings and returns the chosen settings as JSON, or `Err(failed constraint)`.
fn select(devs: &[Dev], kind: MediaStreamTrackKind, c: Value) -> Result<Value, String> {
    let c: MediaTrackConstraints = serde_json::from_value(c).unwrap();
    let o = offers(devs);
    match select_settings(kind, &o, &c, &SelectionDefaults::default()) {
        Ok(s) => {
            let d = &devs[s.device];
            Ok(
                serde_json::to_value(track_settings(&s.settings, &d.caps, &d.id, &d.group))
                    .unwrap(),
            )
        }
        Err(e) => Err(e.name().to_owned()),
    }
}

fn worked_example_camera() -> Vec<Dev> {
    vec![dev(
        "cam",
        "g",
        cam(
            &[(640, 480, 30.0), (1280, 720, 30.0)],
            true,
            &[VideoFacingModeEnum::User],
        ),
    )]
}

/// Each row: constraints, then the expected settings (a subset of keys) or the failed constraint.
#[test]
fn video_selection_table() {
    use MediaStreamTrackKind::Video;
    let d = worked_example_camera();
    let ok = |c: Value, want: Value| {
        let got = select(&d, Video, c.clone()).unwrap_or_else(|e| panic!("{c}: failed on {e:?}"));
        for (k, v) in want.as_object().unwrap() {
            assert_eq!(&got[k], v, "{c}: {k} in {got}");
        }
    };
    let fails = |c: Value, name: &str| {
        assert_eq!(select(&d, Video, c.clone()), Err(name.to_owned()), "{c}")
    };

    // No constraints: the native mode closest to the 640x480@30 default.
    ok(
        json!({}),
        json!({"width":640,"height":480,"frameRate":30,"resizeMode":"none","aspectRatio":1.3333333333,"facingMode":"user"}),
    );
    // spec-notes §5.7 worked examples.
    ok(
        json!({"width":1280,"height":720}),
        json!({"width":1280,"height":720,"resizeMode":"none"}),
    );
    ok(
        json!({"width":{"min":800}}),
        json!({"width":1280,"height":720,"resizeMode":"none"}),
    );
    ok(
        json!({"width":{"ideal":320,"min":160}}),
        json!({"width":320,"height":240,"resizeMode":"crop-and-scale"}),
    );
    ok(
        json!({"advanced":[{"width":1920,"height":1280},{"aspectRatio":1.3333333333}]}),
        json!({"width":640,"height":480}),
    );
    ok(
        json!({"frameRate":{"min":30},"advanced":[{"frameRate":{"min":50}},{"frameRate":{"min":40}}]}),
        json!({"frameRate":30}),
    );
    // The examples.
    ok(
        json!({"width":{"exact":641},"height":{"exact":361}}),
        json!({"width":641,"height":361,"resizeMode":"crop-and-scale"}),
    );
    fails(
        json!({"resizeMode":{"exact":"none"},"width":{"exact":641}}),
        "width",
    );
    fails(json!({"width":{"exact":5000}}), "width");
    // spec-notes §4.2 (WPT).
    fails(json!({"width":{"min":100000000u64}}), "width");
    fails(json!({"facingMode":{"exact":""}}), "facingMode");
    fails(json!({"resizeMode":{"exact":"INVALID"}}), "resizeMode");
    ok(
        json!({"resizeMode":{"exact":"none"}}),
        json!({"resizeMode":"none"}),
    );
    ok(
        json!({"resizeMode":{"exact":"crop-and-scale"}}),
        json!({"resizeMode":"crop-and-scale"}),
    );
    ok(
        json!({"resizeMode":"INVALID"}),
        json!({"width":640,"resizeMode":"none"}),
    );
    ok(
        json!({"advanced":[{"width":{"min":1024,"max":800}}]}),
        json!({"width":640}),
    );
    ok(json!({"width":{"min":0}}), json!({"width":640}));
    fails(json!({"groupId":{"exact":"INVALID"}}), "groupId");
    ok(json!({"groupId":"INVALID"}), json!({"groupId":"g"}));
    ok(json!({"groupId":{"exact":"g"}}), json!({"groupId":"g"}));
    fails(json!({"deviceId":{"exact":"nope"}}), "deviceId");
    // Audio constraints in a video request do not apply, even impossible ones.
    ok(
        json!({"sampleRate":{"exact":1},"channelCount":{"min":99}}),
        json!({"width":640}),
    );
    // Height only: width follows the camera's aspect ratio.
    ok(
        json!({"height":{"max":240}}),
        json!({"width":320,"height":240,"resizeMode":"crop-and-scale"}),
    );
    // Ties between crops of both modes go to the one closest to the 640x480@30 default, shape included.
    ok(json!({"height":360}), json!({"width":480,"height":360}));
    // Frame rate below native: crop-and-scale decimates.
    ok(
        json!({"frameRate":{"exact":15}}),
        json!({"frameRate":15,"resizeMode":"crop-and-scale","width":640}),
    );
    ok(json!({"frameRate":{"max":60}}), json!({"frameRate":30}));
    fails(json!({"frameRate":{"min":31}}), "frameRate");
    // Aspect ratio couples width and height.
    ok(
        json!({"aspectRatio":{"exact":1.7777777778}}),
        json!({"width":1280,"height":720,"resizeMode":"none"}),
    );
    ok(
        json!({"aspectRatio":{"exact":1.0}}),
        json!({"aspectRatio":1,"width":480,"height":480}),
    );
    ok(
        json!({"aspectRatio":{"exact":2.0},"width":{"max":800}}),
        json!({"aspectRatio":2,"width":640,"height":320}),
    );
    ok(
        json!({"aspectRatio":{"exact":2.0},"width":{"min":800}}),
        json!({"aspectRatio":2,"width":1280,"height":640}),
    );
    ok(
        json!({"aspectRatio":1.5,"height":{"exact":400}}),
        json!({"width":600,"height":400}),
    );
    fails(json!({"aspectRatio":{"min":2000}}), "aspectRatio");
    // Ideal facing mode on a user-facing camera: still selected (distance 1, not infinite).
    ok(
        json!({"facingMode":"environment"}),
        json!({"facingMode":"user"}),
    );
    ok(
        json!({"facingMode":{"exact":["environment","user"]}}),
        json!({"facingMode":"user"}),
    );
    // Boolean background blur on a camera that does not report it.
    fails(json!({"backgroundBlur":{"exact":true}}), "backgroundBlur");
    ok(json!({"backgroundBlur":true}), json!({"width":640}));
}

#[test]
fn no_crop_and_scale_means_native_modes_only() {
    use MediaStreamTrackKind::Video;
    let d = vec![dev(
        "c",
        "g",
        cam(&[(640, 480, 30.0), (1280, 720, 15.0)], false, &[]),
    )];
    assert_eq!(
        select(&d, Video, json!({"width":{"exact":641}})),
        Err("width".into())
    );
    assert_eq!(
        select(&d, Video, json!({"width":{"min":700}})).unwrap()["frameRate"],
        json!(15)
    );
    assert_eq!(
        select(&d, Video, json!({"frameRate":{"exact":20}})),
        Err("frameRate".into())
    );
    assert_eq!(
        select(&d, Video, json!({"resizeMode":{"exact":"crop-and-scale"}})),
        Err("resizeMode".into())
    );
    let s = select(&d, Video, json!({"width":{"ideal":320}})).unwrap();
    assert_eq!(
        (s["width"].clone(), s["resizeMode"].clone()),
        (json!(640), json!("none"))
    );
    assert!(
        s.get("facingMode").is_none(),
        "facingMode is omitted when unknown"
    );
}

#[test]
fn device_choice_follows_fitness_then_offer_order() {
    use MediaStreamTrackKind::Video;
    let d = vec![
        dev(
            "front",
            "g1",
            cam(&[(640, 480, 30.0)], true, &[VideoFacingModeEnum::User]),
        ),
        dev(
            "back",
            "g2",
            cam(
                &[(1920, 1080, 30.0)],
                true,
                &[VideoFacingModeEnum::Environment],
            ),
        ),
    ];
    assert_eq!(
        select(&d, Video, json!({})).unwrap()["deviceId"],
        json!("front")
    );
    assert_eq!(
        select(&d, Video, json!({"facingMode":"environment"})).unwrap()["deviceId"],
        json!("back")
    );
    assert_eq!(
        select(&d, Video, json!({"width":1920})).unwrap()["deviceId"],
        json!("back")
    );
    assert_eq!(
        select(&d, Video, json!({"deviceId":"back"})).unwrap()["deviceId"],
        json!("back")
    );
    assert_eq!(
        select(&d, Video, json!({"deviceId":{"exact":["x","back"]}})).unwrap()["deviceId"],
        json!("back")
    );
    assert_eq!(
        select(&d, Video, json!({"groupId":{"exact":"g2"}})).unwrap()["groupId"],
        json!("g2")
    );
    // Advanced: the first satisfiable set wins the filter, ranking stays on the basic set.
    let s = select(
        &d,
        Video,
        json!({"width":640,"advanced":[{"facingMode":"environment"}]}),
    )
    .unwrap();
    assert_eq!(
        (s["deviceId"].clone(), s["width"].clone()),
        (json!("back"), json!(640))
    );
    // Exactly tied devices: the earlier offer (the default device comes first).
    let twins = vec![
        dev("a", "g", cam(&[(640, 480, 30.0)], true, &[])),
        dev("b", "g", cam(&[(640, 480, 30.0)], true, &[])),
    ];
    assert_eq!(
        select(&twins, Video, json!({})).unwrap()["deviceId"],
        json!("a")
    );
}

#[test]
fn audio_selection_table() {
    use MediaStreamTrackKind::Audio;
    let d = vec![dev("mic", "g", mic())];
    let ok = |c: Value, want: Value| {
        let got = select(&d, Audio, c.clone()).unwrap_or_else(|e| panic!("{c}: failed on {e:?}"));
        for (k, v) in want.as_object().unwrap() {
            assert_eq!(&got[k], v, "{c}: {k} in {got}");
        }
    };
    // Defaults: the device's first (native) values, processing on.
    ok(
        json!({}),
        json!({"sampleRate":48000,"channelCount":1,"sampleSize":16,"latency":0.01,
                         "echoCancellation":true,"autoGainControl":true,"noiseSuppression":true}),
    );
    ok(json!({"sampleRate":44100}), json!({"sampleRate":44100}));
    // Resampling offers the standard rates besides the device's own.
    ok(json!({"sampleRate":22050}), json!({"sampleRate":22050}));
    ok(
        json!({"sampleRate":{"exact":96000},"channelCount":{"exact":2}}),
        json!({"sampleRate":96000,"channelCount":2}),
    );
    ok(
        json!({"sampleRate":{"max":44100}}),
        json!({"sampleRate":44100}),
    );
    ok(
        json!({"channelCount":{"exact":2}}),
        json!({"channelCount":2}),
    );
    for ec in [
        json!(true),
        json!(false),
        json!("all"),
        json!("remote-only"),
    ] {
        ok(
            json!({"echoCancellation":{"exact":ec.clone()}}),
            json!({"echoCancellation":ec}),
        );
    }
    ok(
        json!({"echoCancellation":false,"autoGainControl":false,"noiseSuppression":{"exact":false}}),
        json!({"echoCancellation":false,"autoGainControl":false,"noiseSuppression":false}),
    );
    ok(json!({"width":{"exact":1}}), json!({"sampleRate":48000}));
    assert_eq!(
        select(&d, Audio, json!({"sampleRate":{"min":192000}})),
        Err("sampleRate".into())
    );
    assert_eq!(
        select(&d, Audio, json!({"sampleSize":{"exact":24}})),
        Err("sampleSize".into())
    );
    assert_eq!(
        select(&d, Audio, json!({"latency":{"max":0.001}})),
        Err("latency".into())
    );
    assert_eq!(
        select(&d, Audio, json!({"echoCancellation":{"exact":"bogus"}})),
        Err("echoCancellation".into())
    );
    assert_eq!(
        select(&d, Audio, json!({"channelCount":{"min":3}})),
        Err("channelCount".into())
    );
    // A property the device does not report: required fails, ideal is distance 1 (step 5).
    let mut bare = AudioDeviceCapabilities::default();
    bare.latencies.clear();
    let d2 = vec![dev("m2", "g", DeviceCapabilities::Audio(bare))];
    assert_eq!(
        select(&d2, Audio, json!({"latency":{"max":1}})),
        Err("latency".into())
    );
    assert!(
        select(&d2, Audio, json!({"latency":0.5}))
            .unwrap()
            .get("latency")
            .is_none()
    );
}

#[test]
fn a_microphone_without_resampling_offers_only_its_own_values() {
    use MediaStreamTrackKind::Audio;
    let DeviceCapabilities::Audio(mut a) = mic() else {
        panic!()
    };
    a.resample = false;
    let d = vec![dev("m", "g", DeviceCapabilities::Audio(a))];
    assert_eq!(
        select(&d, Audio, json!({"sampleRate":22050})).unwrap()["sampleRate"],
        json!(16000)
    );
    assert_eq!(
        select(&d, Audio, json!({"sampleRate":{"exact":96000}})),
        Err("sampleRate".into())
    );
}

#[test]
fn restricted_selection_keeps_the_running_mode() {
    let caps = cam(&[(640, 480, 30.0), (1280, 720, 30.0)], true, &[]);
    let keep = NativeConfig::Video(VideoMode::new(640, 480, 30.0));
    let o = [DeviceOffer {
        device_id: "c",
        group_id: "g",
        capabilities: &caps,
        restrict_to: Some(&keep),
    }];
    let run = |c: Value| {
        let c: MediaTrackConstraints = serde_json::from_value(c).unwrap();
        select_settings(
            MediaStreamTrackKind::Video,
            &o,
            &c,
            &SelectionDefaults::default(),
        )
    };
    let s = run(json!({"width":{"ideal":1280}})).unwrap();
    assert!(matches!(
        s.settings,
        SelectedSettings::Video {
            width: 640,
            mode: VideoMode { width: 640, .. },
            ..
        }
    ));
    let s = run(json!({"width":{"exact":320}})).unwrap();
    assert!(matches!(
        s.settings,
        SelectedSettings::Video {
            width: 320,
            height: 240,
            ..
        }
    ));
    assert_eq!(
        run(json!({"width":{"exact":1280}})).unwrap_err().name(),
        "width"
    );
}

#[test]
fn disallowed_required_names_are_found() {
    let c: MediaTrackConstraints =
        serde_json::from_value(json!({"backgroundBlur":{"exact":true}})).unwrap();
    assert_eq!(
        disallowed_required_constraint(&c, MediaStreamTrackKind::Video),
        Some(ConstrainableProperty::BackgroundBlur)
    );
    assert_eq!(
        disallowed_required_constraint(&c, MediaStreamTrackKind::Audio),
        None,
        "does not apply to audio"
    );
    let c: MediaTrackConstraints =
        serde_json::from_value(json!({"backgroundBlur":true,"advanced":[{"backgroundBlur":true}]}))
            .unwrap();
    assert_eq!(
        disallowed_required_constraint(&c, MediaStreamTrackKind::Video),
        None,
        "ideal and advanced are allowed"
    );
}

#[test]
fn capabilities_have_the_spec_shapes() {
    let d = &worked_example_camera()[0];
    let c = serde_json::to_value(track_capabilities(&d.caps, &d.id, &d.group)).unwrap();
    assert_eq!(c["width"], json!({"max":1280,"min":1}));
    assert_eq!(c["height"], json!({"max":720,"min":1}));
    assert_eq!(c["frameRate"], json!({"max":30,"min":0}));
    assert_eq!(c["resizeMode"], json!(["none", "crop-and-scale"]));
    assert_eq!(c["facingMode"], json!(["user"]));
    assert_eq!(c["aspectRatio"]["max"], json!(1280));
    assert_eq!(
        (c["deviceId"].clone(), c["groupId"].clone()),
        (json!("cam"), json!("g"))
    );
    let m = serde_json::to_value(track_capabilities(&mic(), "m", "g")).unwrap();
    assert_eq!(
        m["sampleRate"],
        json!({"max":96000,"min":8000}),
        "with resampling"
    );
    let DeviceCapabilities::Audio(mut fixed) = mic() else {
        panic!()
    };
    fixed.resample = false;
    let f = serde_json::to_value(track_capabilities(
        &DeviceCapabilities::Audio(fixed),
        "m",
        "g",
    ))
    .unwrap();
    assert_eq!(
        f["sampleRate"],
        json!({"max":48000,"min":16000}),
        "without: the device's own"
    );
    assert_eq!(m["channelCount"], json!({"max":2,"min":1}));
    assert_eq!(
        m["echoCancellation"],
        json!([true, false, "all", "remote-only"])
    );
    assert_eq!(m["autoGainControl"], json!([true, false]));
    assert_eq!(m["latency"], json!({"max":0.01,"min":0.01}));
}

// ---------------------------------------------------------------------------------------------
// Brute-force reference: SelectSettings exactly as the spec's text says, over every dictionary.

/// Every settings dictionary of a small device. Crop-and-scale frame rates are continuous, so
/// the reference samples them on a grid that contains every value the random constraints use.
fn all_dictionaries(d: &Dev, fr_grid: &[f64]) -> Vec<MediaTrackSettings> {
    let mut out = Vec::new();
    match &d.caps {
        DeviceCapabilities::Video(v) => {
            for m in &v.modes {
                let none = SelectedSettings::Video {
                    mode: *m,
                    width: m.width,
                    height: m.height,
                    frame_rate: m.frame_rate,
                    resize_mode: VideoResizeModeEnum::None,
                    background_blur: None,
                };
                out.push(track_settings(&none, &d.caps, &d.id, &d.group));
                if v.crop_and_scale {
                    for w in 1..=m.width {
                        for h in 1..=m.height {
                            for &f in fr_grid.iter().filter(|f| **f <= m.frame_rate) {
                                let s = SelectedSettings::Video {
                                    mode: *m,
                                    width: w,
                                    height: h,
                                    frame_rate: f,
                                    resize_mode: VideoResizeModeEnum::CropAndScale,
                                    background_blur: None,
                                };
                                out.push(track_settings(&s, &d.caps, &d.id, &d.group));
                            }
                        }
                    }
                }
            }
        }
        DeviceCapabilities::Audio(a) => {
            for r in a.track_sample_rates() {
                for c in a.track_channel_counts() {
                    for ec in &a.echo_cancellation {
                        for &agc in &a.auto_gain_control {
                            let mut cfg = AudioConfig::new(r, c);
                            cfg.sample_size = a.sample_sizes.first().copied();
                            cfg.latency = a.latencies.first().copied();
                            cfg.echo_cancellation = Some(ec.clone());
                            cfg.auto_gain_control = Some(agc);
                            cfg.noise_suppression = a.noise_suppression.first().copied();
                            out.push(track_settings(
                                &SelectedSettings::Audio(cfg),
                                &d.caps,
                                &d.id,
                                &d.group,
                            ));
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out
}

/// The spec's SelectSettings over explicit dictionaries: returns the smallest basic distance of
/// the final candidates and the candidates, or `None` when there are none.
fn reference(
    devs: &[Dev],
    kind: MediaStreamTrackKind,
    c: &MediaTrackConstraints,
    grid: &[f64],
) -> Option<(f64, Vec<MediaTrackSettings>)> {
    let mut cands: Vec<(f64, MediaTrackSettings)> = devs
        .iter()
        .flat_map(|d| all_dictionaries(d, grid))
        .map(|s| (fitness_distance(&s, &c.basic, kind, BareValue::Ideal), s))
        .filter(|(f, _)| f.is_finite())
        .collect();
    if cands.is_empty() {
        return None;
    }
    for set in c.advanced_sets() {
        let kept: Vec<_> = cands
            .iter()
            .filter(|(_, s)| fitness_distance(s, set, kind, BareValue::Exact).is_finite())
            .cloned()
            .collect();
        if !kept.is_empty() {
            cands = kept;
        }
    }
    let min = cands.iter().map(|(f, _)| *f).fold(f64::INFINITY, f64::min);
    Some((min, cands.into_iter().map(|(_, s)| s).collect()))
}

/// A small deterministic PRNG (xorshift64*), so the test needs no extra crate and is repeatable.
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }
}

fn random_num(r: &mut Rng, lo: u64, hi: u64, bare_ok: bool, step: f64) -> Value {
    let v = |r: &mut Rng| json!((lo + r.below(hi - lo + 1)) as f64 * step);
    let mut m = serde_json::Map::new();
    if bare_ok && r.chance(25) {
        return v(r);
    }
    for k in ["exact", "ideal", "max", "min"] {
        if r.chance(if k == "ideal" { 50 } else { 25 }) {
            m.insert(k.into(), v(r));
        }
    }
    Value::Object(m)
}

fn random_video_set(r: &mut Rng) -> Value {
    let mut m = serde_json::Map::new();
    if r.chance(50) {
        m.insert("width".into(), random_num(r, 0, 14, true, 1.0));
    }
    if r.chance(50) {
        m.insert("height".into(), random_num(r, 0, 11, true, 1.0));
    }
    if r.chance(35) {
        m.insert("frameRate".into(), random_num(r, 0, 24, true, 0.5));
    }
    if r.chance(30) {
        let ratios = [0.5, 1.0, 1.25, 4.0 / 3.0, 1.5, 2.0, 3.0];
        let mut v = || json!(ratios[r.below(ratios.len() as u64) as usize]);
        let a = v();
        let b = v();
        let forms = [
            a.clone(),
            json!({"ideal": a.clone()}),
            json!({"exact": a.clone()}),
            json!({"min": a.clone()}),
            json!({"min": a, "max": b}),
        ];
        m.insert(
            "aspectRatio".into(),
            forms[r.below(forms.len() as u64) as usize].clone(),
        );
    }
    if r.chance(20) {
        let forms = [
            json!("none"),
            json!("crop-and-scale"),
            json!({"exact":"none"}),
            json!({"exact":"crop-and-scale"}),
            json!({"ideal":"x"}),
        ];
        m.insert(
            "resizeMode".into(),
            forms[r.below(forms.len() as u64) as usize].clone(),
        );
    }
    Value::Object(m)
}

#[test]
fn region_selection_matches_brute_force_on_random_video_constraints() {
    use MediaStreamTrackKind::Video;
    let devs = vec![
        dev("a", "g", cam(&[(8, 6, 10.0), (12, 9, 5.0)], true, &[])),
        dev(
            "b",
            "g2",
            cam(
                &[(10, 10, 12.0)],
                false,
                &[VideoFacingModeEnum::Environment],
            ),
        ),
    ];
    let grid: Vec<f64> = (0..=24).map(|i| i as f64 * 0.5).collect();
    let mut r = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut resolved, mut rejected) = (0, 0);
    for case in 0..400 {
        let mut c = random_video_set(&mut r);
        if r.chance(40) {
            let n = 1 + r.below(2);
            let adv: Vec<Value> = (0..n).map(|_| random_video_set(&mut r)).collect();
            c.as_object_mut()
                .unwrap()
                .insert("advanced".into(), Value::Array(adv));
        }
        let parsed: MediaTrackConstraints = serde_json::from_value(c.clone()).unwrap();
        let o = offers(&devs);
        let got = select_settings(Video, &o, &parsed, &SelectionDefaults::default());
        let want = reference(&devs, Video, &parsed, &grid);
        match (got, want) {
            (Err(_), None) => rejected += 1,
            (Ok(sel), Some((min, finals))) => {
                resolved += 1;
                let d = &devs[sel.device];
                let s = track_settings(&sel.settings, &d.caps, &d.id, &d.group);
                let f = fitness_distance(&s, &parsed.basic, Video, BareValue::Ideal);
                assert!(
                    (f - min).abs() < 1e-9,
                    "case {case}: {c}: chose {} with distance {f}, reference minimum {min}",
                    serde_json::to_string(&s).unwrap()
                );
                // The choice must survive the same advanced filtering as the reference's.
                let mut ok = true;
                for set in parsed.advanced_sets() {
                    let admits_any = finals
                        .iter()
                        .all(|x| fitness_distance(x, set, Video, BareValue::Exact).is_finite());
                    if admits_any {
                        ok &= fitness_distance(&s, set, Video, BareValue::Exact).is_finite();
                    }
                }
                assert!(
                    ok,
                    "case {case}: {c}: {s:?} fails an advanced set the reference applied"
                );
            }
            (got, want) => panic!(
                "case {case}: {c}: got {got:?}, reference {:?}",
                want.map(|w| w.0)
            ),
        }
    }
    assert!(
        resolved > 100 && rejected > 20,
        "the random cases should exercise both outcomes ({resolved}/{rejected})"
    );
}

#[test]
fn region_selection_matches_brute_force_on_random_audio_constraints() {
    use MediaStreamTrackKind::Audio;
    let mut a = AudioDeviceCapabilities::default();
    a.sample_rates = vec![48000, 44100, 16000];
    a.channel_counts = vec![1, 2];
    a.echo_cancellation = vec![true.into(), false.into(), "all".into()];
    a.noise_suppression = vec![true];
    let devs = vec![
        dev("m", "g", DeviceCapabilities::Audio(a)),
        dev("n", "h", mic()),
    ];
    let mut r = Rng(42);
    for case in 0..300 {
        let mut m = serde_json::Map::new();
        let rates = [16000.0, 22050.0, 44100.0, 48000.0, 96000.0];
        if r.chance(60) {
            let v = json!(rates[r.below(5) as usize]);
            let forms = [
                v.clone(),
                json!({"ideal": v.clone()}),
                json!({"exact": v.clone()}),
                json!({"min": v.clone()}),
                json!({"max": v}),
            ];
            m.insert("sampleRate".into(), forms[r.below(5) as usize].clone());
        }
        if r.chance(50) {
            m.insert("channelCount".into(), random_num(&mut r, 0, 3, true, 1.0));
        }
        if r.chance(50) {
            let vals = [
                json!(true),
                json!(false),
                json!("all"),
                json!("remote-only"),
            ];
            let v = vals[r.below(4) as usize].clone();
            m.insert(
                "echoCancellation".into(),
                if r.chance(50) { v } else { json!({"exact": v}) },
            );
        }
        if r.chance(40) {
            m.insert(
                "autoGainControl".into(),
                if r.chance(50) {
                    json!(false)
                } else {
                    json!({"exact": r.chance(50)})
                },
            );
        }
        if r.chance(30) {
            m.insert(
                "deviceId".into(),
                if r.chance(50) {
                    json!("n")
                } else {
                    json!({"exact": "m"})
                },
            );
        }
        let c = Value::Object(m);
        let parsed: MediaTrackConstraints = serde_json::from_value(c.clone()).unwrap();
        let o = offers(&devs);
        let got = select_settings(Audio, &o, &parsed, &SelectionDefaults::default());
        match (got, reference(&devs, Audio, &parsed, &[])) {
            (Err(_), None) => {}
            (Ok(sel), Some((min, _))) => {
                let d = &devs[sel.device];
                let s = track_settings(&sel.settings, &d.caps, &d.id, &d.group);
                let f = fitness_distance(&s, &parsed.basic, Audio, BareValue::Ideal);
                assert!(
                    (f - min).abs() < 1e-9,
                    "case {case}: {c}: distance {f}, reference {min}"
                );
            }
            (got, want) => panic!(
                "case {case}: {c}: got {got:?}, reference {:?}",
                want.map(|w| w.0)
            ),
        }
    }
}

#[test]
fn boolean_and_list_properties_on_devices_that_report_them() {
    use MediaStreamTrackKind::{Audio, Video};
    let mut v = VideoDeviceCapabilities::new(vec![VideoMode::new(640, 480, 30.0)]);
    v.background_blur = vec![true, false];
    let blur = vec![dev("b", "g", DeviceCapabilities::Video(v))];
    assert_eq!(
        select(&blur, Video, json!({})).unwrap()["backgroundBlur"],
        json!(false),
        "default: off when it can be"
    );
    assert_eq!(
        select(&blur, Video, json!({"backgroundBlur":true})).unwrap()["backgroundBlur"],
        json!(true)
    );
    assert_eq!(
        select(&blur, Video, json!({"backgroundBlur":{"exact":true}})).unwrap()["backgroundBlur"],
        json!(true)
    );
    assert_eq!(
        select(&blur, Video, json!({"advanced":[{"backgroundBlur":true}]})).unwrap()["backgroundBlur"],
        json!(true)
    );
    let mut always = VideoDeviceCapabilities::new(vec![VideoMode::new(640, 480, 30.0)]);
    always.background_blur = vec![true];
    let always = vec![dev("a", "g", DeviceCapabilities::Video(always))];
    assert_eq!(
        select(&always, Video, json!({"backgroundBlur":{"exact":false}})),
        Err("backgroundBlur".into())
    );
    assert_eq!(
        select(&always, Video, json!({"backgroundBlur":false})).unwrap()["backgroundBlur"],
        json!(true)
    );
    let caps = serde_json::to_value(track_capabilities(&always[0].caps, "a", "g")).unwrap();
    assert_eq!(caps["backgroundBlur"], json!([true]));

    let mut a = AudioDeviceCapabilities::default();
    a.sample_sizes = vec![16, 24];
    a.latencies = vec![0.02, 0.005];
    let m = vec![dev("m", "g", DeviceCapabilities::Audio(a))];
    let s = select(&m, Audio, json!({})).unwrap();
    assert_eq!(
        (s["sampleSize"].clone(), s["latency"].clone()),
        (json!(16), json!(0.02)),
        "native values first"
    );
    assert_eq!(
        select(&m, Audio, json!({"sampleSize":24})).unwrap()["sampleSize"],
        json!(24)
    );
    assert_eq!(
        select(&m, Audio, json!({"sampleSize":{"min":20}})).unwrap()["sampleSize"],
        json!(24)
    );
    assert_eq!(
        select(&m, Audio, json!({"latency":{"max":0.01}})).unwrap()["latency"],
        json!(0.005)
    );
    // An ideal of 0 is distance 1 from every value (spec step 7): a tie, so the native value.
    assert_eq!(
        select(&m, Audio, json!({"latency":0})).unwrap()["latency"],
        json!(0.02)
    );
    assert_eq!(
        select(&m, Audio, json!({"latency":0.001})).unwrap()["latency"],
        json!(0.005)
    );
    assert_eq!(
        select(
            &m,
            Audio,
            json!({"advanced":[{"sampleSize":24},{"latency":0.02}]})
        )
        .unwrap()["latency"],
        json!(0.02)
    );
    assert_eq!(
        select(&m, Audio, json!({"advanced":[{"sampleSize":32}]})).unwrap()["sampleSize"],
        json!(16),
        "impossible advanced set skipped"
    );
}
