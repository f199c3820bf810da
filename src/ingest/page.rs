//! ingest: an HTML article page → one article. The title comes from
//! `og:title`, else the first `<h1>`, else `<title>` (the site's name cut
//! off its end); the body from the page's main article element
//! (`[itemprop=articleBody]`, the fullest `<article>`, `<main>`, else the
//! element with the most paragraph text); metadata from the usual `<meta>`
//! tags and a schema.org `NewsArticle` in JSON-LD. The paragraphs come from
//! the shared reducer in `html`, which leaves navigation, ads, figures and
//! "read more" blocks out.

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;

use super::article::Article;
use super::draft::{join_names, Draft};
use super::error::IngestError;
use super::html::{nesting_depth, paragraphs_of, text_of, MAX_DEPTH};
use super::metadata::parse_block;

/// Parses a whole page.
pub(crate) fn parse_page(origin: &str, text: &str) -> Result<Article, IngestError> {
    if nesting_depth(text) > MAX_DEPTH {
        return Err(IngestError::Malformed {
            origin: origin.to_owned(),
            format: "HTML",
            detail: format!("elements nest more than {MAX_DEPTH} deep"),
        });
    }
    let doc = Html::parse_document(text);
    let ld = json_ld(&doc);
    let site = meta(&doc, "property", "og:site_name")
        .or_else(|| ld_str(&ld, &["publisher", "name"]))
        .or_else(|| meta(&doc, "name", "application-name"));

    let main = main_element(&doc);
    let title = meta(&doc, "property", "og:title")
        .or_else(|| meta(&doc, "name", "twitter:title"))
        .or_else(|| ld_str(&ld, &["headline"]))
        .or_else(|| first_text(main.unwrap_or_else(|| doc.root_element()), "h1"))
        .or_else(|| first_text(doc.root_element(), "h1"))
        .or_else(|| first_text(doc.root_element(), "title"))
        .map(|t| strip_site(&t, site.as_deref()));

    let mut paragraphs = main.map(paragraphs_of).unwrap_or_default();
    if let (Some(first), Some(title)) = (paragraphs.first(), title.as_deref()) {
        if first == title {
            paragraphs.remove(0);
        }
    }
    // `责任编辑:苏文彦` or `Source: Reuters` closing the body is metadata.
    let mut tail = None;
    if paragraphs.len() > 1 {
        if let Some(m) = paragraphs.last().and_then(|l| parse_block(&[l.as_str()])) {
            tail = Some(m);
            paragraphs.pop();
        }
    }
    let mut tail = tail.unwrap_or_default();
    // A `来源：… 作者：…` line in the page's metadata block (left out of the
    // body) fills what the end of the body did not.
    for block in select_all(
        doc.root_element(),
        "[class*=meta], [class*=info], [class*=source]",
    ) {
        let text = text_of(*block);
        if text.chars().count() > 200 {
            continue;
        }
        if let Some(m) = parse_block(&[text.as_str()]) {
            tail.source = tail.source.or(m.source);
            tail.author = tail.author.or(m.author);
            tail.editor = tail.editor.or(m.editor);
            tail.published = tail.published.or(m.published);
        }
    }

    let author = meta(&doc, "name", "author")
        .or_else(|| meta(&doc, "property", "article:author").filter(|a| !a.contains("://")))
        .or_else(|| ld_author(&ld))
        .or_else(|| first_text(doc.root_element(), "[itemprop=author]"))
        .or_else(|| first_text(doc.root_element(), "[rel=author]"))
        .or_else(|| {
            first_text(doc.root_element(), ".byline").map(|b| {
                b.strip_prefix("By ")
                    .or_else(|| b.strip_prefix("by "))
                    .unwrap_or(&b)
                    .to_owned()
            })
        })
        .or(tail.author);
    let published = meta(&doc, "property", "article:published_time")
        .or_else(|| attr(&doc, "[itemprop=datePublished]", "content"))
        .or_else(|| ld_str(&ld, &["datePublished"]))
        .or_else(|| {
            [
                "pubdate",
                "publishdate",
                "publish-date",
                "date",
                "DC.date.issued",
            ]
            .iter()
            .find_map(|n| meta(&doc, "name", n))
        })
        .or_else(|| {
            let scope = main.unwrap_or_else(|| doc.root_element());
            select_first(scope, "time[datetime]")
                .and_then(|t| t.attr("datetime").map(str::to_owned))
        })
        .or(tail.published);
    let language = attr(&doc, "html", "lang")
        .or_else(|| meta(&doc, "http-equiv", "content-language"))
        .or_else(|| meta(&doc, "property", "og:locale"))
        .or_else(|| ld_str(&ld, &["inLanguage"]))
        .or_else(|| tail.language.map(|l| l.tag()));
    let url = attr(&doc, "link[rel=canonical]", "href")
        .or_else(|| meta(&doc, "property", "og:url"))
        .or_else(|| ld_str(&ld, &["url"]));

    Draft {
        title,
        paragraphs,
        source: site.or(tail.source),
        author,
        editor: tail.editor,
        published,
        language,
        priority: tail.priority,
        url,
        extra: tail.extra,
        ..Draft::default()
    }
    .finish(origin, None)
}

