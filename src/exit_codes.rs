//! The process exit codes, one per kind of outcome, so cron jobs and scripts
//! can tell them apart. Documented in README.md and `bulletin --help`.

/// The bulletin (or plan, or check) was made.
pub const SUCCESS: u8 = 0;
/// An unexpected failure: writing the output, an internal error.
pub const FAILURE: u8 = 1;
/// The command line was wrong (clap's own code).
pub const USAGE: u8 = 2;
/// Bad input or configuration: an article, `voices.toml`, a missing voice.
pub const BAD_INPUT: u8 = 4;
/// A backend could not synthesize a segment, even after retries.
pub const BACKEND: u8 = 5;

pub const HELP: &str = "\
Exit codes:
  0  success
  1  unexpected failure (e.g. the output folder cannot be written)
  2  usage error on the command line
  4  bad input or configuration (an article, voices.toml)
  5  a backend failed to synthesize a segment after its retries
";
