//! audio: sniff what a backend actually sent before decoding it, since a 200 response
//! may carry an HTML error page, a JSON error, or audio in a format we cannot read.

use crate::audio::DecodeError;

/// What the first bytes of a response say it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// A RIFF or RF64 file, presumably WAVE (possibly with broken sizes).
    Wav,
    /// Audio in a container or codec we do not decode; names it.
    OtherAudio(&'static str),
    /// Not audio at all: what it looks like.
    NotAudio(&'static str),
}

const EXCERPT_CHARS: usize = 200;
/// How much of the input the text heuristics look at.
const SNIFF_BYTES: usize = 1024;

pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    // A RIFF of another form type is left to the WAV reader, which names it.
    if bytes.starts_with(b"RIFF") || bytes.starts_with(b"RF64") {
        return Sniffed::Wav;
    }
    if let Some(name) = other_audio(bytes) {
        return Sniffed::OtherAudio(name);
    }
    Sniffed::NotAudio(looks_like(bytes))
}

/// True if `bytes` begins a RIFF or RF64 file of form type WAVE.
pub(crate) fn is_wav_start(bytes: &[u8]) -> bool {
    matches!(bytes.get(..4), Some(b"RIFF" | b"RF64")) && bytes.get(8..12) == Some(b"WAVE")
}

fn other_audio(bytes: &[u8]) -> Option<&'static str> {
    container_magic(bytes).or(match bytes {
        // ADTS: sync word with layer bits 00.
        [0xFF, b1, ..] if b1 & 0xF6 == 0xF0 => Some("AAC audio (ask the backend for WAV or PCM)"),
        // MPEG audio frame sync: 11 set bits.
        [0xFF, b1, ..] if b1 & 0xE0 == 0xE0 => Some("MP3 audio (ask the backend for WAV or PCM)"),
        _ => None,
    })
}

/// Compressed or foreign audio recognised by a magic number long enough that raw
/// samples essentially never start with it (unlike a bare MPEG frame sync, 0xFFEx,
/// which is just a small negative 16-bit sample).
pub(crate) fn container_magic(bytes: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| bytes.starts_with(magic);
    if starts(b"RIFX") {
        Some("big-endian RIFX WAV")
    } else if starts(b"ID3") && bytes.get(3).is_some_and(|v| (2..=4).contains(v)) {
        Some("MP3 audio (ask the backend for WAV or PCM)")
    } else if starts(b"OggS") {
        Some("Ogg audio, Opus or Vorbis (ask the backend for WAV or PCM)")
    } else if starts(b"fLaC") {
        Some("FLAC audio (ask the backend for WAV or PCM)")
    } else if starts(b"FORM") && bytes.get(8..11) == Some(b"AIF") {
        Some("AIFF audio")
    } else if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        Some("WebM/Matroska audio (ask the backend for WAV or PCM)")
    } else if bytes.get(4..8) == Some(b"ftyp") {
        Some("MP4/AAC audio (ask the backend for WAV or PCM)")
    } else {
        None
    }
}

/// What a response that does not look like audio looks like instead.
fn looks_like(bytes: &[u8]) -> &'static str {
    let head = sniff_head(bytes);
    leading_markup(head)
        .or_else(|| mostly_printable(head).then_some("text"))
        .unwrap_or("binary data")
}

/// "an HTML page", "JSON" or "text" if the bytes are mostly printable text; `None`
/// otherwise. Stricter than [`sniff`], for bytes that could be raw samples, whose first
/// byte may well be `<` or `{`.
pub(crate) fn text_kind(bytes: &[u8]) -> Option<&'static str> {
    let head = sniff_head(bytes);
    mostly_printable(head).then(|| leading_markup(head).unwrap_or("text"))
}

fn sniff_head(bytes: &[u8]) -> &[u8] {
    let head = bytes.get(..SNIFF_BYTES).unwrap_or(bytes);
    head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head)
}

fn leading_markup(head: &[u8]) -> Option<&'static str> {
    let start = head.trim_ascii_start();
    if start.starts_with(b"<") {
        Some("an HTML page")
    } else if start.starts_with(b"{") || start.starts_with(b"[") {
        Some("JSON")
    } else {
        None
    }
}

fn mostly_printable(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let (mut printable, mut total) = (0_usize, 0_usize);
    for c in text.chars() {
        total += 1;
        if c != char::REPLACEMENT_CHARACTER && (!c.is_control() || c.is_whitespace()) {
            printable += 1;
        }
    }
    // A multi-byte character cut at the sniff boundary costs one replacement char.
    total > 0 && printable * 10 >= total * 9
}

