//! fetch: [`HttpFetcher`], a GET per URL input with the backends' transfer,
//! retries and redirect policy, conditional on what was remembered. Ingest
//! is synchronous; the fetcher runs each request on a small runtime of its
//! own, started the first time a URL is read.

use std::sync::OnceLock;
use std::time::Instant;

use reqwest::header::{
    HeaderMap, ACCEPT, CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH,
    LAST_MODIFIED, LOCATION,
};
use reqwest::StatusCode;

use crate::ingest::{shown_url, Document, Fetch, IngestError};
use crate::tts::{
    self, parse_retry_after, read_limited, transport_error, AttemptError, BodyError,
    RedirectPolicy, RetryState, MAX_REDIRECTS,
};

use super::settings::FetchSettings;
use super::store::{Stored, ValidatorStore};

/// What an input request accepts: every format ingest reads.
const ACCEPTED: &str = "application/rss+xml, application/atom+xml, application/xml;q=0.9, \
                        text/xml;q=0.9, application/json;q=0.9, text/html;q=0.8, text/*;q=0.7, \
                        */*;q=0.1";

/// Reads URL inputs.
pub struct HttpFetcher {
    settings: FetchSettings,
    store: Option<ValidatorStore>,
    /// Started the first time a URL is read: a run of files alone needs none.
    network: OnceLock<Result<(reqwest::Client, tokio::runtime::Runtime), String>>,
}

/// What one attempt brought back.
enum Answer {
    Body {
        body: Vec<u8>,
        etag: Option<String>,
        last_modified: Option<String>,
    },
    NotModified,
}

impl HttpFetcher {
    /// A fetcher; with `store`, answers are remembered and asked for again
    /// conditionally.
    pub fn new(settings: FetchSettings, store: Option<ValidatorStore>) -> HttpFetcher {
        HttpFetcher {
            settings,
            store,
            network: OnceLock::new(),
        }
    }

    fn network(&self) -> Result<&(reqwest::Client, tokio::runtime::Runtime), String> {
        self.network
            .get_or_init(|| {
                let client = tts::client()?;
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| format!("could not start the network runtime: {e}"))?;
                Ok((client, runtime))
            })
            .as_ref()
            .map_err(|e| format!("could not set up the HTTP client: {e}"))
    }

    /// The body at `url`, after retries; an error is the whole reason in words.
    async fn get(&self, client: &reqwest::Client, url: &url::Url) -> Result<Vec<u8>, String> {
        let limit = self.settings.max_body_bytes;
        let mut stored = self.store.as_ref().and_then(|s| s.load(url, limit));
        let started = Instant::now();
        let mut retry = RetryState::new(&self.settings.retry);
        loop {
            retry.start();
            let error = match self.attempt(client, url, stored.as_ref()).await {
                Ok(Answer::Body {
                    body,
                    etag,
                    last_modified,
                }) => {
                    self.remember(url, etag, last_modified, &body);
                    tracing::debug!(url = %shown_url(url), bytes = body.len(), "input fetched");
                    return Ok(body);
                }
                Ok(Answer::NotModified) => match stored.take() {
                    Some(s) => {
                        tracing::debug!(url = %shown_url(url), bytes = s.body.len(), "input not modified; using the stored copy");
                        return Ok(s.body);
                    }
                    // Asked without validators: the server is confused.
                    None => AttemptError::fatal(
                        "answered 304 Not Modified to a request that asked for no condition",
                    ),
                },
                Err(e) => e,
            };
            match retry.after(&error, &mut rand::thread_rng()) {
                Some(delay) => {
                    tracing::debug!(url = %shown_url(url), error = %error.message, "fetch failed; retrying");
                    tokio::time::sleep(delay).await;
                }
                None => {
                    let tries = retry.attempts();
                    return Err(if tries > 1 {
                        format!(
                            "{} (after {tries} attempts in {:.1}s)",
                            error.message,
                            started.elapsed().as_secs_f64()
                        )
                    } else {
                        error.message
                    });
                }
            }
        }
    }

    fn remember(
        &self,
        url: &url::Url,
        etag: Option<String>,
        last_modified: Option<String>,
        body: &[u8],
    ) {
        let Some(store) = &self.store else { return };
        let stored = Stored {
            url: shown_url(url),
            etag,
            last_modified,
            body: body.to_vec(),
        };
        if let Err(e) = store.save(url, &stored) {
            // The body is in hand; only the next run's saving is lost.
            tracing::warn!(url = %stored.url, "could not remember the answer for a conditional GET: {e}");
        }
    }

    /// One attempt, redirects followed by the policy.
    async fn attempt(
        &self,
        client: &reqwest::Client,
        url: &url::Url,
        stored: Option<&Stored>,
    ) -> Result<Answer, AttemptError> {
        let timeout = self.settings.timeout;
        let origin = url.origin();
        let mut target = url.clone();
        let mut hops = 0;
        let response = loop {
            let mut request = client
                .get(target.clone())
                .timeout(timeout)
                .header(ACCEPT, ACCEPTED);
            if let Some(s) = stored {
                if let Some(etag) = &s.etag {
                    request = request.header(IF_NONE_MATCH, etag.as_str());
                }
                if let Some(date) = &s.last_modified {
                    request = request.header(IF_MODIFIED_SINCE, date.as_str());
                }
            }
            let response = request
                .send()
                .await
                .map_err(|e| transport_error(e, timeout))?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned);
            let (true, Some(location)) = (status.is_redirection(), location) else {
                break response;
            };
            hops += 1;
            if hops > MAX_REDIRECTS {
                return Err(AttemptError::fatal(format!(
                    "more than {MAX_REDIRECTS} redirects"
                )));
            }
            let next = target.join(&location).map_err(|e| {
                AttemptError::fatal(format!(
                    "answered {} with an invalid Location ({e})",
                    status.as_u16()
                ))
            })?;
            let shown = shown_url(&next);
            match (self.settings.redirects, next.origin() == origin) {
                (RedirectPolicy::None, _) => {
                    return Err(AttemptError::fatal(format!(
                        "answered {} redirecting to {shown}; redirects are not followed for inputs \
                         ([bulletin.fetch] redirects = \"none\")",
                        status.as_u16()
                    )))
                }
                (RedirectPolicy::SameOrigin, false) => {
                    return Err(AttemptError::fatal(format!(
                        "answered {} redirecting to another origin ({shown}); not followed \
                         ([bulletin.fetch] redirects = \"same-origin\")",
                        status.as_u16()
                    )))
                }
                _ => {
                    tracing::debug!(from = %shown_url(&target), to = %shown, "following a redirect");
                    target = next;
                }
            }
        };
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Answer::NotModified);
        }
        if !status.is_success() {
            let transient =
                status.as_u16() == 429 || status.as_u16() == 408 || status.is_server_error();
            let message = format!("answered {status}");
            let error = if transient {
                AttemptError::transient(message)
            } else {
                AttemptError::fatal(message)
            };
            return Err(error
                .with_status(status.as_u16())
                .with_retry_after(parse_retry_after(response.headers())));
        }
        let headers = response.headers().clone();
        refuse_non_article(&headers)?;
        let limit = self.settings.max_body_bytes;
        if let Some(length) = header(&headers, CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok()) {
            if length > limit as u64 {
                return Err(too_large(limit, Some(length)));
            }
        }
        let body = read_limited(response, limit, timeout, timeout)
            .await
            .map_err(|e| match e {
                // It will not shrink on another attempt.
                BodyError::TooLarge { .. } => too_large(limit, None),
                other => AttemptError::from(other),
            })?;
        Ok(Answer::Body {
            body,
            etag: header(&headers, ETAG),
            last_modified: header(&headers, LAST_MODIFIED),
        })
    }
}

