//! output: the bulletin as a book, read from the manifest's timeline: the
//! opening, one section per article and the closing, each a list of
//! paragraphs of phrases (a title, a sentence, an attribution) with the span
//! of the audio that speaks it. DAISY, EPUB and the HTML page are rendered
//! from it, so every navigable format points at the same spans the manifest
//! lists.

use crate::script::SegmentKind;

use super::manifest::Manifest;

/// What a book renderer needs beyond the timeline.
#[derive(Debug, Clone)]
pub struct BookInfo {
    /// The bulletin's title (the Broadcast Wave description).
    pub title: String,
    /// A stable identifier of this bulletin (its name and date).
    pub identifier: String,
    /// Who published it (the originator).
    pub publisher: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Book {
    pub title: String,
    pub identifier: String,
    pub publisher: String,
    /// RFC 3339, as the manifest has it.
    pub created: String,
    /// The languages of the sections, in order of first use.
    pub languages: Vec<String>,
    /// The voices that spoke, in order of first use.
    pub narrators: Vec<String>,
    pub duration_ms: u64,
    pub sections: Vec<Section>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// The bulletin's own heading and its intro.
    Opening,
    Article(usize),
    /// The outro.
    Closing,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Section {
    pub kind: SectionKind,
    /// An XML id for the section (`opening`, `a1`, `closing`).
    pub id: String,
    pub heading: String,
    pub lang: String,
    /// The phrase that speaks the heading, when one does (an article's title).
    pub heading_phrase: Option<Phrase>,
    pub paragraphs: Vec<Vec<Phrase>>,
    pub start_ms: u64,
    pub end_ms: u64,
}

/// A piece of text and the audio that speaks it.
#[derive(Debug, Clone, PartialEq)]
pub struct Phrase {
    /// The id of the segment that speaks it (the first, for a sentence spoken
    /// in several pieces); a valid XML id.
    pub id: String,
    pub kind: SegmentKind,
    /// The article's own words (not the speakable form sent to the voice).
    pub text: String,
    pub lang: String,
    pub start_ms: u64,
    pub end_ms: u64,
}

impl Section {
    /// How long the section's clips play, end to end (its pauses not counted).
    pub fn played_ms(&self) -> u64 {
        self.phrases()
            .map(|p| p.end_ms.saturating_sub(p.start_ms))
            .sum()
    }

    /// The section's text as XHTML: its heading as `h1`, then a `p` per
    /// paragraph, every phrase a `span` with the id its audio is keyed by.
    pub fn write_text(&self, x: &mut super::xml::Xml) {
        x.open("h1", &[]);
        match &self.heading_phrase {
            Some(p) => {
                x.leaf("span", &[("id", &p.id)], &p.text);
            }
            None => {
                x.text(&self.heading);
            }
        }
        x.close("h1").newline();
        for paragraph in &self.paragraphs {
            x.open("p", &[]);
            for (i, p) in paragraph.iter().enumerate() {
                if i > 0 && super::html::spaced(&p.lang) {
                    x.text(" ");
                }
                x.leaf("span", &[("id", &p.id)], &p.text);
            }
            x.close("p").newline();
        }
    }

    /// The heading's phrase (if spoken) then every paragraph's, in order.
    pub fn phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.heading_phrase
            .iter()
            .chain(self.paragraphs.iter().flatten())
    }

    pub fn duration_ms(&self) -> u64 {
        self.end_ms.saturating_sub(self.start_ms)
    }
}

impl Book {
    /// The book of a manifest. Sounds carry no text and are left out; a
    /// sentence spoken in several pieces is one phrase spanning them all.
    pub fn new(manifest: &Manifest, info: &BookInfo) -> Book {
        let mut phrases: Vec<(Option<usize>, String, Phrase)> = Vec::new(); // (article, paragraph key, phrase)
        let mut by_segment: std::collections::HashMap<&str, usize> = Default::default();
        for seg in &manifest.segments {
            if seg.kind == SegmentKind::Sound {
                continue;
            }
            if let Some(first) = &seg.source_text_in {
                if let Some(&i) = by_segment.get(first.as_str()) {
                    let p = &mut phrases[i].2;
                    p.end_ms = p.end_ms.max(seg.end_ms);
                    continue;
                }
            }
            by_segment.insert(&seg.id, phrases.len());
            let text = seg
                .source_text
                .as_deref()
                .unwrap_or(&seg.text)
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            phrases.push((
                seg.article,
                paragraph_key(&seg.id),
                Phrase {
                    id: xml_id(phrase_id(&seg.id, seg.source_text_in.is_none())),
                    kind: seg.kind,
                    text,
                    lang: seg.lang.clone(),
                    start_ms: seg.start_ms,
                    end_ms: seg.end_ms,
                },
            ));
        }

        let mut sections = Vec::new();
        let intro: Vec<Phrase> = phrases
            .iter()
            .filter(|(_, _, p)| p.kind == SegmentKind::Intro)
            .map(|(_, _, p)| p.clone())
            .collect();
        let first_lang = manifest
            .articles
            .first()
            .map(|a| a.summary.language.clone())
            .or_else(|| intro.first().map(|p| p.lang.clone()))
            .unwrap_or_else(|| "und".into());
        sections.push(section(
            SectionKind::Opening,
            "opening".into(),
            info.title.clone(),
            intro.first().map_or(first_lang, |p| p.lang.clone()),
            None,
            vec![intro],
        ));
        for (a, article) in manifest.articles.iter().enumerate() {
            let mine: Vec<&(Option<usize>, String, Phrase)> = phrases
                .iter()
                .filter(|(art, _, _)| *art == Some(a))
                .collect();
            let heading_phrase = mine
                .iter()
                .find(|(_, _, p)| p.kind == SegmentKind::Title)
                .map(|(_, _, p)| p.clone());
            let mut paragraphs: Vec<Vec<Phrase>> = Vec::new();
            let mut last_key: Option<&str> = None;
            for (_, key, p) in mine.iter().filter(|(_, _, p)| p.kind != SegmentKind::Title) {
                if last_key != Some(key.as_str()) || paragraphs.is_empty() {
                    paragraphs.push(Vec::new());
                    last_key = Some(key.as_str());
                }
                if let Some(last) = paragraphs.last_mut() {
                    last.push(p.clone());
                }
            }
            sections.push(section(
                SectionKind::Article(a),
                format!("a{}", a + 1),
                article.summary.title.clone(),
                article.summary.language.clone(),
                heading_phrase,
                paragraphs,
            ));
        }
        let outro: Vec<Phrase> = phrases
            .iter()
            .filter(|(_, _, p)| p.kind == SegmentKind::Outro)
            .map(|(_, _, p)| p.clone())
            .collect();
        if let Some(first) = outro.first() {
            let (heading, lang) = (first.text.clone(), first.lang.clone());
            sections.push(section(
                SectionKind::Closing,
                "closing".into(),
                heading,
                lang,
                None,
                vec![outro],
            ));
        }

        let mut languages: Vec<String> = Vec::new();
        for s in &sections {
            if s.phrases().next().is_some() && !languages.contains(&s.lang) {
                languages.push(s.lang.clone());
            }
        }
        if languages.is_empty() {
            languages.push(sections[0].lang.clone());
        }
        let mut narrators: Vec<String> = Vec::new();
        for seg in &manifest.segments {
            if seg.kind != SegmentKind::Sound && !narrators.contains(&seg.spoken_voice) {
                narrators.push(seg.spoken_voice.clone());
            }
        }
        Book {
            title: info.title.clone(),
            identifier: info.identifier.clone(),
            publisher: info.publisher.clone(),
            created: manifest.created.clone(),
            languages,
            narrators,
            duration_ms: manifest.audio.duration_ms,
            sections,
        }
    }