/// The error for bytes that are not audio at all, with an excerpt a person can read.
pub(crate) fn not_audio(bytes: &[u8], looks_like: &'static str) -> DecodeError {
    let excerpt = if looks_like == "binary data" {
        hex_excerpt(bytes)
    } else {
        text_excerpt(bytes)
    };
    DecodeError::NotAudio {
        looks_like,
        excerpt,
    }
}

/// The first ~200 characters, lossy UTF-8, on one line (see [`crate::text::excerpt`]).
fn text_excerpt(bytes: &[u8]) -> String {
    // Four bytes per char at most; a little extra leaves room for collapsed whitespace.
    let head = bytes.get(..EXCERPT_CHARS * 8).unwrap_or(bytes);
    crate::text::excerpt(&String::from_utf8_lossy(head), EXCERPT_CHARS)
}

/// Binary garbage reads badly as text; its first bytes in hex say more.
fn hex_excerpt(bytes: &[u8]) -> String {
    let head = bytes.get(..32).unwrap_or(bytes);
    let mut out: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
    if bytes.len() > head.len() {
        out.push("…".to_owned());
    }
    format!("{} bytes starting {}", bytes.len(), out.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_pages_are_recognised() {
        assert_eq!(
            sniff(b"<!DOCTYPE html><html>500</html>"),
            Sniffed::NotAudio("an HTML page")
        );
        assert_eq!(
            sniff(b"\n  <html><body>Bad Gateway"),
            Sniffed::NotAudio("an HTML page")
        );
        assert_eq!(sniff(b"<"), Sniffed::NotAudio("an HTML page"));
        assert_eq!(
            sniff(b"\xEF\xBB\xBF{\"error\":{\"message\":\"quota\"}}"),
            Sniffed::NotAudio("JSON")
        );
        assert_eq!(sniff(b"[1,2]"), Sniffed::NotAudio("JSON"));
        assert_eq!(
            sniff("Internal Server Error: 模型未加载\n".as_bytes()),
            Sniffed::NotAudio("text")
        );
        assert_eq!(
            sniff(&[0x00, 0x01, 0x02, 0x80, 0x81, 0x00, 0x00, 0x07]),
            Sniffed::NotAudio("binary data")
        );
    }

    #[test]
    fn raw_samples_starting_with_a_bracket_are_not_text() {
        let samples = [b'{', 0x00, 0x85, 0xFF, 0x12, 0x00, 0x01, 0x80];
        assert_eq!(text_kind(&samples), None);
        assert_eq!(text_kind(b"{\"error\": 1}"), Some("JSON"));
        assert_eq!(text_kind(b"upstream timed out"), Some("text"));
    }

    #[test]
    fn other_audio_formats_are_named() {
        for (bytes, word) in [
            (&b"ID3\x04\x00\x00"[..], "MP3"),
            (&[0xFF, 0xFB, 0x90, 0x64][..], "MP3"),
            (&[0xFF, 0xF1, 0x50, 0x80][..], "AAC"),
            (&b"OggS\x00\x02"[..], "Ogg"),
            (&b"fLaC\x00\x00"[..], "FLAC"),
            (&b"RIFX\x00\x00\x00\x00WAVE"[..], "RIFX"),
        ] {
            match sniff(bytes) {
                Sniffed::OtherAudio(name) => assert!(name.contains(word), "{name}"),
                other => panic!("{bytes:?} sniffed as {other:?}"),
            }
        }
        assert_eq!(sniff(b"RIFF\x24\x00\x00\x00WAVEfmt "), Sniffed::Wav);
        assert_eq!(sniff(b"RF64\xff\xff\xff\xffWAVEds64"), Sniffed::Wav);
    }

    #[test]
    fn text_excerpt_collapses_whitespace_and_stops_near_200_chars() {
        let page = format!("<html>\n\t<body>  {}  </body>", "x".repeat(500));
        let DecodeError::NotAudio { excerpt, .. } = not_audio(page.as_bytes(), "an HTML page")
        else {
            panic!("wrong variant");
        };
        assert!(excerpt.starts_with("<html> <body> xxx"), "{excerpt}");
        assert_eq!(excerpt.chars().count(), EXCERPT_CHARS + 1);
        assert!(!excerpt.contains('\n') && !excerpt.contains('\t'));
    }

    #[test]
    fn binary_excerpt_is_hex() {
        let DecodeError::NotAudio { excerpt, .. } = not_audio(&[0xde, 0xad, 0x00], "binary data")
        else {
            panic!("wrong variant");
        };
        assert_eq!(excerpt, "3 bytes starting de ad 00");
    }
}
