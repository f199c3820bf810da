//! config: what can be wrong with `voices.toml`, always naming the file, and
//! for a bad value the section and key it is under.

use std::fmt;
use std::io;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: no such file (pass another with --voices, or copy voices.toml from the bulletin repository)")]
    NotFound { path: String },
    #[error("{path}: cannot read: {source}")]
    Read { path: String, source: io::Error },
    #[error("{path}: file is too large for a configuration file ({size} bytes)")]
    TooLarge { path: String, size: u64 },
    #[error("{path}: not valid UTF-8 (invalid byte at offset {offset})")]
    NotUtf8 { path: String, offset: usize },
    /// TOML that does not parse, or a value of the wrong type where the
    /// parser can say the line.
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    /// A value that parses but is not allowed.
    #[error("{path}: {problem}")]
    Invalid { path: String, problem: Problem },
}

impl ConfigError {
    /// The section and key at fault, when the error is about one value.
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            ConfigError::Invalid { problem, .. } => Some(problem),
            _ => None,
        }
    }
}

/// One bad value: `[section] key = … is out of range: use 1 to 64`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// `bulletin`, `bulletin.pauses`, `backends.local`, `voices.en`, `languages`.
    pub section: String,
    /// The key within the section, when there is one.
    pub key: Option<String>,
    /// What is wrong. Starts with `=` when it shows the value (`= 0 is out of range`).
    pub message: String,
}

impl Problem {
    pub fn new(section: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            section: section.into(),
            key: None,
            message: message.into(),
        }
    }

    pub fn at(
        section: impl Into<String>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> Problem {
        Problem {
            section: section.into(),
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}]", self.section)?;
        match &self.key {
            Some(key) if self.message.starts_with('=') => {
                write!(f, " {key} {}", self.message)
            }
            Some(key) => write!(f, " {key}: {}", self.message),
            None => write!(f, " {}", self.message),
        }
    }
}

impl std::error::Error for Problem {}

/// `value` if it lies within `min..=max`, else a problem stating the range.
pub(super) fn bounded<T: PartialOrd + fmt::Display + Copy>(
    section: &str,
    key: &str,
    value: T,
    min: T,
    max: T,
) -> Result<T, Problem> {
    if value < min || value > max {
        Err(Problem::at(
            section,
            key,
            format!("= {value} is out of range: use {min} to {max}"),
        ))
    } else {
        Ok(value)
    }
}

/// `toml`'s message, without its prefix, with a "did you mean" for unknown keys.
pub(super) fn describe_toml_error(e: &toml::de::Error) -> String {
    let mut text = e.to_string().trim_end().to_owned();
    if let Some(hint) = unknown_field_hint(e.message()) {
        text.push_str(&hint);
    }
    text.replace("TOML parse error at ", "")
}

/// A serde message (no line numbers) with a "did you mean" for unknown keys.
pub(super) fn with_suggestion(message: &str) -> String {
    let mut text = message.to_owned();
    if let Some(hint) = unknown_field_hint(message) {
        text.push_str(&hint);
    }
    text
}

fn unknown_field_hint(message: &str) -> Option<String> {
    let rest = message
        .strip_prefix("unknown field `")
        .or_else(|| message.strip_prefix("unknown variant `"))?;
    let (bad, rest) = rest.split_once('`')?;
    let expected: Vec<&str> = rest.split('`').skip(1).step_by(2).collect();
    let hint = suggest(bad, expected.iter());
    (!hint.is_empty()).then_some(hint)
}

/// "; did you mean `x`?" for the closest name, when one is close enough.
pub fn suggest<'a, S: AsRef<str> + 'a>(wrong: &str, names: impl Iterator<Item = &'a S>) -> String {
    names
        .map(|n| {
            (
                strsim::jaro_winkler(wrong, n.as_ref()),
                n.as_ref().to_owned(),
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| format!("; did you mean `{name}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_read_as_section_key_message() {
        assert_eq!(
            bounded("backends.x", "retries", 11u32, 0, 10)
                .unwrap_err()
                .to_string(),
            "[backends.x] retries = 11 is out of range: use 0 to 10"
        );
        assert_eq!(
            Problem::at(
                "backends.x",
                "api_key_env",
                "environment variable `K` is not set"
            )
            .to_string(),
            "[backends.x] api_key_env: environment variable `K` is not set"
        );
        assert_eq!(
            Problem::new("languages", "maps no language to a voice").to_string(),
            "[languages] maps no language to a voice"
        );
    }
}
