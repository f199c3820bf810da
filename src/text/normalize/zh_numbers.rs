//! text: speakable Chinese — how numbers are read aloud: whole numbers with
//! 万/亿 grouping and their zeros, decimals, and digit-by-digit readings for
//! years and phone numbers. The rules that find numbers in text call these.

use super::pattern::Number;

const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

/// Longest whole number read with units (up to 9999万亿, under 10^16);
/// longer ones are read digit by digit, as nobody says them any other way.
const MAX_GROUPED_DIGITS: usize = 16;

/// How digits sound when read one by one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Digits {
    /// `零一二…`: long numbers, decimal places.
    Plain,
    /// `〇一二…`: years (二〇二二年).
    Year,
    /// `零幺二…`: phone numbers and codes, where 一 would blur with 七.
    Code,
}

/// Reads each ASCII digit of `s` alone; other characters are dropped.
pub(super) fn digits(s: &str, style: Digits) -> String {
    s.chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| match (style, d) {
            (Digits::Year, 0) => "〇",
            (Digits::Code, 1) => "幺",
            (_, d) => DIGITS[d as usize],
        })
        .collect()
}

/// Reads a whole number given as ASCII digits: `1680` → 一千六百八十,
/// `10086` → 一万零八十六. Leading zeros (`007`) and numbers of more than 16
/// digits are read digit by digit.
pub(super) fn integer(int: &str) -> String {
    if int.len() > MAX_GROUPED_DIGITS || (int.len() > 1 && int.starts_with('0')) {
        return digits(int, Digits::Plain);
    }
    match int.parse::<u64>() {
        Ok(0) => DIGITS[0].to_owned(),
        Ok(n) => grouped(n, true),
        Err(_) => digits(int, Digits::Plain),
    }
}

/// Like [`integer`], but as a count says it: a leading 2 before 千, 万 or 亿
/// is 两 (2000 → 两千, 20000 → 两万, 22000 → 两万二千).
pub(super) fn count(int: &str) -> String {
    let read = integer(int);
    match read.strip_prefix('二') {
        Some(rest) if rest.starts_with(['千', '万', '亿']) => format!("两{rest}"),
        _ => read,
    }
}

/// Reads a decimal: `2.35` → 二点三五, `0.5` → 零点五.
pub(super) fn decimal(int: &str, frac: &str) -> String {
    format!("{}点{}", integer(int), digits(frac, Digits::Plain))
}

/// Reads a number as written (`1,299`, `3.5`), as a count when `as_count`.
pub(super) fn number(written: &str, as_count: bool) -> String {
    let n = Number::parse(written);
    match &n.frac {
        Some(frac) => decimal(&n.int, frac),
        None if as_count => count(&n.int),
        None => integer(&n.int),
    }
}

/// `n` (at least 1) with 亿 and 万 groups. A group that does not fill its
/// four places is preceded by 零 (一万零八十六, 一亿零一万). `leading` says
/// nothing comes before, so 10–19 start with 十 rather than 一十.
fn grouped(n: u64, leading: bool) -> String {
    const YI: u64 = 100_000_000;
    const WAN: u64 = 10_000;
    for (size, unit) in [(YI, "亿"), (WAN, "万")] {
        if n >= size {
            let mut out = grouped(n / size, leading);
            out.push_str(unit);
            let rest = n % size;
            if rest > 0 {
                if rest < size / 10 {
                    out.push_str(DIGITS[0]);
                }
                out.push_str(&grouped(rest, false));
            }
            return out;
        }
    }
    section(n, leading)
}

/// 1 to 9999: 一千零一十, 一百一十, 十五.
fn section(n: u64, leading: bool) -> String {
    const UNITS: [&str; 4] = ["千", "百", "十", ""];
    let places = [n / 1000 % 10, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let (mut started, mut zero) = (false, false);
    for (i, &d) in places.iter().enumerate() {
        if d == 0 {
            zero |= started;
            continue;
        }
        if zero {
            out.push_str(DIGITS[0]);
            zero = false;
        }
        // 十五, not 一十五, at the very start of a number.
        if !(i == 2 && d == 1 && !started && leading) {
            out.push_str(DIGITS[d as usize]);
        }
        out.push_str(UNITS[i]);
        started = true;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_group_by_wan_and_yi() {
        let cases = [
            ("0", "零"),
            ("1", "一"),
            ("10", "十"),
            ("15", "十五"),
            ("20", "二十"),
            ("110", "一百一十"),
            ("101", "一百零一"),
            ("1001", "一千零一"),
            ("1010", "一千零一十"),
            ("1100", "一千一百"),
            ("1680", "一千六百八十"),
            ("10000", "一万"),
            ("10086", "一万零八十六"),
            ("10800", "一万零八百"),
            ("100010", "十万零一十"),
            ("1000000", "一百万"),
            ("12345678", "一千二百三十四万五千六百七十八"),
            ("100000000", "一亿"),
            ("100010000", "一亿零一万"),
            ("110000000", "一亿一千万"),
            ("1000000000000", "一万亿"),
            (
                "9999999999999999",
                "九千九百九十九万九千九百九十九亿九千九百九十九万九千九百九十九",
            ),
        ];
        for (n, want) in cases {
            assert_eq!(integer(n), want, "{n}");
        }
    }

    #[test]
    fn too_long_or_zero_padded_is_digit_by_digit() {
        assert_eq!(integer("007"), "零零七");
        assert_eq!(integer("99999999999999999999"), "九".repeat(20));
        assert_eq!(
            integer("10000000000000000"),
            format!("一{}", "零".repeat(16))
        );
    }

    #[test]
    fn counts_say_liang() {
        assert_eq!(count("2000"), "两千");
        assert_eq!(count("20000"), "两万");
        assert_eq!(count("22000"), "两万二千");
        assert_eq!(count("200000000"), "两亿");
        assert_eq!(count("200"), "二百");
        assert_eq!(count("2"), "二");
        assert_eq!(count("12000"), "一万二千");
    }

    #[test]
    fn decimals_and_digit_styles() {
        assert_eq!(decimal("2", "35"), "二点三五");
        assert_eq!(decimal("10", "5"), "十点五");
        assert_eq!(decimal("0", "05"), "零点零五");
        assert_eq!(digits("2022", Digits::Year), "二〇二二");
        assert_eq!(digits("12368", Digits::Code), "幺二三六八");
        assert_eq!(digits("010", Digits::Code), "零幺零");
        assert_eq!(number("1,299", false), "一千二百九十九");
        assert_eq!(number("2,000", true), "两千");
    }
}
