//! output: the DAISY 2.02 talking book (`NAME.daisy/`), rendered from the
//! [`Book`]: `ncc.html` with the bulletin's title and an `h1` per article,
//! one SMIL file per spoken section whose clips are exactly the manifest's
//! spans, the full text in `content.html`, and the audio beside them. The
//! files are returned in memory and staged as one folder of the generation.

use std::io;

use super::book::{seconds, Book, Section};
use super::xml::Xml;

/// The audio file inside the folder.
pub const AUDIO: &str = "bulletin.mp3";
const CONTENT: &str = "content.html";
const XHTML_DOCTYPE: &str = r#"html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd""#;
const SMIL_DOCTYPE: &str =
    r#"smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd""#;
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";

/// Every file of the book but the audio: (name in the folder, bytes).
pub fn render(book: &Book) -> io::Result<Vec<(String, Vec<u8>)>> {
    let sections: Vec<&Section> = book.spoken_sections().collect();
    let smil_names: Vec<String> = (1..=sections.len())
        .map(|i| format!("s{i:04}.smil"))
        .collect();
    let mut files = Vec::new();
    let mut elapsed = 0;
    for (section, name) in sections.iter().zip(&smil_names) {
        let played = section.played_ms();
        files.push((name.clone(), smil(book, section, elapsed, played)?));
        elapsed += played;
    }
    files.push((CONTENT.to_owned(), content(book, &sections)?));
    // ncc.html, the content document, the SMIL files and the audio.
    let count = files.len() + 2;
    let ncc = ncc(book, &sections, &smil_names, count)?;
    files.insert(0, ("ncc.html".to_owned(), ncc));
    Ok(files)
}

/// An XHTML 1.0 document in the book's first language, opened up to its
/// `head`'s title: what the NCC and the text document both start with.
fn xhtml_head(book: &Book) -> Xml {
    let lang = book.languages.first().map_or("und", String::as_str);
    let mut x = Xml::new();
    x.declaration().doctype(XHTML_DOCTYPE);
    x.open(
        "html",
        &[("xmlns", XHTML_NS), ("lang", lang), ("xml:lang", lang)],
    )
    .newline();
    x.open("head", &[]).newline();
    x.empty(
        "meta",
        &[
            ("http-equiv", "Content-type"),
            ("content", "text/html; charset=utf-8"),
        ],
    )
    .newline();
    x.leaf("title", &[], &book.title).newline();
    x
}

