//! ingest: every input read and parsed, with the policy for the ones that
//! cannot be: fail the whole read, or set them aside and go on. A document
//! of several articles (a feed, a JSON array) is read item by item, so one
//! bad item is set aside on its own. A playlist's entries are read as
//! inputs in their place, guarded against lists that include themselves.

use std::path::Path;

use super::article::Article;
use super::document::parse_document_each;
use super::error::IngestError;
use super::fetch::Fetch;
use super::input::{collect_each, Document, InputSpec};
use super::playlist::{is_playlist, read_playlist, PlaylistEntry};

/// Playlists inside playlists deeper than this are refused: a running order
/// is written by hand, and a chain this long is a mistake (or a loop through
/// URLs that differ each time).
pub const MAX_PLAYLIST_DEPTH: usize = 16;

/// The articles of a read, and the inputs set aside.
#[derive(Debug)]
pub struct Read {
    /// In input order: the inputs as given, a folder's files by name, a
    /// playlist's entries as listed, a feed's items as they stand.
    pub articles: Vec<Article>,
    /// Inputs that could not be read or parsed (with `skip_bad` only).
    pub skipped: Vec<IngestError>,
}

/// Reads and parses every input, in order, URLs through `fetch`. Without
/// `skip_bad` the first bad input fails the read; with it, bad inputs (a bad
/// file in a folder, a bad item of a feed, a URL that cannot be fetched, on
/// its own) are set aside, as long as at least one article remains.
pub fn read(inputs: &[InputSpec], skip_bad: bool, fetch: &dyn Fetch) -> Result<Read, IngestError> {
    let mut reader = Reader {
        skip_bad,
        fetch,
        articles: Vec::new(),
        skipped: Vec::new(),
    };
    let mut lists = Vec::new();
    for input in inputs {
        reader.input(input, &mut lists)?;
    }
    let Reader {
        articles,
        mut skipped,
        ..
    } = reader;
    if articles.is_empty() && !skipped.is_empty() {
        return Err(skipped.swap_remove(0));
    }
    Ok(Read { articles, skipped })
}

struct Reader<'f> {
    skip_bad: bool,
    fetch: &'f dyn Fetch,
    articles: Vec<Article>,
    skipped: Vec<IngestError>,
}

/// A playlist being read: how it is named, and what identifies it (its
/// canonical path, or its URL) so that the same list by another name is
/// still caught.
struct OpenList {
    shown: String,
    identity: String,
}

