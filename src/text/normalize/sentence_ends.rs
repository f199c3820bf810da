//! text: speakable text — sentence ends that survive the rules. Sentences
//! are spoken one by one, so the rewritten text must split where the
//! original did, no more and no less: `We launched 5G. Then…` must not
//! become `five G. Then…`, which reads as an initial (`J. K. Rowling`) and
//! runs on, and `No. 7` in Chinese text must not become `No. 七`, where a
//! Chinese character after `. ` starts a sentence that a digit did not.

use super::super::chars::{is_cjk, is_closer};
use crate::text::sentences;

/// Byte offsets inside `text` where one sentence ends and the next begins.
fn cuts(text: &str) -> Vec<usize> {
    let mut at = 0;
    let mut out = Vec::new();
    for sentence in sentences(text) {
        at += sentence.len();
        out.push(at);
    }
    out.pop();
    out
}

/// Puts back the ends the original sentences had. `parts` are the
/// rewritten sentences, one for each original sentence, and `rules` what
/// rewrote them. Where the joined parts miss an end or have one too many,
/// the part is mended (see [`restore_end`], [`drop_marks`]) and rewritten
/// again, since mending can make new work for the rules (`J K. . October`
/// → `J K.  October` → `J K  October`); a few rounds settle it.
pub(super) fn align(parts: &mut [String], lang: &str, rules: &dyn Fn(&str) -> String) {
    for _ in 0..4 {
        let joined = parts.concat();
        let found = cuts(&joined);
        let mut ends = Vec::with_capacity(parts.len());
        let mut at = 0;
        for part in parts.iter() {
            at += part.len();
            ends.push(at);
        }
        // The splitter gives whitespace to the sentence before it, so a
        // cut on either side of some whitespace is the same cut. Both lists
        // are sorted: look at the neighbours only.
        let same = |a: usize, b: usize| joined[a.min(b)..a.max(b)].trim().is_empty();
        let near = |list: &[usize], at: usize| {
            let i = list.partition_point(|&x| x < at);
            [i.checked_sub(1), Some(i)]
                .into_iter()
                .flatten()
                .filter_map(|i| list.get(i).copied())
                .any(|x| same(x, at))
        };
        let mut mended = vec![false; parts.len()];
        for (k, &end) in ends.iter().enumerate().take(parts.len().saturating_sub(1)) {
            if !near(&found, end) {
                if let Some(fixed) = restore_end(lang, &parts[k]) {
                    parts[k] = fixed;
                    mended[k] = true;
                }
            }
        }
        for &cut in &found {
            let k = ends.partition_point(|&end| end <= cut);
            if near(&ends, cut) || k >= parts.len() || mended[k] {
                continue;
            }
            let start = if k == 0 { 0 } else { ends[k - 1] };
            if let Some(fixed) = drop_marks(&parts[k], cut - start) {
                parts[k] = fixed;
                mended[k] = true;
            }
        }
        if !mended.contains(&true) {
            return;
        }
        for (part, _) in parts.iter_mut().zip(&mended).filter(|(_, m)| **m) {
            *part = rules(part);
        }
    }
}

/// Makes `sentence` end visibly again when the rules hid its end from the
/// splitter. In Chinese the final `.` becomes `。`; in English the letter
/// that now looks like an initial joins the word before it with a hyphen
/// (`five G.` → `five-G.`), which the voice reads the same.
fn restore_end(lang: &str, sentence: &str) -> Option<String> {
    let trimmed = sentence.trim_end_matches(|c: char| c.is_whitespace() || c == '.');
    let dot = trimmed.len() + sentence[trimmed.len()..].find('.')?;
    let mut fixed = sentence.to_owned();
    if lang == "zh" {
        fixed.replace_range(dot..dot + 1, "。");
        return Some(fixed);
    }
    let mut before = trimmed.chars().rev();
    match (before.next(), before.next()) {
        (Some(letter), Some(' ')) if letter.is_uppercase() => {
            let space = trimmed.len() - letter.len_utf8() - 1;
            fixed.replace_range(space..space + 1, "-");
            Some(fixed)
        }
        _ => None,
    }
}

/// Removes the ASCII marks that now end a sentence at byte `cut` of
/// `sentence` where nothing ended before (`No. 七` → `No 七`, `1..2` →
/// `一二`): they ended nothing in the original either. `!` and `?` right
/// after Chinese and before Chinese (`结束!5人` → `结束!五人`), and `…`,
/// keep the end: in Chinese that is where the sentence ends.
fn drop_marks(sentence: &str, cut: usize) -> Option<String> {
    let head = sentence
        .get(..cut)?
        .trim_end_matches(|c: char| c.is_whitespace() || is_closer(c));
    let marks = head.trim_end_matches(['.', '!', '?']);
    if marks.len() == head.len() || head.ends_with("...") {
        return None;
    }
    let exclaims = head[marks.len()..].contains(['!', '?']);
    let after_cjk = marks.chars().next_back().is_some_and(is_cjk);
    let before_cjk = sentence[head.len()..]
        .trim_start_matches(is_closer)
        .starts_with(|c: char| is_cjk(c) && !c.is_whitespace());
    if exclaims && after_cjk && before_cjk {
        return None;
    }
    // Between two line breaks the marks hold the lines apart: gone, they
    // would leave a blank line, which ends a sentence too.
    let spaced = marks.ends_with(char::is_whitespace)
        && sentence[head.len()..].starts_with(char::is_whitespace);
    let mut fixed = sentence.to_owned();
    fixed.replace_range(marks.len()..head.len(), if spaced { "," } else { "" });
    Some(fixed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(s: &str) -> String {
        s.to_owned()
    }

    fn aligned(lang: &str, parts: &[&str]) -> String {
        let mut parts: Vec<String> = parts.iter().map(|p| p.to_string()).collect();
        align(&mut parts, lang, &same);
        parts.concat()
    }

    #[test]
    fn hidden_ends_are_restored() {
        assert_eq!(
            aligned("en", &["We launched five G. ", "Then it rained."]),
            "We launched five-G. Then it rained."
        );
        assert_eq!(
            aligned("zh", &["支持五G. ", "The end."]),
            "支持五G。 The end."
        );
        assert_eq!(aligned("zh", &["零Dr. ", " 零"]), "零Dr。  零");
        assert_eq!(
            aligned("en", &["It rained. ", "Then it stopped."]),
            "It rained. Then it stopped."
        );
    }

    #[test]
    fn new_ends_are_removed() {
        assert_eq!(aligned("zh", &["No. 七号"]), "No 七号");
        assert_eq!(aligned("zh", &["Really?! 五个"]), "Really 五个");
        assert_eq!(aligned("zh", &["一..二"]), "一二");
        assert_eq!(aligned("zh", &["一\n.\n零"]), "一\n,\n零");
        assert_eq!(aligned("zh", &["零! a"]), "零 a");
        assert_eq!(aligned("zh", &["零!\u{3000}a"]), "零\u{3000}a");
        assert_eq!(aligned("zh", &["结束!五人"]), "结束!五人");
        assert_eq!(aligned("zh", &["一句。"]), "一句。");
        assert_eq!(aligned("en", &["Wait... what? "]), "Wait... what? ");
    }
}
