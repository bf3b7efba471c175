//! The conversions, fast and portable, against each other and against known colours.
#![allow(clippy::unwrap_used)]

use crate::frame::{VideoFrame, VideoPixelFormat};

fn i420(w: u32, h: u32, y: u8, u: u8, v: u8) -> VideoFrame {
    let (l, size) = VideoPixelFormat::I420.layout(w, h);
    let mut d = vec![v; size];
    d[..l[1].offset].fill(y);
    d[l[1].offset..l[2].offset].fill(u);
    VideoFrame::new(VideoPixelFormat::I420, w, h, 0, d).unwrap()
}

#[test]
fn bt709_limited_range_colours_become_the_right_rgb() {
    // 75 % bars in BT.709 limited range (the fake camera's values) and their RGB.
    for ((y, u, v), rgb) in [
        ((180, 128, 128), [191, 191, 191]),
        ((51, 109, 212), [191, 0, 0]),
        ((28, 212, 120), [0, 0, 191]),
        ((16, 128, 128), [0, 0, 0]),
        ((235, 128, 128), [255, 255, 255]),
    ] {
        let px = i420(4, 2, y, u, v).to_rgba();
        for c in 0..3 {
            assert!(
                (i32::from(px[c]) - rgb[c]).abs() <= 2,
                "{:?} gave {:?}, want {rgb:?}",
                (y, u, v),
                &px[..4]
            );
        }
        assert_eq!(px[3], 255);
    }
}

#[test]
fn rgba_to_i420_and_back_is_close() {
    let (w, h) = (6u32, 4u32);
    let mut rgba = Vec::new();
    for i in 0..w * h {
        let c = [(i * 37 % 256) as u8, 200, (255 - i * 11 % 256) as u8, 255];
        rgba.extend_from_slice(&c);
    }
    // Flat 2x2 blocks so that chroma subsampling loses nothing.
    let mut flat = rgba.clone();
    for y in 0..h as usize {
        for x in 0..w as usize {
            let src = 4 * ((y / 2 * 2) * w as usize + x / 2 * 2);
            let dst = 4 * (y * w as usize + x);
            let p: [u8; 4] = flat[src..src + 4].try_into().unwrap();
            flat[dst..dst + 4].copy_from_slice(&p);
        }
    }
    let f = VideoFrame::new(VideoPixelFormat::Rgba, w, h, 7, flat.clone()).unwrap();
    let yuv = f.to_i420();
    assert_eq!((yuv.format(), yuv.timestamp()), (VideoPixelFormat::I420, 7));
    let back = yuv.to_rgba();
    for (a, b) in flat.iter().zip(&back) {
        assert!(
            (i32::from(*a) - i32::from(*b)).abs() <= 3,
            "{flat:?}\n{back:?}"
        );
    }
    // BGRA is RGBA with red and blue swapped.
    let mut bgra = flat.clone();
    bgra.chunks_exact_mut(4).for_each(|p| p.swap(0, 2));
    let g = VideoFrame::new(VideoPixelFormat::Bgra, w, h, 0, bgra).unwrap();
    assert_eq!(g.to_rgba(), flat);
    assert_eq!(g.to_i420().data(), yuv.data());
}

#[test]
fn nv12_and_i420_agree() {
    let a = i420(4, 4, 100, 60, 200);
    let (l, size) = VideoPixelFormat::Nv12.layout(4, 4);
    let mut d = vec![0u8; size];
    d[..l[1].offset].fill(100);
    for c in d[l[1].offset..].chunks_exact_mut(2) {
        c.copy_from_slice(&[60, 200]);
    }
    let b = VideoFrame::new(VideoPixelFormat::Nv12, 4, 4, 0, d).unwrap();
    assert_eq!(a.to_rgba(), b.to_rgba());
    assert_eq!(b.to_i420().data(), a.data());
    assert!(a.to_i420().shares_buffer_with(&a));
}

/// A frame with detail everywhere: every value of every plane occurs.
fn busy(format: VideoPixelFormat, w: u32, h: u32) -> VideoFrame {
    let (_, size) = format.layout(w, h);
    let d: Vec<u8> = (0..size).map(|i| ((i * 7919) % 251) as u8).collect();
    VideoFrame::new(format, w, h, 5, d).unwrap()
}

fn max_diff(a: &[u8], b: &[u8]) -> u8 {
    assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| x.abs_diff(*y))
        .max()
        .unwrap_or(0)
}

#[test]
fn the_fast_path_agrees_with_the_portable_code() {
    for (w, h) in [(64, 32), (33, 17), (1280, 720)] {
        for format in [VideoPixelFormat::I420, VideoPixelFormat::Nv12] {
            let f = busy(format, w, h);
            // Luma is clamped to the legal range by one and not the other below 16 and above
            // 235; a legal picture differs by a step of fixed point at most.
            let legal = VideoFrame::new(
                format,
                w,
                h,
                0,
                f.data()
                    .iter()
                    .map(|&v| v.clamp(16, 235))
                    .collect::<Vec<u8>>(),
            )
            .unwrap();
            let d = max_diff(&legal.to_rgba(), &legal.to_rgba_scalar());
            assert!(d <= 2, "{format:?} {w}x{h}: RGBA differs by {d}");
            let rgb = legal.to_rgb();
            assert_eq!(rgb.len(), 3 * (w * h) as usize);
            let rgba = legal.to_rgba();
            assert!(
                rgb.chunks_exact(3)
                    .zip(rgba.chunks_exact(4))
                    .all(|(a, b)| a == &b[..3])
            );
        }
        for format in [VideoPixelFormat::Rgba, VideoPixelFormat::Bgra] {
            let f = busy(format, w, h);
            let (fast, portable) = (f.to_i420(), f.to_i420_scalar());
            assert_eq!(
                (fast.format(), fast.timestamp()),
                (VideoPixelFormat::I420, 5)
            );
            assert_eq!(fast.color_space(), portable.color_space());
            let d = max_diff(fast.data(), portable.data());
            assert!(d <= 2, "{format:?} {w}x{h}: I420 differs by {d}");
        }
    }
}
