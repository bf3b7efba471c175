//! A live WebM writer: the layout browsers' recorders write.
//!
//! The EBML header, then a `Segment` of unknown size holding `Info` and `Tracks`, then
//! `Cluster`s of unknown size whose `SimpleBlock`s are written as they come. Nothing is ever
//! rewritten, so the bytes can go out (to a file, a socket, a `dataavailable` event) at once,
//! and a file cut after any block is readable up to that block. There are no `Cues` and no
//! `Duration`, as in a browser's recording. Video is declared BT.709 limited range (`Colour`).
//!
//! A cluster starts at each video keyframe (or every second for audio alone), and at the
//! latest 30 s after the previous one (block times are 16-bit offsets from the cluster's).

use webm_iterable::WebmWriter as TagWriter;
use webm_iterable::WriteOptions;
use webm_iterable::matroska_spec::{Master, MatroskaSpec as M, SimpleBlock};

use crate::{CodecError, EncodedChunk, TrackInfo, VideoCodec};

/// The track number of the video track (when there is one); audio comes after it.
const FIRST_TRACK: u64 = 1;
/// The longest cluster, in ms.
const MAX_CLUSTER_MS: i64 = 30_000;
/// Cluster length for recordings without video, in ms.
const AUDIO_CLUSTER_MS: i64 = 1_000;
/// Opus's seek pre-roll (RFC 7845: 80 ms), in ns.
const OPUS_SEEK_PRE_ROLL_NS: u64 = 80_000_000;

/// EBML's `Void` element, ignored by readers.
pub(crate) const VOID_ID: u64 = 0xEC;
/// The bytes kept for a `SeekHead` at the start of the `Segment` (three entries need 68).
pub(crate) const SEEK_HEAD_ROOM: usize = 96;
/// The bytes kept in `Info` for its `Duration` element (ID 2, size 1, float 8).
pub(crate) const DURATION_ROOM: usize = 11;

fn err(e: impl std::fmt::Display) -> CodecError {
    CodecError::Container(e.to_string())
}

/// Writes one WebM file as a byte stream; see the module docs.
pub struct WebmWriter {
    w: TagWriter<Vec<u8>>,
    video_track: Option<u64>,
    audio_track: Option<u64>,
    /// The current cluster's time in ms.
    cluster_ms: Option<i64>,
    blocks: u64,
}

impl std::fmt::Debug for WebmWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebmWriter")
            .field("video_track", &self.video_track)
            .field("audio_track", &self.audio_track)
            .field("blocks", &self.blocks)
            .finish()
    }
}

