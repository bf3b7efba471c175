//! Formats: what a node's `EnumFormat` params offer, the `Format` pod a stream asks for, and
//! the conversion of PipeWire buffers into the media path's frames.

use pipewire::spa;
use spa::param::format::{FormatProperties, MediaSubtype, MediaType};
use spa::param::video::VideoFormat;
use spa::pod::{ChoiceValue, Object, Pod, Value};
use spa::utils::{ChoiceEnum, Fraction, Rectangle};

use mediacapture_hal::{FramePool, VideoFrame, VideoMode, VideoPixelFormat};

/// The pixel formats we read, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Pixel {
    I420,
    Nv12,
    Yuy2,
    Mjpeg,
}

impl Pixel {
    /// The format's FourCC, as V4L2 and `v4l2-ctl --list-formats` name it.
    pub(crate) fn fourcc(self) -> &'static str {
        match self {
            Pixel::I420 => "I420",
            Pixel::Nv12 => "NV12",
            Pixel::Yuy2 => "YUY2",
            Pixel::Mjpeg => "MJPG",
        }
    }

    fn from_video_format(f: VideoFormat) -> Option<Pixel> {
        match f {
            VideoFormat::I420 => Some(Pixel::I420),
            VideoFormat::NV12 => Some(Pixel::Nv12),
            VideoFormat::YUY2 => Some(Pixel::Yuy2),
            _ => None,
        }
    }
}

/// One native mode a camera node offers, in one pixel format.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct NodeMode {
    pub width: u32,
    pub height: u32,
    pub num: u32,
    pub denom: u32,
    pub pixel: Pixel,
}

impl NodeMode {
    pub(crate) fn frame_rate(&self) -> f64 {
        f64::from(self.num) / f64::from(self.denom.max(1))
    }
    pub(crate) fn video_mode(&self) -> VideoMode {
        VideoMode::new(self.width, self.height, self.frame_rate())
    }
}

/// The values a property allows: the default first.
fn choices<T: Copy + spa::pod::CanonicalFixedSizedPod>(c: &ChoiceEnum<T>) -> Vec<T> {
    match c {
        ChoiceEnum::None(v) => vec![*v],
        // A range: its default and its largest value (a camera's usual "up to" rate).
        ChoiceEnum::Range { default, max, .. } | ChoiceEnum::Step { default, max, .. } => {
            vec![*default, *max]
        }
        ChoiceEnum::Enum {
            default,
            alternatives,
        } => std::iter::once(*default)
            .chain(alternatives.iter().copied())
            .collect(),
        ChoiceEnum::Flags { default, .. } => vec![*default],
    }
}

/// The video modes of one `EnumFormat` param (empty for formats we cannot read).
pub(crate) fn parse_video_enum_format(pod: &Pod) -> Vec<NodeMode> {
    let Ok((_, Value::Object(obj))) =
        spa::pod::deserialize::PodDeserializer::deserialize_from::<Value>(pod.as_bytes())
    else {
        return Vec::new();
    };
    let prop = |key: FormatProperties| obj.properties.iter().find(|p| p.key == key.as_raw());
    let id_of = |v: &Value| match v {
        Value::Id(id) => vec![id.0],
        Value::Choice(ChoiceValue::Id(c)) => choices(&c.1).into_iter().map(|i| i.0).collect(),
        _ => Vec::new(),
    };
    let media_type = prop(FormatProperties::MediaType).map(|p| id_of(&p.value));
    let subtype = prop(FormatProperties::MediaSubtype).map(|p| id_of(&p.value));
    if media_type.as_deref() != Some(&[MediaType::Video.as_raw()][..]) {
        return Vec::new();
    }
    let pixels: Vec<Pixel> = match subtype.as_deref() {
        Some([s]) if *s == MediaSubtype::Raw.as_raw() => prop(FormatProperties::VideoFormat)
            .map(|p| id_of(&p.value))
            .unwrap_or_default()
            .into_iter()
            .filter_map(|f| Pixel::from_video_format(VideoFormat::from_raw(f)))
            .collect(),
        Some([s]) if *s == MediaSubtype::Mjpg.as_raw() => vec![Pixel::Mjpeg],
        _ => Vec::new(),
    };
    let sizes: Vec<Rectangle> = match prop(FormatProperties::VideoSize).map(|p| &p.value) {
        Some(Value::Rectangle(r)) => vec![*r],
        Some(Value::Choice(ChoiceValue::Rectangle(c))) => choices(&c.1),
        _ => Vec::new(),
    };
    let rates: Vec<Fraction> = match prop(FormatProperties::VideoFramerate).map(|p| &p.value) {
        Some(Value::Fraction(f)) => vec![*f],
        Some(Value::Choice(ChoiceValue::Fraction(c))) => choices(&c.1),
        _ => Vec::new(),
    };
    let mut out = Vec::new();
    for &pixel in &pixels {
        for s in &sizes {
            for r in &rates {
                let m = NodeMode {
                    width: s.width,
                    height: s.height,
                    num: r.num,
                    denom: r.denom,
                    pixel,
                };
                if m.width > 0 && m.height > 0 && m.num > 0 && m.denom > 0 && !out.contains(&m) {
                    out.push(m);
                }
            }
        }
    }
    out
}

