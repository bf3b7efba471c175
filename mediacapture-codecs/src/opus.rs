//! Opus through libopus: interleaved f32 in, 20 ms packets out.

use crate::{CodecError, EncodedChunk};

/// The sample rates libopus takes as input.
pub const OPUS_RATES: &[u32] = &[8_000, 12_000, 16_000, 24_000, 48_000];

/// Samples per channel in one 20 ms packet at `rate`.
const fn frame_len(rate: u32) -> usize {
    (rate / 50) as usize
}

/// An Opus encoder that takes audio in any chunk size and returns 20 ms packets, timestamped
/// from the first sample's time.
pub struct OpusEncoder {
    inner: ::opus::Encoder,
    sample_rate: u32,
    channels: u32,
    pending: Vec<f32>,
    /// The packet clock: the timestamp (µs) of a sample, and the samples (per channel)
    /// encoded since it.
    clock: Option<(i64, u64)>,
    out: Vec<u8>,
    lookahead: u32,
}

impl std::fmt::Debug for OpusEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpusEncoder")
            .field("sample_rate", &self.sample_rate)
            .field("channels", &self.channels)
            .finish()
    }
}

fn opus_error(e: ::opus::Error) -> CodecError {
    CodecError::Encoder {
        codec: "opus",
        message: e.to_string(),
    }
}

impl OpusEncoder {
    /// An encoder for `channels` (1 or 2) at `sample_rate` (one of [`OPUS_RATES`]) aiming at
    /// `bits_per_second`, with variable or constant bit rate.
    ///
    /// # Errors
    /// [`CodecError::Input`] for another rate or channel count; [`CodecError::Encoder`] when
    /// libopus refuses.
    pub fn new(
        sample_rate: u32,
        channels: u32,
        bits_per_second: u64,
        variable: bool,
    ) -> Result<Self, CodecError> {
        if !OPUS_RATES.contains(&sample_rate) {
            return Err(CodecError::Input(format!(
                "opus takes {OPUS_RATES:?} Hz, not {sample_rate}"
            )));
        }
        let ch = match channels {
            1 => ::opus::Channels::Mono,
            2 => ::opus::Channels::Stereo,
            n => {
                return Err(CodecError::Input(format!(
                    "opus takes 1 or 2 channels, not {n}"
                )));
            }
        };
        let mut inner = ::opus::Encoder::new(sample_rate, ch, ::opus::Application::Audio)
            .map_err(opus_error)?;
        // libopus accepts 500 b/s to 512 kb/s.
        let bits = i32::try_from(bits_per_second.clamp(500, 512_000)).unwrap_or(512_000);
        inner
            .set_bitrate(::opus::Bitrate::Bits(bits))
            .map_err(opus_error)?;
        inner.set_vbr(variable).map_err(opus_error)?;
        let lookahead = u32::try_from(inner.get_lookahead().map_err(opus_error)?).unwrap_or(0);
        Ok(OpusEncoder {
            inner,
            sample_rate,
            channels,
            pending: Vec::new(),
            clock: None,
            out: vec![0; 4000],
            lookahead,
        })
    }

    /// The encoder's delay in samples at 48 kHz: the `pre-skip` of Ogg Opus and WebM's
    /// `CodecDelay`.
    pub fn pre_skip(&self) -> u16 {
        u16::try_from(self.lookahead * (48_000 / self.sample_rate)).unwrap_or(u16::MAX)
    }

    /// The input sample rate.
    pub fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    /// The channel count.
    pub fn channels(&self) -> u32 {
        self.channels
    }

    /// Adds interleaved samples whose first one is at `timestamp` µs; returns the packets that
    /// are complete. A gap or overlap in timestamps of more than one packet restarts the
    /// packet clock at `timestamp` (what was pending is encoded first, padded with silence).
    ///
    /// # Errors
    /// [`CodecError::Encoder`] when libopus fails.
    pub fn encode(
        &mut self,
        samples: &[f32],
        timestamp: i64,
    ) -> Result<Vec<EncodedChunk>, CodecError> {
        let mut out = Vec::new();
        if let Some((ts, done)) = self.clock {
            let pending = (self.pending.len() / self.channels as usize) as u64;
            let expected = ts + self.samples_to_us(done + pending);
            if (timestamp - expected).abs() > 20_000 {
                out.extend(self.flush()?);
            }
        }
        if self.clock.is_none() {
            self.clock = Some((timestamp, 0));
        }
        self.pending.extend_from_slice(samples);
        let n = frame_len(self.sample_rate) * self.channels as usize;
        let mut used = 0;
        while self.pending.len() - used >= n {
            let packet = self.packet(used, n)?;
            out.push(packet);
            used += n;
        }
        self.pending.drain(..used);
        Ok(out)
    }

