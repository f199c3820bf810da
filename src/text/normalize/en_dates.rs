//! text: speakable English — dates, clock times, years and decades: `Nov. 7`
//! → November seventh, `7 November 2026` → the seventh of November twenty
//! twenty-six, `2026-11-21` → November twenty-first, twenty twenty-six,
//! `7:30 p.m.` → seven thirty p m, `in 1999` → in nineteen ninety-nine,
//! `the 1990s` → the nineteen nineties.

use std::borrow::Cow;

use super::en_numbers::{cardinal, decade, ordinal, year};
use super::pattern::{
    at_sentence_end, cow_step, en_to, end, get, in_range, pattern, replace_numbers, start, whole,
    B, DASH,
};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Full names first, and `Sept` before `Sep`, as the first alternative
/// that matches wins.
const MONTH: &str = "January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec";

/// The full name of a month written in full or abbreviated.
fn month_name(written: &str) -> Option<&'static str> {
    let prefix = written.get(..3)?;
    MONTHS.iter().copied().find(|m| m.starts_with(prefix))
}

/// `11` → November.
fn month_number(number: &str) -> Option<&'static str> {
    let m = in_range(number, 1, 12)?;
    MONTHS.get(m as usize - 1).copied()
}

/// A day of the month as an ordinal, or `None` when it is none.
fn day(number: &str) -> Option<String> {
    in_range(number, 1, 31).map(|d| ordinal(&d.to_string()))
}

/// A time of day: `7` `30` → seven thirty, `7` `05` → seven oh five, `7`
/// `00` → seven o'clock (or seven p m), `18` `00` → eighteen hundred.
/// `meridiem` is `a` or `p` (any case) or empty.
fn clock(hour: &str, minute: &str, second: &str, meridiem: &str) -> Option<String> {
    let meridiem = meridiem.to_ascii_lowercase();
    let h = if meridiem.is_empty() {
        in_range(hour, 0, 24)?
    } else {
        in_range(hour, 1, 12)?
    };
    let m = in_range(if minute.is_empty() { "0" } else { minute }, 0, 59)?;
    let s = in_range(if second.is_empty() { "0" } else { second }, 0, 59)?;
    let hour = cardinal(&h.to_string());
    let mut out = match (m, meridiem.is_empty(), h) {
        (0, false, _) => hour,
        (0, true, 1..=12) => format!("{hour} o'clock"),
        (0, true, _) => format!("{hour} hundred"),
        (1..=9, _, _) => format!("{hour} oh {}", cardinal(&m.to_string())),
        _ => format!("{hour} {}", cardinal(&m.to_string())),
    };
    if s > 0 {
        let unit = if s == 1 { "second" } else { "seconds" };
        out.push_str(&format!(" and {} {unit}", cardinal(&s.to_string())));
    }
    if !meridiem.is_empty() {
        out.push_str(&format!(" {meridiem} m"));
    }
    Some(out)
}

/// A dot the match swallowed that also ended the sentence, put back.
fn final_dot(text: &str, caps: &regex::Captures<'_>) -> &'static str {
    if whole(caps).ends_with('.') && at_sentence_end(text, end(caps)) {
        "."
    } else {
        ""
    }
}

/// ISO dates with an optional time: `2026-11-21` → November twenty-first,
/// twenty twenty-six; `2026-11-21 09:30` adds `, nine thirty`.
pub(super) fn iso_dates(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<y>[0-9]{{4}})-(?P<mo>[0-9]{{2}})-(?P<d>[0-9]{{2}})(?P<time>[T ](?P<h>[0-9]{{2}}):(?P<mi>[0-9]{{2}})(?::(?P<s>[0-9]{{2}}))?)?"
    );
    replace_numbers(re, text, |caps| {
        let month = month_number(get(caps, "mo"))?;
        let day = day(get(caps, "d"))?;
        let mut out = format!("{month} {day}, {}", year(get(caps, "y")));
        if !get(caps, "time").is_empty() {
            match clock(get(caps, "h"), get(caps, "mi"), get(caps, "s"), "") {
                Some(time) => out.push_str(&format!(", {time}")),
                None => out.push_str(get(caps, "time")),
            }
        }
        Some(out)
    })
}

/// Meridiem after a time: `a.m.`, `pm`, `AM`.
const MERIDIEM: &str = r"[AaPp](?:\.[Mm]\.?|[Mm](?-u:\b))";

