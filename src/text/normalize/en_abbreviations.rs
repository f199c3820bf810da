//! text: speakable English — abbreviations spelled out (`Dr.` → Doctor,
//! `Capt.` → Captain, `St.` → Saint or Street, `e.g.` → for example), dotted
//! initialisms read as letters (`U.S.` → U S, `a.m.` → a m) and initials
//! freed of their dots (`J. K. Rowling` → J K Rowling).
//!
//! Only words the sentence splitter also treats as abbreviations are
//! touched (see `text::abbreviations`), so a dot that did not end a
//! sentence before does not end one after, and one that did is kept.

use std::borrow::Cow;
use std::sync::LazyLock;

use super::super::abbreviations::is_abbreviation;
use super::pattern::{at_sentence_end, end, get, pattern, start, whole, B};

/// Abbreviations and what is said for them. `St` and `Dr` depend on their
/// neighbours (see [`by_context`]).
const EXPANSIONS: &[(&str, &str)] = &[
    ("Mr", "Mister"),
    ("Mrs", "Missus"),
    ("Ms", "Miz"),
    ("Mx", "Mix"),
    ("Prof", "Professor"),
    ("Rev", "Reverend"),
    ("Hon", "Honorable"),
    ("Sr", "Senior"),
    ("Jr", "Junior"),
    ("Mt", "Mount"),
    ("Ft", "Fort"),
    ("Gov", "Governor"),
    ("Sen", "Senator"),
    ("Rep", "Representative"),
    ("Pres", "President"),
    ("Gen", "General"),
    ("Col", "Colonel"),
    ("Lt", "Lieutenant"),
    ("Capt", "Captain"),
    ("Cmdr", "Commander"),
    ("Adm", "Admiral"),
    ("Maj", "Major"),
    ("Sgt", "Sergeant"),
    ("Cpl", "Corporal"),
    ("Pvt", "Private"),
    ("Supt", "Superintendent"),
    ("Insp", "Inspector"),
    ("Fr", "Father"),
    ("Inc", "Incorporated"),
    ("Ltd", "Limited"),
    ("Co", "Company"),
    ("Corp", "Corporation"),
    ("Bros", "Brothers"),
    ("Plc", "P L C"),
    ("Jan", "January"),
    ("Feb", "February"),
    ("Mar", "March"),
    ("Apr", "April"),
    ("Jun", "June"),
    ("Jul", "July"),
    ("Aug", "August"),
    ("Sep", "September"),
    ("Sept", "September"),
    ("Oct", "October"),
    ("Nov", "November"),
    ("Dec", "December"),
    ("vs", "versus"),
    ("Vs", "Versus"),
    ("etc", "et cetera"),
    ("Etc", "Et cetera"),
    ("approx", "approximately"),
    ("Approx", "Approximately"),
    ("dept", "department"),
    ("Dept", "Department"),
    ("est", "estimated"),
    ("Est", "Estimated"),
    ("fig", "figure"),
    ("Fig", "Figure"),
    ("vol", "volume"),
    ("Vol", "Volume"),
    ("cf", "compare"),
    ("Ave", "Avenue"),
    ("Blvd", "Boulevard"),
    ("Rd", "Road"),
    ("St", ""),
    ("Dr", ""),
];

/// Dotted forms said as words rather than letters.
const DOTTED_WORDS: &[(&str, &str)] = &[
    ("e.g", "for example"),
    ("E.g", "For example"),
    ("i.e", "that is"),
    ("I.e", "That is"),
    ("Ph.D", "P H D"),
];

/// `St.` before a name is Saint (`St. Louis`), after one Street (`Main
/// St.`); `Dr.` likewise Doctor or Drive. With nothing to go by, the title.
fn by_context(word: &str, text: &str, start: usize, end: usize) -> &'static str {
    let (title, place) = match word {
        "St" => ("Saint", "Street"),
        _ => ("Doctor", "Drive"),
    };
    let rest = text.get(end..).unwrap_or_default().trim_start();
    if rest.starts_with(char::is_uppercase) {
        return title;
    }
    let before = text.get(..start).unwrap_or_default().trim_end();
    let previous = before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or_default();
    if previous.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()) {
        place
    } else {
        title
    }
}

static WORDS: LazyLock<String> = LazyLock::new(|| {
    let mut words: Vec<&str> = EXPANSIONS.iter().map(|(w, _)| *w).collect();
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    words.join("|")
});

/// The dot after an expansion: kept when it also ended the sentence.
fn dot_after(text: &str, end: usize) -> &'static str {
    if at_sentence_end(text, end) {
        "."
    } else {
        ""
    }
}

