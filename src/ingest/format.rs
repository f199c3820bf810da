//! ingest: which format a document is in, judged by its content, with the
//! file extension as a hint where the content leaves a choice (plain text
//! or Markdown; a `[` that opens a title or a JSON array).

use std::fmt;
use std::path::Path;

use serde_json::Value;

use super::chars::{is_blank, trim_blank};
use super::decode::decode;
use super::error::IngestError;
use super::fields::Fields;
use super::input::Document;
use super::ninjs::is_ninjs;
use super::tidy::looks_like_html;

/// The formats a document can be read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// The seed text layout (see DESIGN.md).
    Text,
    Markdown,
    /// One article object, or an array of them.
    Json,
    /// One article object per line.
    JsonLines,
    /// An IPTC ninjs item (1.x or 2.x).
    Ninjs,
    /// RSS 2.0 (or 1.0).
    Rss,
    Atom,
    /// An IPTC NewsML-G2 `newsItem` or `newsMessage`.
    NewsMl,
    /// An HTML article page.
    Html,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "plain text",
            Format::Markdown => "Markdown",
            Format::Json => "JSON",
            Format::JsonLines => "JSON Lines",
            Format::Ninjs => "ninjs",
            Format::Rss => "RSS",
            Format::Atom => "Atom",
            Format::NewsMl => "NewsML-G2",
            Format::Html => "HTML",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// What the file name suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hint {
    Text,
    Markdown,
    Json,
    JsonLines,
    Xml,
    Html,
    None,
}

/// The format of a document (decoding it first, so that a bad file fails
/// as it would when parsed).
pub fn detect_format(doc: &Document) -> Result<Format, IngestError> {
    let text = decode(&doc.origin, &doc.bytes)?;
    sniff(&doc.origin, &text)
}

/// The lower-case extension of a path or of a URL's path.
pub(crate) fn extension(origin: &str) -> Option<String> {
    let path = match url::Url::parse(origin) {
        Ok(u) if matches!(u.scheme(), "http" | "https") => u.path().to_owned(),
        _ => origin.to_owned(),
    };
    Path::new(&path)
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

fn hint(origin: &str) -> Hint {
    match extension(origin).as_deref() {
        Some("txt" | "text") => Hint::Text,
        Some("md" | "markdown" | "mdown" | "mkd") => Hint::Markdown,
        Some("json") => Hint::Json,
        Some("jsonl" | "ndjson") => Hint::JsonLines,
        Some("xml" | "rss" | "atom" | "rdf") => Hint::Xml,
        Some("html" | "htm" | "xhtml") => Hint::Html,
        _ => Hint::None,
    }
}

/// Decides the format of decoded text.
pub(crate) fn sniff(origin: &str, text: &str) -> Result<Format, IngestError> {
    let hint = hint(origin);
    let start = text.trim_start_matches(is_blank);
    match start.chars().next() {
        Some('{' | '[') => {
            if let Some(format) = sniff_json(origin, text, start, hint)? {
                return Ok(format);
            }
        }
        Some('<') => {
            if let Some(format) = sniff_markup(origin, start, hint)? {
                return Ok(format);
            }
        }
        _ => {}
    }
    let malformed = |format, detail: &str| IngestError::Malformed {
        origin: origin.to_owned(),
        format,
        detail: detail.to_owned(),
    };
    if start.starts_with("---\n") || start.starts_with("+++\n") {
        return Ok(Format::Markdown);
    }
    match hint {
        Hint::Markdown => Ok(Format::Markdown),
        Hint::Text => Ok(Format::Text),
        Hint::Json | Hint::JsonLines => Err(malformed("JSON", "it does not start with { or [")),
        Hint::Xml => Err(malformed("XML", "it does not start with <")),
        Hint::Html if looks_like_html(text) => Ok(Format::Html),
        Hint::Html | Hint::None if markdown_signs(text) => Ok(Format::Markdown),
        Hint::Html | Hint::None => Ok(Format::Text),
    }
}

/// `Some` when the text is JSON (or JSON Lines), an error when it must be
/// JSON and is not, `None` when it may be text after all (`[Update] …`).
fn sniff_json(
    origin: &str,
    text: &str,
    start: &str,
    hint: Hint,
) -> Result<Option<Format>, IngestError> {
    let first_line_is_object = || {
        start
            .lines()
            .next()
            .and_then(|l| serde_json::from_str::<Value>(l).ok())
            .is_some_and(|v| v.is_object())
    };
    if hint == Hint::JsonLines && start.starts_with('{') {
        return Ok(Some(Format::JsonLines));
    }
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => {
            if is_ninjs(&Fields::new(&map, origin)) {
                Ok(Some(Format::Ninjs))
            } else {
                Ok(Some(Format::Json))
            }
        }
        Ok(_) => Ok(Some(Format::Json)),
        Err(_) if first_line_is_object() => Ok(Some(Format::JsonLines)),
        Err(e) => {
            let after = trim_blank(&start[1..]);
            let looks_json = matches!(after.chars().next(), Some('"' | '{' | '}' | ']'))
                || (start.starts_with('[') && after.starts_with('['));
            if hint == Hint::Json || (hint != Hint::Text && hint != Hint::Markdown && looks_json) {
                Err(IngestError::Malformed {
                    origin: origin.to_owned(),
                    format: "JSON",
                    detail: e.to_string(),
                })
            } else {
                Ok(None)
            }
        }
    }
}

