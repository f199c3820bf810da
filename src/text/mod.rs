//! text: speakable text, between ingest and script: sentences, request-size
//! chunks, and the spoken form of each (numbers, dates, lexicon).
//!
//! - `limit`: a backend's request limit ([`Limit`]).
//! - `sentences`: where sentences end ([`sentences`]).
//! - `abbreviations`: where an English `.` does not end one.
//! - `split`: packing sentences into limited chunks ([`split_to_limit`]).
//! - `chars`: character classes the above share, and the one `is_cjk`.
//! - `language`: [`Language`] codes and [`detect_language`].
//! - `excerpt`: a short, one-line excerpt of a text for messages.
//! - `normalize`: the spoken form of a text ([`speakable`]): numbers, dates,
//!   money, units, abbreviations, per language.
//! - `lexicon`: the newsroom's pronunciation lexicon ([`Lexicon`]).

mod abbreviations;
mod chars;
mod excerpt;
mod language;
pub mod lexicon;
mod limit;
pub mod normalize;
mod sentences;
mod split;

pub use chars::{is_cjk, is_han, is_hangul, is_kana, is_syllable_char};
pub use excerpt::excerpt;
pub use language::{detect_language, Language};
pub use lexicon::{Lexicon, LexiconError};
pub use limit::Limit;
pub use normalize::{language_runs, review_candidates, speakable};
pub use sentences::sentences;
pub use split::split_to_limit;

#[cfg(test)]
mod properties;
