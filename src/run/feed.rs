//! run: the podcast feed of a build. The new feed is made and staged beside
//! the feed file before the bulletin's generation is committed (so a feed
//! that cannot be read or written fails the run with nothing replaced), and
//! renamed into place right after the manifest: the feed never names a
//! bulletin whose files are not all there. A lock on the feed file keeps two
//! runs from losing each other's items.

use std::path::{Path, PathBuf};

use crate::output::{self, ChannelSettings, FeedChannel, FeedItem, Manifest, OutputLock, Staged};

use super::error::Error;
use super::settings::FeedTarget;

/// A feed staged for a run, with the lock that keeps it ours until renamed.
pub(super) struct StagedFeed {
    staged: Staged,
    _lock: OutputLock,
}

impl StagedFeed {
    /// Renames the feed into place.
    pub(super) fn commit(self) -> Result<PathBuf, Error> {
        let path = self.staged.target().to_owned();
        self.staged.commit().map_err(|source| Error::Feed {
            path,
            reason: format!(
                "the bulletin was written, but the feed could not be replaced: {source}"
            ),
        })
    }
}

/// What the feed needs from the run.
pub(super) struct FeedInputs<'a> {
    pub name: &'a str,
    pub manifest: &'a Manifest,
    pub channel: &'a ChannelSettings,
    /// The bulletin's title (the Broadcast Wave description).
    pub title: &'a str,
    pub publisher: &'a str,
    pub wait: std::time::Duration,
    /// Where each listed file is staged now, to measure the enclosure.
    pub staged_size: &'a dyn Fn(&str) -> Option<u64>,
}

pub(super) fn stage(target: &FeedTarget, input: &FeedInputs<'_>) -> Result<StagedFeed, Error> {
    let feed_err = |reason: String| Error::Feed {
        path: target.path.clone(),
        reason,
    };
    let dir = target
        .path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let file = target
        .path
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .ok_or_else(|| feed_err("names no file".into()))?;
    std::fs::create_dir_all(dir).map_err(|e| feed_err(e.to_string()))?;
    let lock = OutputLock::acquire(dir, &file, input.wait)?;
    let previous = match std::fs::read_to_string(&target.path) {
        Ok(text) => output::previous_feed_items(&text).map_err(|why| {
            feed_err(format!(
                "is not a podcast feed bulletin wrote ({why}); move it away or name another file"
            ))
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(feed_err(e.to_string())),
    };

    let m = input.manifest;
    let listed = |ext: &str| {
        let f = format!("{}.{ext}", input.name);
        m.files.iter().any(|e| e.path == f).then_some(f)
    };
    let (audio, mime) = match listed("mp3") {
        Some(f) => (f, "audio/mpeg"),
        None => (m.audio.path.clone(), "audio/wav"),
    };
    let url = |f: &str| -> Result<String, Error> {
        target
            .base_url
            .join(&percent_encoding::utf8_percent_encode(f, FILE_NAME).to_string())
            .map(|u| u.to_string())
            .map_err(|e| feed_err(format!("cannot make a URL for {f}: {e}")))
    };
    let length = (input.staged_size)(&audio)
        .ok_or_else(|| feed_err(format!("{audio} is not among the files written")))?;
    let mut transcripts = vec![(url(&format!("{}.vtt", input.name))?, "text/vtt".to_owned())];
    if let Some(srt) = listed("srt") {
        transcripts.push((url(&srt)?, "application/x-subrip".to_owned()));
    }
    let created = chrono::DateTime::parse_from_rfc3339(&m.created)
        .map(|d| d.to_rfc2822())
        .unwrap_or_else(|_| chrono::Utc::now().to_rfc2822());
    let titles: Vec<&str> = m
        .articles
        .iter()
        .map(|a| a.summary.title.as_str())
        .collect();
    let item = FeedItem {
        guid: format!("urn:bulletin:{}", input.name),
        title: input.title.to_owned(),
        pub_date: created.clone(),
        enclosure_url: url(&audio)?,
        enclosure_length: length,
        enclosure_type: mime.to_owned(),
        duration_secs: (m.audio.duration_ms + 500) / 1000,
        chapters_url: listed("chapters.json").map(|f| url(&f)).transpose()?,
        transcripts,
        description: titles.join(" · "),
    };
    let c = input.channel;
    let channel = FeedChannel {
        title: c
            .title
            .clone()
            .unwrap_or_else(|| input.publisher.to_owned()),
        description: c
            .description
            .clone()
            .unwrap_or_else(|| format!("News bulletins from {}", input.publisher)),
        link: target.base_url.to_string(),
        language: m
            .articles
            .first()
            .map_or_else(|| "und".to_owned(), |a| a.summary.language.clone()),
        author: c
            .author
            .clone()
            .unwrap_or_else(|| input.publisher.to_owned()),
        image: c.image.clone(),
        category: c.category.clone().unwrap_or_else(|| "News".to_owned()),
        explicit: c.explicit,
    };
    let bytes = output::render_feed(&channel, &item, &previous, target.keep)
        .map_err(|e| feed_err(e.to_string()))?;
    let staged =
        output::stage(&target.path, |w| w.write_all(&bytes)).map_err(|source| Error::Write {
            path: target.path.clone(),
            source,
        })?;
    Ok(StagedFeed {
        staged,
        _lock: lock,
    })
}

/// What a file name keeps of itself in a URL path segment.
const FILE_NAME: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