/// The element that holds the story.
fn main_element(doc: &Html) -> Option<ElementRef<'_>> {
    let root = doc.root_element();
    if let Some(body) = select_first(root, "[itemprop=articleBody]") {
        return Some(body);
    }
    let articles: Vec<ElementRef<'_>> = select_all(root, "article");
    if let Some(best) = articles.into_iter().max_by_key(|a| paragraph_chars(*a)) {
        if paragraph_chars(best) > 0 {
            return Some(best);
        }
    }
    if let Some(main) = select_first(root, "main").or_else(|| select_first(root, "[role=main]")) {
        return Some(main);
    }
    densest(root).or_else(|| select_first(root, "body"))
}

/// Characters in an element's `<p>` descendants.
fn paragraph_chars(e: ElementRef<'_>) -> usize {
    select_all(e, "p")
        .into_iter()
        .map(|p| text_of(*p).chars().count())
        .sum()
}

/// The element whose own `<p>` children hold the most text.
fn densest(root: ElementRef<'_>) -> Option<ElementRef<'_>> {
    let mut scores: Vec<(ego_tree::NodeId, usize)> = Vec::new();
    for p in select_all(root, "p") {
        let Some(parent) = p.parent() else { continue };
        let chars = text_of(*p).chars().count();
        match scores.iter_mut().find(|(id, _)| *id == parent.id()) {
            Some((_, score)) => *score += chars,
            None => scores.push((parent.id(), chars)),
        }
    }
    let (id, _) = scores.into_iter().max_by_key(|&(_, s)| s)?;
    root.tree().get(id).and_then(ElementRef::wrap)
}

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

fn select_first<'a>(scope: ElementRef<'a>, css: &str) -> Option<ElementRef<'a>> {
    let s = selector(css)?;
    scope.select(&s).next()
}

fn select_all<'a>(scope: ElementRef<'a>, css: &str) -> Vec<ElementRef<'a>> {
    match selector(css) {
        Some(s) => scope.select(&s).collect(),
        None => Vec::new(),
    }
}

fn first_text(scope: ElementRef<'_>, css: &str) -> Option<String> {
    let s = selector(css)?;
    scope
        .select(&s)
        .map(|e| text_of(*e))
        .find(|t| !t.is_empty())
}

fn attr(doc: &Html, css: &str, name: &str) -> Option<String> {
    let s = selector(css)?;
    doc.select(&s)
        .filter_map(|e| e.attr(name))
        .map(|v| v.trim().to_owned())
        .find(|v| !v.is_empty())
}

/// The content of `<meta KEY="NAME" content="…">`, the name compared
/// without regard to case.
fn meta(doc: &Html, key: &str, name: &str) -> Option<String> {
    let s = selector("meta")?;
    doc.select(&s)
        .filter(|m| m.attr(key).is_some_and(|v| v.eq_ignore_ascii_case(name)))
        .filter_map(|m| m.attr("content"))
        .map(super::html::inline_text)
        .find(|v| !v.is_empty())
}

