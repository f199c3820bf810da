//! text: speakable text — rates written with a slash, in both languages:
//! `毫克/升` → 毫克每升, `3元/吨` → 三元每吨, `mg/L` → 毫克每升 / milligrams
//! per liter, `m³/s` → 立方米每秒 / cubic meters per second. Either side
//! may be a Chinese unit or a symbol from the `units` table; a side that
//! is neither leaves the slash as it was (`是/否`, `zorks/h`).

use std::borrow::Cow;

use super::pattern::{get, pattern};
use super::units::{per, ALTERNATION, PER_OPEN};

/// Chinese units that make a rate on either side of a slash by themselves
/// (`元/吨`, `毫克/升`, `公里/小时`), longest first.
const UNITS_ZH: &str = "平方公里|平方千米|立方米|平方米|千瓦时|美元|欧元|港元|英镑|日元|韩元|万元|亿元|毫克|微克|千克|公斤|万吨|毫升|公里|千米|厘米|毫米|公顷|千瓦|兆瓦|小时|元|克|斤|吨|升|米|亩|瓦|桶";

/// Measure words that make a rate only after a number (`120次/分钟`, `3人/间`):
/// alone, `人/次` is no rate.
const COUNTED_ZH: &str =
    "人次|架次|次|人|个|件|辆|台|户|只|头|张|份|套|箱|袋|瓶|篇|条|例|场|家|间|位|名|株|棵|班|趟";

/// What may stand after the slash besides [`UNITS_ZH`]: who, what or
/// which stretch of time the rate is per (`元/人`, `元/晚`, `次/分`,
/// `元/月`). Time is no rate before a slash: `年/月` is a choice.
const PER_ZH: &str = "人次|平米|季度|分钟|人|户|家|台|辆|件|个|只|头|张|份|套|箱|袋|瓶|次|场|间|晚|床|株|棵|秒|分|天|日|周|月|年";

/// Whether a Chinese numeral or an ASCII digit ends `text`.
fn after_number(text: &str) -> bool {
    text.chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_digit() || "零〇一二三四五六七八九十百千万亿两".contains(c))
}

/// Chinese: `毫克/升` → 毫克每升, `3.5元/公斤` → 3.5元每公斤, `mg/L` →
/// 毫克每升, `500元/m²` → 500元每平方米, `120次/分` → 120次每分. The
/// numbers are left to the rules after this one.
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<a>{UNITS_ZH}|{COUNTED_ZH}|{})/(?P<b>{UNITS_ZH}|{PER_ZH}|{})",
        *ALTERNATION,
        *PER_OPEN
    );
    replace_rates(re, text, |caps, before| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let counted = pattern!("^(?:{COUNTED_ZH})$").is_match(a);
        if counted && !after_number(before) {
            return None;
        }

        let name = |s: &str| per(s).map_or(s.to_owned(), |(zh, _)| zh.to_owned());
        Some(format!("{}每{}", name(a), name(b)))
    })
}

/// English: rates written as symbols that `units::en` did not read with a
/// number: `in mg/L` → in milligrams per liter, `km/h` → kilometers per
/// hour.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>{})/(?P<b>{})", *ALTERNATION, *PER_OPEN);
    replace_rates(re, text, |caps, _| {
        // A lone letter is a word more often than a unit (`a/b`, `I/O`).
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        if a.chars().count() < 2 {
            return None;
        }
        let many = super::units::many(a)?;
        Some(format!("{many} per {}", per(b)?.1))
    })
}

/// Runs `f` on every match of `re` that stands alone: no Latin letter glued
/// to a Latin end (`xkm/h`, `km/hour`), and no slash before or after
/// (`日/月/年` is a date's order, not a rate). A digit after the symbol
/// does not glue: it is read as a number either way (`km/h0`), and so the
/// rate reads the same once the digit is a word. `f` is given the text before the match and
/// may pass over it by returning `None`.
fn replace_rates<'t>(
    re: &regex::Regex,
    text: &'t str,
    f: impl Fn(&regex::Captures<'_>, &str) -> Option<String>,
) -> Cow<'t, str> {
    let mut out = String::new();
    let (mut last, mut at) = (0, 0);
    while let Some(caps) = re.captures_at(text, at) {
        let Some(m) = caps.get(0) else { break };
        let before = &text[..m.start()];
        let after = &text[m.end()..];
        let latin = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
        let glued = (latin(m.as_str().chars().next()) && latin(before.chars().next_back()))
            || (latin(m.as_str().chars().next_back()) && latin(after.chars().next()));
        let slashed = before.ends_with('/') || after.starts_with('/');
        let said = (!glued && !slashed).then(|| f(&caps, before)).flatten();
        match said {
            Some(said) => {
                out.push_str(&text[last..m.start()]);
                out.push_str(&said);
                last = m.end();
                at = m.end();
            }
            None => match text[m.start()..].chars().next() {
                Some(c) => at = m.start() + c.len_utf8(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_rates() {
        let cases = [
            ("浓度为毫克/升", "浓度为毫克每升"),
            ("300元/吨", "300元每吨"),
            ("3.5元/公斤", "3.5元每公斤"),
            ("5mg/L", "5毫克每升"),
            ("流量m³/s", "流量立方米每秒"),
            ("500元/m²", "500元每平方米"),
            ("120次/分", "120次每分"),
            ("一百二十次/分钟", "一百二十次每分钟"),
            ("60km/h", "60公里每小时"),
            ("人/次", "人/次"),
            ("是/否", "是/否"),
            ("按年/月统计", "按年/月统计"),
            ("元/月", "元每月"),
            ("日/月/年", "日/月/年"),
            ("5zork/h", "5zork/h"),
            ("xkm/h", "xkm/h"),
            ("km/h0", "公里每小时0"),
            ("km/hour", "km/hour"),
        ];
        for (text, want) in cases {
            assert_eq!(zh(text), want, "{text}");
        }
    }

    #[test]
    fn english_rates_alone() {
        assert_eq!(en("measured in mg/L"), "measured in milligrams per liter");
        assert_eq!(en("in km/h"), "in kilometers per hour");
        assert_eq!(en("in m³/s"), "in cubic meters per second");
        assert_eq!(en("5 mg/L"), "5 milligrams per liter");
        assert_eq!(en("and/or a/b"), "and/or a/b");
        assert_eq!(en("zorks/h"), "zorks/h");
    }
}
