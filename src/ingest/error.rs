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

    #[error("{origin}: folder has no article files (.txt, .md or .text)")]
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
            | IngestError::NoBody { origin, .. } => origin,
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
