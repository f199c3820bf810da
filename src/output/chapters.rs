//! output: Podcasting 2.0 JSON chapters (`NAME.chapters.json`), one chapter
//! per article at its start in the manifest, for podcast apps and the feed's
//! `podcast:chapters`.

use serde::Serialize;

use super::manifest::Manifest;

#[derive(Debug, Serialize)]
struct Chapters<'a> {
    version: &'static str,
    chapters: Vec<Chapter<'a>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Chapter<'a> {
    /// Seconds from the start of the audio.
    start_time: f64,
    end_time: f64,
    title: &'a str,
}

pub fn render(manifest: &Manifest) -> Vec<u8> {
    let secs = |ms: u64| ms as f64 / 1000.0;
    let chapters = Chapters {
        version: "1.2.0",
        chapters: manifest
            .articles
            .iter()
            .map(|a| Chapter {
                start_time: secs(a.start_ms),
                end_time: secs(a.end_ms),
                title: &a.summary.title,
            })
            .collect(),
    };
    serde_json::to_vec_pretty(&chapters).unwrap_or_default()
}
