//! ingest: the article a file becomes; the input to the script stage.

use crate::text::Language;

/// One article, ready to be turned into a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The file path as given on the command line (or found in a folder), or
    /// `<stdin>`.
    pub origin: String,
    pub title: String,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    /// As written in the metadata line; not parsed into a date.
    pub published: Option<String>,
    /// Metadata fields with keys that mean nothing to the pipeline, as written.
    pub extra: Vec<(String, String)>,
    pub language: Language,
    /// Body paragraphs, trimmed, never empty, without the byline.
    pub paragraphs: Vec<String>,
    pub byline: Option<Byline>,
}

/// The attribution at the end of an article, such as `(文:陈景会)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Byline {
    /// `文`, `记者`, `By`, `Reporting by`…; `None` when only a name is given.
    pub role: Option<String>,
    /// The person or people credited, e.g. `陈景会`.
    pub name: String,
    /// The whole byline as written, without its brackets, e.g. `文:陈景会`.
    pub text: String,
}
