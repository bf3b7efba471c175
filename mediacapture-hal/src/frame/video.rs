//! [`VideoFrame`].

use std::sync::Arc;

use super::buffer::FrameBuffer;
use super::format::{FrameError, PlaneLayout, Rect, VideoColorSpace, VideoPixelFormat};

/// One video frame.
///
/// Corresponds to WebCodecs [`VideoFrame`](https://w3c.github.io/webcodecs/#videoframe-interface).
/// Timestamps and durations are in microseconds.
#[derive(Clone, Debug)]
pub struct VideoFrame {
    /// One reference count for the whole frame: handing a frame to another reader is one
    /// atomic increment.
    inner: Arc<VideoFrameInner>,
}

#[derive(Debug)]
struct VideoFrameInner {
    format: VideoPixelFormat,
    coded_width: u32,
    coded_height: u32,
    visible_rect: Rect,
    display_width: u32,
    display_height: u32,
    timestamp: i64,
    duration: Option<i64>,
    color_space: VideoColorSpace,
    layout: Vec<PlaneLayout>,
    /// The pixels, shared by re-stamped copies of the frame.
    data: Arc<FrameBuffer>,
}

impl VideoFrame {
    /// A frame of `width`×`height` in `format` over a tightly packed buffer (see
    /// [`VideoPixelFormat::layout`]).
    ///
    /// # Errors
    /// [`FrameError`] when the size is zero or the buffer's length does not match.
    pub fn new(
        format: VideoPixelFormat,
        width: u32,
        height: u32,
        timestamp: i64,
        data: impl Into<FrameBuffer>,
    ) -> Result<Self, FrameError> {
        let data: FrameBuffer = data.into();
        if width == 0 || height == 0 {
            return Err(FrameError(format!(
                "a {width}x{height} frame has no pixels"
            )));
        }
        let (layout, size) = format.layout(width, height);
        if data.len() != size {
            return Err(FrameError(format!(
                "a {width}x{height} {} frame needs {size} bytes, not {}",
                format.as_str(),
                data.len()
            )));
        }
        let color_space = match format {
            VideoPixelFormat::Rgba | VideoPixelFormat::Bgra => VideoColorSpace::SRGB,
            _ => VideoColorSpace::BT709,
        };
        Ok(VideoFrame {
            inner: Arc::new(VideoFrameInner {
                format,
                coded_width: width,
                coded_height: height,
                visible_rect: Rect {
                    x: 0,
                    y: 0,
                    width,
                    height,
                },
                display_width: width,
                display_height: height,
                timestamp,
                duration: None,
                color_space,
                layout,
                data: Arc::new(data),
            }),
        })
    }

    /// An opaque black I420 frame (Y 16, U and V 128: RGB 0,0,0 in limited range).
    pub fn black_i420(width: u32, height: u32, timestamp: i64) -> Result<Self, FrameError> {
        let (layout, size) = VideoPixelFormat::I420.layout(width.max(1), height.max(1));
        let mut data = vec![128u8; size];
        data[..layout[1].offset].fill(16);
        Self::new(VideoPixelFormat::I420, width, height, timestamp, data)
    }

    fn restamped(&self, timestamp: i64, duration: Option<i64>) -> Self {
        let i = &self.inner;
        VideoFrame {
            inner: Arc::new(VideoFrameInner {
                format: i.format,
                coded_width: i.coded_width,
                coded_height: i.coded_height,
                visible_rect: i.visible_rect,
                display_width: i.display_width,
                display_height: i.display_height,
                timestamp,
                duration,
                color_space: i.color_space,
                layout: i.layout.clone(),
                data: Arc::clone(&i.data),
            }),
        }
    }

    /// The same picture with another timestamp and duration (the buffer is shared).
    #[must_use]
    pub fn with_timestamp(&self, timestamp: i64, duration: Option<i64>) -> Self {
        self.restamped(timestamp, duration)
    }

    /// Sets the duration (the buffer is shared).
    #[must_use]
    pub fn with_duration(self, duration: Option<i64>) -> Self {
        self.restamped(self.inner.timestamp, duration)
    }

    /// Sets the colour space (the buffer is shared).
    #[must_use]
    pub fn with_color_space(self, color_space: VideoColorSpace) -> Self {
        let mut f = self.restamped(self.inner.timestamp, self.inner.duration);
        if let Some(inner) = Arc::get_mut(&mut f.inner) {
            inner.color_space = color_space;
        }
        f
    }

    /// The pixel format.
    pub fn format(&self) -> VideoPixelFormat {
        self.inner.format
    }
    /// Width of the buffer in pixels.
    pub fn coded_width(&self) -> u32 {
        self.inner.coded_width
    }
    /// Height of the buffer in pixels.
    pub fn coded_height(&self) -> u32 {
        self.inner.coded_height
    }
    /// The part of the buffer that is the picture.
    pub fn visible_rect(&self) -> Rect {
        self.inner.visible_rect
    }
    /// Width to display at.
    pub fn display_width(&self) -> u32 {
        self.inner.display_width
    }
    /// Height to display at.
    pub fn display_height(&self) -> u32 {
        self.inner.display_height
    }
    /// Presentation time in microseconds.
    pub fn timestamp(&self) -> i64 {
        self.inner.timestamp
    }
    /// Duration in microseconds, when known.
    pub fn duration(&self) -> Option<i64> {
        self.inner.duration
    }
    /// The colour space.
    pub fn color_space(&self) -> VideoColorSpace {
        self.inner.color_space
    }
    /// The plane layouts.
    pub fn layout(&self) -> &[PlaneLayout] {
        &self.inner.layout
    }
    /// The whole buffer.
    pub fn data(&self) -> &[u8] {
        &self.inner.data
    }
    /// The rows of plane `i` (without padding), or `None` if there is no such plane.
    pub fn plane(&self, i: usize) -> Option<&[u8]> {
        let l = self.inner.layout.get(i)?;
        let end = l.offset + l.stride * (l.height.saturating_sub(1)) + l.width;
        self.inner.data.get(l.offset..end)
    }
    /// Whether two frames share one buffer (no copy was made).
    pub fn shares_buffer_with(&self, other: &VideoFrame) -> bool {
        Arc::ptr_eq(&self.inner.data, &other.inner.data)
    }
}
