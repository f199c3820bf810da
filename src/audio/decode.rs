//! audio: the entry point for a backend's response bytes; sniffs them and hands WAV to
//! the WAV reader, or says plainly what came back instead of audio.

use crate::audio::mp3::decode_mp3;
use crate::audio::sniff::{not_audio, sniff, Sniffed};
use crate::audio::wav::decode_wav;
use crate::audio::{Clip, DecodeError};

/// Decodes a response that should be WAV (whatever quirks its writer had) or MP3.
///
/// Several WAV files glued together become one clip in the first file's format.
/// Anything that is not WAV is an error naming what it is instead.
pub fn decode(bytes: &[u8]) -> Result<Clip, DecodeError> {
    if bytes.is_empty() {
        return Err(DecodeError::Empty);
    }
    match sniff(bytes) {
        Sniffed::Wav => decode_wav(bytes),
        Sniffed::OtherAudio(what) if what.starts_with("MP3") => decode_mp3(bytes),
        Sniffed::OtherAudio(what) => Err(DecodeError::Unsupported(what.to_owned())),
        Sniffed::NotAudio(looks_like) => Err(not_audio(bytes, looks_like)),
    }
}
