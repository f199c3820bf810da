//! ingest: JSON and JSON Lines → articles. A file holds one article object,
//! an array of them, or (JSON Lines) one per line. An object with ninjs keys
//! is read as ninjs (see `ninjs`); any other follows this schema:
//!
//! | key          | type                        | meaning                                  |
//! |--------------|-----------------------------|------------------------------------------|
//! | `title`      | string (or `headline`)      | the headline; required                   |
//! | `body`       | string                      | paragraphs separated by blank lines, or HTML |
//! | `paragraphs` | array of strings            | the body, one paragraph each (wins over `body`) |
//! | `source`     | string                      | the publication                          |
//! | `author`     | string or array of strings  | the writer(s)                            |
//! | `editor`     | string                      |                                          |
//! | `published`  | string                      | RFC 3339, RFC 2822 or `2022-10-24 10:47:55` |
//! | `language`   | string                      | `zh`, `en-GB`, `中文`…                    |
//! | `priority`   | whole number (or digits)    | 1 is the most important                  |
//! | `id`         | string or whole number      | the publisher's identifier               |
//! | `url`        | string                      | the story's web address                  |
//!
//! Unknown keys are ignored; `null` is the same as absent; a key of the
//! wrong type is an error naming the file, the item and the key.

use serde_json::{Map, Value};

use super::article::{item_origin, Article};
use super::body::{body_paragraphs, Markup};
use super::draft::Draft;
use super::error::IngestError;
use super::fields::{kind, Fields};
use super::html::inline_text;
use super::ninjs;
use super::tidy::looks_like_html;

/// The keys of which an article object has at least one.
const ARTICLE_KEYS: &[&str] = &["title", "headline", "body", "paragraphs"];

/// A JSON document: one article object or an array of them.
pub(crate) fn parse_json(origin: &str, text: &str) -> Vec<Result<Article, IngestError>> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            return vec![Err(IngestError::Malformed {
                origin: origin.to_owned(),
                format: "JSON",
                detail: e.to_string(),
            })]
        }
    };
    match value {
        Value::Object(map) => vec![article_of(&map, origin, None)],
        Value::Array(items) if items.is_empty() => vec![Err(IngestError::NoArticles {
            origin: origin.to_owned(),
            what: "the JSON array",
        })],
        Value::Array(items) => items
            .iter()
            .enumerate()
            .map(|(i, item)| item_of(item, origin, i + 1))
            .collect(),
        other => vec![Err(IngestError::Unrecognized {
            origin: origin.to_owned(),
            looks_like: format!(
                "it looks like JSON holding {}, not an article object or an array of them",
                kind(&other)
            ),
        })],
    }
}

/// JSON Lines: one article object per line; blank lines are skipped. Each
/// article's item number is its line number, so `day.jsonl#7` is line 7.
pub(crate) fn parse_json_lines(origin: &str, text: &str) -> Vec<Result<Article, IngestError>> {
    let mut results = Vec::new();
    for (i, line) in text.split('\n').enumerate() {
        let number = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        results.push(match serde_json::from_str::<Value>(line) {
            Ok(v) => item_of(&v, origin, number),
            Err(e) => Err(IngestError::Malformed {
                origin: item_origin(origin, Some(number)),
                format: "JSON Lines",
                detail: format!("line {number}: {e}"),
            }),
        });
    }
    if results.is_empty() {
        results.push(Err(IngestError::Empty {
            origin: origin.to_owned(),
        }));
    }
    results
}

fn item_of(value: &Value, origin: &str, item: usize) -> Result<Article, IngestError> {
    match value {
        Value::Object(map) => article_of(map, origin, Some(item)),
        other => Err(IngestError::Unrecognized {
            origin: item_origin(origin, Some(item)),
            looks_like: format!("the item is {}, not an article object", kind(other)),
        }),
    }
}

