//! script: articles → the ordered list of segments the bulletin will speak.

mod attribution;
mod build;
mod segment;
mod settings;

pub use attribution::{render as render_attribution, unknown_placeholder, Facts, PLACEHOLDERS};
pub use build::{build, ScriptError};
pub use segment::{ArticleSummary, Script, Segment, SegmentKind};
pub use settings::{
    default_attribution, BedSettings, KindVoices, MixedLanguage, Pauses, ScriptSettings, Sounds,
    SplitMode, VoiceRef,
};
