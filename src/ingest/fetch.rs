//! ingest: how `http(s)://` inputs are read. Ingest does no network I/O of
//! its own: whoever calls [`read`](super::read) hands it a [`Fetch`] (the
//! program's is `fetch::HttpFetcher`, with the backends' timeouts, retries,
//! size cap and redirect policy), and gets back a [`Document`] named by its
//! URL, read like a file from then on.

use super::error::IngestError;
use super::input::Document;

/// Reads the document at a URL.
pub trait Fetch {
    /// The body at `url`, as a document whose origin is the URL (as
    /// [`shown_url`] writes it); an error names the URL and what went wrong.
    fn fetch(&self, url: &url::Url) -> Result<Document, IngestError>;
}

/// A [`Fetch`] that reads no URL: for callers that never give one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFetch;

impl Fetch for NoFetch {
    fn fetch(&self, url: &url::Url) -> Result<Document, IngestError> {
        Err(IngestError::Fetch {
            origin: shown_url(url),
            problem: "URL inputs are not read here".to_owned(),
        })
    }
}

/// A URL as messages, manifests and origins show it: without a password in
/// its user part (`https://user@host/…`), so a credential written into an
/// input's address never reaches a log, an error or the manifest.
pub fn shown_url(url: &url::Url) -> String {
    if url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut shown = url.clone();
    // Only fails for URLs that cannot have a password, which this one has.
    let _ = shown.set_password(None);
    shown.as_str().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        let url: url::Url = "https://ed:s3cret@news.example/feed.rss".parse().unwrap();
        assert_eq!(shown_url(&url), "https://ed@news.example/feed.rss");
        let e = NoFetch.fetch(&url).unwrap_err().to_string();
        assert!(!e.contains("s3cret"), "{e}");
        assert!(e.starts_with("https://ed@news.example/feed.rss: "), "{e}");
    }
}
