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

/// `--since`: a time ago (`24h`, `90m`, `2d`, `1w`) or a point in time
/// (`2026-11-29T00:00`, RFC 3339, any form [`parse_published`] reads; without
/// a zone, local time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    Ago(std::time::Duration),
    At(DateTime<FixedOffset>),
}

/// The longest `--since` ago: a century is already "everything".
const MAX_AGO: std::time::Duration = std::time::Duration::from_secs(100 * 366 * 86_400);

impl Since {
    /// The earliest published time kept, for a run starting at `now`.
    pub fn cutoff(self, now: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        match self {
            Since::At(t) => t,
            Since::Ago(d) => chrono::Duration::from_std(d)
                .ok()
                .and_then(|d| now.checked_sub_signed(d))
                .unwrap_or(DateTime::<chrono::Utc>::MIN_UTC.fixed_offset()),
        }
    }
}

impl std::str::FromStr for Since {
    type Err = String;

    fn from_str(text: &str) -> Result<Since, String> {
        let t = text.trim();
        let hint = || {
            format!(
                "`{text}` is neither a time ago (24h, 90m, 2d, 1w) nor a point in time \
                 (2026-11-29T00:00, 2026-11-29T00:00:00+08:00)"
            )
        };
        let looks_ago = t.starts_with(|c: char| c.is_ascii_digit())
            && t.ends_with(|c: char| c.is_ascii_alphabetic())
            && !t.contains([':', '-', '/', 'T']);
        if looks_ago {
            let parser = fundu::DurationParser::builder()
                .time_units(&[
                    fundu::TimeUnit::Second,
                    fundu::TimeUnit::Minute,
                    fundu::TimeUnit::Hour,
                    fundu::TimeUnit::Day,
                    fundu::TimeUnit::Week,
                ])
                .allow_time_unit_delimiter()
                .disable_exponent()
                .disable_infinity()
                .build();
            let d: std::time::Duration = parser
                .parse(t)
                .map_err(|_| hint())?
                .try_into()
                .map_err(|_| hint())?;
            if d > MAX_AGO {
                return Err(format!("`{text}` is too long ago (at most 100 years)"));
            }
            return Ok(Since::Ago(d));
        }
        super::published::parse_published(t)
            .map(Since::At)
            .ok_or_else(hint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn since_reads_a_time_ago_or_a_point_in_time() {
        let p = |s: &str| s.parse::<Since>();
        assert_eq!(p("24h"), Ok(Since::Ago(Duration::from_secs(86_400))));
        assert_eq!(p(" 90m "), Ok(Since::Ago(Duration::from_secs(5_400))));
        assert_eq!(p("2d"), Ok(Since::Ago(Duration::from_secs(2 * 86_400))));
        assert_eq!(p("1w"), Ok(Since::Ago(Duration::from_secs(7 * 86_400))));
        assert_eq!(p("1.5h"), Ok(Since::Ago(Duration::from_secs(5_400))));
        let at = DateTime::parse_from_rfc3339("2026-11-29T00:00:00+08:00").unwrap();
        assert_eq!(p("2026-11-29T00:00:00+08:00"), Ok(Since::At(at)));
        // Without a zone: local time, the same reading as a published time.
        assert_eq!(
            p("2026-11-29T00:00"),
            Ok(Since::At(
                crate::ingest::parse_published("2026-11-29T00:00").unwrap()
            ))
        );
        for bad in [
            "",
            "24",
            "yesterday",
            "-24h",
            "24x",
            "2026-13-40T00:00",
            "1e3h",
        ] {
            let e = p(bad).unwrap_err();
            assert!(e.contains(&format!("`{bad}`")), "{bad}: {e}");
        }
        assert!(p("99999999d").unwrap_err().contains("too long ago"));
    }

    #[test]
    fn the_cutoff_counts_back_from_now() {
        let now = DateTime::parse_from_rfc3339("2026-11-29T06:00:00+08:00").unwrap();
        let day = Since::Ago(Duration::from_secs(86_400));
        assert_eq!(
            day.cutoff(now),
            DateTime::parse_from_rfc3339("2026-11-28T06:00:00+08:00").unwrap()
        );
        let long = Since::Ago(MAX_AGO);
        assert!(long.cutoff(now) < now);
    }
}
