//! Finishing a live WebM file in place: its duration and a seek index.
//!
//! A file from [`WebmWriter`](crate::webm::WebmWriter) has the live layout (a `Segment` and
//! `Cluster`s of unknown size, no `Cues`, no `Duration`), which plays but which players
//! cannot seek in or show the length of. Once the recording has stopped and the file can be
//! rewritten, [`make_seekable`] walks it and:
//!
//! 1. gives every `Cluster` and the `Segment` their sizes (the 8-byte "unknown" sizes are
//!    overwritten, so nothing moves);
//! 2. appends `Cues`: one `CuePoint` per cluster that starts with a video keyframe (per
//!    cluster for audio alone);
//! 3. writes `Info`'s `Duration` (the last block's time plus its track's frame interval) and a
//!    `SeekHead` (to `Info`, `Tracks`, `Cues`) into the `Void`s the writer left for them.
//!
//! The live bytes are only overwritten in those reserved places, so a crash while finishing
//! leaves a file that still plays as before.

use std::io::{Read, Seek, SeekFrom, Write};

use crate::CodecError;
use crate::webm::{DURATION_ROOM, SEEK_HEAD_ROOM, VOID_ID};

const EBML_ID: u64 = 0x1A45_DFA3;
const SEGMENT_ID: u64 = 0x1853_8067;
const SEEK_HEAD_ID: u64 = 0x114D_9B74;
const INFO_ID: u64 = 0x1549_A966;
const TRACKS_ID: u64 = 0x1654_AE6B;
const TRACK_ENTRY_ID: u64 = 0xAE;
const TRACK_NUMBER_ID: u64 = 0xD7;
const TRACK_TYPE_ID: u64 = 0x83;
const CLUSTER_ID: u64 = 0x1F43_B675;
const CUES_ID: u64 = 0x1C53_BB6B;
const CUE_POINT_ID: u64 = 0xBB;
const CUE_TIME_ID: u64 = 0xB3;
const CUE_TRACK_POSITIONS_ID: u64 = 0xB7;
const CUE_TRACK_ID: u64 = 0xF7;
const CUE_CLUSTER_POSITION_ID: u64 = 0xF1;
const SEEK_ID: u64 = 0x4DBB;
const SEEK_ID_ID: u64 = 0x53AB;
const SEEK_POSITION_ID: u64 = 0x53AC;
const TIMESTAMP_ID: u64 = 0xE7;
const SIMPLE_BLOCK_ID: u64 = 0xA3;
const DURATION_ID: [u8; 2] = [0x44, 0x89];
/// Elements larger than this are not ours to walk (a guard against garbage sizes).
const MAX_ELEMENT: u64 = 1 << 40;

fn io(e: std::io::Error) -> CodecError {
    CodecError::Container(format!("finishing the file: {e}"))
}

fn bad(what: &str) -> CodecError {
    CodecError::Container(format!("not a WebM file from this writer: {what}"))
}

/// An element header: where it starts, its id, where its size field and data are, and the
/// data size (`None`: unknown).
#[derive(Debug)]
struct Header {
    start: u64,
    id: u64,
    size_at: u64,
    size_len: u8,
    data_at: u64,
    size: Option<u64>,
}

/// Reads an EBML variable-length integer; `(value with marker bits cleared, length, all
/// value bits set)`.
fn read_vint(r: &mut impl Read, keep_marker: bool) -> Result<Option<(u64, u8, bool)>, CodecError> {
    let mut first = [0u8; 1];
    if r.read(&mut first).map_err(io)? == 0 {
        return Ok(None);
    }
    let len = first[0].leading_zeros() as u8 + 1;
    if len > 8 {
        return Err(bad("a variable-length integer longer than 8 bytes"));
    }
    let mut rest = [0u8; 7];
    r.read_exact(&mut rest[..usize::from(len - 1)])
        .map_err(io)?;
    let mut v = if keep_marker {
        u64::from(first[0])
    } else {
        u64::from(first[0]) & ((1u64 << (8 - len)) - 1)
    };
    for b in &rest[..usize::from(len - 1)] {
        v = (v << 8) | u64::from(*b);
    }
    let all_ones = (u64::from(first[0]) & ((1u64 << (8 - len)) - 1)) == (1u64 << (8 - len)) - 1
        && rest[..usize::from(len - 1)].iter().all(|b| *b == 0xFF);
    Ok(Some((v, len, all_ones)))
}

