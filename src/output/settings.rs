//! output: what the artifacts look like, resolved from `voices.toml` and the
//! command line: formats, sample format, loudness target, broadcast metadata.

use std::time::Duration;

use crate::audio::LoudnessTarget;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Broadcast Wave (RIFF with `bext`, RF64 past 4 GiB).
    #[serde(alias = "bwf")]
    Wav,
    /// MP3 with ID3 tags and one chapter per article.
    Mp3,
}

impl Format {
    pub fn parse(text: &str) -> Result<Format, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "wav" | "bwf" => Ok(Format::Wav),
            "mp3" => Ok(Format::Mp3),
            other => Err(format!("unknown format `{other}` (use wav or mp3)")),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Mp3 => "mp3",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OutputSettings {
    pub formats: Vec<Format>,
    /// 16 or 24.
    pub bits: u16,
    /// `None` leaves the programme's level as the clips made it.
    pub loudness: Option<LoudnessTarget>,
    pub bwf: BwfSettings,
    /// An AES46 `cart` chunk, when the playout system wants one.
    pub cart: Option<CartSettings>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BwfSettings {
    pub description: Option<String>,
    pub originator: String,
    pub originator_reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CartSettings {
    pub title: Option<String>,
    pub artist: String,
    pub category: String,
    pub client_id: String,
    /// How long after it is made the bulletin may air: the cart end date/time.
    pub valid_for: Duration,
}

impl Default for OutputSettings {
    fn default() -> OutputSettings {
        OutputSettings {
            formats: vec![Format::Wav],
            bits: 16,
            loudness: Some(LoudnessTarget::broadcast()),
            bwf: BwfSettings {
                description: None,
                originator: "bulletin".into(),
                originator_reference: None,
            },
            cart: None,
        }
    }
}
