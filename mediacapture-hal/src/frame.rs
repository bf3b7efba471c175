//! Media frames: [`VideoFrame`] and [`AudioData`], named after WebCodecs.
//!
//! A frame is immutable once made and cheap to clone: clones share the pixel or sample buffer
//! (reference-counted), so one frame delivered to many consumers is never copied. Re-stamping a
//! frame ([`VideoFrame::with_timestamp`]) shares the buffer too.

use std::sync::Arc;

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
    /// sRGB, full range: RGBA/BGRA frames.
    pub const SRGB: VideoColorSpace = VideoColorSpace {
        primaries: "bt709",
        transfer: "iec61966-2-1",
        matrix: "rgb",
        full_range: true,
    };
}

/// The bytes of a video frame: owned, or lent by a [`FramePool`] and given back to it when the
/// last frame sharing them is dropped. Making a frame from a `Vec<u8>` moves it, never copies.
pub struct FrameBuffer {
    bytes: Vec<u8>,
    pool: Option<std::sync::Weak<PoolInner>>,
}

impl FrameBuffer {
    /// Whether the buffer came from a pool.
    pub fn is_pooled(&self) -> bool {
        self.pool.is_some()
    }
}

impl std::fmt::Debug for FrameBuffer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FrameBuffer")
            .field("len", &self.bytes.len())
            .field("pooled", &self.is_pooled())
            .finish()
    }
}

impl From<Vec<u8>> for FrameBuffer {
    fn from(bytes: Vec<u8>) -> Self {
        FrameBuffer { bytes, pool: None }
    }
}

impl std::ops::Deref for FrameBuffer {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl std::ops::DerefMut for FrameBuffer {
    fn deref_mut(&mut self) -> &mut [u8] {
        &mut self.bytes
    }
}

impl Drop for FrameBuffer {
    fn drop(&mut self) {
        if let Some(pool) = self.pool.take().and_then(|p| p.upgrade()) {
            pool.give_back(std::mem::take(&mut self.bytes));
        }
    }
}

struct PoolInner {
    free: std::sync::Mutex<Vec<Vec<u8>>>,
    max_free: usize,
    allocated: std::sync::atomic::AtomicU64,
    reused: std::sync::atomic::AtomicU64,
}

impl PoolInner {
    fn give_back(&self, bytes: Vec<u8>) {
        let mut free = self.free.lock().unwrap_or_else(|e| e.into_inner());
        if free.len() < self.max_free {
            free.push(bytes);
        }
    }
}

/// A bounded pool of frame buffers, for a producer that makes frames of the same size over and
/// over (a camera, a scaler): buffers come back when the frames using them are dropped, so a
/// steady stream allocates (and page-faults) nothing. At most `max_free` idle buffers are kept;
/// more are freed.
#[derive(Clone)]
pub struct FramePool {
    inner: Arc<PoolInner>,
}

impl std::fmt::Debug for FramePool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (allocated, reused) = self.counts();
        f.debug_struct("FramePool")
            .field("allocated", &allocated)
            .field("reused", &reused)
            .finish()
    }
}

impl FramePool {
    /// A pool keeping at most `max_free` idle buffers.
    pub fn new(max_free: usize) -> Self {
        FramePool {
            inner: Arc::new(PoolInner {
                free: std::sync::Mutex::new(Vec::new()),
                max_free,
                allocated: Default::default(),
                reused: Default::default(),
            }),
        }
    }

    /// A buffer of `len` bytes. A reused buffer holds old bytes: the caller overwrites them all.
    pub fn buffer(&self, len: usize) -> FrameBuffer {
        use std::sync::atomic::Ordering::Relaxed;
        let reused = {
            let mut free = self.inner.free.lock().unwrap_or_else(|e| e.into_inner());
            free.iter()
                .position(|b| b.capacity() >= len)
                .map(|i| free.swap_remove(i))
        };
        let bytes = match reused {
            Some(mut b) => {
                self.inner.reused.fetch_add(1, Relaxed);
                b.resize(len, 0);
                b
            }
            None => {
                self.inner.allocated.fetch_add(1, Relaxed);
                vec![0u8; len]
            }
        };
        FrameBuffer {
            bytes,
            pool: Some(Arc::downgrade(&self.inner)),
        }
    }

    /// (buffers allocated, buffers reused) so far.
    pub fn counts(&self) -> (u64, u64) {
        use std::sync::atomic::Ordering::Relaxed;
        (
            self.inner.allocated.load(Relaxed),
            self.inner.reused.load(Relaxed),
        )
    }
}

/// A frame could not be made: the buffer does not fit the description.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid frame: {0}")]
pub struct FrameError(pub String);

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

/// A sample format.
///
/// Corresponds to WebCodecs [`AudioSampleFormat`](https://w3c.github.io/webcodecs/#enumdef-audiosampleformat)
/// (the formats we produce: `f32` and `s16`, interleaved).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AudioSampleFormat {
    /// 32-bit float, interleaved (`"f32"`).
    F32,
    /// 16-bit signed, interleaved (`"s16"`).
    S16,
    /// 32-bit float, one plane per channel (`"f32-planar"`).
    F32Planar,
    /// 16-bit signed, one plane per channel (`"s16-planar"`).
    S16Planar,
}

