//! ingest: every input read and parsed, with the policy for the ones that
//! cannot be: fail the whole read, or set them aside and go on. A document
//! of several articles (a feed, a JSON array) is read item by item, so one
//! bad item is set aside on its own.

use super::article::Article;
use super::document::parse_document_each;
use super::error::IngestError;
use super::input::{collect_each, InputSpec};

/// The articles of a read, and the inputs set aside.
#[derive(Debug)]
pub struct Read {
    pub articles: Vec<Article>,
    /// Inputs that could not be read or parsed (with `skip_bad` only).
    pub skipped: Vec<IngestError>,
}

/// Reads and parses every input, in order. Without `skip_bad` the first bad
/// input fails the read; with it, bad inputs (a bad file in a folder on its
/// own) are set aside, as long as at least one article remains.
pub fn read(inputs: &[InputSpec], skip_bad: bool) -> Result<Read, IngestError> {
    let mut articles = Vec::new();
    let mut skipped = Vec::new();
    for input in inputs {
        for document in collect_each(input) {
            let results = match document {
                Ok(doc) => parse_document_each(&doc),
                Err(e) => vec![Err(e)],
            };
            for result in results {
                match result {
                    Ok(article) => articles.push(article),
                    Err(e) if skip_bad => {
                        tracing::warn!("skipping an input: {e}");
                        skipped.push(e);
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    }
    if articles.is_empty() && !skipped.is_empty() {
        return Err(skipped.swap_remove(0));
    }
    Ok(Read { articles, skipped })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bad_item_is_set_aside_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.json");
        std::fs::write(
            &path,
            r#"[{"title":"A","body":"One."},{"title":"B"},{"title":"C","body":"Three."}]"#,
        )
        .unwrap();
        let spec = InputSpec::Path(path);
        let r = read(std::slice::from_ref(&spec), true).unwrap();
        let titles: Vec<&str> = r.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, vec!["A", "C"]);
        assert_eq!(r.skipped.len(), 1);
        assert!(
            r.skipped[0].origin().ends_with("desk.json#2"),
            "{}",
            r.skipped[0]
        );
        let e = read(&[spec], false).unwrap_err();
        assert!(e.to_string().contains("desk.json#2: article \"B\""), "{e}");
    }
}
