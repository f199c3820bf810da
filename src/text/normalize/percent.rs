//! text: speakable text — percentages and per mille in both languages:
//! `35%` → 百分之三十五 / thirty-five percent, `3.5‰` → 千分之三点五 /
//! three point five per mille, `10-20%` → 百分之十至百分之二十 / ten to
//! twenty percent.

use std::borrow::Cow;

use super::pattern::{en_to, get, pattern, replace_numbers, start, B, DASH, NUM};
use super::{en_numbers, zh_numbers};

/// Chinese: the share comes after 百分之/千分之, and a range repeats it.
pub(super) fn zh(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<a>{NUM})\s*[%％‰]?\s*(?P<sep>{DASH}|至|到)\s*)?(?P<neg>[-−])?(?P<num>{NUM})\s*(?P<sign>[%％‰])"
    );
    replace_numbers(re, text, |caps| {
        let of = match get(caps, "sign") {
            "‰" => "千分之",
            _ => "百分之",
        };
        let share = |n: &str| format!("{of}{}", zh_numbers::number(n, false));
        let neg = if get(caps, "neg").is_empty() {
            ""
        } else {
            "负"
        };
        Some(match get(caps, "a") {
            "" => format!("{neg}{}", share(get(caps, "num"))),
            a => {
                let sep = if get(caps, "sep") == "到" {
                    "到"
                } else {
                    "至"
                };
                format!("{}{sep}{neg}{}", share(a), share(get(caps, "num")))
            }
        })
    })
}

/// English: `35%` → thirty-five percent, `10-20%` → ten to twenty percent,
/// `-5%` → minus five percent.
pub(super) fn en(text: &str) -> Cow<'_, str> {
    let re = pattern!(
        r"(?:(?P<a>{NUM})\s?%?\s?{DASH}\s?)?(?P<neg>(?:^|\s)[-−])?(?P<num>{NUM})\s?(?P<sign>%|‰|(?:per ?cent|percent){B})"
    );
    replace_numbers(re, text, |caps| {
        let word = match get(caps, "sign") {
            "‰" => "per mille",
            _ => "percent",
        };
        let neg = match get(caps, "neg") {
            "" => String::new(),
            n => format!("{}minus ", n.trim_end_matches(['-', '−'])),
        };
        let num = en_numbers::number(get(caps, "num"));
        Some(match get(caps, "a") {
            "" => format!("{neg}{num} {word}"),
            a => format!(
                "{} {} {neg}{num} {word}",
                en_numbers::number(a),
                en_to(text, start(caps))
            ),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_shares() {
        assert_eq!(zh("达到35%"), "达到百分之三十五");
        assert_eq!(zh("3.5‰"), "千分之三点五");
        assert_eq!(zh("100%"), "百分之一百");
        assert_eq!(zh("10%-20%"), "百分之十至百分之二十");
        assert_eq!(zh("10-20%"), "百分之十至百分之二十");
        assert_eq!(zh("10%～20%"), "百分之十至百分之二十");
        assert_eq!(zh("10%—20%"), "百分之十至百分之二十");
        assert_eq!(zh("下降-5%"), "下降负百分之五");
        assert_eq!(zh("３５％"), "３５％");
    }

    #[test]
    fn english_shares() {
        assert_eq!(en("up 35%"), "up thirty-five percent");
        assert_eq!(en("3.5‰"), "three point five per mille");
        assert_eq!(en("10-20%"), "ten to twenty percent");
        assert_eq!(en("10%–20%"), "ten to twenty percent");
        assert_eq!(en("fell -5%"), "fell minus five percent");
        assert_eq!(en("about 90 percent"), "about ninety percent");
        assert_eq!(en("12 per cent"), "twelve percent");
    }
}
