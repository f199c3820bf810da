//! ingest: an IPTC ninjs item (News in JSON, 1.x and 2.x) → a draft article.
//!
//! - title: 2.x `headlines` (the one with role `main`, else the first), 1.x
//!   `headline`, else the metadata `title`;
//! - body: 2.x `bodies` (HTML preferred over plain text), 1.x `body_html`,
//!   `body_xhtml` or `body_text`;
//! - author: `by` (2.x) or `byline` (1.x), without a leading "By";
//! - source: `copyrightholder`, else the first `infosources`/`infosource`
//!   name; published: `versioncreated`, else `firstcreated`;
//! - priority: `priority` where a provider adds it, else `urgency` (1–9,
//!   1 the most urgent); id: `uri`.

use super::body::{body_paragraphs, Markup};
use super::draft::Draft;
use super::error::IngestError;
use super::fields::Fields;
use super::html::inline_text;
use super::tidy::looks_like_html;

/// Keys that, with `uri`, mark an object as ninjs.
const NINJS_KEYS: &[&str] = &[
    "headline",
    "headlines",
    "body_html",
    "body_text",
    "body_xhtml",
    "bodies",
    "versioncreated",
    "byline",
    "urgency",
];

pub(crate) fn is_ninjs(f: &Fields<'_>) -> bool {
    let standard = f
        .get("standard")
        .and_then(|s| s.get("name"))
        .and_then(|n| n.as_str())
        .is_some_and(|n| n.eq_ignore_ascii_case("ninjs"));
    let schema = f
        .get("$schema")
        .and_then(|s| s.as_str())
        .is_some_and(|s| s.contains("ninjs"));
    standard || schema || (f.has("uri") && NINJS_KEYS.iter().any(|k| f.has(k)))
}

pub(crate) fn draft(f: &Fields<'_>) -> Result<Draft, IngestError> {
    let title = match headline(f)? {
        Some(t) => Some(t),
        None => f.text_of(&["headline", "title"])?,
    }
    .map(|t| {
        if looks_like_html(&t) {
            inline_text(&t)
        } else {
            t
        }
    });
    let paragraphs = match body(f)? {
        Some((text, markup)) => body_paragraphs(&text, markup),
        None => Vec::new(),
    };
    let author = f.text_of(&["by", "byline"])?.map(|b| {
        let b = b.trim();
        ["By ", "by ", "BY "]
            .iter()
            .find_map(|p| b.strip_prefix(p))
            .unwrap_or(b)
            .to_owned()
    });
    let mut source = f.text("copyrightholder")?;
    if source.is_none() {
        for key in ["infosources", "infosource"] {
            let named = f
                .objects(key)?
                .into_iter()
                .find_map(|o| o.get("name").and_then(|n| n.as_str()).map(str::to_owned));
            if named.is_some() {
                source = named;
                break;
            }
        }
    }
    let priority = match f.priority("priority")? {
        Some(p) => Some(p),
        None => f.priority("urgency")?,
    };
    Ok(Draft {
        title,
        paragraphs,
        source,
        author,
        published: f.text_of(&["versioncreated", "firstcreated", "contentcreated"])?,
        language: f.text("language")?,
        priority,
        id: f.text("uri")?,
        ..Draft::default()
    })
}

/// The 2.x headline: role `main`, else the first.
fn headline(f: &Fields<'_>) -> Result<Option<String>, IngestError> {
    let headlines = f.objects("headlines")?;
    let main = headlines
        .iter()
        .find(|h| h.get("role").and_then(|r| r.as_str()) == Some("main"))
        .or(headlines.first());
    Ok(main.and_then(|h| h.get("value").and_then(|v| v.as_str()).map(str::to_owned)))
}

/// The body text and its markup: 2.x `bodies` (HTML first, then plain
/// text, then whatever comes first), else 1.x `body_html`, `body_xhtml`,
/// `body_text`.
fn body(f: &Fields<'_>) -> Result<Option<(String, Markup)>, IngestError> {
    let bodies: Vec<(String, Markup)> = f
        .objects("bodies")?
        .into_iter()
        .filter_map(|b| {
            let value = b.get("value")?.as_str()?.to_owned();
            let markup = Markup::of_media_type(b.get("contenttype").and_then(|c| c.as_str()));
            Some((value, markup))
        })
        .collect();
    for wanted in [Markup::Html, Markup::Plain] {
        if let Some(b) = bodies.iter().find(|(_, m)| *m == wanted) {
            return Ok(Some(b.clone()));
        }
    }
    if let Some(b) = bodies.into_iter().next() {
        return Ok(Some(b));
    }
    for (key, markup) in [
        ("body_html", Markup::Html),
        ("body_xhtml", Markup::Html),
        ("body_text", Markup::Plain),
    ] {
        if let Some(text) = f.text(key)? {
            return Ok(Some((text, markup)));
        }
    }
    Ok(None)
}
