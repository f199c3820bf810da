//! output: one writer per artifact, each staged under a temporary name and
//! committed with the rest of its generation.
//!
//! - `sinks`: the audio artifacts as sinks of the render ([`WavSink`], [`Mp3Sink`]).
//! - `bwf`, `mp3`: Broadcast Wave and MP3 encoding.
//! - `manifest`: [`Manifest`], made once from a [`Report`].
//! - `vtt`: the WebVTT transcript.
//! - `generation`, `atomic`: staging and the all-or-nothing commit.
//! - `lock`: one writer per output name.
//! - `settings`: formats and metadata, resolved from the config.

mod atomic;
mod bwf;
mod generation;
mod lock;
mod manifest;
mod mp3;
mod settings;
mod sinks;
mod vtt;

pub use atomic::{stage, Staged};
pub use bwf::{patch_bext_loudness, Bext, BwfWriter, Cart, CartTimer, WavFormat};
pub use generation::{is_artifact, recover, CommitError, Generation};
pub use lock::{LockError, OutputLock};
pub use manifest::{
    ArticleEntry, AudioInfo, DroppedArticle, DroppedSegment, FileEntry, LoudnessFigures,
    LoudnessReport, Manifest, Report, SegmentEntry, SegmentSource, SkippedInput,
};
pub use mp3::{Chapter, Mp3Format, Mp3Tags, Mp3Writer};
pub use settings::{BwfSettings, CartSettings, Format, OutputSettings};
pub use sinks::{Mp3Sink, OutputError, WavSink};
pub use vtt::{render as render_vtt, Cue};
