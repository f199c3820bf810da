//! output: one writer per artifact (WAV, manifest, transcript), each staged
//! under a temporary name and renamed into place.

mod atomic;
mod lock;
mod manifest;
mod vtt;
mod wav;

pub use atomic::{commit_all, stage, Staged};
pub use lock::{LockError, OutputLock};
pub use manifest::{ArticleEntry, AudioInfo, Manifest, SegmentEntry, SegmentSource};
pub use vtt::{render as render_vtt, Cue};
pub use wav::write_wav16;
