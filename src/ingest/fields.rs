//! ingest: typed reading of the keys of a JSON object (a JSON article, a
//! ninjs item, Markdown front matter turned into JSON). A key that is absent
//! or `null` is unknown; a key of the wrong type is an error naming the file,
//! the item and the key.

use serde_json::{Map, Value};

use super::draft::join_names;
use super::error::IngestError;

/// One object's keys, with the name errors give it (`day.json#2`).
pub(crate) struct Fields<'a> {
    map: &'a Map<String, Value>,
    origin: &'a str,
}

impl<'a> Fields<'a> {
    pub(crate) fn new(map: &'a Map<String, Value>, origin: &'a str) -> Fields<'a> {
        Fields { map, origin }
    }

    /// The value of `key`, unless absent or `null`.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn has(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    /// The keys of the object, for messages.
    pub(crate) fn keys(&self) -> Vec<&'a str> {
        self.map.keys().map(String::as_str).collect()
    }

    pub(crate) fn error(&self, key: &str, problem: impl Into<String>) -> IngestError {
        IngestError::Field {
            origin: self.origin.to_owned(),
            key: key.to_owned(),
            problem: problem.into(),
        }
    }

    fn expected(&self, key: &str, what: &str, found: &Value) -> IngestError {
        self.error(key, format!("must be {what}, not {}", kind(found)))
    }

    /// A string.
    pub(crate) fn text(&self, key: &str) -> Result<Option<String>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.expected(key, "a string", other)),
        }
    }

    /// The first of `keys` that is present, as a string.
    pub(crate) fn text_of(&self, keys: &[&str]) -> Result<Option<String>, IngestError> {
        for key in keys {
            if let Some(t) = self.text(key)? {
                return Ok(Some(t));
            }
        }
        Ok(None)
    }

    /// A string or a whole number, as text (`"id": 42`).
    pub(crate) fn id(&self, key: &str) -> Result<Option<String>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(Value::Number(n)) if n.is_u64() || n.is_i64() => Ok(Some(n.to_string())),
            Some(other) => Err(self.expected(key, "a string or a whole number", other)),
        }
    }

    /// A name, or a list of names (strings, or objects with a `name`).
    pub(crate) fn names(&self, key: &str) -> Result<Option<String>, IngestError> {
        let name_of = |v: &Value| match v {
            Value::String(s) => Some(s.clone()),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(str::to_owned),
            _ => None,
        };
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => {
                let mut names = Vec::with_capacity(items.len());
                for item in items {
                    names
                        .push(name_of(item).ok_or_else(|| {
                            self.expected(key, "a name or a list of names", item)
                        })?);
                }
                Ok(join_names(&names))
            }
            Some(v) => name_of(v)
                .map(Some)
                .ok_or_else(|| self.expected(key, "a name or a list of names", v)),
        }
    }

    /// A whole number from 0 up, or a string of digits.
    pub(crate) fn priority(&self, key: &str) -> Result<Option<u32>, IngestError> {
        let problem = "must be a whole number from 0 up (1 is the most important)";
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .map(Some)
                .ok_or_else(|| self.error(key, format!("{problem}, not {n}"))),
            Some(Value::String(s)) => s
                .trim()
                .parse::<u32>()
                .map(Some)
                .map_err(|_| self.error(key, format!("{problem}, not \"{s}\""))),
            Some(other) => Err(self.error(key, format!("{problem}, not {}", kind(other)))),
        }
    }

    /// An array of strings.
    pub(crate) fn strings(&self, key: &str) -> Result<Option<Vec<String>>, IngestError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.error(
                        key,
                        format!(
                            "must be a list of strings, but entry {} is {}",
                            i + 1,
                            kind(other)
                        ),
                    )),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.expected(key, "a list of strings", other)),
        }
    }

    /// An array of objects, or one object.
    pub(crate) fn objects(&self, key: &str) -> Result<Vec<&'a Map<String, Value>>, IngestError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(Value::Object(o)) => Ok(vec![o]),
            Some(Value::Array(items)) => items
                .iter()
                .enumerate()
                .map(|(i, v)| match v {
                    Value::Object(o) => Ok(o),
                    other => Err(self.error(
                        key,
                        format!(
                            "must be a list of objects, but entry {} is {}",
                            i + 1,
                            kind(other)
                        ),
                    )),
                })
                .collect(),
            Some(other) => Err(self.expected(key, "a list of objects", other)),
        }
    }
}

/// What a JSON value is, for messages: `a number`, `an array`…
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with<T>(v: Value, f: impl FnOnce(&Fields<'_>) -> T) -> T {
        let map = v.as_object().unwrap().clone();
        f(&Fields::new(&map, "day.json#2"))
    }

    #[test]
    fn types_are_checked_and_named() {
        let e = with(json!({"title": 5}), |f| f.text("title").unwrap_err());
        assert_eq!(
            e.to_string(),
            "day.json#2: key \"title\" must be a string, not a number"
        );
        let e = with(json!({"priority": -1}), |f| {
            f.priority("priority").unwrap_err()
        });
        assert!(
            e.to_string()
                .contains("key \"priority\" must be a whole number"),
            "{e}"
        );
        let e = with(json!({"paragraphs": ["a", 1]}), |f| {
            f.strings("paragraphs").unwrap_err()
        });
        assert!(e.to_string().ends_with("but entry 2 is a number"), "{e}");
    }

    #[test]
    fn lenient_where_the_meaning_is_plain() {
        with(
            json!({"id": 42, "priority": "3", "author": ["Ann Lee", {"name": "Tom Li"}], "title": null}),
            |f| {
                assert_eq!(f.id("id").unwrap().as_deref(), Some("42"));
                assert_eq!(f.priority("priority").unwrap(), Some(3));
                assert_eq!(
                    f.names("author").unwrap().as_deref(),
                    Some("Ann Lee, Tom Li")
                );
                assert_eq!(f.text("title").unwrap(), None);
                assert!(!f.has("title"));
            },
        );
    }
}
