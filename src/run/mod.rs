//! run: the top of the program, the one place that knows every stage. Each
//! command is a plain function from options to a result.

mod artifacts;
mod build;
pub mod cache;
mod error;
mod lexicon;
mod plan;
mod policy;
mod synthesize;
mod voices;

pub use build::{build, read_articles, stderr_is_terminal, BuildOptions, BuildReport, CacheChoice};
pub use error::{Error, FailedSegment, SynthesisFailures};
pub use lexicon::{check as lexicon_check, LexiconCheckOptions};
pub use plan::{plan, PlanOptions};
pub use policy::{DroppedArticle, DroppedSegment, SkippedInput};
pub use voices::{voices, VoicesOptions};