/// One article object, ninjs or this module's schema.
pub(crate) fn article_of(
    map: &Map<String, Value>,
    origin: &str,
    item: Option<usize>,
) -> Result<Article, IngestError> {
    let name = item_origin(origin, item);
    let f = Fields::new(map, &name);
    if ninjs::is_ninjs(&f) {
        return ninjs::draft(&f)?.finish(origin, item);
    }
    if !ARTICLE_KEYS.iter().any(|k| f.has(k)) {
        let mut keys = f.keys();
        keys.truncate(12);
        return Err(IngestError::Unrecognized {
            origin: name.clone(),
            looks_like: format!(
                "it looks like JSON, but the object has none of the article keys (title, body, paragraphs); its keys are: {}",
                if keys.is_empty() { "none".to_owned() } else { keys.join(", ") }
            ),
        });
    }
    draft(&f)?.finish(origin, item)
}

fn draft(f: &Fields<'_>) -> Result<Draft, IngestError> {
    let title = f.text_of(&["title", "headline"])?.map(|t| {
        if looks_like_html(&t) {
            inline_text(&t)
        } else {
            t
        }
    });
    let paragraphs = match f.strings("paragraphs")? {
        Some(list) => list
            .iter()
            .flat_map(|p| body_paragraphs(p, Markup::Unknown))
            .collect(),
        None => f
            .text("body")?
            .map(|b| body_paragraphs(&b, Markup::Unknown))
            .unwrap_or_default(),
    };
    Ok(Draft {
        title,
        paragraphs,
        source: f.text("source")?,
        author: f.names("author")?,
        editor: f.text("editor")?,
        published: f.text("published")?,
        language: f.text("language")?,
        priority: f.priority("priority")?,
        id: f.id("id")?,
        url: f.text("url")?,
        ..Draft::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(results: Vec<Result<Article, IngestError>>) -> Vec<String> {
        results
            .into_iter()
            .filter_map(|r| r.err().map(|e| e.to_string()))
            .collect()
    }

    #[test]
    fn wrong_types_name_file_item_and_key() {
        let e = errors(parse_json(
            "day.json",
            r#"[{"title":"A","body":"x."},{"title":"B","paragraphs":"not a list"}]"#,
        ));
        assert_eq!(
            e,
            vec!["day.json#2: key \"paragraphs\" must be a list of strings, not a string"]
        );
        let e = errors(parse_json("one.json", r#"{"title":["A"],"body":"x."}"#));
        assert_eq!(
            e,
            vec!["one.json: key \"title\" must be a string, not an array"]
        );
    }

    #[test]
    fn malformed_and_foreign_json() {
        let e = errors(parse_json("a.json", "{\"title\": \"A\",\n \"body\": }"));
        assert_eq!(e.len(), 1);
        assert!(
            e[0].starts_with("a.json: not valid JSON (expected value at line 2"),
            "{}",
            e[0]
        );
        let e = errors(parse_json("a.json", r#"{"name":"config","port":8080}"#));
        assert_eq!(
            e,
            vec!["a.json: not an article in a known format: it looks like JSON, but the object has none of the article keys (title, body, paragraphs); its keys are: name, port"]
        );
        assert_eq!(
            errors(parse_json("a.json", "[]")),
            vec!["a.json: the JSON array holds no articles"]
        );
        assert!(errors(parse_json("a.json", "42"))[0].contains("holding a number"));
        assert!(errors(parse_json("a.json", "[1]"))[0].starts_with("a.json#1: "));
    }

    #[test]
    fn json_lines_count_lines() {
        let results = parse_json_lines(
            "d.jsonl",
            "{\"title\":\"A\",\"body\":\"One.\"}\n\n{\"title\":\"B\",\"body\":\"Two.\"}\n{oops\n",
        );
        assert_eq!(results.len(), 3);
        assert_eq!(results[0].as_ref().unwrap().location(), "d.jsonl#1");
        assert_eq!(results[1].as_ref().unwrap().location(), "d.jsonl#3");
        let e = results[2].as_ref().unwrap_err().to_string();
        assert!(
            e.starts_with("d.jsonl#4: not valid JSON Lines (line 4: "),
            "{e}"
        );
    }
}
