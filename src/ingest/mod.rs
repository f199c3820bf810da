//! ingest: the first stage. Files, folders, stdin and URLs become [`Article`]s;
//! decoding, format detection and metadata extraction live here and nowhere
//! else.
//!
//! - `input`: which files to read ([`collect`]) into [`Document`]s.
//! - `article`: what comes out ([`Article`], [`Byline`]).
//! - `error`: what can go wrong ([`IngestError`]), always naming the file.
//! - `decode`: bytes → text, or a clear error naming the file.
//! - `format`: which [`Format`] a document is in ([`detect_format`]).
//! - `document`: [`parse_document`], a document → its articles.
//! - `parse`: [`parse`], the seed text layout; with `layout` (title and
//!   paragraphs), `metadata` (the `key:value丨key:value` line) and `byline`
//!   (the `(文:陈景会)` at the end).
//! - `markdown`, `front_matter`: Markdown with YAML or TOML front matter.
//! - `json`, `ninjs`, `fields`: JSON, JSON Lines and IPTC ninjs.
//! - `newsml`: IPTC NewsML-G2 `newsItem` and `newsMessage`.
//! - `feed`: RSS and Atom.
//! - `page`: HTML article pages; `html`: the HTML → paragraphs reducer that
//!   pages, feeds, ninjs, NewsML-G2 and JSON share; `body`: a body field,
//!   HTML or plain.
//! - `draft`: what every reader fills in before it is an [`Article`];
//!   `tidy`: text out of markup made speakable; `published`: published
//!   times ([`parse_published`]).
//! - `select`, `dedupe`, `order`: picking and ordering the day's articles
//!   ([`since`], [`limit`], [`dedupe`], [`order`]); `pick`: all of them in
//!   their order ([`pick`]).
//! - `playlist`: `*.list` running orders ([`read_playlist`]).
//! - `fetch`: the [`Fetch`] seam through which URLs are read (the network
//!   is not here: see the crate's `fetch` module).
//! - `read`: [`read`], every input with the policy for bad ones, playlists
//!   expanded.

mod article;
mod body;
mod byline;
mod chars;
mod decode;
mod dedupe;
mod document;
mod draft;
mod error;
mod feed;
mod fetch;
mod fields;
mod format;
mod front_matter;
mod html;
mod input;
mod json;
mod layout;
mod markdown;
mod metadata;
mod newsml;
mod ninjs;
mod order;
mod page;
mod parse;
mod pick;
mod playlist;
mod published;
mod read;
mod select;
mod tidy;

pub use article::{Article, Byline};
pub use decode::MAX_ARTICLE_BYTES;
pub use dedupe::{dedupe, Duplicate, DuplicateOf};
pub use document::{parse_document, parse_document_each};
pub use error::IngestError;
pub use fetch::{shown_url, Fetch, NoFetch};
pub use format::{detect_format, Format};
pub use input::{collect, collect_each, Document, InputSpec, STDIN_ORIGIN};
pub use order::{order, Order};
pub use parse::parse;
pub use pick::{pick, Pick, Picked};
pub use playlist::{is_playlist, parse_playlist, read_playlist, PlaylistEntry};
pub use published::parse_published;
pub use read::{read, Read, MAX_PLAYLIST_DEPTH};
pub use select::{limit, since, Since};

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod properties;
