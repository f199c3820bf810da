//! ingest: bytes → text. UTF-8 with or without a BOM and any line ending
//! are accepted; everything else is refused with an error naming the file,
//! so a mis-saved article never reaches a listener as mojibake.

use super::chars::is_blank_str;
use super::error::IngestError;

/// Articles larger than this are refused: no news article is this long, and a
/// file this size is almost surely the wrong file.
pub const MAX_ARTICLE_BYTES: u64 = 10 * 1024 * 1024;

/// Decodes an article file, normalizing line endings to `\n`.
pub(crate) fn decode(origin: &str, bytes: &[u8]) -> Result<String, IngestError> {
    let err_origin = || origin.to_owned();
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(IngestError::TooLarge {
            origin: err_origin(),
            size: bytes.len() as u64,
            limit: MAX_ARTICLE_BYTES,
        });
    }
    if let Some(endian) = utf16_endianness(bytes) {
        return Err(IngestError::Utf16 {
            origin: err_origin(),
            endian,
        });
    }
    let (bom, body) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (3, rest),
        None => (0, bytes),
    };
    if let Some(offset) = body.iter().position(|&b| b == 0) {
        return Err(IngestError::Binary {
            origin: err_origin(),
            reason: format!("found a NUL byte at offset {}", offset + bom),
        });
    }
    let controls = body.iter().filter(|&&b| is_control_byte(b)).count();
    if controls > 0 && controls * 10 > body.len() {
        return Err(IngestError::Binary {
            origin: err_origin(),
            reason: format!(
                "{controls} of its {} bytes are control characters",
                body.len()
            ),
        });
    }
    let text = std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        IngestError::InvalidUtf8 {
            origin: err_origin(),
            byte: body.get(offset).copied().unwrap_or_default(),
            offset: offset + bom,
            line: line_of(body, offset),
        }
    })?;
    let text = normalize_newlines(text);
    if is_blank_str(&text) {
        return Err(IngestError::Empty {
            origin: err_origin(),
        });
    }
    Ok(text)
}

/// UTF-16 is recognised by its byte-order mark or, without one, by NUL bytes
/// in every other position (ASCII-range text encoded as UTF-16).
fn utf16_endianness(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\xFF\xFE") {
        return Some("little-endian");
    }
    if bytes.starts_with(b"\xFE\xFF") {
        return Some("big-endian");
    }
    let sample = &bytes[..bytes.len().min(4096)];
    let pairs = sample.len() / 2;
    if pairs == 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for (i, &b) in sample.iter().enumerate().take(pairs * 2) {
        if b == 0 {
            if i % 2 == 0 {
                even += 1;
            } else {
                odd += 1;
            }
        }
    }
    // At least 30% of one column NUL and almost none of the other.
    let many = |n: usize| n * 10 >= pairs * 3;
    let few = |n: usize| n * 20 <= pairs;
    if many(odd) && few(even) {
        Some("little-endian")
    } else if many(even) && few(odd) {
        Some("big-endian")
    } else {
        None
    }
}

/// C0 controls other than tab, line feed, form feed and carriage return.
fn is_control_byte(b: u8) -> bool {
    matches!(b, 0x01..=0x08 | 0x0B | 0x0E..=0x1F | 0x7F)
}

/// 1-based line number of byte `offset`, counting LF, CRLF and lone CR.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    let before = &bytes[..offset.min(bytes.len())];
    let mut line = 1;
    for (i, &b) in before.iter().enumerate() {
        match b {
            b'\n' => line += 1,
            b'\r' if before.get(i + 1) != Some(&b'\n') => line += 1,
            _ => {}
        }
    }
    line
}

