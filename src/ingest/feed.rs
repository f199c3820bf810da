//! ingest: an RSS 2.0 (or 1.0) or Atom feed → one article per item, read
//! with `feed-rs`.
//!
//! - title: the item's title; body: `content:encoded` (Atom `content`), else
//!   the description (Atom `summary`), HTML reduced to paragraphs;
//! - source: the item's own source, else the feed's title;
//! - author: the item's authors (`author`, `dc:creator`), names only;
//! - published: `pubDate` (`dc:date`, Atom `published`, else `updated`) as
//!   written, and as a time;
//! - id: `guid` (Atom `id`); url: the item's link; language: the item's,
//!   else the feed's.

use chrono::{DateTime, FixedOffset};
use feed_rs::model::{Entry, Feed, Link};

use super::article::Article;
use super::body::{body_paragraphs, Markup};
use super::draft::{join_names, Draft};
use super::error::IngestError;
use super::html::inline_text;
use super::published::parse_published;
use super::tidy::looks_like_html;

/// Parses a feed document.
pub(crate) fn parse_feed(origin: &str, text: &str) -> Vec<Result<Article, IngestError>> {
    let parser = feed_rs::parser::Builder::new()
        // An item without a guid has no id; feed-rs would make one up.
        .id_generator(|_, _, _| String::new())
        .sanitize_content(false)
        .build();
    let feed = match parser.parse(text.as_bytes()) {
        Ok(f) => f,
        Err(e) => {
            return vec![Err(IngestError::Malformed {
                origin: origin.to_owned(),
                format: "RSS or Atom feed",
                detail: e.to_string(),
            })]
        }
    };
    if feed.entries.is_empty() {
        return vec![Err(IngestError::NoArticles {
            origin: origin.to_owned(),
            what: "the feed",
        })];
    }
    let dates = raw_dates(text).filter(|d| d.len() == feed.entries.len());
    feed.entries
        .iter()
        .enumerate()
        .map(|(i, entry)| {
            let raw = dates.as_ref().and_then(|d| d[i].clone());
            draft(&feed, entry, raw).finish(origin, Some(i + 1))
        })
        .collect()
}

fn draft(feed: &Feed, entry: &Entry, raw_date: Option<String>) -> Draft {
    let title = entry.title.as_ref().map(|t| {
        if t.content_type.to_string().contains("html") || looks_like_html(&t.content) {
            inline_text(&t.content)
        } else {
            t.content.clone()
        }
    });
    let paragraphs = match (&entry.content, &entry.summary) {
        (Some(content), _)
            if content
                .body
                .as_deref()
                .is_some_and(|b| !b.trim().is_empty()) =>
        {
            let markup = Markup::of_media_type(Some(content.content_type.as_ref()));
            body_paragraphs(
                content.body.as_deref().unwrap_or_default(),
                unknown_if_plain(markup),
            )
        }
        (_, Some(summary)) => {
            let markup = Markup::of_media_type(Some(summary.content_type.as_ref()));
            body_paragraphs(&summary.content, unknown_if_plain(markup))
        }
        _ => Vec::new(),
    };
    let names: Vec<String> = entry
        .authors
        .iter()
        .filter_map(|p| p.name.as_deref())
        // `desk@example.org (Jane Doe)` leaves `(Jane Doe)` as the name.
        .map(|n| {
            n.trim()
                .trim_start_matches('(')
                .trim_end_matches(')')
                .trim()
                .to_owned()
        })
        .filter(|n| !n.is_empty() && !n.contains('@'))
        .collect();
    let parsed: Option<DateTime<FixedOffset>> =
        entry.published.or(entry.updated).map(|t| t.fixed_offset());
    let (published, published_at) = match raw_date {
        Some(raw) => {
            let at = parse_published(&raw).or(parsed);
            (Some(raw), at)
        }
        None => (parsed.map(|t| t.to_rfc3339()), parsed),
    };
    let source = entry
        .source
        .clone()
        .filter(|s| !s.contains("://"))
        .or_else(|| feed.title.as_ref().map(|t| inline_text(&t.content)));
    Draft {
        title,
        paragraphs,
        source,
        author: join_names(&names),
        published,
        published_at,
        language: entry.language.clone().or_else(|| feed.language.clone()),
        id: Some(entry.id.clone()).filter(|id| !id.trim().is_empty()),
        url: link(&entry.links),
        ..Draft::default()
    }
}

/// A feed calls text "plain" that often holds entities or tags all the
/// same; let the look decide.
fn unknown_if_plain(markup: Markup) -> Markup {
    match markup {
        Markup::Plain => Markup::Unknown,
        m => m,
    }
}

/// The item's web page: its alternate link, else its first.
fn link(links: &[Link]) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel.as_deref().is_none_or(|r| r == "alternate"))
        .or(links.first())
        .map(|l| l.href.clone())
}

/// Each item's date as written, in document order, since feed-rs keeps
/// only the parsed time (in UTC). `None` when the feed does not parse here
/// (a DTD, say): then the parsed time stands.
fn raw_dates(text: &str) -> Option<Vec<Option<String>>> {
    let xml = roxmltree::Document::parse(text).ok()?;
    let items = xml
        .descendants()
        .filter(|n| n.is_element() && matches!(n.tag_name().name(), "item" | "entry"));
    Some(
        items
            .map(|item| {
                let named = |name: &str| {
                    item.children()
                        .find(|c| c.is_element() && c.tag_name().name() == name)
                        .and_then(|c| c.text())
                        .map(|t| t.trim().to_owned())
                        .filter(|t| !t.is_empty())
                };
                named("pubDate")
                    .or_else(|| named("published"))
                    .or_else(|| named("date"))
                    .or_else(|| named("updated"))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_and_empty_feeds() {
        let e = parse_feed(
            "f.rss",
            "<rss version=\"2.0\"><channel><item><title>x</channel></rss>",
        )
        .pop()
        .unwrap()
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("f.rss: not valid RSS or Atom feed"), "{e}");
        let e = parse_feed(
            "f.rss",
            "<rss version=\"2.0\"><channel><title>T</title></channel></rss>",
        )
        .pop()
        .unwrap()
        .unwrap_err()
        .to_string();
        assert_eq!(e, "f.rss: the feed holds no articles");
    }
}
