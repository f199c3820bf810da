//! ingest: a body field (JSON `body`, ninjs `bodies`, NewsML-G2
//! `inlineData`, a feed item's description) → paragraphs, whether it holds
//! HTML or plain text.

use super::chars::is_blank_str;
use super::html::fragment_paragraphs;
use super::layout::block_paragraphs;
use super::tidy::looks_like_html;

/// Whether a body is known to be HTML, known to be plain text, or to be
/// judged by its look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Markup {
    Html,
    Plain,
    Unknown,
}

impl Markup {
    /// From a MIME type such as `text/html` or `text/plain`.
    pub(crate) fn of_media_type(media_type: Option<&str>) -> Markup {
        let Some(t) = media_type else {
            return Markup::Unknown;
        };
        let t = t.to_ascii_lowercase();
        if t.contains("html") || t == "xhtml" || t == "html" {
            Markup::Html
        } else if t.starts_with("text/plain") || t == "text" || t == "plain" {
            Markup::Plain
        } else {
            Markup::Unknown
        }
    }
}

/// The paragraphs of a body. Plain text is split at blank lines, and each
/// block as the seed layout splits one (a line ending a sentence ends its
/// paragraph; hard-wrapped lines are joined).
pub(crate) fn body_paragraphs(text: &str, markup: Markup) -> Vec<String> {
    let html = match markup {
        Markup::Html => true,
        Markup::Plain => false,
        Markup::Unknown => looks_like_html(text),
    };
    if html {
        return fragment_paragraphs(text);
    }
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut paragraphs = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.split('\n').chain(std::iter::once("")) {
        if is_blank_str(line) {
            if !block.is_empty() {
                paragraphs.extend(block_paragraphs(&block));
                block.clear();
            }
        } else {
            block.push(line);
        }
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_html_bodies() {
        assert_eq!(
            body_paragraphs(
                "First.\n\nSecond, wrapped\nonto a line.\r\n\r\nThird.",
                Markup::Unknown
            ),
            vec!["First.", "Second, wrapped onto a line.", "Third."]
        );
        assert_eq!(
            body_paragraphs("<p>One &amp; two.</p><p>Three.</p>", Markup::Unknown),
            vec!["One & two.", "Three."]
        );
        assert_eq!(body_paragraphs("a <b> c", Markup::Plain), vec!["a <b> c"]);
        assert_eq!(Markup::of_media_type(Some("text/html")), Markup::Html);
        assert_eq!(
            Markup::of_media_type(Some("application/xhtml+xml")),
            Markup::Html
        );
        assert_eq!(
            Markup::of_media_type(Some("text/plain; charset=utf-8")),
            Markup::Plain
        );
    }
}
