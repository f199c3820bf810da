//! text: speakable text — sums of money in both languages: `¥1,299` →
//! 一千二百九十九元, `$1.4 million` → one point four million dollars, `£20`
//! → twenty pounds, `€3.50` → three euros fifty.

use std::borrow::Cow;

use super::en_numbers;
use super::pattern::{get, pattern, Number, B, NUM};
use super::zh_quantities::count_before;

/// Chinese: the currency sign becomes the word after the amount; an amount
/// already followed by 元 keeps one 元.
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<cur>US\$|HK\$|RMB|CNY|USD|[¥￥$€£])\s*(?P<num>{NUM})(?P<scale>千万|百万|万|亿)?(?P<yuan>元)?"
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let unit = match get(caps, "cur") {
            "US$" | "USD" | "$" => "美元",
            "HK$" => "港元",
            "€" => "欧元",
            "£" => "英镑",
            _ => "元",
        };
        let scale = get(caps, "scale");
        let amount = count_before(get(caps, "num"), scale.chars().next().or(Some('元')));
        format!("{amount}{scale}{unit}")
    })
}

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
/// `$2bn` → two billion dollars.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?P<cur>US\$|C\$|A\$|HK\$|NZ\$|\$|£|€|¥|₹|₩)\s?(?P<num>{NUM})(?:(?P<word>\s(?:thousand|million|billion|trillion))|(?P<short>bn|mn|[kKmMbB]))?{B}"
    );
    re.replace_all(text, |caps: &regex::Captures<'_>| {
        let cur = currency(get(caps, "cur"));
        let written = get(caps, "num");
        let scale = match (get(caps, "word").trim(), get(caps, "short")) {
            ("", "") => "",
            ("", "k" | "K") => "thousand",
            ("", "m" | "M" | "mn") => "million",
            ("", _) => "billion",
            (word, _) => word,
        };
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
    })
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
        ];
        for (text, want) in cases {
            assert_eq!(en(text), want, "{text}");
        }
    }
}
