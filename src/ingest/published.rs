//! ingest: a published time as written (`2022-10-24 10:47:55`, RFC 3339,
//! RFC 2822, `2022年10月24日`) → a point in time, so that articles can be
//! picked and ordered by it. The text as written stays on the article.

use chrono::{
    DateTime, FixedOffset, Local, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};

/// Reads a published time. A time with a zone (RFC 3339 `2026-11-29T05:10:00+08:00`
/// or `…Z`, RFC 2822 `Sun, 29 Nov 2026 05:10:00 +0800`) is read as written.
/// A time without one — the seed layout's `2022-10-24 10:47:55`,
/// `2026-11-29T05:10`, `2022/10/24 10:47`, `2022年10月24日 10时47分`, or a
/// date alone (midnight) — is taken to be in this machine's local time zone,
/// as a newsroom's export is written in the zone the station runs in; a
/// local time that a daylight-saving change skips is `None`, and one that
/// happens twice is the earlier. `None` when the text is no time.
pub fn parse_published(text: &str) -> Option<DateTime<FixedOffset>> {
    parse_published_in(text, &Local)
}

/// [`parse_published`] with times without a zone read in `zone`.
pub(crate) fn parse_published_in<Z: TimeZone>(
    text: &str,
    zone: &Z,
) -> Option<DateTime<FixedOffset>> {
    let text = text.trim();
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t);
    }
    // RFC 3339 with a space for the `T`, or without seconds.
    for format in [
        "%Y-%m-%d %H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t);
        }
    }
    if let Some(t) = text
        .strip_suffix('Z')
        .and_then(|t| NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").ok())
    {
        return Some(t.and_utc().fixed_offset());
    }
    if let Ok(t) = DateTime::parse_from_rfc2822(text) {
        return Some(t);
    }
    naive(text).and_then(|t| match zone.from_local_datetime(&t) {
        LocalResult::Single(t) => Some(t.fixed_offset()),
        LocalResult::Ambiguous(earlier, _) => Some(earlier.fixed_offset()),
        LocalResult::None => None,
    })
}

/// A date and time without a zone, in the shapes newsrooms write.
fn naive(text: &str) -> Option<NaiveDateTime> {
    const DATE_TIMES: &[&str] = &[
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M",
        "%Y/%m/%d %H:%M:%S",
        "%Y/%m/%d %H:%M",
        "%Y.%m.%d %H:%M",
        "%Y年%m月%d日 %H:%M:%S",
        "%Y年%m月%d日 %H:%M",
        "%Y年%m月%d日%H:%M",
        "%Y年%m月%d日 %H时%M分",
        "%Y年%m月%d日%H时%M分",
    ];
    const DATES: &[&str] = &[
        "%Y-%m-%d",
        "%Y/%m/%d",
        "%Y.%m.%d",
        "%Y年%m月%d日",
        "%B %d, %Y",
        "%d %B %Y",
        "%b %d, %Y",
        "%d %b %Y",
    ];
    DATE_TIMES
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())
        .or_else(|| {
            DATES
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(text, f).ok())
                .map(|d| d.and_time(NaiveTime::MIN))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        let beijing = FixedOffset::east_opt(8 * 3600).unwrap();
        parse_published_in(text, &beijing).map(|t| t.to_rfc3339())
    }

    #[test]
    fn zoned_times_are_read_as_written() {
        assert_eq!(
            at("2026-11-29T05:10:00Z").as_deref(),
            Some("2026-11-29T05:10:00+00:00")
        );
        assert_eq!(
            at("2026-11-29T05:10:00.250-05:00").as_deref(),
            Some("2026-11-29T05:10:00.250-05:00")
        );
        assert_eq!(
            at("Sun, 29 Nov 2026 05:10:00 +0800").as_deref(),
            Some("2026-11-29T05:10:00+08:00")
        );
        assert_eq!(
            at("Sun, 29 Nov 2026 05:10:00 GMT").as_deref(),
            Some("2026-11-29T05:10:00+00:00")
        );
        assert_eq!(
            at("2026-11-29 05:10:00+08:00").as_deref(),
            Some("2026-11-29T05:10:00+08:00")
        );
    }

    #[test]
    fn times_without_a_zone_are_local() {
        assert_eq!(
            at("2022-10-24 10:47:55").as_deref(),
            Some("2022-10-24T10:47:55+08:00")
        );
        assert_eq!(
            at("2024-03-01 09:00").as_deref(),
            Some("2024-03-01T09:00:00+08:00")
        );
        assert_eq!(
            at("2022年10月24日 10:47").as_deref(),
            Some("2022-10-24T10:47:00+08:00")
        );
        assert_eq!(
            at("2022-10-24").as_deref(),
            Some("2022-10-24T00:00:00+08:00")
        );
        assert_eq!(
            at("March 1, 2024").as_deref(),
            Some("2024-03-01T00:00:00+08:00")
        );
    }

    #[test]
    fn the_machine_zone_by_default() {
        let t = parse_published("2022-10-24 10:47:55").unwrap();
        let expected = Local
            .from_local_datetime(
                &NaiveDateTime::parse_from_str("2022-10-24 10:47:55", "%Y-%m-%d %H:%M:%S").unwrap(),
            )
            .earliest()
            .unwrap();
        assert_eq!(t, expected.fixed_offset());
    }

    #[test]
    fn no_time_is_none() {
        for text in [
            "",
            "yesterday",
            "2022-13-40",
            "10:47",
            "昨天上午",
            &"9".repeat(100),
        ] {
            assert_eq!(at(text), None, "{text}");
        }
    }
}
