//! The process exit codes, one per kind of outcome, so cron jobs and scripts
//! can tell them apart. Documented in README.md and `bulletin --help`.

/// The bulletin (or plan, or check) was made.
pub const SUCCESS: u8 = 0;
/// An unexpected failure: writing the output, an internal error.
pub const FAILURE: u8 = 1;
/// The command line was wrong (clap's own code).
pub const USAGE: u8 = 2;
/// A bulletin was written, but without some articles or inputs
/// (`--skip-failed-articles`, `--skip-bad-inputs`); the manifest lists them.
pub const PARTIAL: u8 = 3;
/// Bad input or configuration: an article, `voices.toml`, a missing voice.
pub const BAD_INPUT: u8 = 4;
/// A backend could not synthesize a segment, even after retries and fallbacks.
pub const BACKEND: u8 = 5;
/// Another run holds the lock on this output name.
pub const LOCKED: u8 = 6;
/// Stopped by SIGINT or SIGTERM (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

pub const HELP: &str = "\
Exit codes:
  0    success
  1    unexpected failure (e.g. the output folder cannot be written)
  2    usage error on the command line
  3    partial: written without the articles or inputs listed in the manifest
  4    bad input or configuration (an article, voices.toml)
  5    a backend failed to synthesize a segment after its retries; nothing written
  6    another run is writing the same output name (see --wait-lock)
  130  interrupted by SIGINT or SIGTERM; nothing written
";
