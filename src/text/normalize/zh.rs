//! text: speakable Chinese — the rules in the order they run. Each rule
//! reads one kind of written number and leaves the rest; the order puts the
//! most specific shapes first (a phone number is not a range, a date is not
//! a decimal), and the last rule reads whatever digits remain, so no ASCII
//! digit survives; the very last joins what a dash still holds apart
//! between two figures with 至, so no dash is left between them either.
//! Latin words (AI, CEO, GDP, brand names) are left for the voice.

use super::{codes, fold, money, percent, rates, units, zh_dates, zh_quantities};

/// A rule: text in, text out, changed only where it applies.
type Rule = for<'a> fn(&'a str) -> std::borrow::Cow<'a, str>;

const RULES: &[Rule] = &[
    fold::fold_width,
    codes::zh,
    zh_dates::numeric_dates,
    zh_dates::year_ranges,
    zh_dates::years,
    zh_dates::clock_times,
    money::zh,
    percent::zh,
    rates::zh,
    units::zh,
    zh_quantities::number_signs,
    zh_quantities::dashed_codes,
    zh_quantities::ranges,
    zh_quantities::fractions,
    zh_quantities::counts,
    units::zh_symbols,
    zh_quantities::dashes,
];

/// One sentence of Chinese, as a newsreader says it.
pub(super) fn sentence(text: &str) -> String {
    let mut out = text.to_owned();
    for rule in RULES {
        if let std::borrow::Cow::Owned(changed) = rule(&out) {
            out = changed;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_sentences() {
        let cases = [
            (
                "审判机关为群众提供现场立案、网上立案、12368热线及跨域立案服务。",
                "审判机关为群众提供现场立案、网上立案、幺二三六八热线及跨域立案服务。",
            ),
            (
                "对行政行为纠错率达到35%。",
                "对行政行为纠错率达到百分之三十五。",
            ),
            (
                "司法救助46件、106万元,聘任人民调解员1680人。",
                "司法救助四十六件、一百零六万元,聘任人民调解员一千六百八十人。",
            ),
            (
                "“2017-2020平安内蒙古建设示范旗县”。",
                "“二〇一七至二〇二〇平安内蒙古建设示范旗县”。",
            ),
            (
                "2022年,受理案件数量同比下降16%。",
                "二〇二二年,受理案件数量同比下降百分之十六。",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sentence(text), want, "{text}");
        }
    }
}
