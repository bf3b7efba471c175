//! Media frames: [`VideoFrame`] and [`AudioData`], named after WebCodecs.
//!
//! A frame is immutable once made and cheap to clone: clones share the pixel or sample buffer
//! (reference-counted), so one frame delivered to many consumers is never copied. Re-stamping a
//! frame ([`VideoFrame::with_timestamp`]) shares the buffer too.
//!
//! - `format.rs`: pixel formats, plane layouts, rectangles, colour spaces;
//! - `buffer.rs`: [`FrameBuffer`] and [`FramePool`];
//! - `video.rs`: [`VideoFrame`];
//! - `audio.rs`: [`AudioData`] and its sample formats.

use std::sync::Arc;

mod audio;
mod buffer;
mod format;
mod video;

pub use audio::*;
pub use buffer::*;
pub use format::*;
pub use video::*;

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
