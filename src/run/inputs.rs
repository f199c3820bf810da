//! run: the day's articles for every command that reads them: the inputs
//! resolved (command line over `[bulletin] inputs`), read through the
//! program's fetcher, and picked into the running order (`since`, dedupe,
//! `order`, `limit`). What was left out is logged, so an editor can see why
//! a story is not in the bulletin.

use std::path::PathBuf;

use crate::config::Config;
use crate::fetch::{FetchSettings, HttpFetcher, ValidatorStore};
use crate::ingest::{self, InputSpec, Order, Pick, Since};

use super::error::Error;

/// What the command line says about inputs, as given.
#[derive(Debug, Clone, Default)]
pub struct InputArgs {
    /// Empty: the config's `[bulletin] inputs`.
    pub inputs: Vec<InputSpec>,
    pub since: Option<Since>,
    pub limit: Option<usize>,
    pub order: Option<Order>,
}

impl InputArgs {
    pub fn new(inputs: Vec<InputSpec>) -> InputArgs {
        InputArgs {
            inputs,
            ..InputArgs::default()
        }
    }
}

/// What to read and how to pick, resolved: the command line over the config
/// over the defaults.
#[derive(Debug, Clone)]
pub struct ReadSettings {
    pub inputs: Vec<InputSpec>,
    pub since: Option<Since>,
    pub limit: Option<usize>,
    pub order: Order,
    pub skip_bad_inputs: bool,
    pub fetch: FetchSettings,
    /// The cache folder, where conditional GET keeps what it fetched; none
    /// with `--no-cache`.
    pub cache: Option<PathBuf>,
}

impl ReadSettings {
    pub fn resolve(
        args: InputArgs,
        config: &Config,
        skip_bad_inputs: bool,
        cache: Option<PathBuf>,
    ) -> Result<ReadSettings, Error> {
        let from = &config.inputs;
        let inputs = if args.inputs.is_empty() {
            from.inputs.clone()
        } else {
            args.inputs
        };
        if inputs.is_empty() {
            return Err(Error::BadArgument(format!(
                "no inputs: name files, folders, URLs or - on the command line, or list them in \
                 [bulletin] inputs in {}",
                config.path.display()
            )));
        }
        Ok(ReadSettings {
            inputs,
            since: args.since.or(from.since),
            limit: args.limit.or(from.limit),
            order: args.order.or(from.order).unwrap_or_default(),
            skip_bad_inputs,
            fetch: from.fetch.clone(),
            cache,
        })
    }
}

/// Reads every input and picks the running order.
pub fn read(settings: &ReadSettings) -> Result<ingest::Read, Error> {
    let store = settings.cache.as_deref().map(ValidatorStore::in_cache);
    let fetcher = HttpFetcher::new(settings.fetch.clone(), store);
    let read = ingest::read(&settings.inputs, settings.skip_bad_inputs, &fetcher)?;
    let now = chrono::Local::now().fixed_offset();
    let pick = Pick {
        since: settings.since.map(|s| s.cutoff(now)),
        limit: settings.limit,
        order: settings.order,
    };
    let picked = ingest::pick(read.articles, &pick);
    for d in &picked.duplicates {
        tracing::info!(
            article = %d.article.location(),
            kept = %d.kept,
            reason = ?d.reason,
            "left out a repeat of a story already in the bulletin"
        );
    }
    if picked.too_old > 0 {
        if let Some(cutoff) = pick.since {
            tracing::info!(articles = picked.too_old, since = %cutoff.to_rfc3339(), "left out articles published before --since");
        }
    }
    if picked.over_limit > 0 {
        tracing::info!(
            articles = picked.over_limit,
            "left out articles past --limit"
        );
    }
    if picked.articles.is_empty() {
        return Err(Error::BadArgument(format!(
            "no articles left to read: {} published before --since, {} repeats",
            picked.too_old,
            picked.duplicates.len()
        )));
    }
    Ok(ingest::Read {
        articles: picked.articles,
        skipped: read.skipped,
    })
}
