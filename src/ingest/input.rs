//! ingest: which inputs to read. Command-line arguments (files, folders,
//! `-` for stdin, `http(s)://` URLs) become [`Document`]s: raw bytes with the
//! name they were given, so every later error can point at the file. URLs
//! are read through a [`Fetch`].

use std::fs;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::decode::MAX_ARTICLE_BYTES;
use super::error::IngestError;
use super::fetch::{Fetch, NoFetch};

/// How stdin is named in errors and in the manifest.
pub const STDIN_ORIGIN: &str = "<stdin>";

/// File extensions read from a folder, compared without regard to case.
const ARTICLE_EXTENSIONS: &[&str] = &[
    "txt", "md", "text", "json", "jsonl", "ndjson", "xml", "rss", "atom", "html", "htm", "list",
];

/// [`ARTICLE_EXTENSIONS`] as a message lists them.
pub(crate) const EXTENSIONS_LISTED: &str =
    ".txt, .md, .text, .json, .jsonl, .ndjson, .xml, .rss, .atom, .html, .htm or .list";

/// One input file's bytes, not yet decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The path as given (or as found in a given folder), or `<stdin>`.
    pub origin: String,
    pub bytes: Vec<u8>,
}

/// One command-line input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSpec {
    /// A file, or a folder whose article files are read in name order.
    Path(PathBuf),
    /// `-`: everything on standard input, as one article.
    Stdin,
    /// An `http://` or `https://` address, read through a [`Fetch`].
    Url(url::Url),
}

impl InputSpec {
    /// An argument as written: `-` is stdin, a string starting with
    /// `http://` or `https://` (in any case) a URL, anything else a path. A
    /// URL that does not parse is an error naming it.
    pub fn parse(arg: &str) -> Result<InputSpec, IngestError> {
        if arg == "-" {
            return Ok(InputSpec::Stdin);
        }
        let lower = arg.get(..8).unwrap_or(arg).to_ascii_lowercase();
        if lower.starts_with("http://") || lower.starts_with("https://") {
            return url::Url::parse(arg)
                .map(InputSpec::Url)
                .map_err(|e| IngestError::Fetch {
                    origin: unparsed_url_shown(arg),
                    problem: format!("not a valid URL ({e})"),
                });
        }
        Ok(InputSpec::Path(PathBuf::from(arg)))
    }

    /// How the input is named in messages.
    pub fn shown(&self) -> String {
        match self {
            InputSpec::Path(p) => p.display().to_string(),
            InputSpec::Stdin => STDIN_ORIGIN.to_owned(),
            InputSpec::Url(u) => super::fetch::shown_url(u),
        }
    }
}

/// A URL that did not parse, as messages show it: without anything up to an
/// `@` (where a password would be) and without its query (where a token
/// would be).
fn unparsed_url_shown(arg: &str) -> String {
    let (scheme, rest) = arg.split_once("://").unwrap_or(("", arg));
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    format!("{scheme}://{rest}")
}

impl From<PathBuf> for InputSpec {
    fn from(path: PathBuf) -> InputSpec {
        match path.to_str() {
            Some(text) => InputSpec::parse(text).unwrap_or(InputSpec::Path(path)),
            None => InputSpec::Path(path),
        }
    }
}

/// Reads every input, in order; the first one that cannot be read stops it.
/// A URL is refused here (see [`collect_each`] with a [`Fetch`]).
/// A folder contributes its article files (`.txt`, `.md`, `.text`, `.json`,
/// `.jsonl`, `.ndjson`, `.xml`, `.rss`, `.atom`, `.html`, `.htm`, `.list`; not
/// hidden; not in subfolders; a `.list` playlist comes back as a document
/// like any other, for the caller to expand), sorted by file name with numbers in numeric order
/// (`2.txt` before `10.txt`). Files over [`MAX_ARTICLE_BYTES`] are refused
/// before they are read; stdin and special files (a FIFO, `/dev/zero`) are
/// refused as soon as they pass it. Stdin is read once: a second `-` gets no
/// bytes (and fails as empty).
pub fn collect(inputs: &[InputSpec]) -> Result<Vec<Document>, IngestError> {
    collect_from(inputs, &mut io::stdin().lock())
}