/// A time as the end of a range says it: like [`clock`], but a full hour
/// on a twelve-hour clock is only its number (`9:30–11:00` → nine thirty
/// to eleven).
fn clock_in_range(hour: &str, minute: &str, meridiem: &str) -> Option<String> {
    let on_the_hour = minute.is_empty() || minute == "00";
    match in_range(hour, 1, 12) {
        Some(h) if on_the_hour && meridiem.is_empty() => Some(cardinal(&h.to_string())),
        _ => clock(hour, minute, "", meridiem),
    }
}

/// Clock times (`07:30` → seven thirty, `7:30 p.m.` → seven thirty p m,
/// `7pm` → seven p m), spans of them (`9:30–11:00` → nine thirty to
/// eleven, `9 a.m.-5 p.m.` → nine a m to five p m, `9-11am` → nine to
/// eleven a m) and, where the numbers are no time, ratios and scores
/// (`3:1` → three to one).
pub(super) fn clock_times(text: &str) -> Cow<'_, str> {
    let span = pattern!(
        r"{B}(?P<h>[0-9]{{1,2}})(?::(?P<m>[0-9]{{2}}))?(?:\s?(?P<ap>{MERIDIEM}))?(?:\s?{DASH}\s?|\s(?:to|until|till)\s)(?P<h2>[0-9]{{1,2}})(?::(?P<m2>[0-9]{{2}}))?(?:\s?(?P<ap2>{MERIDIEM}))?"
    );
    let with_colon =
        pattern!(r"(?P<h>[0-9]+):(?P<m>[0-9]+)(?::(?P<s>[0-9]{{2}}))?(?:\s?(?P<ap>{MERIDIEM}))?");
    let hour_only = pattern!(r"{B}(?P<h>[0-9]{{1,2}})\s?(?P<ap>{MERIDIEM})");
    let text = replace_numbers(span, text, |caps| {
        let (m, m2) = (get(caps, "m"), get(caps, "m2"));
        let (ap, ap2) = (get(caps, "ap"), get(caps, "ap2"));
        if m.is_empty() && m2.is_empty() && ap.is_empty() && ap2.is_empty() {
            return None;
        }
        let meridiem = |ap: &str| ap.chars().next().map(String::from).unwrap_or_default();
        let from = clock_in_range(get(caps, "h"), m, &meridiem(ap))?;
        let to = clock_in_range(get(caps, "h2"), m2, &meridiem(ap2))?;
        let join = en_to(text, start(caps));
        Some(format!("{from} {join} {to}{}", final_dot(text, caps)))
    });
    let text = cow_step(text, |text| {
        replace_numbers(with_colon, text, |caps| {
            let (h, m, ap) = (get(caps, "h"), get(caps, "m"), get(caps, "ap"));
            let ap = ap.chars().next().map(String::from).unwrap_or_default();
            let time = (h.len() <= 2 && m.len() == 2)
                .then(|| clock(h, m, get(caps, "s"), &ap))
                .flatten();
            match time {
                Some(time) => Some(format!("{time}{}", final_dot(text, caps))),
                None if ap.is_empty() && get(caps, "s").is_empty() => {
                    Some(format!("{} to {}", cardinal(h), cardinal(m)))
                }
                None => None,
            }
        })
    });
    cow_step(text, |t| replace_hours(hour_only, t))
}

fn replace_hours<'t>(re: &regex::Regex, text: &'t str) -> Cow<'t, str> {
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let ap = get(caps, "ap")
            .chars()
            .next()
            .map(String::from)
            .unwrap_or_default();
        match clock(get(caps, "h"), "", "", &ap) {
            Some(time) => format!("{time}{}", final_dot(text, caps)),
            None => whole(caps).to_owned(),
        }
    })
}

