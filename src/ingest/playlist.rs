//! ingest: a playlist (`*.list`) fixes an editor's running order: one input
//! per line, a path (relative to the list's folder) or an `http(s)://` URL;
//! blank lines and lines starting with `#` are skipped. The entries are
//! inputs in their own right, read by whoever reads inputs (files here,
//! URLs by the fetcher).

use std::path::{Path, PathBuf};

use super::chars::trim_blank;
use super::decode::decode;
use super::error::IngestError;
use super::format::extension;
use super::input::{Document, STDIN_ORIGIN};

/// One line of a playlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlaylistEntry {
    /// A file or folder; a relative path is joined to the list's folder.
    Path(PathBuf),
    Url(url::Url),
}

/// Whether a document is a playlist: its name ends in `.list`.
pub fn is_playlist(doc: &Document) -> bool {
    doc.origin != STDIN_ORIGIN && extension(&doc.origin).as_deref() == Some("list")
}

/// Decodes a playlist document and reads its entries, in order. Relative
/// paths are resolved against the folder of the list's origin (or, for a
/// list fetched from a URL, against that URL).
pub fn read_playlist(doc: &Document) -> Result<Vec<PlaylistEntry>, IngestError> {
    let text = decode(&doc.origin, &doc.bytes)?;
    parse_playlist(&doc.origin, &text)
}

/// [`read_playlist`] for decoded text.
pub fn parse_playlist(origin: &str, text: &str) -> Result<Vec<PlaylistEntry>, IngestError> {
    let base_url = url::Url::parse(origin)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    let folder = Path::new(origin).parent().unwrap_or(Path::new(""));
    let mut entries = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = trim_blank(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let problem = |problem: String| IngestError::Playlist {
            origin: origin.to_owned(),
            line: i + 1,
            problem,
        };
        let lower = line.to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            let url = url::Url::parse(line)
                .map_err(|e| problem(format!("\"{line}\" is not a valid URL ({e})")))?;
            entries.push(PlaylistEntry::Url(url));
        } else if line.contains("://") {
            return Err(problem(format!(
                "\"{line}\" is a URL that is not http or https"
            )));
        } else if line == "-" {
            return Err(problem("standard input cannot be listed".to_owned()));
        } else if let Some(base) = &base_url {
            let url = base
                .join(line)
                .map_err(|e| problem(format!("\"{line}\" is no address under {base} ({e})")))?;
            entries.push(PlaylistEntry::Url(url));
        } else {
            let path = Path::new(line);
            entries.push(PlaylistEntry::Path(if path.is_absolute() {
                path.to_path_buf()
            } else {
                folder.join(path)
            }));
        }
    }
    Ok(entries)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_in_order_relative_to_the_list() {
        let text = "# morning running order\n\n02-ferry.md\n  sub/03-schools.json  \nhttps://example.org/feed.rss\n/abs/path.txt\n# end\n";
        let entries = parse_playlist("day/morning.list", text).unwrap();
        assert_eq!(
            entries,
            vec![
                PlaylistEntry::Path("day/02-ferry.md".into()),
                PlaylistEntry::Path("day/sub/03-schools.json".into()),
                PlaylistEntry::Url("https://example.org/feed.rss".parse().unwrap()),
                PlaylistEntry::Path("/abs/path.txt".into()),
            ]
        );
        assert_eq!(
            parse_playlist("morning.list", "a.txt").unwrap(),
            vec![PlaylistEntry::Path("a.txt".into())]
        );
    }

    #[test]
    fn a_list_from_a_url_resolves_against_it() {
        let entries = parse_playlist("https://example.org/day/m.list", "a.html\n").unwrap();
        assert_eq!(
            entries,
            vec![PlaylistEntry::Url(
                "https://example.org/day/a.html".parse().unwrap()
            )]
        );
    }

    #[test]
    fn bad_lines_are_named() {
        let e = parse_playlist("m.list", "a.txt\nftp://x/y\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "m.list: line 2: \"ftp://x/y\" is a URL that is not http or https"
        );
        let e = parse_playlist("m.list", "https://\n").unwrap_err();
        assert!(e
            .to_string()
            .starts_with("m.list: line 1: \"https://\" is not a valid URL"));
        assert!(is_playlist(&Document {
            origin: "x/M.LIST".into(),
            bytes: vec![]
        }));
        assert!(!is_playlist(&Document {
            origin: "<stdin>".into(),
            bytes: vec![]
        }));
    }
}
