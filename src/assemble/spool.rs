//! assemble: prepared clips on disk. Clips arrive in any order and are spooled
//! to a temporary file as they come, so memory does not grow with the
//! bulletin's length; rendering reads them back in script order.

use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;

use crate::audio::{AudioSpec, Clip, Frames};
use crate::script::SegmentIndex;

pub struct Spool {
    spec: AudioSpec,
    file: BufWriter<File>,
    end: u64,
    /// Byte offset and sample count of each stored clip, by key.
    index: std::collections::BTreeMap<SegmentIndex, (u64, usize)>,
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
        self.file.seek(SeekFrom::Start(self.end))?;
        for chunk in clip.samples().chunks(16 * 1024) {
            let bytes: Vec<u8> = chunk.iter().flat_map(|s| s.to_le_bytes()).collect();
            self.file.write_all(&bytes)?;
        }
        self.index.insert(key, (self.end, clip.samples().len()));
        self.end += clip.samples().len() as u64 * 4;
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

    /// Reads back the clip stored under `key`.
    pub fn get(&mut self, key: SegmentIndex) -> io::Result<Clip> {
        let Some(&(offset, len)) = self.index.get(&key) else {
            return Err(io::Error::other(format!(
                "no clip spooled for segment {}",
                key.0
            )));
        };
        self.file.flush()?;
        let file = self.file.get_mut();
        file.seek(SeekFrom::Start(offset))?;
        let mut bytes = vec![0u8; len * 4];
        BufReader::new(&*file).read_exact(&mut bytes)?;
        let samples = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
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
}
