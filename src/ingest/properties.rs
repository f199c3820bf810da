//! ingest: property tests. No input, however broken, makes detection or any
//! reader panic, and whatever parses keeps the article's invariants.

use proptest::prelude::*;

use super::{detect_format, parse, parse_document_each, Document};
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

/// Pieces of every format, so that the generated documents reach deep into
/// each reader rather than failing at the first byte.
fn markup_piece() -> impl Strategy<Value = String> {
    let pieces = prop::sample::select(vec![
        "<?xml version=\"1.0\"?>",
        "<!DOCTYPE html>",
        "<!DOCTYPE rss [<!ENTITY a \"b\">]>",
        "<rss version=\"2.0\"><channel><title>T</title>",
        "<item><title>标题</title><description>&lt;p&gt;正文。&lt;/p&gt;</description></item>",
        "<pubDate>Sat, 28 Nov 2026 08:20:00 +0800</pubDate>",
        "</channel></rss>",
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><title>A</title>",
        "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p></div></content>",
        "</entry></feed>",
        "<newsMessage><itemSet>",
        "<newsItem guid=\"g\"><contentMeta><headline>H</headline></contentMeta>",
        "<contentSet><inlineXML><html><body><p>B<a/></p></body></html></inlineXML></contentSet>",
        "<inlineData contenttype=\"text/plain\">Body.</inlineData>",
        "</newsItem>",
        "</itemSet></newsMessage>",
        "<html lang=\"zh\"><head><meta property=\"og:title\" content=\"T\">",
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"author\":[1]}</script>",
        "<article><h1>T</h1><p>Body &amp; more.</p><div class=\"ad\">x</div></article>",
        "<p>", "</p>", "<div>", "</div>", "<br>", "<a href=\"x\">", "</a>", "&nbsp;", "&#",
        "{\"title\":\"T\",\"body\":\"B.\"}",
        "{\"uri\":\"u\",\"headlines\":[{\"value\":\"H\"}],\"bodies\":[{\"value\":\"<p>B</p>\"}]}",
        "{\"title\":1}",
        "[", "]", "{", "}", ",", "\"", ":", "null", "\n",
        "---\ntitle: T\npriority: -3\n---\n",
        "+++\ntitle = 1\n+++\n",
        "# Heading\n",
        "- item\n",
        "> quote\n",
        "```\ncode\n```\n",
        "[link](https://example.org)",
        "![img](a.png)",
        "**bold**",
        "| a | b |\n|---|---|\n",
        "发布时间:2022-10-24 10:47:55丨来源:中国网",
        "(文:陈景会)",
    ])
    .prop_map(str::to_owned);
    prop_oneof![
        6 => pieces,
        1 => any::<String>(),
    ]
}

fn markup_text() -> impl Strategy<Value = String> {
    prop::collection::vec(markup_piece(), 0..24).prop_map(|p| p.concat())
}

const ORIGINS: &[&str] = &[
    "prop.txt",
    "prop.md",
    "prop.json",
    "prop.jsonl",
    "prop.xml",
    "prop.rss",
    "prop.html",
    "prop",
    "https://example.org/prop.atom",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_document_parses_or_fails_naming_the_file(
        text in markup_text(),
        origin in prop::sample::select(ORIGINS),
    ) {
        let doc = Document { origin: origin.to_owned(), bytes: text.into_bytes() };
        let _ = detect_format(&doc);
        for result in parse_document_each(&doc) {
            match result {
                Ok(a) => {
                    prop_assert!(!a.title.is_empty());
                    prop_assert!(!a.paragraphs.is_empty());
                    prop_assert!(a.paragraphs.iter().all(|p| !p.is_empty() && p.trim() == p));
                    prop_assert_eq!(&a.origin, origin);
                }
                Err(e) => prop_assert!(e.to_string().starts_with(origin), "{}", e),
            }
        }
    }

    #[test]
    fn any_bytes_never_panic_any_reader(
        bytes in prop::collection::vec(any::<u8>(), 0..600),
        origin in prop::sample::select(ORIGINS),
    ) {
        let doc = Document { origin: origin.to_owned(), bytes };
        let _ = detect_format(&doc);
        for result in parse_document_each(&doc) {
            if let Err(e) = result {
                prop_assert!(e.to_string().starts_with(origin), "{}", e);
            }
        }
    }
}

/// Documents built to make a parser recurse, or work in the square of
/// their size, end quickly with an error naming the file.
#[test]
fn hostile_nesting_ends_quickly_and_clearly() {
    let cases: Vec<(&str, String)> = vec![
        ("a.html", "<div>".repeat(400_000)),
        ("b.json", "[".repeat(200_000)),
        ("c.md", ">".repeat(100_000) + " x"),
        ("d.xml", "<newsItem>".to_owned() + &"<a>".repeat(100_000)),
        (
            "e.rss",
            "<rss version=\"2.0\"><channel><item><description>".to_owned() + &"<a>".repeat(100_000),
        ),
        (
            "f.atom",
            "<feed xmlns=\"http://www.w3.org/2005/Atom\"><entry><content type=\"xhtml\">"
                .to_owned()
                + &"<div>".repeat(100_000),
        ),
        (
            "g.md",
            "---\n".to_owned() + &"[".repeat(50_000) + "\n---\nx",
        ),
        (
            "h.json",
            format!(
                "{{\"title\":\"T\",\"body\":\"{}x\"}}",
                "<div>".repeat(100_000)
            ),
        ),
    ];
    let started = std::time::Instant::now();
    for (origin, text) in cases {
        let doc = Document {
            origin: origin.into(),
            bytes: text.into_bytes(),
        };
        for result in parse_document_each(&doc) {
            if let Err(e) = result {
                assert!(e.to_string().starts_with(origin), "{e}");
            }
        }
    }
    assert!(started.elapsed().as_secs() < 30, "{:?}", started.elapsed());
}
