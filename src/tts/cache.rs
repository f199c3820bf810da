//! tts: the content-addressed clip cache. A clip is stored under the hash of
//! everything that decides its sound (the rendered request minus secrets, the
//! voice, the speed, the cache format), so an unchanged segment is never
//! synthesized twice and a killed run resumes where it stopped.
//!
//! Two entries per clip: the clip as the backend sent it, trimmed of its edge
//! silence (`.wav`, 32-bit float), and the clip prepared for a bulletin format
//! (`.pcm`: resampled, levelled, faded, ready to place), keyed also by that
//! format. A warm rebuild reads the prepared entry and does no audio work; a
//! change of format prepares the stored clip again, with no request.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audio::{self, Clip};

use super::store::{LocalStore, Object, Store, StoreError};

/// Bumped whenever what is stored, or how the key is made, changes.
/// 2: stored clips are trimmed; prepared entries beside them.
const FORMAT_VERSION: u32 = 2;

/// The header of a prepared entry: magic, rate, channels, samples.
const PREPARED_MAGIC: &[u8; 8] = b"BLTNPCM1";
const PREPARED_HEADER: usize = 8 + 4 + 2 + 2 + 8;

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
        hex(&Sha256::digest(&bytes))
    }
}

/// The clip cache: one store, or a small local store in front of a shared
/// one. Reads try each in turn (a hit further back is copied to the ones in
/// front); writes go to all. A store that fails is left alone for the rest
/// of the run with one warning: the clip is synthesised, the bulletin made.
pub struct ClipCache {
    tiers: Vec<Tier>,
}

struct Tier {
    store: Box<dyn Store>,
    down: AtomicBool,
    /// Writes this store missed (failed, or skipped while it was down).
    unstored: AtomicU64,
    errors: AtomicU64,
}

/// What `bulletin cache stats` reports.
#[derive(Debug, Default, Clone, PartialEq, Serialize)]
pub struct CacheStats {
    /// Clips as the backends sent them.
    pub clips: u64,
    /// Clips prepared for a bulletin format.
    pub prepared: u64,
    pub bytes: u64,
    pub oldest: Option<SystemTime>,
    pub newest: Option<SystemTime>,
}

/// What `bulletin cache prune` removed from one store.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pruned {
    pub entries: u64,
    pub bytes: u64,
}

impl ClipCache {
    /// A cache in a local folder.
    pub fn new(dir: impl Into<PathBuf>) -> ClipCache {
        ClipCache::with_stores(vec![Box::new(LocalStore::new(dir))])
    }

    /// A cache over `stores`, the one read first first; the last is the
    /// shared one whose writes a shard run must not miss.
    pub fn with_stores(stores: Vec<Box<dyn Store>>) -> ClipCache {
        ClipCache {
            tiers: stores
                .into_iter()
                .map(|store| Tier {
                    store,
                    down: AtomicBool::new(false),
                    unstored: AtomicU64::new(0),
                    errors: AtomicU64::new(0),
                })
                .collect(),
        }
    }

    /// Where the cache is, for messages: `s3://b/p (with /var/cache/x in front)`.
    pub fn location(&self) -> String {
        let mut names: Vec<String> = self.tiers.iter().map(|t| t.store.location()).collect();
        let last = names.pop().unwrap_or_default();
        if names.is_empty() {
            last
        } else {
            format!("{last} (with {} in front)", names.join(", "))
        }
    }

    /// Writes the shared (last) store missed in this run.
    pub fn unstored(&self) -> u64 {
        self.tiers
            .last()
            .map_or(0, |t| t.unstored.load(Ordering::Relaxed))
    }

    /// Store operations that failed in this run, over every store.
    pub fn errors(&self) -> u64 {
        self.tiers
            .iter()
            .map(|t| t.errors.load(Ordering::Relaxed))
            .sum()
    }

