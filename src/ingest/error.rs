//! ingest: what can go wrong between a path on the command line and an
//! article. Every variant names the file (or folder, or `<stdin>`).

use std::io;

/// Why an input could not become an article. The message reads well on its
/// own and after "failed to read": `a.txt: file is empty`.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{origin}: no such file or folder")]
    NotFound { origin: String },

    #[error("{origin}: could not read ({error})")]
    Read { origin: String, error: io::Error },

    #[error(
        "{origin}: folder has no article files ({})",
        super::input::EXTENSIONS_LISTED
    )]
    EmptyFolder { origin: String },

    #[error(
        "{origin}: file is too large ({:.1} MiB; the limit is {} MiB)",
        mib(*.size),
        mib(*.limit)
    )]
    TooLarge {
        origin: String,
        size: u64,
        limit: u64,
    },

    #[error(
        "{origin}: more than {} MiB arrived without an end; refused (an endless stream such as /dev/zero or `yes`?)",
        mib(*.limit)
    )]
    Endless { origin: String, limit: u64 },

    #[error("{origin}: is {kind}, not an article file; only regular files are read from a folder")]
    NotRegular { origin: String, kind: &'static str },

    #[error("{origin}: file is UTF-16 text ({endian}); save it as UTF-8")]
    Utf16 {
        origin: String,
        endian: &'static str,
    },

    #[error("{origin}: file is not valid UTF-8 (invalid byte 0x{byte:02X} at offset {offset}, line {line}); save it as UTF-8")]
    InvalidUtf8 {
        origin: String,
        byte: u8,
        offset: usize,
        line: usize,
    },

    #[error("{origin}: not a text file ({reason})")]
    Binary { origin: String, reason: String },

    #[error("{origin}: file is empty")]
    Empty { origin: String },

    #[error("{origin}: article \"{title}\" has a title but no body text")]
    NoBody { origin: String, title: String },

    /// `origin` names the item too when the document holds several
    /// (`feed.xml#3`).
    #[error("{origin}: article has no title")]
    NoTitle { origin: String },

    /// The content is none of the formats read; `looks_like` says what it
    /// seems to be instead.
    #[error("{origin}: not an article in a known format: {looks_like}")]
    Unrecognized { origin: String, looks_like: String },

    /// The content is meant to be `format` (by its start or its file name)
    /// but does not parse as such.
    #[error("{origin}: not valid {format} ({detail})")]
    Malformed {
        origin: String,
        format: &'static str,
        detail: String,
    },

    /// A key holds the wrong kind of value. `origin` names the item too when
    /// the document holds several (`day.json#2`).
    #[error("{origin}: key \"{key}\" {problem}")]
    Field {
        origin: String,
        key: String,
        problem: String,
    },

    /// A feed, array or message with nothing in it.
    #[error("{origin}: {what} holds no articles")]
    NoArticles { origin: String, what: &'static str },

    /// A playlist line that is no input.
    #[error("{origin}: line {line}: {problem}")]
    Playlist {
        origin: String,
        line: usize,
        problem: String,
    },

    /// A playlist handed to the article parser: its entries are inputs to
    /// read, see [`read_playlist`](super::read_playlist).
    #[error("{origin}: is a playlist (.list); its entries are read as inputs, not as an article")]
    IsPlaylist { origin: String },

    /// A playlist that names itself, directly or through others; `chain`
    /// is the path from the outermost list (`a.list → b.list → a.list`).
    #[error("{origin}: playlist includes itself ({chain})")]
    PlaylistCycle { origin: String, chain: String },

    /// Playlists nested deeper than anyone writes them by hand.
    #[error("{origin}: playlists nested more than {limit} deep ({chain})")]
    PlaylistDepth {
        origin: String,
        limit: usize,
        chain: String,
    },

    /// A URL that could not be fetched: `origin` is the URL (without any
    /// password), `problem` what happened (the status, the timeout, the size).
    #[error("{origin}: {problem}")]
    Fetch { origin: String, problem: String },
}

impl IngestError {
    /// The file, folder or `<stdin>` the error is about.
    pub fn origin(&self) -> &str {
        match self {
            IngestError::NotFound { origin }
            | IngestError::Read { origin, .. }
            | IngestError::EmptyFolder { origin }
            | IngestError::TooLarge { origin, .. }
            | IngestError::Endless { origin, .. }
            | IngestError::NotRegular { origin, .. }
            | IngestError::Utf16 { origin, .. }
            | IngestError::InvalidUtf8 { origin, .. }
            | IngestError::Binary { origin, .. }
            | IngestError::Empty { origin }
            | IngestError::NoBody { origin, .. }
            | IngestError::NoTitle { origin }
            | IngestError::Unrecognized { origin, .. }
            | IngestError::Malformed { origin, .. }
            | IngestError::Field { origin, .. }
            | IngestError::NoArticles { origin, .. }
            | IngestError::Playlist { origin, .. }
            | IngestError::IsPlaylist { origin }
            | IngestError::PlaylistCycle { origin, .. }
            | IngestError::PlaylistDepth { origin, .. }
            | IngestError::Fetch { origin, .. } => origin,
        }
    }
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn too_large_reads_in_mib() {
        let e = IngestError::TooLarge {
            origin: "big.txt".into(),
            size: 20 * 1024 * 1024,
            limit: 10 * 1024 * 1024,
        };
        assert_eq!(
            e.to_string(),
            "big.txt: file is too large (20.0 MiB; the limit is 10 MiB)"
        );
        assert_eq!(e.origin(), "big.txt");
    }
}
