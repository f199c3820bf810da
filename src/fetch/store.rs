//! fetch: what conditional GET remembers. For each URL answered with an
//! ETag or a Last-Modified, one file under `<cache>/inputs/` named by the
//! URL's hash holds both validators and the body: one line of JSON, then the
//! bytes as they came. It is written to a temporary name and renamed, so a
//! killed run leaves the old entry or the new one, never half of either.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The remembered answer for a URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stored {
    /// The URL as shown (without a password): for a person reading the cache.
    pub url: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    #[serde(skip)]
    pub body: Vec<u8>,
}

/// The folder of remembered answers.
#[derive(Debug, Clone)]
pub struct ValidatorStore {
    dir: PathBuf,
}

impl ValidatorStore {
    /// The store inside the cache folder `cache`.
    pub fn in_cache(cache: &Path) -> ValidatorStore {
        ValidatorStore {
            dir: cache.join("inputs"),
        }
    }

    fn path(&self, url: &url::Url) -> PathBuf {
        // The whole URL is hashed (a password included): two accounts' feeds
        // are two entries, and the file name gives nothing away.
        let hash = Sha256::digest(url.as_str().as_bytes());
        let name: String = hash[..16].iter().map(|b| format!("{b:02x}")).collect();
        self.dir.join(format!("{name}.http"))
    }

    /// The remembered answer for `url`, if there is one that reads back
    /// whole and is no larger than `limit`. A damaged entry is as good as none.
    pub fn load(&self, url: &url::Url, limit: usize) -> Option<Stored> {
        let path = self.path(url);
        let meta = std::fs::metadata(&path).ok()?;
        if meta.len() > limit as u64 + 64 * 1024 {
            return None;
        }
        let bytes = std::fs::read(&path).ok()?;
        let split = bytes.iter().position(|&b| b == b'\n')?;
        let mut stored: Stored = serde_json::from_slice(&bytes[..split]).ok()?;
        if stored.etag.is_none() && stored.last_modified.is_none() {
            return None;
        }
        stored.body = bytes[split + 1..].to_vec();
        (stored.body.len() <= limit).then_some(stored)
    }

    /// Remembers an answer; one with neither validator forgets the URL.
    pub fn save(&self, url: &url::Url, stored: &Stored) -> io::Result<()> {
        let path = self.path(url);
        if stored.etag.is_none() && stored.last_modified.is_none() {
            return match std::fs::remove_file(&path) {
                Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
                _ => Ok(()),
            };
        }
        std::fs::create_dir_all(&self.dir)?;
        let mut file = tempfile::NamedTempFile::new_in(&self.dir)?;
        serde_json::to_writer(&mut file, stored).map_err(io::Error::other)?;
        file.write_all(b"\n")?;
        file.write_all(&stored.body)?;
        file.as_file().sync_all()?;
        file.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_reads_back_and_one_without_validators_is_forgotten() {
        let dir = tempfile::tempdir().unwrap();
        let store = ValidatorStore::in_cache(dir.path());
        let url: url::Url = "https://news.example/feed.rss".parse().unwrap();
        assert_eq!(store.load(&url, 1000), None);
        let stored = Stored {
            url: url.to_string(),
            etag: Some("\"v1\"".into()),
            last_modified: None,
            body: b"<rss>\n\xff bytes as they came</rss>".to_vec(),
        };
        store.save(&url, &stored).unwrap();
        assert_eq!(store.load(&url, 1000), Some(stored.clone()));
        assert_eq!(store.load(&url, 10), None, "over the limit");
        let other: url::Url = "https://news.example/other.rss".parse().unwrap();
        assert_eq!(store.load(&other, 1000), None);
        store
            .save(
                &url,
                &Stored {
                    etag: None,
                    ..stored
                },
            )
            .unwrap();
        assert_eq!(store.load(&url, 1000), None);
        // Damaged entries are ignored.
        std::fs::create_dir_all(dir.path().join("inputs")).unwrap();
        std::fs::write(store.path(&url), b"not json").unwrap();
        assert_eq!(store.load(&url, 1000), None);
    }
}