/// Dates with a month name: `Nov. 7` / `November 7th` → November seventh,
/// `Nov. 7, 2026` → November seventh, twenty twenty-six, `7 November 2026`
/// → the seventh of November twenty twenty-six, `March 2026` → March twenty
/// twenty-six.
pub(super) fn month_dates(text: &str) -> Cow<'_, str> {
    let month_day = pattern!(
        r"{B}(?P<m>{MONTH}){B}\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?{B}(?:\s?{DASH}\s?(?:(?P<m2>{MONTH}){B}\.?\s+)?(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?{B})?(?:(?P<ysep>,?\s+)(?P<y>[0-9]{{4}}){B})?"
    );
    let day_month = pattern!(
        r"(?:(?P<d0>[0-9]{{1,2}})(?:st|nd|rd|th)?\s?{DASH}\s?)?(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH}){B}\.?(?:(?P<ysep>,?\s+)(?P<y>[0-9]{{4}}){B})?"
    );
    let month_year = pattern!(r"{B}(?P<m>{MONTH}){B}\.?\s+(?P<y>[0-9]{{4}}){B}");

    let text = month_day.replace_all(text, |caps: &regex::Captures<'_>| {
        let (Some(month), Some(first)) = (month_name(get(caps, "m")), day(get(caps, "d"))) else {
            return whole(caps).to_owned();
        };
        let to = match (get(caps, "m2"), get(caps, "d2")) {
            (_, "") => Some(String::new()),
            ("", d2) => day(d2).map(|d2| format!(" to {d2}")),
            (m2, d2) => month_name(m2)
                .zip(day(d2))
                .map(|(m2, d2)| format!(" to {m2} {d2}")),
        };
        let Some(to) = to else {
            return whole(caps).to_owned();
        };
        match get(caps, "y") {
            "" => format!("{month} {first}{to}"),
            y => format!("{month} {first}{to}, {}", year(y)),
        }
    });
    let text = cow_step(text, |t| {
        replace_numbers(day_month, t, |caps| {
            let month = month_name(get(caps, "m"))?;
            let from = match get(caps, "d0") {
                "" => String::new(),
                d0 => format!("{} to ", day(d0)?),
            };
            let day = format!("{from}{}", day(get(caps, "d"))?);
            let before = t.get(..start(caps)).unwrap_or_default().trim_end();
            let the = if before.to_ascii_lowercase().ends_with("the") {
                ""
            } else {
                "the "
            };
            let mut out = format!("{the}{day} of {month}");
            let y = get(caps, "y");
            if !y.is_empty() {
                out.push_str(&format!(" {}", year(y)));
            }
            out.push_str(final_dot(t, caps));
            Some(out)
        })
    });
    cow_step(text, |t| {
        month_year.replace_all(t, |caps: &regex::Captures<'_>| {
            match month_name(get(caps, "m")) {
                Some(month) => format!("{month} {}", year(get(caps, "y"))),
                None => whole(caps).to_owned(),
            }
        })
    })
}

/// Which comes first in a date written all in numbers (`11/21/2026`,
/// `21/11/2026`): the month, as in American copy, or the day, as in
/// British, Irish, Australian, Indian and most other English.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateOrder {
    MonthFirst,
    DayFirst,
}

impl DateOrder {
    /// The order a language tag's region writes dates in: `en-GB`, `en-AU`,
    /// `en-IN` … day first; `en-US`, `en-PH`, `en-CA` and a tag with no
    /// region month first.
    pub(super) fn for_tag(tag: &str) -> DateOrder {
        let region = tag
            .trim()
            .split(['-', '_'])
            .skip(1)
            .find(|s| s.len() == 2 && s.chars().all(|c| c.is_ascii_alphabetic()))
            .map(str::to_ascii_uppercase);
        match region.as_deref() {
            None | Some("US" | "PH" | "CA" | "UM" | "AS" | "GU" | "MP" | "PR" | "VI") => {
                DateOrder::MonthFirst
            }
            Some(_) => DateOrder::DayFirst,
        }
    }
}

/// Numeric dates with slashes, read in the order the article's locale
/// writes them: `11/21/2026` → November twenty-first, twenty twenty-six
/// (month first), `21/11/2026` → the twenty-first of November twenty
/// twenty-six (day first). Where the preferred order gives no date
/// (`21/11` month first), the other is taken. A two-digit year is this
/// century's (`21/11/26`).
pub(super) fn slash_dates(text: &str, order: DateOrder) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<y>[0-9]{{4}}|[0-9]{{2}}){B}");
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let (first, second) = match order {
            DateOrder::MonthFirst => ((a, b), (b, a)),
            DateOrder::DayFirst => ((b, a), (a, b)),
        };
        let (m, d) = [first, second]
            .into_iter()
            .find(|(m, d)| month_number(m).is_some() && day(d).is_some())?;
        let (month, day) = (month_number(m)?, day(d)?);
        let y = get(caps, "y");
        let y = if y.len() == 2 {
            year(&format!("20{y}"))
        } else {
            year(y)
        };
        Some(match order {
            DateOrder::MonthFirst => format!("{month} {day}, {y}"),
            DateOrder::DayFirst => {
                let before = text.get(..start(caps)).unwrap_or_default().trim_end();
                let the = if before.to_ascii_lowercase().ends_with("the") {
                    ""
                } else {
                    "the "
                };
                format!("{the}{day} of {month} {y}")
            }
        })
    })
}

