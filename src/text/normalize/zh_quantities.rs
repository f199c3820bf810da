//! text: speakable Chinese — counts, ordinals, ranges and fractions, and the
//! last rules, which read every number still left and join what a dash left
//! between two figures: `第3次` → 第三次, `2个` → 两个, `3-5名` → 三至五名,
//! `3~5天` → 三至五天, `1/3` → 三分之一, `2.35亿` → 二点三五亿.

use std::borrow::Cow;

use super::pattern::{end, get, is_dash, pattern, replace_numbers, start, Number, B, DASH, NUM};
use super::zh_numbers::{digits, integer, number, Digits};

/// Measure words and units a count stands before: 2 before them is 两 (两个,
/// 两万, 两公里, 两处). Left out on purpose: 月 日 号 楼 级 期 层 季 单 院
/// 路 手 度, where 2 names something (二月, 二号, 二楼, 二季度, 二手)
/// rather than counts it, and 两 itself (二两, the weight).
const MEASURE_WORDS: &str = "个位名人次件项家条张台辆天年周种类场所座间栋幢本只头匹架艘批起份届块元角毛斤公千万亿百点岁倍米吨升克小分秒部首篇瓶杯碗双对套趟遍回处支枚颗株棵根把句门节轮例剂针粒片幅封笔宗桩户口岸国侧边款组成亩";

/// Units whose first character alone is no measure word (平安, 英国):
/// 两平方米, 两毫克, 两美元.
const MEASURE_UNITS: &[&str] = &[
    "平方", "立方", "平米", "英里", "英尺", "英寸", "英亩", "英镑", "美元", "欧元", "港元", "日元",
    "韩元", "兆瓦", "毫克", "毫米", "毫升", "毫安", "厘米", "微克",
];

/// What follows a measure word and makes the number a name again: 二年级
/// (the second grade), 二次方 (squared).
const NAMING: &[&str] = &["年级", "次方"];

/// Whether `c` is a measure word (see [`MEASURE_WORDS`]).
fn is_measure_word(c: char) -> bool {
    MEASURE_WORDS.contains(c)
}

/// Whether `after`, the text that follows a number, makes it a count: it
/// starts with a measure word or unit (`个`, `万`, `公里`, `毫克`), not with
/// one that makes it a name (`年级`).
pub(super) fn counted(after: &str) -> bool {
    let after = after.trim_start();
    (after.chars().next().is_some_and(is_measure_word)
        || MEASURE_UNITS.iter().any(|u| after.starts_with(u)))
        && !NAMING.iter().any(|w| after.starts_with(w))
}

/// A number as a count before `after` (the text that follows it): a lone 2
/// before a measure word is 两, and so is a leading 2 before 千, 万 or 亿.
pub(super) fn count_before(written: &str, after: &str) -> String {
    if Number::parse(written).is(2) && counted(after) {
        return "两".to_owned();
    }
    number(written, true)
}

/// Characters that can stand between a number and a dash as its unit or
/// measure word (`8点-10点`, `3天-5天`, `5月-8月`, `3万元-5万元`,
/// `5毫克每升-8毫克每升`): the measure words and the names of dates, times
/// and units.
const UNIT_CHARS: &str = "个位名人次件项家条张台辆天年周种类场所座间栋幢本只头匹架艘批起份届块元角毛斤公千万亿百点岁倍米吨升克小分秒部首篇瓶杯碗双对套趟遍回处支枚颗株棵根把句门节轮例剂针粒片幅封笔宗桩户口岸国侧边款组成亩毫厘微平立英美欧港兆月日号时钟期级层楼度里顷瓦方摄氏华镑每";

/// Whether `c` can be part of a figure's unit (see [`UNIT_CHARS`]).
fn is_unit_char(c: char) -> bool {
    UNIT_CHARS.contains(c)
}

/// Chinese digits and the words of a number read aloud.
fn is_numeral(c: char) -> bool {
    "零〇一二三四五六七八九十百千万亿两幺".contains(c)
}

/// Whether spoken text can start a figure here: a digit word, a minus
/// (负, 零下) or a share (百分之, 千分之).
fn starts_figure(text: &str) -> bool {
    let text = text.trim_start();
    text.starts_with(|c: char| "零〇一二三四五六七八九十两幺负".contains(c))
        || text.starts_with("百分之")
        || text.starts_with("千分之")
}

/// Whether spoken text ends with a figure: a number word, or a number word
/// and up to five unit characters after it (三天, 十七点, 五摄氏度).
fn ends_figure(text: &str) -> bool {
    let mut chars = text.trim_end().chars().rev();
    for _ in 0..6 {
        match chars.next() {
            Some(c) if is_numeral(c) => return true,
            Some(c) if is_unit_char(c) => continue,
            _ => return false,
        }
    }
    false
}

