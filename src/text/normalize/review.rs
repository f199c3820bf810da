//! text: speakable text — words a person should check in the lexicon
//! (`bulletin lexicon check`): names and abbreviations the lexicon does not
//! cover yet, which a voice may well get wrong.

use super::super::abbreviations::is_abbreviation;
use super::super::lexicon::Lexicon;
use super::runs::{is_latin_letter, latin_words};
use crate::text::sentences;
use crate::text::Language;

/// Everyday words that are capitalised only because of where they stand,
/// or always (days, months): not names.
const COMMON: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "each",
    "even",
    "every",
    "first",
    "for",
    "from",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "last",
    "many",
    "may",
    "more",
    "most",
    "much",
    "my",
    "new",
    "next",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "only",
    "or",
    "our",
    "over",
    "she",
    "should",
    "since",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "under",
    "until",
    "up",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "why",
    "will",
    "with",
    "would",
    "yes",
    "yet",
    "you",
    "your",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "mr",
    "mrs",
    "ms",
    "dr",
    "ok",
];

/// Short words a Title Case headline leaves in lower case.
const SMALL: &[&str] = &[
    "a", "an", "the", "and", "or", "nor", "but", "of", "on", "in", "to", "for", "at", "by", "with",
    "from", "as", "vs", "via", "per", "up", "off", "out", "over", "into", "onto", "is",
];

/// Byte ranges of the lines of `text` written in Title Case (`New Electric
/// Ferry Enters Service on the Harbour Route`): at least three words that
/// are not [`SMALL`], nearly all of them capitalised. Capitals there say
/// nothing about names.
fn title_case_lines(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let (mut capitalised, mut lower) = (0, 0);
        for range in latin_words(line) {
            let word = &line[range];
            let letters = word.chars().filter(|&c| is_latin_letter(c)).count();
            if letters < 2 || SMALL.contains(&word.to_lowercase().as_str()) {
                continue;
            }
            match word.chars().next() {
                Some(c) if c.is_uppercase() => capitalised += 1,
                Some(c) if c.is_lowercase() => lower += 1,
                _ => {}
            }
        }
        if capitalised >= 3 && capitalised >= 4 * lower {
            out.push(at..at + line.len());
        }
        at += line.len();
    }
    out
}

/// Words in `text` (language `lang`) that the lexicon does not cover and
/// that look like names or abbreviations, each once, in order of first
/// appearance.
///
/// - English: ALL-CAPS words of two or more letters (`NASA`, `GDP`), and
///   capitalised words that do not start a sentence, a line or a quotation
///   and are not everyday words (`Nguyen`, `Tidewater`). Abbreviations the
///   rules spell out (`Dr.`, `Capt.`, `U.S.`) are left out. In a line in
///   Title Case (a headline) every word is capitalised, so there only
///   ALL-CAPS and camel-case words (`NASA`, `iPhone`, `McLaren`) are.
/// - Chinese, Japanese, Korean: Latin words of two or more letters (`AI`,
///   `iPhone`). Names written in Han are not guessed at.
/// - Other languages: ALL-CAPS words only.
pub fn review_candidates(text: &str, lang: &str, lexicon: &Lexicon) -> Vec<String> {
    let lang = Language::new(lang);
    let lang = lang.as_str();
    let covered = lexicon.spans(lang, text);
    let is_covered =
        |start: usize, end: usize| covered.iter().any(|r| r.start < end && start < r.end);
    let mut out: Vec<String> = Vec::new();
    let mut add = |word: &str| {
        if !lexicon.covers(lang, word) && !out.iter().any(|w| w == word) {
            out.push(word.to_owned());
        }
    };
    let cjk = matches!(lang, "zh" | "ja" | "ko");
    let headlines = if cjk {
        Vec::new()
    } else {
        title_case_lines(text)
    };
    let in_headline = |at: usize| headlines.iter().any(|r| r.contains(&at));
    let mut offset = 0;
    for sentence in sentences(text) {
        let mut at_start = true;
        let mut last_end = 0;
        for range in latin_words(sentence) {
            let (start, end) = (offset + range.start, offset + range.end);
            let gap = &sentence[last_end..range.start];
            if gap.contains(['\n', '“', '"', '‘', ':', '|', '(', '（', '「', '：']) {
                at_start = true;
            }
            last_end = range.end;
            let word = &sentence[range.clone()];
            let dotted = sentence[range.end..].starts_with('.') && is_abbreviation(word);
            let word = word
                .strip_suffix("'s")
                .or_else(|| word.strip_suffix("’s"))
                .unwrap_or(word);
            let starts_sentence = std::mem::replace(&mut at_start, false);
            if is_covered(start, end) || dotted || word.contains('.') {
                continue;
            }
            let letters: Vec<char> = word.chars().filter(|&c| is_latin_letter(c)).collect();
            if letters.len() < 2 {
                continue;
            }
            let all_caps = letters.iter().all(|c| c.is_uppercase());
            let capitalised = letters.first().is_some_and(|c| c.is_uppercase());
            let common = COMMON.contains(&word.to_lowercase().as_str());
            let camel = letters.iter().skip(1).any(|c| c.is_uppercase());
            let wanted = if cjk {
                true
            } else if all_caps {
                !common
            } else if in_headline(start) {
                camel
            } else {
                lang == "en" && capitalised && !starts_sentence && !common
            };
            if wanted {
                add(word);
            }
        }
        offset += sentence.len();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_names_and_abbreviations() {
        let lexicon = Lexicon::from_toml_str("[en]\n\"Nguyen\" = \"Win\"\n").unwrap();
        let text = "Capt. Maria Gomez met Nguyen and NASA staff on Friday. The harbour's \
                    ferry, named Tidewater, left. \"You can hear the gulls,\" she said. \
                    Dr. Ray Patel of the U.S. port authority agreed. Then the GDP grew.";
        assert_eq!(
            review_candidates(text, "en", &lexicon),
            ["Maria", "Gomez", "NASA", "Tidewater", "Ray", "Patel", "GDP"]
        );
    }

    #[test]
    fn title_case_headlines_are_not_all_names() {
        let lexicon = Lexicon::default();
        let text =
            "New Electric Ferry Enters Service on the Harbour Route at NASA's McLaren Pier\n\
                    The ferry, named Tidewater, met Ann Lee at McLaren Pier.";
        assert_eq!(
            review_candidates(text, "en", &lexicon),
            ["NASA", "McLaren", "Tidewater", "Ann", "Lee", "Pier"]
        );
        // A sentence-case headline was never a problem.
        assert!(review_candidates("New electric ferry enters service", "en", &lexicon).is_empty());
    }

    #[test]
    fn latin_words_in_chinese() {
        let lexicon = Lexicon::from_toml_str("[zh]\n\"OpenAI\" = \"欧噗恩AI\"\n").unwrap();
        let text = "OpenAI的CEO表示,AI将推动GDP增长,A股上涨5%,iPhone 15销量好。";
        assert_eq!(
            review_candidates(text, "zh", &lexicon),
            ["CEO", "AI", "GDP", "iPhone"]
        );
        assert!(review_candidates("奈曼旗政法系统。", "zh", &lexicon).is_empty());
    }

    #[test]
    fn other_languages_get_abbreviations_only() {
        let lexicon = Lexicon::default();
        assert_eq!(
            review_candidates("Le Président de la SNCF parle.", "fr", &lexicon),
            ["SNCF"]
        );
    }
}
