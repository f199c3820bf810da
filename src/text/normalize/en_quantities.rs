//! text: speakable English — ranges, ordinals, fractions, signs and the
//! last rule, which reads every number still left: `2017-2020` → twenty
//! seventeen to twenty twenty, `21st` → twenty-first, `3/4` → three
//! quarters, `No. 7` → number seven, `1,299` → one thousand two hundred
//! ninety-nine, `3.14` → three point one four, `G7` → G seven.

use std::borrow::Cow;

use super::en_numbers::{cardinal, number, ordinal, year, ONES, SCALES, TENS};
use super::pattern::{en_to, get, in_range, pattern, replace_numbers, start, Number, B, DASH, NUM};

/// Whether `written` is a plain four-digit number that reads as a year.
fn is_year(written: &str) -> bool {
    written.len() == 4 && in_range(written, 1000, 2099).is_some()
}

/// Ranges with a dash or a tilde: `2017-2020` → twenty seventeen to twenty
/// twenty, `2017–18` → twenty seventeen to eighteen, `3-5` → three to
/// five, `3~5` → three to five, `between 3-5` → between three and five.
pub(super) fn ranges(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>{NUM})\s?{DASH}\s?(?P<b>{NUM})");
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let to = en_to(text, start(caps));
        if is_year(a) && (is_year(b) || b.len() == 2) {
            let b = if b.len() == 2 { number(b) } else { year(b) };
            return Some(format!("{} {to} {b}", year(a)));
        }
        Some(format!("{} {to} {}", number(a), number(b)))
    })
}

/// Ordinals: `21st` → twenty-first, `3rd` → third, `100th` → one hundredth.
pub(super) fn ordinals(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"{B}(?P<n>[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:st|nd|rd|th){B}");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        ordinal(&Number::parse(get(caps, "n")).int)
    })
}

/// Fractions: `1/2` → one half, `3/4` → three quarters, `2/3` → two
/// thirds, `24/7` → twenty-four seven, others `a over b`.
pub(super) fn fractions(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>[0-9]+)/(?P<b>[0-9]+)");
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        if (a, b) == ("24", "7") {
            return Some("twenty-four seven".to_owned());
        }
        let over = || Some(format!("{} over {}", cardinal(a), cardinal(b)));
        let (Some(na), Some(nb)) = (in_range(a, 1, 99), in_range(b, 2, 10)) else {
            return over();
        };
        if na >= nb {
            return over();
        }
        let part = match nb {
            2 => "half".to_owned(),
            4 => "quarter".to_owned(),
            _ => ordinal(b),
        };
        let part = match (na, part.as_str()) {
            (1, _) => part,
            (_, "half") => "halves".to_owned(),
            _ => format!("{part}s"),
        };
        Some(format!("{} {part}", cardinal(a)))
    })
}

/// Signs before a number: `No. 7` / `#7` → number seven, `-5` → minus five,
/// `+5` → plus five.
pub(super) fn signs(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<no>{B}(?:No|no|Nos|nos)\.\s?|#\s?)(?P<d>[0-9])|(?P<pre>^|[\s(\[{{:=/])(?P<sign>[-−+])(?P<d2>[0-9])"
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        if !get(caps, "no").is_empty() {
            return format!("number {}", get(caps, "d"));
        }
        let sign = if get(caps, "sign") == "+" {
            "plus"
        } else {
            "minus"
        };
        format!("{}{sign} {}", get(caps, "pre"), get(caps, "d2"))
    })
}

/// A space between letters and digits written together, so each is read
/// as what it is: `G7` → G 7, `5G` → 5 G, `MP3` → MP 3.
pub(super) fn split_letters_digits(text: &str) -> Cow<'_, str> {
    let letter_digit = pattern!(r"(?P<l>[A-Za-z])(?P<d>[0-9])");
    let digit_letter = pattern!(r"(?P<d>[0-9])(?P<l>[A-Za-z])");
    let text = letter_digit.replace_all(text, "$l $d");
    match text {
        Cow::Borrowed(t) => digit_letter.replace_all(t, "$d $l"),
        Cow::Owned(t) => Cow::Owned(digit_letter.replace_all(&t, "$d $l").into_owned()),
    }
}

/// Every number still left, as a cardinal or decimal. Afterwards no ASCII
/// digit is left.
pub(super) fn cardinals(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"{NUM}");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        number(caps.get(0).map_or("", |m| m.as_str()))
    })
}

