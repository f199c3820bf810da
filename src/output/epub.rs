//! output: the EPUB 3 talking book (`NAME.epub`) with Media Overlays,
//! rendered from the [`Book`]: one XHTML document per spoken section with
//! an id on every phrase, a SMIL overlay per document whose clips are the
//! manifest's spans, a navigation document listing the articles, a language
//! per document, and accessibility metadata. [`package`] zips it, the
//! `mimetype` entry first and stored, as the OCF container requires.

use std::io::{self, Read, Seek, Write};

use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use super::book::{clock, seconds, Book, Section, SectionKind};
use super::xml::Xml;

/// The audio inside the container.
pub const AUDIO: &str = "EPUB/audio/bulletin.mp3";
const AUDIO_HREF: &str = "audio/bulletin.mp3";
const XHTML_NS: &str = "http://www.w3.org/1999/xhtml";
const OPS_NS: &str = "http://www.idpf.org/2007/ops";
const ACTIVE_CLASS: &str = "-epub-media-overlay-active";
const STYLE: &str =
    "body { line-height: 1.6; }\n.-epub-media-overlay-active { background-color: #fde68a; }\n";

/// Every file of the container but `mimetype` and the audio: (path, bytes).
pub fn render(book: &Book) -> io::Result<Vec<(String, Vec<u8>)>> {
    let sections: Vec<&Section> = book.spoken_sections().collect();
    let mut files = vec![("META-INF/container.xml".to_owned(), container()?)];
    files.push(("EPUB/package.opf".to_owned(), opf(book, &sections)?));
    files.push(("EPUB/nav.xhtml".to_owned(), nav(book, &sections)?));
    files.push(("EPUB/style.css".to_owned(), STYLE.as_bytes().to_vec()));
    for (i, s) in sections.iter().enumerate() {
        let n = i + 1;
        files.push((format!("EPUB/s{n}.xhtml"), document(book, s)?));
        files.push((format!("EPUB/s{n}.smil"), overlay(s, n)?));
    }
    Ok(files)
}

/// Writes the container: `mimetype` stored first, then `files`, then the
/// audio read from `audio` (stored: MP3 does not deflate).
pub fn package<W: Write + Seek>(
    out: W,
    files: &[(String, Vec<u8>)],
    audio: &mut dyn Read,
) -> io::Result<()> {
    let zerr = |e: zip::result::ZipError| io::Error::other(e.to_string());
    let mut zip = zip::ZipWriter::new(out);
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("mimetype", stored).map_err(zerr)?;
    zip.write_all(b"application/epub+zip")?;
    for (path, bytes) in files {
        zip.start_file(path.as_str(), deflated).map_err(zerr)?;
        zip.write_all(bytes)?;
    }
    zip.start_file(AUDIO, stored).map_err(zerr)?;
    io::copy(audio, &mut zip)?;
    zip.finish().map_err(zerr)?;
    Ok(())
}

fn container() -> io::Result<Vec<u8>> {
    let mut x = Xml::new();
    x.declaration();
    x.open(
        "container",
        &[
            ("version", "1.0"),
            ("xmlns", "urn:oasis:names:tc:opendocument:xmlns:container"),
        ],
    )
    .newline();
    x.open("rootfiles", &[]).newline();
    x.empty(
        "rootfile",
        &[
            ("full-path", "EPUB/package.opf"),
            ("media-type", "application/oebps-package+xml"),
        ],
    )
    .newline();
    x.close("rootfiles").newline();
    x.close("container").newline();
    x.finish()
}

