//! output: every artifact is written under a temporary name in its final
//! folder, synced, and renamed into place, so a playout system never sees a
//! half-written file and a failed run never replaces a good one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// Length of the random part of a temporary name (tempfile's default).
pub(crate) const RANDOM_LEN: usize = 6;

/// An artifact written but not yet in place.
pub struct Staged {
    temp: tempfile::NamedTempFile,
    target: PathBuf,
}

/// Writes `target`'s future content through `write` into a temporary file beside it.
pub fn stage(
    target: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Staged> {
    let (dir, file) = split(target);
    stage_in(dir, &format!(".{file}."), &file, |w| write(w))
}

/// Writes `file` in `dir` through `write` into a temporary file named
/// `{prefix}XXXXXX.partial` in the same folder, synced to disk.
pub(crate) fn stage_in(
    dir: &Path,
    prefix: &str,
    file: &str,
    write: impl FnOnce(&mut io::BufWriter<&fs::File>) -> io::Result<()>,
) -> io::Result<Staged> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let temp = tempfile::Builder::new()
        .prefix(prefix)
        .rand_bytes(RANDOM_LEN)
        .suffix(".partial")
        .tempfile_in(dir)?;
    {
        let mut buffered = io::BufWriter::new(temp.as_file());
        write(&mut buffered)?;
        buffered.flush()?;
    }
    temp.as_file().sync_all()?;
    Ok(Staged {
        temp,
        target: dir.join(file),
    })
}

fn split(target: &Path) -> (&Path, String) {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

impl Staged {
    /// An empty temporary file for `file` in `dir`, to be written by a stream.
    pub(crate) fn create(dir: &Path, prefix: &str, file: &str) -> io::Result<Staged> {
        stage_in(dir, prefix, file, |_| Ok(()))
    }

    /// A handle on the temporary file for writing (a sink's own).
    pub fn writer(&self) -> io::Result<fs::File> {
        self.temp.as_file().try_clone()
    }

    /// Syncs what was written through [`Staged::writer`] to disk.
    pub fn sync(&self) -> io::Result<()> {
        self.temp.as_file().sync_all()
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// The file name it will have.
    pub fn file(&self) -> &str {
        self.target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    }

    /// Renames into place, with the permissions an ordinary new file would get.
    pub fn commit(self) -> io::Result<PathBuf> {
        set_default_permissions(self.temp.as_file())?;
        self.temp.persist(&self.target).map_err(|e| e.error)?;
        Ok(self.target)
    }
}

#[cfg(unix)]
fn set_default_permissions(file: &fs::File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600; a bulletin is for the playout system to read.
    file.set_permissions(fs::Permissions::from_mode(0o644))
}

#[cfg(not(unix))]
fn set_default_permissions(_: &fs::File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_under_the_final_name_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.wav");
        fs::write(&target, b"old good bulletin").unwrap();
        let staged = stage(&target, |w: &mut dyn Write| w.write_all(b"new")).unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"old good bulletin");
        staged.commit().unwrap();
        assert_eq!(fs::read(&target).unwrap(), b"new");
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "temporary file renamed, not copied");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("b.json");
        fs::write(&target, b"old").unwrap();
        let result = stage(&target, |_| Err(io::Error::other("disk full")));
        assert!(result.is_err());
        assert_eq!(fs::read(&target).unwrap(), b"old");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
