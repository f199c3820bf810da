//! run: the top of the program, the one place that knows every stage. Each
//! command is a plain function from resolved settings to a result.
//!
//! - `settings`: command line, environment and config merged, once;
//!   `inputs`: the inputs and picking resolved, read and put in order.
//! - `build`: the pipeline of `bulletin build`; `synthesize` consumes the
//!   synthesis stage; `policy` says what is left out; `artifacts` renders
//!   and stages the files; `feed` adds the bulletin to a podcast feed.
//! - `shard`: `--shard K/N`, a worker's share; `metrics`: `--metrics-file`.
//! - `plan`, `voices`, `lexicon`, `cache`: the other commands.

mod artifacts;
mod build;
pub mod cache;
mod error;
mod feed;
mod inputs;
mod lexicon;
pub mod metrics;
mod plan;
mod policy;
mod settings;
pub mod shard;
mod synthesize;
mod voices;

pub use build::{build, build_command, stderr_is_terminal, BuildReport};
pub use error::{Error, FailedSegment, SynthesisFailures};
pub use inputs::{InputArgs, ReadSettings};
pub use lexicon::{check as lexicon_check, LexiconCheckOptions};
pub use plan::{plan, PlanOptions};
pub use settings::{
    cache_settings, BuildArgs, BuildSettings, FeedTarget, CACHE_DIR_ENV, CACHE_LOCAL_ENV,
};
pub use shard::Shard;
pub use voices::{voices, VoicesOptions};
