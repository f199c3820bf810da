//! ingest: the first stage. Files, folders and stdin become [`Article`]s;
//! decoding, layout detection and metadata extraction live here and nowhere
//! else.
//!
//! - `input`: which files to read ([`collect`]) into [`Document`]s.
//! - `article`: what comes out ([`Article`], [`Byline`]).
//! - `error`: what can go wrong ([`IngestError`]), always naming the file.
//! - `decode`: bytes → text, or a clear error naming the file.
//! - `layout`: text → title and blocks → paragraphs (the seed layout).
//! - `metadata`: the `key:value丨key:value` line under the title.
//! - `byline`: the `(文:陈景会)` at the end of the last paragraph.
//! - `parse`: [`parse`] ties the above together.
//! - `read`: [`read`], every input with the policy for bad ones.

mod article;
mod byline;
mod chars;
mod decode;
mod error;
mod input;
mod layout;
mod metadata;
mod parse;
mod read;

pub use article::{Article, Byline};
pub use decode::MAX_ARTICLE_BYTES;
pub use error::IngestError;
pub use input::{collect, collect_each, Document, InputSpec, STDIN_ORIGIN};
pub use parse::parse;
pub use read::{read, Read};

#[cfg(test)]
mod properties;
