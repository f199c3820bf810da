//! text: speakable text, between ingest and script. For now: cutting text
//! into sentences and into pieces that fit a backend's request limit.
//!
//! - `limit`: a backend's request limit ([`Limit`]).
//! - `sentences`: where sentences end ([`sentences`]).
//! - `abbreviations`: where an English `.` does not end one.
//! - `split`: packing sentences into limited chunks ([`split_to_limit`]).
//! - `chars`: character classes the above share.

mod abbreviations;
mod chars;
pub mod lexicon;
mod limit;
pub mod normalize;
mod sentences;
mod split;

pub use lexicon::{Lexicon, LexiconError};
pub use limit::Limit;
pub use normalize::{language_runs, review_candidates, speakable};
pub use sentences::sentences;
pub use split::split_to_limit;

#[cfg(test)]
mod properties;