/// Like [`collect`], for one input, with a result per file: a bad file in a
/// folder is reported on its own, so that the rest can be read. A URL is
/// read through `fetch`.
pub fn collect_each(input: &InputSpec, fetch: &dyn Fetch) -> Vec<Result<Document, IngestError>> {
    match input {
        InputSpec::Url(url) => vec![fetch.fetch(url)],
        other => documents_of(other, &mut io::stdin().lock()),
    }
}

/// [`collect`] with `stdin` standing in for standard input.
pub(crate) fn collect_from(
    inputs: &[InputSpec],
    stdin: &mut dyn Read,
) -> Result<Vec<Document>, IngestError> {
    let mut documents = Vec::new();
    for input in inputs {
        for document in documents_of(input, stdin) {
            documents.push(document?);
        }
    }
    Ok(documents)
}

fn documents_of(input: &InputSpec, stdin: &mut dyn Read) -> Vec<Result<Document, IngestError>> {
    match input {
        InputSpec::Url(url) => vec![NoFetch.fetch(url)],
        InputSpec::Stdin => vec![read_stream(STDIN_ORIGIN, stdin).map(|bytes| Document {
            origin: STDIN_ORIGIN.to_owned(),
            bytes,
        })],
        InputSpec::Path(path) => {
            let origin = path.display().to_string();
            let meta = match fs::metadata(path) {
                Ok(m) => m,
                Err(e) => return vec![Err(io_error(&origin, e))],
            };
            if !meta.is_dir() {
                // Named on the command line: read even if special, up to the limit.
                return vec![read_file(path, &meta)];
            }
            match article_files(path, &origin) {
                Ok(files) if files.is_empty() => vec![Err(IngestError::EmptyFolder { origin })],
                Ok(files) => files
                    .iter()
                    .map(|file| {
                        let origin = file.display().to_string();
                        let meta = fs::metadata(file).map_err(|e| io_error(&origin, e))?;
                        // A FIFO, socket or device among the articles would block
                        // or never end: only regular files are read from a folder.
                        if !meta.is_file() {
                            return Err(IngestError::NotRegular {
                                origin,
                                kind: kind_of(&meta),
                            });
                        }
                        read_file(file, &meta)
                    })
                    .collect(),
                Err(e) => vec![Err(e)],
            }
        }
    }
}

/// What a non-regular, non-folder file is, for messages.
fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// The article files directly inside `dir`, sorted by file name.
fn article_files(dir: &Path, origin: &str) -> Result<Vec<PathBuf>, IngestError> {
    let entries = fs::read_dir(dir).map_err(|e| io_error(origin, e))?;
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| io_error(origin, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let is_article = !name.starts_with('.')
            && Path::new(&*name)
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ARTICLE_EXTENSIONS.iter().any(|a| e.eq_ignore_ascii_case(a)));
        let path = entry.path();
        // Broken links are kept so that reading them reports the problem.
        if is_article && !path.is_dir() {
            files.push(path);
        }
    }
    files.sort_by(|a, b| {
        let name = |p: &PathBuf| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        natural_cmp(&name(a), &name(b))
    });
    Ok(files)
}

