//! config: durations as people write them in voices.toml and on the command
//! line: `700ms`, `1.5s`, `3m`, `2h`, `30d`, or a bare number of milliseconds.

use std::time::Duration;

/// Parses `text` into a duration; bare numbers are taken in `bare_unit`.
pub fn parse_duration(text: &str, bare_unit: Duration) -> Result<Duration, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let value: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (try `700ms`, `1.5s`, `3m`)"))?;
    let unit_secs = match unit.trim() {
        "" => bare_unit.as_secs_f64(),
        "ms" => 0.001,
        "s" | "sec" | "secs" => 1.0,
        "m" | "min" | "mins" => 60.0,
        "h" => 3600.0,
        "d" => 86400.0,
        other => {
            return Err(format!(
                "unknown unit `{other}` in `{text}` (use ms, s, m, h or d)"
            ))
        }
    };
    let secs = value * unit_secs;
    if !secs.is_finite() || secs > 1e9 {
        return Err(format!("`{text}` is too long"));
    }
    Ok(Duration::from_secs_f64(secs))
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
        assert_eq!(
            parse_duration("30d", ms),
            Ok(Duration::from_secs(30 * 86400))
        );
        assert!(parse_duration("soon", ms).is_err());
        assert!(parse_duration("5 fortnights", ms).is_err());
        assert!(parse_duration("-1s", ms).is_err());
    }
}
