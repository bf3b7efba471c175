//! File-backed fake devices: a camera that plays a Y4M file, a microphone that plays a WAV file.
//!
//! Y4M: 8-bit `420` (any siting), `422`, `444` and `mono`, converted to I420 (chroma averaged).
//! WAV: PCM 8/16/24/32-bit and 32-bit float. 16-bit files are delivered as `s16` samples,
//! exactly; others as `f32`.

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use mediacapture_hal::AudioData;

/// The largest frame buffer a Y4M file may ask for.
const Y4M_LIMIT_BYTES: usize = 256 << 20;

/// What a Y4M file holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Y4mInfo {
    pub width: u32,
    pub height: u32,
    pub frame_rate: f64,
}

fn open_y4m(path: &Path) -> Result<y4m::Decoder<BufReader<File>>, String> {
    let f = File::open(path).map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    y4m::Decoder::new_with_limits(
        BufReader::new(f),
        y4m::Limits {
            bytes: Y4M_LIMIT_BYTES,
        },
    )
    .map_err(|e| {
        format!(
            "{} is not a usable Y4M file: {}",
            path.display(),
            y4m_error(&e)
        )
    })
}

fn y4m_error(e: &y4m::Error) -> String {
    match e {
        y4m::Error::EOF => "it ends before its first frame".into(),
        y4m::Error::UnknownColorspace => "its colour space is not supported".into(),
        y4m::Error::OutOfMemory => {
            format!("its frames are larger than {} MiB", Y4M_LIMIT_BYTES >> 20)
        }
        y4m::Error::IoError(io) => format!("read error: {io}"),
        other => format!("malformed header ({other:?})"),
    }
}

fn supported(cs: y4m::Colorspace) -> bool {
    use y4m::Colorspace as C;
    matches!(
        cs,
        C::C420 | C::C420jpeg | C::C420paldv | C::C420mpeg2 | C::C422 | C::C444 | C::Cmono
    )
}

/// Reads a Y4M file's header and first frame.
pub(crate) fn probe_y4m(path: &Path) -> Result<Y4mInfo, String> {
    let mut d = open_y4m(path)?;
    let (w, h) = (d.get_width(), d.get_height());
    if w == 0 || h == 0 || w > 16384 || h > 16384 {
        return Err(format!(
            "{}: a {w}x{h} picture is not supported",
            path.display()
        ));
    }
    if !supported(d.get_colorspace()) {
        return Err(format!(
            "{}: colour space {:?} is not supported (8-bit 420, 422, 444 or mono)",
            path.display(),
            d.get_colorspace()
        ));
    }
    let r = d.get_framerate();
    let frame_rate = if r.den == 0 {
        0.0
    } else {
        r.num as f64 / r.den as f64
    };
    if !(frame_rate > 0.0 && frame_rate <= 1000.0) {
        return Err(format!(
            "{}: frame rate {}:{} is not usable",
            path.display(),
            r.num,
            r.den
        ));
    }
    match d.read_frame() {
        Ok(_) => {}
        Err(y4m::Error::EOF) => {
            // The decoder says EOF both for no frame and for a frame cut short: tell them apart
            // by whether anything follows the header line.
            let bytes =
                std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let header = bytes
                .iter()
                .position(|b| *b == b'\n')
                .map_or(bytes.len(), |i| i + 1);
            return Err(if bytes.len() > header {
                format!(
                    "{}: frame 0 is truncated ({} bytes after the header)",
                    path.display(),
                    bytes.len() - header
                )
            } else {
                format!("{}: the file has no frames", path.display())
            });
        }
        Err(e) => {
            return Err(format!(
                "{}: frame 0 is truncated or malformed: {}",
                path.display(),
                y4m_error(&e)
            ));
        }
    }
    Ok(Y4mInfo {
        width: w as u32,
        height: h as u32,
        frame_rate,
    })
}

/// Plays a Y4M file as I420 frames.
pub(crate) struct Y4mSource {
    path: PathBuf,
    looping: bool,
    decoder: y4m::Decoder<BufReader<File>>,
    index: u64,
}

