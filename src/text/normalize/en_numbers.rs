//! text: speakable English — how numbers are read aloud: cardinals,
//! ordinals, decimals, years, decades and digit strings. The rules that find
//! numbers in text call these.

use super::pattern::Number;

pub(super) const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
pub(super) const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];
pub(super) const SCALES: [&str; 6] = [
    "",
    "thousand",
    "million",
    "billion",
    "trillion",
    "quadrillion",
];

/// Longest whole number read with scale words (under 10^16, nine hundred
/// ninety-nine quadrillion …); longer ones are read digit by digit.
const MAX_GROUPED_DIGITS: usize = 16;

/// Each digit alone: `0123` → zero one two three.
pub(super) fn digits(s: &str) -> String {
    let words: Vec<&str> = s
        .chars()
        .filter_map(|c| c.to_digit(10))
        .map(|d| ONES[d as usize])
        .collect();
    words.join(" ")
}

/// A whole number given as ASCII digits: `1299` → one thousand two hundred
/// ninety-nine. Leading zeros (`007`) and numbers of more than 16 digits are
/// read digit by digit.
pub(super) fn cardinal(int: &str) -> String {
    if int.len() > MAX_GROUPED_DIGITS || (int.len() > 1 && int.starts_with('0')) {
        return digits(int);
    }
    match int.parse::<u64>() {
        Ok(n) => cardinal_value(n),
        Err(_) => digits(int),
    }
}

fn cardinal_value(mut n: u64) -> String {
    if n == 0 {
        return ONES[0].to_owned();
    }
    let mut groups = Vec::new();
    for scale in SCALES {
        let group = n % 1000;
        if group > 0 {
            let mut words = below_thousand(group);
            if !scale.is_empty() {
                words.push(' ');
                words.push_str(scale);
            }
            groups.push(words);
        }
        n /= 1000;
        if n == 0 {
            break;
        }
    }
    groups.reverse();
    groups.join(" ")
}

/// 1 to 999.
fn below_thousand(n: u64) -> String {
    let (hundreds, rest) = (n / 100, n % 100);
    match (hundreds, rest) {
        (0, r) => below_hundred(r),
        (h, 0) => format!("{} hundred", ONES[h as usize % 10]),
        (h, r) => format!("{} hundred {}", ONES[h as usize % 10], below_hundred(r)),
    }
}

/// 0 to 99, hyphenated: twenty-one.
fn below_hundred(n: u64) -> String {
    let n = (n % 100) as usize;
    match (n / 10, n % 10) {
        (0 | 1, _) => ONES[n].to_owned(),
        (t, 0) => TENS[t].to_owned(),
        (t, o) => format!("{}-{}", TENS[t], ONES[o]),
    }
}

/// `21` → twenty-first, `100` → one hundredth, `12` → twelfth.
pub(super) fn ordinal(int: &str) -> String {
    let words = cardinal(int);
    let cut = words.rfind([' ', '-']).map_or(0, |i| i + 1);
    let (head, last) = words.split_at(cut);
    format!("{head}{}", ordinal_word(last))
}

fn ordinal_word(word: &str) -> String {
    let irregular = match word {
        "one" => "first",
        "two" => "second",
        "three" => "third",
        "five" => "fifth",
        "eight" => "eighth",
        "nine" => "ninth",
        "twelve" => "twelfth",
        _ => "",
    };
    if !irregular.is_empty() {
        irregular.to_owned()
    } else if let Some(stem) = word.strip_suffix('y') {
        format!("{stem}ieth")
    } else {
        format!("{word}th")
    }
}

/// `3.14` → three point one four.
pub(super) fn decimal(int: &str, frac: &str) -> String {
    format!("{} point {}", cardinal(int), digits(frac))
}

/// A number as written (`1,299`, `3.5`).
pub(super) fn number(written: &str) -> String {
    let n = Number::parse(written);
    match &n.frac {
        Some(frac) => decimal(&n.int, frac),
        None => cardinal(&n.int),
    }
}

/// A four-digit year as it is said: 1999 → nineteen ninety-nine, 2009 →
/// two thousand nine, 2026 → twenty twenty-six, 1905 → nineteen oh five,
/// 1900 → nineteen hundred. Other lengths are read as cardinals.
pub(super) fn year(int: &str) -> String {
    let Ok(n) = int.parse::<u64>() else {
        return cardinal(int);
    };
    if int.len() != 4 || int.starts_with('0') {
        return cardinal(int);
    }
    let (hi, lo) = (n / 100, n % 100);
    match lo {
        _ if (2000..=2009).contains(&n) || (hi % 10 == 0 && lo == 0) => cardinal_value(n),
        0 => format!("{} hundred", below_hundred(hi)),
        1..=9 => format!("{} oh {}", below_hundred(hi), ONES[lo as usize]),
        _ => format!("{} {}", below_hundred(hi), below_hundred(lo)),
    }
}

/// A decade: `1990` → nineteen nineties, `80` → eighties.
pub(super) fn decade(int: &str) -> String {
    let words = if int.len() == 4 {
        year(int)
    } else {
        cardinal(int)
    };
    match words.strip_suffix('y') {
        Some(stem) => format!("{stem}ies"),
        None => format!("{words}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cardinals() {
        let cases = [
            ("0", "zero"),
            ("7", "seven"),
            ("13", "thirteen"),
            ("40", "forty"),
            ("21", "twenty-one"),
            ("100", "one hundred"),
            ("101", "one hundred one"),
            ("1299", "one thousand two hundred ninety-nine"),
            ("1000000", "one million"),
            ("1400000", "one million four hundred thousand"),
            ("2000000001", "two billion one"),
            (
                "9999999999999999",
                "nine quadrillion nine hundred ninety-nine trillion nine hundred ninety-nine \
                 billion nine hundred ninety-nine million nine hundred ninety-nine thousand \
                 nine hundred ninety-nine",
            ),
            ("007", "zero zero seven"),
            ("99999999999999999999", &["nine"; 20].join(" ")),
        ];
        for (n, want) in cases {
            assert_eq!(cardinal(n), want, "{n}");
        }
    }

    #[test]
    fn ordinals() {
        let cases = [
            ("1", "first"),
            ("2", "second"),
            ("3", "third"),
            ("5", "fifth"),
            ("8", "eighth"),
            ("9", "ninth"),
            ("12", "twelfth"),
            ("20", "twentieth"),
            ("21", "twenty-first"),
            ("100", "one hundredth"),
            ("103", "one hundred third"),
        ];
        for (n, want) in cases {
            assert_eq!(ordinal(n), want, "{n}");
        }
    }

    #[test]
    fn years_and_decades() {
        let cases = [
            ("1999", "nineteen ninety-nine"),
            ("2026", "twenty twenty-six"),
            ("2009", "two thousand nine"),
            ("2000", "two thousand"),
            ("2010", "twenty ten"),
            ("1905", "nineteen oh five"),
            ("1900", "nineteen hundred"),
            ("1000", "one thousand"),
            ("2100", "twenty-one hundred"),
        ];
        for (n, want) in cases {
            assert_eq!(year(n), want, "{n}");
        }
        assert_eq!(decade("1990"), "nineteen nineties");
        assert_eq!(decade("80"), "eighties");
        assert_eq!(decade("2000"), "two thousands");
    }

    #[test]
    fn decimals() {
        assert_eq!(decimal("3", "14"), "three point one four");
        assert_eq!(number("0.5"), "zero point five");
        assert_eq!(number("1,299"), "one thousand two hundred ninety-nine");
    }
}