/// `Some` for XML and HTML, an error for XML of another kind, `None` when a
/// `<` opens plain text (`<三体>` or `< 5 minutes`).
fn sniff_markup(origin: &str, start: &str, hint: Hint) -> Result<Option<Format>, IngestError> {
    let Some(root) = root_element(start) else {
        return Ok(match hint {
            Hint::Html => Some(Format::Html),
            _ => None,
        });
    };
    let local = root.rsplit(':').next().unwrap_or(&root);
    match local {
        "rss" | "RDF" => return Ok(Some(Format::Rss)),
        "feed" => return Ok(Some(Format::Atom)),
        "newsItem" | "newsMessage" => return Ok(Some(Format::NewsMl)),
        _ => {}
    }
    let lower = local.to_ascii_lowercase();
    if root == "!doctype html" || is_html_element(&lower) || hint == Hint::Html {
        return Ok(Some(Format::Html));
    }
    match hint {
        Hint::Text | Hint::Markdown => Ok(None),
        _ => Err(IngestError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: format!(
                "it looks like XML with root element <{root}>, which is not RSS, Atom or NewsML-G2"
            ),
        }),
    }
}

/// The name of the first element, past the XML declaration, comments,
/// processing instructions and a DOCTYPE (`!doctype html` for an HTML one).
fn root_element(mut s: &str) -> Option<String> {
    for _ in 0..1000 {
        s = s.trim_start_matches(is_blank);
        if let Some(rest) = s.strip_prefix("<?") {
            s = &rest[rest.find("?>")? + 2..];
        } else if let Some(rest) = s.strip_prefix("<!--") {
            s = &rest[rest.find("-->")? + 3..];
        } else if s
            .get(..9)
            .is_some_and(|h| h.eq_ignore_ascii_case("<!doctype"))
        {
            let rest = &s[9..];
            let end = rest.find('>')?;
            if trim_blank(&rest[..end])
                .to_ascii_lowercase()
                .starts_with("html")
            {
                return Some("!doctype html".to_owned());
            }
            // An internal subset `[ … ]` may hold `>`.
            s = match (rest.find('['), rest.find("]>")) {
                (Some(open), Some(close)) if open < end => &rest[close + 2..],
                _ => &rest[end + 1..],
            };
        } else {
            let rest = s.strip_prefix('<')?;
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
                .collect();
            let first = name.chars().next()?;
            return (first.is_ascii_alphabetic() || first == '_').then_some(name);
        }
    }
    None
}

fn is_html_element(name: &str) -> bool {
    matches!(
        name,
        "html"
            | "head"
            | "body"
            | "meta"
            | "title"
            | "link"
            | "article"
            | "main"
            | "section"
            | "div"
            | "p"
            | "h1"
            | "h2"
            | "h3"
            | "header"
            | "nav"
            | "span"
            | "a"
            | "ul"
            | "ol"
            | "table"
            | "figure"
            | "script"
            | "style"
            | "br"
            | "img"
            | "b"
            | "i"
            | "em"
            | "strong"
    )
}

