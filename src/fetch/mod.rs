//! fetch: `http(s)://` inputs for ingest. Ingest reads URLs only through its
//! [`Fetch`](crate::ingest::Fetch) seam; this is the program's fetcher. It
//! goes over the backends' transfer (`tts::transfer`: one client, the
//! bounded body read), retries by the same [`RetryPolicy`](crate::tts::RetryPolicy)
//! and follows redirects by the same [`RedirectPolicy`](crate::tts::RedirectPolicy),
//! and remembers ETag / Last-Modified in the cache folder so that an
//! unchanged feed is not downloaded again.
//!
//! - `settings`: [`FetchSettings`], resolved from `[bulletin.fetch]`.
//! - `store`: the validators and bodies kept for conditional GET.
//! - `http`: [`HttpFetcher`].

mod http;
mod settings;
mod store;

pub use http::HttpFetcher;
pub use settings::FetchSettings;
pub use store::{Stored, ValidatorStore};
