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
    /// A DAISY 2.02 talking book: the folder `NAME.daisy/`.
    Daisy,
    /// An EPUB 3 book with Media Overlays: `NAME.epub`.
    Epub,
    /// The transcript page: `NAME.html`.
    Html,
    /// A SubRip transcript beside the WebVTT one: `NAME.srt`.
    Srt,
    /// Podcasting 2.0 JSON chapters, one per article: `NAME.chapters.json`.
    Chapters,
}

impl Format {
    pub const ALL: &'static [Format] = &[
        Format::Wav,
        Format::Mp3,
        Format::Daisy,
        Format::Epub,
        Format::Html,
        Format::Srt,
        Format::Chapters,
    ];

    pub fn parse(text: &str) -> Result<Format, String> {
        let text = text.trim().to_ascii_lowercase();
        if text == "bwf" {
            return Ok(Format::Wav);
        }
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format `{text}` (use {})", names.join(", "))
            })
    }

    pub fn name(self) -> &'static str {
        match self {
            Format::Wav => "wav",
            Format::Mp3 => "mp3",
            Format::Daisy => "daisy",
            Format::Epub => "epub",
            Format::Html => "html",
            Format::Srt => "srt",
            Format::Chapters => "chapters",
        }
    }

    /// What follows `NAME` in the artifact's file name.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Chapters => "chapters.json",
            other => other.name(),
        }
    }

    /// Whether it is a rendering of the programme's audio (the rest are
    /// made from its timeline).
    pub fn is_audio(self) -> bool {
        matches!(self, Format::Wav | Format::Mp3)
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
    /// The podcast channel (`[bulletin.feed]`); the feed is written with `--feed`.
    pub channel: ChannelSettings,
}

/// What the podcast feed's channel says about itself; unset values fall
/// back to the Broadcast Wave description and originator.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChannelSettings {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    /// The cover art's URL (`itunes:image`).
    pub image: Option<String>,
    /// An Apple Podcasts category; `News` by default.
    pub category: Option<String>,
    pub explicit: bool,
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
            channel: ChannelSettings::default(),
        }
    }
}
