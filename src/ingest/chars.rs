//! ingest: character classes that layout, metadata and language detection
//! share (CJK scripts, blank characters, sentence ends).

/// Han ideographs (CJK unified, extensions and compatibility blocks).
pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{3134F}'
        | '〇')
}

/// Hiragana and Katakana (full and half width).
pub(crate) fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9D}')
}

pub(crate) fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// Characters of scripts written without spaces between words, plus the
/// full-width punctuation that goes with them: lines of such text are joined
/// with nothing rather than a space.
pub(crate) fn is_cjk(c: char) -> bool {
    is_han(c)
        || is_kana(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF00}'..='\u{FF65}' | '\u{FE30}'..='\u{FE4F}' | '“' | '”' | '‘' | '’' | '…' | '—')
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
        assert!(is_kana('の') && is_kana('カ') && !is_kana('中'));
        assert!(is_hangul('한'));
        assert!(is_cjk('。') && is_cjk('，') && !is_cjk('a'));
        assert!(is_blank('\u{3000}') && is_blank('\u{FEFF}') && !is_blank('x'));
        assert!(ends_sentence("他走了。”") && ends_sentence("Done.") && !ends_sentence("and then"));
    }
}