/// Decades: `the 1990s` → the nineteen nineties, `the '80s` → the eighties.
pub(super) fn decades(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?:'|’)?{B}(?P<y>[0-9]{{2}}|[0-9]{{4}})s{B}");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let y = get(caps, "y");
        if y.ends_with('0') {
            decade(y)
        } else {
            whole(caps).to_owned()
        }
    })
}

/// Words before a number that say it is a year whatever follows (`in
/// 2027`, `since 2009`, `mid-2026`).
const STRONG_CUES: &[&str] = &[
    "in", "since", "until", "till", "during", "through", "circa", "year", "summer", "spring",
    "autumn", "fall", "winter", "early", "late",
];

/// Words before a number that say it is a year unless a plural noun after
/// it makes it a count (`by 2026` but `by 1500 votes`, `to 2030` but `to
/// 2000 jobs`).
const WEAK_CUES: &[&str] = &[
    "by", "from", "of", "before", "after", "around", "to", "and", "between",
];

/// Words that stand before a noun and make a number between them its
/// adjective (`a 1999 report`, `the 2027 election`, `its 2030 target`).
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "this", "that", "its", "his", "her", "their", "our", "my", "your", "whose",
];

/// Nouns a year names (`the 2027 election`, `2030 Winter Olympics`, `the
/// 1999 floods`); after them a number is a year, with no other word to go
/// by.
const EVENTS: &[&str] = &[
    "election",
    "elections",
    "poll",
    "polls",
    "vote",
    "referendum",
    "census",
    "budget",
    "budgets",
    "report",
    "reports",
    "survey",
    "study",
    "review",
    "season",
    "campaign",
    "olympics",
    "olympic",
    "paralympics",
    "games",
    "cup",
    "world",
    "championship",
    "championships",
    "final",
    "finals",
    "tournament",
    "series",
    "summit",
    "conference",
    "convention",
    "festival",
    "expo",
    "awards",
    "race",
    "primary",
    "primaries",
    "midterms",
    "inauguration",
    "crisis",
    "recession",
    "war",
    "flood",
    "floods",
    "earthquake",
    "quake",
    "storm",
    "hurricane",
    "tsunami",
    "wildfires",
    "riots",
    "protests",
    "attack",
    "attacks",
    "law",
    "act",
    "bill",
    "plan",
    "strategy",
    "target",
    "targets",
    "goal",
    "goals",
    "deadline",
    "agreement",
    "accord",
    "treaty",
    "deal",
    "model",
    "edition",
    "version",
    "vintage",
    "class",
    "graduates",
    "intake",
    "film",
    "album",
    "calendar",
    "fiscal",
    "financial",
    "tax",
    "school",
    "academic",
    "harvest",
    "pandemic",
    "outbreak",
    "levels",
    "prices",
    "dollars",
    "standards",
    "reform",
    "reforms",
    "manifesto",
    "constitution",
    "merger",
    "takeover",
    "launch",
    "release",
    "visit",
    "tour",
    "winter",
    "summer",
    "spring",
    "autumn",
];

/// Words after a number that make it a count however it began (`the 1500
/// people`, `a 2000 strong crowd`) or that no noun the year could name is
/// (`the 2000 who signed`).
const NOT_NOUNS: &[&str] = &[
    "people",
    "persons",
    "men",
    "women",
    "children",
    "kids",
    "staff",
    "police",
    "troops",
    "personnel",
    "cattle",
    "sheep",
    "fish",
    "deer",
    "head",
    "feet",
    "yen",
    "won",
    "yuan",
    "pence",
    "who",
    "which",
    "that",
    "were",
    "are",
    "is",
    "was",
    "be",
    "been",
    "have",
    "has",
    "had",
    "will",
    "would",
    "can",
    "could",
    "may",
    "might",
    "must",
    "shall",
    "should",
    "do",
    "does",
    "did",
    "and",
    "or",
    "but",
    "nor",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "with",
    "by",
    "as",
    "than",
    "then",
    "more",
    "less",
    "fewer",
    "most",
    "plus",
    "minus",
    "times",
    "per",
    "percent",
    "new",
    "other",
    "extra",
    "additional",
    "odd",
    "strong",
    "so",
    "or",
    "a",
    "an",
    "the",
];

