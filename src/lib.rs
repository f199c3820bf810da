//! `bulletin` turns a day's news articles into one spoken audio bulletin.
//!
//! Data flows one way; each stage is a module:
//!
//! - [`ingest`]: files, folders, stdin → `Article` (decoding, layout, metadata, language)
//! - [`text`]: speakable text: sentence splitting within each backend's length limit
//! - [`script`]: articles → ordered `Segment`s (title, body, attribution, intro, outro)
//! - [`tts`]: segment text → decoded clips through HTTP or local-program backends
//! - [`audio`]: decode, repair, resample, trim, fade
//! - [`assemble`]: clips + pauses → `Bulletin { audio, timeline }`
//! - [`output`]: WAV, manifest (JSON) and transcript (WebVTT), written atomically
//!
//! [`config`] parses `voices.toml` once into typed settings for each stage;
//! [`run`] holds one function per command and is the only module that knows
//! every stage; [`cli`] maps the command line onto it.

pub mod assemble;
pub mod audio;
pub mod cancel;
pub mod cli;
pub mod config;
pub mod exit_codes;
pub mod ingest;
pub mod output;
pub mod run;
pub mod script;
pub mod text;
pub mod tts;
