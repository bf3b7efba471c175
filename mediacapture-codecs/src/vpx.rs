//! VP8 and VP9 through libvpx, in realtime mode.
//!
//! The only `unsafe` code of the workspace: a libvpx encoder context, owned by [`VpxEncoder`]
//! and used from one thread at a time (`&mut self`), with input images that borrow the frame's
//! planes for the duration of one `vpx_codec_encode` call.
#![allow(unsafe_code)]

use std::ffi::CStr;
use std::mem::MaybeUninit;
use std::os::raw::{c_int, c_uint, c_ulong};

use mediacapture_hal::{VideoFrame, VideoPixelFormat};
use vpx_sys as ffi;

use crate::{CodecError, EncodedChunk, VideoCodec};

/// The settings of a [`VpxEncoder`].
#[derive(Clone, Debug, PartialEq)]
pub struct VpxConfig {
    /// VP8 or VP9.
    pub codec: VideoCodec,
    /// Frame width in pixels.
    pub width: u32,
    /// Frame height in pixels.
    pub height: u32,
    /// Target bit rate in bits per second (at least 1 kbps is used).
    pub bits_per_second: u64,
    /// Encoder threads (1 when 0).
    pub threads: u32,
    /// libvpx's speed (`cpu-used`): higher is faster; negative is a fixed speed (VP8).
    pub speed: i32,
    /// The best (lowest) quantizer rate control may use, 0–63.
    pub min_quantizer: u32,
    /// The worst (highest) quantizer rate control may use, 0–63.
    pub max_quantizer: u32,
    /// The most a keyframe may take, in percent of an average frame's bits (0: no cap).
    pub max_intra_bitrate_pct: u32,
}

impl VpxConfig {
    /// Realtime defaults for `width`×`height` at `bits_per_second`, with
    /// [`realtime_threads`] for the cores this process may use.
    pub fn realtime(codec: VideoCodec, width: u32, height: u32, bits_per_second: u64) -> Self {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        VpxConfig {
            codec,
            width,
            height,
            bits_per_second,
            threads: realtime_threads(width, height, cores),
            // Chosen on the realistic-content bench (`mediacapture/benches/realistic.rs`),
            // 720p30 at 2.5 Mb/s: VP8's fixed speed 6 is where quality holds (38.4 dB PSNR-Y;
            // speeds 7 and 8 fall to 33 and 32 dB) at no more CPU (speed 8 saves nothing on
            // detailed content). Quantizers 2–58 (a browser's range) gain 0.1 dB over libvpx's
            // 4–63; a keyframe capped at 6 average frames takes 57 kB instead of 364 kB and
            // gains 0.2 dB, the bits going to the frames after it.
            speed: match codec {
                // Negative: a fixed speed. A positive one lets VP8 slow itself down to fill
                // the time a realtime frame allows (more CPU for a little quality).
                VideoCodec::Vp8 => -6,
                VideoCodec::Vp9 => 8,
            },
            min_quantizer: 2,
            max_quantizer: 58,
            max_intra_bitrate_pct: 600,
        }
    }
}

/// Encoder threads for a live `width`×`height` source on a machine with `cores` cores: one up to
/// 720p (one thread keeps up there and stays cheapest: a second costs CPU and, when another
/// process holds a core, frames), then one per 1280×720 of pixels (rounded), never more than
/// `cores` (nor than 8).
pub fn realtime_threads(width: u32, height: u32, cores: usize) -> u32 {
    let pixels = u64::from(width) * u64::from(height);
    let wanted = ((pixels + 1280 * 720 / 2) / (1280 * 720)).clamp(1, 8) as u32;
    wanted.min(u32::try_from(cores.max(1)).unwrap_or(u32::MAX))
}

/// A libvpx encoder. Timestamps are in microseconds; frames must be of the configured size,
/// BT.709 limited range (others are converted with [`VideoFrame::to_i420`]).
pub struct VpxEncoder {
    ctx: Box<ffi::vpx_codec_ctx_t>,
    config: VpxConfig,
    frames: u64,
}

// SAFETY: the context is plain memory owned by this value; libvpx keeps no thread affinity, and
// every use goes through `&mut self`.
unsafe impl Send for VpxEncoder {}

fn vpx_error(codec: VideoCodec, ctx: Option<&mut ffi::vpx_codec_ctx_t>, what: &str) -> CodecError {
    let detail = ctx
        .map(|c| {
            // SAFETY: `c` is an initialized context; the returned string is static or owned by
            // the context and copied here at once.
            let p = unsafe { ffi::vpx_codec_error(c) };
            if p.is_null() {
                String::new()
            } else {
                // SAFETY: libvpx returns a NUL-terminated string.
                unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned()
            }
        })
        .unwrap_or_default();
    CodecError::Encoder {
        codec: codec.name(),
        message: format!("{what} {detail}").trim().to_owned(),
    }
}

