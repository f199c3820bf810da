//! ingest: a document in the seed text layout → one [`Article`] (title,
//! metadata line, paragraphs, byline; see DESIGN.md). Other formats go
//! through [`parse_document`](super::parse_document), which calls this for
//! plain text.

use super::article::Article;
use super::byline::split_byline;
use super::decode::decode;
use super::draft::detect;
use super::error::IngestError;
use super::input::Document;
use super::layout::{block_paragraphs, split_layout};
use super::metadata::parse_block;
use super::published::parse_published;

/// Parses a document laid out as the seed article is:
///
/// ```text
/// <title>                       first non-empty line; a leading `# ` is dropped
///
/// <metadata>                    optional: 发布时间:…丨来源:…丨作者:丨责任编辑:…
///
/// <paragraph>                   blocks separated by blank lines
///
/// <paragraph>(文:陈景会)         a trailing byline becomes `byline`
/// ```
///
/// The language is the metadata's `语言`/`Language` when it names one, and
/// is detected from the title and body otherwise.
pub fn parse(doc: &Document) -> Result<Article, IngestError> {
    let text = decode(&doc.origin, &doc.bytes)?;
    parse_text(&doc.origin, &text)
}

/// [`parse`] for text already decoded.
pub(crate) fn parse_text(origin: &str, text: &str) -> Result<Article, IngestError> {
    let layout = split_layout(text).ok_or_else(|| IngestError::Empty {
        origin: origin.to_owned(),
    })?;
    let mut blocks: Vec<&[&str]> = layout.blocks.iter().map(Vec::as_slice).collect();
    let mut meta = None;
    if let Some(first) = blocks.first_mut() {
        if let Some(m) = parse_block(first) {
            meta = Some(m);
            *first = &[];
        } else if let Some(m) = first.get(..1).and_then(parse_block) {
            // A file with single line breaks: the metadata is the line under
            // the title, and paragraphs follow without a blank line.
            meta = Some(m);
            *first = &first[1..];
        }
    }
    let meta = meta.unwrap_or_default();

    let mut paragraphs: Vec<String> = blocks.iter().flat_map(|b| block_paragraphs(b)).collect();
    let mut byline = None;
    if let Some(last) = paragraphs.pop() {
        match split_byline(&last) {
            Some((rest, found)) => {
                if !rest.is_empty() {
                    paragraphs.push(rest.to_owned());
                }
                byline = Some(found);
            }
            None => paragraphs.push(last),
        }
    }
    if paragraphs.is_empty() {
        return Err(IngestError::NoBody {
            origin: origin.to_owned(),
            title: layout.title,
        });
    }

    let language = meta
        .language
        .unwrap_or_else(|| detect(&layout.title, &paragraphs));

    Ok(Article {
        origin: origin.to_owned(),
        item: None,
        id: None,
        url: None,
        title: layout.title,
        source: meta.source,
        author: meta.author,
        editor: meta.editor,
        published_at: meta.published.as_deref().and_then(parse_published),
        published: meta.published,
        priority: meta.priority,
        extra: meta.extra,
        language,
        paragraphs,
        byline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Byline;
    use crate::text::Language;

    const SEED_PATH: &str = "/work/shared/seed/article-zh.txt";

    /// The seed layout in miniature, as newsrooms export it.
    const SAMPLE: &str = "内蒙古奈曼旗:以政法领域改革成效筑牢平安之基\n\n发布时间:2022-10-24 10:47:55丨来源:中国网丨作者:丨责任编辑:苏文彦\n\n\n人民的平安,我们的承诺;社会的稳定,我们的责任。\n\n在苏木乡镇场、嘎查村(社区)同步建设矛盾化解中心。\n\n10年来办理法律援助案件1165件、惠及群众1192人,人民群众的司法获得感显著提升。(文:陈景会)";

    fn doc(origin: &str, text: &str) -> Document {
        Document {
            origin: origin.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    fn parse_str(text: &str) -> Article {
        parse(&doc("a.txt", text)).unwrap()
    }

    fn err(bytes: &[u8]) -> String {
        parse(&Document {
            origin: "examples/a.txt".into(),
            bytes: bytes.to_vec(),
        })
        .unwrap_err()
        .to_string()
    }

    fn assert_seed(a: &Article, paragraphs: usize) {
        assert_eq!(a.title, "内蒙古奈曼旗:以政法领域改革成效筑牢平安之基");
        assert_eq!(a.published.as_deref(), Some("2022-10-24 10:47:55"));
        assert_eq!(a.source.as_deref(), Some("中国网"));
        assert_eq!(a.author, None);
        assert_eq!(a.editor.as_deref(), Some("苏文彦"));
        assert!(a.extra.is_empty());
        assert_eq!(a.language, Language::new("zh"));
        assert_eq!(a.paragraphs.len(), paragraphs);
        assert!(a.paragraphs.iter().all(|p| !p.contains("发布时间")));
        assert!(
            a.paragraphs[paragraphs - 1].ends_with("显著提升。"),
            "{}",
            a.paragraphs[paragraphs - 1]
        );
        assert_eq!(
            a.byline,
            Some(Byline {
                role: Some("文".into()),
                name: "陈景会".into(),
                text: "文:陈景会".into()
            })
        );
    }

    #[test]
    fn seed_sample() {
        let a = parse_str(SAMPLE);
        assert_seed(&a, 3);
        assert_eq!(a.origin, "a.txt");
        assert_eq!(
            a.paragraphs[0],
            "人民的平安,我们的承诺;社会的稳定,我们的责任。"
        );
        // A parenthetical that is no byline stays in the text.
        assert!(a.paragraphs[1].contains("嘎查村(社区)"));
    }

    #[test]
    fn seed_file() {
        let Ok(bytes) = std::fs::read(SEED_PATH) else {
            println!("note: {SEED_PATH} not found; the seed file test is skipped");
            return;
        };
        let a = parse(&Document {
            origin: SEED_PATH.into(),
            bytes,
        })
        .unwrap();
        // The seed has four body paragraphs between the metadata line and
        // the byline: the lead, then 风向标, 生命线 and 试金石.
        assert_seed(&a, 4);
        assert!(a.paragraphs[0].starts_with("人民的平安,我们的承诺;"));
        assert!(a.paragraphs[1].starts_with("把群众期盼作为“风向标”"));
        assert!(a.paragraphs[2].contains("示范村(社区)"));
        assert!(a.paragraphs[3].starts_with("把群众满意作为“试金石”"));
    }

    #[test]
    fn crlf_and_bom_parse_the_same() {
        let crlf = format!("\u{FEFF}{}", SAMPLE.replace('\n', "\r\n"));
        assert_seed(&parse_str(&crlf), 3);
        assert_seed(&parse_str(&SAMPLE.replace('\n', "\r")), 3);
    }

    #[test]
    fn english_metadata_with_ascii_colons_and_bars() {
        let a = parse_str(
            "# Council expands bus network\n\nPublished: 2024-03-01 09:00 | Source: City Herald | By: Jane Doe | Editor: | Section: Local\n\nThe city council voted on Tuesday to expand the bus network.\n\nWork starts in May. (Reporting by Tom Li)\n",
        );
        assert_eq!(a.title, "Council expands bus network");
        assert_eq!(a.published.as_deref(), Some("2024-03-01 09:00"));
        assert_eq!(a.source.as_deref(), Some("City Herald"));
        assert_eq!(a.author.as_deref(), Some("Jane Doe"));
        assert_eq!(a.editor, None);
        assert_eq!(a.extra, vec![("Section".to_owned(), "Local".to_owned())]);
        assert_eq!(a.language, Language::new("en"));
        assert_eq!(
            a.paragraphs,
            vec![
                "The city council voted on Tuesday to expand the bus network.",
                "Work starts in May."
            ]
        );
        let byline = a.byline.unwrap();
        assert_eq!(
            (byline.role.as_deref(), byline.name.as_str()),
            (Some("Reporting by"), "Tom Li")
        );
    }

    #[test]
    fn a_first_paragraph_with_a_colon_is_body_text() {
        let a = parse_str(
            "Council news\n\nNote: the council met on Tuesday and voted.\n\nIt was a long day.",
        );
        assert_eq!(
            a.paragraphs,
            vec![
                "Note: the council met on Tuesday and voted.",
                "It was a long day."
            ]
        );
        assert_eq!((a.source, a.author, a.published), (None, None, None));
    }

    #[test]
    fn metadata_language_wins() {
        let a = parse_str("Bonjour\n\nSource: Le Monde | Language: English\n\nLe conseil municipal s'est réuni mardi.");
        assert_eq!(a.language, Language::new("en"));
        let a = parse_str("Bonjour\n\nSource: Le Monde\n\nLe conseil municipal s'est réuni mardi et a voté pour étendre le réseau de bus.");
        assert_eq!(a.language, Language::new("fr"));
    }

    #[test]
    fn paragraphs_on_single_lines_and_byline_alone() {
        let a = parse_str("标题\n第一段。\n第二段。\n\n\n\n第三段。\n（记者 王五 报道）\n");
        assert_eq!(a.paragraphs, vec!["第一段。", "第二段。", "第三段。"]);
        assert_eq!(a.byline.map(|b| b.name), Some("王五".to_owned()));
    }

    #[test]
    fn single_line_breaks_throughout() {
        let a = parse_str("标题\n来源:中国网丨责任编辑:苏文彦\n第一段。\n第二段。(文:陈景会)");
        assert_eq!(a.source.as_deref(), Some("中国网"));
        assert_eq!(a.editor.as_deref(), Some("苏文彦"));
        assert_eq!(a.paragraphs, vec!["第一段。", "第二段。"]);
        assert_eq!(a.byline.map(|b| b.name), Some("陈景会".to_owned()));
    }

    #[test]
    fn bad_inputs_name_the_file() {
        assert_eq!(err(b""), "examples/a.txt: file is empty");
        assert_eq!(err(b" \n\r\n\t"), "examples/a.txt: file is empty");
        assert_eq!(err(b"#\n\n#"), "examples/a.txt: file is empty");
        assert_eq!(
            err("只有标题\n\n".as_bytes()),
            "examples/a.txt: article \"只有标题\" has a title but no body text"
        );
        assert_eq!(
            err("标题\n\n来源:中国网丨作者:张三\n".as_bytes()),
            "examples/a.txt: article \"标题\" has a title but no body text"
        );
        assert_eq!(
            err("标题\n\n(文:陈景会)".as_bytes()),
            "examples/a.txt: article \"标题\" has a title but no body text"
        );
        assert_eq!(
            err(b"\xFF\xFEa\0b\0"),
            "examples/a.txt: file is UTF-16 text (little-endian); save it as UTF-8"
        );
        assert_eq!(
            err(b"Title\n\nBody \xE9t\xE9.\n"),
            "examples/a.txt: file is not valid UTF-8 (invalid byte 0xE9 at offset 12, line 3); save it as UTF-8"
        );
        assert!(err(b"\x7fELF\x02\x01\x01\0\0\0").starts_with("examples/a.txt: not a text file"));
        let big = vec![b'a'; 20 * 1024 * 1024];
        assert_eq!(
            err(&big),
            "examples/a.txt: file is too large (20.0 MiB; the limit is 10 MiB)"
        );
    }

    #[test]
    fn hostile_inputs_do_not_panic() {
        let inputs: Vec<Vec<u8>> = vec![
            b"(".to_vec(),
            b")".to_vec(),
            "（".as_bytes().to_vec(),
            b"T\n\n)".to_vec(),
            b"T\n\n(()".to_vec(),
            "T\n\n:丨:|：".as_bytes().to_vec(),
            b"T\n\n#\n\n# \n".to_vec(),
            b"\xEF\xBB".to_vec(),
            b"\xC3".to_vec(),
            b"\r\r\r\rx".to_vec(),
            "\u{FEFF}\u{FEFF}".as_bytes().to_vec(),
            (0..=255u8).collect(),
            "标题\n\n".repeat(100_000).into_bytes(),
        ];
        for bytes in inputs {
            let _ = parse(&Document {
                origin: "x".into(),
                bytes,
            });
        }
    }
}