/// `hh:mm:ss`, the NCC's and SMIL head's time format (rounded to the second).
fn hms(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn text_id(phrase_id: &str) -> String {
    format!("t-{phrase_id}")
}

fn ncc(
    book: &Book,
    sections: &[&Section],
    smil_names: &[String],
    files: usize,
) -> io::Result<Vec<u8>> {
    let lang = book.languages.first().map_or("und", String::as_str);
    let date = book.created.get(..10).unwrap_or(&book.created);
    let mut x = xhtml_head(book);
    let narrators = book.narrators.join(", ");
    let headings = sections.len() + usize::from(!is_opening(sections.first()));
    let toc_items = headings.to_string();
    let total = hms(book.duration_ms);
    let files = files.to_string();
    let mut meta = |name: &str, content: &str, scheme: Option<&str>| {
        let mut attrs = vec![("name", name), ("content", content)];
        if let Some(s) = scheme {
            attrs.push(("scheme", s));
        }
        x.empty("meta", &attrs).newline();
    };
    meta("dc:title", &book.title, None);
    meta("dc:creator", &book.publisher, None);
    meta("dc:publisher", &book.publisher, None);
    meta("dc:date", date, Some("yyyy-mm-dd"));
    meta("dc:format", "Daisy 2.02", None);
    meta("dc:identifier", &book.identifier, None);
    for l in &book.languages {
        meta("dc:language", l, Some("ISO 639"));
    }
    meta("ncc:charset", "utf-8", None);
    meta(
        "ncc:generator",
        concat!("bulletin ", env!("CARGO_PKG_VERSION")),
        None,
    );
    meta("ncc:narrator", &narrators, None);
    meta("ncc:totalTime", &total, None);
    meta("ncc:files", &files, None);
    meta("ncc:depth", "1", None);
    meta("ncc:tocItems", &toc_items, None);
    meta("ncc:multimediaType", "audioFullText", None);
    meta("ncc:pageFront", "0", None);
    meta("ncc:pageNormal", "0", None);
    meta("ncc:pageSpecial", "0", None);
    meta("ncc:maxPageNormal", "0", None);
    meta("ncc:setInfo", "1 of 1", None);
    x.close("head").newline();
    x.open("body", &[]).newline();
    let link = |i: usize| -> String {
        let first = sections[i].phrases().next().map_or("", |p| p.id.as_str());
        format!("{}#{}", smil_names[i], text_id(first))
    };
    let mut n = 0;
    let mut heading = |x: &mut Xml, class: Option<&str>, lang: &str, href: &str, text: &str| {
        n += 1;
        let id = format!("h{n}");
        let mut attrs = vec![("id", id.as_str()), ("lang", lang), ("xml:lang", lang)];
        if let Some(c) = class {
            attrs.insert(0, ("class", c));
        }
        x.open("h1", &attrs)
            .leaf("a", &[("href", href)], text)
            .close("h1")
            .newline();
    };
    if !sections.is_empty() {
        // The book's own heading: the opening when it is spoken, else where
        // the bulletin begins.
        heading(&mut x, Some("title"), lang, &link(0), &book.title);
    }
    for (i, s) in sections.iter().enumerate() {
        if i == 0 && is_opening(Some(s)) {
            continue;
        }
        heading(&mut x, None, &s.lang, &link(i), &s.heading);
    }
    x.close("body").newline();
    x.close("html").newline();
    x.finish()
}

fn is_opening(section: Option<&&Section>) -> bool {
    section.is_some_and(|s| s.kind == super::book::SectionKind::Opening)
}

fn smil(book: &Book, section: &Section, elapsed_ms: u64, played_ms: u64) -> io::Result<Vec<u8>> {
    let mut x = Xml::new();
    x.declaration().doctype(SMIL_DOCTYPE);
    x.open("smil", &[]).newline();
    x.open("head", &[]).newline();
    let (elapsed, here) = (hms(elapsed_ms), hms(played_ms));
    for (name, content) in [
        ("dc:format", "Daisy 2.02"),
        ("dc:title", book.title.as_str()),
        ("dc:identifier", book.identifier.as_str()),
        (
            "ncc:generator",
            concat!("bulletin ", env!("CARGO_PKG_VERSION")),
        ),
        ("ncc:totalElapsedTime", elapsed.as_str()),
        ("ncc:timeInThisSmil", here.as_str()),
    ] {
        x.empty("meta", &[("name", name), ("content", content)])
            .newline();
    }
    x.open("layout", &[])
        .empty("region", &[("id", "txtView")])
        .close("layout")
        .newline();
    x.close("head").newline();
    x.open("body", &[]).newline();
    let dur = seconds(played_ms);
    x.open("seq", &[("dur", &dur)]).newline();
    for p in section.phrases() {
        let par = format!("p-{}", p.id);
        let tid = text_id(&p.id);
        let src = format!("{CONTENT}#{}", p.id);
        let (begin, end) = (
            format!("npt={}", seconds(p.start_ms)),
            format!("npt={}", seconds(p.end_ms)),
        );
        let aid = format!("a-{}", p.id);
        x.open("par", &[("endsync", "last"), ("id", &par)])
            .newline();
        x.empty("text", &[("src", &src), ("id", &tid)]).newline();
        x.empty(
            "audio",
            &[
                ("src", AUDIO),
                ("clip-begin", &begin),
                ("clip-end", &end),
                ("id", &aid),
            ],
        )
        .newline();
        x.close("par").newline();
    }
    x.close("seq").newline();
    x.close("body").newline();
    x.close("smil").newline();
    x.finish()
}

/// The full text: a heading per section, a paragraph per paragraph, a span
/// per phrase (the targets of the SMIL `text` elements).
fn content(book: &Book, sections: &[&Section]) -> io::Result<Vec<u8>> {
    let mut x = xhtml_head(book);
    x.close("head").newline();
    x.open("body", &[]).newline();
    for s in sections {
        x.open(
            "div",
            &[("id", &s.id), ("lang", &s.lang), ("xml:lang", &s.lang)],
        )
        .newline();
        s.write_text(&mut x);
        x.close("div").newline();
    }
    x.close("body").newline();
    x.close("html").newline();
    x.finish()
}
