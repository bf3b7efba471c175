//! One face for both containers.

use crate::ogg::OggOpusWriter;
use crate::webm::WebmWriter;
use crate::{CodecError, EncodedChunk, TrackInfo};

/// The containers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Container {
    /// WebM (`video/webm`, `audio/webm`).
    WebM,
    /// Ogg (`audio/ogg`): Opus only.
    Ogg,
}

#[derive(Debug)]
enum Inner {
    WebM(WebmWriter),
    Ogg(OggOpusWriter),
}

/// Writes a recording's chunks into its container, as a stream of final bytes.
#[derive(Debug)]
pub struct Muxer {
    inner: Inner,
}

impl Muxer {
    /// Starts a file; the header is the first [`take_bytes`](Self::take_bytes).
    ///
    /// # Errors
    /// [`CodecError::Input`] for tracks the container cannot hold (Ogg: one Opus track).
    pub fn new(
        container: Container,
        video: Option<TrackInfo>,
        audio: Option<TrackInfo>,
    ) -> Result<Self, CodecError> {
        let inner = match container {
            Container::WebM => Inner::WebM(WebmWriter::new(video.as_ref(), audio.as_ref())?),
            Container::Ogg => {
                if video.is_some() {
                    return Err(CodecError::Input("Ogg cannot hold video here".into()));
                }
                let audio = audio.ok_or_else(|| CodecError::Input("Ogg needs audio".into()))?;
                Inner::Ogg(OggOpusWriter::new(&audio, 0x6d63_6170)?)
            }
        };
        Ok(Muxer { inner })
    }

    /// Appends a video frame.
    ///
    /// # Errors
    /// [`CodecError::Input`] when the file has no video track.
    pub fn write_video(&mut self, chunk: &EncodedChunk) -> Result<(), CodecError> {
        match &mut self.inner {
            Inner::WebM(w) => w.write_video(chunk),
            Inner::Ogg(_) => Err(CodecError::Input("Ogg has no video track".into())),
        }
    }

    /// Appends an audio packet.
    ///
    /// # Errors
    /// [`CodecError::Container`] when writing fails.
    pub fn write_audio(&mut self, chunk: &EncodedChunk) -> Result<(), CodecError> {
        match &mut self.inner {
            Inner::WebM(w) => w.write_audio(chunk),
            Inner::Ogg(w) => w.write_audio(chunk),
        }
    }

    /// Everything written since the last call, made final (Ogg ends its page).
    ///
    /// # Errors
    /// [`CodecError::Container`] when writing fails.
    pub fn take_bytes(&mut self) -> Result<Vec<u8>, CodecError> {
        match &mut self.inner {
            Inner::WebM(w) => Ok(w.take_bytes()),
            Inner::Ogg(w) => w.take_bytes(),
        }
    }

    /// Ends the file and returns its last bytes.
    ///
    /// # Errors
    /// [`CodecError::Container`] when writing fails.
    pub fn finish(&mut self) -> Result<Vec<u8>, CodecError> {
        match &mut self.inner {
            Inner::WebM(w) => Ok(w.take_bytes()),
            Inner::Ogg(w) => w.finish(),
        }
    }
}
