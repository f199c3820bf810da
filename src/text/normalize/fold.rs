//! text: speakable text — the first step: full-width digits and signs
//! (`２０２２`, `３５％`) become their ASCII forms so one set of number rules
//! reads them all.

use std::borrow::Cow;

/// Folds full-width digits and `％`, and `．` and the ideographic `：`
/// between digits, to ASCII; everything else is left as it is.
pub(super) fn fold_width(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_full_width_digit) {
        return Cow::Borrowed(text);
    }
    let chars: Vec<char> = text.chars().collect();
    let digit_at = |i: usize| chars.get(i).copied().is_some_and(is_any_digit);
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        let between = i > 0 && digit_at(i - 1) && digit_at(i + 1);
        out.push(match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '％' => '%',
            '．' if between => '.',
            '：' if between => ':',
            _ => c,
        });
    }
    Cow::Owned(out)
}

fn is_full_width_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

fn is_any_digit(c: char) -> bool {
    c.is_ascii_digit() || is_full_width_digit(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_full_width_numbers_only() {
        assert_eq!(fold_width("２０２２年"), "2022年");
        assert_eq!(fold_width("３５％"), "35%");
        assert_eq!(fold_width("３．５"), "3.5");
        assert_eq!(fold_width("１０：３０"), "10:30");
        assert_eq!(fold_width("时间：１０点"), "时间：10点");
        assert!(matches!(fold_width("没有数字：好"), Cow::Borrowed(_)));
    }
}
