//! Fuzz target: the article parser. Arbitrary bytes as a document, decoded and laid out
//! into an `Article`; the invariants are those `Article`'s fields document.

#![no_main]

use bulletin::ingest::{parse, Article, Document};
use libfuzzer_sys::fuzz_target;

const ORIGIN: &str = "fuzz/article.txt";

fn document(bytes: Vec<u8>) -> Document {
    Document {
        origin: ORIGIN.to_owned(),
        bytes,
    }
}

/// The ingest stage's notion of blank: whitespace plus the invisible characters
/// editors leave behind.
fn is_blank(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}' | '\u{2060}'))
}

fn check(article: &Article) {
    assert_eq!(article.origin, ORIGIN);
    assert!(!is_blank(&article.title), "blank title: {article:?}");
    assert!(
        !article.title.contains(['\n', '\r']),
        "title spans lines: {article:?}"
    );
    assert!(!article.paragraphs.is_empty(), "no paragraphs: {article:?}");
    for p in &article.paragraphs {
        assert!(!is_blank(p), "blank paragraph: {article:?}");
        assert!(
            !p.contains('\r'),
            "carriage return survived decoding: {p:?}"
        );
        assert!(!p.contains('\0'), "NUL in a paragraph: {p:?}");
    }
    if let Some(byline) = &article.byline {
        assert!(
            !byline.name.trim().is_empty(),
            "byline without a name: {byline:?}"
        );
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(article) = parse(&document(data.to_vec())) else {
        return;
    };
    check(&article);

    // Line endings and a byte-order mark are not content: the same article saved
    // with CRLF, or with a BOM, parses to the same thing.
    if !data.contains(&b'\r') {
        let mut crlf = Vec::with_capacity(data.len() * 2);
        for &b in data {
            if b == b'\n' {
                crlf.push(b'\r');
            }
            crlf.push(b);
        }
        let again = parse(&document(crlf)).expect("CRLF copy of a good article failed");
        assert_eq!(again, article, "CRLF changed the article");
    }
    if !data.starts_with(b"\xEF\xBB\xBF") {
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(data);
        let again = parse(&document(bom)).expect("BOM copy of a good article failed");
        assert_eq!(again, article, "a BOM changed the article");
    }
});
