//! text: speakable English — dates, clock times, years and decades: `Nov. 7`
//! → November seventh, `7 November 2026` → the seventh of November twenty
//! twenty-six, `2026-11-21` → November twenty-first, twenty twenty-six,
//! `7:30 p.m.` → seven thirty p m, `in 1999` → in nineteen ninety-nine,
//! `the 1990s` → the nineteen nineties.

use std::borrow::Cow;

use super::pattern::cow_step;

use super::en_numbers::{cardinal, decade, ordinal, year};
use super::pattern::{
    at_sentence_end, end, get, in_range, pattern, replace_numbers, start, whole, B,
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

/// Clock times (`07:30` → seven thirty, `7:30 p.m.` → seven thirty p m,
/// `7pm` → seven p m) and, where the numbers are no time, ratios and
/// scores (`3:1` → three to one).
pub(super) fn clock_times(text: &str) -> Cow<'_, str> {
    let with_colon = pattern!(
        r"(?P<h>[0-9]+):(?P<m>[0-9]+)(?::(?P<s>[0-9]{{2}}))?(?:\s?(?P<ap>[AaPp])(?:\.[Mm]\.?|[Mm]{B}))?"
    );
    let hour_only = pattern!(r"{B}(?P<h>[0-9]{{1,2}})\s?(?P<ap>[AaPp])(?:\.[Mm]\.?|[Mm]{B})");
    let text = replace_numbers(with_colon, text, |caps| {
        let (h, m, ap) = (get(caps, "h"), get(caps, "m"), get(caps, "ap"));
        let time = (h.len() <= 2 && m.len() == 2)
            .then(|| clock(h, m, get(caps, "s"), ap))
            .flatten();
        match time {
            Some(time) => Some(format!("{time}{}", final_dot(text, caps))),
            None if ap.is_empty() && get(caps, "s").is_empty() => {
                Some(format!("{} to {}", cardinal(h), cardinal(m)))
            }
            None => None,
        }
    });
    match text {
        Cow::Borrowed(t) => replace_hours(hour_only, t),
        Cow::Owned(t) => Cow::Owned(replace_hours(hour_only, &t).into_owned()),
    }
}

fn replace_hours<'t>(re: &regex::Regex, text: &'t str) -> Cow<'t, str> {
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        match clock(get(caps, "h"), "", "", get(caps, "ap")) {
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
        r"{B}(?P<m>{MONTH}){B}\.?\s+(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?{B}(?:(?P<ysep>,?\s+)(?P<y>[0-9]{{4}}){B})?"
    );
    let day_month = pattern!(
        r"(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{MONTH}){B}\.?(?:(?P<ysep>,?\s+)(?P<y>[0-9]{{4}}){B})?"
    );
    let month_year = pattern!(r"{B}(?P<m>{MONTH}){B}\.?\s+(?P<y>[0-9]{{4}}){B}");

    let text = month_day.replace_all(text, |caps: &regex::Captures<'_>| {
        let (Some(month), Some(day)) = (month_name(get(caps, "m")), day(get(caps, "d"))) else {
            return whole(caps).to_owned();
        };
        match get(caps, "y") {
            "" => format!("{month} {day}"),
            y => format!("{month} {day}, {}", year(y)),
        }
    });
    let text = cow_step(text, |t| {
        replace_numbers(day_month, t, |caps| {
            let month = month_name(get(caps, "m"))?;
            let day = day(get(caps, "d"))?;
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

/// Numeric dates with slashes: `11/21/2026` → November twenty-first,
/// twenty twenty-six. Month first, as in American copy, unless the first
/// number cannot be a month (`21/11/2026`).
pub(super) fn slash_dates(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>[0-9]{{1,2}})/(?P<b>[0-9]{{1,2}})/(?P<y>[0-9]{{4}})");
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let (m, d) = if in_range(a, 1, 12).is_some() {
            (a, b)
        } else {
            (b, a)
        };
        Some(format!(
            "{} {}, {}",
            month_number(m)?,
            day(d)?,
            year(get(caps, "y"))
        ))
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

/// Four-digit numbers read as years where the words around say they are
/// years: after in, since, by, from, until, before, after, during, of, to,
/// and, between, around, circa, a season, early/late/mid-, a quarter (`Q1
/// 2024`), or `the` before a name (`the 2026 World Cup`). Elsewhere a number
/// stays a number.
pub(super) fn years(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"{B}(?P<w>(?i:in|since|by|from|of|until|till|before|after|during|through|around|circa|year|summer|spring|autumn|fall|winter|early|late|to|and|between|the)\s+|(?i:mid)-|Q[1-4]\s+)(?P<y>[0-9]{{4}}){B}"
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let (w, y) = (get(caps, "w"), get(caps, "y"));
        let rest = text.get(end(caps)..).unwrap_or_default();
        let mut next = rest.chars();
        let continues =
            matches!((next.next(), next.next()), (Some('.' | ','), Some(c)) if c.is_ascii_digit());
        let yearish = in_range(y, 1000, 2099).is_some() && !continues;
        let before_name = rest
            .strip_prefix(' ')
            .and_then(|r| r.chars().next())
            .is_some_and(char::is_uppercase);
        if !yearish || (w.trim().eq_ignore_ascii_case("the") && !before_name) {
            return whole(caps).to_owned();
        }
        format!("{w}{}", year(y))
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
        assert_eq!(
            slash_dates("11/21/2026"),
            "November twenty-first, twenty twenty-six"
        );
        assert_eq!(
            slash_dates("21/11/2026"),
            "November twenty-first, twenty twenty-six"
        );
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
