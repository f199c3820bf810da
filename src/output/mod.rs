//! output: one writer per artifact, each staged under a temporary name and
//! committed with the rest of its generation.
//!
//! - `sinks`: the audio artifacts as sinks of the render ([`WavSink`], [`Mp3Sink`]).
//! - `bwf`, `mp3`: Broadcast Wave and MP3 encoding.
//! - `manifest`: [`Manifest`], made once from a [`Report`].
//! - `vtt`, `srt`: the WebVTT and SubRip transcripts.
//! - `book`: the manifest's timeline as a book of sections and phrases, from
//!   which `daisy` (DAISY 2.02), `epub` (EPUB 3 with Media Overlays) and
//!   `html` (the transcript page) are rendered; `xml` writes them.
//! - `chapters`: Podcasting 2.0 JSON chapters; `feed`: the podcast feed.
//! - `generation`, `atomic`: staging and the all-or-nothing commit.
//! - `lock`: one writer per output name.
//! - `settings`: formats and metadata, resolved from the config.

mod atomic;
mod book;
mod bwf;
mod chapters;
mod daisy;
mod epub;
mod feed;
mod generation;
mod html;
mod lock;
mod manifest;
mod mp3;
mod settings;
mod sinks;
mod srt;
mod vtt;
mod xml;

pub use atomic::{stage, Staged};
pub use book::{Book, BookInfo, Phrase, Section, SectionKind};
pub use bwf::{patch_bext_loudness, Bext, BwfWriter, Cart, CartTimer, WavFormat};
pub use chapters::render as render_chapters;
pub use daisy::{render as render_daisy, AUDIO as DAISY_AUDIO};
pub use epub::{package as package_epub, render as render_epub};
pub use feed::{
    previous_items as previous_feed_items, render as render_feed, FeedChannel, FeedItem,
};
pub use generation::{is_artifact, is_folder_artifact, recover, CommitError, Generation};
pub use html::{render as render_html, PageAudio};
pub use lock::{LockError, OutputLock};
pub use manifest::{
    ArticleEntry, AudioInfo, DroppedArticle, DroppedSegment, FileEntry, LoudnessFigures,
    LoudnessReport, Manifest, Report, SegmentEntry, SegmentSource, SkippedInput,
};
pub use mp3::{Chapter, Mp3Format, Mp3Tags, Mp3Writer};
pub use settings::{BwfSettings, CartSettings, ChannelSettings, Format, OutputSettings};
pub use sinks::{Mp3Sink, OutputError, WavSink};
pub use srt::render as render_srt;
pub use vtt::{render as render_vtt, Cue};
