//! tts: where the clip cache keeps its entries. A [`Store`] holds whole
//! objects under keys such as `ab/ab12….wav`; the cache's logic (keys,
//! formats, judging, tiers) is the same whatever holds them. Two stores: a
//! local folder ([`LocalStore`]) and S3-compatible object storage
//! (`super::s3::S3Store`).

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use futures::future::BoxFuture;

/// One object as read back.
#[derive(Debug, Clone)]
pub struct Object {
    pub bytes: Vec<u8>,
    /// When it was last written or marked as used.
    pub modified: Option<SystemTime>,
    /// The open file the bytes were read from, for a local store: it keeps
    /// them readable after the entry is replaced or removed.
    pub file: Option<std::sync::Arc<fs::File>>,
}

/// One entry as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

/// A store operation that failed, with where and why.
#[derive(Debug, Clone, thiserror::Error)]
#[error("failed to {op} {location}: {message}")]
pub struct StoreError {
    pub op: &'static str,
    /// The store and key (`s3://bucket/prefix/ab/ab12….wav`, or a path); never credentials.
    pub location: String,
    pub message: String,
}

/// Whole objects under keys. A reader sees an object complete or not at all,
/// even when the writer is killed mid-write.
pub trait Store: Send + Sync {
    /// Where the store is, for messages (no credentials).
    fn location(&self) -> String;

    /// The object under `key`; `None` when there is none.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Object>, StoreError>>;

    /// Stores the concatenation of `parts` under `key`, atomically. A local
    /// store writes the parts as they are, so an entry is never gathered into
    /// a second buffer beside the clip it comes from.
    fn put<'a>(
        &'a self,
        key: &'a str,
        parts: &'a [&'a [u8]],
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Removes `key`; a missing key is not an error.
    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Records that `object` (just read from `key`) was used, so that
    /// `cache prune --older-than` keeps it.
    fn mark_used<'a>(
        &'a self,
        key: &'a str,
        object: &'a Object,
    ) -> BoxFuture<'a, Result<(), StoreError>>;

    /// Every cache entry (`xx/<digest>.wav` and `xx/<digest>.pcm`).
    fn list(&self) -> BoxFuture<'_, Result<Vec<Entry>, StoreError>>;
}

/// Whether `key` names a cache entry: `xx/<hex>.wav` or `xx/<hex>.pcm`.
pub fn is_entry_key(key: &str) -> bool {
    let Some((shard, file)) = key.split_once('/') else {
        return false;
    };
    let Some(stem) = file
        .strip_suffix(".wav")
        .or_else(|| file.strip_suffix(".pcm"))
    else {
        return false;
    };
    shard.len() == 2 && stem.starts_with(shard) && stem.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A folder on a local (or shared) filesystem: `DIR/ab/ab12….wav`, each
/// written to a temporary file beside it and renamed into place.
#[derive(Debug, Clone)]
pub struct LocalStore {
    dir: PathBuf,
}

impl LocalStore {
    pub fn new(dir: impl Into<PathBuf>) -> LocalStore {
        LocalStore { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, key: &str) -> PathBuf {
        self.dir.join(key)
    }

    fn error(&self, op: &'static str, path: &Path, e: io::Error) -> StoreError {
        StoreError {
            op,
            location: path.display().to_string(),
            message: e.to_string(),
        }
    }

    fn read(&self, key: &str) -> Result<Option<Object>, StoreError> {
        let path = self.path(key);
        let read = || -> io::Result<Object> {
            let mut file = fs::File::open(&path)?;
            let meta = file.metadata()?;
            // Sized up front, as `fs::read` does: growing by doubling would hold
            // up to twice the entry.
            let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
            io::Read::read_to_end(&mut file, &mut bytes)?;
            Ok(Object {
                bytes,
                modified: meta.modified().ok(),
                file: Some(std::sync::Arc::new(file)),
            })
        };
        match read() {
            Ok(object) => Ok(Some(object)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(self.error("read", &path, e)),
        }
    }

    fn write(&self, key: &str, parts: &[&[u8]]) -> Result<(), StoreError> {
        let path = self.path(key);
        let dir = path.parent().unwrap_or(&self.dir);
        let write = || -> io::Result<()> {
            fs::create_dir_all(dir)?;
            let mut temp = tempfile::Builder::new()
                .prefix(".entry-")
                .suffix(".partial")
                .tempfile_in(dir)?;
            for part in parts {
                io::Write::write_all(&mut temp, part)?;
            }
            temp.persist(&path).map_err(|e| e.error)?;
            Ok(())
        };
        write().map_err(|e| self.error("write", &path, e))
    }

    fn remove(&self, key: &str) -> Result<(), StoreError> {
        let path = self.path(key);
        match fs::remove_file(&path) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.error("remove", &path, e)),
        }
    }

    fn entries(&self) -> Result<Vec<Entry>, StoreError> {
        let mut out = Vec::new();
        let top = match fs::read_dir(&self.dir) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(self.error("list", &self.dir, e)),
        };
        for shard in top.flatten() {
            if !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            let inner =
                fs::read_dir(shard.path()).map_err(|e| self.error("list", &shard.path(), e))?;
            for entry in inner.flatten() {
                let key = format!(
                    "{}/{}",
                    shard.file_name().to_string_lossy(),
                    entry.file_name().to_string_lossy()
                );
                if !is_entry_key(&key) {
                    continue;
                }
                if let Ok(meta) = entry.metadata() {
                    out.push(Entry {
                        key,
                        size: meta.len(),
                        modified: meta.modified().ok(),
                    });
                }
            }
        }
        out.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(out)
    }
}

