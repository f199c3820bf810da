//! text: speakable text — property tests over random Chinese, English and
//! mixed text with numbers of every shape, huge numbers, lone symbols,
//! emoji and unknown characters: no panic, a second pass changes nothing,
//! sentence ends stay, what the rules do not handle passes through, and
//! Chinese keeps no ASCII digit and no dash between two figures.

use proptest::prelude::*;

use super::super::lexicon::Lexicon;
use super::{language_runs, speakable};
use crate::text::sentences;

/// Characters no rule knows: they must come out as they went in.
const UNKNOWN: &[char] = &[
    '★', '☆', '♥', '©', '§', '¶', '†', '😀', '👍', '🚢', '→', '@', '^', '\u{2603}',
];

fn fragment() -> impl Strategy<Value = String> {
    let shapes = prop::sample::select(vec![
        "1680",
        "10086",
        "2.35亿",
        "10.5万",
        "2个",
        "第2",
        "2022年",
        "2022-10-24 10:47:55",
        "2022年10月24日",
        "12月1日",
        "35%",
        "3.5‰",
        "2017-2020",
        "3-5名",
        "3至5名",
        "12368热线",
        "010-12345678",
        "¥1,299",
        "1.4万元",
        "第3次",
        "5km",
        "2kg",
        "-5℃",
        "120㎡",
        "m²",
        "1,299",
        "21st",
        "3.14",
        "1999",
        "in 2009",
        "Nov. 7",
        "7 November 2026",
        "2026-11-21",
        "07:30",
        "7:30 p.m.",
        "$1.4 million",
        "£20",
        "€3.50",
        "(555) 123-4567",
        "call 911",
        "5 km",
        "18 °C",
        "Dr. ",
        "Capt. ",
        "St. ",
        "U.S. ",
        "e.g. ",
        "J. K. ",
        "No. 7",
        "1/3",
        "24/7",
        "G7",
        "5G",
        "COVID-19",
        "the 1990s",
        "'80s",
        "3:1",
        "#1",
        "+5",
        "-3",
        "$",
        "%",
        "¥",
        "℃",
        "°",
        "‰",
        ".",
        ",",
        ":",
        "-",
        "/",
        "99999999999999999999",
        "123456789012345678901234567890",
        "0",
        "007",
        "00",
        "1.",
        ".5",
        "1,2,3",
        "1..2",
        "8:30—17:00",
        "9:30–11:00",
        "3~5天",
        "10%～20%",
        "5℃-8℃",
        "-5~3℃",
        "2022年-2023年",
        "2025-26",
        "10月1日—7日",
        "¥100-200",
        "$5-10",
        "8点-10点",
        "1.5——2.5",
        "1-2-3",
        "GB 2760-2014",
        "毫克/升",
        "元/吨",
        "5mg/L",
        "m³/s",
        "kWh",
        "km/h",
        "$5/kg",
        "zorks/h",
        "the 2027 election",
        "a 1999 report",
        "2030 Winter Olympics",
        "2027 people",
        "2,027 votes",
        "ring 999 or 020 7946 0018",
        "拨打110",
        "120急救",
        "999 people",
        "0161 496 0000",
        "138 1234 5678",
        "21/11/2026",
        "3/4/26",
        "2-3个",
        "2年级",
        "Nov. 7-9",
        "7-9 November",
        "9 a.m.-5 p.m.",
        "-",
        "–",
        "—",
        "——",
        "~",
        "～",
        "〜",
        "－",
        "至",
    ])
    .prop_map(str::to_owned);
    let unknown = prop::sample::select(UNKNOWN.to_vec()).prop_map(String::from);
    let punctuation = prop::sample::select(vec![
        "。", "，", "！", "？", "……", "“", "”", "（", "）", "、", "；", "：", "!", "?", ". ", "\"",
        "(", ")", "'",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        4 => "[\u{4e00}-\u{4e30}]{1,6}",
        3 => "[a-zA-Z]{1,8}",
        3 => "[0-9]{1,25}",
        6 => shapes,
        2 => unknown,
        3 => punctuation,
        2 => prop::sample::select(vec![" ", "  ", "\n", "\n\n", "\u{3000}", "\t"]).prop_map(str::to_owned),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(fragment(), 0..24).prop_map(|parts| parts.concat())
}

fn lang() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["zh", "en", "en-GB", "fr"])
}

/// Marks that join a range when they stand between two figures.
const DASHES: &[char] = &['-', '‐', '‑', '‒', '–', '—', '―', '~', '～', '〜', '－'];

/// Numbers as Chinese says them, digit by digit or with units.
const NUMERALS: &str = "零〇一二三四五六七八九十百千万亿两幺";