/// `CCYY-MM-DDThh:mm:ssZ`, the form `dcterms:modified` must have.
fn modified(created: &str) -> String {
    let when = chrono::DateTime::parse_from_rfc3339(created)
        .map(|d| d.with_timezone(&chrono::Utc))
        .unwrap_or_else(|_| chrono::Utc::now());
    when.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn opf(book: &Book, sections: &[&Section]) -> io::Result<Vec<u8>> {
    let lang = book.languages.first().map_or("und", String::as_str);
    let mut x = Xml::new();
    x.declaration();
    x.open(
        "package",
        &[
            ("xmlns", "http://www.idpf.org/2007/opf"),
            ("version", "3.0"),
            ("unique-identifier", "uid"),
            ("xml:lang", lang),
        ],
    )
    .newline();
    x.open(
        "metadata",
        &[("xmlns:dc", "http://purl.org/dc/elements/1.1/")],
    )
    .newline();
    x.leaf("dc:identifier", &[("id", "uid")], &book.identifier)
        .newline();
    x.leaf("dc:title", &[], &book.title).newline();
    for l in &book.languages {
        x.leaf("dc:language", &[], l).newline();
    }
    x.leaf("dc:creator", &[], &book.publisher).newline();
    x.leaf("dc:publisher", &[], &book.publisher).newline();
    let when = modified(&book.created);
    x.leaf("dc:date", &[], &when).newline();
    x.leaf("meta", &[("property", "dcterms:modified")], &when)
        .newline();
    let mut total = 0;
    for (i, s) in sections.iter().enumerate() {
        let played = s.played_ms();
        total += played;
        let refines = format!("#mo{}", i + 1);
        x.leaf(
            "meta",
            &[("property", "media:duration"), ("refines", &refines)],
            &clock(played),
        )
        .newline();
    }
    x.leaf("meta", &[("property", "media:duration")], &clock(total))
        .newline();
    for n in &book.narrators {
        x.leaf("meta", &[("property", "media:narrator")], n)
            .newline();
    }
    x.leaf("meta", &[("property", "media:active-class")], ACTIVE_CLASS)
        .newline();
    for (property, value) in [
        ("schema:accessMode", "textual"),
        ("schema:accessMode", "auditory"),
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessModeSufficient", "auditory"),
        ("schema:accessibilityFeature", "synchronizedAudioText"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityHazard", "none"),
        (
            "schema:accessibilitySummary",
            "A spoken news bulletin with its full text. Every sentence is synchronized \
             with the recorded speech; each article is a heading in the table of contents.",
        ),
    ] {
        x.leaf("meta", &[("property", property)], value).newline();
    }
    x.close("metadata").newline();

    x.open("manifest", &[]).newline();
    x.empty(
        "item",
        &[
            ("id", "nav"),
            ("href", "nav.xhtml"),
            ("media-type", "application/xhtml+xml"),
            ("properties", "nav"),
        ],
    )
    .newline();
    x.empty(
        "item",
        &[
            ("id", "css"),
            ("href", "style.css"),
            ("media-type", "text/css"),
        ],
    )
    .newline();
    x.empty(
        "item",
        &[
            ("id", "audio"),
            ("href", AUDIO_HREF),
            ("media-type", "audio/mpeg"),
        ],
    )
    .newline();
    for i in 1..=sections.len() {
        let (id, href, mo, mo_href) = (
            format!("s{i}"),
            format!("s{i}.xhtml"),
            format!("mo{i}"),
            format!("s{i}.smil"),
        );
        x.empty(
            "item",
            &[
                ("id", &id),
                ("href", &href),
                ("media-type", "application/xhtml+xml"),
                ("media-overlay", &mo),
            ],
        )
        .newline();
        x.empty(
            "item",
            &[
                ("id", &mo),
                ("href", &mo_href),
                ("media-type", "application/smil+xml"),
            ],
        )
        .newline();
    }
    x.close("manifest").newline();
    x.open("spine", &[]).newline();
    for i in 1..=sections.len() {
        let id = format!("s{i}");
        x.empty("itemref", &[("idref", &id)]).newline();
    }
    x.close("spine").newline();
    x.close("package").newline();
    x.finish()
}

fn xhtml_head(x: &mut Xml, lang: &str, title: &str) {
    x.declaration().doctype("html");
    x.open(
        "html",
        &[
            ("xmlns", XHTML_NS),
            ("xmlns:epub", OPS_NS),
            ("lang", lang),
            ("xml:lang", lang),
        ],
    )
    .newline();
    x.open("head", &[]).newline();
    x.empty("meta", &[("charset", "utf-8")]).newline();
    x.leaf("title", &[], title).newline();
    x.empty(
        "link",
        &[
            ("rel", "stylesheet"),
            ("type", "text/css"),
            ("href", "style.css"),
        ],
    )
    .newline();
    x.close("head").newline();
}

fn nav(book: &Book, sections: &[&Section]) -> io::Result<Vec<u8>> {
    let lang = book.languages.first().map_or("und", String::as_str);
    let mut x = Xml::new();
    xhtml_head(&mut x, lang, &book.title);
    x.open("body", &[]).newline();
    x.open("nav", &[("epub:type", "toc"), ("id", "toc")])
        .newline();
    x.leaf("h1", &[], &book.title).newline();
    x.open("ol", &[]).newline();
    for (i, s) in sections.iter().enumerate() {
        let href = format!("s{}.xhtml#{}", i + 1, s.id);
        x.open("li", &[("lang", &s.lang), ("xml:lang", &s.lang)])
            .leaf("a", &[("href", &href)], &s.heading)
            .close("li")
            .newline();
    }
    x.close("ol").newline();
    x.close("nav").newline();
    x.close("body").newline();
    x.close("html").newline();
    x.finish()
}

fn document(book: &Book, s: &Section) -> io::Result<Vec<u8>> {
    let mut x = Xml::new();
    let title = if s.kind == SectionKind::Opening {
        book.title.clone()
    } else {
        s.heading.clone()
    };
    xhtml_head(&mut x, &s.lang, &title);
    x.open("body", &[]).newline();
    let kind = match s.kind {
        SectionKind::Article(_) => "chapter",
        SectionKind::Opening => "preamble",
        SectionKind::Closing => "conclusion",
    };
    x.open("section", &[("id", &s.id), ("epub:type", kind)])
        .newline();
    s.write_text(&mut x);
    x.close("section").newline();
    x.close("body").newline();
    x.close("html").newline();
    x.finish()
}

fn overlay(s: &Section, n: usize) -> io::Result<Vec<u8>> {
    let doc = format!("s{n}.xhtml");
    let mut x = Xml::new();
    x.declaration();
    x.open(
        "smil",
        &[
            ("xmlns", "http://www.w3.org/ns/SMIL"),
            ("xmlns:epub", OPS_NS),
            ("version", "3.0"),
        ],
    )
    .newline();
    x.open("body", &[]).newline();
    let textref = format!("{doc}#{}", s.id);
    x.open("seq", &[("id", "seq1"), ("epub:textref", &textref)])
        .newline();
    for p in s.phrases() {
        let (id, src) = (format!("par-{}", p.id), format!("{doc}#{}", p.id));
        let (begin, end) = (seconds(p.start_ms), seconds(p.end_ms));
        x.open("par", &[("id", &id)]).newline();
        x.empty("text", &[("src", &src)]).newline();
        x.empty(
            "audio",
            &[
                ("src", AUDIO_HREF),
                ("clipBegin", &begin),
                ("clipEnd", &end),
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