/// The words after byte `at`, up to `n`, as written, without a
/// possessive `'s` (`a 1999 report's` names a report).
fn words_after(text: &str, at: usize, n: usize) -> Vec<&str> {
    let rest = text.get(at..).unwrap_or_default();
    if !rest.starts_with(' ') {
        return Vec::new();
    }
    rest.split(' ')
        .skip(1)
        .take(n)
        .map(|w| w.trim_end_matches(|c: char| !c.is_alphanumeric()))
        .map(|w| {
            w.strip_suffix("'s")
                .or_else(|| w.strip_suffix("’s"))
                .unwrap_or(w)
        })
        .take_while(|w| !w.is_empty() && w.chars().all(|c| c.is_alphabetic() || c == '-'))
        .collect()
}

/// Whether a four-digit number, with `before` and `after` around it, is a
/// year rather than a count.
fn is_year_here(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).unwrap_or_default();
    let lower = before.to_ascii_lowercase();
    if ["mid-", "pre-", "post-"].iter().any(|p| lower.ends_with(p)) {
        return true;
    }
    let quarter = pattern!(r"{B}Q[1-4] $");
    if quarter.is_match(before) {
        return true;
    }
    let next = words_after(text, end, 3);
    let first = next.first().copied().unwrap_or_default();
    let first_lower = first.to_ascii_lowercase();
    let is_event = |w: &str| EVENTS.contains(&w.to_ascii_lowercase().as_str());
    let capital = |w: &str| w.starts_with(|c: char| c.is_uppercase());
    let plural_count = NOT_NOUNS.contains(&first_lower.as_str())
        || (first.len() > 3
            && first.chars().all(|c| c.is_ascii_lowercase())
            && first.ends_with('s')
            && !is_event(first));
    // An event, or a name made of capitalised words with one in it: `2030
    // Winter Olympics`, `2028 Los Angeles Games`.
    let names_event =
        is_event(first) || next.iter().take_while(|w| capital(w)).any(|w| is_event(w));
    let Some(spaced) = before.strip_suffix(' ') else {
        return names_event;
    };
    let word = spaced
        .rsplit(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .next()
        .unwrap_or_default();
    let word_lower = word.to_ascii_lowercase();
    if STRONG_CUES.contains(&word_lower.as_str()) {
        return true;
    }
    if WEAK_CUES.contains(&word_lower.as_str()) {
        return !plural_count;
    }
    let possessive = word.ends_with("'s") || word.ends_with("’s");
    if DETERMINERS.contains(&word_lower.as_str()) || possessive {
        return names_event
            || (!first.is_empty() && capital(first))
            || (!first.is_empty() && !plural_count && !first.contains('-'));
    }
    names_event
}

