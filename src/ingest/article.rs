//! ingest: the article a file becomes; the input to the script stage. Every
//! format (seed text, Markdown, JSON, ninjs, NewsML-G2, RSS/Atom, HTML) fills
//! the same fields, so nothing downstream knows where an article came from.

use chrono::{DateTime, FixedOffset};

use crate::text::Language;

/// One article, ready to be turned into a script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// The file path as given on the command line (or found in a folder), the
    /// URL it was fetched from, or `<stdin>`.
    pub origin: String,
    /// Where in a document of several articles (a feed, a JSON array, JSON
    /// Lines, a NewsML-G2 `newsMessage`) this one stood, counting from 1;
    /// `None` when the document holds one article. See [`Article::location`].
    pub item: Option<usize>,
    /// The identifier the publisher gave the story (a feed item's guid, a
    /// NewsML-G2 guid, a ninjs uri, an `id` key), as written.
    pub id: Option<String>,
    /// The story's web address, when the input gives one.
    pub url: Option<String>,
    pub title: String,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    /// As written in the input (`2022-10-24 10:47:55`, an RFC 3339 or
    /// RFC 2822 time…).
    pub published: Option<String>,
    /// `published` read as a point in time, when it can be (see
    /// [`parse_published`](super::parse_published)).
    pub published_at: Option<DateTime<FixedOffset>>,
    /// The editor's running order weight: 1 is the most important, larger
    /// numbers matter less; `None` when the input does not say.
    pub priority: Option<u32>,
    /// Metadata fields with keys that mean nothing to the pipeline, as written.
    pub extra: Vec<(String, String)>,
    pub language: Language,
    /// Body paragraphs, trimmed, never empty, without the byline; no markup.
    pub paragraphs: Vec<String>,
    pub byline: Option<Byline>,
}

impl Article {
    /// Where the article came from, for messages and manifests: the origin,
    /// with `#N` for the Nth article of a document of several (`feed.xml#3`).
    pub fn location(&self) -> String {
        item_origin(&self.origin, self.item)
    }
}

/// `origin#item` for an item of a document of several, `origin` otherwise.
pub(crate) fn item_origin(origin: &str, item: Option<usize>) -> String {
    match item {
        Some(n) => format!("{origin}#{n}"),
        None => origin.to_owned(),
    }
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