/// Markup that the seed layout would read out: code fences, links, bold,
/// inline code, block quotes.
fn markdown_signs(text: &str) -> bool {
    let lines = || text.lines().take(2000);
    lines().any(|l| {
        let l = l.trim_start();
        l.starts_with("```") || l.starts_with("~~~") || l.starts_with("> ")
    }) || text.contains("](")
        || text.matches("**").count() >= 2
        || text.matches('`').count() >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(origin: &str, text: &str) -> Result<Format, String> {
        sniff(origin, text).map_err(|e| e.to_string())
    }

    #[test]
    fn content_decides() {
        assert_eq!(f("a.txt", "Title\n\nBody."), Ok(Format::Text));
        assert_eq!(f("a.md", "Title\n\nBody."), Ok(Format::Markdown));
        assert_eq!(f("-", "# T\n\n**bold** body"), Ok(Format::Markdown));
        assert_eq!(f("a.txt", "---\ntitle: x\n---\nBody"), Ok(Format::Markdown));
        assert_eq!(
            f("a.txt", "{\"title\":\"t\",\"body\":\"b\"}"),
            Ok(Format::Json)
        );
        assert_eq!(f("a", "[{\"title\":\"t\"}]"), Ok(Format::Json));
        assert_eq!(f("a.json", "{\"a\":1}\n{\"a\":2}\n"), Ok(Format::JsonLines));
        assert_eq!(f("a.jsonl", "{\"a\":1}"), Ok(Format::JsonLines));
        assert_eq!(
            f("a.json", "{\"uri\":\"u\",\"headline\":\"h\"}"),
            Ok(Format::Ninjs)
        );
        assert_eq!(
            f("a", "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"/>"),
            Ok(Format::Rss)
        );
        assert_eq!(
            f("a.xml", "<feed xmlns=\"http://www.w3.org/2005/Atom\"/>"),
            Ok(Format::Atom)
        );
        assert_eq!(f("a.xml", "<!-- c --><newsMessage/>"), Ok(Format::NewsMl));
        assert_eq!(f("a.txt", "<!DOCTYPE html><p>x"), Ok(Format::Html));
        assert_eq!(f("a", "<html><body>x</body></html>"), Ok(Format::Html));
        assert_eq!(
            f("a.html", "<custom-page>x</custom-page>"),
            Ok(Format::Html)
        );
        assert_eq!(
            f("https://example.org/news/feed.rss?x=1", "<rss/>"),
            Ok(Format::Rss)
        );
    }

    #[test]
    fn text_that_only_starts_like_markup() {
        assert_eq!(
            f("a.txt", "[Update] Council votes\n\nBody."),
            Ok(Format::Text)
        );
        assert_eq!(f("-", "[Update] Council votes\n\nBody."), Ok(Format::Text));
        assert_eq!(f("a.txt", "<三体>热播\n\n正文。"), Ok(Format::Text));
        assert_eq!(f("a.txt", "<Breaking> Council\n\nBody."), Ok(Format::Text));
    }

    #[test]
    fn what_matches_nothing_is_named() {
        assert_eq!(
            f("x.xml", "<?xml version=\"1.0\"?><foo><bar/></foo>"),
            Err("x.xml: not an article in a known format: it looks like XML with root element <foo>, which is not RSS, Atom or NewsML-G2".into())
        );
        assert!(f("x.json", "{\"title\": ")
            .unwrap_err()
            .starts_with("x.json: not valid JSON (EOF"));
        assert!(f("x", "{\"title\": ")
            .unwrap_err()
            .starts_with("x: not valid JSON ("));
        assert_eq!(
            f("x.json", "Title\n\nBody"),
            Err("x.json: not valid JSON (it does not start with { or [)".into())
        );
        assert_eq!(
            f("x.xml", "Title"),
            Err("x.xml: not valid XML (it does not start with <)".into())
        );
    }
}