impl Reader<'_> {
    /// Reads one input; `lists` are the playlists it is nested in.
    fn input(&mut self, input: &InputSpec, lists: &mut Vec<OpenList>) -> Result<(), IngestError> {
        for document in collect_each(input, self.fetch) {
            match document {
                Ok(doc) if is_playlist(&doc) => self.playlist(&doc, lists)?,
                Ok(doc) => {
                    for result in parse_document_each(&doc) {
                        self.take(result)?;
                    }
                }
                Err(e) => self.take(Err(e))?,
            }
        }
        Ok(())
    }

    fn playlist(&mut self, doc: &Document, lists: &mut Vec<OpenList>) -> Result<(), IngestError> {
        let identity = identity(&doc.origin);
        let chain = || {
            lists
                .iter()
                .map(|l| l.shown.as_str())
                .chain([doc.origin.as_str()])
                .collect::<Vec<_>>()
                .join(" → ")
        };
        if lists.iter().any(|l| l.identity == identity) {
            let e = IngestError::PlaylistCycle {
                origin: doc.origin.clone(),
                chain: chain(),
            };
            return self.take(Err(e));
        }
        if lists.len() >= MAX_PLAYLIST_DEPTH {
            let e = IngestError::PlaylistDepth {
                origin: doc.origin.clone(),
                limit: MAX_PLAYLIST_DEPTH,
                chain: chain(),
            };
            return self.take(Err(e));
        }
        let entries = match read_playlist(doc) {
            Ok(entries) => entries,
            Err(e) => return self.take(Err(e)),
        };
        lists.push(OpenList {
            shown: doc.origin.clone(),
            identity,
        });
        let mut result = Ok(());
        for entry in entries {
            let input = match entry {
                PlaylistEntry::Path(path) => InputSpec::Path(path),
                PlaylistEntry::Url(url) => InputSpec::Url(url),
            };
            result = self.input(&input, lists);
            if result.is_err() {
                break;
            }
        }
        lists.pop();
        result
    }

    /// Keeps an article, or applies the policy to an error.
    fn take(&mut self, result: Result<Article, IngestError>) -> Result<(), IngestError> {
        match result {
            Ok(article) => self.articles.push(article),
            Err(e) if self.skip_bad => {
                tracing::warn!("skipping an input: {e}");
                self.skipped.push(e);
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }
}

/// What makes two playlist names the same list: the canonical path of a
/// file (through links and `..`), or the URL as written.
fn identity(origin: &str) -> String {
    if url::Url::parse(origin).is_ok_and(|u| matches!(u.scheme(), "http" | "https")) {
        return origin.to_owned();
    }
    std::fs::canonicalize(Path::new(origin))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| origin.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::NoFetch;

    #[test]
    fn one_bad_item_is_set_aside_alone() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("desk.json");
        std::fs::write(
            &path,
            r#"[{"title":"A","body":"One."},{"title":"B"},{"title":"C","body":"Three."}]"#,
        )
        .unwrap();
        let spec = InputSpec::Path(path);
        let r = read(std::slice::from_ref(&spec), true, &NoFetch).unwrap();
        let titles: Vec<&str> = r.articles.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(titles, vec!["A", "C"]);
        assert_eq!(r.skipped.len(), 1);
        assert!(
            r.skipped[0].origin().ends_with("desk.json#2"),
            "{}",
            r.skipped[0]
        );
        let e = read(&[spec], false, &NoFetch).unwrap_err();
        assert!(e.to_string().contains("desk.json#2: article \"B\""), "{e}");
    }

    fn titles(r: &Read) -> Vec<&str> {
        r.articles.iter().map(|a| a.title.as_str()).collect()
    }

    #[test]
    fn a_playlist_is_read_in_its_order_relative_to_its_folder() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("day/sub")).unwrap();
        std::fs::write(d.join("day/b.txt"), "Bee\n\nThe b story.\n").unwrap();
        std::fs::write(d.join("day/sub/a.md"), "# Ay\n\nThe a story.\n").unwrap();
        std::fs::write(d.join("day/inner.list"), "b.txt\n").unwrap();
        std::fs::write(
            d.join("day/run.list"),
            "# running order\nsub/a.md\n\ninner.list\n",
        )
        .unwrap();
        // Read from elsewhere: entries are found beside the list, not here.
        let r = read(&[InputSpec::Path(d.join("day/run.list"))], false, &NoFetch).unwrap();
        assert_eq!(titles(&r), vec!["Ay", "Bee"]);
    }

    #[test]
    fn a_playlist_that_includes_itself_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.txt"), "Fine\n\nA story.\n").unwrap();
        std::fs::write(d.join("self.list"), "ok.txt\nself.list\n").unwrap();
        let e = read(&[InputSpec::Path(d.join("self.list"))], false, &NoFetch).unwrap_err();
        assert!(matches!(e, IngestError::PlaylistCycle { .. }), "{e}");
        let shown = d.join("self.list").display().to_string();
        assert_eq!(
            e.to_string(),
            format!("{shown}: playlist includes itself ({shown} → {shown})")
        );

        // A cycle through another list, by another name for the same file.
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("a.list"), "sub/b.list\n").unwrap();
        std::fs::write(d.join("sub/b.list"), "../ok.txt\n../a.list\n").unwrap();
        let e = read(&[InputSpec::Path(d.join("a.list"))], false, &NoFetch)
            .unwrap_err()
            .to_string();
        assert!(e.contains("playlist includes itself"), "{e}");
        assert!(e.contains("a.list → ") && e.contains("b.list → "), "{e}");

        // Skippable: the rest of the list is read.
        let r = read(&[InputSpec::Path(d.join("a.list"))], true, &NoFetch).unwrap();
        assert_eq!(titles(&r), vec!["Fine"]);
        assert!(matches!(r.skipped[0], IngestError::PlaylistCycle { .. }));
    }

    #[test]
    fn the_same_list_twice_side_by_side_is_no_cycle() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("ok.txt"), "Fine\n\nA story.\n").unwrap();
        std::fs::write(d.join("one.list"), "ok.txt\n").unwrap();
        std::fs::write(d.join("two.list"), "one.list\none.list\n").unwrap();
        let r = read(&[InputSpec::Path(d.join("two.list"))], false, &NoFetch).unwrap();
        assert_eq!(titles(&r), vec!["Fine", "Fine"]);
    }

    #[test]
    fn nesting_is_bounded() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        for i in 0..=MAX_PLAYLIST_DEPTH {
            std::fs::write(d.join(format!("l{i}.list")), format!("l{}.list\n", i + 1)).unwrap();
        }
        let e = read(&[InputSpec::Path(d.join("l0.list"))], false, &NoFetch).unwrap_err();
        assert!(
            matches!(
                e,
                IngestError::PlaylistDepth {
                    limit: MAX_PLAYLIST_DEPTH,
                    ..
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn urls_go_to_the_fetcher_and_playlists_may_list_them() {
        struct Served;
        impl Fetch for Served {
            fn fetch(&self, url: &url::Url) -> Result<Document, IngestError> {
                let bytes: &[u8] = match url.path() {
                    "/a.md" => b"# From the web\n\nA fetched story.\n",
                    "/day.list" => b"a.md\nhttps://other.example/missing.md\n",
                    _ => {
                        return Err(IngestError::Fetch {
                            origin: url.to_string(),
                            problem: "answered 404 Not Found".into(),
                        })
                    }
                };
                Ok(Document {
                    origin: url.to_string(),
                    bytes: bytes.to_vec(),
                })
            }
        }
        let list = InputSpec::parse("https://news.example/day.list").unwrap();
        let e = read(std::slice::from_ref(&list), false, &Served).unwrap_err();
        assert_eq!(
            e.to_string(),
            "https://other.example/missing.md: answered 404 Not Found"
        );
        let r = read(&[list], true, &Served).unwrap();
        assert_eq!(titles(&r), vec!["From the web"]);
        assert_eq!(r.articles[0].origin, "https://news.example/a.md");
        assert_eq!(r.skipped.len(), 1);
    }
}