/// Orders names as a person numbering files expects: runs of digits compare
/// as numbers (`2.txt` before `10.txt`), everything else byte by byte.
fn natural_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let (mut a, mut b) = (a.as_bytes(), b.as_bytes());
    loop {
        match (a.first(), b.first()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) if x.is_ascii_digit() && y.is_ascii_digit() => {
                let run = |s: &[u8]| s.iter().take_while(|c| c.is_ascii_digit()).count();
                let (ra, rb) = (run(a), run(b));
                let trim = |d: &[u8]| {
                    let zeros = d.iter().take_while(|&&c| c == b'0').count();
                    d[zeros..].to_vec()
                };
                let (da, db) = (trim(&a[..ra]), trim(&b[..rb]));
                let by_value = da.len().cmp(&db.len()).then_with(|| da.cmp(&db));
                // Equal values: fewer leading zeros first, so the order is total.
                let order = by_value.then_with(|| ra.cmp(&rb));
                if order != Ordering::Equal {
                    return order;
                }
                a = &a[ra..];
                b = &b[rb..];
            }
            (Some(x), Some(y)) => {
                if x != y {
                    return x.cmp(y);
                }
                a = &a[1..];
                b = &b[1..];
            }
        }
    }
}

fn read_file(path: &Path, meta: &fs::Metadata) -> Result<Document, IngestError> {
    let origin = path.display().to_string();
    if meta.is_file() && meta.len() > MAX_ARTICLE_BYTES {
        return Err(IngestError::TooLarge {
            origin,
            size: meta.len(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    let mut file = fs::File::open(path).map_err(|e| io_error(&origin, e))?;
    let bytes = read_stream(&origin, &mut file)?;
    Ok(Document { origin, bytes })
}

/// Reads at most the size limit. A stream that goes past it is refused at
/// once: reading on to report its size would never end for `/dev/zero`.
fn read_stream(origin: &str, reader: &mut dyn Read) -> Result<Vec<u8>, IngestError> {
    let mut bytes = Vec::new();
    reader
        .take(MAX_ARTICLE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| io_error(origin, e))?;
    if bytes.len() as u64 > MAX_ARTICLE_BYTES {
        return Err(IngestError::Endless {
            origin: origin.to_owned(),
            limit: MAX_ARTICLE_BYTES,
        });
    }
    Ok(bytes)
}

fn io_error(origin: &str, error: io::Error) -> IngestError {
    let origin = origin.to_owned();
    if error.kind() == io::ErrorKind::NotFound {
        IngestError::NotFound { origin }
    } else {
        IngestError::Read { origin, error }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn folder_order_reads_numbers_as_numbers() {
        let mut names = vec![
            "10-sport.txt",
            "2-weather.txt",
            "1-lead.txt",
            "02-b.txt",
            "b.txt",
            "a10.md",
            "a9.md",
        ];
        names.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(
            names,
            vec![
                "1-lead.txt",
                "2-weather.txt",
                "02-b.txt",
                "10-sport.txt",
                "a9.md",
                "a10.md",
                "b.txt"
            ]
        );
    }

    /// A fresh folder under the system temp dir, removed on drop.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            static N: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "bulletin-ingest-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            fs::create_dir_all(&path).unwrap();
            TempDir(path)
        }

        fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = fs::remove_dir_all(&self.0);
        }
    }

    fn origins(docs: &[Document]) -> Vec<String> {
        docs.iter().map(|d| d.origin.clone()).collect()
    }

    #[test]
    fn the_message_lists_every_extension() {
        for ext in ARTICLE_EXTENSIONS {
            assert!(EXTENSIONS_LISTED.contains(&format!(".{ext}")), "{ext}");
        }
    }

    #[test]
    fn arguments() {
        assert_eq!(InputSpec::parse("-").unwrap(), InputSpec::Stdin);
        assert_eq!(InputSpec::from(PathBuf::from("-")), InputSpec::Stdin);
        assert_eq!(
            InputSpec::parse("a.txt").unwrap(),
            InputSpec::Path("a.txt".into())
        );
        assert_eq!(
            InputSpec::parse("HTTPS://news.example/feed.rss").unwrap(),
            InputSpec::Url("https://news.example/feed.rss".parse().unwrap())
        );
        assert_eq!(
            InputSpec::from(PathBuf::from("http://news.example/a.html")),
            InputSpec::Url("http://news.example/a.html".parse().unwrap())
        );
        let e = InputSpec::parse("https://user:pw@")
            .unwrap_err()
            .to_string();
        assert!(e.contains("not a valid URL") && !e.contains("pw"), "{e}");
        assert_eq!(
            InputSpec::parse("http/notes.txt").unwrap(),
            InputSpec::Path("http/notes.txt".into())
        );
    }

    #[test]
    fn files_folders_and_stdin_in_order() {
        let dir = TempDir::new();
        let single = dir.write("single.txt", b"one");
        let folder = dir.0.join("day");
        fs::create_dir(&folder).unwrap();
        for name in [
            "b.md",
            "a.txt",
            "c.TEXT",
            ".hidden.txt",
            "notes.doc",
            "z.json",
            "feed.RSS",
            "page.htm",
            "y.list",
            "x.pdf",
        ] {
            fs::write(folder.join(name), name).unwrap();
        }
        fs::create_dir(folder.join("sub.txt")).unwrap();
        let inputs = [
            InputSpec::Path(single.clone()),
            InputSpec::Stdin,
            InputSpec::Path(folder.clone()),
        ];
        let docs = collect_from(&inputs, &mut &b"from stdin"[..]).unwrap();
        let f = |n: &str| folder.join(n).display().to_string();
        assert_eq!(
            origins(&docs),
            vec![
                single.display().to_string(),
                "<stdin>".to_owned(),
                f("a.txt"),
                f("b.md"),
                f("c.TEXT"),
                f("feed.RSS"),
                f("page.htm"),
                f("y.list"),
                f("z.json"),
            ]
        );
        assert_eq!(docs[1].bytes, b"from stdin");
        assert_eq!(docs[3].bytes, b"b.md");
    }

    #[test]
    fn missing_path_and_empty_folder_are_named() {
        let dir = TempDir::new();
        let missing = dir.0.join("nope.txt");
        let err = collect_from(&[InputSpec::Path(missing.clone())], &mut io::empty()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{}: no such file or folder", missing.display())
        );
        dir.write("readme.pdf", b"x");
        let err = collect_from(&[InputSpec::Path(dir.0.clone())], &mut io::empty()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: folder has no article files (.txt, .md, .text, .json, .jsonl, .ndjson, .xml, .rss, .atom, .html, .htm or .list)",
                dir.0.display()
            )
        );
    }

    #[test]
    fn too_large_is_refused_before_reading() {
        let dir = TempDir::new();
        let path = dir.0.join("big.txt");
        let file = fs::File::create(&path).unwrap();
        // Sparse: costs no disk, but its length is 20 MiB.
        file.set_len(20 * 1024 * 1024).unwrap();
        let err = collect_from(&[InputSpec::Path(path.clone())], &mut io::empty()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: file is too large (20.0 MiB; the limit is 10 MiB)",
                path.display()
            )
        );
    }

    #[test]
    fn endless_stdin_is_refused_at_the_limit() {
        // `yes | bulletin build -`: never ends, so the limit is where it stops.
        let mut endless = io::repeat(b'y');
        let err = collect_from(&[InputSpec::Stdin], &mut endless).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("<stdin>: more than 10 MiB arrived without an end"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_bounded_and_skipped_in_folders() {
        let err =
            collect_from(&[InputSpec::Path("/dev/zero".into())], &mut io::empty()).unwrap_err();
        assert!(matches!(err, IngestError::Endless { .. }), "{err}");
        let dir = TempDir::new();
        dir.write("a.txt", b"Title\n\nBody.\n");
        let fifo = dir.0.join("b.txt");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            return; // no mkfifo here
        }
        let each = documents_of(&InputSpec::Path(dir.0.clone()), &mut io::empty());
        assert_eq!(each.len(), 2);
        assert!(each[0].is_ok());
        let err = each[1].as_ref().unwrap_err().to_string();
        assert!(err.contains("b.txt: is a FIFO (named pipe)"), "{err}");
    }
}
