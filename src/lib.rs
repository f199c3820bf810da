//! `bulletin` turns a day's news articles into one spoken audio bulletin.
//!
//! Data flows one way; each stage is a module:
//!
//! - [`ingest`]: files, folders, stdin, URLs → [`ingest::Article`] (decoding,
//!   format, metadata); [`ingest::read`] with the policy for bad inputs and
//!   playlists expanded, [`ingest::pick`] for the running order
//! - [`text`]: the ground floor of words: [`text::Language`] and its detector,
//!   the one `is_cjk`, sentence splitting within each backend's limit, the
//!   speakable form (numbers, dates, lexicon)
//! - [`script`]: articles → a [`script::Script`] of typed segments (speech for a
//!   voice, or a station sound) with stable [`script::SegmentIndex`]es
//! - [`tts`]: the synthesis stage: [`tts::synthesize_all`] fans segments out to
//!   the HTTP and local-program backends of [`tts::Voices`] (retries, cache,
//!   fallbacks) and delivers each prepared, judged clip with its metadata
//! - [`audio`]: decode, repair, resample, trim, measure, level, limit
//! - [`assemble`]: the spool of clips → a laid-out [`assemble::Programme`] →
//!   one streaming render into [`assemble::Sink`]s
//! - [`output`]: the sinks (Broadcast Wave, MP3), the manifest made once from a
//!   [`output::Report`], the transcript, and the generation they are committed in
//!
//! [`fetch`] reads URL inputs for ingest (through its [`ingest::Fetch`] seam)
//! over the backends' HTTP transfer, with conditional GET.
//!
//! [`config`] parses `voices.toml` once into typed settings for each stage;
//! [`run`] merges them with the command line and environment
//! ([`run::BuildSettings`]) and holds one function per command; [`cli`] maps the
//! command line onto it; [`cancel`] carries SIGINT/SIGTERM to every stage.

pub mod assemble;
pub mod audio;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod exit_codes;
pub mod fetch;
pub mod ingest;
pub mod output;
pub mod run;
pub mod script;
pub mod text;
pub mod tts;
