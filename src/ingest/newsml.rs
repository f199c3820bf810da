//! ingest: IPTC NewsML-G2 → articles. A `newsItem` is one article; a
//! `newsMessage` holds several in its `itemSet` (items that are not text,
//! such as pictures, are passed over; each article keeps its position among
//! the message's items, so `wire.xml#3` is the third `newsItem`).
//!
//! - title: `contentMeta/headline`; author: `contentMeta/by` (else
//!   `creator/name`), without a leading "By";
//! - language: the item's `xml:lang`, else `contentMeta/language/@tag`;
//! - source: `itemMeta/provider` (its name, literal or qcode), else the
//!   copyright holder; published: `itemMeta/versionCreated` (else
//!   `firstCreated`); priority: `contentMeta/urgency`; id: `@guid`;
//! - body: the XHTML of `inlineXML` (through the shared HTML reducer) or the
//!   text of `inlineData`.

use roxmltree::{Document as Xml, Node, ParsingOptions};

use super::article::Article;
use super::body::{body_paragraphs, Markup};
use super::draft::Draft;
use super::error::IngestError;
use super::tidy::collapse_blanks;

/// Parses a `newsItem` or `newsMessage` document.
pub(crate) fn parse_newsml(origin: &str, text: &str) -> Vec<Result<Article, IngestError>> {
    let options = ParsingOptions {
        allow_dtd: false,
        nodes_limit: 2_000_000,
        ..ParsingOptions::default()
    };
    let xml = match Xml::parse_with_options(text, options) {
        Ok(x) => x,
        Err(e) => {
            return vec![Err(IngestError::Malformed {
                origin: origin.to_owned(),
                format: "XML",
                detail: e.to_string(),
            })]
        }
    };
    let root = xml.root_element();
    if root.tag_name().name() == "newsItem" {
        return vec![item(root).finish(origin, None)];
    }
    let items: Vec<Node<'_, '_>> = children(root, "itemSet")
        .flat_map(|set| children(set, "newsItem"))
        .collect();
    let results: Vec<Result<Article, IngestError>> = items
        .iter()
        .enumerate()
        .filter(|(_, n)| is_text(**n))
        .map(|(i, n)| item(*n).finish(origin, Some(i + 1)))
        .collect();
    if results.is_empty() {
        return vec![Err(IngestError::NoArticles {
            origin: origin.to_owned(),
            what: "the NewsML-G2 newsMessage",
        })];
    }
    results
}

/// Whether an item is text (`ninat:text`); an item that does not say is.
fn is_text(item: Node<'_, '_>) -> bool {
    child(item, "itemMeta")
        .and_then(|m| child(m, "itemClass"))
        .and_then(|c| c.attribute("qcode"))
        .is_none_or(|q| q.to_ascii_lowercase().ends_with("text"))
}

fn item(item: Node<'_, '_>) -> Draft {
    let meta = child(item, "itemMeta");
    let content = child(item, "contentMeta");
    let title = content.and_then(|c| child(c, "headline")).map(text_of);
    let author = content
        .and_then(|c| child(c, "by"))
        .map(text_of)
        .or_else(|| {
            content
                .and_then(|c| child(c, "creator"))
                .and_then(|c| name_of(c))
        })
        .map(|b| {
            ["By ", "by ", "BY "]
                .iter()
                .find_map(|p| b.strip_prefix(p))
                .unwrap_or(&b)
                .to_owned()
        });
    let language = item
        .attribute((roxmltree::NS_XML_URI, "lang"))
        .map(str::to_owned)
        .or_else(|| {
            content
                .and_then(|c| child(c, "language"))
                .and_then(|l| l.attribute("tag"))
                .map(str::to_owned)
        });
    let source = meta
        .and_then(|m| child(m, "provider"))
        .and_then(name_of)
        .or_else(|| {
            child(item, "rightsInfo")
                .and_then(|r| child(r, "copyrightHolder"))
                .and_then(name_of)
        });
    let published = meta.and_then(|m| {
        child(m, "versionCreated")
            .or_else(|| child(m, "firstCreated"))
            .map(text_of)
    });
    let priority = content
        .and_then(|c| child(c, "urgency"))
        .and_then(|u| text_of(u).parse().ok());
    Draft {
        title,
        paragraphs: body(item),
        source,
        author,
        published,
        language,
        priority,
        id: item.attribute("guid").map(str::to_owned),
        ..Draft::default()
    }
}

