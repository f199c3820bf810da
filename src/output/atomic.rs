//! output: every artifact is written under a temporary name in its final
//! folder, synced, and renamed into place, so a playout system never sees a
//! half-written file and a failed run never replaces a good one.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

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
    stage_seekable(target, |w| write(w))
}

/// Like `stage`, for writers that seek back to patch headers (WAV sizes).
pub fn stage_seekable(
    target: &Path,
    write: impl FnOnce(&mut io::BufWriter<&fs::File>) -> io::Result<()>,
) -> io::Result<Staged> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
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
        target: target.to_owned(),
    })
}

impl Staged {
    pub fn target(&self) -> &Path {
        &self.target
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

/// Commits several staged files; the manifest should come last so that its
/// presence means the set is complete.
pub fn commit_all(staged: Vec<Staged>) -> io::Result<Vec<PathBuf>> {
    let mut done = Vec::with_capacity(staged.len());
    for s in staged {
        done.push(s.commit()?);
    }
    if let Some(dir) = done.first().and_then(|p| p.parent()) {
        // Make the renames durable; not every platform can open a folder.
        if let Ok(d) = fs::File::open(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) {
            let _ = d.sync_all();
        }
    }
    Ok(done)
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
