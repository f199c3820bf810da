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

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audio::{self, Clip};

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
    /// Clips as the backends sent them.
    pub clips: u64,
    /// Clips prepared for a bulletin format.
    pub prepared: u64,
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

    fn prepared_path(&self, key: &ClipKey<'_>, format: &str) -> PathBuf {
        let digest: String = Sha256::digest(format!("{}\n{format}", key.digest()).as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        self.dir.join(&digest[..2]).join(format!("{digest}.pcm"))
    }

    /// The size on disk of the prepared entry for `key` in `format`, if any:
    /// what reading it will take in memory, known before it is read.
    pub fn prepared_size(&self, key: &ClipKey<'_>, format: &str) -> Option<u64> {
        fs::metadata(self.prepared_path(key, format))
            .ok()
            .map(|m| m.len())
    }

    /// The size on disk of the stored clip for `key`, if any.
    pub fn size(&self, key: &ClipKey<'_>) -> Option<u64> {
        fs::metadata(self.path(&key.digest())).ok().map(|m| m.len())
    }

    /// The prepared clip for `key` in the bulletin format described by
    /// `format` (see `PrepareSettings::fingerprint`), if a whole one is stored.
    pub fn get_prepared(&self, key: &ClipKey<'_>, format: &str) -> Option<Clip> {
        let path = self.prepared_path(key, format);
        let bytes = fs::read(&path).ok()?;
        match read_prepared(&bytes) {
            Some(clip) => {
                touch(&path);
                Some(clip)
            }
            None => {
                tracing::warn!(path = %path.display(), "removing a damaged cache entry");
                let _ = fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores a prepared clip, atomically.
    pub fn put_prepared(&self, key: &ClipKey<'_>, format: &str, clip: &Clip) -> io::Result<()> {
        let path = self.prepared_path(key, format);
        write_atomic(&path, |w| {
            let spec = clip.spec();
            w.write_all(PREPARED_MAGIC)?;
            w.write_all(&spec.sample_rate.to_le_bytes())?;
            w.write_all(&spec.channels.to_le_bytes())?;
            w.write_all(&[0, 0])?;
            w.write_all(&(clip.samples().len() as u64).to_le_bytes())?;
            let mut buf = Vec::with_capacity(64 * 1024);
            for chunk in clip.samples().chunks(16 * 1024) {
                buf.clear();
                buf.extend(chunk.iter().flat_map(|s| s.to_le_bytes()));
                w.write_all(&buf)?;
            }
            Ok(())
        })
    }

    /// Forgets the prepared entry (one that no longer passes the checks).
    pub fn remove_prepared(&self, key: &ClipKey<'_>, format: &str) {
        let _ = fs::remove_file(self.prepared_path(key, format));
    }

    /// The cached clip, if there is a readable one. A damaged entry is
    /// removed and counts as a miss.
    pub fn get(&self, key: &ClipKey<'_>) -> Option<Clip> {
        let path = self.path(&key.digest());
        let bytes = fs::read(&path).ok()?;
        match audio::decode(&bytes) {
            Ok(clip) if !clip.is_empty() => {
                touch(&path);
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
        write_atomic(&path, |w| {
            let spec = hound::WavSpec {
                channels: clip.spec().channels,
                sample_rate: clip.spec().sample_rate,
                bits_per_sample: 32,
                sample_format: hound::SampleFormat::Float,
            };
            let mut writer = hound::WavWriter::new(w, spec).map_err(io::Error::other)?;
            for &s in clip.samples() {
                writer.write_sample(s).map_err(io::Error::other)?;
            }
            writer.finalize().map_err(io::Error::other)
        })
    }

    pub fn stats(&self) -> io::Result<CacheStats> {
        let mut stats = CacheStats::default();
        for (path, meta) in self.entries()? {
            if path.extension().is_some_and(|e| e == "pcm") {
                stats.prepared += 1;
            } else {
                stats.clips += 1;
            }
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
                if path.extension().is_some_and(|e| e == "wav" || e == "pcm") {
                    if let Ok(meta) = entry.metadata() {
                        out.push((path, meta));
                    }
                }
            }
        }
        Ok(out)
    }
}

/// Writes `path` through `write` into a temporary file beside it, then renames.
fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<&fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let dir = path.parent().expect("cache entries live in a folder");
    fs::create_dir_all(dir)?;
    let temp = tempfile::Builder::new()
        .prefix(".entry-")
        .suffix(".partial")
        .tempfile_in(dir)?;
    {
        let mut w = io::BufWriter::with_capacity(256 * 1024, temp.as_file());
        write(&mut w)?;
        io::Write::flush(&mut w)?;
    }
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// Recently used entries survive `prune --older-than`.
fn touch(path: &Path) {
    if let Ok(f) = fs::File::options().write(true).open(path) {
        let _ = f.set_modified(SystemTime::now());
    }
}

/// A prepared entry's clip, if the bytes are a whole one.
fn read_prepared(bytes: &[u8]) -> Option<Clip> {
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
    let samples = body
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    Some(Clip::new(spec, samples))
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
    fn a_prepared_clip_is_kept_per_format_and_comes_back_exactly() {
        let dir = tempfile::tempdir().unwrap();
        let cache = ClipCache::new(dir.path());
        let key = ClipKey::new("r", "v", 1.0);
        assert!(cache.get_prepared(&key, "48k").is_none());
        cache.put_prepared(&key, "48k", &clip()).unwrap();
        assert_eq!(cache.get_prepared(&key, "48k").unwrap(), clip());
        assert!(
            cache.get_prepared(&key, "44k").is_none(),
            "another format is another entry"
        );
        // A truncated entry is a miss, and is removed.
        let path = cache.prepared_path(&key, "48k");
        let bytes = fs::read(&path).unwrap();
        fs::write(&path, &bytes[..bytes.len() - 3]).unwrap();
        assert!(cache.get_prepared(&key, "48k").is_none());
        assert!(!path.exists());
        assert_eq!(cache.stats().unwrap().prepared, 0);
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
