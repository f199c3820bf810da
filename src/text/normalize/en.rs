//! text: speakable English — the rules in the order they run. Phone
//! numbers, dates and times first (they contain other shapes), then money,
//! percentages, units, rates and ranges, then the numbers left (and a dash
//! still between two of them becomes `to`), and abbreviations last: they are the only rules not keyed on digits, so nothing after them
//! can make new work for them, and a second pass changes nothing.

use std::borrow::Cow;

use super::super::chars::is_terminator;
use super::en_dates::DateOrder;
use super::{codes, en_abbreviations, en_dates, en_quantities, fold, money, percent, rates, units};

/// A rule: text in, text out, changed only where it applies; some read
/// dates, and need to know which way round the article writes them.
enum Rule {
    Text(for<'a> fn(&'a str) -> Cow<'a, str>),
    Dates(for<'a> fn(&'a str, DateOrder) -> Cow<'a, str>),
}

const RULES: &[Rule] = &[
    Rule::Text(fold::fold_width),
    Rule::Text(codes::en),
    Rule::Text(en_dates::iso_dates),
    Rule::Text(en_dates::clock_times),
    Rule::Text(en_dates::month_dates),
    Rule::Dates(en_dates::slash_dates),
    Rule::Text(money::en),
    Rule::Text(percent::en),
    Rule::Text(units::en),
    Rule::Text(rates::en),
    Rule::Text(en_dates::decades),
    Rule::Text(en_quantities::ranges),
    Rule::Text(en_quantities::ordinals),
    Rule::Text(en_quantities::fractions),
    Rule::Text(en_dates::years),
    Rule::Text(en_quantities::signs),
    Rule::Text(en_quantities::split_letters_digits),
    Rule::Text(en_quantities::cardinals),
    Rule::Text(en_quantities::dashes),
    Rule::Text(en_abbreviations::expand),
    Rule::Text(units::en_symbols),
];

/// One sentence of English, as a newsreader says it, with all-number dates
/// read in `order`. A sentence that began with a number, a symbol or a
/// capital begins with a capital once it is words (`$5 was enough.` →
/// `Five dollars was enough.`, `No. 7` → `Number seven`), so it still reads
/// as a sentence start.
pub(super) fn sentence(text: &str, order: DateOrder) -> String {
    let mut out = text.to_owned();
    for rule in RULES {
        let changed = match rule {
            Rule::Text(rule) => rule(&out),
            Rule::Dates(rule) => rule(&out, order),
        };
        if let Cow::Owned(changed) = changed {
            out = changed;
        }
    }
    let first = |s: &str| {
        s.char_indices()
            .find(|(_, c)| c.is_alphanumeric() || is_sign(*c))
    };
    let began_lowercase = first(text).is_some_and(|(_, c)| c.is_lowercase());
    // After `…` the word is no sentence start: a capital would make one.
    let marks_before = first(text).is_some_and(|(i, _)| text[..i].contains(is_terminator));
    if !began_lowercase && !marks_before {
        if let Some((i, c)) = first(&out).filter(|(_, c)| c.is_lowercase()) {
            let upper: String = c.to_uppercase().collect();
            out.replace_range(i..i + c.len_utf8(), &upper);
        }
    }
    out
}

/// Signs that rules turn into words.
fn is_sign(c: char) -> bool {
    matches!(
        c,
        '$' | '£' | '€' | '¥' | '₹' | '₩' | '#' | '+' | '−' | '-' | '%' | '℃' | '℉'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_sentences() {
        let cases = [
            (
                "Capt. Maria Gomez, who has piloted ferries in the harbour since 2009, said so.",
                "Captain Maria Gomez, who has piloted ferries in the harbour since two thousand nine, said so.",
            ),
            (
                "The boat will run every 20 minutes.",
                "The boat will run every twenty minutes.",
            ),
            (
                "$5 was enough.",
                "Five dollars was enough.",
            ),
            (
                "“$5 was enough,” he said.",
                "“Five dollars was enough,” he said.",
            ),
            (
                "5 people came.",
                "Five people came.",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(sentence(text, DateOrder::MonthFirst), want, "{text}");
        }
    }
}
