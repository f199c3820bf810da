//! ingest: the metadata line under the title
//! (`发布时间:2022-10-24 10:47:55丨来源:中国网丨作者:丨责任编辑:苏文彦`).
//!
//! A block is metadata only when it *looks* like metadata, so that a first
//! paragraph such as `Note: the council met on Tuesday and voted.` is never
//! swallowed:
//! - every field has a colon (`:` or `：`), except a lone `By Jane Doe`;
//! - every key is short and made of letters (at most 3 words, 20 characters):
//!   `Editor's note` or `他说今天` followed by prose does not qualify;
//! - at least one key is a known one (发布时间, 来源, Source, By…);
//! - every value is short and no sentence: at most 30 characters when it
//!   holds Han characters, otherwise at most 80 characters and 12 words; no
//!   Chinese sentence mark (。！？); not ending in `.` when over 3 words;
//! - a block of a single field has a value of at most 8 words.
//!
//! Unknown keys go to `extra` as written, and so do a `语言`/`Language`
//! value that names no language this crate knows and a `Priority`/`优先级`
//! value that is no whole number.

use super::chars::{is_han, trim_blank};
use crate::text::Language;

/// Fields found in a metadata block. Empty values are unknown (`None`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Metadata {
    pub published: Option<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub language: Option<Language>,
    /// `Priority: 2` / `优先级:2`; 1 is the most important.
    pub priority: Option<u32>,
    pub extra: Vec<(String, String)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    Published,
    Source,
    Author,
    Editor,
    Language,
    Priority,
}

/// Known keys. Chinese keys match exactly, English ones ignoring case.
const KEYS: &[(&str, Key)] = &[
    ("发布时间", Key::Published),
    ("发布日期", Key::Published),
    ("发表时间", Key::Published),
    ("时间", Key::Published),
    ("日期", Key::Published),
    ("来源", Key::Source),
    ("稿源", Key::Source),
    ("作者", Key::Author),
    ("记者", Key::Author),
    ("责任编辑", Key::Editor),
    ("责编", Key::Editor),
    ("编辑", Key::Editor),
    ("语言", Key::Language),
    ("优先级", Key::Priority),
    ("published", Key::Published),
    ("publication date", Key::Published),
    ("date", Key::Published),
    ("source", Key::Source),
    ("by", Key::Author),
    ("author", Key::Author),
    ("authors", Key::Author),
    ("reporter", Key::Author),
    ("written by", Key::Author),
    ("reporting by", Key::Author),
    ("editor", Key::Editor),
    ("edited by", Key::Editor),
    ("language", Key::Language),
    ("priority", Key::Priority),
];

const SEPARATORS: [char; 4] = ['丨', '|', '｜', '│'];
const MAX_FIELDS: usize = 20;

/// Reads `lines` (one block of the file) as metadata, or `None` when the
/// block is not metadata.
pub(crate) fn parse_block(lines: &[&str]) -> Option<Metadata> {
    let fields: Vec<&str> = lines
        .iter()
        .flat_map(|line| line.split(SEPARATORS))
        .flat_map(split_at_inline_keys)
        .map(trim_blank)
        .filter(|f| !f.is_empty())
        .collect();
    if fields.is_empty() || fields.len() > MAX_FIELDS {
        return None;
    }
    let mut pairs = Vec::with_capacity(fields.len());
    for field in &fields {
        pairs.push(split_field(field)?);
    }
    if !pairs
        .iter()
        .any(|(key, _, colon)| *colon && known(key).is_some())
    {
        return None;
    }
    if pairs.iter().any(|(_, value, _)| !short_value(value)) {
        return None;
    }
    if let [(_, value, _)] = pairs.as_slice() {
        if value.split_whitespace().count() > 8 {
            return None;
        }
    }

    let mut meta = Metadata::default();
    for (key, value, _) in pairs {
        let value = value.to_owned();
        let slot = match known(key) {
            Some(Key::Published) => &mut meta.published,
            Some(Key::Source) => &mut meta.source,
            Some(Key::Author) => &mut meta.author,
            Some(Key::Editor) => &mut meta.editor,
            Some(Key::Language) => {
                match Language::from_label(&value) {
                    Some(lang) if meta.language.is_none() => meta.language = Some(lang),
                    Some(_) => {}
                    None if value.is_empty() => {}
                    None => meta.extra.push((key.to_owned(), value)),
                }
                continue;
            }
            Some(Key::Priority) => {
                match value.parse::<u32>() {
                    Ok(p) if meta.priority.is_none() => meta.priority = Some(p),
                    Ok(_) => {}
                    Err(_) if value.is_empty() => {}
                    Err(_) => meta.extra.push((key.to_owned(), value)),
                }
                continue;
            }
            None => {
                if !value.is_empty() {
                    meta.extra.push((key.to_owned(), value));
                }
                continue;
            }
        };
        // The first non-empty value wins: `作者:丨记者:王五` names 王五.
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value);
        }
    }
    Some(meta)
}