    /// Encodes what is pending, padded with silence to a whole packet.
    ///
    /// # Errors
    /// [`CodecError::Encoder`] when libopus fails.
    pub fn flush(&mut self) -> Result<Vec<EncodedChunk>, CodecError> {
        if self.pending.is_empty() {
            self.clock = None;
            return Ok(Vec::new());
        }
        let n = frame_len(self.sample_rate) * self.channels as usize;
        self.pending.resize(n, 0.0);
        let packet = self.packet(0, n)?;
        self.pending.clear();
        self.clock = None;
        Ok(vec![packet])
    }

    /// Forgets what is pending (less than a packet) without encoding it; the next samples
    /// start a new packet clock. For a consumer that paused: what it would not record anyway.
    pub fn discard_pending(&mut self) {
        self.pending.clear();
        self.clock = None;
    }

    fn samples_to_us(&self, samples: u64) -> i64 {
        i64::try_from(samples * 1_000_000 / u64::from(self.sample_rate)).unwrap_or(i64::MAX)
    }

    fn packet(&mut self, start: usize, n: usize) -> Result<EncodedChunk, CodecError> {
        let len = self
            .inner
            .encode_float(&self.pending[start..start + n], &mut self.out)
            .map_err(opus_error)?;
        let (ts, done) = self.clock.unwrap_or((0, 0));
        let timestamp = ts + self.samples_to_us(done);
        let per_channel = (n / self.channels as usize) as u64;
        self.clock = Some((ts, done + per_channel));
        Ok(EncodedChunk {
            data: self.out[..len].to_vec(),
            timestamp,
            duration: 20_000,
            key: true,
        })
    }
}

/// The `OpusHead` identification header (RFC 7845 §5.1): Ogg Opus's first packet and WebM's
/// `CodecPrivate`.
pub fn opus_head(channels: u32, input_sample_rate: u32, pre_skip: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(19);
    h.extend_from_slice(b"OpusHead");
    h.push(1); // version
    h.push(u8::try_from(channels).unwrap_or(2));
    h.extend_from_slice(&pre_skip.to_le_bytes());
    h.extend_from_slice(&input_sample_rate.to_le_bytes());
    h.extend_from_slice(&0i16.to_le_bytes()); // output gain
    h.push(0); // channel mapping family 0: mono or stereo
    h
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn packets_are_20_ms_and_timestamped_from_the_input() {
        let mut e = OpusEncoder::new(48_000, 2, 128_000, true).unwrap();
        assert!(e.pre_skip() > 0);
        // 10 ms chunks of a 440 Hz tone: a packet every second chunk.
        let mut packets = Vec::new();
        for c in 0..10i64 {
            let s: Vec<f32> = (0..480)
                .flat_map(|i| {
                    let v = ((c * 480 + i) as f32 * 440.0 * std::f32::consts::TAU / 48_000.0).sin();
                    [v * 0.25, v * 0.25]
                })
                .collect();
            packets.extend(e.encode(&s, 1_000_000 + c * 10_000).unwrap());
        }
        assert_eq!(packets.len(), 5);
        for (i, p) in packets.iter().enumerate() {
            assert_eq!(p.timestamp, 1_000_000 + i as i64 * 20_000);
            assert!(p.key && !p.data.is_empty());
        }
        assert!(e.flush().unwrap().is_empty());
        // A gap restarts the clock.
        let s = vec![0.0; 2 * 480];
        assert!(e.encode(&s, 5_000_000).unwrap().is_empty());
        let p = e.encode(&s, 9_000_000).unwrap();
        assert_eq!(p[0].timestamp, 5_000_000, "the pending half packet, padded");
        let p = e.flush().unwrap();
        assert_eq!(p[0].timestamp, 9_000_000);
    }

    #[test]
    fn bad_inputs_are_refused() {
        assert!(matches!(
            OpusEncoder::new(44_100, 2, 1, true),
            Err(CodecError::Input(_))
        ));
        assert!(matches!(
            OpusEncoder::new(48_000, 3, 1, true),
            Err(CodecError::Input(_))
        ));
        let h = opus_head(2, 44_100, 312);
        assert_eq!(&h[..8], b"OpusHead");
        assert_eq!(h.len(), 19);
        assert_eq!(u16::from_le_bytes([h[10], h[11]]), 312);
    }
}