impl VpxEncoder {
    /// Opens an encoder.
    ///
    /// # Errors
    /// [`CodecError::Input`] for a zero or odd-overflowing size; [`CodecError::Encoder`] when
    /// libvpx refuses the configuration.
    pub fn new(config: VpxConfig) -> Result<Self, CodecError> {
        let codec = config.codec;
        if config.width == 0
            || config.height == 0
            || config.width > 16_384
            || config.height > 16_384
        {
            return Err(CodecError::Input(format!(
                "{} cannot encode {}x{} frames",
                codec.name(),
                config.width,
                config.height
            )));
        }
        // SAFETY: plain functions returning static interface descriptions.
        let iface = unsafe {
            match codec {
                VideoCodec::Vp8 => ffi::vpx_codec_vp8_cx(),
                VideoCodec::Vp9 => ffi::vpx_codec_vp9_cx(),
            }
        };
        // `mem::zeroed` of this struct panics on recent Rust (it holds enums without a zero
        // variant); libvpx fills it in.
        let mut cfg = MaybeUninit::<ffi::vpx_codec_enc_cfg_t>::zeroed();
        // SAFETY: `cfg` is writable memory of the right type; libvpx initializes all of it.
        let err = unsafe { ffi::vpx_codec_enc_config_default(iface, cfg.as_mut_ptr(), 0) };
        if err != ffi::vpx_codec_err_t::VPX_CODEC_OK {
            return Err(vpx_error(codec, None, "no default configuration"));
        }
        // SAFETY: initialized by the call above.
        let mut cfg = unsafe { cfg.assume_init() };
        cfg.g_w = config.width;
        cfg.g_h = config.height;
        cfg.g_timebase = ffi::vpx_rational {
            num: 1,
            den: 1_000_000,
        };
        cfg.g_threads = config.threads.max(1);
        cfg.g_lag_in_frames = 0; // realtime: every frame out as it goes in
        cfg.g_error_resilient = 0;
        cfg.rc_end_usage = ffi::vpx_rc_mode::VPX_VBR;
        cfg.rc_target_bitrate =
            c_uint::try_from((config.bits_per_second / 1000).max(1)).unwrap_or(c_uint::MAX);
        cfg.rc_min_quantizer = config.min_quantizer.min(63);
        cfg.rc_max_quantizer = config.max_quantizer.clamp(cfg.rc_min_quantizer, 63);
        cfg.rc_dropframe_thresh = 0; // never drop a frame to meet the rate
        cfg.kf_mode = ffi::vpx_kf_mode::VPX_KF_AUTO;
        cfg.kf_min_dist = 0;
        cfg.kf_max_dist = 100_000; // keyframes are forced by the caller's interval
        let mut ctx: Box<ffi::vpx_codec_ctx_t> =
            // SAFETY: a zeroed context is what vpx_codec_enc_init expects to fill.
            Box::new(unsafe { MaybeUninit::zeroed().assume_init() });
        // SAFETY: ctx, iface and cfg are valid for the call; the ABI version is the one the
        // bindings were generated for.
        let err = unsafe {
            ffi::vpx_codec_enc_init_ver(
                &mut *ctx,
                iface,
                &cfg,
                0,
                ffi::VPX_ENCODER_ABI_VERSION as c_int,
            )
        };
        if err != ffi::vpx_codec_err_t::VPX_CODEC_OK {
            return Err(vpx_error(codec, Some(&mut ctx), "cannot open the encoder:"));
        }
        let encoder = VpxEncoder {
            ctx,
            config,
            frames: 0,
        };
        let mut encoder = encoder;
        encoder.control(
            ffi::vp8e_enc_control_id::VP8E_SET_CPUUSED as c_int,
            encoder.config.speed,
        )?;
        if encoder.config.max_intra_bitrate_pct > 0 {
            let pct = c_int::try_from(encoder.config.max_intra_bitrate_pct).unwrap_or(c_int::MAX);
            encoder.control(
                ffi::vp8e_enc_control_id::VP8E_SET_MAX_INTRA_BITRATE_PCT as c_int,
                pct,
            )?;
        }
        if codec == VideoCodec::Vp9 {
            // Realtime VP9: row-based multithreading where threads are allowed.
            encoder.control(ffi::vp8e_enc_control_id::VP9E_SET_ROW_MT as c_int, 1)?;
            // The input is BT.709, limited range; VP9 can say so in its bitstream.
            encoder.control(
                ffi::vp8e_enc_control_id::VP9E_SET_COLOR_SPACE as c_int,
                ffi::vpx_color_space::VPX_CS_BT_709 as c_int,
            )?;
            encoder.control(
                ffi::vp8e_enc_control_id::VP9E_SET_COLOR_RANGE as c_int,
                ffi::vpx_color_range::VPX_CR_STUDIO_RANGE as c_int,
            )?;
        }
        Ok(encoder)
    }

