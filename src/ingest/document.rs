//! ingest: the entry point from a document to its articles. The format is
//! detected (see `format`), and the reader for it yields one article or,
//! for a feed, a JSON array, JSON Lines or a `newsMessage`, several.

use super::article::Article;
use super::decode::decode;
use super::error::IngestError;
use super::feed::parse_feed;
use super::format::{sniff, Format};
use super::input::Document;
use super::json::{parse_json, parse_json_lines};
use super::markdown::parse_markdown;
use super::newsml::parse_newsml;
use super::page::parse_page;
use super::parse::parse_text;
use super::playlist::is_playlist;

/// Every article in a document, in document order; the first article that
/// cannot be read stops it, naming the file and the item (`feed.xml#3`).
pub fn parse_document(doc: &Document) -> Result<Vec<Article>, IngestError> {
    parse_document_each(doc).into_iter().collect()
}

/// Like [`parse_document`], with a result per article, so that one bad item
/// of a feed can be reported and the rest read. A document that cannot be
/// read at all gives one error. A playlist gives
/// [`IngestError::IsPlaylist`]: its entries are inputs, see
/// [`read_playlist`](super::read_playlist).
pub fn parse_document_each(doc: &Document) -> Vec<Result<Article, IngestError>> {
    let origin = doc.origin.as_str();
    if is_playlist(doc) {
        return vec![Err(IngestError::IsPlaylist {
            origin: origin.to_owned(),
        })];
    }
    let text = match decode(origin, &doc.bytes) {
        Ok(t) => t,
        Err(e) => return vec![Err(e)],
    };
    match sniff(origin, &text) {
        Ok(format) => parse_as(origin, &text, format),
        Err(e) => vec![Err(e)],
    }
}

/// Reads decoded text as the given format.
fn parse_as(origin: &str, text: &str, format: Format) -> Vec<Result<Article, IngestError>> {
    match format {
        Format::Text => vec![parse_text(origin, text)],
        Format::Markdown => vec![parse_markdown(origin, text)],
        Format::Json | Format::Ninjs => parse_json(origin, text),
        Format::JsonLines => parse_json_lines(origin, text),
        Format::Rss | Format::Atom => parse_feed(origin, text),
        Format::NewsMl => parse_newsml(origin, text),
        Format::Html => vec![parse_page(origin, text)],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(origin: &str, text: &str) -> Document {
        Document {
            origin: origin.into(),
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn one_bad_item_does_not_hide_the_rest() {
        let d = doc(
            "day.json",
            r#"[{"title":"A","body":"One."},{"title":"B"},{"title":"C","body":"Three."}]"#,
        );
        let each = parse_document_each(&d);
        assert_eq!(each.len(), 3);
        assert!(each[0].is_ok() && each[2].is_ok());
        let e = parse_document(&d).unwrap_err().to_string();
        assert_eq!(e, "day.json#2: article \"B\" has a title but no body text");
    }

    #[test]
    fn a_playlist_is_not_an_article() {
        let e = parse_document(&doc("day/m.list", "a.txt\n")).unwrap_err();
        assert!(matches!(e, IngestError::IsPlaylist { .. }), "{e}");
        assert!(e.to_string().starts_with("day/m.list: is a playlist"));
    }

    #[test]
    fn decoding_comes_first() {
        let e = parse_document(&Document {
            origin: "a.json".into(),
            bytes: b"{\"title\": \"Caf\xe9\"}".to_vec(),
        })
        .unwrap_err();
        assert!(e.to_string().contains("not valid UTF-8"), "{e}");
    }
}
