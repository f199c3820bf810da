//! fetch: how inputs are fetched, as `[bulletin.fetch]` says: the same keys,
//! meanings and ranges as a backend's `timeout_secs`, `retries`,
//! `max_response_mb` and `redirects`.

use std::time::Duration;

use crate::ingest::MAX_ARTICLE_BYTES;
use crate::tts::{RedirectPolicy, RetryPolicy};

#[derive(Debug, Clone, PartialEq)]
pub struct FetchSettings {
    /// One attempt, from sending to the last byte.
    pub timeout: Duration,
    pub retry: RetryPolicy,
    /// A larger body fails the fetch (not retried: it will not shrink).
    pub max_body_bytes: usize,
    pub redirects: RedirectPolicy,
}

impl Default for FetchSettings {
    /// A backend's defaults, but for the size cap, which is the one every
    /// input has (a file too), and redirects, which are followed: an input
    /// request carries no credential to keep within its origin, and
    /// `http://` moving to `https://` is the commonest redirect of all.
    fn default() -> FetchSettings {
        FetchSettings {
            timeout: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            max_body_bytes: MAX_ARTICLE_BYTES as usize,
            redirects: RedirectPolicy::Follow,
        }
    }
}