/// What a spoken number can start with: a digit word, 十, or a share
/// (百分之); 百, 千, 万 alone start words (千瓦时, 万一), not numbers.
fn starts_number(text: &str) -> bool {
    text.starts_with(|c: char| "零〇一二三四五六七八九十两幺负".contains(c))
        || text.starts_with("百分之")
        || text.starts_with("千分之")
}

/// What a spoken figure can end with after its number: the common
/// measure words, units and the names of times and dates.
const FIGURE_ENDS: &str = "个人天次名项年月日号点分秒时度元米克升吨里斤";

/// Whether spoken Chinese still has a dash between two figures: a number
/// word (or a number word and up to three unit characters) before it, a
/// number after it, spaces aside. A line break is where a paragraph
/// may end, and what stands across it is no range.
fn dash_between_figures(spoken: &str) -> Option<String> {
    let chars: Vec<char> = spoken.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !DASHES.contains(&c) {
            continue;
        }
        let space = |c: &&char| matches!(c, ' ' | '\t' | '\u{3000}');
        let mut before = chars[..i].iter().rev().skip_while(space);
        let mut ends = false;
        for _ in 0..4 {
            match before.next() {
                Some(&b) if NUMERALS.contains(b) => {
                    ends = true;
                    break;
                }
                Some(&b) if FIGURE_ENDS.contains(b) => continue,
                _ => break,
            }
        }
        let after: String = chars[i + 1..]
            .iter()
            .skip_while(|c| space(c) || DASHES.contains(c))
            .take(3)
            .collect();
        let starts = starts_number(&after);
        if ends && starts {
            let from = i.saturating_sub(6);
            return Some(chars[from..(i + 7).min(chars.len())].iter().collect());
        }
    }
    None
}

/// One end of a written range: a number, a time, a share, a temperature,
/// a count, a date.
fn figure() -> impl Strategy<Value = String> {
    let number = "[1-9][0-9]{0,4}|[0-9]\\.[0-9]{1,2}";
    prop_oneof![
        3 => number.prop_map(String::from),
        2 => "[0-2]?[0-9]:[0-5][0-9]".prop_map(String::from),
        1 => (number, prop::sample::select(vec!["%", "％", "‰", "℃", "km", "kg", "天", "个", "人", "点", "月", "日", "年", "万", "元", "mg/L", "元/吨"]))
            .prop_map(|(n, unit)| format!("{n}{unit}")),
        1 => "[12][0-9]{3}年".prop_map(String::from),
        1 => "(19|20)[0-9]{2}-[01][0-9]-[0-3][0-9]".prop_map(String::from),
        1 => prop::sample::select(vec!["¥5", "$3", "第2", "-3", "No.1", "1/3", "零下2"]).prop_map(String::from),
    ]
}

fn count(text: &str, c: char) -> usize {
    text.chars().filter(|&x| x == c).count()
}

use crate::text::is_han;

