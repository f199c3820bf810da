//! script: articles → the ordered list of segments the bulletin will speak.

mod attribution;
mod build;
mod segment;
mod settings;

pub use attribution::{render as render_attribution, unknown_placeholder, Facts, PLACEHOLDERS};
pub use build::{build, ScriptError};
pub use segment::{
    ArticleSummary, Content, Script, Segment, SegmentIndex, SegmentKind, Sound, SoundRole, Speech,
};
pub use settings::{
    default_attribution, BedSettings, KindVoices, MixedLanguage, Pauses, ScriptSettings, Sounds,
    SplitMode, VoiceRef,
};