    fn control(&mut self, id: c_int, value: c_int) -> Result<(), CodecError> {
        // SAFETY: the context is initialized; these controls take one int.
        let err = unsafe { ffi::vpx_codec_control_(&mut *self.ctx, id, value) };
        if err == ffi::vpx_codec_err_t::VPX_CODEC_OK {
            Ok(())
        } else {
            Err(vpx_error(
                self.config.codec,
                Some(&mut self.ctx),
                "control failed:",
            ))
        }
    }

    /// The configuration.
    pub fn config(&self) -> &VpxConfig {
        &self.config
    }

    /// Frames encoded so far.
    pub fn frames(&self) -> u64 {
        self.frames
    }

    /// Encodes one frame shown at `timestamp` for `duration` µs (a keyframe when `key`), and
    /// returns the packets libvpx has ready (in realtime mode, this frame's).
    ///
    /// # Errors
    /// [`CodecError::Input`] for a frame of another size; [`CodecError::Encoder`] when
    /// libvpx fails.
    pub fn encode(
        &mut self,
        frame: &VideoFrame,
        timestamp: i64,
        duration: i64,
        key: bool,
    ) -> Result<Vec<EncodedChunk>, CodecError> {
        let frame = frame.to_i420();
        let r = frame.visible_rect();
        if (r.width, r.height) != (self.config.width, self.config.height)
            || frame.format() != VideoPixelFormat::I420
        {
            return Err(CodecError::Input(format!(
                "a {}x{} frame given to a {}x{} encoder",
                r.width, r.height, self.config.width, self.config.height
            )));
        }
        let layout = frame.layout();
        let data = frame.data();
        let mut img = MaybeUninit::<ffi::vpx_image_t>::zeroed();
        // SAFETY: `vpx_img_wrap` only records the pointer; the planes are replaced below with
        // pointers into `data`, which outlives the encode call. libvpx reads input images only.
        let img = unsafe {
            let p = ffi::vpx_img_wrap(
                img.as_mut_ptr(),
                ffi::vpx_img_fmt::VPX_IMG_FMT_I420,
                self.config.width,
                self.config.height,
                1,
                data.as_ptr().cast_mut(),
            );
            if p.is_null() {
                return Err(vpx_error(self.config.codec, None, "cannot wrap the frame"));
            }
            let mut img = img.assume_init();
            for (i, l) in layout.iter().enumerate().take(3) {
                img.planes[i] = data.as_ptr().add(l.offset).cast_mut();
                img.stride[i] = c_int::try_from(l.stride).unwrap_or(c_int::MAX);
            }
            img
        };
        let flags = if key {
            ffi::VPX_EFLAG_FORCE_KF as ffi::vpx_enc_frame_flags_t
        } else {
            0
        };
        // SAFETY: the context is initialized; `img` points into `data`, alive for the call.
        let err = unsafe {
            ffi::vpx_codec_encode(
                &mut *self.ctx,
                &img,
                timestamp,
                c_ulong::try_from(duration.max(1)).unwrap_or(1),
                flags,
                c_ulong::from(ffi::VPX_DL_REALTIME),
            )
        };
        if err != ffi::vpx_codec_err_t::VPX_CODEC_OK {
            return Err(vpx_error(
                self.config.codec,
                Some(&mut self.ctx),
                "encode failed:",
            ));
        }
        self.frames += 1;
        Ok(self.packets())
    }

    /// Flushes the encoder: the packets still inside (none in realtime mode, normally).
    ///
    /// # Errors
    /// [`CodecError::Encoder`] when libvpx fails.
    pub fn flush(&mut self) -> Result<Vec<EncodedChunk>, CodecError> {
        // SAFETY: a null image asks libvpx to flush.
        let err = unsafe {
            ffi::vpx_codec_encode(
                &mut *self.ctx,
                std::ptr::null(),
                0,
                1,
                0,
                c_ulong::from(ffi::VPX_DL_REALTIME),
            )
        };
        if err != ffi::vpx_codec_err_t::VPX_CODEC_OK {
            return Err(vpx_error(
                self.config.codec,
                Some(&mut self.ctx),
                "flush failed:",
            ));
        }
        Ok(self.packets())
    }

