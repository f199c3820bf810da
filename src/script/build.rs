//! script: articles → ordered segments. Pure: the same articles and settings
//! always give the same script, so it can be reviewed before synthesis.

use std::time::Duration;

use crate::ingest::Article;
use crate::text;

use super::attribution::{self, Facts};
use super::segment::{
    ArticleSummary, Content, Script, Segment, SegmentIndex, SegmentKind, Sound, SoundRole, Speech,
};
use super::settings::{KindVoices, MixedLanguage, ScriptSettings, SplitMode, VoiceRef};

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ScriptError {
    #[error("{origin}: article \"{title}\" is in language `{lang}`, but [languages] in voices.toml has no voice for it (configured: {configured})")]
    NoVoiceForLanguage {
        origin: String,
        title: String,
        lang: String,
        configured: String,
    },
    #[error(
        "the {what} is in language `{lang}`, but [languages] in voices.toml has no voice for it"
    )]
    NoVoiceForFrame { what: &'static str, lang: String },
}

/// Builds the script for `articles`, in order.
pub fn build(articles: &[Article], settings: &ScriptSettings) -> Result<Script, ScriptError> {
    let mut segments = Vec::new();
    let mut summaries = Vec::with_capacity(articles.len());
    if let Some(path) = &settings.sounds.intro {
        push_sound(
            &mut segments,
            "sound-intro",
            path,
            SoundRole::Intro,
            settings.pauses.after_sound,
        );
    }

    if let Some(intro) = settings
        .intro
        .as_deref()
        .map(clean)
        .filter(|t| has_words(t))
    {
        let lang = crate::text::detect_language(&intro).as_str().to_owned();
        let voices = frame_voices(settings, "intro", &lang)?;
        let voice = voices.for_kind(SegmentKind::Intro).clone();
        if let Some(path) = &settings.sounds.bed.path {
            push_sound(
                &mut segments,
                "sound-bed",
                path,
                SoundRole::Bed,
                Duration::ZERO,
            );
        }
        push_chunks(
            &mut segments,
            settings,
            "intro",
            SegmentKind::Intro,
            None,
            &voice,
            &lang,
            &intro,
        )?;
        set_last_pause(&mut segments, settings.pauses.after_intro);
    }

    for (index, article) in articles.iter().enumerate() {
        if index > 0 {
            if let Some(path) = &settings.sounds.separator {
                push_sound(
                    &mut segments,
                    &format!("sound-a{}", index + 1),
                    path,
                    SoundRole::Separator,
                    settings.pauses.after_sound,
                );
            }
        }
        let lang = article.language.as_str().to_owned();
        // The rules read the region (`en-GB` dates); voices go by `lang`.
        let locale = article.language.tag();
        let voices =
            settings
                .languages
                .get(&lang)
                .ok_or_else(|| ScriptError::NoVoiceForLanguage {
                    origin: article.origin.clone(),
                    title: article.title.clone(),
                    lang: lang.clone(),
                    configured: settings
                        .languages
                        .keys()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
        let n = index + 1;
        let title = clean(&article.title);
        push_chunks(
            &mut segments,
            settings,
            &format!("a{n}-title"),
            SegmentKind::Title,
            Some(index),
            voices.for_kind(SegmentKind::Title),
            &locale,
            &title,
        )?;
        set_last_pause(&mut segments, settings.pauses.after_title);

        let body_voice = voices.for_kind(SegmentKind::Body);
        for (p, paragraph) in article.paragraphs.iter().enumerate() {
            let paragraph = clean(paragraph);
            let pieces: Vec<&str> = match settings.split {
                SplitMode::Sentence => text::sentences(&paragraph),
                SplitMode::Paragraph => vec![paragraph.as_str()],
            };
            let mut pushed = 0;
            for (s, piece) in pieces.into_iter().filter(|p| has_words(p)).enumerate() {
                pushed += push_chunks(
                    &mut segments,
                    settings,
                    &format!("a{n}-p{}-s{}", p + 1, s + 1),
                    SegmentKind::Body,
                    Some(index),
                    body_voice,
                    &locale,
                    piece,
                )?;
            }
            if pushed > 0 {
                set_last_pause(&mut segments, settings.pauses.paragraph);
            }
        }

        let byline = article.byline.as_ref().map(|b| b.text.as_str());
        // An author already named by the byline is not read twice.
        let author = article.author.as_deref().filter(|a| {
            article
                .byline
                .as_ref()
                .is_none_or(|b| b.name.trim() != a.trim())
        });
        let facts = Facts {
            source: article.source.as_deref(),
            author,
            editor: article.editor.as_deref(),
            byline,
            published: article.published.as_deref(),
            title: Some(&article.title),
        };
        let template = settings
            .attribution
            .get(&lang)
            .or_else(|| settings.attribution.get("en"))
            .map(String::as_str)
            .unwrap_or_default();
        if let Some(text) = attribution::render(template, &facts).map(|t| clean(&t)) {
            push_chunks(
                &mut segments,
                settings,
                &format!("a{n}-attribution"),
                SegmentKind::Attribution,
                Some(index),
                voices.for_kind(SegmentKind::Attribution),
                &locale,
                &text,
            )?;
        }
        set_last_pause(&mut segments, settings.pauses.article);

        summaries.push(ArticleSummary {
            title: article.title.clone(),
            source: article.source.clone(),
            author: article.author.clone(),
            editor: article.editor.clone(),
            published: article.published.clone(),
            byline: article.byline.as_ref().map(|b| b.name.clone()),
            language: lang,
            origin: article.origin.clone(),
            item: article.item,
            id: article.id.clone(),
            url: article.url.clone(),
            priority: article.priority,
        });
    }

    if let Some(outro) = settings
        .outro
        .as_deref()
        .map(clean)
        .filter(|t| has_words(t))
    {
        let lang = crate::text::detect_language(&outro).as_str().to_owned();
        let voices = frame_voices(settings, "outro", &lang)?;
        let voice = voices.for_kind(SegmentKind::Outro).clone();
        push_chunks(
            &mut segments,
            settings,
            "outro",
            SegmentKind::Outro,
            None,
            &voice,
            &lang,
            &outro,
        )?;
    }
    if let Some(path) = &settings.sounds.outro {
        if let Some(last) = segments.last_mut() {
            last.pause_after = last.pause_after.max(settings.pauses.after_sound);
        }
        push_sound(
            &mut segments,
            "sound-outro",
            path,
            SoundRole::Outro,
            Duration::ZERO,
        );
    }
    // Nothing follows the last segment.
    set_last_pause(&mut segments, Duration::ZERO);

    Ok(Script {
        articles: summaries,
        segments,
    })
}

fn push_sound(
    segments: &mut Vec<Segment>,
    id: &str,
    path: &std::path::Path,
    role: SoundRole,
    pause: Duration,
) {
    segments.push(Segment {
        index: SegmentIndex(segments.len()),
        id: id.to_owned(),
        kind: SegmentKind::Sound,
        article: None,
        pause_after: pause,
        content: Content::Sound(Sound {
            path: path.to_owned(),
            role,
        }),
    });
}

fn frame_voices<'a>(
    settings: &'a ScriptSettings,
    what: &'static str,
    lang: &str,
) -> Result<&'a KindVoices, ScriptError> {
    settings
        .languages
        .get(lang)
        .ok_or_else(|| ScriptError::NoVoiceForFrame {
            what,
            lang: lang.to_owned(),
        })
}

