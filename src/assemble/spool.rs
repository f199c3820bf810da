//! assemble: prepared clips on disk. Clips arrive in any order and are spooled
//! to a temporary file as they come, so memory does not grow with the
//! bulletin's length; rendering reads them back in script order. A clip read
//! from a prepared cache entry is not copied: the spool keeps the entry's open
//! file and reads it from there (up to [`MAX_REFERENCED`] files at once).

use std::fs::File;
use std::io::{self, BufWriter, Seek, SeekFrom, Write};
use std::os::unix::fs::FileExt;
use std::path::Path;
use std::sync::Arc;

use crate::audio::{le_bytes, le_to_native, AudioSpec, Clip, Frames};
use crate::script::SegmentIndex;

/// Open cache files the spool keeps at most; later clips are copied. Well under
/// the usual limit of 1024 open files, with room for the rest of the process.
pub const MAX_REFERENCED: usize = 256;

/// Where one clip's samples are.
#[derive(Debug)]
enum Place {
    /// At this byte offset of the spool's own file.
    Spooled(u64),
    /// At this byte offset of a cache entry's open file.
    Referenced(Arc<File>, u64),
}

pub struct Spool {
    spec: AudioSpec,
    file: BufWriter<File>,
    end: u64,
    /// Where each stored clip is, and its sample count, by key.
    index: std::collections::BTreeMap<SegmentIndex, (Place, usize)>,
    referenced: usize,
    /// Bytes of audio written to the spool's own file.
    written: u64,
}

impl Spool {
    /// A spool in `dir` (removed when dropped), holding clips of one `spec`.
    pub fn new_in(dir: &Path, spec: AudioSpec) -> io::Result<Spool> {
        let file = tempfile::tempfile_in(dir)?;
        Ok(Spool {
            spec,
            file: BufWriter::with_capacity(1 << 20, file),
            end: 0,
            index: Default::default(),
            referenced: 0,
            written: 0,
        })
    }

    pub fn spec(&self) -> AudioSpec {
        self.spec
    }

    /// Stores `clip` under `key`; it must already be in the spool's spec.
    pub fn put(&mut self, key: SegmentIndex, clip: &Clip) -> io::Result<()> {
        if clip.spec() != self.spec {
            return Err(io::Error::other(
                "clip not prepared to the bulletin's format",
            ));
        }
        let len = clip.samples().len();
        if let Some(backing) = clip.backing().filter(|_| self.referenced < MAX_REFERENCED) {
            self.referenced += 1;
            let place = Place::Referenced(Arc::clone(&backing.file), backing.offset);
            self.index.insert(key, (place, len));
            return Ok(());
        }
        self.file.seek(SeekFrom::Start(self.end))?;
        self.file.write_all(&le_bytes(clip.samples()))?;
        self.index.insert(key, (Place::Spooled(self.end), len));
        self.end += len as u64 * 4;
        self.written += len as u64 * 4;
        Ok(())
    }

    pub fn contains(&self, key: SegmentIndex) -> bool {
        self.index.contains_key(&key)
    }

    /// Frames stored under `key` (0 when absent).
    pub fn frames(&self, key: SegmentIndex) -> Frames {
        let samples = self.index.get(&key).map_or(0, |(_, n)| *n);
        Frames((samples / usize::from(self.spec.channels.max(1))) as u64)
    }

    /// Bytes of audio the spool wrote to its own file (clips it did not copy are
    /// not counted).
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Reads back the clip stored under `key`.
    pub fn get(&mut self, key: SegmentIndex) -> io::Result<Clip> {
        let Some((place, len)) = self.index.get(&key) else {
            return Err(io::Error::other(format!(
                "no clip spooled for segment {}",
                key.0
            )));
        };
        // Read straight into the samples: no byte buffer beside them.
        let mut samples = vec![0.0_f32; *len];
        let bytes = bytemuck::cast_slice_mut::<f32, u8>(&mut samples);
        match place {
            Place::Spooled(offset) => {
                self.file.flush()?;
                self.file.get_ref().read_exact_at(bytes, *offset)?;
            }
            Place::Referenced(file, offset) => file.read_exact_at(bytes, *offset)?,
        }
        le_to_native(&mut samples);
        Ok(Clip::new(self.spec, samples))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clips_come_back_by_key_whatever_order_they_went_in() {
        let dir = tempfile::tempdir().unwrap();
        let spec = AudioSpec {
            sample_rate: 1000,
            channels: 2,
        };
        let mut spool = Spool::new_in(dir.path(), spec).unwrap();
        let a = Clip::new(spec, vec![0.25; 10]);
        let b = Clip::new(spec, (0..6).map(|i| i as f32 / 10.0).collect());
        let k = SegmentIndex;
        spool.put(k(7), &b).unwrap();
        spool.put(k(2), &a).unwrap();
        assert_eq!(spool.get(k(2)).unwrap(), a);
        assert_eq!(spool.get(k(7)).unwrap(), b);
        assert_eq!(spool.frames(k(7)), Frames(3));
        assert!(spool.get(k(3)).is_err());
        assert!(spool
            .put(
                k(1),
                &Clip::new(
                    AudioSpec {
                        sample_rate: 1000,
                        channels: 1
                    },
                    vec![0.0]
                )
            )
            .is_err());
    }

    #[test]
    fn a_clip_backed_by_a_file_is_read_from_it_not_copied() {
        let dir = tempfile::tempdir().unwrap();
        let spec = AudioSpec {
            sample_rate: 1000,
            channels: 1,
        };
        let samples: Vec<f32> = (0..50).map(|i| i as f32 / 100.0).collect();
        let path = dir.path().join("entry");
        let mut bytes = b"head".to_vec();
        bytes.extend(samples.iter().flat_map(|s| s.to_le_bytes()));
        std::fs::write(&path, &bytes).unwrap();
        let file = Arc::new(File::open(&path).unwrap());
        let backed = Clip::new(spec, samples.clone())
            .with_backing(crate::audio::Backing { file, offset: 4 });
        let mut spool = Spool::new_in(dir.path(), spec).unwrap();
        spool.put(SegmentIndex(1), &backed).unwrap();
        // The entry is replaced (as the cache replaces entries: by rename).
        std::fs::write(dir.path().join("other"), b"nothing like it").unwrap();
        std::fs::rename(dir.path().join("other"), &path).unwrap();
        assert_eq!(
            spool.get(SegmentIndex(1)).unwrap(),
            Clip::new(spec, samples.clone())
        );
        assert_eq!(spool.written(), 0);
        // A changed clip is no longer what its file holds: it is copied.
        let mut changed = backed.clone();
        changed.samples_mut()[0] = 1.0;
        spool.put(SegmentIndex(2), &changed).unwrap();
        assert_eq!(spool.written(), 200);
        assert_eq!(spool.get(SegmentIndex(2)).unwrap().samples()[0], 1.0);
    }
}
