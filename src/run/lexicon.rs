//! run: `bulletin lexicon check INPUT...`, the words in the day's articles that
//! look like names or abbreviations and that the lexicon does not cover, for a
//! person to review before air.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use crate::config::{Config, Secrets};
use crate::text::{review_candidates, Lexicon};

use super::error::Error;
use super::inputs::{InputArgs, ReadSettings};
use super::settings::cache_dir;

#[derive(Debug, Clone)]
pub struct LexiconCheckOptions {
    pub inputs: InputArgs,
    pub voices: PathBuf,
}

/// The report, one line per word: language, word, how often, first article.
pub fn check(opts: &LexiconCheckOptions) -> Result<String, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let config = Config::load(&opts.voices, Secrets::NotNeeded, &env)?;
    let settings = ReadSettings::resolve(
        opts.inputs.clone(),
        &config,
        false,
        cache_dir(None, false, &env),
    )?;
    let articles = super::inputs::read(&settings)?.articles;
    let empty = Lexicon::default();
    let lexicon = config.script.lexicon.as_deref().unwrap_or(&empty);
    // (language, word) → (count, first article)
    let mut found: BTreeMap<(String, String), (usize, String)> = BTreeMap::new();
    for article in &articles {
        let lang = article.language.as_str();
        let text = std::iter::once(article.title.as_str())
            .chain(article.paragraphs.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("\n");
        for word in review_candidates(&text, lang, lexicon) {
            found
                .entry((lang.to_owned(), word))
                .or_insert_with(|| (0, article.origin.clone()))
                .0 += 1;
        }
    }
    let mut out = String::new();
    if found.is_empty() {
        out.push_str("every name and abbreviation is covered by the lexicon\n");
        return Ok(out);
    }
    let _ = writeln!(out, "{} words to review (not in the lexicon):", found.len());
    let _ = writeln!(
        out,
        "{:<5} {:<28} {:>5}  first seen in",
        "lang", "word", "count"
    );
    for ((lang, word), (count, origin)) in &found {
        let _ = writeln!(out, "{lang:<5} {word:<28} {count:>5}  {origin}");
    }
    Ok(out)
}