/// The samples of an [`AudioData`]: interleaved (`L R L R …`) or planar (`L L … R R …`).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum AudioSamples {
    /// 32-bit float samples in −1..1.
    F32(Arc<[f32]>),
    /// 16-bit signed samples.
    S16(Arc<[i16]>),
    /// 32-bit float samples, channel after channel.
    F32Planar(Arc<[f32]>),
    /// 16-bit signed samples, channel after channel.
    S16Planar(Arc<[i16]>),
}

/// A chunk of audio.
///
/// Corresponds to WebCodecs [`AudioData`](https://w3c.github.io/webcodecs/#audiodata-interface).
/// Timestamps are in microseconds.
#[derive(Clone, Debug, PartialEq)]
pub struct AudioData {
    sample_rate: u32,
    number_of_channels: u32,
    number_of_frames: u32,
    timestamp: i64,
    samples: AudioSamples,
}

impl AudioData {
    /// Interleaved `f32` samples.
    ///
    /// # Errors
    /// [`FrameError`] when the rate or channel count is zero or the length is not a whole
    /// number of frames.
    pub fn new_f32(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[f32]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::F32(samples),
        )
    }

    /// Interleaved `i16` samples.
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_s16(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[i16]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::S16(samples),
        )
    }

    /// Planar `f32` samples: all of channel 0, then all of channel 1, ….
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_f32_planar(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[f32]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::F32Planar(samples),
        )
    }

    /// Planar `i16` samples: all of channel 0, then all of channel 1, ….
    ///
    /// # Errors
    /// As [`new_f32`](Self::new_f32).
    pub fn new_s16_planar(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        samples: impl Into<Arc<[i16]>>,
    ) -> Result<Self, FrameError> {
        let samples = samples.into();
        Self::with_samples(
            sample_rate,
            channels,
            timestamp,
            samples.len(),
            AudioSamples::S16Planar(samples),
        )
    }

    fn with_samples(
        sample_rate: u32,
        channels: u32,
        timestamp: i64,
        len: usize,
        samples: AudioSamples,
    ) -> Result<Self, FrameError> {
        let number_of_frames = Self::check(sample_rate, channels, len)?;
        Ok(AudioData {
            sample_rate,
            number_of_channels: channels,
            number_of_frames,
            timestamp,
            samples,
        })
    }

    fn check(rate: u32, channels: u32, len: usize) -> Result<u32, FrameError> {
        if rate == 0 || channels == 0 {
            return Err(FrameError(format!("{rate} Hz, {channels} channels")));
        }
        if !len.is_multiple_of(channels as usize) {
            return Err(FrameError(format!(
                "{len} samples are not a whole number of {channels}-channel frames"
            )));
        }
        u32::try_from(len / channels as usize).map_err(|_| FrameError("too many frames".into()))
    }

    /// Silence shaped like `self` (same format, rate, channels, length and timestamp).
    pub fn silence_like(&self) -> AudioData {
        let n = (self.number_of_frames * self.number_of_channels) as usize;
        let samples = match self.samples {
            AudioSamples::F32(_) => AudioSamples::F32(vec![0.0; n].into()),
            AudioSamples::S16(_) => AudioSamples::S16(vec![0; n].into()),
            AudioSamples::F32Planar(_) => AudioSamples::F32Planar(vec![0.0; n].into()),
            AudioSamples::S16Planar(_) => AudioSamples::S16Planar(vec![0; n].into()),
        };
        AudioData {
            samples,
            ..self.clone()
        }
    }

    /// The sample format.
    pub fn format(&self) -> AudioSampleFormat {
        match self.samples {
            AudioSamples::F32(_) => AudioSampleFormat::F32,
            AudioSamples::S16(_) => AudioSampleFormat::S16,
            AudioSamples::F32Planar(_) => AudioSampleFormat::F32Planar,
            AudioSamples::S16Planar(_) => AudioSampleFormat::S16Planar,
        }
    }
    /// Samples per second.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }
    /// Channels.
    pub fn number_of_channels(&self) -> u32 {
        self.number_of_channels
    }
    /// Frames (samples per channel).
    pub fn number_of_frames(&self) -> u32 {
        self.number_of_frames
    }
    /// Presentation time of the first frame, in microseconds.
    pub fn timestamp(&self) -> i64 {
        self.timestamp
    }
    /// Duration in microseconds.
    pub fn duration(&self) -> i64 {
        (self.number_of_frames as i64 * 1_000_000) / self.sample_rate as i64
    }
    /// The samples.
    pub fn samples(&self) -> &AudioSamples {
        &self.samples
    }
    /// The samples as interleaved `f32` (converted from `s16` if needed).
    pub fn to_f32(&self) -> Vec<f32> {
        let s16 = |v: &i16| *v as f32 / 32768.0;
        match &self.samples {
            AudioSamples::F32(s) => s.to_vec(),
            AudioSamples::S16(s) => s.iter().map(s16).collect(),
            AudioSamples::F32Planar(s) => self.interleave(s, |v| *v),
            AudioSamples::S16Planar(s) => self.interleave(s, s16),
        }
    }

    fn interleave<T>(&self, planar: &[T], f: impl Fn(&T) -> f32) -> Vec<f32> {
        let (frames, channels) = (
            self.number_of_frames as usize,
            self.number_of_channels as usize,
        );
        let mut out = Vec::with_capacity(frames * channels);
        for i in 0..frames {
            out.extend((0..channels).map(|c| f(&planar[c * frames + i])));
        }
        out
    }
}

