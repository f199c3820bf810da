//! output: one generation of artifacts under one name, committed together.
//!
//! Every artifact of a run is staged under a temporary name (`.NAME.XXXXXX.partial`)
//! in the output folder. The commit then
//!
//! 1. checks that nothing is in the way (a folder where a file goes),
//! 2. writes a journal (`.NAME.commit`) saying what it is about to do,
//! 3. moves the previous generation aside (the manifest first): every file the
//!    previous manifest lists, and every file about to be replaced,
//! 4. renames the new files into place, and the new manifest last: its rename is
//!    the commit point,
//! 5. removes the journal and the previous generation.
//!
//! A failure or a signal before the manifest's rename puts the previous
//! generation back as it was; a crash (SIGKILL, power loss) is finished or rolled
//! back from the journal by the next run on that name. After a successful run
//! the files under the name are exactly the manifest and the files it lists.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::cancel::{Cancel, Interrupted};

use super::atomic::{self, Staged};

/// The endings an artifact of `NAME` may have: `NAME.wav`, `NAME.json`, …
/// Anything listed in a manifest must match one of these (or a per-article
/// `NAME-a<n>.<ext>`), so a damaged or hostile manifest cannot make a run
/// delete anything else.
const SUFFIXES: &[&str] = &[
    ".wav",
    ".mp3",
    ".json",
    ".vtt",
    ".srt",
    ".html",
    ".epub",
    ".daisy",
    ".chapters.json",
    ".rss",
];
const PER_ARTICLE_SUFFIXES: &[&str] = &[".wav", ".mp3"];
/// The artifacts that are folders (a DAISY book), staged and renamed whole.
const FOLDER_SUFFIXES: &[&str] = &[".daisy"];

/// A failure of the commit, naming the file it happened on.
#[derive(Debug, thiserror::Error)]
pub enum CommitError {
    #[error("{} is {what}, in the way of the bulletin's {artifact}; move it away", path.display())]
    InTheWay {
        path: PathBuf,
        what: &'static str,
        artifact: String,
    },
    #[error("failed to {action} {}: {source}", path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        source: io::Error,
    },
    #[error(transparent)]
    Interrupted(#[from] Interrupted),
}

/// The artifacts of one run, staged until [`Generation::commit`].
pub struct Generation {
    dir: PathBuf,
    name: String,
    id: String,
    staged: Vec<Staged>,
}

#[derive(Debug, Serialize, Deserialize)]
struct Journal {
    generation: String,
    entries: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// File name in the output folder.
    target: String,
    /// Where the file that was there is moved during the commit.
    backup: String,
    /// Whether something was at `target` before the commit.
    existed: bool,
}

impl Generation {
    /// A new generation of `name` in `dir`. The caller holds the output lock.
    pub fn new(dir: &Path, name: &str) -> Generation {
        let id = format!(
            "{}-{}-{:08x}",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
            std::process::id(),
            rand::random::<u32>()
        );
        Generation {
            dir: dir.to_owned(),
            name: name.to_owned(),
            id,
            staged: Vec::new(),
        }
    }

    /// The generation's identity, written into its manifest.
    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Where `file` will be once committed.
    pub fn path(&self, file: &str) -> PathBuf {
        self.dir.join(file)
    }

    /// Stages `file` (a name in the output folder) from `write`.
    pub fn stage(
        &mut self,
        file: &str,
        write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        self.stage_seekable(file, |w| write(w))
    }

    /// Like [`Generation::stage`], for writers that seek back to patch headers.
    pub fn stage_seekable(
        &mut self,
        file: &str,
        write: impl FnOnce(&mut io::BufWriter<&fs::File>) -> io::Result<()>,
    ) -> io::Result<()> {
        debug_assert!(
            is_artifact(&self.name, file),
            "{file} is not an artifact name"
        );
        let staged = atomic::stage_in(&self.dir, &partial_prefix(&self.name), file, write)?;
        self.staged.push(staged);
        Ok(())
    }

