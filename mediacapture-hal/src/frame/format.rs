//! How a frame's pixels are laid out: pixel formats, planes, rectangles, colour spaces.

/// A pixel format.
///
/// Corresponds to WebCodecs [`VideoPixelFormat`](https://w3c.github.io/webcodecs/#enumdef-videopixelformat).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum VideoPixelFormat {
    /// Planar 4:2:0 YUV: a Y plane, then U and V planes of half width and height (rounded up).
    I420,
    /// Semi-planar 4:2:0 YUV: a Y plane, then one plane of interleaved U and V.
    Nv12,
    /// Packed 8-bit RGBA.
    Rgba,
    /// Packed 8-bit BGRA.
    Bgra,
}

impl VideoPixelFormat {
    /// The IDL string (`"I420"`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            VideoPixelFormat::I420 => "I420",
            VideoPixelFormat::Nv12 => "NV12",
            VideoPixelFormat::Rgba => "RGBA",
            VideoPixelFormat::Bgra => "BGRA",
        }
    }

    /// The tightly packed plane layouts of a `width`×`height` frame, and the total size.
    pub fn layout(self, width: u32, height: u32) -> (Vec<PlaneLayout>, usize) {
        let (w, h) = (width as usize, height as usize);
        let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
        match self {
            VideoPixelFormat::I420 => {
                let y = PlaneLayout {
                    offset: 0,
                    stride: w,
                    width: w,
                    height: h,
                };
                let u = PlaneLayout {
                    offset: w * h,
                    stride: cw,
                    width: cw,
                    height: ch,
                };
                let v = PlaneLayout {
                    offset: w * h + cw * ch,
                    stride: cw,
                    width: cw,
                    height: ch,
                };
                (vec![y, u, v], w * h + 2 * cw * ch)
            }
            VideoPixelFormat::Nv12 => {
                let y = PlaneLayout {
                    offset: 0,
                    stride: w,
                    width: w,
                    height: h,
                };
                let uv = PlaneLayout {
                    offset: w * h,
                    stride: 2 * cw,
                    width: 2 * cw,
                    height: ch,
                };
                (vec![y, uv], w * h + 2 * cw * ch)
            }
            VideoPixelFormat::Rgba | VideoPixelFormat::Bgra => (
                vec![PlaneLayout {
                    offset: 0,
                    stride: 4 * w,
                    width: 4 * w,
                    height: h,
                }],
                4 * w * h,
            ),
        }
    }
}

/// Where one plane lies in a frame's buffer: `height` rows of `width` bytes, `stride` apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PlaneLayout {
    /// Byte offset of the first row.
    pub offset: usize,
    /// Bytes from one row to the next.
    pub stride: usize,
    /// Bytes of samples in a row.
    pub width: usize,
    /// Number of rows.
    pub height: usize,
}

/// A rectangle in pixels.
///
/// Corresponds to [`DOMRectInit`](https://drafts.fxtf.org/geometry/#dictdef-domrectinit) as
/// WebCodecs uses it for `visibleRect`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rect {
    /// Left edge.
    pub x: u32,
    /// Top edge.
    pub y: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
}

/// The colour space of a frame.
///
/// Corresponds to WebCodecs [`VideoColorSpaceInit`](https://w3c.github.io/webcodecs/#dictdef-videocolorspaceinit).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VideoColorSpace {
    /// `"bt709"`, `"smpte170m"`, …
    pub primaries: &'static str,
    /// `"bt709"`, `"iec61966-2-1"` (sRGB), …
    pub transfer: &'static str,
    /// `"bt709"`, `"smpte170m"`, `"rgb"`, …
    pub matrix: &'static str,
    /// Full range (0–255) rather than limited range (16–235).
    pub full_range: bool,
}

impl VideoColorSpace {
    /// BT.709, limited range: what cameras and the fake camera produce.
    pub const BT709: VideoColorSpace = VideoColorSpace {
        primaries: "bt709",
        transfer: "bt709",
        matrix: "bt709",
        full_range: false,
    };
    /// JFIF: BT.601 matrix, full range, what JPEG pictures (and so MJPEG cameras) hold.
    pub const JFIF: VideoColorSpace = VideoColorSpace {
        primaries: "bt709",
        transfer: "iec61966-2-1",
        matrix: "smpte170m",
        full_range: true,
    };
    /// sRGB, full range: RGBA/BGRA frames.
    pub const SRGB: VideoColorSpace = VideoColorSpace {
        primaries: "bt709",
        transfer: "iec61966-2-1",
        matrix: "rgb",
        full_range: true,
    };
}

/// A frame could not be made: the buffer does not fit the description.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid frame: {0}")]
pub struct FrameError(pub String);
