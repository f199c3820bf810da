//! tts: the HTTP transfer the backends and the input fetcher share: one
//! client set-up (User-Agent, TLS, connect timeout, no automatic
//! redirects), the bounded body read, and transport errors in words. What
//! a backend or a fetch does with an answer is theirs; how bytes arrive is
//! decided once, here.

use std::time::Duration;

use super::attempt::AttemptError;

/// The User-Agent every request carries: the program and its version.
pub const USER_AGENT: &str = concat!("bulletin/", env!("CARGO_PKG_VERSION"));

/// Redirects followed for one attempt before it fails.
pub const MAX_REDIRECTS: usize = 10;

/// The client every request goes through. It follows no redirect itself:
/// each caller follows them by its [`RedirectPolicy`](super::RedirectPolicy),
/// so that credentials never travel to another origin.
pub fn client() -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .use_rustls_tls()
        .connect_timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(|e| e.to_string())
}

/// Why a body could not be read whole.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum BodyError {
    #[error("response is larger than the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("response body not complete within {secs:.1}s ({received} bytes received)")]
    Timeout { secs: f64, received: usize },
    #[error("connection broke after {received} bytes: {reason}")]
    Broken { received: usize, reason: String },
}

impl From<BodyError> for AttemptError {
    /// Any of them may go better on another attempt.
    fn from(e: BodyError) -> AttemptError {
        AttemptError::transient(e.to_string())
    }
}

/// Reads the body, giving up past `limit` bytes: a server that streams
/// forever must not take the machine's memory with it.
/// `within` is the time left of the request's `timeout` (which the message
/// names).
pub async fn read_limited(
    mut response: reqwest::Response,
    limit: usize,
    timeout: Duration,
    within: Duration,
) -> Result<Vec<u8>, BodyError> {
    let deadline = tokio::time::Instant::now() + within;
    let mut body = Vec::new();
    loop {
        let Ok(next) = tokio::time::timeout_at(deadline, response.chunk()).await else {
            return Err(BodyError::Timeout {
                secs: timeout.as_secs_f64(),
                received: body.len(),
            });
        };
        match next {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(BodyError::TooLarge { limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(e) => {
                return Err(if e.is_timeout() {
                    BodyError::Timeout {
                        secs: timeout.as_secs_f64(),
                        received: body.len(),
                    }
                } else {
                    BodyError::Broken {
                        received: body.len(),
                        reason: source_chain(&e.without_url()),
                    }
                })
            }
        }
    }
}

/// A request not answered within `timeout`, as a transient failure.
pub fn no_answer_within(timeout: Duration) -> AttemptError {
    AttemptError::transient(format!(
        "no complete answer within {:.1}s",
        timeout.as_secs_f64()
    ))
}

/// A request that got no answer, in words, as a transient failure. The URL
/// is left out: the caller names what it was asking, without secrets.
pub fn transport_error(e: reqwest::Error, timeout: Duration) -> AttemptError {
    if e.is_timeout() {
        no_answer_within(timeout)
    } else if e.is_connect() {
        AttemptError::transient(format!(
            "could not connect: {}",
            source_chain(&e.without_url())
        ))
    } else {
        AttemptError::transient(format!(
            "request failed: {}",
            source_chain(&e.without_url())
        ))
    }
}

/// An error and its causes, joined by `: `.
pub fn source_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        text.push_str(": ");
        text.push_str(&s.to_string());
        cur = s.source();
    }
    text
}