    fn packets(&mut self) -> Vec<EncodedChunk> {
        let mut out = Vec::new();
        let mut iter: ffi::vpx_codec_iter_t = std::ptr::null();
        loop {
            // SAFETY: the context is initialized; `iter` is the iteration state libvpx wants.
            let pkt = unsafe { ffi::vpx_codec_get_cx_data(&mut *self.ctx, &mut iter) };
            if pkt.is_null() {
                break;
            }
            // SAFETY: a non-null packet is valid until the next call into the encoder.
            let pkt = unsafe { &*pkt };
            if pkt.kind != ffi::vpx_codec_cx_pkt_kind::VPX_CODEC_CX_FRAME_PKT {
                continue;
            }
            // SAFETY: for frame packets the `frame` member of the union is the valid one, and
            // `buf` holds `sz` bytes.
            let (data, pts, duration, flags) = unsafe {
                let f = pkt.data.frame;
                (
                    std::slice::from_raw_parts(
                        f.buf as *const u8,
                        usize::try_from(f.sz).unwrap_or(0),
                    )
                    .to_vec(),
                    f.pts,
                    f.duration,
                    f.flags,
                )
            };
            out.push(EncodedChunk {
                data,
                timestamp: pts,
                duration: i64::try_from(duration).unwrap_or(0),
                key: flags & ffi::VPX_FRAME_IS_KEY != 0,
            });
        }
        out
    }
}

impl Drop for VpxEncoder {
    fn drop(&mut self) {
        // SAFETY: the context was initialized in `new` and is destroyed once.
        unsafe {
            ffi::vpx_codec_destroy(&mut *self.ctx);
        }
    }
}

impl std::fmt::Debug for VpxEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VpxEncoder")
            .field("config", &self.config)
            .field("frames", &self.frames)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn frame(w: u32, h: u32, n: u8) -> VideoFrame {
        let (_, size) = VideoPixelFormat::I420.layout(w, h);
        let data: Vec<u8> = (0..size).map(|i| (i as u8).wrapping_mul(n)).collect();
        VideoFrame::new(VideoPixelFormat::I420, w, h, 0, data).unwrap()
    }

    #[test]
    fn vp8_and_vp9_encode_keyframes_when_told() {
        for codec in [VideoCodec::Vp8, VideoCodec::Vp9] {
            let mut e = VpxEncoder::new(VpxConfig::realtime(codec, 64, 48, 300_000)).unwrap();
            let mut keys = Vec::new();
            for i in 0..6 {
                let out = e
                    .encode(&frame(64, 48, i as u8 + 1), i * 33_333, 33_333, i == 4)
                    .unwrap();
                assert_eq!(out.len(), 1, "{codec:?}: realtime gives one packet a frame");
                assert_eq!(out[0].timestamp, i * 33_333);
                assert!(!out[0].data.is_empty());
                keys.push(out[0].key);
            }
            assert_eq!(keys, [true, false, false, false, true, false], "{codec:?}");
            assert!(e.flush().unwrap().is_empty());
            // VP8 keyframes start with a 3-byte tag whose bit 0 is 0, then the start code.
            if codec == VideoCodec::Vp8 {
                let k = e.encode(&frame(64, 48, 9), 300_000, 33_333, true).unwrap();
                assert_eq!(&k[0].data[3..6], &[0x9d, 0x01, 0x2a]);
            }
        }
    }

    #[test]
    fn threads_follow_the_size_and_never_exceed_the_cores() {
        assert_eq!(realtime_threads(640, 480, 8), 1);
        assert_eq!(realtime_threads(1280, 720, 8), 1);
        assert_eq!(realtime_threads(1920, 1080, 8), 2);
        assert_eq!(realtime_threads(3840, 2160, 8), 8);
        assert_eq!(realtime_threads(3840, 2160, 2), 2);
        assert_eq!(realtime_threads(1920, 1080, 1), 1);
        assert_eq!(realtime_threads(1920, 1080, 0), 1);
        assert_eq!(realtime_threads(u32::MAX, u32::MAX, 64), 8);
    }

    #[test]
    fn wrong_sizes_are_input_errors() {
        assert!(matches!(
            VpxEncoder::new(VpxConfig::realtime(VideoCodec::Vp8, 0, 48, 1)),
            Err(CodecError::Input(_))
        ));
        let mut e = VpxEncoder::new(VpxConfig::realtime(VideoCodec::Vp8, 64, 48, 1)).unwrap();
        assert!(matches!(
            e.encode(&frame(32, 48, 1), 0, 1, false),
            Err(CodecError::Input(_))
        ));
    }
}
