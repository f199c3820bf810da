//! text: speakable Chinese — dates, years and clock times: `2022-10-24
//! 10:47:55` → 二〇二二年十月二十四日十点四十七分五十五秒, `2022年` →
//! 二〇二二年, `2017-2020` → 二〇一七至二〇二〇, `3:1` → 三比一.

use std::borrow::Cow;

use super::pattern::{cow_step, end, get, in_range, pattern, replace_numbers, DASH};
use super::zh_numbers::{digits, integer, Digits};
use super::zh_quantities::counted;

/// A year written out digit by digit, as newsreaders say it.
fn year(y: &str) -> String {
    digits(y, Digits::Year)
}

/// `10` `24` → 十月二十四日, or `None` when it is no date.
fn month_day(month: &str, day: &str) -> Option<String> {
    let m = in_range(month, 1, 12)?;
    let d = in_range(day, 1, 31)?;
    Some(format!(
        "{}月{}日",
        integer(&m.to_string()),
        integer(&d.to_string())
    ))
}

/// `10` `47` `55` → 十点四十七分五十五秒; `9` `30` → 九点三十分; `2` `00` →
/// 两点. `None` when it is no time of day.
fn clock(hour: &str, minute: &str, second: &str) -> Option<String> {
    let h = in_range(hour, 0, 24)?;
    let m = in_range(minute, 0, 59)?;
    let s = if second.is_empty() {
        0
    } else {
        in_range(second, 0, 59)?
    };
    let mut out = if h == 2 {
        "两".to_owned()
    } else {
        integer(&h.to_string())
    };
    out.push('点');
    if m > 0 || s > 0 {
        if m < 10 && m > 0 {
            out.push('零');
        }
        out.push_str(&integer(&m.to_string()));
        out.push('分');
    }
    if s > 0 {
        if s < 10 {
            out.push('零');
        }
        out.push_str(&integer(&s.to_string()));
        out.push('秒');
    }
    Some(out)
}

/// Numeric dates with an optional time: `2022-10-24 10:47:55`,
/// `2022/10/24`, `2022.10.24`. Both separators must agree; an impossible
/// month or day leaves the text to the other rules.
pub(super) fn numeric_dates(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<y>[0-9]{{4}})(?P<s1>[-/.])(?P<mo>[0-9]{{1,2}})(?P<s2>[-/.])(?P<d>[0-9]{{1,2}})(?P<time>[T\s]+(?P<h>[0-9]{{1,2}})[:：](?P<mi>[0-9]{{2}})(?:[:：](?P<se>[0-9]{{2}}))?)?"
    );
    replace_numbers(re, text, |caps| {
        let date = (get(caps, "s1") == get(caps, "s2"))
            .then(|| month_day(get(caps, "mo"), get(caps, "d")))
            .flatten()?;
        let mut out = format!("{}年{date}", year(get(caps, "y")));
        if !get(caps, "time").is_empty() {
            match clock(get(caps, "h"), get(caps, "mi"), get(caps, "se")) {
                Some(time) => out.push_str(&time),
                None => out.push_str(get(caps, "time")),
            }
        }
        Some(out)
    })
}

/// Year spans: `2017-2020` → 二〇一七至二〇二〇, `2022年-2023年` →
/// 二〇二二年至二〇二三年, `2025-26赛季` → 二〇二五至二〇二六赛季. Both ends
/// must look like years (1000–2999, rising) and no measure word may
/// follow, so `1000-2000元` stays a range of amounts.
pub(super) fn year_ranges(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<a>[12][0-9]{{3}})(?P<nian>\s*年)?\s*(?P<sep>{DASH}|至|到)\s*(?P<b>[12][0-9]{{3}}|[0-9]{{2}})"
    );
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let next = text.get(end(caps)..).unwrap_or_default().trim_start();
        let counted = !next.starts_with('年') && counted(next);
        // `2025-26`: the end year in the same century, after the start.
        let b = match b.len() {
            2 if get(caps, "nian").is_empty() => format!("{}{b}", &a[..2]),
            2 => return None,
            _ => b.to_owned(),
        };
        if a >= b.as_str() || counted {
            return None;
        }
        let sep = match get(caps, "sep") {
            "到" => "到",
            _ => "至",
        };
        let nian = if get(caps, "nian").is_empty() {
            ""
        } else {
            "年"
        };
        Some(format!("{}{nian}{sep}{}", year(a), year(&b)))
    })
}

/// Years before 年: `2022年` → 二〇二二年, `1990年代` → 一九九〇年代. Only
/// four digits starting with 1 or 2: `10年` is ten years and stays a count.
pub(super) fn years(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<y>[12][0-9]{{3}})\s*年");
    replace_numbers(re, text, |caps| Some(format!("{}年", year(get(caps, "y")))))
}

