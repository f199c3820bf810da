//! output: one writer per output name. Two runs that would write the same
//! bulletin cannot interleave: the second waits or gives up, naming the
//! process that holds the lock. The lock is the kernel's (`flock`), so a
//! killed run's lock dies with it and never blocks the next one.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct OutputLock {
    _file: File,
    path: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("{} is locked by another run ({holder}); waited {waited:.0?}", path.display())]
    Held {
        path: PathBuf,
        holder: String,
        waited: Duration,
    },
    #[error("could not lock {}: {source}", path.display())]
    Io { path: PathBuf, source: io::Error },
    #[error("{} is {what}, not a lock file; refusing to use it (remove it if no run is writing this name)", path.display())]
    NotAFile { path: PathBuf, what: &'static str },
}

impl OutputLock {
    /// Locks output `name` in `dir`, waiting up to `wait` for another run to finish.
    pub fn acquire(dir: &Path, name: &str, wait: Duration) -> Result<OutputLock, LockError> {
        let path = dir.join(format!(".{name}.lock"));
        let io_err = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let started = Instant::now();
        let mut announced = false;
        let mut file = loop {
            let mut file = open_no_follow(&path)?;
            match file.try_lock() {
                // The holder removes the file as it lets go; a lock on a file
                // that is no longer at `path` guards nothing, so open it again.
                Ok(()) if same_file(&file, &path) => break file,
                Ok(()) => continue,
                Err(TryLockError::WouldBlock) => {
                    let holder = read_holder(&mut file);
                    if started.elapsed() >= wait {
                        return Err(LockError::Held {
                            path,
                            holder,
                            waited: started.elapsed(),
                        });
                    }
                    if !announced {
                        tracing::warn!(lock = %path.display(), "waiting up to {:.0?} for another run ({holder})", wait);
                        announced = true;
                    }
                    std::thread::sleep(
                        Duration::from_millis(100).min(wait.saturating_sub(started.elapsed())),
                    );
                }
                Err(TryLockError::Error(e)) => return Err(io_err(e)),
            }
        };
        file.set_len(0).map_err(io_err)?;
        file.rewind().map_err(io_err)?;
        let note = format!(
            "pid {} since {}\n",
            std::process::id(),
            chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        );
        file.write_all(note.as_bytes())
            .and_then(|_| file.flush())
            .map_err(io_err)?;
        Ok(OutputLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for OutputLock {
    /// Removes the lock file while still holding the lock, so the output
    /// folder holds only artifacts; see `same_file` for why this is safe.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Opens (or creates) the lock file without following a symbolic link: a link
/// planted at the lock's name must not get its target truncated.
fn open_no_follow(path: &Path) -> Result<File, LockError> {
    let mut options = OpenOptions::new();
    // Not truncated here: the holder's note stays readable until we own the lock.
    options.create(true).truncate(false).read(true).write(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(|source| {
        if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink()) {
            LockError::NotAFile {
                path: path.to_owned(),
                what: "a symbolic link",
            }
        } else {
            LockError::Io {
                path: path.to_owned(),
                source,
            }
        }
    })?;
    let kind = file
        .metadata()
        .map(|m| m.file_type())
        .map_err(|source| LockError::Io {
            path: path.to_owned(),
            source,
        })?;
    if !kind.is_file() {
        return Err(LockError::NotAFile {
            path: path.to_owned(),
            what: if kind.is_dir() {
                "a folder"
            } else {
                "a special file"
            },
        });
    }
    Ok(file)
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &File, path: &Path) -> bool {
    path.exists()
}

fn read_holder(file: &mut File) -> String {
    let mut note = String::new();
    let _ = file
        .rewind()
        .and_then(|_| file.take(200).read_to_string(&mut note));
    let note = note.trim();
    if note.is_empty() {
        "holder unknown".to_owned()
    } else {
        note.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_name_is_refused_with_the_holder() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path(), "news", Duration::ZERO).unwrap();
        let err = OutputLock::acquire(dir.path(), "news", Duration::from_millis(250)).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains(&format!("pid {}", std::process::id())),
            "{text}"
        );
        assert!(
            matches!(err, LockError::Held { waited, .. } if waited >= Duration::from_millis(250))
        );
        // Another name is independent.
        OutputLock::acquire(dir.path(), "other", Duration::ZERO).unwrap();
        drop(first);
        let again = OutputLock::acquire(dir.path(), "news", Duration::ZERO).unwrap();
        drop(again);
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            0,
            "lock files are removed on release"
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_at_the_lock_is_refused_and_its_target_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let victim = dir.path().join("victim.txt");
        std::fs::write(&victim, "precious").unwrap();
        std::os::unix::fs::symlink(&victim, dir.path().join(".news.lock")).unwrap();
        let err = OutputLock::acquire(dir.path(), "news", Duration::ZERO).unwrap_err();
        assert!(err.to_string().contains("is a symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
        // A dangling link is refused too, and nothing is created at its target.
        let gone = dir.path().join("gone.txt");
        std::os::unix::fs::symlink(&gone, dir.path().join(".other.lock")).unwrap();
        assert!(OutputLock::acquire(dir.path(), "other", Duration::ZERO).is_err());
        assert!(!gone.exists());
    }

    #[test]
    fn a_waiting_run_gets_the_lock_when_the_holder_finishes() {
        let dir = tempfile::tempdir().unwrap();
        let first = OutputLock::acquire(dir.path(), "news", Duration::ZERO).unwrap();
        let path = dir.path().to_owned();
        let waiter = std::thread::spawn(move || {
            OutputLock::acquire(&path, "news", Duration::from_secs(10)).map(|_| ())
        });
        std::thread::sleep(Duration::from_millis(300));
        drop(first);
        waiter.join().unwrap().unwrap();
    }
}
