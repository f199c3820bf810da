//! text: speakable text — what a newsreader would say for an article, per
//! language, before synthesis: numbers, dates, times, money, units, phone
//! numbers and abbreviations become words; the pronunciation lexicon
//! (`text::lexicon`) goes first.
//!
//! - `speakable`: the entry point ([`speakable`]).
//! - `zh`, `en`: each language's rules, in the order they run.
//! - `zh_numbers`, `en_numbers`: how a number is read aloud.
//! - `zh_dates`, `en_dates`: dates, years, clock times.
//! - `zh_quantities`, `en_quantities`: counts, ordinals, ranges, fractions
//!   and the last rule, which reads every number left.
//! - `money`, `percent`, `units`, `rates`, `codes`: sums, shares,
//!   measures, rates with a slash (毫克/升, km/h), and phone numbers read
//!   digit by digit, for both languages.
//! - `en_abbreviations`: `Dr.`, `U.S.`, `e.g.`, initials.
//! - `fold`: full-width digits to ASCII, first.
//! - `sentence_ends`: sentence ends the rules hid, restored.
//! - `pattern`: what the rules share.
//! - `runs`: where a text switches language ([`language_runs`]).
//! - `review`: words worth adding to the lexicon ([`review_candidates`]).

mod codes;
mod en;
mod en_abbreviations;
mod en_dates;
mod en_numbers;
mod en_quantities;
mod fold;
mod money;
mod pattern;
mod percent;
mod rates;
mod review;
mod runs;
mod sentence_ends;
mod speakable;
mod units;
mod zh;
mod zh_dates;
mod zh_numbers;
mod zh_quantities;

pub use review::review_candidates;
pub use runs::language_runs;
pub use speakable::speakable;

#[cfg(test)]
mod cases;
#[cfg(test)]
mod corpus;
#[cfg(test)]
mod properties;