    fn fail(&self, tier: &Tier, error: &StoreError) {
        tier.errors.fetch_add(1, Ordering::Relaxed);
        if !tier.down.swap(true, Ordering::Relaxed) {
            tracing::warn!(
                cache = %tier.store.location(),
                "clip cache unavailable; going on without it for the rest of this run (clips are synthesised): {error}"
            );
        }
    }

    /// The first whole entry under `key`, decoded by `decode`; a damaged one
    /// is removed and the next store tried. A hit is copied to the stores
    /// in front of the one that had it.
    async fn fetch<T>(&self, key: &str, decode: impl Fn(&Object) -> Option<T>) -> Option<T> {
        for (i, tier) in self.tiers.iter().enumerate() {
            if tier.down.load(Ordering::Relaxed) {
                continue;
            }
            let object = match tier.store.get(key).await {
                Ok(Some(object)) => object,
                Ok(None) => continue,
                Err(e) => {
                    self.fail(tier, &e);
                    continue;
                }
            };
            let Some(value) = decode(&object) else {
                tracing::warn!(cache = %tier.store.location(), key, "removing a damaged cache entry");
                if let Err(e) = tier.store.delete(key).await {
                    self.fail(tier, &e);
                }
                continue;
            };
            if let Err(e) = tier.store.mark_used(key, &object).await {
                self.fail(tier, &e);
            }
            for front in &self.tiers[..i] {
                self.write_to(front, key, &[&object.bytes]).await;
            }
            return Some(value);
        }
        None
    }

    async fn write_to(&self, tier: &Tier, key: &str, parts: &[&[u8]]) {
        if tier.down.load(Ordering::Relaxed) {
            tier.unstored.fetch_add(1, Ordering::Relaxed);
            return;
        }
        if let Err(e) = tier.store.put(key, parts).await {
            tier.unstored.fetch_add(1, Ordering::Relaxed);
            self.fail(tier, &e);
        }
    }

    async fn store(&self, key: &str, parts: &[&[u8]]) {
        for tier in &self.tiers {
            self.write_to(tier, key, parts).await;
        }
    }

    async fn forget(&self, key: &str) {
        for tier in &self.tiers {
            if tier.down.load(Ordering::Relaxed) {
                continue;
            }
            if let Err(e) = tier.store.delete(key).await {
                self.fail(tier, &e);
            }
        }
    }

    /// The prepared clip for `key` in the bulletin format described by
    /// `format` (see `PrepareSettings::fingerprint`), if a whole one is stored.
    pub async fn get_prepared(&self, key: &ClipKey<'_>, format: &str) -> Option<Clip> {
        self.fetch(&prepared_key(key, format), read_prepared).await
    }

    /// Stores a prepared clip, atomically.
    pub async fn put_prepared(&self, key: &ClipKey<'_>, format: &str, clip: &Clip) {
        let header = prepared_header(clip);
        let samples = audio::le_bytes(clip.samples());
        self.store(&prepared_key(key, format), &[&header, &samples])
            .await;
    }

    /// Forgets the prepared entry (one that no longer passes the checks).
    pub async fn remove_prepared(&self, key: &ClipKey<'_>, format: &str) {
        self.forget(&prepared_key(key, format)).await;
    }

    /// The cached clip, if there is a readable one. A damaged entry is
    /// removed and counts as a miss.
    pub async fn get(&self, key: &ClipKey<'_>) -> Option<Clip> {
        self.fetch(&raw_key(key), |object| {
            audio::decode(&object.bytes)
                .ok()
                .filter(|clip| !clip.is_empty())
        })
        .await
    }

    /// Forgets the entry under `key` (a clip that no longer passes the checks).
    pub async fn remove(&self, key: &ClipKey<'_>) {
        self.forget(&raw_key(key)).await;
    }

    /// Stores `clip` losslessly (32-bit float WAV), atomically: a reader
    /// never sees a partial entry, even if this process is killed mid-write.
    pub async fn put(&self, key: &ClipKey<'_>, clip: &Clip) {
        let header = float_wav_header(clip);
        let samples = audio::le_bytes(clip.samples());
        self.store(&raw_key(key), &[&header, &samples]).await;
    }

