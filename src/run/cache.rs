//! run: `bulletin cache stats` and `bulletin cache prune --older-than 30d`,
//! on a local folder or an `s3://bucket/prefix` cache (and the local folder
//! in front of it, when there is one).

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::config::{CacheConfig, Config, Secrets};
use crate::tts::ClipCache;

use super::error::Error;

/// What the cache commands are told on the command line.
#[derive(Debug, Clone, Default)]
pub struct CacheArgs {
    pub cache_dir: Option<PathBuf>,
    pub cache_local: Option<PathBuf>,
    /// A `voices.toml` whose `[cache]` applies.
    pub config: Option<PathBuf>,
}

/// The cache from `--cache-dir`, else `BULLETIN_CACHE_DIR`, else `[cache] dir`
/// of the config given, else the user's cache folder.
pub fn cache_at(args: CacheArgs, env: &dyn Fn(&str) -> Option<String>) -> Result<ClipCache, Error> {
    let config = match &args.config {
        Some(path) => Config::load(path, Secrets::NotNeeded, env)?.cache,
        None => CacheConfig::default(),
    };
    super::settings::cache_settings(args.cache_dir, args.cache_local, false, &config, env)?
        .ok_or_else(|| {
            Error::Cache("no cache folder: set --cache-dir or BULLETIN_CACHE_DIR".into())
        })?
        .open()
        .map_err(|e| Error::Cache(e.to_string()))
}

pub fn stats(cache: &ClipCache) -> Result<String, Error> {
    let stats = super::settings::runtime()?
        .block_on(cache.stats())
        .map_err(|e| Error::Cache(e.to_string()))?;
    let age = |t: Option<SystemTime>| {
        t.map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
        .unwrap_or_else(|| "-".into())
    };
    let blocks: Vec<String> = stats
        .iter()
        .map(|(location, s)| {
            format!(
                "folder  {location}\nclips   {} (and {} prepared for a bulletin format)\nsize    {:.1} MiB\noldest  {}\nnewest  {}\n",
                s.clips,
                s.prepared,
                s.bytes as f64 / (1024.0 * 1024.0),
                age(s.oldest),
                age(s.newest)
            )
        })
        .collect();
    Ok(blocks.join("\n"))
}

pub fn prune(cache: &ClipCache, older_than: Duration) -> Result<String, Error> {
    let pruned = super::settings::runtime()?
        .block_on(cache.prune(older_than, SystemTime::now()))
        .map_err(|e| Error::Cache(e.to_string()))?;
    Ok(pruned
        .iter()
        .map(|(location, p)| {
            format!(
                "removed {} clips ({:.1} MiB) unused for {} from {location}\n",
                p.entries,
                p.bytes as f64 / (1024.0 * 1024.0),
                humanize(older_than)
            )
        })
        .collect())
}

fn humanize(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s % 86400 == 0 && s > 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 && s > 0 => format!("{}h", s / 3600),
        s => format!("{s}s"),
    }
}
