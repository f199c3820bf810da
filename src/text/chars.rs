//! text: character classes shared by sentence and chunk splitting.

/// Marks that may end a sentence. `;` is not one: it joins clauses of one
/// sentence (Chinese parallel clauses especially), so it is only a clause
/// boundary (see `is_clause_mark`).
pub(crate) fn is_terminator(c: char) -> bool {
    is_cjk_terminator(c) || matches!(c, '.' | '!' | '?' | '…')
}

/// Chinese full stop, exclamation and question marks (full and half width):
/// a sentence ends after them whatever follows.
pub(crate) fn is_cjk_terminator(c: char) -> bool {
    matches!(c, '。' | '\u{FF01}' | '\u{FF1F}' | '\u{FF61}')
}

/// Quotes and brackets that close a sentence or clause and stay with it.
pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '”' | '’'
            | '」'
            | '』'
            | ')'
            | '】'
            | '"'
            | '\''
            | '\u{FF09}'
            | '》'
            | '〉'
            | ']'
            | '}'
            | '»'
            | '›'
            | '〕'
            | '〗'
            | '〙'
            | '〛'
            | '\u{FF02}'
            | '\u{FF07}'
            | '\u{FF3D}'
    )
}

/// Quotes and brackets that open: kept with what follows them.
pub(crate) fn is_opener(c: char) -> bool {
    matches!(
        c,
        '“' | '‘'
            | '「'
            | '『'
            | '('
            | '【'
            | '\u{FF08}'
            | '《'
            | '〈'
            | '['
            | '{'
            | '«'
            | '‹'
            | '〔'
            | '〖'
            | '〘'
            | '〚'
            | '\u{FF3B}'
    )
}

/// Marks after which a long sentence may be cut: commas, semicolons,
/// colons, the enumeration comma 、, dashes and a mid-sentence ellipsis.
pub(crate) fn is_clause_mark(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | ':'
            | '\u{FF0C}'
            | '\u{FF1B}'
            | '\u{FF1A}'
            | '、'
            | '—'
            | '–'
            | '…'
            | '\u{FE50}'
            | '\u{FE51}'
    )
}

/// Punctuation that must not start a chunk: it belongs to what precedes it.
pub(crate) fn attaches_back(c: char) -> bool {
    is_closer(c) || is_terminator(c) || is_clause_mark(c) || c == '%' || c == '\u{FF05}'
}

/// Han ideographs (CJK unified, extensions and compatibility blocks), and 〇.
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '\u{30000}'..='\u{3134F}'
        | '〇')
}

/// Hiragana and Katakana (full and half width).
pub fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9D}')
}

/// Hangul syllables and jamo.
pub fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

/// One spoken syllable per character: Han, kana, Hangul. How long a text takes
/// to say counts these apart from letters.
pub fn is_syllable_char(c: char) -> bool {
    is_han(c) || is_kana(c) || is_hangul(c)
}

/// Scripts written without spaces, and their punctuation: the one test for
/// "CJK" in the program.
pub fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{1100}'..='\u{11FF}'
        | '\u{2E80}'..='\u{2FDF}'
        | '\u{3000}'..='\u{303F}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3100}'..='\u{31FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3134F}')
}

/// Characters that belong to the character before them: combining marks,
/// variation selectors, emoji modifiers and the zero-width joiner. A chunk
/// never starts with one.
pub(crate) fn is_mark(c: char) -> bool {
    matches!(c,
        '\u{0300}'..='\u{036F}'
        | '\u{1AB0}'..='\u{1AFF}'
        | '\u{1DC0}'..='\u{1DFF}'
        | '\u{200D}'
        | '\u{20D0}'..='\u{20FF}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{FE20}'..='\u{FE2F}'
        | '\u{1F3FB}'..='\u{1F3FF}'
        | '\u{E0100}'..='\u{E01EF}')
}

pub(crate) fn is_closer_or_mark(c: char) -> bool {
    is_closer(c) || is_mark(c)
}

/// Whitespace, or a mark that would otherwise start the next piece.
pub(crate) fn is_space_or_mark(c: char) -> bool {
    c.is_whitespace() || is_mark(c)
}

/// The char at byte `i` of `s`, if `i` is in bounds and on a boundary.
pub(crate) fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..)?.chars().next()
}

/// The char just before byte `i` of `s`.
pub(crate) fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i)?.chars().next_back()
}

/// Byte index after the run of chars from `i` that satisfy `f`.
pub(crate) fn skip_while(s: &str, i: usize, f: impl Fn(char) -> bool) -> usize {
    let Some(rest) = s.get(i..) else {
        return i;
    };
    i + rest.find(|c: char| !f(c)).unwrap_or(rest.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(is_terminator('。') && is_terminator('.') && !is_terminator(';'));
        assert!(is_clause_mark(';') && is_clause_mark('，') && is_clause_mark('、'));
        assert!(is_closer('”') && is_closer('）') && !is_closer('“'));
        assert!(is_opener('“') && is_opener('（'));
        assert!(is_mark('\u{301}') && is_mark('\u{FE0F}') && !is_mark('a'));
        assert!(is_cjk('中') && is_cjk('，') && !is_cjk('a'));
        assert_eq!(char_at("a中", 1), Some('中'));
        assert_eq!(char_at("a中", 2), None);
        assert_eq!(char_before("a中", 4), Some('中'));
        assert_eq!(skip_while("  ab", 0, char::is_whitespace), 2);
        assert_eq!(skip_while("  ", 0, char::is_whitespace), 2);
    }
}