/// Number words, with the ordinals, that can stand at either end of a range.
fn is_number_word(word: &str) -> bool {
    /// Besides the cardinals: "hundred", the ordinals not made by adding
    /// "th", and a percentage read out.
    const MORE: &[&str] = &[
        "hundred", "first", "second", "third", "fifth", "eighth", "ninth", "twelfth", "percent",
    ];
    let known = |w: &str| {
        !w.is_empty()
            && (ONES.contains(&w) || TENS.contains(&w) || SCALES.contains(&w) || MORE.contains(&w))
    };
    let last = word.rsplit('-').next().unwrap_or(word).to_ascii_lowercase();
    // Ordinals by their cardinal: twentieth → twenty, sixth → six.
    let stem = last
        .strip_suffix("ieth")
        .map(|s| format!("{s}y"))
        .or_else(|| last.strip_suffix("th").map(str::to_owned));
    known(&last) || stem.is_some_and(|s| known(&s))
}

/// The last rule with numbers: an en or em dash or a tilde still standing
/// between two numbers said as words (`eight hundred–nine hundred`, as
/// written or from two figures other rules read apart) becomes `to`. A
/// hyphen stays: between words it joins them (`twenty-one`, `fifty-fifty`).
pub(super) fn dashes(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<l>[A-Za-z-]+)\s?(?:——|[‒–—―~～〜])\s?(?P<r>[A-Za-z]+)");
    let mut out = String::new();
    let (mut last, mut at) = (0, 0);
    while let Some(caps) = re.captures_at(text, at) {
        let (Some(m), Some(l), Some(r)) = (caps.get(0), caps.name("l"), caps.name("r")) else {
            break;
        };
        if is_number_word(l.as_str()) && is_number_word(r.as_str()) {
            out.push_str(&text[last..l.end()]);
            out.push_str(" to ");
            last = r.start();
            at = r.start();
        } else {
            at = r.start();
        }
        if at <= m.start() {
            at = m.end();
        }
    }
    if last == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[last..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_and_ordinals() {
        assert_eq!(ranges("2017-2020"), "twenty seventeen to twenty twenty");
        assert_eq!(ranges("2017-18"), "twenty seventeen to eighteen");
        assert_eq!(ranges("3-5 people"), "three to five people");
        assert_eq!(ranges("COVID-19"), "COVID-19");
        assert_eq!(ranges("pages 10—12"), "pages ten to twelve");
        assert_eq!(ranges("3~5"), "three to five");
        assert_eq!(ranges("between 3-5"), "between three and five");
        assert_eq!(ranges("2020–2025"), "twenty twenty to twenty twenty-five");
        assert_eq!(ordinals("21st"), "twenty-first");
        assert_eq!(ordinals("the 1,000th"), "the one thousandth");
        assert_eq!(ordinals("3rd-party"), "third-party");
    }

    #[test]
    fn dashes_between_number_words() {
        assert_eq!(
            dashes("eight hundred–nine hundred"),
            "eight hundred to nine hundred"
        );
        assert_eq!(dashes("seventh — ninth"), "seventh to ninth");
        assert_eq!(
            dashes("twentieth–twenty-first"),
            "twentieth to twenty-first"
        );
        assert_eq!(dashes("sixth~tenth"), "sixth to tenth");
        assert_eq!(dashes("twenty-one"), "twenty-one");
        assert_eq!(dashes("north–south"), "north–south");
        assert_eq!(dashes("one–two–three"), "one to two to three");
    }

    #[test]
    fn fraction_words() {
        assert_eq!(fractions("1/2"), "one half");
        assert_eq!(fractions("3/4"), "three quarters");
        assert_eq!(fractions("2/3"), "two thirds");
        assert_eq!(fractions("1/10"), "one tenth");
        assert_eq!(fractions("24/7"), "twenty-four seven");
        assert_eq!(fractions("5/3"), "five over three");
        assert_eq!(fractions("1/0"), "one over zero");
    }

    #[test]
    fn signs_and_splits() {
        assert_eq!(signs("No. 7"), "number 7");
        assert_eq!(signs("#1 hit"), "number 1 hit");
        assert_eq!(signs("-5 below"), "minus 5 below");
        assert_eq!(signs("from -5"), "from minus 5");
        assert_eq!(signs("COVID-19"), "COVID-19");
        assert_eq!(
            split_letters_digits("G7 and 5G and MP3"),
            "G 7 and 5 G and MP 3"
        );
        assert_eq!(
            cardinals("1,299 and 3.14"),
            "one thousand two hundred ninety-nine and three point one four"
        );
    }
}