impl WebmWriter {
    /// Starts a file with these tracks (video first), writing the header.
    ///
    /// # Errors
    /// [`CodecError::Input`] without any track or with tracks of the wrong kinds.
    pub fn new(video: Option<&TrackInfo>, audio: Option<&TrackInfo>) -> Result<Self, CodecError> {
        let mut w = TagWriter::new(Vec::new());
        w.write(&M::Ebml(Master::Full(vec![
            M::EbmlVersion(1),
            M::EbmlReadVersion(1),
            M::EbmlMaxIdLength(4),
            M::EbmlMaxSizeLength(8),
            M::DocType("webm".into()),
            M::DocTypeVersion(4),
            M::DocTypeReadVersion(2),
        ])))
        .map_err(err)?;
        w.write_advanced(
            &M::Segment(Master::Start),
            WriteOptions::is_unknown_sized_element(),
        )
        .map_err(err)?;
        // Room for a SeekHead, filled in if the file is finished in place (`make_seekable`).
        w.write_raw(VOID_ID, &[0; SEEK_HEAD_ROOM - 2])
            .map_err(err)?;
        w.write(&M::Info(Master::Start)).map_err(err)?;
        w.write(&M::TimestampScale(1_000_000)).map_err(err)?;
        w.write(&M::MuxingApp("mediacapture".into())).map_err(err)?;
        w.write(&M::WritingApp(format!(
            "mediacapture {}",
            env!("CARGO_PKG_VERSION")
        )))
        .map_err(err)?;
        // Room for the Duration (an 8-byte float: 11 bytes in all), likewise.
        w.write_raw(VOID_ID, &[0; DURATION_ROOM - 2]).map_err(err)?;
        w.write(&M::Info(Master::End)).map_err(err)?;
        let mut entries = Vec::new();
        let (mut video_track, mut audio_track) = (None, None);
        for (number, info) in (FIRST_TRACK..).zip([video, audio].into_iter().flatten()) {
            let mut e = vec![
                M::TrackNumber(number),
                M::TrackUID(number),
                M::FlagLacing(0),
            ];
            match info {
                TrackInfo::Video {
                    codec,
                    width,
                    height,
                } if video_track.is_none() => {
                    video_track = Some(number);
                    e.push(M::TrackType(1));
                    e.push(M::CodecID(
                        match codec {
                            VideoCodec::Vp8 => "V_VP8",
                            VideoCodec::Vp9 => "V_VP9",
                        }
                        .into(),
                    ));
                    e.push(M::Video(Master::Full(vec![
                        M::PixelWidth(u64::from(*width)),
                        M::PixelHeight(u64::from(*height)),
                        // BT.709, limited range (ISO/IEC 23091-4 codes): what the encoders are
                        // fed. VP8's bitstream cannot say it, and players assume BT.601.
                        M::Colour(Master::Full(vec![
                            M::MatrixCoefficients(1),
                            M::Range(1),
                            M::TransferCharacteristics(1),
                            M::Primaries(1),
                        ])),
                    ])));
                }
                TrackInfo::Opus {
                    channels, pre_skip, ..
                } if audio_track.is_none() => {
                    audio_track = Some(number);
                    e.push(M::TrackType(2));
                    e.push(M::CodecID("A_OPUS".into()));
                    e.push(M::CodecPrivate(info.codec_private()));
                    // The pre-skip, in ns (samples at 48 kHz).
                    e.push(M::CodecDelay(u64::from(*pre_skip) * 1_000_000_000 / 48_000));
                    e.push(M::SeekPreRoll(OPUS_SEEK_PRE_ROLL_NS));
                    e.push(M::Audio(Master::Full(vec![
                        M::SamplingFrequency(48_000.0),
                        M::Channels(u64::from(*channels)),
                    ])));
                }
                _ => {
                    return Err(CodecError::Input(
                        "WebM takes one video track then one audio track".into(),
                    ));
                }
            }
            entries.push(M::TrackEntry(Master::Full(e)));
        }
        if entries.is_empty() {
            return Err(CodecError::Input("a WebM file needs a track".into()));
        }
        w.write(&M::Tracks(Master::Full(entries))).map_err(err)?;
        Ok(WebmWriter {
            w,
            video_track,
            audio_track,
            cluster_ms: None,
            blocks: 0,
        })
    }

    /// Appends a video frame.
    ///
    /// # Errors
    /// [`CodecError::Input`] when the file has no video track.
    pub fn write_video(&mut self, chunk: &EncodedChunk) -> Result<(), CodecError> {
        let track = self
            .video_track
            .ok_or_else(|| CodecError::Input("this WebM file has no video track".into()))?;
        self.block(track, chunk, true)
    }

    /// Appends an audio packet.
    ///
    /// # Errors
    /// [`CodecError::Input`] when the file has no audio track.
    pub fn write_audio(&mut self, chunk: &EncodedChunk) -> Result<(), CodecError> {
        let track = self
            .audio_track
            .ok_or_else(|| CodecError::Input("this WebM file has no audio track".into()))?;
        self.block(track, chunk, false)
    }

    fn block(&mut self, track: u64, chunk: &EncodedChunk, video: bool) -> Result<(), CodecError> {
        let ms = chunk.timestamp.div_euclid(1000).max(0);
        let new_cluster = match self.cluster_ms {
            None => true,
            Some(c) => {
                (video && chunk.key)
                    || ms - c >= MAX_CLUSTER_MS
                    || (self.video_track.is_none() && ms - c >= AUDIO_CLUSTER_MS)
                    || ms < c - i64::from(i16::MAX)
            }
        };
        if new_cluster {
            if self.cluster_ms.is_some() {
                self.w.write(&M::Cluster(Master::End)).map_err(err)?;
            }
            self.w
                .write_advanced(
                    &M::Cluster(Master::Start),
                    WriteOptions::is_unknown_sized_element(),
                )
                .map_err(err)?;
            self.w
                .write(&M::Timestamp(u64::try_from(ms).unwrap_or(0)))
                .map_err(err)?;
            self.cluster_ms = Some(ms);
        }
        let rel = ms - self.cluster_ms.unwrap_or(ms);
        let rel = i16::try_from(rel).unwrap_or(if rel < 0 { i16::MIN } else { i16::MAX });
        let block =
            SimpleBlock::new_uncheked(&chunk.data, track, rel, false, None, false, chunk.key);
        let tag: M = block.into();
        self.w.write(&tag).map_err(err)?;
        self.blocks += 1;
        Ok(())
    }

    /// The bytes written since the last call: final, never to change.
    pub fn take_bytes(&mut self) -> Vec<u8> {
        std::mem::take(self.w.get_mut())
    }

    /// Blocks written.
    pub fn blocks(&self) -> u64 {
        self.blocks
    }
}