/// A space when a letter or digit follows right after the swallowed dot.
fn gap_after(text: &str, end: usize) -> &'static str {
    match text.get(end..).and_then(|r| r.chars().next()) {
        Some(c) if c.is_alphanumeric() => " ",
        _ => "",
    }
}

/// Spells out every abbreviation in [`EXPANSIONS`] and [`DOTTED_WORDS`],
/// reads other dotted initialisms as letters and drops the dots of
/// initials before a name.
pub(super) fn expand(text: &str) -> Cow<'_, str> {
    let words = pattern!(r"{B}(?P<w>{})\.", *WORDS);
    let dotted = pattern!(r"{B}(?P<d>(?:[A-Za-z]{{1,2}}\.)+[A-Za-z]{{1,2}})(?P<dot>\.|{B})");
    let text = words.replace_all(text, |caps: &regex::Captures<'_>| {
        let w = get(caps, "w");
        let (s, e) = (start(caps), end(caps));
        let said = match EXPANSIONS.iter().find(|(k, _)| *k == w) {
            Some((_, "")) | None => by_context(w, text, s, e),
            Some((_, said)) => said,
        };
        format!("{said}{}{}", dot_after(text, e), gap_after(text, e))
    });
    let text = step(text, |t| {
        dotted.replace_all(t, |caps: &regex::Captures<'_>| {
            let d = get(caps, "d");
            // `A.A..A` is no initialism; reading part of it would leave a
            // piece that reads as one next time.
            let runs_on = t
                .get(end(caps)..)
                .and_then(|r| r.chars().next())
                .is_some_and(|c| c == '.' || c.is_alphanumeric());
            if !is_abbreviation(d) || runs_on {
                return whole(caps).to_owned();
            }
            let said = match DOTTED_WORDS.iter().find(|(k, _)| *k == d) {
                Some((_, said)) => (*said).to_owned(),
                None => d.split('.').collect::<Vec<_>>().join(" "),
            };
            let e = end(caps);
            let dot = if get(caps, "dot").is_empty() {
                ""
            } else {
                dot_after(t, e)
            };
            format!("{said}{dot}{}", gap_after(t, e))
        })
    });
    step(text, initials)
}

/// `J. K. Rowling` → J K Rowling: a capital's dot goes when a capitalised
/// word follows. `I.` is the pronoun and keeps its dot.
fn initials(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"{B}(?P<l>[A-Z])\.(?P<sp>\s+)");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let l = get(caps, "l");
        let next_is_capital = text
            .get(end(caps)..)
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase);
        if l == "I" || !next_is_capital || !is_abbreviation(l) {
            return whole(caps).to_owned();
        }
        format!("{l}{}", get(caps, "sp"))
    })
}

/// Runs `f` on `text`, keeping it borrowed when neither changes it.
fn step<'a>(text: Cow<'a, str>, f: impl Fn(&str) -> Cow<'_, str>) -> Cow<'a, str> {
    match text {
        Cow::Borrowed(t) => f(t),
        Cow::Owned(t) => Cow::Owned(f(&t).into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_expansion_is_an_abbreviation_to_the_splitter() {
        for (w, _) in EXPANSIONS {
            assert!(is_abbreviation(w), "{w}");
        }
        for (w, _) in DOTTED_WORDS {
            assert!(is_abbreviation(w), "{w}");
        }
    }

    #[test]
    fn expansions() {
        let cases = [
            ("Dr. Ray Patel", "Doctor Ray Patel"),
            ("Capt. Maria Gomez", "Captain Maria Gomez"),
            ("St. Louis", "Saint Louis"),
            ("on Main St. in town", "on Main Street in town"),
            ("lives on Mulholland Dr.", "lives on Mulholland Drive."),
            ("the U.S. economy", "the U S economy"),
            ("in the U.S.", "in the U S."),
            ("U.S.-based", "U S-based"),
            ("e.g. this", "for example this"),
            ("i.e. that", "that is that"),
            ("apples, pears etc.", "apples, pears et cetera."),
            ("Smith vs. Jones", "Smith versus Jones"),
            ("J. K. Rowling", "J K Rowling"),
            ("Plan B. then", "Plan B. then"),
            ("So did I. Then", "So did I. Then"),
            ("Apple Inc. said", "Apple Incorporated said"),
            ("example.com", "example.com"),
            ("a Ph.D. student", "a P H D student"),
            ("St.Louis", "Saint Louis"),
            ("A.A..A", "A.A..A"),
        ];
        for (text, want) in cases {
            assert_eq!(expand(text), want, "{text}");
        }
    }

    #[test]
    fn expansion_is_stable() {
        for text in ["Doctor Ray", "U S economy", "in the U S.", "J K Rowling"] {
            assert_eq!(expand(text), text);
        }
    }
}