/// A video frame or a chunk of audio.
#[derive(Clone, Debug)]
pub enum MediaFrame {
    /// Video.
    Video(VideoFrame),
    /// Audio.
    Audio(AudioData),
}

impl MediaFrame {
    /// Presentation time in microseconds.
    pub fn timestamp(&self) -> i64 {
        match self {
            MediaFrame::Video(v) => v.timestamp(),
            MediaFrame::Audio(a) => a.timestamp(),
        }
    }
    /// The video frame, if it is one.
    pub fn as_video(&self) -> Option<&VideoFrame> {
        match self {
            MediaFrame::Video(v) => Some(v),
            MediaFrame::Audio(_) => None,
        }
    }
    /// The audio data, if it is some.
    pub fn as_audio(&self) -> Option<&AudioData> {
        match self {
            MediaFrame::Audio(a) => Some(a),
            MediaFrame::Video(_) => None,
        }
    }
}

/// Where an open device delivers its media. Called on the backend's capture thread; must not
/// block for long.
pub type MediaSink = Arc<dyn Fn(MediaFrame) + Send + Sync>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_and_validation() {
        let (l, size) = VideoPixelFormat::I420.layout(641, 361);
        assert_eq!(size, 641 * 361 + 2 * 321 * 181);
        assert_eq!(
            (l[1].width, l[1].height, l[2].offset),
            (321, 181, 641 * 361 + 321 * 181)
        );
        assert!(VideoFrame::new(VideoPixelFormat::I420, 4, 4, 0, vec![0u8; 23]).is_err());
        assert!(VideoFrame::new(VideoPixelFormat::Rgba, 0, 4, 0, Vec::<u8>::new()).is_err());
        let f = VideoFrame::black_i420(4, 2, 7).unwrap();
        assert_eq!(f.plane(0), Some(&[16u8; 8][..]));
        assert_eq!(f.plane(1), Some(&[128u8; 2][..]));
        let g = f.with_timestamp(9, Some(33_333));
        assert!(g.shares_buffer_with(&f));
        // Pooled buffers come back once the last frame sharing them is gone.
        let pool = FramePool::new(2);
        let (_, size) = VideoPixelFormat::I420.layout(4, 2);
        let a = VideoFrame::new(VideoPixelFormat::I420, 4, 2, 0, pool.buffer(size)).unwrap();
        let b = a.with_timestamp(1, None);
        drop(a);
        let c = VideoFrame::new(VideoPixelFormat::I420, 4, 2, 0, pool.buffer(size)).unwrap();
        assert_eq!(pool.counts(), (2, 0), "b still holds the first buffer");
        drop((b, c));
        let _d = pool.buffer(size);
        assert_eq!(pool.counts(), (2, 1));
        assert_eq!(
            (g.timestamp(), g.duration(), f.timestamp()),
            (9, Some(33_333), 7)
        );
    }

    #[test]
    fn audio_data() {
        let a = AudioData::new_f32(48_000, 2, 5, vec![0.5f32; 960]).unwrap();
        assert_eq!((a.number_of_frames(), a.duration()), (480, 10_000));
        assert!(AudioData::new_f32(48_000, 2, 0, vec![0.0f32; 3]).is_err());
        assert!(a.silence_like().to_f32().iter().all(|s| *s == 0.0));
        let s = AudioData::new_s16(8000, 1, 0, vec![16384i16, -32768]).unwrap();
        assert_eq!(s.to_f32(), vec![0.5, -1.0]);
        // Planar layouts interleave on conversion.
        let p = AudioData::new_f32_planar(8000, 2, 0, vec![1.0f32, 2.0, 3.0, -1.0, -2.0, -3.0])
            .unwrap();
        assert_eq!(
            (p.number_of_frames(), p.format()),
            (3, AudioSampleFormat::F32Planar)
        );
        assert_eq!(p.to_f32(), vec![1.0, -1.0, 2.0, -2.0, 3.0, -3.0]);
        let q = AudioData::new_s16_planar(8000, 2, 0, vec![16384i16, 0, -16384, 8192]).unwrap();
        assert_eq!(q.to_f32(), vec![0.5, -0.5, 0.0, 0.25]);
        assert_eq!(q.silence_like().format(), AudioSampleFormat::S16Planar);
    }
}