/// Splits `key:value`; the bool tells whether there was a colon (a bare
/// `By Jane Doe` has none). `None` when the field cannot be metadata.
fn split_field(field: &str) -> Option<(&str, &str, bool)> {
    if let Some(colon) = field.find([':', '\u{FF1A}']) {
        let key = trim_blank(&field[..colon]);
        let rest = &field[colon..];
        let value = trim_blank(rest.get(rest.chars().next()?.len_utf8()..)?);
        return key_like(key).then_some((key, value, true));
    }
    // `By Jane Doe`: a byline written without a colon.
    let rest = field.get(..3).filter(|p| p.eq_ignore_ascii_case("by "))?;
    let name = trim_blank(&field[rest.len()..]);
    let capitalized = name.chars().next().is_some_and(char::is_uppercase);
    (capitalized && name.split_whitespace().count() <= 5).then_some(("By", name, false))
}

fn key_like(key: &str) -> bool {
    !key.is_empty()
        && key.chars().count() <= 20
        && key.split_whitespace().count() <= 3
        && key.chars().any(char::is_alphabetic)
        && key
            .chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '_')
}

fn short_value(value: &str) -> bool {
    if value.contains(['。', '\u{FF01}', '\u{FF1F}']) {
        return false;
    }
    // `Reuters reported that the council met.` is a sentence, not a value.
    if value.split_whitespace().count() > 3 && value.ends_with('.') {
        return false;
    }
    if value.chars().any(is_han) {
        value.chars().count() <= 30
    } else {
        value.chars().count() <= 80 && value.split_whitespace().count() <= 12
    }
}

fn known(key: &str) -> Option<Key> {
    let normalized = key.split_whitespace().collect::<Vec<_>>().join(" ");
    KEYS.iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&normalized))
        .map(|(_, k)| *k)
}

/// Splits `发布时间:2022-10-24 10:47:55 来源:中国网` where a known key follows
/// whitespace, for exports that separate fields with spaces.
fn split_at_inline_keys(field: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut prev_blank = false;
    for (i, c) in field.char_indices() {
        if prev_blank && i > start && starts_with_key(&field[i..]) {
            parts.push(&field[start..i]);
            start = i;
        }
        prev_blank = c.is_whitespace();
    }
    parts.push(&field[start..]);
    parts
}