    /// Stages the folder `file` (a name in the output folder): `write` fills
    /// the temporary folder it is given; the folder is renamed into place
    /// whole at the commit, so no reader ever sees part of it.
    pub fn stage_folder(
        &mut self,
        file: &str,
        write: impl FnOnce(&Path) -> io::Result<()>,
    ) -> io::Result<()> {
        debug_assert!(
            is_folder_artifact(&self.name, file),
            "{file} is not a folder artifact name"
        );
        let staged = atomic::stage_folder_in(&self.dir, &partial_prefix(&self.name), file, write)?;
        self.staged.push(staged);
        Ok(())
    }

    /// An empty staged file for `file`, for a writer that streams into it;
    /// [`Generation::add`] it once it is complete.
    pub fn create(&self, file: &str) -> io::Result<Staged> {
        debug_assert!(
            is_artifact(&self.name, file),
            "{file} is not an artifact name"
        );
        Staged::create(&self.dir, &partial_prefix(&self.name), file)
    }

    /// Adds a complete staged file (see [`Generation::create`]).
    pub fn add(&mut self, staged: Staged) -> io::Result<()> {
        staged.sync()?;
        self.staged.push(staged);
        Ok(())
    }

    /// The size of the staged `file`, if it is staged and a file.
    pub fn staged_size(&self, file: &str) -> Option<u64> {
        let staged = self.staged.iter().find(|s| s.file() == file)?;
        let meta = fs::metadata(staged.temp_path()).ok()?;
        meta.is_file().then_some(meta.len())
    }

    /// Every file name this generation will hold, manifest excluded.
    pub fn files(&self) -> Vec<String> {
        self.staged.iter().map(|s| s.file().to_owned()).collect()
    }

    /// Commits the staged files and then `manifest` (the file `NAME.json`),
    /// replacing the previous generation whole. Returns every path written,
    /// the manifest last.
    pub fn commit(
        self,
        manifest: impl FnOnce(&mut dyn Write) -> io::Result<()>,
        cancel: &Cancel,
    ) -> Result<Vec<PathBuf>, CommitError> {
        let manifest_file = format!("{}.json", self.name);
        let manifest = atomic::stage_in(
            &self.dir,
            &partial_prefix(&self.name),
            &manifest_file,
            |w| manifest(w),
        )
        .map_err(|source| CommitError::Io {
            action: "write",
            path: self.path(&manifest_file),
            source,
        })?;
        let previous = previous_files(&self.dir, &self.name);

        // 1. Nothing in the way.
        let mut targets: Vec<String> = vec![manifest_file.clone()];
        targets.extend(self.files());
        for file in &targets {
            let path = self.path(file);
            if let Ok(meta) = fs::symlink_metadata(&path) {
                // A folder artifact replaces the previous folder (moved aside whole).
                if meta.is_dir() && !is_folder_artifact(&self.name, file) {
                    return Err(CommitError::InTheWay {
                        path,
                        what: "a folder",
                        artifact: file.clone(),
                    });
                }
            }
        }
        // 2. The journal. The manifest comes first, so it is moved aside first
        //    and restored last.
        let mut names = targets.clone();
        for stale in previous {
            if !names.contains(&stale)
                && fs::symlink_metadata(self.path(&stale))
                    .is_ok_and(|m| !m.is_dir() || is_folder_artifact(&self.name, &stale))
            {
                names.push(stale);
            }
        }
        let entries: Vec<Entry> = names
            .iter()
            .enumerate()
            .map(|(i, target)| Entry {
                target: target.clone(),
                backup: format!(".{}.{}.{i}.old", self.name, self.id),
                existed: fs::symlink_metadata(self.path(target)).is_ok(),
            })
            .collect();
        let journal = Journal {
            generation: self.id.clone(),
            entries,
        };
        let journal_path = self.path(&journal_name(&self.name));
        write_journal(&journal_path, &journal)?;

        let mut progress = Progress::default();
        let dir = self.dir.clone();
        let result = self.apply(&journal, manifest, &targets, cancel, &mut progress);
        match result {
            Ok(paths) => {
                sync_dir(&dir);
                let _ = fs::remove_file(&journal_path);
                sync_dir(&dir);
                for entry in &journal.entries {
                    remove_any(&dir.join(&entry.backup));
                }
                Ok(paths)
            }
            Err(e) => {
                rollback(&dir, &journal, &progress);
                let _ = fs::remove_file(&journal_path);
                sync_dir(&dir);
                Err(e)
            }
        }
    }

