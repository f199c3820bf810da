//! tts: what one synthesis attempt can end in, sorted into transient failures
//! (worth a retry) and fatal ones.

use std::fmt;
use std::time::Duration;

/// One failed attempt at a backend.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptError {
    pub transient: bool,
    /// Status code, when the failure came from an HTTP response.
    pub status: Option<u16>,
    /// How long the backend asked us to wait (Retry-After and friends).
    pub retry_after: Option<Duration>,
    pub message: String,
}

impl AttemptError {
    pub fn transient(message: impl Into<String>) -> AttemptError {
        AttemptError {
            transient: true,
            status: None,
            retry_after: None,
            message: message.into(),
        }
    }

    pub fn fatal(message: impl Into<String>) -> AttemptError {
        AttemptError {
            transient: false,
            status: None,
            retry_after: None,
            message: message.into(),
        }
    }

    pub fn with_status(mut self, status: u16) -> AttemptError {
        self.status = Some(status);
        self
    }

    pub fn with_retry_after(mut self, after: Option<Duration>) -> AttemptError {
        self.retry_after = after;
        self
    }
}

impl fmt::Display for AttemptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "HTTP {status}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for AttemptError {}
