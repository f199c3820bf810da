//! ingest: picking the day's articles — those published since a time, and
//! no more than a number. Pure functions over articles in running order;
//! the command line and the config decide the arguments.

use chrono::{DateTime, FixedOffset};

use super::article::Article;

/// Keeps the articles published at or after `cutoff`. An article whose
/// published time is unknown (none given, or none that could be read) is
/// kept: leaving out a story for want of a date would be the worse mistake
/// on air, and `plan` shows it for an editor to judge.
pub fn since(articles: Vec<Article>, cutoff: DateTime<FixedOffset>) -> Vec<Article> {
    articles
        .into_iter()
        .filter(|a| a.published_at.is_none_or(|t| t >= cutoff))
        .collect()
}

/// Keeps the first `n` articles.
pub fn limit(mut articles: Vec<Article>, n: usize) -> Vec<Article> {
    articles.truncate(n);
    articles
}
