//! audio: why a backend's bytes could not be decoded into a clip; the synthesis stage
//! decides from the variant whether a retry could help.

/// A failure to turn a backend response into audio. Messages read well after
/// "failed to decode audio: ".
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// Zero bytes, or a valid header with no whole frame of sample data.
    #[error("response holds no audio samples")]
    Empty,
    /// An error page or message where audio was expected: `looks_like` is one of
    /// "an HTML page", "JSON", "text" or "binary data".
    #[error("response is {looks_like}, not audio: {excerpt}")]
    NotAudio {
        looks_like: &'static str,
        excerpt: String,
    },
    /// Audio, but in a format this decoder does not read (MP3, ADPCM, ...).
    #[error("unsupported audio format: {0}")]
    Unsupported(String),
    /// Claims to be WAV but its header makes no sense.
    #[error("malformed WAV: {0}")]
    Malformed(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_lowercase_fragments() {
        let err = DecodeError::NotAudio {
            looks_like: "an HTML page",
            excerpt: "<html> 502 Bad Gateway".to_owned(),
        };
        assert_eq!(
            err.to_string(),
            "response is an HTML page, not audio: <html> 502 Bad Gateway"
        );
        assert_eq!(
            DecodeError::Unsupported("WAV format tag 0x0055 (MP3 in WAV)".to_owned()).to_string(),
            "unsupported audio format: WAV format tag 0x0055 (MP3 in WAV)"
        );
        assert_eq!(
            DecodeError::Empty.to_string(),
            "response holds no audio samples"
        );
    }
}