impl Store for LocalStore {
    fn location(&self) -> String {
        self.dir.display().to_string()
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<Option<Object>, StoreError>> {
        Box::pin(async move { self.read(key) })
    }

    fn put<'a>(
        &'a self,
        key: &'a str,
        parts: &'a [&'a [u8]],
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.write(key, parts) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move { self.remove(key) })
    }

    fn mark_used<'a>(
        &'a self,
        key: &'a str,
        _object: &'a Object,
    ) -> BoxFuture<'a, Result<(), StoreError>> {
        Box::pin(async move {
            let path = self.path(key);
            // Best effort: a read-only cache is still a cache.
            if let Ok(f) = fs::File::options().write(true).open(&path) {
                let _ = f.set_modified(SystemTime::now());
            }
            Ok(())
        })
    }

    fn list(&self) -> BoxFuture<'_, Result<Vec<Entry>, StoreError>> {
        Box::pin(async move { self.entries() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_keys_are_two_hex_digits_then_the_digest() {
        assert!(is_entry_key("ab/ab12.wav"));
        assert!(is_entry_key("ab/ab12.pcm"));
        assert!(
            !is_entry_key("ab/cd12.wav"),
            "the folder is the digest's start"
        );
        assert!(!is_entry_key("ab/.entry-x.partial"));
        assert!(!is_entry_key("ab12.wav"));
        assert!(!is_entry_key("ab/ab12.txt"));
        assert!(!is_entry_key("ab/abzz.wav"));
    }

    #[tokio::test]
    async fn a_local_store_round_trips_lists_and_deletes() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalStore::new(dir.path());
        assert!(store.get("ab/ab1.wav").await.unwrap().is_none());
        store.put("ab/ab1.wav", &[b"one"]).await.unwrap();
        store.put("cd/cd2.pcm", &[b"tw", b"o!"]).await.unwrap();
        std::fs::write(dir.path().join("ab/.entry-1.partial"), b"x").unwrap();
        assert_eq!(
            store.get("ab/ab1.wav").await.unwrap().unwrap().bytes,
            b"one"
        );
        let keys: Vec<(String, u64)> = store
            .list()
            .await
            .unwrap()
            .into_iter()
            .map(|e| (e.key, e.size))
            .collect();
        assert_eq!(
            keys,
            vec![("ab/ab1.wav".to_owned(), 3), ("cd/cd2.pcm".to_owned(), 4)]
        );
        store.delete("ab/ab1.wav").await.unwrap();
        store.delete("ab/ab1.wav").await.unwrap();
        assert!(store.get("ab/ab1.wav").await.unwrap().is_none());
    }
}