fn starts_with_key(text: &str) -> bool {
    KEYS.iter().any(|(name, _)| {
        text.get(..name.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(name))
            && text[name.len()..]
                .trim_start_matches(' ')
                .starts_with([':', '\u{FF1A}'])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(block: &str) -> Option<Metadata> {
        let lines: Vec<&str> = block.lines().collect();
        parse_block(&lines)
    }

    #[test]
    fn seed_line() {
        let m = meta("发布时间:2022-10-24 10:47:55丨来源:中国网丨作者:丨责任编辑:苏文彦").unwrap();
        assert_eq!(m.published.as_deref(), Some("2022-10-24 10:47:55"));
        assert_eq!(m.source.as_deref(), Some("中国网"));
        assert_eq!(m.author, None);
        assert_eq!(m.editor.as_deref(), Some("苏文彦"));
        assert!(m.extra.is_empty());
    }

    #[test]
    fn full_width_colons_and_bars() {
        let m = meta("发布时间：2022-10-24｜来源：新华社｜记者：王五｜语言：中文").unwrap();
        assert_eq!(m.published.as_deref(), Some("2022-10-24"));
        assert_eq!(m.source.as_deref(), Some("新华社"));
        assert_eq!(m.author.as_deref(), Some("王五"));
        assert_eq!(m.language, Some(Language::new("zh")));
    }

    #[test]
    fn english_keys_ignore_case_and_unknown_keys_go_to_extra() {
        let m = meta(
            "Published: 2024-03-01 | SOURCE: Reuters | by: Jane Doe | Section: World | Tags: ",
        )
        .unwrap();
        assert_eq!(m.published.as_deref(), Some("2024-03-01"));
        assert_eq!(m.source.as_deref(), Some("Reuters"));
        assert_eq!(m.author.as_deref(), Some("Jane Doe"));
        assert_eq!(m.extra, vec![("Section".to_owned(), "World".to_owned())]);
    }

    #[test]
    fn priority_is_a_field() {
        let m = meta("来源:中国网丨优先级:2").unwrap();
        assert_eq!(m.priority, Some(2));
        assert!(m.extra.is_empty());
        let m = meta("Source: Herald | Priority: high").unwrap();
        assert_eq!(m.priority, None);
        assert_eq!(m.extra, vec![("Priority".to_owned(), "high".to_owned())]);
    }

    #[test]
    fn one_field_per_line() {
        let m = meta("Date: March 1, 2024\nEditor: John Smith\nLanguage: en").unwrap();
        assert_eq!(m.published.as_deref(), Some("March 1, 2024"));
        assert_eq!(m.editor.as_deref(), Some("John Smith"));
        assert_eq!(m.language, Some(Language::new("en")));
    }

    #[test]
    fn fields_separated_by_spaces() {
        let m = meta("发布时间:2022-10-24 10:47:55  来源:中国网 责任编辑:苏文彦").unwrap();
        assert_eq!(m.published.as_deref(), Some("2022-10-24 10:47:55"));
        assert_eq!(m.source.as_deref(), Some("中国网"));
        assert_eq!(m.editor.as_deref(), Some("苏文彦"));
    }

    #[test]
    fn bare_by_line_next_to_known_fields() {
        let m = meta("By Jane Doe | Published: 2024-03-01").unwrap();
        assert_eq!(m.author.as_deref(), Some("Jane Doe"));
        assert_eq!(meta("By the end of Tuesday the council had voted."), None);
    }

    #[test]
    fn first_non_empty_value_wins() {
        let m = meta("作者:丨记者:王五丨编辑:").unwrap();
        assert_eq!(m.author.as_deref(), Some("王五"));
        assert_eq!(m.editor, None);
    }

    #[test]
    fn prose_with_a_colon_is_not_metadata() {
        for block in [
            "Note: the council met on Tuesday and voted.",
            "Source: the council met on Tuesday and voted to expand it.",
            "Editor's note: this story was updated on Tuesday.",
            "Update: Source: Reuters reported that the council met.",
            "他说:今天的会议非常重要,我们要认真落实。",
            "记者:今天上午,市政府召开新闻发布会,宣布了新的交通规划方案,市民反响热烈。",
            "The council met at 10:30 and voted: 7 in favour, 2 against.",
            "Date night: a short guide to restaurants | and more to read",
            "人民的平安,我们的承诺;社会的稳定,我们的责任。",
            "",
        ] {
            assert_eq!(meta(block), None, "{block}");
        }
    }

    #[test]
    fn short_known_field_alone_is_metadata() {
        let m = meta("Source: Reuters").unwrap();
        assert_eq!(m.source.as_deref(), Some("Reuters"));
        let m = meta("来源:中国网").unwrap();
        assert_eq!(m.source.as_deref(), Some("中国网"));
    }
}
