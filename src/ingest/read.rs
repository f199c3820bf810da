//! ingest: every input read and parsed, with the policy for the ones that
//! cannot be: fail the whole read, or set them aside and go on.

use super::article::Article;
use super::error::IngestError;
use super::input::{collect_each, InputSpec};
use super::parse::parse;

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
            match document.and_then(|doc| parse(&doc)) {
                Ok(article) => articles.push(article),
                Err(e) if skip_bad => {
                    tracing::warn!("skipping an input: {e}");
                    skipped.push(e);
                }
                Err(e) => return Err(e),
            }
        }
    }
    if articles.is_empty() && !skipped.is_empty() {
        return Err(skipped.swap_remove(0));
    }
    Ok(Read { articles, skipped })
}