/// Clock times and scores: `10:47` → 十点四十七分, `10:47:55` →
/// 十点四十七分五十五秒, `8:30—17:00` → 八点三十分至十七点, and what is no
/// time (`3:1`, `25:10`) → 三比一.
pub(super) fn clock_times(text: &str) -> Cow<'_, str> {
    let span = pattern!(
        r"(?P<h>[0-9]{{1,2}})[:：](?P<m>[0-9]{{2}})(?:[:：](?P<s>[0-9]{{2}}))?\s*(?P<sep>{DASH}|至|到)\s*(?P<h2>[0-9]{{1,2}})[:：](?P<m2>[0-9]{{2}})(?:[:：](?P<s2>[0-9]{{2}}))?"
    );
    let text = replace_numbers(span, text, |caps| {
        let from = clock(get(caps, "h"), get(caps, "m"), get(caps, "s"))?;
        let to = clock(get(caps, "h2"), get(caps, "m2"), get(caps, "s2"))?;
        let sep = if get(caps, "sep") == "到" {
            "到"
        } else {
            "至"
        };
        Some(format!("{from}{sep}{to}"))
    });
    cow_step(text, single_clock_times)
}

fn single_clock_times(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<h>[0-9]+)[:：](?P<m>[0-9]+)(?:[:：](?P<s>[0-9]{{2}}))?");
    replace_numbers(re, text, |caps| {
        let (h, m, s) = (get(caps, "h"), get(caps, "m"), get(caps, "s"));
        if h.len() <= 2 && m.len() == 2 {
            if let Some(time) = clock(h, m, s) {
                return Some(time);
            }
        }
        let mut out = format!("{}比{}", integer(h), integer(m));
        if !s.is_empty() {
            out.push_str(&format!("比{}", integer(s)));
        }
        Some(out)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_dates_with_times() {
        assert_eq!(
            numeric_dates("2022-10-24 10:47:55"),
            "二〇二二年十月二十四日十点四十七分五十五秒"
        );
        assert_eq!(
            numeric_dates("发布时间:2026-11-21 09:30:00丨"),
            "发布时间:二〇二六年十一月二十一日九点三十分丨"
        );
        assert_eq!(numeric_dates("2022/1/5"), "二〇二二年一月五日");
        assert_eq!(numeric_dates("2022.10.24"), "二〇二二年十月二十四日");
        assert_eq!(numeric_dates("2022-13-24"), "2022-13-24");
        assert_eq!(numeric_dates("2022-10/24"), "2022-10/24");
        assert_eq!(
            numeric_dates("2022-10-24 25:00"),
            "二〇二二年十月二十四日 25:00"
        );
    }

    #[test]
    fn year_spans() {
        assert_eq!(year_ranges("2017-2020平安"), "二〇一七至二〇二〇平安");
        assert_eq!(year_ranges("2017—2020年"), "二〇一七至二〇二〇年");
        assert_eq!(year_ranges("2017到2020年"), "二〇一七到二〇二〇年");
        assert_eq!(year_ranges("1000-2000元"), "1000-2000元");
        assert_eq!(year_ranges("2020-2017"), "2020-2017");
        assert_eq!(year_ranges("2022年-2023年"), "二〇二二年至二〇二三年");
        assert_eq!(year_ranges("2025-26赛季"), "二〇二五至二〇二六赛季");
        assert_eq!(year_ranges("2017——2020"), "二〇一七至二〇二〇");
        assert_eq!(year_ranges("2026-25"), "2026-25");
    }

    #[test]
    fn years_before_nian() {
        assert_eq!(years("2022年"), "二〇二二年");
        assert_eq!(years("1990年代"), "一九九〇年代");
        assert_eq!(years("10年以上"), "10年以上");
        assert_eq!(years("3000年"), "3000年");
    }

    #[test]
    fn clocks_and_scores() {
        assert_eq!(clock_times("10:47"), "十点四十七分");
        assert_eq!(clock_times("10:05"), "十点零五分");
        assert_eq!(clock_times("02:00"), "两点");
        assert_eq!(clock_times("10:00:05"), "十点零分零五秒");
        assert_eq!(clock_times("比分3:1"), "比分三比一");
        assert_eq!(clock_times("25:10"), "二十五比十");
        assert_eq!(clock_times("8:30—17:00"), "八点三十分至十七点");
        assert_eq!(clock_times("9:00-11:30"), "九点至十一点三十分");
        assert_eq!(clock_times("22:00～6:00"), "二十二点至六点");
        assert_eq!(clock_times("3:1-2:1"), "三比一-二比一");
    }
}