    fn apply(
        self,
        journal: &Journal,
        manifest: Staged,
        targets: &[String],
        cancel: &Cancel,
        progress: &mut Progress,
    ) -> Result<Vec<PathBuf>, CommitError> {
        // 3. The previous generation aside.
        for entry in journal.entries.iter().filter(|e| e.existed) {
            cancel.check()?;
            let (from, to) = (self.path(&entry.target), self.path(&entry.backup));
            fs::rename(&from, &to).map_err(|source| CommitError::Io {
                action: "move aside",
                path: from,
                source,
            })?;
            progress.moved_aside.push(entry.target.clone());
        }
        // 4. The new files, then the manifest.
        let mut written = Vec::with_capacity(targets.len());
        for staged in self.staged {
            cancel.check()?;
            let file = staged.file().to_owned();
            let path = staged.commit().map_err(|source| CommitError::Io {
                action: "rename into place",
                path: self.dir.join(&file),
                source,
            })?;
            progress.placed.push(file);
            written.push(path);
        }
        cancel.check()?;
        let path = manifest.commit().map_err(|source| CommitError::Io {
            action: "rename into place",
            path: self.dir.join(format!("{}.json", self.name)),
            source,
        })?;
        written.push(path);
        Ok(written)
    }
}

/// What an interrupted commit had done, for the rollback.
#[derive(Debug, Default)]
struct Progress {
    moved_aside: Vec<String>,
    placed: Vec<String>,
}

fn rollback(dir: &Path, journal: &Journal, progress: &Progress) {
    for file in &progress.placed {
        remove_any(&dir.join(file));
    }
    for entry in journal
        .entries
        .iter()
        .rev()
        .filter(|e| progress.moved_aside.contains(&e.target))
    {
        if let Err(e) = fs::rename(dir.join(&entry.backup), dir.join(&entry.target)) {
            tracing::error!(file = %dir.join(&entry.target).display(), "could not restore the previous bulletin's file: {e}");
        }
    }
}

/// Before a run writes `name`: finishes or rolls back a commit that a crash
/// interrupted, and removes temporary files killed runs left behind. The
/// caller holds the output lock.
pub fn recover(dir: &Path, name: &str) {
    let journal_path = dir.join(journal_name(name));
    if let Ok(bytes) = fs::read(&journal_path) {
        match serde_json::from_slice::<Journal>(&bytes) {
            Ok(journal) => {
                let committed =
                    manifest_generation(dir, name).as_deref() == Some(&journal.generation);
                for entry in &journal.entries {
                    // Only names this run could have written: a journal is not
                    // trusted to point elsewhere.
                    if !is_artifact(name, &entry.target) || !is_plain(&entry.backup) {
                        continue;
                    }
                    let (target, backup) = (dir.join(&entry.target), dir.join(&entry.backup));
                    if committed {
                        remove_any(&backup);
                    } else if fs::symlink_metadata(&backup).is_ok() {
                        // A half-placed new folder is in the way of the rename.
                        if is_folder_artifact(name, &entry.target) {
                            remove_any(&target);
                        }
                        let _ = fs::rename(&backup, &target);
                    } else if !entry.existed {
                        remove_any(&target);
                    }
                }
                tracing::warn!(
                    name,
                    "a previous run was stopped while committing; {}",
                    if committed {
                        "its bulletin was complete and is kept"
                    } else {
                        "the bulletin before it was restored"
                    }
                );
            }
            Err(e) => {
                tracing::warn!(journal = %journal_path.display(), "ignoring an unreadable commit journal: {e}")
            }
        }
        let _ = fs::remove_file(&journal_path);
    }
    remove_stale_partials(dir, name);
}

