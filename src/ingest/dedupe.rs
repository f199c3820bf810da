//! ingest: the same story read once. Two articles are the same story when
//! they share an id, or a URL (compared without fragment, tracking
//! parameters, trailing slash or case in the host), or the same title and
//! body once case, blanks and punctuation are set aside (the same story
//! from a feed and from its page). The first occurrence is kept.

use std::collections::HashMap;

use super::article::Article;

/// Why an article was taken for another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DuplicateOf {
    Id,
    Url,
    Text,
}

/// An article left out as a repeat of one kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicate {
    pub article: Article,
    /// The kept article's [`location`](Article::location).
    pub kept: String,
    pub reason: DuplicateOf,
}

/// Removes repeats, keeping each story's first occurrence in order.
pub fn dedupe(articles: Vec<Article>) -> (Vec<Article>, Vec<Duplicate>) {
    let mut kept: Vec<Article> = Vec::with_capacity(articles.len());
    let mut dropped = Vec::new();
    let mut seen: HashMap<(DuplicateOf, String), usize> = HashMap::new();
    for article in articles {
        let keys = keys(&article);
        if let Some((reason, index)) = keys.iter().find_map(|k| seen.get(k).map(|&i| (k.0, i))) {
            dropped.push(Duplicate {
                kept: kept[index].location(),
                article,
                reason,
            });
            continue;
        }
        for key in keys {
            seen.entry(key).or_insert(kept.len());
        }
        kept.push(article);
    }
    (kept, dropped)
}

fn keys(a: &Article) -> Vec<(DuplicateOf, String)> {
    let mut keys = Vec::new();
    if let Some(id) = a.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        keys.push((DuplicateOf::Id, id.to_owned()));
        // A feed's guid is often the story's URL.
        if let Some(url) = normalize_url(id) {
            keys.push((DuplicateOf::Url, url));
        }
    }
    if let Some(url) = a.url.as_deref().and_then(normalize_url) {
        keys.push((DuplicateOf::Url, url));
    }
    keys.push((DuplicateOf::Text, text_key(a)));
    keys
}

/// A URL as compared: scheme and host in lower case (the parser does that),
/// no fragment, no `utm_*` or similar tracking parameters, no trailing `/`.
fn normalize_url(text: &str) -> Option<String> {
    let mut url = url::Url::parse(text.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    url.set_fragment(None);
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    let query: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !(k.starts_with("utm_") || matches!(k.as_str(), "fbclid" | "gclid" | "ref" | "from"))
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    if query.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(query);
    }
    let scheme_free = url
        .as_str()
        .split_once("://")
        .map(|(_, rest)| rest.to_owned())?;
    Some(scheme_free.trim_end_matches('/').to_owned())
}

/// Title and body with only letters and digits, in lower case.
fn text_key(a: &Article) -> String {
    let mut key = String::new();
    for text in std::iter::once(&a.title).chain(&a.paragraphs) {
        key.extend(
            text.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase),
        );
        key.push('\u{1}');
    }
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_compare_without_noise() {
        assert_eq!(
            normalize_url("https://Example.org/news/ferry/?utm_source=rss&id=3#top"),
            normalize_url("http://example.org/news/ferry?id=3")
        );
        assert_ne!(
            normalize_url("https://example.org/a?id=3"),
            normalize_url("https://example.org/a?id=4")
        );
        assert_eq!(normalize_url("urn:newsml:x"), None);
    }
}