proptest! {
    // Failures are not saved: the source tree is shared, and a failing
    // case is printed in full.
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn never_panics_on_any_string(s in any::<String>(), lang in lang()) {
        let once = speakable(&s, lang, None);
        prop_assert_eq!(speakable(&once, lang, None), once);
    }

    #[test]
    fn never_panics_on_printable_strings(s in "\\PC{0,80}", lang in lang()) {
        let once = speakable(&s, lang, None);
        prop_assert_eq!(speakable(&once, lang, None), once);
    }

    #[test]
    fn a_second_pass_changes_nothing(text in text(), lang in lang()) {
        let once = speakable(&text, lang, None);
        prop_assert_eq!(speakable(&once, lang, None), once);
    }

    #[test]
    fn chinese_output_has_no_ascii_digits(text in text()) {
        let spoken = speakable(&text, "zh", None);
        prop_assert!(!spoken.chars().any(|c| c.is_ascii_digit()), "{}", spoken);
    }

    #[test]
    fn chinese_output_has_no_dash_between_figures(text in text()) {
        let spoken = speakable(&text, "zh", None);
        prop_assert!(dash_between_figures(&spoken).is_none(), "{:?} in {}", dash_between_figures(&spoken), spoken);
    }

    #[test]
    fn chinese_ranges_with_any_dash_are_read_whole(
        before in "[\u{4e00}-\u{4e30}]{0,3}",
        a in figure(),
        dash in prop::sample::select(vec!["-", "–", "—", "——", "~", "～", "〜", "－", "至", " - ", " ~ "]),
        b in figure(),
        after in "[\u{4e00}-\u{4e30}]{0,3}",
    ) {
        let text = format!("{before}{a}{dash}{b}{after}");
        let spoken = speakable(&text, "zh", None);
        prop_assert!(!spoken.chars().any(|c| c.is_ascii_digit()), "{} → {}", text, spoken);
        prop_assert!(dash_between_figures(&spoken).is_none(), "{} → {}", text, spoken);
        prop_assert_eq!(speakable(&spoken, "zh", None), spoken.clone(), "{}", text);
    }

    #[test]
    fn english_ranges_keep_no_dash_between_number_words(
        a in "[1-9][0-9]{0,3}",
        dash in prop::sample::select(vec!["–", "—", "~", " – "]),
        b in "[1-9][0-9]{0,3}",
        unit in prop::sample::select(vec!["", "%", " km", " people", " mg/L"]),
        lang in prop::sample::select(vec!["en", "en-GB"]),
    ) {
        let text = format!("from {a}{dash}{b}{unit} on");
        let spoken = speakable(&text, lang, None);
        prop_assert!(!spoken.contains(['–', '—', '~']), "{} → {}", text, spoken);
        prop_assert!(spoken.contains(" to "), "{} → {}", text, spoken);
    }

    #[test]
    fn english_output_has_no_ascii_digits(text in text(), lang in prop::sample::select(vec!["en", "en-GB", "en-US"])) {
        let spoken = speakable(&text, lang, None);
        prop_assert!(!spoken.chars().any(|c| c.is_ascii_digit()), "{}", spoken);
    }

    #[test]
    fn unknown_characters_pass_through(text in text(), lang in lang()) {
        let spoken = speakable(&text, lang, None);
        for &c in UNKNOWN {
            prop_assert_eq!(count(&spoken, c), count(&text, c), "{:?} in {}", c, spoken);
        }
        // Han text is only ever added to: 元 after ¥ is the one that merges.
        let han = |s: &str| s.chars().filter(|&c| is_han(c) && c != '元').count();
        prop_assert!(han(&spoken) >= han(&text), "{}", spoken);
    }

    #[test]
    fn sentence_ends_stay(text in text(), lang in lang()) {
        let spoken = speakable(&text, lang, None);
        let (before, after) = (sentences(&text).len(), sentences(&spoken).len());
        if mark_before_number(&text) {
            prop_assert!(after >= before, "{}", spoken);
        } else {
            prop_assert_eq!(after, before, "{}", spoken);
        }
    }

    #[test]
    fn huge_numbers_are_read_digit_by_digit(digits in "[1-9][0-9]{16,80}") {
        let zh = speakable(&digits, "zh", None);
        prop_assert_eq!(zh.chars().count(), digits.len());
        let en = speakable(&format!("code {digits}"), "en", None);
        prop_assert_eq!(en.split(' ').count(), digits.len() + 1);
    }

    #[test]
    fn runs_cover_the_text(text in text(), base in lang()) {
        let runs = language_runs(&text, base);
        let mut at = 0;
        for (lang, range) in &runs {
            prop_assert_eq!(range.start, at);
            prop_assert!(range.end > range.start && text.is_char_boundary(range.end));
            prop_assert!(!lang.is_empty());
            at = range.end;
        }
        prop_assert_eq!(at, text.len());
    }

    #[test]
    fn any_lexicon_applies_without_panic(
        words in prop::collection::btree_map("[a-zA-Z\u{4e00}-\u{4e10}]{1,5}", "\\PC{0,6}", 0..6),
        text in text(),
        lang in lang(),
    ) {
        let mut toml = format!("[{lang}]\n");
        for (word, alias) in &words {
            toml.push_str(&format!("{} = {}\n", quote(word), quote(alias)));
        }
        let lexicon = Lexicon::from_toml_str(&toml).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let _ = speakable(&text, lang, Some(&lexicon));
        for word in words.keys() {
            prop_assert!(lexicon.covers(lang, word));
        }
    }
}

/// Whether an ellipsis, `!` or `?` stands before something not Chinese
/// (a number, a sign, `No.`), with only closing quotes and spaces between.
/// The splitter lets a digit there go on the sentence, but not the words it
/// becomes when those are Chinese (`结束!5人` → `结束!五人`, `!No. 7` →
/// `!第七`) or capitalised (`… 2026-11-21` → `… November …`); such marks
/// are not removed, as a lone `.` would be.
fn mark_before_number(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars.iter().enumerate().any(|(i, &c)| {
        let ellipsis = c == '…' || (c == '.' && i > 0 && chars[i - 1] == '.');
        let next = chars[i + 1..]
            .iter()
            .find(|&&n| !super::super::chars::is_closer(n) && !n.is_whitespace());
        (ellipsis || matches!(c, '!' | '?'))
            && next.is_some_and(|&n| !super::super::chars::is_cjk(n))
    })
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[test]
fn dashes_between_figures_are_found() {
    assert!(dash_between_figures("三-五").is_some());
    assert!(dash_between_figures("八点三十分 — 十七点").is_some());
    assert!(dash_between_figures("三天~五天").is_some());
    assert!(dash_between_figures("三至五天").is_none());
    assert!(dash_between_figures("COVID-十九").is_none());
    assert!(dash_between_figures("-三").is_none());
}