/// Temporary files a killed run on exactly this name left behind.
fn remove_stale_partials(dir: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        if is_partial_of(name, &file) {
            let path = entry.path();
            let _ = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
        }
    }
}

/// `.NAME.` then six random characters then `.partial`: the staging names of
/// this name's artifacts and nobody else's (a run named `m` must not touch
/// `.m.wav.Ab12Cd.partial`, which belongs to a run named `m.wav`).
fn is_partial_of(name: &str, file: &str) -> bool {
    let Some(rest) = file
        .strip_prefix('.')
        .and_then(|f| f.strip_suffix(".partial"))
    else {
        return false;
    };
    match rest.rsplit_once('.') {
        Some((owner, random)) => {
            owner == name
                && random.len() == atomic::RANDOM_LEN
                && random.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// Removes a file, or a folder with everything in it; never follows a link.
fn remove_any(path: &Path) {
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => {
            let _ = fs::remove_dir_all(path);
        }
        Ok(_) => {
            let _ = fs::remove_file(path);
        }
        Err(_) => {}
    }
}

/// Whether `file` is the name of a folder artifact of `name` (`NAME.daisy`).
pub fn is_folder_artifact(name: &str, file: &str) -> bool {
    is_artifact(name, file)
        && file
            .strip_prefix(name)
            .is_some_and(|rest| FOLDER_SUFFIXES.contains(&rest))
}

fn partial_prefix(name: &str) -> String {
    format!(".{name}.")
}

fn journal_name(name: &str) -> String {
    format!(".{name}.commit")
}

/// Whether `file` is a name an artifact of `name` may have.
pub fn is_artifact(name: &str, file: &str) -> bool {
    let Some(rest) = file.strip_prefix(name) else {
        return false;
    };
    if !is_plain(file) {
        return false;
    }
    if SUFFIXES.contains(&rest) {
        return true;
    }
    rest.strip_prefix("-a").is_some_and(|r| {
        let digits = r.chars().take_while(char::is_ascii_digit).count();
        digits > 0 && PER_ARTICLE_SUFFIXES.contains(&&r[digits..])
    })
}

/// A file name with no folder in it.
fn is_plain(file: &str) -> bool {
    !file.is_empty() && file != "." && file != ".." && !file.contains(['/', '\\', '\0'])
}

/// The files the manifest at `NAME.json` says belong to its generation (itself
/// and its transcript included, which manifests before the `files` list
/// covered them did not list).
fn previous_files(dir: &Path, name: &str) -> Vec<String> {
    let mut files = vec![format!("{name}.json"), format!("{name}.vtt")];
    if let Some(manifest) = read_manifest(dir, name) {
        if let Some(listed) = manifest.get("files").and_then(|f| f.as_array()) {
            for entry in listed {
                if let Some(path) = entry.get("path").and_then(|p| p.as_str()) {
                    if is_artifact(name, path) && !files.iter().any(|f| f == path) {
                        files.push(path.to_owned());
                    }
                }
            }
        }
        if let Some(path) = manifest.pointer("/audio/path").and_then(|p| p.as_str()) {
            if is_artifact(name, path) && !files.iter().any(|f| f == path) {
                files.push(path.to_owned());
            }
        }
    }
    files
}

fn read_manifest(dir: &Path, name: &str) -> Option<serde_json::Value> {
    let bytes = fs::read(dir.join(format!("{name}.json"))).ok()?;
    serde_json::from_slice(&bytes).ok()
}

fn manifest_generation(dir: &Path, name: &str) -> Option<String> {
    read_manifest(dir, name)?
        .get("generation")?
        .as_str()
        .map(str::to_owned)
}

fn write_journal(path: &Path, journal: &Journal) -> Result<(), CommitError> {
    let io = |source| CommitError::Io {
        action: "write",
        path: path.to_owned(),
        source,
    };
    let dir = path.parent().unwrap_or(Path::new("."));
    let bytes = serde_json::to_vec(journal).expect("the journal is plain data");
    let mut temp = tempfile::Builder::new()
        .prefix(".journal.")
        .suffix(".partial")
        .tempfile_in(dir)
        .map_err(io)?;
    temp.write_all(&bytes).map_err(io)?;
    temp.as_file().sync_all().map_err(io)?;
    temp.persist(path).map_err(|e| io(e.error))?;
    sync_dir(dir);
    Ok(())
}

/// Makes renames in `dir` durable; not every platform can open a folder.
fn sync_dir(dir: &Path) {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    if let Ok(d) = fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    /// A generation of `name` holding `files`, each with `content`, and a
    /// manifest listing them.
    fn commit(
        dir: &Path,
        name: &str,
        files: &[&str],
        content: &str,
    ) -> Result<Vec<PathBuf>, CommitError> {
        let mut g = Generation::new(dir, name);
        for f in files {
            g.stage(f, |w| w.write_all(content.as_bytes())).unwrap();
        }
        let listed: Vec<serde_json::Value> = g
            .files()
            .into_iter()
            .map(|f| serde_json::json!({ "path": f }))
            .collect();
        let id = g.id().to_owned();
        g.commit(
            |w| {
                w.write_all(
                    serde_json::json!({"generation": id, "files": listed, "content": content})
                        .to_string()
                        .as_bytes(),
                )
            },
            &Cancel::never(),
        )
    }

    #[test]
    fn a_plain_run_after_a_richer_one_leaves_only_its_own_files() {
        let dir = tempfile::tempdir().unwrap();
        commit(
            dir.path(),
            "m",
            &["m.wav", "m.mp3", "m-a1.wav", "m-a2.wav", "m.vtt"],
            "old",
        )
        .unwrap();
        fs::write(dir.path().join("notes.txt"), "not ours").unwrap();
        fs::write(dir.path().join("m-a3.wav.bak"), "not ours either").unwrap();
        commit(dir.path(), "m", &["m.wav", "m.vtt"], "new").unwrap();
        assert_eq!(
            listing(dir.path()),
            vec!["m-a3.wav.bak", "m.json", "m.vtt", "m.wav", "notes.txt"]
        );
        assert_eq!(fs::read_to_string(dir.path().join("m.wav")).unwrap(), "new");
    }

    #[test]
    fn a_folder_in_the_way_fails_before_anything_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        commit(dir.path(), "m", &["m.wav", "m.vtt"], "old").unwrap();
        let before = listing(dir.path());
        fs::create_dir(dir.path().join("m.mp3")).unwrap();
        let err = commit(dir.path(), "m", &["m.wav", "m.mp3", "m.vtt"], "new").unwrap_err();
        assert!(
            err.to_string().contains("m.mp3 is a folder, in the way"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(dir.path().join("m.wav")).unwrap(), "old");
        assert!(fs::read_to_string(dir.path().join("m.json"))
            .unwrap()
            .contains("old"));
        let mut after = listing(dir.path());
        after.retain(|f| f != "m.mp3");
        assert_eq!(after, before, "no partial or journal left behind");
    }

    #[test]
    fn a_signal_during_the_commit_restores_the_previous_generation() {
        let dir = tempfile::tempdir().unwrap();
        commit(dir.path(), "m", &["m.wav", "m.mp3", "m.vtt"], "old").unwrap();
        let before: Vec<(String, Vec<u8>)> = listing(dir.path())
            .into_iter()
            .map(|f| (f.clone(), fs::read(dir.path().join(&f)).unwrap()))
            .collect();
        let cancel = Cancel::never();
        cancel.request(15);
        let mut g = Generation::new(dir.path(), "m");
        g.stage("m.wav", |w| w.write_all(b"new")).unwrap();
        let err = g.commit(|w| w.write_all(b"{}"), &cancel).unwrap_err();
        assert!(matches!(err, CommitError::Interrupted(_)));
        let after: Vec<(String, Vec<u8>)> = listing(dir.path())
            .into_iter()
            .map(|f| (f.clone(), fs::read(dir.path().join(&f)).unwrap()))
            .collect();
        assert_eq!(after, before);
    }

    #[test]
    fn a_crash_mid_commit_is_rolled_back_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        commit(dir.path(), "m", &["m.wav", "m.vtt"], "old").unwrap();
        // As a SIGKILL after step 3 and part of step 4 would leave it.
        let journal = Journal {
            generation: "crashed".into(),
            entries: vec![
                Entry {
                    target: "m.json".into(),
                    backup: ".m.crashed.0.old".into(),
                    existed: true,
                },
                Entry {
                    target: "m.wav".into(),
                    backup: ".m.crashed.1.old".into(),
                    existed: true,
                },
                Entry {
                    target: "m.mp3".into(),
                    backup: ".m.crashed.2.old".into(),
                    existed: false,
                },
            ],
        };
        let p = |f: &str| dir.path().join(f);
        fs::rename(p("m.json"), p(".m.crashed.0.old")).unwrap();
        fs::rename(p("m.wav"), p(".m.crashed.1.old")).unwrap();
        fs::write(p("m.wav"), "half-new").unwrap();
        fs::write(p("m.mp3"), "new").unwrap();
        fs::write(p(".m.Ab12Cd.partial"), "a staged file").unwrap();
        fs::write(p(".m.wav.Ab12Cd.partial"), "another run's (named m.wav)").unwrap();
        write_journal(&p(".m.commit"), &journal).unwrap();
        recover(dir.path(), "m");
        assert_eq!(
            listing(dir.path()),
            vec![".m.wav.Ab12Cd.partial", "m.json", "m.vtt", "m.wav"]
        );
        assert_eq!(fs::read_to_string(p("m.wav")).unwrap(), "old");
    }

    /// A generation of `m` with `m.wav` and the folder `m.daisy` holding
    /// `ncc.html` with `content`.
    fn commit_book(
        dir: &Path,
        content: &str,
        cancel: &Cancel,
    ) -> Result<Vec<PathBuf>, CommitError> {
        let mut g = Generation::new(dir, "m");
        g.stage("m.wav", |w| w.write_all(content.as_bytes()))
            .unwrap();
        g.stage_folder("m.daisy", |d| {
            fs::write(d.join("ncc.html"), content)?;
            fs::write(d.join("s0001.smil"), content)
        })
        .unwrap();
        let listed: Vec<serde_json::Value> = g
            .files()
            .into_iter()
            .map(|f| serde_json::json!({ "path": f }))
            .collect();
        let id = g.id().to_owned();
        g.commit(
            |w| {
                w.write_all(
                    serde_json::json!({"generation": id, "files": listed})
                        .to_string()
                        .as_bytes(),
                )
            },
            cancel,
        )
    }

    #[test]
    fn a_folder_artifact_is_committed_replaced_and_removed_whole() {
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| dir.path().join(f);
        commit_book(dir.path(), "old", &Cancel::never()).unwrap();
        assert_eq!(listing(dir.path()), vec!["m.daisy", "m.json", "m.wav"]);
        assert_eq!(listing(&p("m.daisy")), vec!["ncc.html", "s0001.smil"]);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |f: &str| fs::metadata(p(f)).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode("m.daisy"), 0o755);
            assert_eq!(mode("m.daisy/ncc.html"), 0o644);
        }
        commit_book(dir.path(), "new", &Cancel::never()).unwrap();
        assert_eq!(fs::read_to_string(p("m.daisy/ncc.html")).unwrap(), "new");
        assert_eq!(listing(dir.path()), vec!["m.daisy", "m.json", "m.wav"]);
        // A generation without the book removes it.
        commit(dir.path(), "m", &["m.wav"], "plain").unwrap();
        assert_eq!(listing(dir.path()), vec!["m.json", "m.wav"]);
    }

    #[test]
    fn a_signal_during_the_commit_puts_the_previous_folder_back() {
        let dir = tempfile::tempdir().unwrap();
        commit_book(dir.path(), "old", &Cancel::never()).unwrap();
        let cancel = Cancel::never();
        cancel.request(15);
        assert!(matches!(
            commit_book(dir.path(), "new", &cancel),
            Err(CommitError::Interrupted(_))
        ));
        assert_eq!(listing(dir.path()), vec!["m.daisy", "m.json", "m.wav"]);
        assert_eq!(
            fs::read_to_string(dir.path().join("m.daisy/ncc.html")).unwrap(),
            "old"
        );
    }

    #[test]
    fn a_crash_mid_commit_restores_the_previous_folder() {
        let dir = tempfile::tempdir().unwrap();
        let p = |f: &str| dir.path().join(f);
        commit_book(dir.path(), "old", &Cancel::never()).unwrap();
        // As a SIGKILL after the new folder was renamed in, before the manifest.
        fs::rename(p("m.json"), p(".m.crashed.0.old")).unwrap();
        fs::rename(p("m.daisy"), p(".m.crashed.1.old")).unwrap();
        fs::create_dir(p("m.daisy")).unwrap();
        fs::write(p("m.daisy/ncc.html"), "new").unwrap();
        fs::create_dir(p(".m.Zz9Yy8.partial")).unwrap();
        fs::write(p(".m.Zz9Yy8.partial/ncc.html"), "staged").unwrap();
        let journal = Journal {
            generation: "crashed".into(),
            entries: vec![
                Entry {
                    target: "m.json".into(),
                    backup: ".m.crashed.0.old".into(),
                    existed: true,
                },
                Entry {
                    target: "m.daisy".into(),
                    backup: ".m.crashed.1.old".into(),
                    existed: true,
                },
            ],
        };
        write_journal(&p(".m.commit"), &journal).unwrap();
        recover(dir.path(), "m");
        assert_eq!(listing(dir.path()), vec!["m.daisy", "m.json", "m.wav"]);
        assert_eq!(fs::read_to_string(p("m.daisy/ncc.html")).unwrap(), "old");
    }

    #[test]
    fn a_folder_is_in_the_way_only_of_a_file() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir(dir.path().join("m.daisy")).unwrap();
        fs::write(dir.path().join("m.daisy/mine.txt"), "not listed").unwrap();
        // Not listed by a manifest: a folder at a folder artifact's name is
        // moved aside like a file would be, then removed with the old generation.
        commit_book(dir.path(), "new", &Cancel::never()).unwrap();
        assert_eq!(
            listing(&dir.path().join("m.daisy")),
            vec!["ncc.html", "s0001.smil"]
        );
        assert!(is_folder_artifact("m", "m.daisy") && !is_folder_artifact("m", "m.epub"));
        assert!(!is_folder_artifact("m", "x.daisy"));
    }

    #[test]
    fn artifact_names_are_exact() {
        assert!(is_artifact("m", "m.wav") && is_artifact("m", "m-a12.mp3"));
        assert!(is_artifact("m.wav", "m.wav.wav"));
        assert!(!is_artifact("m", "m.wav.wav") && !is_artifact("m", "m-a.wav"));
        assert!(!is_artifact("m", "m-a1.json") && !is_artifact("m", "../m.wav"));
        assert!(!is_artifact("m", "mm.wav") && !is_artifact("m", "m.txt"));
        assert!(is_partial_of("m", ".m.Ab12Cd.partial"));
        assert!(!is_partial_of("m", ".m.wav.Ab12Cd.partial"));
        assert!(is_partial_of("m.wav", ".m.wav.Ab12Cd.partial"));
        assert!(!is_partial_of("m", ".m.Ab12C.partial") && !is_partial_of("m", ".m.partial"));
    }

    #[test]
    fn a_hostile_manifest_cannot_delete_other_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("victim.txt"), "keep").unwrap();
        fs::write(
            dir.path().join("m.json"),
            r#"{"files":[{"path":"victim.txt"},{"path":"../m.wav"},{"path":"m.wav/../victim.txt"}]}"#,
        )
        .unwrap();
        commit(dir.path(), "m", &["m.wav"], "new").unwrap();
        assert_eq!(
            fs::read_to_string(dir.path().join("victim.txt")).unwrap(),
            "keep"
        );
    }
}
