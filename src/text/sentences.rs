//! text: where sentences end. The script stage reads one sentence per
//! segment, and the chunker packs whole sentences before it cuts any.
//!
//! A sentence ends after `。` `！` `？` (always), or after `.` `!` `?` `…`
//! (runs such as `?!` and `...` count as one mark) when what follows is a
//! space, the end of the text or a CJK character, and the next word does not
//! start with a lowercase letter or digit. A `.` also does not end a sentence
//! after an abbreviation or initial (see `abbreviations`), so `3.14`,
//! `example.com`, `Dr. Smith`, `U.S. economy` and `J. K. Rowling` stay whole.
//! Closing quotes and brackets right after the mark, and the whitespace after
//! that, belong to the sentence (as do stray combining marks, which never
//! start one). A blank line (two line breaks) also ends one. `;` does not:
//! it is a clause boundary (see `split`).

use super::abbreviations::{is_abbreviation, MAX_ABBREVIATION_CHARS};
use super::chars::{
    char_at, char_before, is_cjk, is_cjk_terminator, is_closer_or_mark, is_opener,
    is_space_or_mark, is_terminator, skip_while,
};

/// Splits `text` into sentences: consecutive slices that, concatenated, give
/// back `text` exactly. Empty text has no sentences.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for end in sentence_ends(text) {
        out.push(&text[start..end]);
        start = end;
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Byte offsets where sentences end, strictly inside `text`.
fn sentence_ends(text: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut i = 0;
    while let Some(c) = char_at(text, i) {
        if is_terminator(c) {
            let run_end = skip_while(text, i, is_terminator);
            let after = skip_while(text, run_end, is_closer_or_mark);
            if ends_sentence(text, i, run_end, after) {
                let end = skip_while(text, after, is_space_or_mark);
                if end < text.len() {
                    ends.push(end);
                }
                i = end;
            } else {
                i = after;
            }
        } else if c.is_whitespace() {
            let end = skip_while(text, i, is_space_or_mark);
            let breaks = text[i..end].matches('\n').count();
            if breaks >= 2 && end < text.len() && i > 0 {
                ends.push(end);
            }
            i = end;
        } else {
            i += c.len_utf8();
        }
    }
    ends
}

/// Whether the marks at `text[start..run_end]`, followed by closers up to
/// `after`, end a sentence.
fn ends_sentence(text: &str, start: usize, run_end: usize, after: usize) -> bool {
    let run = &text[start..run_end];
    if run.chars().any(is_cjk_terminator) {
        return true;
    }
    let Some(next) = char_at(text, after) else {
        return true;
    };
    if run == "." && after == run_end && is_abbreviation(token_before(text, start)) {
        return false;
    }
    if next.is_whitespace() {
        // After Chinese text an ASCII mark is a Chinese mark (the seed
        // article writes `!` for `！`), so `好! 2023年…` ends too.
        if char_before(text, start).is_some_and(is_cjk) {
            return true;
        }
        let word = skip_while(text, after, char::is_whitespace);
        return match char_at(text, word) {
            None => true,
            Some(w) => !(w.is_lowercase() || w.is_ascii_digit()),
        };
    }
    // `会议结束!然后…`: Chinese needs no space after a mark; `3.14`,
    // `example.com` and `U.S.A` have none either and go on.
    is_cjk(next) || matches!(next, '“' | '‘')
}

/// The word before byte `end`: back to whitespace, an opening bracket or
/// quote, or a CJK character. Longer words are never abbreviations, so the
/// look-back stops early and a giant token costs nothing.
fn token_before(text: &str, end: usize) -> &str {
    let mut start = end;
    let mut count = 0;
    while let Some(c) = char_before(text, start) {
        if c.is_whitespace() || is_opener(c) || is_cjk(c) || c == '"' || c == '\'' {
            break;
        }
        count += 1;
        if count > MAX_ABBREVIATION_CHARS {
            return "";
        }
        start -= c.len_utf8();
    }
    &text[start..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&str, &[&str])] = &[
            (
                "Dr. Smith met Capt. Jones in the U.S. on Nov. 7. They talked.",
                &[
                    "Dr. Smith met Capt. Jones in the U.S. on Nov. 7. ",
                    "They talked.",
                ],
            ),
            (
                "价格上涨了3.5%。会议结束!",
                &["价格上涨了3.5%。", "会议结束!"],
            ),
            (
                "他说:“我们走吧。”然后离开了。",
                &["他说:“我们走吧。”", "然后离开了。"],
            ),
            (
                "第一句。第二句！第三句？",
                &["第一句。", "第二句！", "第三句？"],
            ),
            (
                "他犹豫了……最后还是走了。",
                &["他犹豫了……", "最后还是走了。"],
            ),
            ("会议结束!然后散会。", &["会议结束!", "然后散会。"]),
            ("会议结束! 2023年再会。", &["会议结束! ", "2023年再会。"]),
            ("It is 5. 6 came.", &["It is 5. 6 came."]),
            ("Really?! Yes.", &["Really?! ", "Yes."]),
            (
                "He said \"Go.\" Then he left.",
                &["He said \"Go.\" ", "Then he left."],
            ),
            ("(It rained.) We stayed.", &["(It rained.) ", "We stayed."]),
            (
                "Wait... what? Fine... Go.",
                &["Wait... what? ", "Fine... ", "Go."],
            ),
            (
                "Pi is 3.14 today. See example.com now.",
                &["Pi is 3.14 today. ", "See example.com now."],
            ),
            (
                "It was 1.5m long. e.g. this one.",
                &["It was 1.5m long. e.g. this one."],
            ),
            (
                "Written by J. K. Rowling. Read it.",
                &["Written by J. K. Rowling. ", "Read it."],
            ),
            (
                "Meet at 5 p.m. tomorrow. OK.",
                &["Meet at 5 p.m. tomorrow. ", "OK."],
            ),
            ("So did I. Then we left.", &["So did I. ", "Then we left."]),
            (
                "Apple Inc. and Foo Ltd. agreed.",
                &["Apple Inc. and Foo Ltd. agreed."],
            ),
            (
                "He won No. 7 easily. Good.",
                &["He won No. 7 easily. ", "Good."],
            ),
            (
                "Stop!\" he cried. Then silence.",
                &["Stop!\" he cried. ", "Then silence."],
            ),
            (
                "人民的平安,我们的承诺;社会的稳定,我们的责任。",
                &["人民的平安,我们的承诺;社会的稳定,我们的责任。"],
            ),
            ("One.\n\nTwo", &["One.\n\n", "Two"]),
            ("para one\n\npara two", &["para one\n\n", "para two"]),
            ("  Lead. ", &["  Lead. "]),
            ("...", &["..."]),
            ("", &[]),
        ];
        for (text, want) in cases {
            assert_eq!(&sentences(text), want, "{text}");
        }
    }

    #[test]
    fn giant_tokens_are_cheap() {
        let text = "a.".repeat(200_000);
        assert_eq!(sentences(&text).concat(), text);
    }
}