/// Four-digit numbers (1000–2099, written without a comma) read as years
/// where the words around say they are years: after in, since, by, from,
/// until, before, after, during, of, to, and, between, around, circa, a
/// season, early/late/mid-, a quarter (`Q1 2024`); before a noun a year
/// names (`the 2027 election`, `2030 Winter Olympics`); and between a
/// determiner and a noun, as an adjective (`a 1999 report`, `the 2026 World
/// Cup`). Elsewhere a number stays a number: `2027 people`, `the 1500
/// people`, `by 1500 votes`, `2,027 votes`.
pub(super) fn years(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"{B}(?P<y>[0-9]{{4}}){B}");
    replace_numbers(re, text, |caps| {
        let y = get(caps, "y");
        let rest = text.get(end(caps)..).unwrap_or_default();
        let mut next = rest.chars();
        let continues = matches!((next.next(), next.next()), (Some('.' | ',' | ':' | '/'), Some(c)) if c.is_ascii_digit());
        let signed = text
            .get(..start(caps))
            .and_then(|b| b.chars().next_back())
            .is_some_and(|c| "$£€¥#+−-/.:,".contains(c));
        let hyphened = text.get(..start(caps)).is_some_and(|b| {
            ["mid-", "pre-", "post-"]
                .iter()
                .any(|p| b.to_ascii_lowercase().ends_with(p))
        });
        if in_range(y, 1000, 2099).is_none() || continues || (signed && !hyphened) {
            return None;
        }
        is_year_here(text, start(caps), end(caps)).then(|| year(y))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso() {
        assert_eq!(
            iso_dates("2026-11-21"),
            "November twenty-first, twenty twenty-six"
        );
        assert_eq!(
            iso_dates("2026-11-21 09:30"),
            "November twenty-first, twenty twenty-six, nine thirty"
        );
        assert_eq!(iso_dates("2026-13-21"), "2026-13-21");
    }

    #[test]
    fn clocks() {
        let cases = [
            ("07:30", "seven thirty"),
            ("7:30 p.m. today", "seven thirty p m today"),
            ("7:30 p.m.", "seven thirty p m."),
            ("at 7:30 p.m. He left.", "at seven thirty p m He left."),
            ("home by 7 p.m.", "home by seven p m."),
            ("7pm", "seven p m"),
            ("10 AM", "ten a m"),
            ("7:05", "seven oh five"),
            ("7:00", "seven o'clock"),
            ("18:00", "eighteen hundred"),
            ("18:45", "eighteen forty-five"),
            ("won 3:1", "won three to one"),
            ("13 pm", "13 pm"),
        ];
        for (text, want) in cases {
            assert_eq!(clock_times(text), want, "{text}");
        }
    }

    #[test]
    fn named_months() {
        let cases = [
            ("Nov. 7", "November seventh"),
            ("on Nov 7th", "on November seventh"),
            ("Nov. 7, 2026", "November seventh, twenty twenty-six"),
            (
                "7 November 2026",
                "the seventh of November twenty twenty-six",
            ),
            ("on the 7th of November", "on the seventh of November"),
            ("on 3 Dec.", "on the third of December."),
            ("March 2026", "March twenty twenty-six"),
            ("May 35", "May 35"),
            ("Mayor 5", "Mayor 5"),
        ];
        for (text, want) in cases {
            assert_eq!(month_dates(text), want, "{text}");
        }
        let us = |t| slash_dates(t, DateOrder::MonthFirst).into_owned();
        let gb = |t| slash_dates(t, DateOrder::DayFirst).into_owned();
        assert_eq!(us("11/21/2026"), "November twenty-first, twenty twenty-six");
        assert_eq!(us("21/11/2026"), "November twenty-first, twenty twenty-six");
        assert_eq!(us("3/4/2026"), "March fourth, twenty twenty-six");
        assert_eq!(gb("3/4/2026"), "the third of April twenty twenty-six");
        assert_eq!(
            gb("on the 3/4/2026"),
            "on the third of April twenty twenty-six"
        );
        assert_eq!(
            gb("11/21/2026"),
            "the twenty-first of November twenty twenty-six"
        );
        assert_eq!(
            gb("21/11/26"),
            "the twenty-first of November twenty twenty-six"
        );
        assert_eq!(us("13/13/2026"), "13/13/2026");
        assert_eq!(DateOrder::for_tag("en-GB"), DateOrder::DayFirst);
        assert_eq!(DateOrder::for_tag("en_au"), DateOrder::DayFirst);
        assert_eq!(DateOrder::for_tag("en-US"), DateOrder::MonthFirst);
        assert_eq!(DateOrder::for_tag("en"), DateOrder::MonthFirst);
        assert_eq!(DateOrder::for_tag("en-Latn-GB"), DateOrder::DayFirst);
    }

    #[test]
    fn years_and_decades() {
        assert_eq!(years("in 1999"), "in nineteen ninety-nine");
        assert_eq!(years("since 2009,"), "since two thousand nine,");
        assert_eq!(years("mid-2026"), "mid-twenty twenty-six");
        assert_eq!(years("Q1 2024"), "Q1 twenty twenty-four");
        assert_eq!(
            years("the 2026 World Cup"),
            "the twenty twenty-six World Cup"
        );
        assert_eq!(years("the 1500 people"), "the 1500 people");
        assert_eq!(years("in 3000"), "in 3000");
        assert_eq!(years("in 1999.5"), "in 1999.5");
        assert_eq!(decades("the 1990s"), "the nineteen nineties");
        assert_eq!(decades("the '80s"), "the eighties");
        assert_eq!(decades("747s"), "747s");
    }
}
