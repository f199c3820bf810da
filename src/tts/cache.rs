//! tts: the content-addressed clip cache. A clip is stored under the hash of
//! everything that decides its sound (the rendered request minus secrets, the
//! voice, the speed, the cache format), so an unchanged segment is never
//! synthesized twice and a killed run resumes where it stopped.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audio::{self, Clip};

/// Bumped whenever what is stored, or how the key is made, changes.
const FORMAT_VERSION: u32 = 1;

/// What decides a clip's sound. Secrets never enter it: templates render
/// them by name (`${OPENAI_API_KEY}`), not by value.
#[derive(Debug, Serialize)]
pub struct ClipKey<'a> {
    pub format: u32,
    /// The request as the backend would send it, secrets redacted.
    pub request: &'a str,
    pub voice: &'a str,
    pub speed: f32,
}

impl<'a> ClipKey<'a> {
    pub fn new(request: &'a str, voice: &'a str, speed: f32) -> ClipKey<'a> {
        ClipKey {
            format: FORMAT_VERSION,
            request,
            voice,
            speed,
        }
    }

    /// The key as 64 hex digits.
    pub fn digest(&self) -> String {
        let bytes = serde_json::to_vec(self).expect("a cache key is plain data");
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct ClipCache {
    dir: PathBuf,
}

/// What `bulletin cache stats` reports.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct CacheStats {
    pub clips: u64,
    pub bytes: u64,
    pub oldest: Option<SystemTime>,
    pub newest: Option<SystemTime>,
}

impl ClipCache {
    pub fn new(dir: impl Into<PathBuf>) -> ClipCache {
        ClipCache { dir: dir.into() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    fn path(&self, digest: &str) -> PathBuf {
        self.dir.join(&digest[..2]).join(format!("{digest}.wav"))
    }

    /// The cached clip, if there is a readable one. A damaged entry is
    /// removed and counts as a miss.
    pub fn get(&self, key: &ClipKey<'_>) -> Option<Clip> {
        let path = self.path(&key.digest());
        let bytes = fs::read(&path).ok()?;
        match audio::decode(&bytes) {
            Ok(clip) if !clip.is_empty() => {
                // Recently used entries survive `prune --older-than`.
                if let Ok(f) = fs::File::options().write(true).open(&path) {
                    let _ = f.set_modified(SystemTime::now());
                }
                Some(clip)
            }
            _ => {
                tracing::warn!(path = %path.display(), "removing a damaged cache entry");
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Forgets the entry under `key` (a clip that no longer passes the checks).
    pub fn remove(&self, key: &ClipKey<'_>) {
        let _ = fs::remove_file(self.path(&key.digest()));
    }

    /// Stores `clip` losslessly (32-bit float WAV), atomically: a reader
    /// never sees a partial entry, even if this process is killed mid-write.
    pub fn put(&self, key: &ClipKey<'_>, clip: &Clip) -> io::Result<()> {
        let path = self.path(&key.digest());
        let dir = path.parent().expect("cache entries live in a folder");
        fs::create_dir_all(dir)?;
        let temp = tempfile::Builder::new()
            .prefix(".entry-")
            .suffix(".partial")
            .tempfile_in(dir)?;
        {
            let spec = hound::WavSpec {
                channels: clip.spec().channels,
                sample_rate: clip.spec().sample_rate,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            let mut writer = hound::WavWriter::new(io::BufWriter::new(temp.as_file()), spec)
                .map_err(io::Error::other)?;
            for &s in clip.samples() {
                writer.write_sample(s).map_err(io::Error::other)?;
            }
            writer.finalize().map_err(io::Error::other)?;
        }
        temp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    }

    pub fn stats(&self) -> io::Result<CacheStats> {
        let mut stats = CacheStats::default();
        for (_, meta) in self.entries()? {
            stats.clips += 1;
            stats.bytes += meta.len();
            if let Ok(modified) = meta.modified() {
                stats.oldest = Some(stats.oldest.map_or(modified, |o| o.min(modified)));
                stats.newest = Some(stats.newest.map_or(modified, |n| n.max(modified)));
            }
        }
        Ok(stats)
    }

    /// Removes entries not used for `older_than`; returns (clips, bytes) removed.
    pub fn prune(&self, older_than: Duration, now: SystemTime) -> io::Result<(u64, u64)> {
        let cutoff = now
            .checked_sub(older_than)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let (mut clips, mut bytes) = (0, 0);
        for (path, meta) in self.entries()? {
            if meta.modified().is_ok_and(|m| m < cutoff) {
                fs::remove_file(&path)?;
                clips += 1;
                bytes += meta.len();
            }
        }
        Ok((clips, bytes))
    }

    fn entries(&self) -> io::Result<Vec<(PathBuf, fs::Metadata)>> {
        let mut out = Vec::new();
        let top = match fs::read_dir(&self.dir) {
            Ok(t) => t,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(out),
            Err(e) => return Err(e),
        };
        for shard in top.flatten() {
            if !shard.file_type().is_ok_and(|t| t.is_dir()) {
                continue;
            }
            for entry in fs::read_dir(shard.path())?.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "wav") {
                    if let Ok(meta) = entry.metadata() {
                        out.push((path, meta));
                    }
                }
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSpec;

    fn clip() -> Clip {
        Clip::new(
            AudioSpec {
                sample_rate: 22050,
                channels: 1,
            },
            (0..2205).map(|i| (i as f32 * 0.05).sin() * 0.7).collect(),
        )
    }

    #[test]
    fn a_stored_clip_comes_back_sample_for_sample() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("POST http://x/ {\"input\":\"hi\"}", "alloy", 1.0);
        assert!(cache.get(&key).is_none());
        cache.put(&key, &clip()).unwrap();
        assert_eq!(cache.get(&key).unwrap(), clip());
        assert_eq!(cache.stats().unwrap().clips, 1);
    }

    #[test]
    fn every_part_of_the_key_matters() {
        let base = ClipKey::new("req", "v", 1.0).digest();
        assert_ne!(base, ClipKey::new("req2", "v", 1.0).digest());
        assert_ne!(base, ClipKey::new("req", "w", 1.0).digest());
        assert_ne!(base, ClipKey::new("req", "v", 1.1).digest());
        assert_eq!(base, ClipKey::new("req", "v", 1.0).digest());
        assert_eq!(base.len(), 64);
    }

    #[test]
    fn damaged_entries_are_misses_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("r", "v", 1.0);
        cache.put(&key, &clip()).unwrap();
        let path = cache.path(&key.digest());
        fs::write(&path, b"<html>oops</html>").unwrap();
        assert!(cache.get(&key).is_none());
        assert!(!path.exists());
    }

    #[test]
    fn prune_removes_only_old_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let (old, new) = (ClipKey::new("old", "v", 1.0), ClipKey::new("new", "v", 1.0));
        cache.put(&old, &clip()).unwrap();
        cache.put(&new, &clip()).unwrap();
        let long_ago = SystemTime::now() - Duration::from_secs(40 * 86400);
        fs::File::options()
            .write(true)
            .open(cache.path(&old.digest()))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let (clips, bytes) = cache
            .prune(Duration::from_secs(30 * 86400), SystemTime::now())
            .unwrap();
        assert_eq!(clips, 1);
        assert!(bytes > 0);
        assert!(cache.get(&old).is_none() && cache.get(&new).is_some());
    }
}
