//! text: property tests for sentence and chunk splitting over random
//! Chinese, English, mixed text, numbers, long unbroken runs and whitespace.

use std::num::NonZeroUsize;

use proptest::prelude::*;

use super::chars::is_mark;
use super::{sentences, split_to_limit, Limit};

fn fragment() -> impl Strategy<Value = String> {
    let punctuation = prop::sample::select(vec![
        "。",
        "，",
        ",",
        "、",
        "！",
        "？",
        "!",
        "?",
        ".",
        ";",
        "；",
        "：",
        ":",
        "……",
        "...",
        "“",
        "”",
        "（",
        "）",
        "(",
        ")",
        "\"",
        "'",
        "—",
        "——",
        "%",
        "3.14",
        "1,299",
        "10:47",
        "Dr. ",
        "U.S. ",
        "e.g. ",
        "J. K. ",
        "No. 7",
        "e\u{301}",
        "\u{301}",
        "\u{FE0F}",
        "❤\u{FE0F}",
        "👍🏽",
        "a.m. ",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        4 => "[\u{4e00}-\u{4e30}]{1,8}",
        3 => "[a-zA-Z]{1,10}",
        2 => "[0-9]{1,6}",
        4 => punctuation,
        3 => prop::sample::select(vec![" ", "  ", "\n", "\n\n", "\t", "\u{3000}", " \n "]).prop_map(str::to_owned),
        1 => "[\u{4e00}-\u{4e10}]{50,400}",
        1 => "[a-z]{30,300}",
        1 => "[0-9]{20,200}",
        1 => any::<char>().prop_map(String::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..40).prop_map(|v| v.concat())
}

fn limit() -> impl Strategy<Value = Limit> {
    (1usize..=300, any::<bool>()).prop_map(|(n, bytes)| {
        let n = NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN);
        if bytes {
            Limit::Bytes(n)
        } else {
            Limit::Chars(n)
        }
    })
}

/// A character with its combining marks: the smallest piece there is.
fn is_single_cluster(s: &str) -> bool {
    s.chars()
        .filter(|&c| !is_mark(c) && !c.is_whitespace())
        .count()
        <= 1
}

/// The maximal run of ASCII letters and digits around byte `at`; combining
/// marks do not break it (`re\u{301}sume\u{301}` is one word).
fn ascii_run(text: &str, at: usize) -> &str {
    let in_run = |c: char| c.is_ascii_alphanumeric() || is_mark(c);
    let start = text[..at]
        .char_indices()
        .rev()
        .find(|&(_, c)| !in_run(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let end = text[at..]
        .find(|c: char| !in_run(c))
        .map_or(text.len(), |i| at + i);
    &text[start..end]
}

/// The guarantees of [`split_to_limit`] for one text and limit.
fn check_chunks(text: &str, limit: Limit) -> Result<(), TestCaseError> {
    let chunks = split_to_limit(text, limit);
    prop_assert_eq!(chunks.concat(), text);
    if text.is_empty() {
        prop_assert!(chunks.is_empty());
    } else if text.trim().is_empty() {
        prop_assert_eq!(&chunks, &vec![text]);
    } else {
        for chunk in &chunks {
            let body = chunk.trim();
            prop_assert!(!body.is_empty(), "whitespace-only chunk in {:?}", chunks);
            prop_assert!(
                limit.fits(body) || is_single_cluster(body),
                "{:?} does not fit {}",
                body,
                limit
            );
        }
    }
    let mut at = 0;
    for chunk in chunks.iter().take(chunks.len().saturating_sub(1)) {
        at += chunk.len();
        let (before, after) = (text[..at].chars().next_back(), text[at..].chars().next());
        if let (Some(b), Some(a)) = (before, after) {
            prop_assert!(!is_mark(a), "chunk starts with a mark at {}", at);
            let same_kind = (b.is_ascii_digit() && a.is_ascii_digit())
                || (b.is_ascii_alphabetic() && a.is_ascii_alphabetic());
            if same_kind {
                let run = ascii_run(text, at);
                prop_assert!(!limit.fits(run), "{:?} cut though it fits {}", run, limit);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn sentences_cover_the_text(text in text()) {
        let parts = sentences(&text);
        prop_assert_eq!(parts.concat(), text.clone());
        prop_assert!(parts.iter().all(|s| !s.is_empty()));
        for s in parts.iter().skip(1) {
            prop_assert!(!s.starts_with(is_mark), "sentence starts with a mark: {:?}", s);
        }
    }

    #[test]
    fn chunks_cover_the_text_and_fit(text in text(), limit in limit()) {
        check_chunks(&text, limit)?;
    }

    #[test]
    fn sentences_that_fit_are_never_cut(text in text(), limit in limit()) {
        // Every chunk boundary is a sentence boundary, unless the sentence
        // it falls in does not fit.
        let mut sentence_ends = vec![];
        let mut at = 0;
        for s in sentences(&text) {
            at += s.len();
            sentence_ends.push((at - s.len(), at, limit.fits(s.trim())));
        }
        let mut at = 0;
        for chunk in split_to_limit(&text, limit) {
            at += chunk.len();
            if at == text.len() {
                break;
            }
            let inside_fitting = sentence_ends.iter().any(|&(s, e, fits)| s < at && at < e && fits);
            prop_assert!(!inside_fitting, "cut at {} inside a sentence that fits", at);
        }
    }
}

/// Quadratic behaviour would take minutes here.
#[test]
fn huge_inputs_are_fast() {
    let limit = Limit::Chars(NonZeroUsize::new(300).unwrap_or(NonZeroUsize::MIN));
    for text in [
        "中".repeat(200_000),
        "a".repeat(600_000),
        "中文,".repeat(60_000),
        "word ".repeat(120_000),
        "a.".repeat(200_000),
    ] {
        let chunks = split_to_limit(&text, limit);
        assert_eq!(chunks.concat(), text);
        assert!(chunks.iter().all(|c| limit.fits(c.trim())));
        assert_eq!(sentences(&text).concat(), text);
    }
}

/// Cases proptest once found, kept as plain tests.
#[test]
fn former_counterexamples() {
    let chars = |n| Limit::Chars(NonZeroUsize::new(n).unwrap_or(NonZeroUsize::MIN));
    let cases = [
        (
            format!("{}aAAAAaaAaA{}", "一".repeat(50), "a".repeat(50)),
            chars(1),
        ),
        (
            format!(
                "一一一J. K. 一一一一一一。{}{}\u{301}{}",
                "a".repeat(300),
                "0".repeat(120),
                "a".repeat(40)
            ),
            chars(200),
        ),
        (
            format!("{}AaaAaa{}aAaaaa  \u{301}", "a".repeat(58), "0".repeat(186)),
            chars(258),
        ),
    ];
    for (text, limit) in cases {
        if let Err(e) = check_chunks(&text, limit) {
            panic!("{e}");
        }
    }
}
