//! text: speakable Chinese — counts, ordinals, ranges and fractions, and the
//! last rule, which reads every number still left: `第3次` → 第三次, `2个` →
//! 两个, `3-5名` → 三至五名, `1/3` → 三分之一, `2.35亿` → 二点三五亿.

use std::borrow::Cow;

use super::pattern::{end, get, pattern, replace_numbers, start, Number, B, NUM};
use super::zh_numbers::{integer, number};

/// Measure words and units a count stands before: 2 before them is 两 (两个,
/// 两万, 两公里). Left out on purpose: 月 日 号 楼 级 期 层, where 2 names
/// something (二月, 二号, 二楼) rather than counts it.
const MEASURE_WORDS: &str = "个位名人次件项家条张台辆天年周种类场所座间栋本只头匹架艘批起份届块元角毛斤公千万亿百点岁倍米吨升克小分秒部首篇瓶杯碗双对套趟遍回";

/// Whether `c` is a measure word (see [`MEASURE_WORDS`]).
pub(super) fn is_measure_word(c: char) -> bool {
    MEASURE_WORDS.contains(c)
}

/// The first character of `text` after byte `at`, spaces skipped.
fn next_char(text: &str, at: usize) -> Option<char> {
    text.get(at..)?.trim_start().chars().next()
}

/// A number as a count before `next`: a lone 2 before a measure word is 两.
pub(super) fn count_before(written: &str, next: Option<char>) -> String {
    if Number::parse(written).is(2) && next.is_some_and(is_measure_word) {
        return "两".to_owned();
    }
    number(written, true)
}

/// Ranges and scores joined by a dash or tilde: `3-5名` → 三至五名, `10~20`
/// → 十至二十; a falling pair is a score: `5-3` → 五比三. Year spans and
/// phone numbers are read before this rule runs.
pub(super) fn ranges(text: &str) -> Cow<'_, str> {
    let re = pattern!(r"(?P<a>{NUM})\s*[-–—~～]\s*(?P<b>{NUM})");
    replace_numbers(re, text, |caps| {
        let (a, b) = (get(caps, "a"), get(caps, "b"));
        let value = |s: &str| s.replace(',', "").parse::<f64>().unwrap_or(f64::MAX);
        let next = next_char(text, end(caps));
        Some(if value(a) < value(b) {
            format!("{}至{}", number(a, false), count_before(b, next))
        } else {
            format!("{}比{}", number(a, false), number(b, false))
        })
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
        count_before(num, next_char(text, end(caps)))
    })
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