/// The rate and channel count of an audio `EnumFormat` param (the defaults of choices).
pub(crate) fn parse_audio_enum_format(pod: &Pod) -> Option<(u32, u32)> {
    let Ok((_, Value::Object(obj))) =
        spa::pod::deserialize::PodDeserializer::deserialize_from::<Value>(pod.as_bytes())
    else {
        return None;
    };
    let prop = |key: FormatProperties| obj.properties.iter().find(|p| p.key == key.as_raw());
    match prop(FormatProperties::MediaType).map(|p| &p.value) {
        Some(Value::Id(id)) if id.0 == MediaType::Audio.as_raw() => {}
        _ => return None,
    }
    let int = |key: FormatProperties| match prop(key).map(|p| &p.value) {
        Some(Value::Int(v)) => u32::try_from(*v).ok(),
        Some(Value::Choice(ChoiceValue::Int(c))) => {
            choices(&c.1).first().and_then(|v| u32::try_from(*v).ok())
        }
        _ => None,
    };
    let rate = int(FormatProperties::AudioRate).filter(|r| *r > 0)?;
    let channels = int(FormatProperties::AudioChannels).filter(|c| *c > 0)?;
    Some((rate, channels))
}

fn serialize(obj: Object) -> Option<Vec<u8>> {
    spa::pod::serialize::PodSerializer::serialize(
        std::io::Cursor::new(Vec::new()),
        &Value::Object(obj),
    )
    .ok()
    .map(|(c, _)| c.into_inner())
}

/// The `EnumFormat` pod a capture stream offers for exactly `mode`.
pub(crate) fn video_format_pod(mode: &NodeMode) -> Option<Vec<u8>> {
    let size = Rectangle {
        width: mode.width,
        height: mode.height,
    };
    let rate = Fraction {
        num: mode.num,
        denom: mode.denom,
    };
    let obj = match mode.pixel {
        Pixel::Mjpeg => spa::pod::object!(
            spa::utils::SpaTypes::ObjectParamFormat,
            spa::param::ParamType::EnumFormat,
            spa::pod::property!(FormatProperties::MediaType, Id, MediaType::Video),
            spa::pod::property!(FormatProperties::MediaSubtype, Id, MediaSubtype::Mjpg),
            spa::pod::property!(FormatProperties::VideoSize, Rectangle, size),
            spa::pod::property!(FormatProperties::VideoFramerate, Fraction, rate),
        ),
        raw => {
            let f = match raw {
                Pixel::Nv12 => VideoFormat::NV12,
                Pixel::Yuy2 => VideoFormat::YUY2,
                _ => VideoFormat::I420,
            };
            spa::pod::object!(
                spa::utils::SpaTypes::ObjectParamFormat,
                spa::param::ParamType::EnumFormat,
                spa::pod::property!(FormatProperties::MediaType, Id, MediaType::Video),
                spa::pod::property!(FormatProperties::MediaSubtype, Id, MediaSubtype::Raw),
                spa::pod::property!(FormatProperties::VideoFormat, Id, f),
                spa::pod::property!(FormatProperties::VideoSize, Rectangle, size),
                spa::pod::property!(FormatProperties::VideoFramerate, Fraction, rate),
            )
        }
    };
    serialize(obj)
}