fn read_header<R: Read + Seek>(r: &mut R) -> Result<Option<Header>, CodecError> {
    let start = r.stream_position().map_err(io)?;
    let Some((id, _, _)) = read_vint(r, true)? else {
        return Ok(None);
    };
    let size_at = start + id_len(id);
    let (size, size_len, unknown) =
        read_vint(r, false)?.ok_or_else(|| bad("cut inside an element header"))?;
    Ok(Some(Header {
        start,
        id,
        size_at,
        size_len,
        data_at: size_at + u64::from(size_len),
        size: (!unknown).then_some(size),
    }))
}

fn id_len(id: u64) -> u64 {
    u64::from((64 - id.leading_zeros()).div_ceil(8))
}

fn read_uint<R: Read>(r: &mut R, len: u64) -> Result<u64, CodecError> {
    if len > 8 {
        return Err(bad("an integer longer than 8 bytes"));
    }
    let mut b = [0u8; 8];
    r.read_exact(&mut b[..len as usize]).map_err(io)?;
    Ok(b[..len as usize]
        .iter()
        .fold(0, |v, x| (v << 8) | u64::from(*x)))
}

/// A cluster of the file.
#[derive(Debug)]
struct Cluster {
    /// Its header's offset from the start of the Segment's data.
    position: u64,
    time_ms: u64,
    /// Whether its first video block is a keyframe.
    starts_with_key: bool,
}

/// What a walk of the file found.
#[derive(Debug, Default)]
struct Layout {
    segment_size_at: u64,
    segment_data: u64,
    seek_room: Option<u64>,
    info: Option<u64>,
    duration_room: Option<u64>,
    tracks: Option<u64>,
    video_track: Option<u64>,
    audio_track: Option<u64>,
    clusters: Vec<Cluster>,
    /// Unknown-size clusters: where their size field is, and their data size.
    sizes_to_patch: Vec<(u64, u64)>,
    /// Per track number: the last two block times, in ms.
    last_times: Vec<(u64, u64, Option<u64>)>,
    end: u64,
}

impl Layout {
    fn note_block(&mut self, track: u64, ms: u64) {
        match self.last_times.iter_mut().find(|(t, _, _)| *t == track) {
            Some((_, last, prev)) => {
                *prev = Some(*last);
                *last = ms;
            }
            None => self.last_times.push((track, ms, None)),
        }
    }

    /// The end of the media: per track, its last block's time plus the interval before it.
    fn duration_ms(&self) -> u64 {
        self.last_times
            .iter()
            .map(|(_, last, prev)| last + prev.map_or(0, |p| last.saturating_sub(p)))
            .max()
            .unwrap_or(0)
    }
}

fn walk<R: Read + Seek>(r: &mut R) -> Result<Layout, CodecError> {
    let mut l = Layout::default();
    let h = read_header(r)?.ok_or_else(|| bad("empty"))?;
    if h.id != EBML_ID {
        return Err(bad("no EBML header"));
    }
    r.seek(SeekFrom::Start(
        h.data_at + h.size.ok_or_else(|| bad("EBML header size"))?,
    ))
    .map_err(io)?;
    let seg = read_header(r)?.ok_or_else(|| bad("no Segment"))?;
    if seg.id != SEGMENT_ID || seg.size_len != 8 {
        return Err(bad("no 8-byte-sized Segment"));
    }
    l.segment_size_at = seg.size_at;
    l.segment_data = seg.data_at;
    let mut pending: Option<Header> = None;
    loop {
        let h = match pending.take() {
            Some(h) => h,
            None => match read_header(r)? {
                Some(h) => h,
                None => break,
            },
        };
        let rel = h.start - l.segment_data;
        match (h.id, h.size) {
            (CLUSTER_ID, size) => {
                let (cluster, next) = walk_cluster(r, &h, rel, &mut l)?;
                l.clusters.push(cluster);
                if size.is_none() {
                    let end = next
                        .as_ref()
                        .map_or(r.stream_position().map_err(io)?, |n| n.start);
                    l.sizes_to_patch.push((h.size_at, end - h.data_at));
                }
                pending = next;
                continue;
            }
            (CUES_ID | SEEK_HEAD_ID, _) => return Err(bad("it is finished already")),
            (_, None) => return Err(bad("an unknown-size element that is not a Cluster")),
            (_, Some(size)) if size > MAX_ELEMENT => return Err(bad("an element too large")),
            (VOID_ID, Some(size))
                if l.seek_room.is_none()
                    && l.info.is_none()
                    && h.data_at + size - h.start == SEEK_HEAD_ROOM as u64 =>
            {
                l.seek_room = Some(h.start);
            }
            (INFO_ID, Some(size)) => {
                l.info = Some(rel);
                let end = h.data_at + size;
                while r.stream_position().map_err(io)? < end {
                    let c = read_header(r)?.ok_or_else(|| bad("cut inside Info"))?;
                    let csize = c.size.ok_or_else(|| bad("Info child size"))?;
                    if c.id == VOID_ID && c.data_at + csize - c.start == DURATION_ROOM as u64 {
                        l.duration_room = Some(c.start);
                    }
                    r.seek(SeekFrom::Start(c.data_at + csize)).map_err(io)?;
                }
            }
            (TRACKS_ID, Some(size)) => {
                l.tracks = Some(rel);
                walk_tracks(r, h.data_at + size, &mut l)?;
            }
            _ => {}
        }
        if let Some(size) = h.size {
            r.seek(SeekFrom::Start(h.data_at + size)).map_err(io)?;
        }
    }
    l.end = r.stream_position().map_err(io)?;
    Ok(l)
}