/// Cuts `| Site`, ` - Site`, `_Site` off a title when Site is the page's site.
fn strip_site(title: &str, site: Option<&str>) -> String {
    let title = title.trim();
    let Some(site) = site.map(str::trim).filter(|s| !s.is_empty()) else {
        return title.to_owned();
    };
    if let Some(head) = title.strip_suffix(site) {
        let head = head.trim_end();
        for sep in ['|', '-', '–', '—', '_', '｜', '·', ':'] {
            if let Some(rest) = head.strip_suffix(sep) {
                let rest = rest.trim_end();
                if !rest.is_empty() {
                    return rest.to_owned();
                }
            }
        }
    }
    title.to_owned()
}

/// The page's schema.org article in JSON-LD, if it has one.
fn json_ld(doc: &Html) -> Option<Value> {
    let s = selector("script")?;
    doc.select(&s)
        .filter(|e| {
            e.attr("type")
                .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json"))
        })
        .filter_map(|e| serde_json::from_str::<Value>(&e.text().collect::<String>()).ok())
        .find_map(|v| find_article(&v).cloned())
}

fn find_article(v: &Value) -> Option<&Value> {
    const TYPES: &[&str] = &[
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "BlogPosting",
        "Report",
    ];
    match v {
        Value::Array(items) => items.iter().find_map(find_article),
        Value::Object(map) => {
            let is_article = match map.get("@type") {
                Some(Value::String(t)) => TYPES.contains(&t.as_str()),
                Some(Value::Array(ts)) => ts
                    .iter()
                    .any(|t| t.as_str().is_some_and(|t| TYPES.contains(&t))),
                _ => false,
            };
            if is_article {
                Some(v)
            } else {
                map.get("@graph").and_then(find_article)
            }
        }
        _ => None,
    }
}

fn ld_str(ld: &Option<Value>, path: &[&str]) -> Option<String> {
    let mut v = ld.as_ref()?;
    for key in path {
        v = v.get(key)?;
    }
    v.as_str()
        .map(super::html::inline_text)
        .filter(|s| !s.is_empty())
}

fn ld_author(ld: &Option<Value>) -> Option<String> {
    let author = ld.as_ref()?.get("author")?;
    let name = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_owned),
        _ => None,
    };
    match author {
        Value::Array(items) => join_names(&items.iter().filter_map(name).collect::<Vec<_>>()),
        other => name(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_come_off_titles() {
        assert_eq!(
            strip_site("Ferry news | Harbour Gazette", Some("Harbour Gazette")),
            "Ferry news"
        );
        assert_eq!(strip_site("渡轮启航_新闻网", Some("新闻网")), "渡轮启航");
        assert_eq!(
            strip_site("Ferry - in pictures", Some("Gazette")),
            "Ferry - in pictures"
        );
        assert_eq!(strip_site("Gazette", Some("Gazette")), "Gazette");
    }

    #[test]
    fn the_densest_block_without_article_or_main() {
        let page = "<html><head><title>T</title></head><body><div><p>Menu</p></div><div id=s><p>One long paragraph of the story.</p><p>Another long paragraph of it.</p></div></body></html>";
        let a = parse_page("p.html", page).unwrap();
        assert_eq!(
            a.paragraphs,
            vec![
                "One long paragraph of the story.",
                "Another long paragraph of it."
            ]
        );
        assert_eq!(a.title, "T");
    }

    #[test]
    fn json_ld_fills_what_meta_tags_do_not() {
        let page = r#"<html><head><script type="application/ld+json">
            {"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle",
             "headline":"Ferry starts","datePublished":"2026-11-27T08:00:00Z",
             "author":[{"@type":"Person","name":"Ann Lee"},{"name":"Tom Li"}],
             "publisher":{"name":"Harbour Gazette"}}]}
            </script></head><body><article><p>The ferry started.</p></article></body></html>"#;
        let a = parse_page("p.html", page).unwrap();
        assert_eq!(a.title, "Ferry starts");
        assert_eq!(a.author.as_deref(), Some("Ann Lee, Tom Li"));
        assert_eq!(a.source.as_deref(), Some("Harbour Gazette"));
        assert_eq!(a.published.as_deref(), Some("2026-11-27T08:00:00Z"));
    }
}
