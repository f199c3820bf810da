//! run: the top-level error, the one place where every stage's error meets
//! its exit code.

use std::fmt;
use std::path::PathBuf;

use crate::config::ConfigError;
use crate::exit_codes;
use crate::ingest::IngestError;
use crate::output::{CommitError, LockError};
use crate::script::ScriptError;
use crate::tts::{EngineError, SegmentFailure};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Input(#[from] IngestError),
    #[error(transparent)]
    Script(#[from] ScriptError),
    #[error("{0}")]
    BadArgument(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
    #[error(transparent)]
    Synthesis(#[from] SynthesisFailures),
    #[error("failed to write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Lock(#[from] LockError),
    #[error(transparent)]
    Commit(CommitError),
    #[error("interrupted by {0}; no bulletin was written (clips made so far are cached for the next run)")]
    Interrupted(&'static str),
    #[error("{0}")]
    Cache(String),
    #[error("could not start the async runtime: {0}")]
    Runtime(std::io::Error),
    #[error("failed to use the clip spool in the output folder: {0}")]
    Spool(std::io::Error),
    #[error("failed to write the feed {}: {reason}", path.display())]
    Feed { path: PathBuf, reason: String },
    #[error("internal error: {0}; nothing was written")]
    Internal(String),
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::Input(_) | Error::Script(_) | Error::BadArgument(_) => {
                exit_codes::BAD_INPUT
            }
            Error::Synthesis(_) => exit_codes::BACKEND,
            Error::Lock(LockError::Held { .. }) => exit_codes::LOCKED,
            Error::Interrupted(_) => exit_codes::INTERRUPTED,
            Error::Commit(_) => exit_codes::FAILURE,
            Error::Engine(_)
            | Error::Write { .. }
            | Error::Lock(_)
            | Error::Cache(_)
            | Error::Runtime(_)
            | Error::Spool(_)
            | Error::Feed { .. }
            | Error::Internal(_) => exit_codes::FAILURE,
        }
    }
}

impl From<CommitError> for Error {
    fn from(e: CommitError) -> Error {
        match e {
            CommitError::Interrupted(i) => Error::Interrupted(i.0),
            other => Error::Commit(other),
        }
    }
}

/// One segment that could not be synthesized, placed in its article.
#[derive(Debug, Clone)]
pub struct FailedSegment {
    pub id: String,
    pub article: Option<String>,
    pub text: String,
    pub failure: SegmentFailure,
}

/// Every segment that failed in a run.
#[derive(Debug, Clone)]
pub struct SynthesisFailures {
    pub failed: Vec<FailedSegment>,
    pub total: usize,
}

impl fmt::Display for SynthesisFailures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} of {} segments could not be synthesized; no bulletin was written",
            self.failed.len(),
            self.total
        )?;
        for s in &self.failed {
            let article = s
                .article
                .as_deref()
                .map(|t| format!(" of \"{t}\""))
                .unwrap_or_default();
            write!(
                f,
                "\n  - segment {}{article} (\"{}\"): {}",
                s.id,
                crate::text::excerpt(&s.text, 40),
                s.failure
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for SynthesisFailures {}
