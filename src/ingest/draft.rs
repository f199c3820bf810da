//! ingest: what every format's reader fills in before it is an [`Article`].
//! One place cleans the text, splits off a trailing byline, reads the
//! published time, picks the language, and refuses an article without a
//! title or body, so that every format ends in the same shape.

use chrono::{DateTime, FixedOffset};

use super::article::{item_origin, Article, Byline};
use super::byline::split_byline;
use super::chars::{is_han, trim_blank};
use super::error::IngestError;
use super::published::parse_published;
use super::tidy::{collapse_blanks, has_entity, speak_urls};
use crate::text::{detect_language, Language};

/// How much text language detection is given; it samples no more anyway.
const DETECT_CHARS: usize = 4000;

/// An article as a reader found it; see [`Draft::finish`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Draft {
    pub title: Option<String>,
    pub paragraphs: Vec<String>,
    pub source: Option<String>,
    pub author: Option<String>,
    pub editor: Option<String>,
    pub published: Option<String>,
    /// Set when the format hands over a parsed time; else read from `published`.
    pub published_at: Option<DateTime<FixedOffset>>,
    /// A language code or name as written (`zh-CN`, `English`).
    pub language: Option<String>,
    pub priority: Option<u32>,
    pub id: Option<String>,
    pub url: Option<String>,
    pub extra: Vec<(String, String)>,
    pub byline: Option<Byline>,
}

impl Draft {
    /// Makes the article. Text fields are trimmed and their blanks collapsed
    /// (empty ones are unknown); paragraphs lose empty ones and bare URLs; a
    /// byline at the end of the last paragraph becomes `byline`; the
    /// language is the one given when it names one, else detected.
    pub(crate) fn finish(self, origin: &str, item: Option<usize>) -> Result<Article, IngestError> {
        let title = self.title.as_deref().map(clean_line).unwrap_or_default();
        if title.is_empty() {
            return Err(IngestError::NoTitle {
                origin: item_origin(origin, item),
            });
        }
        let mut paragraphs: Vec<String> = self
            .paragraphs
            .iter()
            .map(|p| clean_line(p))
            .filter(|p| !p.is_empty())
            .collect();
        let mut byline = self.byline;
        if byline.is_none() {
            if let Some(last) = paragraphs.pop() {
                match split_byline(&last) {
                    Some((rest, found)) => {
                        if !rest.is_empty() {
                            paragraphs.push(rest.to_owned());
                        }
                        byline = Some(found);
                    }
                    None => paragraphs.push(last),
                }
            }
        }
        if paragraphs.is_empty() {
            return Err(IngestError::NoBody {
                origin: item_origin(origin, item),
                title,
            });
        }
        let published = field(self.published);
        let published_at = self
            .published_at
            .or_else(|| published.as_deref().and_then(parse_published));
        let language = self
            .language
            .as_deref()
            .and_then(Language::from_label)
            .unwrap_or_else(|| detect(&title, &paragraphs));
        Ok(Article {
            origin: origin.to_owned(),
            item,
            id: field(self.id),
            url: field(self.url),
            title,
            source: field(self.source),
            author: field(self.author),
            editor: field(self.editor),
            published,
            published_at,
            priority: self.priority,
            extra: self.extra,
            language,
            paragraphs,
            byline,
        })
    }
}

/// One line of speakable text: blanks collapsed, URLs reduced to hosts.
fn clean_line(text: &str) -> String {
    let text = collapse_blanks(text);
    let text = speak_urls(&text);
    let text = if has_entity(&text) {
        super::html::decode_entities(&text)
    } else {
        text
    };
    trim_blank(&text).to_owned()
}

fn field(value: Option<String>) -> Option<String> {
    value.map(|v| collapse_blanks(&v)).filter(|v| !v.is_empty())
}

/// The language of a title and body, from a sample of them.
pub(crate) fn detect(title: &str, paragraphs: &[String]) -> Language {
    let mut sample = title.to_owned();
    for p in paragraphs {
        if sample.len() >= DETECT_CHARS * 4 {
            break;
        }
        sample.push('\n');
        sample.push_str(p);
    }
    detect_language(&sample)
}

/// Joins several people's names as the language writes a list of them.
pub(crate) fn join_names(names: &[String]) -> Option<String> {
    let names: Vec<&str> = names
        .iter()
        .map(|n| trim_blank(n))
        .filter(|n| !n.is_empty())
        .collect();
    if names.is_empty() {
        return None;
    }
    let sep = if names.iter().any(|n| n.chars().any(is_han)) {
        "、"
    } else {
        ", "
    };
    Some(names.join(sep))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(title: &str, paragraphs: &[&str]) -> Draft {
        Draft {
            title: Some(title.into()),
            paragraphs: paragraphs.iter().map(|p| p.to_string()).collect(),
            ..Draft::default()
        }
    }

    #[test]
    fn cleans_and_splits_the_byline() {
        let a = draft(
            "  Ferry\n news ",
            &["", " First  line.\n", "Last one. (Reporting by Ann Lee)"],
        )
        .finish("f.json", Some(2))
        .unwrap();
        assert_eq!(a.title, "Ferry news");
        assert_eq!(a.paragraphs, vec!["First line.", "Last one."]);
        assert_eq!(a.byline.as_ref().unwrap().name, "Ann Lee");
        assert_eq!(a.location(), "f.json#2");
        assert_eq!(a.language, Language::new("en"));
    }

    #[test]
    fn refuses_no_title_and_no_body_naming_the_item() {
        let e = draft(" ", &["Body."]).finish("f.xml", Some(3)).unwrap_err();
        assert_eq!(e.to_string(), "f.xml#3: article has no title");
        let e = draft("T", &["", " "]).finish("f.xml", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.xml: article \"T\" has a title but no body text"
        );
    }

    #[test]
    fn language_label_and_published_time() {
        let mut d = draft("标题", &["正文。"]);
        d.language = Some("zh-CN".into());
        d.published = Some("2026-11-29T05:10:00+08:00".into());
        let a = d.finish("a", None).unwrap();
        assert_eq!(a.language.tag(), "zh-CN");
        assert_eq!(
            a.published_at.map(|t| t.to_rfc3339()).as_deref(),
            Some("2026-11-29T05:10:00+08:00")
        );
    }

    #[test]
    fn names() {
        assert_eq!(
            join_names(&["Ann Lee".into(), " Tom Li".into()]).as_deref(),
            Some("Ann Lee, Tom Li")
        );
        assert_eq!(
            join_names(&["王五".into(), "李四".into()]).as_deref(),
            Some("王五、李四")
        );
        assert_eq!(join_names(&[" ".into()]), None);
    }
}
