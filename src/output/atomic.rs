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
    temp: Temp,
    target: PathBuf,
}

/// A staged file, or a staged folder (a DAISY book) whose files are all
/// written before it is renamed into place whole.
enum Temp {
    File(tempfile::NamedTempFile),
    Folder(tempfile::TempDir),
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
        temp: Temp::File(temp),
        target: dir.join(file),
    })
}

/// Writes the folder `file` in `dir` through `write`, given the path of a
/// temporary folder named `{prefix}XXXXXX.partial` beside it; every file in
/// it and the folder itself are synced to disk.
pub(crate) fn stage_folder_in(
    dir: &Path,
    prefix: &str,
    file: &str,
    write: impl FnOnce(&Path) -> io::Result<()>,
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
        .tempdir_in(dir)?;
    write(temp.path())?;
    for entry in fs::read_dir(temp.path())? {
        let entry = entry?;
        if entry.file_type()?.is_file() {
            fs::File::open(entry.path())?.sync_all()?;
        }
    }
    fs::File::open(temp.path())?.sync_all()?;
    Ok(Staged {
        temp: Temp::Folder(temp),
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
        match &self.temp {
            Temp::File(f) => f.as_file().try_clone(),
            Temp::Folder(_) => Err(io::Error::other("a staged folder has no writer")),
        }
    }

    /// Syncs what was written through [`Staged::writer`] to disk.
    pub fn sync(&self) -> io::Result<()> {
        match &self.temp {
            Temp::File(f) => f.as_file().sync_all(),
            Temp::Folder(d) => fs::File::open(d.path())?.sync_all(),
        }
    }

    /// Where the content is until the commit: for a step that reads a
    /// finished artifact back (the MP3 copied into a talking book).
    pub fn temp_path(&self) -> &Path {
        match &self.temp {
            Temp::File(f) => f.path(),
            Temp::Folder(d) => d.path(),
        }
    }

    pub fn is_folder(&self) -> bool {
        matches!(self.temp, Temp::Folder(_))
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
    /// A folder is renamed whole: the target must not exist (the commit has
    /// moved the previous one aside).
    pub fn commit(self) -> io::Result<PathBuf> {
        match self.temp {
            Temp::File(f) => {
                set_default_permissions(f.as_file(), 0o644)?;
                f.persist(&self.target).map_err(|e| e.error)?;
            }
            Temp::Folder(d) => {
                for entry in fs::read_dir(d.path())? {
                    let entry = entry?;
                    if entry.file_type()?.is_file() {
                        set_default_permissions(&fs::File::open(entry.path())?, 0o644)?;
                    }
                }
                set_default_permissions(&fs::File::open(d.path())?, 0o755)?;
                fs::rename(d.path(), &self.target)?;
                // Renamed away: nothing is left for the guard to remove.
                let _ = d.keep();
            }
        }
        Ok(self.target)
    }
}

#[cfg(unix)]
fn set_default_permissions(file: &fs::File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    // tempfile creates 0600 (0700 for a folder); a bulletin is for the playout system to read.
    file.set_permissions(fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_default_permissions(_: &fs::File, _: u32) -> io::Result<()> {
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