/// The paragraphs of the first `inlineXML` or `inlineData` of the
/// `contentSet`.
fn body(item: Node<'_, '_>) -> Vec<String> {
    let Some(set) = child(item, "contentSet") else {
        return Vec::new();
    };
    for content in set.children().filter(Node::is_element) {
        let markup = Markup::of_media_type(content.attribute("contenttype"));
        match content.tag_name().name() {
            "inlineXML" => {
                let body = content
                    .descendants()
                    .find(|n| n.is_element() && n.tag_name().name() == "body")
                    .unwrap_or(content);
                return body_paragraphs(&to_html(body), Markup::Html);
            }
            "inlineData" => {
                let text: String = content
                    .descendants()
                    .filter(Node::is_text)
                    .filter_map(|n| n.text())
                    .collect();
                let markup = if markup == Markup::Unknown {
                    Markup::Plain
                } else {
                    markup
                };
                return body_paragraphs(&text, markup);
            }
            _ => {}
        }
    }
    Vec::new()
}

/// The children of an element inside `node` as HTML, every element closed
/// explicitly (XHTML's `<a/>` would open a link to the end in HTML). Walked
/// with a stack, so no depth overflows.
fn to_html(node: Node<'_, '_>) -> String {
    let mut out = String::new();
    let mut stack: Vec<(Node<'_, '_>, bool)> = node.children().rev().map(|c| (c, false)).collect();
    while let Some((n, closing)) = stack.pop() {
        let name = n.tag_name().name();
        if closing {
            if !matches!(name, "br" | "hr" | "img") {
                out.push_str("</");
                out.push_str(name);
                out.push('>');
            }
            continue;
        }
        if n.is_text() {
            escape(n.text().unwrap_or_default(), &mut out);
        } else if n.is_element() {
            out.push('<');
            out.push_str(name);
            for a in n.attributes() {
                out.push(' ');
                out.push_str(a.name());
                out.push_str("=\"");
                escape(a.value(), &mut out);
                out.push('"');
            }
            out.push('>');
            stack.push((n, true));
            let children: Vec<_> = n.children().collect();
            stack.extend(children.into_iter().rev().map(|c| (c, false)));
        }
    }
    out
}

fn escape(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

fn children<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> impl Iterator<Item = Node<'a, 'i>> {
    node.children()
        .filter(move |c| c.is_element() && c.tag_name().name() == name)
}

fn child<'a, 'i>(node: Node<'a, 'i>, name: &'static str) -> Option<Node<'a, 'i>> {
    children(node, name).next()
}

/// All the text inside an element, on one line.
fn text_of(node: Node<'_, '_>) -> String {
    let text: String = node
        .descendants()
        .filter(Node::is_text)
        .filter_map(|n| n.text())
        .collect();
    collapse_blanks(&text)
}

/// A party's name: its `name` child, else `@literal`, else the code of
/// `@qcode` (`nprov:HGZ` → `HGZ`).
fn name_of(node: Node<'_, '_>) -> Option<String> {
    child(node, "name")
        .map(text_of)
        .filter(|n| !n.is_empty())
        .or_else(|| node.attribute("literal").map(str::to_owned))
        .or_else(|| {
            node.attribute("qcode")
                .map(|q| q.rsplit(':').next().unwrap_or(q).to_owned())
        })
        .filter(|n| !n.trim().is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn self_closed_xhtml_elements_stay_closed() {
        let xml = r#"<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="g1"><contentMeta><headline>H</headline></contentMeta><contentSet><inlineXML contenttype="application/xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><head><title/></head><body><p>One <a name="x"/>two &amp; three.</p><p>Four.</p></body></html></inlineXML></contentSet></newsItem>"#;
        let a = parse_newsml("n.xml", xml).pop().unwrap().unwrap();
        assert_eq!(a.paragraphs, vec!["One two & three.", "Four."]);
        assert_eq!(a.id.as_deref(), Some("g1"));
    }

    #[test]
    fn malformed_xml_is_named() {
        let e = parse_newsml("n.xml", "<newsItem><contentMeta></newsItem>")
            .pop()
            .unwrap()
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("n.xml: not valid XML ("), "{e}");
    }
}