impl Y4mSource {
    pub fn open(path: &Path, looping: bool) -> Result<Self, String> {
        probe_y4m(path)?;
        Ok(Y4mSource {
            path: path.to_owned(),
            looping,
            decoder: open_y4m(path)?,
            index: 0,
        })
    }

    /// The next frame as tightly packed I420; `Ok(None)` at the end of a file that does not loop.
    pub fn next_i420(&mut self) -> Result<Option<Vec<u8>>, String> {
        loop {
            let (w, h, cs) = (
                self.decoder.get_width(),
                self.decoder.get_height(),
                self.decoder.get_colorspace(),
            );
            match self.decoder.read_frame() {
                Ok(f) => {
                    self.index += 1;
                    return Ok(Some(to_i420(&f, w, h, cs)));
                }
                Err(y4m::Error::EOF) if self.looping && self.index > 0 => {
                    self.decoder = open_y4m(&self.path)?;
                    self.index = 0;
                }
                Err(y4m::Error::EOF) => return Ok(None),
                Err(e) => {
                    return Err(format!(
                        "{}: frame {} is truncated or malformed: {}",
                        self.path.display(),
                        self.index,
                        y4m_error(&e)
                    ));
                }
            }
        }
    }
}

/// Converts a decoded Y4M frame to tightly packed I420 (chroma averaged down where needed).
fn to_i420(f: &y4m::Frame<'_>, w: usize, h: usize, cs: y4m::Colorspace) -> Vec<u8> {
    let (cw, ch) = (w.div_ceil(2), h.div_ceil(2));
    let mut out = Vec::with_capacity(w * h + 2 * cw * ch);
    out.extend_from_slice(&f.get_y_plane()[..w * h]);
    // (source chroma width, height): what each output chroma sample averages over.
    let src = match cs {
        y4m::Colorspace::C422 => Some((cw, h)),
        y4m::Colorspace::C444 => Some((w, h)),
        y4m::Colorspace::Cmono => None,
        _ => Some((cw, ch)),
    };
    for plane in [f.get_u_plane(), f.get_v_plane()] {
        match src {
            None => out.extend(std::iter::repeat_n(128u8, cw * ch)),
            Some((sw, sh)) if (sw, sh) == (cw, ch) => out.extend_from_slice(&plane[..cw * ch]),
            Some((sw, sh)) => {
                let (fx, fy) = (sw / cw.max(1), sh / ch.max(1));
                for y in 0..ch {
                    for x in 0..cw {
                        let (mut sum, mut n) = (0u32, 0u32);
                        for dy in 0..fy.max(1) {
                            for dx in 0..fx.max(1) {
                                let (sx, sy) =
                                    ((x * fx + dx).min(sw - 1), (y * fy + dy).min(sh - 1));
                                sum += plane[sy * sw + sx] as u32;
                                n += 1;
                            }
                        }
                        out.push(((sum + n / 2) / n.max(1)) as u8);
                    }
                }
            }
        }
    }
    out
}

/// What a WAV file holds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct WavInfo {
    pub sample_rate: u32,
    pub channels: u32,
    pub bits: u32,
}

fn open_wav(path: &Path) -> Result<hound::WavReader<BufReader<File>>, String> {
    hound::WavReader::open(path)
        .map_err(|e| format!("{} is not a usable WAV file: {e}", path.display()))
}