fn walk_tracks<R: Read + Seek>(r: &mut R, end: u64, l: &mut Layout) -> Result<(), CodecError> {
    while r.stream_position().map_err(io)? < end {
        let e = read_header(r)?.ok_or_else(|| bad("cut inside Tracks"))?;
        let esize = e.size.ok_or_else(|| bad("TrackEntry size"))?;
        if e.id != TRACK_ENTRY_ID {
            r.seek(SeekFrom::Start(e.data_at + esize)).map_err(io)?;
            continue;
        }
        let (mut number, mut kind) = (None, None);
        while r.stream_position().map_err(io)? < e.data_at + esize {
            let c = read_header(r)?.ok_or_else(|| bad("cut inside a TrackEntry"))?;
            let csize = c.size.ok_or_else(|| bad("TrackEntry child size"))?;
            match c.id {
                TRACK_NUMBER_ID => number = Some(read_uint(r, csize)?),
                TRACK_TYPE_ID => kind = Some(read_uint(r, csize)?),
                _ => {
                    r.seek(SeekFrom::Start(c.data_at + csize)).map_err(io)?;
                }
            }
        }
        match (number, kind) {
            (Some(n), Some(1)) => l.video_track = Some(n),
            (Some(n), Some(2)) => l.audio_track = Some(n),
            _ => {}
        }
    }
    Ok(())
}

/// Walks one cluster's children; the cluster, and the header that ended an unknown-size one
/// (a top-level element), if any.
fn walk_cluster<R: Read + Seek>(
    r: &mut R,
    h: &Header,
    rel: u64,
    l: &mut Layout,
) -> Result<(Cluster, Option<Header>), CodecError> {
    let end = h.size.map(|s| h.data_at + s);
    let mut c = Cluster {
        position: rel,
        time_ms: 0,
        starts_with_key: false,
    };
    let mut seen_video = false;
    loop {
        if end.is_some_and(|e| r.stream_position().is_ok_and(|p| p >= e)) {
            return Ok((c, None));
        }
        let Some(child) = read_header(r)? else {
            return Ok((c, None));
        };
        // A top-level element: the end of an unknown-size cluster.
        if end.is_none()
            && matches!(
                child.id,
                CLUSTER_ID | CUES_ID | SEEK_HEAD_ID | INFO_ID | TRACKS_ID
            )
        {
            return Ok((c, Some(child)));
        }
        let Some(size) = child.size else {
            return Err(bad(&format!(
                "an unknown-size element {:#x} inside a Cluster, at {}",
                child.id, child.start
            )));
        };
        // How far into the child this has read: the next child starts after both.
        let read = match child.id {
            TIMESTAMP_ID => {
                c.time_ms = read_uint(r, size)?;
                size
            }
            SIMPLE_BLOCK_ID => {
                let (track, track_len, _) =
                    read_vint(r, false)?.ok_or_else(|| bad("cut inside a SimpleBlock"))?;
                let mut b = [0u8; 3];
                r.read_exact(&mut b).map_err(io)?;
                let rel_ms = i64::from(i16::from_be_bytes([b[0], b[1]]));
                let ms = u64::try_from(c.time_ms as i64 + rel_ms).unwrap_or(0);
                l.note_block(track, ms);
                if Some(track) == l.video_track && !seen_video {
                    seen_video = true;
                    c.starts_with_key = b[2] & 0x80 != 0;
                }
                u64::from(track_len) + 3
            }
            _ => 0,
        };
        r.seek(SeekFrom::Start(child.data_at + size.max(read)))
            .map_err(io)?;
    }
}

