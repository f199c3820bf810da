//! text: speakable text — the pieces every rewriting rule shares: how a
//! written number looks, compiled patterns, and reading captures without
//! a way to panic.

use std::borrow::Cow;

use regex::{Captures, Regex};

use super::super::chars::is_closer;

/// A written number: digits with optional thousands separators, then an
/// optional decimal part (`7`, `1,299`, `3.14`, `1,299.50`).
pub(super) const NUM: &str = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?";

/// A dash or tilde that can join the two ends of a range (`3-5`, `8:30—17:00`,
/// `3~5天`, `10%～20%`): hyphens, en and em dashes, the Chinese double dash
/// `——`, tildes and wave dashes, full width or not. `至` and `到` are words,
/// left to the rules that know them.
pub(super) const DASH: &str = "(?:——|[-‐‑‒–—―~～〜－])";

/// Whether `c` is one of the marks in [`DASH`].
pub(super) fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '‐' | '‑' | '‒' | '–' | '—' | '―' | '~' | '～' | '〜' | '－'
    )
}

/// An ASCII word boundary: next to a Han character counts as a boundary,
/// which Unicode `\b` would not give (Han characters are word characters).
pub(super) const B: &str = r"(?-u:\b)";

/// A compiled pattern, built once on first use. The patterns are constants
/// checked by the tests, so a failure to compile is a bug, not an input.
macro_rules! pattern {
    ($($fmt:tt)+) => {{
        static RE: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
            regex::Regex::new(&format!($($fmt)+)).expect("rule patterns are valid")
        });
        &*RE
    }};
}
pub(super) use pattern;

/// Like `Regex::replace_all`, for rules whose matches start or end with a
/// number: a match that would start or end inside a longer number (`3.5`
/// seen from its `5`, `12022` from its `2022`) is passed over and the
/// search goes on at the next character, as a look-behind would. Unlike
/// `\b`, a letter next to the number does not stop it (`km3.5‰`). `f` may
/// pass over a match too, by returning `None`.
pub(super) fn replace_numbers<'t>(
    re: &Regex,
    text: &'t str,
    mut f: impl FnMut(&Captures<'_>) -> Option<String>,
) -> Cow<'t, str> {
    let mut out = String::new();
    let (mut last, mut at) = (0, 0);
    while let Some(caps) = re.captures_at(text, at) {
        let (s, e) = (start(&caps), end(&caps));
        let replaced = (!inside_number(text, s, e)).then(|| f(&caps)).flatten();
        match replaced {
            Some(said) if e > s => {
                out.push_str(&text[last..s]);
                out.push_str(&said);
                last = e;
                at = e;
            }
            _ => match text[s..].chars().next() {
                Some(c) => at = s + c.len_utf8(),
                None => break,
            },
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

/// Whether `text[start..end]` begins or ends in the middle of a number.
fn inside_number(text: &str, start: usize, end: usize) -> bool {
    let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
    let found = &text[start..end];
    let mut before = text[..start].chars().rev();
    let mut after = text[end..].chars();
    let (b1, b2) = (before.next(), before.next());
    let (a1, a2) = (after.next(), after.next());
    let starts =
        digit(found.chars().next()) && (digit(b1) || (matches!(b1, Some('.' | ',')) && digit(b2)));
    let ends = digit(found.chars().next_back()) && (digit(a1) || (a1 == Some('.') && digit(a2)));
    starts || ends
}

/// The text of capture group `name`, or `""` when it did not take part.
pub(super) fn get<'h>(caps: &Captures<'h>, name: &str) -> &'h str {
    caps.name(name).map_or("", |m| m.as_str())
}

/// The whole match.
pub(super) fn whole<'h>(caps: &Captures<'h>) -> &'h str {
    caps.get(0).map_or("", |m| m.as_str())
}

/// Where the whole match ends in the text.
pub(super) fn end(caps: &Captures<'_>) -> usize {
    caps.get(0).map_or(0, |m| m.end())
}

/// Where the whole match starts in the text.
pub(super) fn start(caps: &Captures<'_>) -> usize {
    caps.get(0).map_or(0, |m| m.start())
}

/// A number matched by [`NUM`], split into its integer digits (separators
/// removed) and its decimal digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Number {
    pub(super) int: String,
    pub(super) frac: Option<String>,
}

impl Number {
    pub(super) fn parse(written: &str) -> Number {
        let (int, frac) = match written.split_once('.') {
            Some((int, frac)) => (int, Some(frac.to_owned())),
            None => (written, None),
        };
        Number {
            int: int.chars().filter(char::is_ascii_digit).collect(),
            frac,
        }
    }

