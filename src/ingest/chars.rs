//! ingest: character classes that layout, metadata and language detection
//! share (blank characters, how lines join, sentence ends); scripts come from
//! [`crate::text`].

pub(crate) use crate::text::is_han;

/// Lines ending or starting with these are joined with nothing rather than a
/// space: CJK text and its punctuation (Korean, which spaces its words, aside),
/// and the quotes and dashes Chinese copy sets against it.
pub(crate) fn joins_without_space(c: char) -> bool {
    (crate::text::is_cjk(c) && !crate::text::is_hangul(c))
        || matches!(c, '“' | '”' | '‘' | '’' | '…' | '—')
}

/// Whitespace, plus the invisible characters editors leave behind.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{2060}')
}

pub(crate) fn is_blank_str(s: &str) -> bool {
    s.chars().all(is_blank)
}

pub(crate) fn trim_blank(s: &str) -> &str {
    s.trim_matches(is_blank)
}

/// Quotes and brackets that may close a sentence after its final mark.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’' | '」' | '』' | ')' | '】' | '"' | '\'' | '）' | '》' | '〉' | ']' | '»'
    )
}

/// Whether `s` (already trimmed) ends like a finished sentence: a final mark,
/// maybe followed by closing quotes or brackets.
pub(crate) fn ends_sentence(s: &str) -> bool {
    let last = s.trim_end_matches(is_closer).chars().next_back();
    matches!(last, Some('。' | '!' | '?' | '.' | '！' | '？' | '…' | '｡'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_han('中') && !is_han('a') && !is_han('。'));
        assert!(
            joins_without_space('。') && joins_without_space('，') && joins_without_space('の')
        );
        assert!(!joins_without_space('a') && !joins_without_space('한'));
        assert!(is_blank('\u{3000}') && is_blank('\u{FEFF}') && !is_blank('x'));
        assert!(ends_sentence("他走了。”") && ends_sentence("Done.") && !ends_sentence("and then"));
    }
}