/// An 8-byte EBML size field for `size`.
fn size8(size: u64) -> [u8; 8] {
    let mut b = size.to_be_bytes();
    b[0] = 0x01;
    b
}

/// One EBML element: its id, its size (as short as it can be), its data.
fn element(id: u64, data: &[u8]) -> Vec<u8> {
    let mut v = id.to_be_bytes()[8 - id_len(id) as usize..].to_vec();
    let len = data.len() as u64;
    // The shortest size field: n bytes hold 7n bits (all ones is reserved for "unknown").
    let n = (1..=8u32)
        .find(|n| len < (1u64 << (7 * n)) - 1)
        .unwrap_or(8);
    let marked = len | (1u64 << (7 * n));
    v.extend_from_slice(&marked.to_be_bytes()[8 - n as usize..]);
    v.extend_from_slice(data);
    v
}

/// An unsigned integer element, in as few bytes as hold it.
fn uint(id: u64, value: u64) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let skip = (value.leading_zeros() / 8).min(7) as usize;
    element(id, &bytes[skip..])
}

/// The bytes of a `Void` element `len` bytes long in all (2 to 128).
fn void(len: usize) -> Vec<u8> {
    let mut v = vec![0u8; len];
    v[0] = 0xEC;
    v[1] = 0x80 | (len - 2) as u8;
    v
}

