//! tts: where the clip cache is, resolved once by the settings: a local
//! folder or `s3://bucket/prefix`, optionally with a small local folder in
//! front of the shared store.

use std::path::PathBuf;

use super::cache::ClipCache;
use super::s3::{S3Settings, S3Store};
use super::store::{LocalStore, Store, StoreError};

/// One store of the cache.
#[derive(Debug, Clone, PartialEq)]
pub enum CacheStore {
    Local(PathBuf),
    S3(Box<S3Settings>),
}

impl CacheStore {
    pub fn open(&self) -> Result<Box<dyn Store>, StoreError> {
        Ok(match self {
            CacheStore::Local(dir) => Box::new(LocalStore::new(dir)),
            CacheStore::S3(settings) => Box::new(S3Store::new(settings)?),
        })
    }

    /// For messages: the folder, or `s3://bucket/prefix` (never credentials).
    pub fn location(&self) -> String {
        match self {
            CacheStore::Local(dir) => dir.display().to_string(),
            CacheStore::S3(s) => s.url(),
        }
    }
}

/// The clip cache of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CacheSettings {
    /// The cache every run (and shard) shares.
    pub shared: CacheStore,
    /// A local folder read first and written too, in front of a remote store.
    pub front: Option<PathBuf>,
}

impl CacheSettings {
    pub fn local(dir: impl Into<PathBuf>) -> CacheSettings {
        CacheSettings {
            shared: CacheStore::Local(dir.into()),
            front: None,
        }
    }

    /// A local folder of this cache, if it has one (the one in front, else
    /// the shared one when it is local): where fetched inputs are remembered
    /// for conditional GET.
    pub fn local_dir(&self) -> Option<&std::path::Path> {
        match (&self.front, &self.shared) {
            (Some(front), _) => Some(front),
            (None, CacheStore::Local(dir)) => Some(dir),
            (None, CacheStore::S3(_)) => None,
        }
    }

    /// The cache, its front store first. Nothing is contacted yet.
    pub fn open(&self) -> Result<ClipCache, StoreError> {
        let mut stores = Vec::new();
        if let Some(front) = &self.front {
            stores.push(Box::new(LocalStore::new(front)) as Box<dyn Store>);
        }
        stores.push(self.shared.open()?);
        Ok(ClipCache::with_stores(stores))
    }
}