/// The text after byte `at`.
fn rest(text: &str, at: usize) -> &str {
    text.get(at..).unwrap_or_default()
}

/// Ranges and scores joined by a dash, a tilde, 至 or 到: `3-5名` → 三至五名,
/// `3~5天` → 三至五天, `2-3个` → 两至三个 (the measure word after the range
/// counts both ends), `8点-10点` → 八点至十点, `第2-3名` → 第二至三名; a
/// falling pair joined by a dash is a score: `5-3` → 五比三. Year spans,
/// times, phone numbers and codes ([`dashed_codes`]) are read before this
/// rule runs.
pub(super) fn ranges(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<di>第\s*)?(?P<a>{NUM})(?P<suf>[{UNIT_CHARS}]{{1,4}})?\s*(?P<sep>{DASH}|至|到)\s*(?P<di2>第\s*)?(?P<b>{NUM})"
    );
    replace_numbers(re, text, |caps| {
        let (a, b, suf, sep) = (
            get(caps, "a"),
            get(caps, "b"),
            get(caps, "suf"),
            get(caps, "sep"),
        );
        let before = text.get(..start(caps)).unwrap_or_default();
        let after = rest(text, end(caps));
        // A fraction or a ratio is no end of a range (`1/3-1/2`, `3:1-2`).
        if before.ends_with(['/', ':']) || after.starts_with(['/', ':']) {
            return None;
        }
        let plain = |n: &str| number(n, false);
        let value = |s: &str| s.replace(',', "").parse::<f64>().unwrap_or(f64::MAX);
        let hyphen = matches!(sep, "-" | "‐" | "‑" | "‒" | "–" | "—" | "―" | "－");
        if hyphen && suf.is_empty() && get(caps, "di").is_empty() && value(a) >= value(b) {
            return Some(format!("{}比{}", plain(a), plain(b)));
        }
        // A digit or letter right before keeps a leading 2 from becoming 两.
        let glued = before
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        let left = if !get(caps, "di").is_empty() {
            format!("第{}", plain(a))
        } else if glued {
            format!("{}{suf}", plain(a))
        } else if suf.is_empty() {
            count_before(a, after)
        } else {
            format!("{}{suf}", count_before(a, suf))
        };
        let right = if get(caps, "di2").is_empty() {
            count_before(b, after)
        } else {
            format!("第{}", plain(b))
        };
        let word = if sep == "到" { "到" } else { "至" };
        Some(format!("{left}{word}{right}"))
    })
}

/// Numbers joined by dashes that are names, not ranges: a chain of three or
/// more (`3-2-1`) or a standard's number after its Latin code (`GB
/// 2760-2014`, `ISO 9001-2015`), read digit by digit with 杠 between the
/// groups: 二七六零杠二零一四. A score after a name (`NBA 3-2`) stays a score.
pub(super) fn dashed_codes(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<code>{B}[A-Z]+(?:/[A-Z]+)?\s*)?(?P<num>[0-9]+(?:{DASH}[0-9]+)+)");
    replace_numbers(re, text, |caps| {
        let num = get(caps, "num");
        let groups: Vec<&str> = num.split(is_dash).filter(|g| !g.is_empty()).collect();
        let standard = !get(caps, "code").is_empty() && groups[0].len() >= 3;
        if !standard && groups.len() < 3 {
            return None;
        }
        let said: Vec<String> = groups.iter().map(|g| digits(g, Digits::Plain)).collect();
        Some(format!("{}{}", get(caps, "code"), said.join("杠")))
    })
}

/// `No.1` → 第一: the number sign read as Chinese reads it.
pub(super) fn number_signs(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"{B}(?:No|NO|no)\.\s?(?P<num>[0-9]+)");
    replace_numbers(re, text, |caps| {
        Some(format!("第{}", integer(get(caps, "num"))))
    })
}

/// Fractions: `1/3` → 三分之一. Dates with slashes are read before.
pub(super) fn fractions(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>[0-9]+)/(?P<b>[0-9]+)");
    replace_numbers(re, text, |caps| {
        Some(format!(
            "{}分之{}",
            integer(get(caps, "b")),
            integer(get(caps, "a"))
        ))
    })
}

/// Every number still left: ordinals after 第 (`第2` → 第二, never 两),
/// counts (`2个` → 两个, `2000人` → 两千人, `1,299` → 一千二百九十九),
/// decimals (`2.35亿` → 二点三五亿) and numbers inside Latin words (`G20` →
/// G二十). Afterwards no ASCII digit is left.
pub(super) fn counts(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<di>第\s*)?(?P<num>{NUM})");
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let (di, num) = (get(caps, "di"), get(caps, "num"));
        if !di.is_empty() {
            return format!("第{}", number(num, false));
        }
        // A digit right before keeps a leading 2 from becoming 两 (`1,2个`).
        let glued = text
            .get(..start(caps))
            .and_then(|s| s.chars().next_back())
            .is_some_and(|c| c.is_ascii_alphanumeric());
        if glued {
            return number(num, false);
        }
        count_before(num, rest(text, end(caps)))
    })
}

