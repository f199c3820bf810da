//! ingest: property tests. No input, however broken, makes parsing panic,
//! and whatever parses keeps the article's invariants.

use proptest::prelude::*;

use super::{parse, Document};
use crate::text::detect_language;

fn line() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "内蒙古奈曼旗:以政法领域改革成效筑牢平安之基",
        "发布时间:2022-10-24 10:47:55丨来源:中国网丨作者:丨责任编辑:苏文彦",
        "Published: 2024-03-01 | Source: Herald | By: Jane Doe",
        "Note: the council met on Tuesday and voted.",
        "人民的平安,我们的承诺;社会的稳定,我们的责任。",
        "示范村(社区)",
        "(文:陈景会)",
        "（记者 王五 报道）",
        "(By Jane Doe)",
        "(",
        ")",
        "# ",
        "## Heading",
        "- item",
        "=====",
        "\u{3000}\u{3000}",
        "语言:English",
        "丨|:",
        "",
        " ",
        "\r",
        "\u{FEFF}",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        4 => pieces,
        1 => any::<String>(),
        1 => "[a-z ]{0,80}",
        1 => "[\u{4e00}-\u{4e30}，。]{0,60}",
    ]
}

fn article_text() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            line(),
            prop::sample::select(vec!["\n", "\n\n", "\r\n", "", "\n\n\n"]),
        ),
        0..16,
    )
    .prop_map(|lines| lines.into_iter().map(|(l, sep)| l + sep).collect())
}

fn document(bytes: Vec<u8>) -> Document {
    Document {
        origin: "prop.txt".into(),
        bytes,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_bytes_parse_or_fail_naming_the_file(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        if let Err(e) = parse(&document(bytes)) {
            prop_assert!(e.to_string().starts_with("prop.txt: "), "{}", e);
        }
    }

    #[test]
    fn parsed_articles_keep_their_invariants(text in article_text()) {
        let Ok(a) = parse(&document(text.into_bytes())) else {
            return Ok(());
        };
        let clean = |s: &str| !s.is_empty() && s.trim() == s;
        prop_assert!(clean(&a.title), "title {:?}", a.title);
        prop_assert!(!a.paragraphs.is_empty());
        for p in &a.paragraphs {
            prop_assert!(clean(p), "paragraph {:?}", p);
        }
        for field in [&a.source, &a.author, &a.editor, &a.published] {
            prop_assert!(field.as_deref().is_none_or(clean), "{:?}", field);
        }
        for (k, v) in &a.extra {
            prop_assert!(clean(k) && clean(v), "{:?}: {:?}", k, v);
        }
        if let Some(b) = &a.byline {
            prop_assert!(clean(&b.name) && clean(&b.text), "{:?}", b);
        }
        prop_assert!(!a.language.as_str().is_empty());
    }

    #[test]
    fn detection_always_answers(text in any::<String>()) {
        prop_assert!(!detect_language(&text).as_str().is_empty());
    }
}
