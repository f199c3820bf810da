//! output: one writer per artifact (WAV, manifest, transcript), each staged
//! under a temporary name and renamed into place.

mod atomic;
mod bwf;
mod generation;
mod lock;
mod manifest;
mod mp3;
mod settings;
mod vtt;

pub use atomic::{stage, Staged};
pub use bwf::{patch_bext_loudness, Bext, BwfWriter, Cart, CartTimer, WavFormat};
pub use generation::{is_artifact, recover, CommitError, Generation};
pub use lock::{LockError, OutputLock};
pub use manifest::{
    ArticleEntry, AudioInfo, FileEntry, LoudnessFigures, LoudnessReport, Manifest, SegmentEntry,
    SegmentSource,
};
pub use mp3::{write_mp3, Chapter, Mp3Format, Mp3Tags};
pub use settings::{BwfSettings, CartSettings, Format, OutputSettings};
pub use vtt::{render as render_vtt, Cue};
