//! run: `bulletin cache stats` and `bulletin cache prune --older-than 30d`.

use std::path::PathBuf;
use std::time::{Duration, SystemTime};

use crate::tts::ClipCache;

use super::error::Error;

/// The cache folder from `--cache-dir`, else `BULLETIN_CACHE_DIR`, else the user's cache folder.
pub fn cache_at(dir: Option<PathBuf>) -> Result<ClipCache, Error> {
    super::settings::cache_dir(dir, false, &|k| std::env::var(k).ok())
        .map(ClipCache::new)
        .ok_or_else(|| {
            Error::Cache("no cache folder: set --cache-dir or BULLETIN_CACHE_DIR".into())
        })
}

pub fn stats(cache: &ClipCache) -> Result<String, Error> {
    let s = cache
        .stats()
        .map_err(|e| Error::Cache(format!("cannot read {}: {e}", cache.dir().display())))?;
    let age = |t: Option<SystemTime>| {
        t.map(|t| {
            chrono::DateTime::<chrono::Local>::from(t)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        })
        .unwrap_or_else(|| "-".into())
    };
    Ok(format!(
        "folder  {}\nclips   {} (and {} prepared for a bulletin format)\nsize    {:.1} MiB\noldest  {}\nnewest  {}\n",
        cache.dir().display(),
        s.clips,
        s.prepared,
        s.bytes as f64 / (1024.0 * 1024.0),
        age(s.oldest),
        age(s.newest)
    ))
}

pub fn prune(cache: &ClipCache, older_than: Duration) -> Result<String, Error> {
    let (clips, bytes) = cache
        .prune(older_than, SystemTime::now())
        .map_err(|e| Error::Cache(format!("cannot prune {}: {e}", cache.dir().display())))?;
    Ok(format!(
        "removed {clips} clips ({:.1} MiB) unused for {}\n",
        bytes as f64 / (1024.0 * 1024.0),
        humanize(older_than)
    ))
}

fn humanize(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        s if s % 86400 == 0 && s > 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 && s > 0 => format!("{}h", s / 3600),
        s => format!("{s}s"),
    }
}
