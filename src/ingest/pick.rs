//! ingest: the day's running order from everything read. Repeats of a story
//! go first (its first occurrence, in input order, stays), then articles
//! published before the cutoff, then the rest are put in order and cut to
//! the limit: `--limit 5 --order priority` is the five most important
//! stories, not the first five read. Dedupe comes before the cutoff so that
//! an old story does not come back through an undated copy of it (a feed
//! item with a date, then its web page without one).

use chrono::{DateTime, FixedOffset};

use super::article::Article;
use super::dedupe::{dedupe, Duplicate};
use super::order::{order, Order};
use super::select::{limit, since};

/// What to keep and in which order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pick {
    /// Keep articles published at or after this (and those with no known time).
    pub since: Option<DateTime<FixedOffset>>,
    pub limit: Option<usize>,
    pub order: Order,
}

/// The running order, and what was left out of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picked {
    pub articles: Vec<Article>,
    /// Published before [`Pick::since`].
    pub too_old: usize,
    pub duplicates: Vec<Duplicate>,
    /// Past [`Pick::limit`].
    pub over_limit: usize,
}

/// Applies `pick` to articles in the order they were read.
pub fn pick(articles: Vec<Article>, pick: &Pick) -> Picked {
    let (articles, duplicates) = dedupe(articles);
    let unique = articles.len();
    let articles = match pick.since {
        Some(cutoff) => since(articles, cutoff),
        None => articles,
    };
    let too_old = unique - articles.len();
    let articles = order(articles, pick.order);
    let ordered = articles.len();
    let articles = match pick.limit {
        Some(n) => limit(articles, n),
        None => articles,
    };
    Picked {
        over_limit: ordered - articles.len(),
        articles,
        too_old,
        duplicates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::parse_published;
    use crate::text::Language;

    fn article(title: &str, published: Option<&str>, priority: Option<u32>) -> Article {
        Article {
            origin: format!("{title}.txt"),
            item: None,
            id: None,
            url: None,
            title: title.to_owned(),
            source: None,
            author: None,
            editor: None,
            published: published.map(str::to_owned),
            published_at: published.and_then(parse_published),
            priority,
            extra: vec![],
            language: Language::new("en"),
            paragraphs: vec![format!("The body of {title}.")],
            byline: None,
        }
    }

    fn titles(a: &[Article]) -> Vec<&str> {
        a.iter().map(|a| a.title.as_str()).collect()
    }

    #[test]
    fn an_old_story_does_not_return_through_an_undated_copy() {
        let dated = article("Bridge", Some("2026-11-26T09:00:00Z"), None);
        let mut page = article("Bridge", None, None);
        page.origin = "bridge.html".into();
        let p = pick(
            vec![dated, page, article("Other", None, None)],
            &Pick {
                since: parse_published("2026-11-28T00:00:00Z"),
                ..Pick::default()
            },
        );
        assert_eq!(titles(&p.articles), vec!["Other"]);
        assert_eq!((p.too_old, p.duplicates.len()), (1, 1));
    }

    #[test]
    fn dedupe_then_since_then_order_then_limit() {
        let mut repeat = article("Fresh", Some("2026-11-29T04:00:00Z"), Some(1));
        repeat.origin = "feed.rss".into();
        let articles = vec![
            article("Old", Some("2026-11-27T00:00:00Z"), Some(1)),
            article("Fresh", Some("2026-11-29T03:00:00Z"), Some(3)),
            article("Undated", None, Some(2)),
            repeat,
            article("Newest", Some("2026-11-29T05:00:00Z"), None),
        ];
        let cutoff = parse_published("2026-11-28T00:00:00Z");
        let p = pick(
            articles.clone(),
            &Pick {
                since: cutoff,
                limit: Some(2),
                order: Order::Priority,
            },
        );
        // The repeat's priority 1 does not count: the first occurrence is kept.
        assert_eq!(titles(&p.articles), vec!["Undated", "Fresh"]);
        assert_eq!((p.too_old, p.duplicates.len(), p.over_limit), (1, 1, 1));
        assert_eq!(p.duplicates[0].article.origin, "feed.rss");
        let p = pick(
            articles,
            &Pick {
                order: Order::Published,
                ..Pick::default()
            },
        );
        assert_eq!(
            titles(&p.articles),
            vec!["Newest", "Fresh", "Old", "Undated"]
        );
    }
}