/// Reads a WAV file's header and checks every sample is there.
pub(crate) fn probe_wav(path: &Path) -> Result<WavInfo, String> {
    let mut r = open_wav(path)?;
    let spec = r.spec();
    let ok = match spec.sample_format {
        hound::SampleFormat::Int => matches!(spec.bits_per_sample, 8 | 16 | 24 | 32),
        hound::SampleFormat::Float => spec.bits_per_sample == 32,
    };
    if !ok || spec.channels == 0 || spec.sample_rate == 0 {
        return Err(format!(
            "{}: {}-bit {:?} samples are not supported",
            path.display(),
            spec.bits_per_sample,
            spec.sample_format
        ));
    }
    let declared = r.len() as u64;
    if declared == 0 {
        return Err(format!("{}: the file has no samples", path.display()));
    }
    let read = match spec.sample_format {
        hound::SampleFormat::Float => r
            .samples::<f32>()
            .map(|s| s.map(|_| ()))
            .try_fold(0u64, |n, s| s.map(|_| n + 1)),
        hound::SampleFormat::Int => r
            .samples::<i32>()
            .map(|s| s.map(|_| ()))
            .try_fold(0u64, |n, s| s.map(|_| n + 1)),
    };
    match read {
        Ok(n) if n == declared => {}
        Ok(n) => {
            return Err(format!(
                "{}: the header promises {declared} samples, the file has {n}",
                path.display()
            ));
        }
        Err(e) => return Err(format!("{}: truncated: {e}", path.display())),
    }
    Ok(WavInfo {
        sample_rate: spec.sample_rate,
        channels: spec.channels as u32,
        bits: spec.bits_per_sample as u32,
    })
}

/// Plays a WAV file in chunks.
pub(crate) struct WavSource {
    path: PathBuf,
    looping: bool,
    reader: hound::WavReader<BufReader<File>>,
    spec: hound::WavSpec,
}

impl WavSource {
    pub fn open(path: &Path, looping: bool) -> Result<Self, String> {
        // The configuration checked every sample; here only the header is read again.
        let reader = open_wav(path)?;
        let spec = reader.spec();
        Ok(WavSource {
            path: path.to_owned(),
            looping,
            reader,
            spec,
        })
    }

    /// The next `frames` frames, from `timestamp`; wraps around a looping file; `Ok(None)` at
    /// the end of one that does not loop (a short last chunk is delivered as it is).
    pub fn next_chunk(
        &mut self,
        frames: usize,
        timestamp: i64,
    ) -> Result<Option<AudioData>, String> {
        let want = frames * self.spec.channels as usize;
        let (rate, ch) = (self.spec.sample_rate, self.spec.channels as u32);
        let path = self.path.display().to_string();
        let err = |e: &dyn std::fmt::Display| format!("{path}: {e}");
        let data = match (self.spec.sample_format, self.spec.bits_per_sample) {
            // 16-bit files stay 16-bit: they round-trip exactly.
            (hound::SampleFormat::Int, 16) => {
                let out = self.fill::<i16, i16>(want, |v| v).map_err(|e| err(&e))?;
                (!out.is_empty()).then(|| AudioData::new_s16(rate, ch, timestamp, out))
            }
            (hound::SampleFormat::Int, bits) => {
                let scale = 1.0 / (1u64 << (bits - 1)) as f32;
                let out = self
                    .fill::<i32, f32>(want, |v| v as f32 * scale)
                    .map_err(|e| err(&e))?;
                (!out.is_empty()).then(|| AudioData::new_f32(rate, ch, timestamp, out))
            }
            (hound::SampleFormat::Float, _) => {
                let out = self.fill::<f32, f32>(want, |v| v).map_err(|e| err(&e))?;
                (!out.is_empty()).then(|| AudioData::new_f32(rate, ch, timestamp, out))
            }
        };
        data.transpose().map_err(|e| err(&e))
    }

    /// Reads `want` samples, wrapping around a looping file; fewer at the end of one that does
    /// not loop.
    fn fill<S: hound::Sample, T>(
        &mut self,
        want: usize,
        convert: impl Fn(S) -> T,
    ) -> Result<Vec<T>, hound::Error> {
        let mut out = Vec::with_capacity(want);
        while out.len() < want {
            let before = out.len();
            for s in self.reader.samples::<S>().take(want - out.len()) {
                out.push(convert(s?));
            }
            if out.len() == before || out.len() < want {
                if !self.looping {
                    break;
                }
                self.reader.seek(0)?;
            }
        }
        Ok(out)
    }
}