/// The `EnumFormat` pod of interleaved f32 audio at `rate` and `channels` (PipeWire converts
/// from whatever the node has).
pub(crate) fn audio_format_pod(rate: u32, channels: u32) -> Option<Vec<u8>> {
    let mut info = spa::param::audio::AudioInfoRaw::new();
    info.set_format(spa::param::audio::AudioFormat::F32LE);
    info.set_rate(rate);
    info.set_channels(channels);
    serialize(Object {
        type_: spa::utils::SpaTypes::ObjectParamFormat.as_raw(),
        id: spa::param::ParamType::EnumFormat.as_raw(),
        properties: info.into(),
    })
}

/// One plane of a buffer: its bytes from the first row, and the stride.
pub(crate) struct Plane<'a> {
    pub data: &'a [u8],
    pub stride: usize,
}

/// Converts one buffer of `mode` into an I420 frame (from `pool`), or `None` when the buffer
/// is too short or cannot be decoded.
pub(crate) fn to_i420(
    mode: &NodeMode,
    planes: &[Plane<'_>],
    timestamp: i64,
    pool: &FramePool,
) -> Option<VideoFrame> {
    let (w, h) = (mode.width as usize, mode.height as usize);
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    if mode.pixel == Pixel::Mjpeg {
        // Straight to I420 in the JPEG's own colour space (no RGB detour).
        let jpeg = planes.first()?.data;
        return mediacapture_signal::jpeg_to_i420(jpeg, timestamp, pool)
            .map_err(|e| log::debug!("dropping an MJPEG frame: {e}"))
            .ok();
    }
    let (layout, size) = VideoPixelFormat::I420.layout(mode.width, mode.height);
    let mut out = pool.buffer(size);
    {
        let (y, uv) = out.split_at_mut(layout[1].offset);
        let (u, v) = uv.split_at_mut(cw * ch);
        let rows = |p: &Plane<'_>, n: usize, len: usize| -> Option<()> {
            let stride = p.stride.max(len);
            (p.data.len() >= stride * (n - 1) + len).then_some(())
        };
        match mode.pixel {
            Pixel::I420 | Pixel::Nv12 => {
                // Planes may come as separate datas, or packed into the first one.
                let first = planes.first()?;
                let ys = first.stride.max(w);
                rows(first, h, w)?;
                for r in 0..h {
                    y[r * w..(r + 1) * w].copy_from_slice(&first.data[r * ys..r * ys + w]);
                }
                let packed_chroma = ys * h;
                if mode.pixel == Pixel::I420 {
                    let (us, uplane, vplane) = match planes {
                        [_, pu, pv, ..] => (pu.stride.max(cw), pu.data, pv.data),
                        _ => {
                            let cs = ys / 2;
                            let pu = first.data.get(packed_chroma..)?;
                            (cs, pu, pu.get(cs * ch..)?)
                        }
                    };
                    for r in 0..ch {
                        let src = r * us;
                        u[r * cw..(r + 1) * cw].copy_from_slice(uplane.get(src..src + cw)?);
                        v[r * cw..(r + 1) * cw].copy_from_slice(vplane.get(src..src + cw)?);
                    }
                } else {
                    let (uvs, uvplane) = match planes {
                        [_, puv, ..] => (puv.stride.max(2 * cw), puv.data),
                        _ => (ys, first.data.get(packed_chroma..)?),
                    };
                    for r in 0..ch {
                        let row = uvplane.get(r * uvs..r * uvs + 2 * cw)?;
                        for c in 0..cw {
                            u[r * cw + c] = row[2 * c];
                            v[r * cw + c] = row[2 * c + 1];
                        }
                    }
                }
            }
            Pixel::Yuy2 => {
                // Y0 U Y1 V: luma as it is; chroma from the first row of each pair.
                let p = planes.first()?;
                let s = p.stride.max(2 * w);
                rows(p, h, 2 * w)?;
                for r in 0..h {
                    let row = &p.data[r * s..r * s + 2 * w];
                    for x in 0..w {
                        y[r * w + x] = row[2 * x];
                    }
                    if r % 2 == 0 {
                        for c in 0..cw {
                            let i = 4 * c;
                            u[(r / 2) * cw + c] = row.get(i + 1).copied().unwrap_or(128);
                            v[(r / 2) * cw + c] = row.get(i + 3).copied().unwrap_or(128);
                        }
                    }
                }
            }
            Pixel::Mjpeg => return None,
        }
    }
    VideoFrame::new(
        VideoPixelFormat::I420,
        mode.width,
        mode.height,
        timestamp,
        out,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn mode(pixel: Pixel) -> NodeMode {
        NodeMode {
            width: 4,
            height: 2,
            num: 30,
            denom: 1,
            pixel,
        }
    }

    #[test]
    fn formats_round_trip_through_pods() {
        let m = NodeMode {
            width: 320,
            height: 240,
            num: 30,
            denom: 1,
            pixel: Pixel::Yuy2,
        };
        let bytes = video_format_pod(&m).unwrap();
        let pod = Pod::from_bytes(&bytes).unwrap();
        assert_eq!(parse_video_enum_format(pod), [m]);
        let mj = NodeMode {
            pixel: Pixel::Mjpeg,
            ..m
        };
        let bytes = video_format_pod(&mj).unwrap();
        assert_eq!(
            parse_video_enum_format(Pod::from_bytes(&bytes).unwrap()),
            [mj]
        );
        let audio = audio_format_pod(44_100, 2).unwrap();
        let audio = Pod::from_bytes(&audio).unwrap();
        assert!(parse_video_enum_format(audio).is_empty());
        assert_eq!(parse_audio_enum_format(audio), Some((44_100, 2)));
        assert_eq!(
            parse_audio_enum_format(Pod::from_bytes(&bytes).unwrap()),
            None
        );
    }

    #[test]
    fn yuy2_nv12_and_i420_become_the_same_i420() {
        let pool = FramePool::new(2);
        // A 4x2 picture: Y 10..17, U 100/101, V 200/201 (one chroma sample per 2x2 block).
        let i420: Vec<u8> = vec![10, 11, 12, 13, 14, 15, 16, 17, 100, 101, 200, 201];
        let a = to_i420(
            &mode(Pixel::I420),
            &[Plane {
                data: &i420,
                stride: 4,
            }],
            0,
            &pool,
        )
        .unwrap();
        assert_eq!(a.data(), &i420[..]);
        let nv12: Vec<u8> = vec![10, 11, 12, 13, 14, 15, 16, 17, 100, 200, 101, 201];
        let b = to_i420(
            &mode(Pixel::Nv12),
            &[Plane {
                data: &nv12,
                stride: 4,
            }],
            0,
            &pool,
        )
        .unwrap();
        assert_eq!(b.data(), &i420[..]);
        let yuy2: Vec<u8> = vec![
            10, 100, 11, 200, 12, 101, 13, 201, //
            14, 100, 15, 200, 16, 101, 17, 201,
        ];
        let c = to_i420(
            &mode(Pixel::Yuy2),
            &[Plane {
                data: &yuy2,
                stride: 8,
            }],
            0,
            &pool,
        )
        .unwrap();
        assert_eq!(c.data(), &i420[..]);
        // Padded rows (stride 8) and a short buffer.
        let padded: Vec<u8> = vec![
            10, 11, 12, 13, 0, 0, 0, 0, 14, 15, 16, 17, 0, 0, 0, 0, //
            100, 101, 0, 0, 200, 201, 0, 0,
        ];
        let d = to_i420(
            &mode(Pixel::I420),
            &[Plane {
                data: &padded,
                stride: 8,
            }],
            0,
            &pool,
        )
        .unwrap();
        assert_eq!(d.data(), &i420[..]);
        assert!(
            to_i420(
                &mode(Pixel::I420),
                &[Plane {
                    data: &i420[..5],
                    stride: 4
                }],
                0,
                &pool
            )
            .is_none()
        );
    }
}