/// Finishes a complete live WebM file in place (see the module docs): afterwards players
/// show its duration and can seek in it. `Ok(false)` (and nothing written) when the file
/// is not one [`WebmWriter`](crate::webm::WebmWriter) wrote with room for the index, or
/// has no blocks.
///
/// # Errors
/// [`CodecError::Container`] when the file cannot be read or written, or is not a WebM file
/// of this writer's layout (already finished, for one).
pub fn make_seekable<F: Read + Write + Seek>(file: &mut F) -> Result<bool, CodecError> {
    file.seek(SeekFrom::Start(0)).map_err(io)?;
    let l = {
        let mut r = std::io::BufReader::new(&mut *file);
        walk(&mut r)?
    };
    let (Some(seek_room), Some(duration_room), Some(info), Some(tracks)) =
        (l.seek_room, l.duration_room, l.info, l.tracks)
    else {
        return Ok(false);
    };
    if l.clusters.is_empty() {
        return Ok(false);
    }
    // Step 1: the clusters' sizes.
    for (at, size) in &l.sizes_to_patch {
        file.seek(SeekFrom::Start(*at)).map_err(io)?;
        file.write_all(&size8(*size)).map_err(io)?;
    }
    // Step 2: the Cues, after the last cluster.
    let cue_track = l.video_track.or(l.audio_track).unwrap_or(1);
    let points: Vec<u8> = l
        .clusters
        .iter()
        .filter(|c| l.video_track.is_none() || c.starts_with_key)
        .flat_map(|c| {
            let positions = [
                uint(CUE_TRACK_ID, cue_track),
                uint(CUE_CLUSTER_POSITION_ID, c.position),
            ]
            .concat();
            element(
                CUE_POINT_ID,
                &[
                    uint(CUE_TIME_ID, c.time_ms),
                    element(CUE_TRACK_POSITIONS_ID, &positions),
                ]
                .concat(),
            )
        })
        .collect();
    let cues = element(CUES_ID, &points);
    let cues_at = l.end;
    file.seek(SeekFrom::Start(cues_at)).map_err(io)?;
    file.write_all(&cues).map_err(io)?;
    let end = cues_at + cues.len() as u64;
    // Step 3: the Duration (in TimestampScale units: ms) and the SeekHead.
    let mut duration = DURATION_ID.to_vec();
    duration.push(0x88);
    duration.extend_from_slice(&(l.duration_ms() as f64).to_be_bytes());
    file.seek(SeekFrom::Start(duration_room)).map_err(io)?;
    file.write_all(&duration).map_err(io)?;
    let seek = |id: u64, position: u64| {
        let id_bytes = &id.to_be_bytes()[8 - id_len(id) as usize..];
        element(
            SEEK_ID,
            &[
                element(SEEK_ID_ID, id_bytes),
                uint(SEEK_POSITION_ID, position),
            ]
            .concat(),
        )
    };
    let mut head = element(
        SEEK_HEAD_ID,
        &[
            seek(INFO_ID, info),
            seek(TRACKS_ID, tracks),
            seek(CUES_ID, cues_at - l.segment_data),
        ]
        .concat(),
    );
    match SEEK_HEAD_ROOM.checked_sub(head.len()) {
        Some(0) => {}
        Some(rest) if rest >= 2 => head.extend(void(rest)),
        _ => return Err(bad("no room for the SeekHead")),
    }
    file.seek(SeekFrom::Start(seek_room)).map_err(io)?;
    file.write_all(&head).map_err(io)?;
    // Step 1, the Segment: last, so that a file cut before this still reads to its end.
    file.seek(SeekFrom::Start(l.segment_size_at)).map_err(io)?;
    file.write_all(&size8(end - l.segment_data)).map_err(io)?;
    file.seek(SeekFrom::Start(end)).map_err(io)?;
    file.flush().map_err(io)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::io::Cursor;

    use webm_iterable::matroska_spec::{Master, MatroskaSpec as M};

    use super::*;
    use crate::webm::WebmWriter;
    use crate::{EncodedChunk, TrackInfo, VideoCodec};

    fn chunk(ms: i64, key: bool) -> EncodedChunk {
        EncodedChunk {
            data: vec![0x10, 0x02, 0x00, 0x9D],
            timestamp: ms * 1000,
            duration: 33_333,
            key,
        }
    }

    #[test]
    fn clusters_get_sizes_cues_and_the_file_a_duration() {
        let video = TrackInfo::Video {
            codec: VideoCodec::Vp8,
            width: 64,
            height: 48,
        };
        let mut w = WebmWriter::new(Some(&video), None).unwrap();
        for i in 0..90 {
            w.write_video(&chunk(i * 33, i % 30 == 0)).unwrap();
        }
        let mut file = Cursor::new(w.take_bytes());
        let live_len = file.get_ref().len();
        assert!(make_seekable(&mut file).unwrap());
        let bytes = file.into_inner();
        assert!(bytes.len() > live_len, "the Cues are appended");
        // Walk the finished file: every size known, three cue points, the duration.
        let mut r = Cursor::new(bytes.clone());
        assert!(
            matches!(walk(&mut r), Err(CodecError::Container(m)) if m.contains("finished")),
            "a second run refuses"
        );
        let tags: Vec<M> = webm_iterable::WebmIterator::new(Cursor::new(bytes), &[])
            .map(Result::unwrap)
            .collect();
        let duration = tags.iter().find_map(|t| match t {
            M::Duration(d) => Some(*d),
            _ => None,
        });
        assert_eq!(duration, Some(89.0 * 33.0 + 33.0));
        let cue_times: Vec<u64> = tags
            .iter()
            .filter_map(|t| match t {
                M::CueTime(t) => Some(*t),
                _ => None,
            })
            .collect();
        assert_eq!(cue_times, [0, 990, 1980]);
        let sizes_known = tags
            .iter()
            .filter(|t| matches!(t, M::Cluster(Master::Start)))
            .count();
        assert_eq!(sizes_known, 3);
    }

    #[test]
    fn other_files_are_left_alone() {
        let mut empty = Cursor::new(Vec::new());
        assert!(make_seekable(&mut empty).is_err());
        let audio = TrackInfo::opus(48_000, 2, 312);
        let mut w = WebmWriter::new(None, Some(&audio)).unwrap();
        let header = w.take_bytes();
        let mut no_blocks = Cursor::new(header.clone());
        assert!(!make_seekable(&mut no_blocks).unwrap());
        assert_eq!(no_blocks.into_inner(), header);
    }
}
