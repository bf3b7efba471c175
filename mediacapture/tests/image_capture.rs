//! ImageCapture (MediaStream Image Capture, spec-notes §8): photos and frame grabs from the fake
//! camera, decoded and compared with the camera's known pattern, and every error path.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::*;
use mediacapture::fake::pattern::{Pattern, decode_frame_number};
use mediacapture::*;

/// Decodes a photo (PNG or JPEG) to RGBA.
fn decode(blob: &Blob) -> image::RgbaImage {
    image::load_from_memory(blob.bytes())
        .expect("the photo decodes")
        .to_rgba8()
}

/// BT.709 limited-range luma of RGBA pixels, for the barcode reader.
fn luma(rgba: &[u8]) -> Vec<u8> {
    rgba.chunks_exact(4)
        .map(|p| {
            let y = 0.2126 * f64::from(p[0]) + 0.7152 * f64::from(p[1]) + 0.0722 * f64::from(p[2]);
            (16.0 + y * 219.0 / 255.0).round() as u8
        })
        .collect()
}

/// The fake camera's frame `n` at `w`×`h`, as RGBA (the picture the photo must show).
fn reference(n: u32, w: u32, h: u32) -> Vec<u8> {
    let data = Pattern::new(w, h).render(u64::from(n), 0);
    VideoFrame::new(VideoPixelFormat::I420, w, h, 0, data)
        .unwrap()
        .to_rgba()
}

/// Mean absolute difference between two RGBA pictures over rows `rows` (below the digits and
/// above the barcode, where the frame's time does not show).
fn mean_diff(a: &[u8], b: &[u8], w: u32, rows: std::ops::Range<u32>) -> f64 {
    let (start, end) = ((rows.start * w * 4) as usize, (rows.end * w * 4) as usize);
    let sum: u64 = a[start..end]
        .iter()
        .zip(&b[start..end])
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / (end - start) as f64
}

fn camera_720p(md: &MediaDevices) -> MediaStreamTrack {
    video(
        md,
        r#"{"width":{"exact":1280},"height":{"exact":720},"resizeMode":"none"}"#,
    )
}

#[test]
fn png_photo_is_the_cameras_frame_pixel_for_pixel() {
    let (md, _fake) = default_devices();
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    assert!(capture.track() == &track, "the same track object");
    let photo = block_on(capture.take_photo(PhotoSettings::default())).unwrap();
    assert_eq!(photo.mime_type(), "image/png");
    let img = decode(&photo);
    assert_eq!(img.dimensions(), (1280, 720));
    let n = decode_frame_number(&luma(img.as_raw()), 1280, 720, (1280, 720))
        .expect("the barcode survives");
    let want = reference(n, 1280, 720);
    assert_eq!(
        mean_diff(img.as_raw(), &want, 1280, 100..650),
        0.0,
        "PNG is lossless"
    );
    // The 75 % colour bars have their textbook RGB (independent of our converter's reference):
    // white, yellow, cyan, green, magenta, red, blue, black.
    let bars = [
        [191, 191, 191],
        [191, 191, 0],
        [0, 191, 191],
        [0, 191, 0],
        [191, 0, 191],
        [191, 0, 0],
        [0, 0, 191],
        [0, 0, 0],
    ];
    for (i, rgb) in bars.iter().enumerate() {
        let x = (1280 / 8) * i as u32 + 80;
        let matching = (200..600)
            .filter(|&y| {
                let p = img.get_pixel(x, y).0;
                (0..3).all(|c| (i32::from(p[c]) - rgb[c]).abs() <= 3)
            })
            .count();
        // The moving stripe may cover the column; nothing else may.
        assert!(
            matching == 400 || matching == 0 && img.get_pixel(x, 400).0[..3] == [255, 255, 255],
            "bar {i} at x {x}: {:?}, want {rgb:?}",
            img.get_pixel(x, 400)
        );
    }
}

#[test]
fn jpeg_photo_is_close_to_the_cameras_frame() {
    let (md, _fake) = default_devices();
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    let photo = block_on(capture.take_photo_as(PhotoSettings::default(), "image/jpeg")).unwrap();
    assert_eq!(photo.mime_type(), "image/jpeg");
    assert!(photo.bytes().starts_with(&[0xFF, 0xD8]));
    let img = decode(&photo);
    assert_eq!(img.dimensions(), (1280, 720));
    let n = decode_frame_number(&luma(img.as_raw()), 1280, 720, (1280, 720)).unwrap();
    let d = mean_diff(img.as_raw(), &reference(n, 1280, 720), 1280, 100..650);
    assert!(d < 3.0, "mean difference {d}");
}

