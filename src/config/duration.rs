//! config: durations as people write them in voices.toml and on the command
//! line: `700ms`, `1.5s`, `3m`, `2h`, `30d`, or a bare number in a unit the
//! caller picks. Parsed by the `fundu` crate.

use std::time::Duration;

use fundu::{DurationParser, TimeUnit};

/// Parses `text` into a duration; bare numbers are taken in `bare_unit`
/// (one of a millisecond, second, minute, hour or day).
pub fn parse_duration(text: &str, bare_unit: Duration) -> Result<Duration, String> {
    let unit = match bare_unit.as_millis() {
        1 => TimeUnit::MilliSecond,
        1_000 => TimeUnit::Second,
        60_000 => TimeUnit::Minute,
        3_600_000 => TimeUnit::Hour,
        _ => TimeUnit::Day,
    };
    let parser = DurationParser::builder()
        .time_units(&[
            TimeUnit::MilliSecond,
            TimeUnit::Second,
            TimeUnit::Minute,
            TimeUnit::Hour,
            TimeUnit::Day,
        ])
        .default_unit(unit)
        .allow_time_unit_delimiter()
        .disable_exponent()
        .disable_infinity()
        .build();
    let hint =
        || format!("`{text}` is not a duration (try `700ms`, `1.5s`, `3m`; units ms, s, m, h, d)");
    let parsed = parser.parse(text.trim()).map_err(|_| hint())?;
    let duration: Duration = parsed.try_into().map_err(|_| hint())?;
    if duration > Duration::from_secs(1_000_000_000) {
        return Err(format!("`{text}` is too long"));
    }
    Ok(duration)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_common_forms() {
        let ms = Duration::from_millis(1);
        assert_eq!(parse_duration("700", ms), Ok(Duration::from_millis(700)));
        assert_eq!(parse_duration("700ms", ms), Ok(Duration::from_millis(700)));
        assert_eq!(parse_duration("1.5s", ms), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("3m", ms), Ok(Duration::from_secs(180)));
        assert_eq!(parse_duration(" 2 h ", ms), Ok(Duration::from_secs(7200)));
        assert_eq!(
            parse_duration("30d", ms),
            Ok(Duration::from_secs(30 * 86400))
        );
        assert_eq!(
            parse_duration("90", Duration::from_secs(1)),
            Ok(Duration::from_secs(90))
        );
        assert_eq!(
            parse_duration("30", Duration::from_secs(86400)),
            Ok(Duration::from_secs(30 * 86400))
        );
        assert!(parse_duration("soon", ms).is_err());
        assert!(parse_duration("5 fortnights", ms).is_err());
        assert!(parse_duration("-1s", ms).is_err());
        assert!(parse_duration("1e9s", ms).is_err());
        assert!(parse_duration("inf", ms).is_err());
        assert!(parse_duration("99999999999d", ms).is_err());
    }
}