    /// The value when it is a whole number small enough to hold.
    pub(super) fn whole(&self) -> Option<u64> {
        match self.frac {
            None => self.int.parse().ok(),
            Some(_) => None,
        }
    }

    /// Whether the part before the decimal point is zero (`0.50`).
    pub(super) fn whole_part_is_zero(&self) -> bool {
        self.int.chars().all(|c| c == '0')
    }

    /// Whether this is exactly the whole number `n`, written plainly.
    pub(super) fn is(&self, n: u64) -> bool {
        self.frac.is_none() && !self.int.starts_with('0') && self.whole() == Some(n)
    }
}

/// Whether only closing quotes, brackets and whitespace follow byte `at`:
/// a dot an expansion swallows there was also the sentence's full stop, so
/// it is put back.
pub(super) fn at_sentence_end(text: &str, at: usize) -> bool {
    text.get(at..)
        .is_some_and(|rest| rest.chars().all(|c| c.is_whitespace() || is_closer(c)))
}

/// The word that joins the two ends of an English range starting at byte
/// `at`: `and` after `between` (between five and ten), `to` elsewhere.
pub(super) fn en_to(text: &str, at: usize) -> &'static str {
    let before = text.get(..at).unwrap_or_default().trim_end();
    let word = before
        .rsplit(|c: char| !c.is_alphabetic())
        .next()
        .unwrap_or_default();
    if word.eq_ignore_ascii_case("between") {
        "and"
    } else {
        "to"
    }
}

/// A value within `lo..=hi`, read from decimal digits.
pub(super) fn in_range(digits: &str, lo: u32, hi: u32) -> Option<u32> {
    digits.parse::<u32>().ok().filter(|n| (lo..=hi).contains(n))
}

/// Runs `step` on `text`, keeping it borrowed when neither changes it.
pub(super) fn cow_step<'a>(
    text: Cow<'a, str>,
    step: impl Fn(&str) -> Cow<'_, str>,
) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(t) => step(t),
        Cow::Owned(t) => Cow::Owned(step(&t).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_split_into_digits() {
        let n = Number::parse("1,299.50");
        assert_eq!(n.int, "1299");
        assert_eq!(n.frac.as_deref(), Some("50"));
        assert!(Number::parse("2").is(2) && !Number::parse("02").is(2));
        assert_eq!(Number::parse("99999999999999999999999").whole(), None);
    }

    #[test]
    fn sentence_end_allows_closers() {
        assert!(at_sentence_end("a.” ", 2));
        assert!(!at_sentence_end("a. b", 2));
        assert!(!at_sentence_end("a", 9));
    }

    #[test]
    fn numbers_are_not_entered_midway() {
        let re = pattern!("[0-9]{{4}}年");
        let said = |t| replace_numbers(re, t, |_| Some("Y".to_owned())).into_owned();
        assert_eq!(said("2022年"), "Y");
        assert_eq!(said("12022年"), "12022年");
        assert_eq!(said("km2022年"), "kmY");
        let re = pattern!("{NUM}‰");
        let said = |t| replace_numbers(re, t, |_| Some("P".to_owned())).into_owned();
        assert_eq!(said("km3.5‰"), "kmP");
        assert_eq!(said("3.5.5‰"), "3.5.5‰");
        assert!(matches!(
            replace_numbers(re, "none", |_| None),
            Cow::Borrowed(_)
        ));
    }

    #[test]
    fn range_words() {
        assert_eq!(en_to("between 5-10", 8), "and");
        assert_eq!(en_to("Between 5-10", 8), "and");
        assert_eq!(en_to("from 5-10", 5), "to");
        assert_eq!(en_to("5-10", 0), "to");
    }

    #[test]
    fn dashes() {
        let re = pattern!("^{DASH}$");
        for dash in ["-", "–", "—", "——", "~", "～", "〜", "－"] {
            assert!(re.is_match(dash), "{dash}");
            assert!(dash.chars().all(is_dash), "{dash}");
        }
        assert!(!re.is_match("至") && !is_dash('/'));
    }

    #[test]
    fn number_pattern() {
        let re = pattern!("^{NUM}$");
        for ok in ["7", "1,299", "3.14", "1,299.5", "007"] {
            assert!(re.is_match(ok), "{ok}");
        }
        for bad in ["1,29", ".5", "1.", ""] {
            assert!(!re.is_match(bad), "{bad}");
        }
    }
}
