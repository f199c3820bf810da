//! text: speakable text — sums of money in both languages: `¥1,299` →
//! 一千二百九十九元, `$1.4 million` → one point four million dollars, `£20`
//! → twenty pounds, `€3.50` → three euros fifty.

use std::borrow::Cow;

use super::en_numbers;
use super::pattern::{en_to, get, pattern, start, Number, B, DASH, NUM};
use super::units;
use super::zh_quantities::count_before;

/// Chinese: the currency sign becomes the word after the amount; an amount
/// already followed by 元 keeps one 元, and a range names the currency once
/// (`¥100-200` → 一百至二百元, `$2-3万` → 两至三万美元).
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<cur>{CUR_ZH})\s*(?:(?P<a>{NUM})(?P<ascale>千万|百万|万|亿)?\s*(?P<sep>{DASH}|至|到)\s*(?:{CUR_ZH})?\s*)?(?P<num>{NUM})(?P<scale>千万|百万|万|亿)?(?P<yuan>元)?"
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let unit = match get(caps, "cur") {
            "US$" | "USD" | "$" => "美元",
            "HK$" => "港元",
            "€" => "欧元",
            "£" => "英镑",
            _ => "元",
        };
        // What a count stands before: its scale, or the currency's name.
        let before = |scale: &str| if scale.is_empty() { "元" } else { scale }.to_owned();
        let scale = get(caps, "scale");
        let amount = count_before(get(caps, "num"), &before(scale));
        let range = match get(caps, "a") {
            "" => String::new(),
            a => {
                let ascale = get(caps, "ascale");
                let after = if ascale.is_empty() { scale } else { ascale };
                let sep = if get(caps, "sep") == "到" {
                    "到"
                } else {
                    "至"
                };
                format!("{}{ascale}{sep}", count_before(a, &before(after)))
            }
        };
        format!("{range}{amount}{scale}{unit}")
    })
}

/// Currency signs in Chinese copy, longest first.
const CUR_ZH: &str = r"US\$|HK\$|RMB|CNY|USD|[¥￥$€£]";

/// A currency's names: singular, plural, the hundredth part (singular and
/// plural), or no hundredth part to speak of.
struct Currency {
    one: &'static str,
    many: &'static str,
    cents: Option<(&'static str, &'static str)>,
}

fn currency(sign: &str) -> Currency {
    let (one, many, cents) = match sign {
        "US$" => ("U S dollar", "U S dollars", Some(("cent", "cents"))),
        "C$" => (
            "Canadian dollar",
            "Canadian dollars",
            Some(("cent", "cents")),
        ),
        "A$" => (
            "Australian dollar",
            "Australian dollars",
            Some(("cent", "cents")),
        ),
        "HK$" => (
            "Hong Kong dollar",
            "Hong Kong dollars",
            Some(("cent", "cents")),
        ),
        "NZ$" => (
            "New Zealand dollar",
            "New Zealand dollars",
            Some(("cent", "cents")),
        ),
        "$" => ("dollar", "dollars", Some(("cent", "cents"))),
        "£" => ("pound", "pounds", Some(("penny", "pence"))),
        "€" => ("euro", "euros", Some(("cent", "cents"))),
        "₹" => ("rupee", "rupees", None),
        "₩" => ("won", "won", None),
        // In this newsroom's copy ¥ is the Chinese currency.
        _ => ("yuan", "yuan", None),
    };
    Currency { one, many, cents }
}

/// English: `$1.4 million` → one point four million dollars, `$5` → five
/// dollars, `€3.50` → three euros fifty, `$0.99` → ninety-nine cents,
/// `$2bn` → two billion dollars, `$5-10` → five to ten dollars, `$5/kg` →
/// five dollars per kilogram.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<cur>{CUR_EN})\s?(?:(?P<a>{NUM})(?P<ashort>bn|mn|[kKmMbB])?\s?{DASH}\s?(?:{CUR_EN})?\s?)?(?P<num>{NUM})(?:(?P<word>\s(?:thousand|million|billion|trillion))|(?P<short>bn|mn|[kKmMbB]))?{B}(?:/(?P<per>{}|{PER_WORDS}){B})?",
        *units::PER
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let cur = currency(get(caps, "cur"));
        let per = match get(caps, "per") {
            "" => String::new(),
            p => format!(" per {}", per_word(p)),
        };
        let scale = scale(get(caps, "word"), get(caps, "short"));
        let num = get(caps, "num");
        let said = match get(caps, "a") {
            "" => amount(&cur, num, scale),
            a => {
                let to = en_to(text, start(caps));
                let ascale = scale_short(get(caps, "ashort"));
                let plain = |n: &str| Number::parse(n).frac.is_none();
                if !ascale.is_empty() || !scale.is_empty() || (plain(a) && plain(num)) {
                    let a = match ascale {
                        "" => en_numbers::number(a),
                        s => format!("{} {s}", en_numbers::number(a)),
                    };
                    let many = amount(&cur, "2", scale);
                    let name = many.strip_prefix("two ").unwrap_or(&many);
                    format!("{a} {to} {} {name}", en_numbers::number(num))
                } else {
                    format!("{} {to} {}", amount(&cur, a, ""), amount(&cur, num, ""))
                }
            }
        };
        format!("{said}{per}")
    })
}

