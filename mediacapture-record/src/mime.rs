//! MIME types for `MediaRecorder`: a total parser (WHATWG MIME Sniffing, "parse a MIME type")
//! and the recorder's "is type supported" algorithm.

use mediacapture_codecs::{Container, VideoCodec};
use mediacapture_main::MediaStreamError;

/// A parsed MIME type: lowercase type and subtype, parameters in order (names lowercase).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct MimeType {
    pub kind: String,
    pub subtype: String,
    pub params: Vec<(String, String)>,
}

fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn is_http_ws(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// Parses `s`, or `None` when it is not a valid MIME type. Never panics.
pub(crate) fn parse(s: &str) -> Option<MimeType> {
    let s = s.trim_matches(is_http_ws);
    let (kind, rest) = s.split_once('/')?;
    if !is_token(kind) {
        return None;
    }
    let (subtype, mut rest) = match rest.find(';') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let subtype = subtype.trim_end_matches(is_http_ws);
    if !is_token(subtype) {
        return None;
    }
    let mut params: Vec<(String, String)> = Vec::new();
    // The names seen, so that a type with many parameters parses in linear time.
    let mut names = std::collections::HashSet::new();
    while let Some(r) = rest.strip_prefix(';') {
        let r = r.trim_start_matches(is_http_ws);
        // The name runs to ';' or '='.
        let end = r.find([';', '=']).unwrap_or(r.len());
        let name = r[..end].to_ascii_lowercase();
        let mut r2 = &r[end..];
        if r2.is_empty() || r2.starts_with(';') {
            rest = r2;
            continue;
        }
        r2 = &r2[1..]; // '='
        let value;
        if let Some(q) = r2.strip_prefix('"') {
            // A quoted string: backslash escapes, then skip to the next ';'.
            let mut v = String::new();
            let mut chars = q.char_indices();
            let mut consumed = q.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => match chars.next() {
                        Some((_, e)) => v.push(e),
                        None => v.push('\\'),
                    },
                    '"' => {
                        consumed = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            let after = &q[consumed..];
            rest = &after[after.find(';').unwrap_or(after.len())..];
            value = v;
        } else {
            let end = r2.find(';').unwrap_or(r2.len());
            value = r2[..end].trim_end_matches(is_http_ws).to_owned();
            rest = &r2[end..];
            if value.is_empty() {
                continue;
            }
        }
        let value_ok = value
            .chars()
            .all(|c| c == '\t' || (' '..='~').contains(&c) || ('\u{80}'..='\u{ff}').contains(&c));
        if is_token(&name) && value_ok && names.insert(name.clone()) {
            params.push((name, value));
        }
    }
    Some(MimeType {
        kind: kind.to_ascii_lowercase(),
        subtype: subtype.to_ascii_lowercase(),
        params,
    })
}

/// What a supported MIME type asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Format {
    /// The type and subtype, lowercase (`video`, `webm`).
    pub kind: String,
    pub subtype: String,
    pub container: Container,
    /// `video/…` (else `audio/…`).
    pub video_type: bool,
    /// The video codec named, if any.
    pub video: Option<VideoCodec>,
    /// Whether Opus is named.
    pub opus: bool,
    /// Codec ids we do not know: the check is deferred to `start()` (which fails).
    pub unknown: Vec<String>,
}

/// The ids the recording spec says are checked at once (step 6 of "is type supported").
const SYNCHRONOUS: &[&str] = &[
    "vp8", "vp9", "h264", "avc1", "av1", "av01", "hvc1", "hev1", "avc3", "opus", "pcm",
];

/// The recording spec's [is type supported](https://w3c.github.io/mediacapture-record/#dom-mediarecorder-istypesupported)
/// with `defer_newer_codecs_check`: `Ok(None)` for `""`, `Ok(Some(format))` for a type we
/// record, `Err(())` otherwise.
#[allow(clippy::result_unit_err)]
pub(crate) fn is_type_supported(
    s: &str,
    defer_newer_codecs_check: bool,
) -> Result<Option<Format>, ()> {
    // Step 1.
    if s.is_empty() {
        return Ok(None);
    }
    // Step 2.
    let m = parse(s).ok_or(())?;
    // Step 3.
    let (container, video_type) = match (m.kind.as_str(), m.subtype.as_str()) {
        ("video", "webm") => (Container::WebM, true),
        ("audio", "webm") => (Container::WebM, false),
        ("audio", "ogg") => (Container::Ogg, false),
        _ => return Err(()),
    };
    let mut f = Format {
        kind: m.kind.clone(),
        subtype: m.subtype.clone(),
        container,
        video_type,
        video: None,
        opus: false,
        unknown: Vec::new(),
    };
    let Some((_, codecs)) = m.params.iter().find(|(n, _)| n == "codecs") else {
        return Ok(Some(f));
    };
    // Step 4: strictly split on ','.
    let (mut audio, mut video) = (0, 0);
    for codec in codecs.split(',') {
        // Step 5: the id is the ASCII-lowercased part before the first '.'.
        let id = codec
            .trim_matches(is_http_ws)
            .split('.')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match id.as_str() {
            "vp8" | "vp9" if video_type => {
                video += 1;
                f.video = Some(if id == "vp8" {
                    VideoCodec::Vp8
                } else {
                    VideoCodec::Vp9
                });
            }
            "opus" => {
                audio += 1;
                f.opus = true;
            }
            // Step 6: a synchronously checked codec this container cannot hold here.
            known if SYNCHRONOUS.contains(&known) => return Err(()),
            // Step 7: newer codecs are checked later (if at all).
            _ => f.unknown.push(id),
        }
    }
    if audio > 1 || video > 1 {
        return Err(());
    }
    if !f.unknown.is_empty() {
        return if defer_newer_codecs_check {
            Ok(Some(f))
        } else {
            Err(())
        };
    }
    Ok(Some(f))
}

/// What `start()` records with: the container and codecs a type allows.
pub(crate) struct RecordingFormat {
    pub container: Container,
    /// The type and subtype the `start` event's `mimeType` shows.
    pub kind: String,
    pub subtype: String,
    /// The video codec (VP8 unless the type names another).
    pub video_codec: VideoCodec,
    /// Codec ids we do not know: the recording fails "in parallel".
    pub unknown: Vec<String>,
}

/// Steps 5 and 8 of `start()`: the configuration `mime` allows, with which the tracks present
/// must be recordable.
///
/// # Errors
/// `NotSupportedError` for a type `isTypeSupported` refuses, or a track the type cannot record
/// (a video track with an `audio/…` type, or a kind whose codec `codecs` leaves out).
pub(crate) fn recording_format(
    mime: &str,
    has_video: bool,
    has_audio: bool,
) -> Result<RecordingFormat, MediaStreamError> {
    let format = is_type_supported(mime, true)
        .map_err(|()| MediaStreamError::not_supported("unsupported mimeType"))?;
    let Some(f) = format else {
        return Ok(RecordingFormat {
            container: Container::WebM,
            kind: if has_video { "video" } else { "audio" }.to_owned(),
            subtype: "webm".to_owned(),
            video_codec: VideoCodec::Vp8,
            unknown: Vec::new(),
        });
    };
    let has_codecs = f.video.is_some() || f.opus || !f.unknown.is_empty();
    let known_only = f.unknown.is_empty();
    if has_video && (!f.video_type || (has_codecs && f.video.is_none() && known_only)) {
        return Err(MediaStreamError::not_supported(format!(
            "{mime:?} cannot record a video track"
        )));
    }
    if has_audio && has_codecs && !f.opus && known_only {
        return Err(MediaStreamError::not_supported(format!(
            "{mime:?} cannot record an audio track"
        )));
    }
    Ok(RecordingFormat {
        container: f.container,
        kind: f.kind,
        subtype: f.subtype,
        video_codec: f.video.unwrap_or(VideoCodec::Vp8),
        unknown: f.unknown,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_parameters_parse_in_linear_time() {
        // 100,000 distinct parameters took 46 s when each was checked against the others
        // (now a set of names: milliseconds). Repeated names keep the first.
        let many: String = (0..100_000).map(|i| format!(";p{i}=v;p{i}=w")).collect();
        let m = parse(&format!("video/webm{many};codecs=vp8")).unwrap();
        assert_eq!(m.params.len(), 100_001);
        assert!(m.params.iter().all(|(n, v)| n == "codecs" || v == "v"));
        assert_eq!(m.params.last().map(|p| p.1.as_str()), Some("vp8"));
    }

    #[test]
    fn parses_like_whatwg() {
        let m = parse(" Video/WebM ; codecs=\"vp8, opus\";x=1;codecs=vp9").unwrap();
        assert_eq!((m.kind.as_str(), m.subtype.as_str()), ("video", "webm"));
        assert_eq!(
            m.params,
            [
                ("codecs".into(), "vp8, opus".into()),
                ("x".into(), "1".into())
            ]
        );
        for bad in [
            "",
            "video",
            "/webm",
            "video/",
            "vi deo/webm",
            "video/we bm",
            "a/b/c\u{0}",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let m = parse("audio/ogg;;=x; ;codecs=\"op\\\"us").unwrap();
        assert_eq!(m.params, [("codecs".into(), "op\"us".into())]);
    }

    #[test]
    fn supports_what_we_record() {
        let ok = |s: &str| is_type_supported(s, false).is_ok();
        assert!(ok(""));
        for s in [
            "video/webm",
            "video/webm;codecs=vp8",
            "video/webm;codecs=vp9,opus",
            "VIDEO/WEBM; CODECS=\"VP8.0, OPUS\"",
            "video/webm;codecs=opus",
            "audio/webm",
            "audio/webm;codecs=opus",
            "audio/ogg;codecs=opus",
            "audio/ogg",
        ] {
            assert!(ok(s), "{s}");
        }
        for s in [
            "video/mp4",
            "video/webm;codecs=h264",
            "video/webm;codecs=vp8,vp9",
            "video/webm;codecs=opus,opus",
            "audio/webm;codecs=vp8",
            "audio/ogg;codecs=vorbis",
            "audio/webm;codecs=pcm",
            "image/png",
            "video/webm;codecs=vp8,,opus",
            "anything",
        ] {
            assert!(!ok(s), "{s}");
        }
        // Unknown codec ids: deferred for the constructor, refused by isTypeSupported.
        let f = is_type_supported("video/webm;codecs=vp10", true)
            .unwrap()
            .unwrap();
        assert_eq!(f.unknown, ["vp10"]);
        assert!(is_type_supported("video/webm;codecs=vp10", false).is_err());
        let f = is_type_supported("video/webm;codecs=vp9,opus", false)
            .unwrap()
            .unwrap();
        assert_eq!(
            (f.video, f.opus, f.container),
            (Some(VideoCodec::Vp9), true, Container::WebM)
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        let alphabet = [
            'a', '/', ';', '=', '"', '\\', ' ', ',', '.', 'é', '\u{0}', 'v',
        ];
        let mut s = String::new();
        for i in 0..20_000u32 {
            s.clear();
            let mut x = i;
            for _ in 0..(i % 13) {
                s.push(alphabet[(x % alphabet.len() as u32) as usize]);
                x = x.wrapping_mul(2_654_435_761).rotate_left(7) ^ i;
            }
            let _ = is_type_supported(&s, true);
            let _ = parse(&s);
        }
    }
}