    /// Each store's entries, by location, the shared one last.
    pub async fn stats(&self) -> Result<Vec<(String, CacheStats)>, StoreError> {
        let mut out = Vec::new();
        for tier in &self.tiers {
            let mut stats = CacheStats::default();
            for entry in tier.store.list().await? {
                if entry.key.ends_with(".pcm") {
                    stats.prepared += 1;
                } else {
                    stats.clips += 1;
                }
                stats.bytes += entry.size;
                if let Some(modified) = entry.modified {
                    stats.oldest = Some(stats.oldest.map_or(modified, |o| o.min(modified)));
                    stats.newest = Some(stats.newest.map_or(modified, |n| n.max(modified)));
                }
            }
            out.push((tier.store.location(), stats));
        }
        Ok(out)
    }

    /// Removes entries not used for `older_than` from every store.
    pub async fn prune(
        &self,
        older_than: Duration,
        now: SystemTime,
    ) -> Result<Vec<(String, Pruned)>, StoreError> {
        let cutoff = now
            .checked_sub(older_than)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let mut out = Vec::new();
        for tier in &self.tiers {
            let mut pruned = Pruned::default();
            for entry in tier.store.list().await? {
                if entry.modified.is_some_and(|m| m < cutoff) {
                    tier.store.delete(&entry.key).await?;
                    pruned.entries += 1;
                    pruned.bytes += entry.size;
                }
            }
            out.push((tier.store.location(), pruned));
        }
        Ok(out)
    }
}

/// The key of a clip as the backend sent it: `ab/ab12….wav`.
pub fn raw_key(key: &ClipKey<'_>) -> String {
    let digest = key.digest();
    format!("{}/{digest}.wav", &digest[..2])
}

/// The key of a clip prepared for a bulletin format: `cd/cd34….pcm`.
fn prepared_key(key: &ClipKey<'_>, format: &str) -> String {
    let digest = hex(&Sha256::digest(
        format!("{}\n{format}", key.digest()).as_bytes(),
    ));
    format!("{}/{digest}.pcm", &digest[..2])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The header of a 32-bit float WAV (`WAVE_FORMAT_IEEE_FLOAT`) holding `clip`,
/// whose samples follow as little-endian `f32`: a raw entry, lossless.
fn float_wav_header(clip: &Clip) -> Vec<u8> {
    let spec = clip.spec();
    let data = (clip.samples().len() * 4) as u32;
    let block = u32::from(spec.channels) * 4;
    let mut h = Vec::with_capacity(44);
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&(36 + data).to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&3u16.to_le_bytes());
    h.extend_from_slice(&spec.channels.to_le_bytes());
    h.extend_from_slice(&spec.sample_rate.to_le_bytes());
    h.extend_from_slice(&(spec.sample_rate * block).to_le_bytes());
    h.extend_from_slice(&(block as u16).to_le_bytes());
    h.extend_from_slice(&32u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&data.to_le_bytes());
    h
}

/// The header of a prepared entry: magic, format, sample count.
fn prepared_header(clip: &Clip) -> Vec<u8> {
    let spec = clip.spec();
    let mut out = Vec::with_capacity(PREPARED_HEADER);
    out.extend_from_slice(PREPARED_MAGIC);
    out.extend_from_slice(&spec.sample_rate.to_le_bytes());
    out.extend_from_slice(&spec.channels.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&(clip.samples().len() as u64).to_le_bytes());
    out
}