/// CRLF and lone CR become LF; Unicode line and paragraph separators become
/// a line break and a blank line; a form feed a line break. Other control
/// characters (ESC, BEL, the rest of C0 and C1, DEL) are dropped: they would
/// reach the voice, the plan, the logs and the transcript, and carry nothing a
/// listener should hear.
fn normalize_newlines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push('\n');
            }
            '\u{2028}' | '\u{0c}' => out.push('\n'),
            '\u{2029}' => out.push_str("\n\n"),
            '\t' | '\n' => out.push(c),
            c if c.is_control() => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(bytes: &[u8]) -> String {
        decode("dir/a.txt", bytes).unwrap_err().to_string()
    }

    #[test]
    fn accepts_utf8_with_and_without_bom_and_any_line_ending() {
        assert_eq!(
            decode("a", "标题\n\n正文".as_bytes()).unwrap(),
            "标题\n\n正文"
        );
        assert_eq!(
            decode("a", "\u{FEFF}标题\r\n\r\n正文".as_bytes()).unwrap(),
            "标题\n\n正文"
        );
        assert_eq!(decode("a", b"a\rb\r\rc").unwrap(), "a\nb\n\nc");
        assert_eq!(decode("a", b"a\r\n").unwrap(), "a\n");
    }

    #[test]
    fn utf16_is_named_with_and_without_bom() {
        let le: Vec<u8> = "\u{FEFF}Title\n\nBody"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            err(&le),
            "dir/a.txt: file is UTF-16 text (little-endian); save it as UTF-8"
        );
        let be: Vec<u8> = "\u{FEFF}标题"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(err(&be).contains("UTF-16 text (big-endian)"));
        let no_bom: Vec<u8> = "Title\n\nBody text here."
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(err(&no_bom).contains("UTF-16"), "{}", err(&no_bom));
    }

    #[test]
    fn invalid_utf8_gives_offset_and_line() {
        let mut bytes = "标题\n\nok\n".as_bytes().to_vec();
        let offset = bytes.len();
        bytes.extend_from_slice(&[0xB1, 0xEA, b'\n']); // GBK, not UTF-8
        assert_eq!(
            err(&bytes),
            format!("dir/a.txt: file is not valid UTF-8 (invalid byte 0xB1 at offset {offset}, line 4); save it as UTF-8")
        );
        // The offset counts the BOM, as a hex editor would.
        let mut with_bom = b"\xEF\xBB\xBFab\r\ncd".to_vec();
        with_bom.push(0xFF);
        assert!(
            err(&with_bom).contains("at offset 9, line 2"),
            "{}",
            err(&with_bom)
        );
    }

    #[test]
    fn binary_is_not_text() {
        assert_eq!(
            err(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            "dir/a.txt: not a text file (found a NUL byte at offset 8)"
        );
        assert!(err(b"\x01\x02\x03\x04abc").contains("not a text file"));
    }

    #[test]
    fn empty_and_blank_files() {
        assert_eq!(err(b""), "dir/a.txt: file is empty");
        assert_eq!(
            err("\u{FEFF} \r\n\t\u{3000}\n".as_bytes()),
            "dir/a.txt: file is empty"
        );
        assert_eq!(err(b"\xEF\xBB\xBF"), "dir/a.txt: file is empty");
    }

    #[test]
    fn too_large() {
        let big = vec![b'a'; MAX_ARTICLE_BYTES as usize + 1];
        assert_eq!(
            err(&big),
            "dir/a.txt: file is too large (10.0 MiB; the limit is 10 MiB)"
        );
    }

    #[test]
    fn control_characters_never_reach_the_text() {
        let text = decode("a.txt", "Ti\x1b[31mtle\x07\n\nA body of ordinary text\x1b]0;x\x07 and more\u{85}.\x7f\x0cNext one, with enough text around it.".as_bytes()).unwrap();
        assert_eq!(text, "Ti[31mtle\n\nA body of ordinary text]0;x and more.\nNext one, with enough text around it.");
        assert!(!text.chars().any(|c| c.is_control() && c != '\n'));
    }

    #[test]
    fn line_counting() {
        assert_eq!(line_of(b"a\nb\r\nc\rd", 8), 4);
        assert_eq!(line_of(b"abc", 99), 1);
    }
}