/// Pushes the spoken form of `text` (lexicon, then the language's number,
/// date and abbreviation rules) as one segment, or several when it exceeds the
/// voice's limit, or, with `mixed_language = "switch"`, when it holds runs of
/// another language. Returns how many segments were pushed.
#[allow(clippy::too_many_arguments)]
fn push_chunks(
    segments: &mut Vec<Segment>,
    settings: &ScriptSettings,
    id: &str,
    kind: SegmentKind,
    article: Option<usize>,
    voice: &VoiceRef,
    lang: &str,
    text: &str,
) -> Result<usize, ScriptError> {
    let source = text.trim();
    let spoken = text::speakable(source, lang, settings.lexicon.as_deref());
    // `lang` may carry a region (`en-GB`) for the rules; segments and voice
    // switching go by the language alone.
    let lang = crate::text::Language::new(lang);
    let lang = lang.as_str();
    let mut pieces: Vec<(String, String, String)> = Vec::new(); // (text, voice, lang)
    for chunk in text::split_to_limit(&spoken, voice.limit) {
        let chunk = chunk.trim();
        if !has_words(chunk) {
            continue;
        }
        let runs = match settings.mixed_language {
            MixedLanguage::Switch => text::language_runs(chunk, lang),
            MixedLanguage::Voice => Vec::new(),
        };
        if runs.len() <= 1 {
            pieces.push((chunk.to_owned(), voice.name.clone(), lang.to_owned()));
            continue;
        }
        for (run_lang, range) in runs {
            let run = chunk[range].trim();
            if !has_words(run) {
                continue;
            }
            // A run in a language with no voice stays with the sentence's voice.
            let (run_voice, run_lang) = match settings.languages.get(&run_lang) {
                Some(v) if run_lang != lang => (v.for_kind(kind), run_lang),
                _ => (voice, lang.to_owned()),
            };
            // A run of another language must fit its own voice's limit too.
            for part in text::split_to_limit(run, run_voice.limit) {
                let part = part.trim();
                if has_words(part) {
                    pieces.push((part.to_owned(), run_voice.name.clone(), run_lang.clone()));
                }
            }
        }
    }
    let many = pieces.len() > 1;
    let count = pieces.len();
    let first = if many {
        format!("{id}-1")
    } else {
        id.to_owned()
    };
    let source: std::sync::Arc<str> = source.into();
    for (i, (chunk, voice, lang)) in pieces.into_iter().enumerate() {
        segments.push(Segment {
            index: SegmentIndex(segments.len()),
            id: if many {
                format!("{id}-{}", i + 1)
            } else {
                id.to_owned()
            },
            kind,
            article,
            pause_after: settings.pauses.sentence,
            content: Content::Speech(Speech {
                voice,
                lang,
                text: chunk,
                source_text: (i == 0).then(|| source.clone()),
                source_text_in: (i > 0).then(|| first.clone()),
            }),
        });
    }
    Ok(count)
}