/// The last rule: a dash or tilde still standing between two figures once
/// every number is words (`八点三十分—十七点` from a time and a time the
/// rules read apart, `三-五天` as written) is the 至 of a range, so no dash
/// is left for the voice to guess at.
pub(super) fn dashes(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?:\s*{DASH})+\s*");
    let mut out = String::new();
    let mut last = 0;
    for m in re.find_iter(text) {
        if ends_figure(&text[..m.start()]) && starts_figure(&text[m.end()..]) {
            out.push_str(&text[last..m.start()]);
            out.push('至');
            last = m.end();
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
    fn ranges_and_scores() {
        assert_eq!(ranges("3-5名"), "三至五名");
        assert_eq!(ranges("10~20公里"), "十至二十公里");
        assert_eq!(ranges("1-2个"), "一至两个");
        assert_eq!(ranges("以5-3获胜"), "以五比三获胜");
        assert_eq!(ranges("1.5-2.5"), "一点五至二点五");
        assert_eq!(ranges("3～5天"), "三至五天");
        assert_eq!(ranges("2-3个"), "两至三个");
        assert_eq!(ranges("2到3名"), "两到三名");
        assert_eq!(ranges("2-3月"), "二至三月");
        assert_eq!(ranges("第2-3名"), "第二至三名");
        assert_eq!(ranges("8点-10点"), "八点至十点");
        assert_eq!(ranges("3万元—5万元"), "三万元至五万元");
        assert_eq!(ranges("5~3"), "五至三");
        assert_eq!(ranges("1/3-1/2"), "1/3-1/2");
    }

    #[test]
    fn dashed_names_are_codes() {
        assert_eq!(dashed_codes("1-2-3"), "一杠二杠三");
        assert_eq!(dashed_codes("GB 2760-2014"), "GB 二七六零杠二零一四");
        assert_eq!(dashed_codes("GB/T 19001-2016"), "GB/T 一九零零一杠二零一六");
        assert_eq!(dashed_codes("NBA 3-2"), "NBA 3-2");
        assert_eq!(dashed_codes("3-5"), "3-5");
    }

    #[test]
    fn dashes_left_between_figures_join_them() {
        assert_eq!(dashes("八点三十分—十七点"), "八点三十分至十七点");
        assert_eq!(dashes("三 - 五天"), "三至五天");
        assert_eq!(
            dashes("二〇二二年一月一日——二〇二二年十二月"),
            "二〇二二年一月一日至二〇二二年十二月"
        );
        assert_eq!(dashes("一--三"), "一至三");
        assert_eq!(dashes("百分之十～百分之二十"), "百分之十至百分之二十");
        assert_eq!(dashes("五摄氏度~零下三摄氏度"), "五摄氏度至零下三摄氏度");
        assert_eq!(dashes("北京-三亚"), "北京-三亚");
        assert_eq!(dashes("目标——三个"), "目标——三个");
        assert_eq!(dashes("COVID-十九"), "COVID-十九");
        assert!(matches!(dashes("没有"), Cow::Borrowed(_)));
    }

    #[test]
    fn what_counts() {
        for after in ["个", "万人", "公里", "毫克", "平方米", "美元", " 项"] {
            assert!(counted(after), "{after}");
        }
        for after in ["月", "号", "年级", "次方", "平安", "英国", "两", ""] {
            assert!(!counted(after), "{after}");
        }
    }

    #[test]
    fn number_signs_are_ordinals() {
        assert_eq!(number_signs("排名No.1的企业"), "排名第一的企业");
        assert_eq!(number_signs("No. 7"), "第七");
        assert_eq!(number_signs("Nov. 7"), "Nov. 7");
    }

    #[test]
    fn fractions_read_denominator_first() {
        assert_eq!(fractions("1/3"), "三分之一");
        assert_eq!(fractions("3/100的人"), "一百分之三的人");
    }

    #[test]
    fn counts_ordinals_and_liang() {
        let cases = [
            ("第3次", "第三次"),
            ("第2名", "第二名"),
            ("第2000名", "第二千名"),
            ("2个", "两个"),
            ("2万", "两万"),
            ("2月", "二月"),
            ("2号", "二号"),
            ("12个", "十二个"),
            ("2000人", "两千人"),
            ("1,299", "一千二百九十九"),
            ("2.35亿", "二点三五亿"),
            ("10.5万", "十点五万"),
            ("G20峰会", "G二十峰会"),
            ("A2个", "A二个"),
            (
                "99999999999999999999",
                "九九九九九九九九九九九九九九九九九九九九",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(counts(text), want, "{text}");
        }
    }
}
