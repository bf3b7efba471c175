//! Remixing and resampling audio.

use mediacapture_hal::AudioData;

/// Converts a source's audio to a track's sample rate and channel count: channels are remixed
/// (averaged down to mono, duplicated up from mono, else mapped in turn), then resampled with
/// rubato's band-limited sinc resampler. Output timestamps continue from the first input's.
pub struct AudioConverter {
    in_rate: u32,
    in_channels: u32,
    out_rate: u32,
    out_channels: u32,
    resampler: Option<rubato::Async<f32>>,
    pending: Vec<f32>,
    out: Vec<f32>,
    first_ts: Option<i64>,
    frames_out: u64,
}

impl AudioConverter {
    /// A converter from `a`'s rate and channels to `out_rate` and `out_channels`; `None` when
    /// rubato cannot resample between the two rates.
    pub fn new(a: &AudioData, out_rate: u32, out_channels: u32) -> Option<Self> {
        let (in_rate, in_channels) = (a.sample_rate(), a.number_of_channels());
        let resampler = if in_rate == out_rate {
            None
        } else {
            let params = rubato::SincInterpolationParameters::new(
                64,
                rubato::WindowFunction::BlackmanHarris2,
            );
            let chunk = (in_rate as usize / 100).max(1);
            match rubato::Async::<f32>::new_sinc(
                out_rate as f64 / in_rate as f64,
                1.0,
                &params,
                chunk,
                out_channels as usize,
                rubato::FixedAsync::Input,
            ) {
                Ok(r) => Some(r),
                Err(e) => {
                    log::warn!("cannot resample {in_rate} Hz to {out_rate} Hz: {e}");
                    return None;
                }
            }
        };
        Some(AudioConverter {
            in_rate,
            in_channels,
            out_rate,
            out_channels,
            resampler,
            pending: Vec::new(),
            out: Vec::new(),
            first_ts: None,
            frames_out: 0,
        })
    }

    /// Whether this converter converts `a` to `out_rate` and `out_channels` (the source's
    /// format may change; a converter made for the old one must then be replaced).
    pub fn serves(&self, a: &AudioData, out_rate: u32, out_channels: u32) -> bool {
        (
            self.in_rate,
            self.in_channels,
            self.out_rate,
            self.out_channels,
        ) == (
            a.sample_rate(),
            a.number_of_channels(),
            out_rate,
            out_channels,
        )
    }

    fn remix(&self, samples: Vec<f32>) -> Vec<f32> {
        let (i, o) = (self.in_channels as usize, self.out_channels as usize);
        if i == o {
            return samples;
        }
        let mut out = Vec::with_capacity(samples.len() / i * o);
        for frame in samples.chunks_exact(i) {
            if o == 1 {
                out.push(frame.iter().sum::<f32>() / i as f32);
            } else {
                out.extend((0..o).map(|c| frame[c % i]));
            }
        }
        out
    }

    /// The converted audio for `a`, or `None` while the resampler gathers a full chunk.
    pub fn convert(&mut self, a: &AudioData) -> Option<AudioData> {
        let remixed = self.remix(a.to_f32());
        let first = *self.first_ts.get_or_insert(a.timestamp());
        let ch = self.out_channels as usize;
        let samples = match self.resampler.as_mut() {
            None => remixed,
            Some(r) => {
                use rubato::Resampler;
                use rubato::audioadapter_buffers::direct::InterleavedSlice;
                self.pending.extend_from_slice(&remixed);
                let mut produced = Vec::new();
                while self.pending.len() / ch >= r.input_frames_next() {
                    let n_in = r.input_frames_next();
                    let max_out = r.output_frames_max();
                    self.out.resize(max_out * ch, 0.0);
                    let input = InterleavedSlice::new(&self.pending[..n_in * ch], ch, n_in).ok()?;
                    let mut output =
                        InterleavedSlice::new_mut(&mut self.out[..], ch, max_out).ok()?;
                    let (used, made) = match r.process_into_buffer(&input, &mut output, None) {
                        Ok(v) => v,
                        Err(e) => {
                            log::warn!("resampling failed: {e}");
                            return None;
                        }
                    };
                    self.pending.drain(..used * ch);
                    produced.extend_from_slice(&self.out[..made * ch]);
                }
                produced
            }
        };
        if samples.is_empty() {
            return None;
        }
        let ts = first + (self.frames_out as i64 * 1_000_000) / self.out_rate as i64;
        self.frames_out += (samples.len() / ch) as u64;
        AudioData::new_f32(self.out_rate, self.out_channels, ts, samples).ok()
    }
}
