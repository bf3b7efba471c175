//! An Ogg Opus writer (RFC 7845) on the `ogg` crate's pages.
//!
//! The `OpusHead` and `OpusTags` headers each on a page of their own, then audio packets. One
//! packet is held back so that a page can be ended whenever bytes are wanted
//! ([`OggOpusWriter::take_bytes`]); otherwise a page ends every second of audio.

use std::borrow::Cow;

use ogg::writing::{PacketWriteEndInfo, PacketWriter};

use crate::{CodecError, EncodedChunk, TrackInfo};

/// Packets per page when nobody asks for bytes sooner (1 s of 20 ms packets).
const PACKETS_PER_PAGE: u32 = 50;

fn err(e: impl std::fmt::Display) -> CodecError {
    CodecError::Container(e.to_string())
}

/// Writes one Ogg Opus stream as bytes; see the module docs.
pub struct OggOpusWriter {
    w: PacketWriter<'static, Vec<u8>>,
    serial: u32,
    pre_skip: u64,
    /// Samples (at 48 kHz) of the packets written, held one included.
    samples: u64,
    held: Option<(Vec<u8>, u64)>,
    in_page: u32,
    packets: u64,
}

impl std::fmt::Debug for OggOpusWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OggOpusWriter")
            .field("serial", &self.serial)
            .field("packets", &self.packets)
            .finish()
    }
}

impl OggOpusWriter {
    /// Starts a stream for this Opus track, writing both headers.
    ///
    /// # Errors
    /// [`CodecError::Input`] for a track that is not Opus.
    pub fn new(audio: &TrackInfo, serial: u32) -> Result<Self, CodecError> {
        let TrackInfo::Opus { pre_skip, .. } = audio else {
            return Err(CodecError::Input("Ogg holds Opus audio only".into()));
        };
        let mut w = PacketWriter::new(Vec::new());
        w.write_packet(
            audio.codec_private(),
            serial,
            PacketWriteEndInfo::EndPage,
            0,
        )
        .map_err(err)?;
        let vendor = format!("mediacapture {}", env!("CARGO_PKG_VERSION"));
        let mut tags = b"OpusTags".to_vec();
        tags.extend_from_slice(&u32::try_from(vendor.len()).unwrap_or(0).to_le_bytes());
        tags.extend_from_slice(vendor.as_bytes());
        tags.extend_from_slice(&0u32.to_le_bytes()); // no user comments
        w.write_packet(tags, serial, PacketWriteEndInfo::EndPage, 0)
            .map_err(err)?;
        Ok(OggOpusWriter {
            w,
            serial,
            pre_skip: u64::from(*pre_skip),
            samples: 0,
            held: None,
            in_page: 0,
            packets: 0,
        })
    }

    /// Appends a packet.
    ///
    /// # Errors
    /// [`CodecError::Container`] when the page writer fails.
    pub fn write_audio(&mut self, chunk: &EncodedChunk) -> Result<(), CodecError> {
        self.release(PacketWriteEndInfo::NormalPacket)?;
        // Durations are whole 20 ms packets in practice; count in 48 kHz samples.
        self.samples += u64::try_from(chunk.duration.max(0)).unwrap_or(0) * 48 / 1000;
        self.held = Some((chunk.data.clone(), self.pre_skip + self.samples));
        self.packets += 1;
        Ok(())
    }

    /// Writes the held packet, ending the page when asked or when the page is full enough.
    fn release(&mut self, mut end: PacketWriteEndInfo) -> Result<(), CodecError> {
        let Some((data, granule)) = self.held.take() else {
            return Ok(());
        };
        self.in_page += 1;
        if matches!(end, PacketWriteEndInfo::NormalPacket) && self.in_page >= PACKETS_PER_PAGE {
            end = PacketWriteEndInfo::EndPage;
        }
        if !matches!(end, PacketWriteEndInfo::NormalPacket) {
            self.in_page = 0;
        }
        self.w
            .write_packet(Cow::Owned(data), self.serial, end, granule)
            .map_err(err)
    }

    /// Ends the current page and returns the bytes written since the last call.
    ///
    /// # Errors
    /// [`CodecError::Container`] when the page writer fails.
    pub fn take_bytes(&mut self) -> Result<Vec<u8>, CodecError> {
        self.release(PacketWriteEndInfo::EndPage)?;
        Ok(std::mem::take(self.w.inner_mut()))
    }

    /// Ends the stream (the last page is marked) and returns the last bytes.
    ///
    /// # Errors
    /// [`CodecError::Container`] when the page writer fails.
    pub fn finish(&mut self) -> Result<Vec<u8>, CodecError> {
        self.release(PacketWriteEndInfo::EndStream)?;
        Ok(std::mem::take(self.w.inner_mut()))
    }

    /// Packets written.
    pub fn packets(&self) -> u64 {
        self.packets
    }
}