fn set_last_pause(segments: &mut [Segment], pause: Duration) {
    if let Some(last) = segments.last_mut() {
        last.pause_after = pause;
    }
}

/// Collapses runs of whitespace (line breaks included) into one space and
/// drops control characters (text from voices.toml has not been through ingest).
fn clean(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether a backend can say anything for `text`: pure punctuation would come
/// back as silence, which is a failure, not a pause.
fn has_words(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Byline;
    use crate::script::settings::{default_attribution, Pauses};
    use crate::text::Language;
    use crate::text::Limit;
    use std::collections::BTreeMap;
    use std::num::NonZeroUsize;

    fn article(lang: &str, paragraphs: &[&str]) -> Article {
        Article {
            origin: "a.txt".into(),
            item: None,
            id: None,
            url: None,
            published_at: None,
            priority: None,
            title: "标题".into(),
            source: Some("中国网".into()),
            author: None,
            editor: Some("苏文彦".into()),
            published: None,
            extra: vec![],
            language: Language::new(lang),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
            byline: Some(Byline {
                role: Some("文".into()),
                name: "陈景会".into(),
                text: "文:陈景会".into(),
            }),
        }
    }

    fn settings(split: SplitMode, limit: usize) -> ScriptSettings {
        let limit = Limit::Chars(NonZeroUsize::new(limit).unwrap());
        let voice = |name: &str| VoiceRef {
            name: name.into(),
            limit,
        };
        let mut zh = KindVoices::single(voice("zh"));
        zh.by_kind.insert(SegmentKind::Title, voice("anchor"));
        ScriptSettings {
            split,
            pauses: Pauses::default(),
            attribution: default_attribution(),
            languages: BTreeMap::from([
                ("zh".into(), zh),
                ("en".into(), KindVoices::single(voice("en"))),
            ]),
            intro: None,
            outro: None,
            sounds: Default::default(),
            lexicon: None,
            mixed_language: MixedLanguage::Voice,
        }
    }

    #[test]
    fn article_becomes_title_body_attribution_with_pauses() {
        let s = settings(SplitMode::Sentence, 100);
        let script = build(&[article("zh", &["第一句。第二句!", "第三句。"])], &s).unwrap();
        let got: Vec<(&str, &str, &str, u128)> = script
            .segments
            .iter()
            .map(|g| {
                (
                    g.id.as_str(),
                    g.voice(),
                    g.text(),
                    g.pause_after.as_millis(),
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("a1-title", "anchor", "标题", 700),
                ("a1-p1-s1", "zh", "第一句。", 250),
                ("a1-p1-s2", "zh", "第二句!", 600),
                ("a1-p2-s1", "zh", "第三句。", 600),
                ("a1-attribution", "zh", "来源:中国网。文:陈景会。", 0),
            ]
        );
        assert_eq!(script.articles[0].byline.as_deref(), Some("陈景会"));
    }

    #[test]
    fn paragraph_mode_packs_sentences_up_to_the_limit() {
        let s = settings(SplitMode::Paragraph, 10);
        let script = build(&[article("zh", &["一二三四。五六七八。九十。"])], &s).unwrap();
        let body: Vec<&str> = script
            .segments
            .iter()
            .filter(|g| g.kind == SegmentKind::Body)
            .map(|g| g.text())
            .collect();
        assert_eq!(body, vec!["一二三四。五六七八。", "九十。"]);
        assert!(body.iter().all(|t| t.chars().count() <= 10));
    }

    #[test]
    fn articles_are_separated_by_the_article_pause_and_frame_segments_are_added() {
        let mut s = settings(SplitMode::Sentence, 100);
        s.intro = Some("Good morning. Here is the news.".into());
        s.outro = Some("That was the news.".into());
        let mut en = article("en", &["One sentence here."]);
        en.source = None;
        en.byline = None;
        let script = build(&[article("zh", &["正文。"]), en], &s).unwrap();
        let ids: Vec<&str> = script.segments.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "intro",
                "a1-title",
                "a1-p1-s1",
                "a1-attribution",
                "a2-title",
                "a2-p1-s1",
                "outro"
            ]
        );
        let pause = |id: &str| {
            script
                .segments
                .iter()
                .find(|g| g.id == id)
                .unwrap()
                .pause_after
                .as_millis()
        };
        assert_eq!(pause("intro"), 1000);
        assert_eq!(pause("a1-attribution"), 1500);
        // No attribution facts: the last body segment carries the article pause.
        assert_eq!(pause("a2-p1-s1"), 1500);
        assert_eq!(pause("outro"), 0);
        assert_eq!(script.segments[0].article, None);
        assert_eq!(script.segments[4].article, Some(1));
    }

    #[test]
    fn station_sounds_frame_the_bulletin_and_separate_articles() {
        let mut s = settings(SplitMode::Sentence, 100);
        s.sounds = crate::script::Sounds {
            intro: Some("jingle.wav".into()),
            outro: Some("out.mp3".into()),
            separator: Some("sting.wav".into()),
            bed: Default::default(),
        };
        let script = build(&[article("zh", &["一。"]), article("zh", &["二。"])], &s).unwrap();
        let ids: Vec<&str> = script.segments.iter().map(|g| g.id.as_str()).collect();
        assert_eq!(
            ids,
            vec![
                "sound-intro",
                "a1-title",
                "a1-p1-s1",
                "a1-attribution",
                "sound-a2",
                "a2-title",
                "a2-p1-s1",
                "a2-attribution",
                "sound-outro"
            ]
        );
        let sting = &script.segments[4];
        assert_eq!(
            (
                sting.kind,
                sting.sound().map(|s| (s.path.as_path(), s.role)),
                sting.text()
            ),
            (
                SegmentKind::Sound,
                Some((
                    std::path::Path::new("sting.wav"),
                    crate::script::SoundRole::Separator
                )),
                ""
            )
        );
        assert_eq!(
            script.segments[3].pause_after.as_millis(),
            1500,
            "the article pause comes before the sting"
        );
        assert_eq!(script.segments.last().unwrap().pause_after.as_millis(), 0);
    }

    #[test]
    fn missing_language_voice_names_the_article() {
        let s = settings(SplitMode::Sentence, 100);
        let err = build(&[article("fr", &["Bonjour."])], &s).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("a.txt: article \"标题\" is in language `fr`"),
            "{err}"
        );
    }

    #[test]
    fn a_long_unpunctuated_paragraph_gives_a_linear_script() {
        let s = settings(SplitMode::Sentence, 100);
        let long: String = "很长的句子没有标点".repeat(1200);
        let script = build(&[article("zh", &[&long])], &s).unwrap();
        let body: Vec<&Segment> = script
            .segments
            .iter()
            .filter(|g| g.kind == SegmentKind::Body)
            .collect();
        assert!(body.len() > 100);
        assert_eq!(
            body[0].speech().unwrap().source_text.as_deref(),
            Some(long.as_str())
        );
        assert!(body[1..]
            .iter()
            .all(|g| g.speech().unwrap().source_text.is_none()
                && g.speech().unwrap().source_text_in.as_deref() == Some(body[0].id.as_str())));
        let json = serde_json::to_string(&script).unwrap();
        assert!(
            json.len() < long.len() * 3,
            "{} bytes of plan for {} bytes of text",
            json.len(),
            long.len()
        );
    }

    #[test]
    fn punctuation_only_pieces_are_not_sent() {
        let s = settings(SplitMode::Sentence, 100);
        let script = build(&[article("zh", &["正文。……", "——"])], &s).unwrap();
        assert!(script.segments.iter().all(|g| has_words(g.text())));
    }
}
