//! ingest: the front matter at the top of a Markdown file — YAML between
//! `---` lines or TOML between `+++` lines — as JSON-like keys, so that the
//! Markdown reader checks them with the same typed reader as JSON.

use serde_json::{Map, Value};

use super::error::IngestError;
use super::fields::kind;

/// Front matter's keys, if any, and the Markdown after it.
pub(crate) type Split<'a> = (Option<Map<String, Value>>, &'a str);

/// Splits front matter off the text: its keys, and the text after it. A
/// `---` or `+++` first line with no closing line is no front matter (a
/// Markdown rule, say): then `None` and the whole text.
pub(crate) fn split_front_matter<'a>(
    origin: &str,
    text: &'a str,
) -> Result<Split<'a>, IngestError> {
    let Some((fence, rest)) = opening(text) else {
        return Ok((None, text));
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        let bare = line.trim_end();
        let closes = bare == fence || (fence == "---" && bare == "...");
        if closes {
            let inner = &rest[..offset];
            let after = &rest[offset + line.len()..];
            let keys = if fence == "---" {
                yaml(origin, inner)?
            } else {
                toml_keys(origin, inner)?
            };
            return Ok((Some(keys), after));
        }
        offset += line.len();
    }
    Ok((None, text))
}

/// The fence (`---` or `+++`) that opens the text, and what follows its line.
fn opening(text: &str) -> Option<(&'static str, &str)> {
    let (first, rest) = text.split_once('\n')?;
    match first.trim_end() {
        "---" => Some(("---", rest)),
        "+++" => Some(("+++", rest)),
        _ => None,
    }
}

fn yaml(origin: &str, text: &str) -> Result<Map<String, Value>, IngestError> {
    let malformed = |detail: String| IngestError::Malformed {
        origin: origin.to_owned(),
        format: "YAML front matter",
        detail,
    };
    let value: Value = serde_yaml_ng::from_str(text).map_err(|e| malformed(e.to_string()))?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        other => Err(malformed(format!(
            "it holds {}, not keys and values",
            kind(&other)
        ))),
    }
}

fn toml_keys(origin: &str, text: &str) -> Result<Map<String, Value>, IngestError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| IngestError::Malformed {
        origin: origin.to_owned(),
        format: "TOML front matter",
        detail: e.message().to_owned(),
    })?;
    Ok(table.into_iter().map(|(k, v)| (k, json_of(v))).collect())
}

/// A TOML value as JSON; a date or time becomes its text.
fn json_of(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(json_of).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, json_of(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml() {
        let (keys, rest) =
            split_front_matter("a.md", "---\ntitle: A\npriority: 2\n---\n# Body\n").unwrap();
        let keys = keys.unwrap();
        assert_eq!(keys["title"], "A");
        assert_eq!(keys["priority"], 2);
        assert_eq!(rest, "# Body\n");
        let (keys, rest) = split_front_matter(
            "a.md",
            "+++\ntitle = \"B\"\npublished = 2026-11-29T06:00:00+08:00\n+++\nText",
        )
        .unwrap();
        let keys = keys.unwrap();
        assert_eq!(keys["published"], "2026-11-29T06:00:00+08:00");
        assert_eq!(rest, "Text");
    }

    #[test]
    fn no_closing_fence_is_no_front_matter() {
        let (keys, rest) = split_front_matter("a.md", "---\nA rule, then text\n").unwrap();
        assert!(keys.is_none());
        assert_eq!(rest, "---\nA rule, then text\n");
    }

    #[test]
    fn bad_front_matter_is_named() {
        let e = split_front_matter("a.md", "---\ntitle: [unclosed\n---\nx")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.md: not valid YAML front matter ("), "{e}");
        let e = split_front_matter("a.md", "---\n- a\n- b\n---\nx")
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "a.md: not valid YAML front matter (it holds an array, not keys and values)"
        );
        let e = split_front_matter("a.md", "+++\ntitle = \n+++\nx")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.md: not valid TOML front matter ("), "{e}");
    }
}