/// Currency signs in English copy, longest first.
const CUR_EN: &str = r"US\$|C\$|A\$|HK\$|NZ\$|\$|£|€|¥|₹|₩";

/// Words a price can be per, after a slash (`$15/hour`, `£3/night`).
const PER_WORDS: &str = "hour|day|week|month|year|night|person|head|share|litre|liter|gallon|barrel|bbl|tonne|ton|unit|mo";

/// What `$15/hr` is per: a unit symbol's name, or the word as written.
fn per_word(written: &str) -> &str {
    match written {
        "bbl" => "barrel",
        "mo" => "month",
        w => units::per(w).map_or(w, |(_, en)| en),
    }
}

/// The scale word of `$1.4 million` or `$2bn`.
fn scale<'a>(word: &'a str, short: &str) -> &'a str {
    match word.trim() {
        "" => scale_short(short),
        word => word,
    }
}

fn scale_short(short: &str) -> &'static str {
    match short {
        "" => "",
        "k" | "K" => "thousand",
        "m" | "M" | "mn" => "million",
        _ => "billion",
    }
}

/// One amount of `cur`: `5` → five dollars, `0.99` → ninety-nine cents,
/// `1.4` with scale `million` → one point four million dollars.
fn amount(cur: &Currency, written: &str, scale: &str) -> String {
    if !scale.is_empty() {
        return format!("{} {scale} {}", en_numbers::number(written), cur.many);
    }
    let n = Number::parse(written);
    let name = |count: &Number, one: &'static str, many: &'static str| {
        if count.is(1) {
            one
        } else {
            many
        }
    };
    match (&n.frac, cur.cents) {
        (Some(frac), Some((cent, cents))) if frac.len() == 2 => {
            let c = Number::parse(frac.trim_start_matches('0'));
            let main = format!(
                "{} {}",
                en_numbers::cardinal(&n.int),
                name(&n, cur.one, cur.many)
            );
            match (n.whole_part_is_zero(), c.int.is_empty()) {
                (_, true) => main,
                (true, false) => {
                    format!("{} {}", en_numbers::cardinal(&c.int), name(&c, cent, cents))
                }
                (false, false) => format!("{main} {}", en_numbers::cardinal(&c.int)),
            }
        }
        (Some(_), _) => format!("{} {}", en_numbers::number(written), cur.many),
        (None, _) => format!(
            "{} {}",
            en_numbers::cardinal(&n.int),
            name(&n, cur.one, cur.many)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_money() {
        assert_eq!(zh("¥1,299"), "一千二百九十九元");
        assert_eq!(zh("￥100元"), "一百元");
        assert_eq!(zh("¥2"), "两元");
        assert_eq!(zh("$2万"), "两万美元");
        assert_eq!(zh("US$3.5亿"), "三点五亿美元");
        assert_eq!(zh("HK$20"), "二十港元");
        assert_eq!(zh("€5"), "五欧元");
        assert_eq!(zh("RMB100"), "一百元");
        assert_eq!(zh("¥100-200"), "一百至二百元");
        assert_eq!(zh("$2-3万"), "两至三万美元");
        assert_eq!(zh("¥2万-¥3万"), "两万至三万元");
    }

    #[test]
    fn english_money() {
        let cases = [
            ("$1.4 million", "one point four million dollars"),
            ("$1 million", "one million dollars"),
            ("$2bn", "two billion dollars"),
            ("$5m", "five million dollars"),
            ("$1", "one dollar"),
            ("$1,299", "one thousand two hundred ninety-nine dollars"),
            ("£20", "twenty pounds"),
            ("€3.50", "three euros fifty"),
            ("€3.00", "three euros"),
            ("$0.99", "ninety-nine cents"),
            ("$0.01", "one cent"),
            ("£0.50", "fifty pence"),
            ("$3.5", "three point five dollars"),
            ("¥100", "one hundred yuan"),
            ("US$5", "five U S dollars"),
            ("$5 in cash", "five dollars in cash"),
            ("$5-10", "five to ten dollars"),
            ("$5–$10", "five to ten dollars"),
            ("$1.5-2 million", "one point five to two million dollars"),
            ("$500k-1m", "five hundred thousand to one million dollars"),
            ("€3.50-€4.50", "three euros fifty to four euros fifty"),
            ("$5/kg", "five dollars per kilogram"),
            ("£15/hour", "fifteen pounds per hour"),
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
    }
}
