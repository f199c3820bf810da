//! config: `[cache]` → where the clip cache is, as the file says it (the
//! command line and the environment are merged over it in `run::settings`).

use std::path::{Path, PathBuf};

use super::error::Problem;
use super::raw::RawCache;
use crate::tts::S3Settings;

/// `[cache]`: `dir` (a folder, relative to voices.toml, or `s3://bucket/prefix`)
/// and `local` (a folder in front of an `s3://` cache).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CacheConfig {
    pub dir: Option<String>,
    pub local: Option<PathBuf>,
}

pub(super) fn resolve(raw: &RawCache, base: &Path) -> Result<CacheConfig, Problem> {
    let dir = match raw.dir.as_deref() {
        None => None,
        Some("") => return Err(Problem::at("cache", "dir", "must not be empty")),
        Some(d) => match S3Settings::parse_url(d) {
            Some(Err(message)) => return Err(Problem::at("cache", "dir", message)),
            Some(Ok(_)) => Some(d.to_owned()),
            None => Some(base.join(d).display().to_string()),
        },
    };
    let local = match raw.local.as_deref() {
        None => None,
        Some(l) if l.is_empty() || l.starts_with("s3://") => {
            return Err(Problem::at(
                "cache",
                "local",
                "must be a local folder (the cache in front of the shared one)",
            ))
        }
        Some(l) => Some(base.join(l)),
    };
    Ok(CacheConfig { dir, local })
}
