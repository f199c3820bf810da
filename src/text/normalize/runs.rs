//! text: speakable text — where a text switches language: runs of Latin
//! words inside Chinese (or Japanese, Korean) text, and runs of CJK inside
//! Latin-script text, for a voice that switches language mid-sentence.

use std::ops::Range;

use super::super::chars::is_cjk;
use crate::text::Language;

/// Splits `text` into consecutive runs, each with its language: `base`
/// (normalized, `zh-CN` → `zh`) or the language of a foreign run. In
/// Chinese, Japanese or Korean text, runs of Latin words with at least one
/// word of two or more letters are `en` (`AI`, `iPhone 15 Pro`, `open
/// source`); a lone letter (`A股`, `5G`) stays with the base. In other text,
/// runs of Han are `zh`, with kana `ja`, with Hangul `ko`. Numbers and
/// punctuation at a run's edges stay with the base; the ranges cover the
/// whole text, in order, and empty text has none.
pub fn language_runs(text: &str, base: &str) -> Vec<(String, Range<usize>)> {
    let base = Language::new(base);
    let base = base.as_str();
    let foreign = if matches!(base, "zh" | "ja" | "ko") {
        latin_runs(text)
    } else {
        cjk_runs(text)
    };
    let mut runs: Vec<(String, Range<usize>)> = Vec::new();
    let mut push = |lang: &str, range: Range<usize>| {
        if range.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some((last, prev)) if last == lang && prev.end == range.start => prev.end = range.end,
            _ => runs.push((lang.to_owned(), range)),
        }
    };
    let mut at = 0;
    for (lang, range) in foreign {
        push(base, at..range.start);
        at = range.end;
        push(lang, range);
    }
    push(base, at..text.len());
    runs
}

/// Letters of the Latin script (ASCII and Latin-1 to Latin Extended-B).
pub(super) fn is_latin_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || (c.is_alphabetic() && ('\u{00C0}'..='\u{024F}').contains(&c))
}

fn is_latin_word_char(c: char) -> bool {
    is_latin_letter(c) || c.is_ascii_digit()
}

/// Marks that join a Latin word when letters or digits stand on both sides:
/// `e-mail`, `O'Neil`, `Node.js`, `AT&T`.
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '\'' | '’' | '.' | '&' | '_' | '+' | '·')
}

/// A Latin word: its byte range and how many letters it has.
struct Word {
    range: Range<usize>,
    letters: usize,
}

/// The Latin words of `text`, in order.
pub(super) fn latin_words(text: &str) -> Vec<Range<usize>> {
    words(text).into_iter().map(|w| w.range).collect()
}

fn words(text: &str) -> Vec<Word> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_latin_word_char(chars[i].1) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() {
            let c = chars[i].1;
            let joins = is_joiner(c)
                && i > start
                && chars
                    .get(i + 1)
                    .is_some_and(|&(_, n)| is_latin_word_char(n));
            if !(is_latin_word_char(c) || joins) {
                break;
            }
            i += 1;
        }
        let end = chars.get(i).map_or(text.len(), |&(b, _)| b);
        let range = chars[start].0..end;
        let letters = text[range.clone()]
            .chars()
            .filter(|&c| is_latin_letter(c))
            .count();
        out.push(Word { range, letters });
    }
    out
}

/// Runs of Latin words separated only by spaces, without digit-only words
/// at their edges, that have a word of two or more letters.
fn latin_runs(text: &str) -> Vec<(&'static str, Range<usize>)> {
    let words = words(text);
    let mut runs = Vec::new();
    let mut group: Vec<&Word> = Vec::new();
    let mut flush = |group: &mut Vec<&Word>| {
        while group.first().is_some_and(|w| w.letters == 0) {
            group.remove(0);
        }
        while group.last().is_some_and(|w| w.letters == 0) {
            group.pop();
        }
        if group.iter().any(|w| w.letters >= 2) {
            if let (Some(first), Some(last)) = (group.first(), group.last()) {
                runs.push(("en", first.range.start..last.range.end));
            }
        }
        group.clear();
    };
    for word in &words {
        let joined = group.last().is_some_and(|prev| {
            let gap = &text[prev.range.end..word.range.start];
            !gap.is_empty() && gap.chars().all(|c| c == ' ' || c == '\t')
        });
        if !joined {
            flush(&mut group);
        }
        group.push(word);
    }
    flush(&mut group);
    runs
}

/// The CJK language a character belongs to, if any.
fn cjk_language(c: char) -> Option<&'static str> {
    match c {
        '\u{3040}'..='\u{30FF}' | '\u{31F0}'..='\u{31FF}' | '\u{FF66}'..='\u{FF9D}' => Some("ja"),
        '\u{AC00}'..='\u{D7AF}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}' => Some("ko"),
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}'
        | '〇'
        | '々' => Some("zh"),
        _ => None,
    }
}

/// Runs of CJK letters; CJK punctuation and spaces between two of them
/// belong to the run. Kana makes a run `ja`, Hangul `ko`, Han alone `zh`.
fn cjk_runs(text: &str) -> Vec<(&'static str, Range<usize>)> {
    let mut runs: Vec<(&'static str, Range<usize>)> = Vec::new();
    let mut current: Option<(&'static str, Range<usize>)> = None;
    let mut gap_ok = true;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        match (cjk_language(c), &mut current) {
            (Some(lang), Some((run_lang, range))) if gap_ok => {
                range.end = end;
                if lang != "zh" {
                    *run_lang = lang;
                }
            }
            (Some(lang), _) => {
                runs.extend(current.take());
                current = Some((lang, i..end));
                gap_ok = true;
            }
            (None, Some(_)) => gap_ok &= c == ' ' || (is_cjk(c) && !c.is_alphanumeric()),
            (None, None) => {}
        }
    }
    runs.extend(current);
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, base: &str) -> Vec<(String, String)> {
        language_runs(text, base)
            .into_iter()
            .map(|(lang, r)| (lang, text[r].to_owned()))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn latin_inside_chinese() {
        assert_eq!(
            show("苹果发布了新款iPhone 15 Pro,搭载A17芯片。", "zh"),
            pairs(&[
                ("zh", "苹果发布了新款"),
                ("en", "iPhone 15 Pro"),
                ("zh", ",搭载A17芯片。"),
            ])
        );
        assert_eq!(
            show("使用 open source 的AI模型, 占比 35%", "zh-CN"),
            pairs(&[
                ("zh", "使用 "),
                ("en", "open source"),
                ("zh", " 的"),
                ("en", "AI"),
                ("zh", "模型, 占比 35%"),
            ])
        );
        assert_eq!(
            show("A股和5G,还有 15 CEO 2人", "zh"),
            pairs(&[("zh", "A股和5G,还有 15 "), ("en", "CEO"), ("zh", " 2人")])
        );
    }

    #[test]
    fn chinese_inside_english() {
        assert_eq!(
            show("They visited 北京、上海 last week.", "en"),
            pairs(&[
                ("en", "They visited "),
                ("zh", "北京、上海"),
                ("en", " last week."),
            ])
        );
        assert_eq!(
            show("Sushi means すし in 日本語", "en"),
            pairs(&[
                ("en", "Sushi means "),
                ("ja", "すし"),
                ("en", " in "),
                ("zh", "日本語")
            ])
        );
    }

    #[test]
    fn runs_cover_the_text() {
        assert!(language_runs("", "zh").is_empty());
        assert_eq!(show("纯中文。", "zh"), pairs(&[("zh", "纯中文。")]));
        assert_eq!(show("AI", "zh"), pairs(&[("en", "AI")]));
    }
}
