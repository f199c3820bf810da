//! audio: decode whatever a backend sent into one typed clip, convert it to the
//! bulletin's format, and tidy its edges for assembly.
//!
//! Layout: `spec` (units), `clip` (the buffer), `error`, `sniff` (what the bytes are),
//! `decode` (entry point), `wav` (RIFF walker and repairs), `mp3`, `pcm` (headerless PCM and
//! sample encodings), `convert` (channels and resampling), `edges` (trim and fade).

mod bs1770;
mod clip;
mod convert;
mod decode;
mod edges;
mod error;
mod limiter;
mod loudness;
mod mp3;
mod pcm;
mod prepare;
mod sniff;
mod spec;
mod stream;
mod wav;

pub(crate) use clip::MAX_SAMPLE;
pub use clip::{audio_in_memory, AudioInMemory, Backing, Clip};
pub use convert::convert;
pub use decode::decode;
pub use edges::{fade_edges, trim_silence, trim_silence_in_place, TrimOptions};
pub use error::DecodeError;
pub use limiter::{Limiter, DEFAULT_LOOKAHEAD, DEFAULT_RELEASE};
#[cfg(test)]
pub use loudness::measure;
pub use loudness::{
    level_clip, level_measured, speech_loudness, ClipLevel, LevelMethod, Loudness, LoudnessTarget,
    Meter, MAX_CLIP_GAIN_DB,
};
pub(crate) use pcm::le_to_native;
pub use pcm::{decode_pcm, f32_from_le, le_bytes, PcmEncoding, PcmFormat};
pub use prepare::{finish, prepare, trim, PrepareSettings, Prepared};
pub use spec::{AudioSpec, Frames, MAX_CHANNELS, SAMPLE_RATE_RANGE};
pub use stream::StreamConverter;