/// A prepared entry's clip, if the bytes are a whole one, backed by the file
/// they came from when there is one (so a spool need not copy it).
fn read_prepared(object: &Object) -> Option<Clip> {
    let bytes = &object.bytes;
    let (head, body) = (bytes.get(..PREPARED_HEADER)?, bytes.get(PREPARED_HEADER..)?);
    if &head[..8] != PREPARED_MAGIC {
        return None;
    }
    let rate = u32::from_le_bytes(head[8..12].try_into().ok()?);
    let channels = u16::from_le_bytes(head[12..14].try_into().ok()?);
    let samples = u64::from_le_bytes(head[16..24].try_into().ok()?);
    let spec = audio::AudioSpec {
        sample_rate: rate,
        channels,
    };
    if body.len() as u64 != samples.checked_mul(4)? || channels == 0 || rate == 0 || samples == 0 {
        return None;
    }
    let samples = audio::f32_from_le(body);
    // Clip::new would silence a non-finite sample or clamp a wild one: then the
    // file no longer says what the clip holds.
    let exact = samples
        .iter()
        .all(|s| s.is_finite() && s.abs() <= audio::MAX_SAMPLE);
    let clip = Clip::new(spec, samples);
    Some(match (&object.file, exact) {
        (Some(file), true) => clip.with_backing(audio::Backing {
            file: std::sync::Arc::clone(file),
            offset: PREPARED_HEADER as u64,
        }),
        _ => clip,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSpec;
    use futures::future::BoxFuture;
    use std::fs;
    use std::path::Path;
    use std::sync::Mutex;

    fn clip() -> Clip {
        Clip::new(
            AudioSpec {
                sample_rate: 22050,
                channels: 1,
            },
            (0..2205).map(|i| (i as f32 * 0.05).sin() * 0.7).collect(),
        )
    }

    fn path(dir: &Path, key: &str) -> PathBuf {
        dir.join(key)
    }

    async fn clips(cache: &ClipCache) -> Vec<u64> {
        cache
            .stats()
            .await
            .unwrap()
            .into_iter()
            .map(|(_, s)| s.clips)
            .collect()
    }

    #[tokio::test]
    async fn a_stored_clip_comes_back_sample_for_sample() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("POST http://x/ {\"input\":\"hi\"}", "alloy", 1.0);
        assert!(cache.get(&key).await.is_none());
        cache.put(&key, &clip()).await;
        assert_eq!(cache.get(&key).await.unwrap(), clip());
        assert_eq!(clips(&cache).await, vec![1]);
        assert!(
            path(dir.path(), &raw_key(&key)).exists(),
            "the layout of the local cache is unchanged: DIR/ab/ab….wav"
        );
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

    #[tokio::test]
    async fn a_prepared_clip_is_kept_per_format_and_comes_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("r", "v", 1.0);
        assert!(cache.get_prepared(&key, "48k").await.is_none());
        cache.put_prepared(&key, "48k", &clip()).await;
        assert_eq!(cache.get_prepared(&key, "48k").await.unwrap(), clip());
        assert!(
            cache.get_prepared(&key, "44k").await.is_none(),
            "another format is another entry"
        );
        // A truncated entry is a miss, and is removed.
        let path = path(dir.path(), &prepared_key(&key, "48k"));
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert!(cache.get_prepared(&key, "48k").await.is_none());
        assert!(!path.exists());
        assert_eq!(cache.stats().await.unwrap()[0].1.prepared, 0);
    }

    #[tokio::test]
    async fn damaged_entries_are_misses_and_removed() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("r", "v", 1.0);
        cache.put(&key, &clip()).await;
        let path = path(dir.path(), &raw_key(&key));
        fs::write(&path, b"<html>oops</html>").unwrap();
        assert!(cache.get(&key).await.is_none());
        assert!(!path.exists());
    }

    #[tokio::test]
    async fn prune_removes_only_old_entries() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let (old, new) = (ClipKey::new("old", "v", 1.0), ClipKey::new("new", "v", 1.0));
        cache.put(&old, &clip()).await;
        cache.put(&new, &clip()).await;
        let long_ago = SystemTime::now() - Duration::from_secs(40 * 86400);
        fs::File::options()
            .write(true)
            .open(path(dir.path(), &raw_key(&old)))
            .unwrap()
            .set_modified(long_ago)
            .unwrap();
        let pruned = cache
            .prune(Duration::from_secs(30 * 86400), SystemTime::now())
            .await
            .unwrap();
        assert_eq!(pruned[0].1.entries, 1);
        assert!(pruned[0].1.bytes > 0);
        assert!(cache.get(&old).await.is_none() && cache.get(&new).await.is_some());
    }

    #[tokio::test]
    async fn a_hit_in_the_shared_store_is_copied_to_the_local_one_in_front() {
        let (front, shared) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        let key = ClipKey::new("r", "v", 1.0);
        ClipCache::new(shared.path()).put(&key, &clip()).await;
        let cache = ClipCache::with_stores(vec![
            Box::new(LocalStore::new(front.path())),
            Box::new(LocalStore::new(shared.path())),
        ]);
        assert_eq!(clips(&cache).await, vec![0, 1]);
        assert_eq!(cache.get(&key).await.unwrap(), clip());
        assert_eq!(clips(&cache).await, vec![1, 1], "copied to the front");
        // Damaged in front: removed there, served from the shared store.
        fs::write(path(front.path(), &raw_key(&key)), b"junk").unwrap();
        assert_eq!(cache.get(&key).await.unwrap(), clip());
        assert_eq!(cache.get(&key).await.unwrap(), clip());
        let both = ClipKey::new("both", "v", 1.0);
        cache.put(&both, &clip()).await;
        assert_eq!(clips(&cache).await, vec![2, 2], "writes go to every store");
        assert_eq!((cache.unstored(), cache.errors()), (0, 0));
        assert!(
            cache.location().contains("in front"),
            "{}",
            cache.location()
        );
    }

    /// A store that fails every request, counting them.
    #[derive(Default)]
    struct Broken {
        calls: Mutex<u32>,
    }

    impl Broken {
        fn fail(&self) -> Result<(), StoreError> {
            *self.calls.lock().unwrap() += 1;
            Err(StoreError {
                op: "read",
                location: "s3://gone/ab/ab.wav".into(),
                message: "connection refused".into(),
            })
        }
    }

    impl Store for std::sync::Arc<Broken> {
        fn location(&self) -> String {
            "s3://gone".into()
        }
        fn get<'a>(
            &'a self,
            _: &'a str,
        ) -> BoxFuture<'a, Result<Option<super::super::store::Object>, StoreError>> {
            Box::pin(async move { self.fail().map(|_| None) })
        }
        fn put<'a>(
            &'a self,
            _: &'a str,
            _: &'a [&'a [u8]],
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async move { self.fail() })
        }
        fn delete<'a>(&'a self, _: &'a str) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async move { self.fail() })
        }
        fn mark_used<'a>(
            &'a self,
            _: &'a str,
            _: &'a super::super::store::Object,
        ) -> BoxFuture<'a, Result<(), StoreError>> {
            Box::pin(async move { self.fail() })
        }
        fn list(&self) -> BoxFuture<'_, Result<Vec<super::super::store::Entry>, StoreError>> {
            Box::pin(async move { self.fail().map(|_| Vec::new()) })
        }
    }

    #[tokio::test]
    async fn a_failing_store_is_a_miss_then_left_alone_and_its_missed_writes_counted() {
        let broken = std::sync::Arc::new(Broken::default());
        let front = tempfile::tempdir().unwrap();
        let cache = ClipCache::with_stores(vec![
            Box::new(LocalStore::new(front.path())),
            Box::new(broken.clone()),
        ]);
        let key = ClipKey::new("r", "v", 1.0);
        assert!(cache.get(&key).await.is_none());
        cache.put(&key, &clip()).await;
        cache.put_prepared(&key, "f", &clip()).await;
        assert!(
            cache.get(&key).await.is_some(),
            "the local store still works"
        );
        assert_eq!(
            *broken.calls.lock().unwrap(),
            1,
            "tried once, then left alone"
        );
        assert_eq!(cache.unstored(), 2);
        assert_eq!(cache.errors(), 1);
        assert!(
            cache.stats().await.is_err(),
            "cache stats reports the failure"
        );
    }
}