impl Fetch for HttpFetcher {
    fn fetch(&self, url: &url::Url) -> Result<Document, IngestError> {
        let origin = shown_url(url);
        let fail = |problem: String| IngestError::Fetch {
            origin: origin.clone(),
            problem,
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(fail(format!(
                "`{}:` URLs are not read; use http or https",
                url.scheme()
            )));
        }
        let (client, runtime) = self.network().map_err(fail)?;
        let bytes = runtime.block_on(self.get(client, url)).map_err(fail)?;
        Ok(Document {
            origin: origin.clone(),
            bytes,
        })
    }
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

fn too_large(limit: usize, length: Option<u64>) -> AttemptError {
    let mib = |b: f64| b / (1024.0 * 1024.0);
    let size = match length {
        Some(n) => format!("{:.1} MiB", mib(n as f64)),
        None => format!("more than {:.1} MiB", mib(limit as f64)),
    };
    AttemptError::fatal(format!(
        "answer is too large ({size}; the limit for an input is {:.1} MiB, [bulletin.fetch] max_response_mb)",
        mib(limit as f64)
    ))
}

/// A body no reader could take (an image, audio, an archive, a PDF) is
/// refused by its Content-Type before it is downloaded.
fn refuse_non_article(headers: &HeaderMap) -> Result<(), AttemptError> {
    let Some(content_type) = header(headers, CONTENT_TYPE) else {
        return Ok(());
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let (kind, sub) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    let binary = matches!(kind, "image" | "audio" | "video" | "font" | "model")
        || (kind == "application"
            && matches!(
                sub,
                "octet-stream"
                    | "pdf"
                    | "zip"
                    | "gzip"
                    | "x-gzip"
                    | "x-tar"
                    | "wasm"
                    | "vnd.ms-excel"
                    | "msword"
            ));
    if binary {
        return Err(AttemptError::fatal(format!(
            "answered with {essence}, not a feed or an article"
        )));
    }
    Ok(())
}