    /// The sections that have audio: every one but an opening without intro.
    pub fn spoken_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections
            .iter()
            .filter(|s| s.phrases().next().is_some())
    }
}

fn section(
    kind: SectionKind,
    id: String,
    heading: String,
    lang: String,
    heading_phrase: Option<Phrase>,
    mut paragraphs: Vec<Vec<Phrase>>,
) -> Section {
    paragraphs.retain(|p| !p.is_empty());
    let mut all = heading_phrase.iter().chain(paragraphs.iter().flatten());
    let (start_ms, end_ms) = match all.next() {
        Some(first) => all.fold((first.start_ms, first.end_ms), |(s, e), p| {
            (s.min(p.start_ms), e.max(p.end_ms))
        }),
        None => (0, 0),
    };
    Section {
        kind,
        id,
        heading: heading.split_whitespace().collect::<Vec<_>>().join(" "),
        lang: if lang.is_empty() { "und".into() } else { lang },
        heading_phrase,
        paragraphs,
        start_ms,
        end_ms,
    }
}

/// `a1-p2-s3` → `a1-p2`: sentences of one paragraph share it.
fn paragraph_key(id: &str) -> String {
    let mut parts = id.split('-');
    match (parts.next(), parts.next()) {
        (Some(a), Some(p)) if p.starts_with('p') => format!("{a}-{p}"),
        (Some(a), Some(other)) => format!("{a}-{other}"),
        _ => id.to_owned(),
    }
}

/// The first piece of a split sentence is `a1-p2-s3-1`; its phrase is
/// `a1-p2-s3`. Other ids stay as they are.
fn phrase_id(id: &str, first: bool) -> &str {
    if first {
        if let Some((base, n)) = id.rsplit_once('-') {
            if n == "1"
                && base
                    .rsplit_once('-')
                    .is_some_and(|(_, s)| s.starts_with('s'))
            {
                return base;
            }
        }
    }
    id
}

/// A valid XML id (an NCName) made from a segment id.
pub fn xml_id(id: &str) -> String {
    let mut out: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, 'x');
    }
    out
}

/// `12.345s`, the SMIL clock value of a millisecond count.
pub fn seconds(ms: u64) -> String {
    format!("{}.{:03}s", ms / 1000, ms % 1000)
}