#[test]
fn photo_size_comes_from_the_settings_and_is_reported_afterwards() {
    let (md, _fake) = default_devices();
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    let caps = block_on(capture.get_photo_capabilities()).unwrap();
    assert_eq!(caps.image_width, MediaSettingsRange::new(1.0, 1280.0, 1.0));
    assert_eq!(caps.image_height, MediaSettingsRange::new(1.0, 720.0, 1.0));
    assert_eq!(caps.red_eye_reduction, Some(RedEyeReduction::Never));
    assert!(caps.fill_light_mode.is_empty());
    let s = block_on(capture.get_photo_settings()).unwrap();
    assert_eq!((s.image_width, s.image_height), (Some(1280.0), Some(720.0)));

    let photo = block_on(capture.take_photo(PhotoSettings::default().with_size(640, 360))).unwrap();
    let img = decode(&photo);
    assert_eq!(img.dimensions(), (640, 360));
    assert!(decode_frame_number(&luma(img.as_raw()), 640, 360, (1280, 720)).is_some());
    let s = block_on(capture.get_photo_settings()).unwrap();
    assert_eq!((s.image_width, s.image_height), (Some(640.0), Some(360.0)));

    // Only a width: the track's aspect ratio gives the height.
    let only_w = PhotoSettings::from_json(r#"{"imageWidth":320}"#).unwrap();
    let img = decode(&block_on(capture.take_photo(only_w)).unwrap());
    assert_eq!(img.dimensions(), (320, 180));
    // Another aspect ratio is centre-cropped: the barcode is still there.
    let square = PhotoSettings::default().with_size(480, 480);
    let img = decode(&block_on(capture.take_photo(square)).unwrap());
    assert_eq!(img.dimensions(), (480, 480));
    assert!(decode_frame_number(&luma(img.as_raw()), 480, 480, (1280, 720)).is_some());
    // The track itself is unchanged and was not disturbed.
    assert_eq!(track.get_settings().width, Some(1280));
    assert_eq!(track.ready_state(), MediaStreamTrackState::Live);
}

#[test]
fn grab_frame_gives_each_clone_its_own_size() {
    let (md, _fake) = default_devices();
    let a = camera_720p(&md);
    let b = a.clone();
    apply(
        &b,
        r#"{"width":{"exact":320},"height":{"exact":240},"resizeMode":"crop-and-scale"}"#,
    )
    .unwrap();
    let fa = block_on(ImageCapture::new(&a).unwrap().grab_frame()).unwrap();
    let fb = block_on(ImageCapture::new(&b).unwrap().grab_frame()).unwrap();
    assert_eq!((fa.width(), fa.height()), (1280, 720));
    assert_eq!((fb.width(), fb.height()), (320, 240));
    assert_eq!(fa.rgba().len(), 1280 * 720 * 4);
    let n = decode_frame_number(&luma(fa.rgba()), 1280, 720, (1280, 720)).unwrap();
    assert_eq!(
        mean_diff(fa.rgba(), &reference(n, 1280, 720), 1280, 100..650),
        0.0
    );
    assert!(decode_frame_number(&luma(fb.rgba()), 320, 240, (1280, 720)).is_some());
    assert_eq!(fa.pixel(1279, 719).map(|p| p[3]), Some(255));
    assert_eq!(fa.pixel(1280, 0), None);
}

#[test]
fn a_camera_with_a_flash_takes_flash_photos() {
    let (md, _fake) = devices_with(
        r#"{"videoinput":[{"label":"Flash cam","modes":[{"width":640,"height":480,"frameRate":30}],"fillLightMode":["auto","off","flash"]}]}"#,
    );
    let track = video(&md, "true");
    let capture = ImageCapture::new(&track).unwrap();
    let caps = block_on(capture.get_photo_capabilities()).unwrap();
    assert_eq!(
        caps.fill_light_mode,
        [
            FillLightMode::Auto,
            FillLightMode::Off,
            FillLightMode::Flash
        ]
    );
    let s = block_on(capture.get_photo_settings()).unwrap();
    assert_eq!(s.fill_light_mode, Some(FillLightMode::Auto));
    let flash = PhotoSettings::from_json(r#"{"fillLightMode":"flash"}"#).unwrap();
    let img = decode(&block_on(capture.take_photo(flash)).unwrap());
    assert_eq!(img.dimensions(), (640, 480));
    let s = block_on(capture.get_photo_settings()).unwrap();
    assert_eq!(s.fill_light_mode, Some(FillLightMode::Flash));
}

fn err<T: std::fmt::Debug>(r: Result<T, MediaStreamError>) -> &'static str {
    r.unwrap_err().name()
}

#[test]
fn errors_for_audio_tracks_ended_muted_and_disabled_tracks() {
    let (md, fake) = default_devices();
    let mic = audio(&md, "true");
    assert_eq!(err(ImageCapture::new(&mic)), "NotSupportedError");

    // Muted (by the device): takePhoto and grabFrame reject at once; the others work.
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    let events = track.events();
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", true);
    while next_event(&events) != TrackEvent::Mute {}
    assert_eq!(err(block_on(capture.grab_frame())), "InvalidStateError");
    assert_eq!(
        err(block_on(capture.take_photo(PhotoSettings::default()))),
        "InvalidStateError"
    );
    assert!(block_on(capture.get_photo_capabilities()).is_ok());
    fake.set_muted(MediaDeviceKind::VideoInput, "fake-camera-0", false);
    while next_event(&events) != TrackEvent::Unmute {}
    assert!(block_on(capture.grab_frame()).is_ok());

    // Disabled (WPT and Chrome reject; the spec checks readyState only).
    track.set_enabled(false);
    assert_eq!(err(block_on(capture.grab_frame())), "InvalidStateError");
    track.set_enabled(true);

    // Ended: everything rejects with InvalidStateError.
    track.stop();
    assert_eq!(err(block_on(capture.grab_frame())), "InvalidStateError");
    assert_eq!(
        err(block_on(capture.take_photo(PhotoSettings::default()))),
        "InvalidStateError"
    );
    assert_eq!(
        err(block_on(capture.get_photo_capabilities())),
        "InvalidStateError"
    );
    assert_eq!(
        err(block_on(capture.get_photo_settings())),
        "InvalidStateError"
    );
}

#[test]
fn a_track_stopped_after_the_call_fails_the_work_in_parallel() {
    let (md, _fake) = default_devices();
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    // [WPT] getPhotoSettings() then track.stop() in the same task: OperationError.
    let settings = capture.get_photo_settings();
    let caps = capture.get_photo_capabilities();
    let grab = capture.grab_frame();
    let photo = capture.take_photo(PhotoSettings::default());
    track.stop();
    assert_eq!(err(block_on(settings)), "OperationError");
    assert_eq!(err(block_on(caps)), "OperationError");
    assert_eq!(err(block_on(grab)), "UnknownError");
    assert_eq!(err(block_on(photo)), "UnknownError");
}

#[test]
fn bad_photo_settings_are_rejected_by_name() {
    let (md, _fake) = default_devices();
    let track = camera_720p(&md);
    let capture = ImageCapture::new(&track).unwrap();
    let photo = |json: &str| block_on(capture.take_photo(PhotoSettings::from_json(json).unwrap()));
    for (json, name, word) in [
        (r#"{"imageWidth":1281}"#, "NotSupportedError", "imageWidth"),
        (
            r#"{"imageWidth":1280,"imageHeight":721}"#,
            "NotSupportedError",
            "imageHeight",
        ),
        (r#"{"imageWidth":0}"#, "NotSupportedError", "imageWidth"),
        (
            r#"{"redEyeReduction":true}"#,
            "NotSupportedError",
            "red eye",
        ),
        (r#"{"fillLightMode":"flash"}"#, "NotSupportedError", "flash"),
    ] {
        let e = photo(json).unwrap_err();
        assert_eq!(e.name(), name, "{json}: {e}");
        assert!(e.message().contains(word), "{json}: {e}");
    }
    assert!(photo(r#"{"redEyeReduction":false}"#).is_ok());
    let mut nan = PhotoSettings::default();
    nan.image_width = Some(f64::NAN);
    assert_eq!(err(block_on(capture.take_photo(nan))), "TypeError");
    assert_eq!(
        err(block_on(
            capture.take_photo_as(PhotoSettings::default(), "image/webp")
        )),
        "NotSupportedError"
    );
    assert_eq!(
        PhotoSettings::from_json(r#"{"imageWidth":"wide"}"#)
            .unwrap_err()
            .name(),
        "TypeError"
    );
}

#[test]
fn a_generated_track_has_no_photo_capabilities() {
    let generator = VideoTrackGenerator::new();
    let capture = ImageCapture::new(generator.track()).unwrap();
    assert_eq!(
        err(block_on(capture.get_photo_capabilities())),
        "OperationError"
    );
    assert_eq!(
        err(block_on(capture.take_photo(PhotoSettings::default()))),
        "UnknownError"
    );
    // grabFrame works on any video track: the next frame written.
    let grab = std::thread::spawn({
        let capture = ImageCapture::new(generator.track()).unwrap();
        move || block_on(capture.grab_frame())
    });
    let frame = VideoFrame::new(VideoPixelFormat::Rgba, 2, 2, 0, vec![10u8; 16]).unwrap();
    let bitmap = loop {
        generator.write(&frame).unwrap();
        if grab.is_finished() {
            break grab.join().unwrap().unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    };
    assert_eq!((bitmap.width(), bitmap.height()), (2, 2));
    assert_eq!(bitmap.rgba(), &[10u8; 16][..]);
}