/// `h:mm:ss.mmm`, a full SMIL clock value.
pub fn clock(ms: u64) -> String {
    format!(
        "{}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::output::manifest::{
        ArticleEntry, AudioInfo, LoudnessReport, Manifest, SegmentEntry,
    };
    use crate::script::ArticleSummary;

    fn segment(
        id: &str,
        kind: SegmentKind,
        article: Option<usize>,
        span: (u64, u64),
        source: Option<&str>,
        source_in: Option<&str>,
    ) -> SegmentEntry {
        SegmentEntry {
            id: id.into(),
            kind,
            article,
            voice: "en".into(),
            spoken_voice: "en".into(),
            backend: "fake".into(),
            lang: "en".into(),
            text: format!("spoken {id}"),
            source_text: source.map(Into::into),
            source_text_in: source_in.map(Into::into),
            start_ms: span.0,
            end_ms: span.1,
            pause_after_ms: 0,
            sound: None,
            attempts: 1,
            cached: false,
        }
    }

    fn manifest(segments: Vec<SegmentEntry>) -> Manifest {
        Manifest {
            generation: "g".into(),
            audio: AudioInfo {
                path: "m.wav".into(),
                sample_rate: 48000,
                channels: 1,
                bits_per_sample: 16,
                duration_ms: 9000,
            },
            files: Vec::new(),
            loudness: LoudnessReport::default(),
            articles: vec![ArticleEntry {
                summary: ArticleSummary {
                    title: "Ferry".into(),
                    source: None,
                    author: None,
                    editor: None,
                    published: None,
                    byline: None,
                    language: "en".into(),
                    origin: "a.txt".into(),
                    priority: None,
                    item: None,
                    id: None,
                    url: None,
                },
                start_ms: 0,
                end_ms: 9000,
            }],
            segments,
            dropped_articles: Vec::new(),
            skipped_inputs: Vec::new(),
            generator: "bulletin".into(),
            created: "2026-12-01T05:40:00+00:00".into(),
        }
    }

    #[test]
    fn a_sentence_in_pieces_is_one_phrase_and_paragraphs_follow_the_ids() {
        use SegmentKind::*;
        let m = manifest(vec![
            segment("a1-title", Title, Some(0), (0, 1000), Some("Ferry"), None),
            segment(
                "a1-p1-s1-1",
                Body,
                Some(0),
                (1500, 3000),
                Some("A  long\nsentence."),
                None,
            ),
            segment(
                "a1-p1-s1-2",
                Body,
                Some(0),
                (3200, 4000),
                None,
                Some("a1-p1-s1-1"),
            ),
            segment(
                "a1-p1-s2",
                Body,
                Some(0),
                (4200, 5000),
                Some("Short."),
                None,
            ),
            segment("a1-p2-s1", Body, Some(0), (5600, 6000), Some("Next."), None),
            segment(
                "a1-attribution",
                Attribution,
                Some(0),
                (6500, 7000),
                None,
                None,
            ),
        ]);
        let info = BookInfo {
            title: "News".into(),
            identifier: "id".into(),
            publisher: "p".into(),
        };
        let book = Book::new(&m, &info);
        assert_eq!(
            book.sections.len(),
            2,
            "an opening (no intro) and the article"
        );
        assert_eq!(book.spoken_sections().count(), 1);
        let a = &book.sections[1];
        assert_eq!(a.heading, "Ferry");
        assert_eq!(
            a.heading_phrase.as_ref().map(|p| p.id.as_str()),
            Some("a1-title")
        );
        let ids: Vec<Vec<(&str, &str, u64, u64)>> = a
            .paragraphs
            .iter()
            .map(|p| {
                p.iter()
                    .map(|x| (x.id.as_str(), x.text.as_str(), x.start_ms, x.end_ms))
                    .collect()
            })
            .collect();
        assert_eq!(
            ids,
            vec![
                vec![
                    ("a1-p1-s1", "A long sentence.", 1500, 4000),
                    ("a1-p1-s2", "Short.", 4200, 5000)
                ],
                vec![("a1-p2-s1", "Next.", 5600, 6000)],
                vec![("a1-attribution", "spoken a1-attribution", 6500, 7000)],
            ]
        );
        assert_eq!((a.start_ms, a.end_ms), (0, 7000));
        assert_eq!(book.languages, vec!["en"]);
        assert_eq!(book.narrators, vec!["en"]);
    }

    #[test]
    fn ids_and_clock_values() {
        assert_eq!(paragraph_key("a1-p2-s3"), "a1-p2");
        assert_eq!(paragraph_key("a1-attribution"), "a1-attribution");
        assert_eq!(phrase_id("a1-p2-s3-1", true), "a1-p2-s3");
        assert_eq!(phrase_id("a1-title-1", true), "a1-title-1");
        assert_eq!(xml_id("1-x y"), "x1-x_y");
        assert_eq!(seconds(93_210), "93.210s");
        assert_eq!(clock(3_723_004), "1:02:03.004");
    }
}
