//! ingest: a Markdown article → one article, read with `pulldown-cmark`.
//!
//! - Front matter (YAML or TOML, see `front_matter`) gives `title`,
//!   `source`, `author`, `editor`, `published` (or `date`), `language` (or
//!   `lang`), `priority`, `id` and `url`. Without it, a seed-style metadata
//!   line under the title (`Source: … | By: …`) is read as in the seed
//!   layout.
//! - The title is the front matter's, else a heading that opens the text,
//!   else the first level-1 heading, else the first line.
//! - Inline markup leaves only what is read: emphasis its text, a link its
//!   text (a bare URL its host), an image its alt text (an image alone in a
//!   paragraph nothing), inline code its text, inline HTML nothing;
//!   struck-through text is left out.
//! - Each list item and each paragraph of a block quote is a paragraph of
//!   its own, closed as a sentence; HTML blocks go through the HTML reducer;
//!   code blocks, tables, footnotes and rules are left out.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

use super::article::Article;
use super::draft::Draft;
use super::error::IngestError;
use super::fields::Fields;
use super::front_matter::split_front_matter;
use super::html::fragment_paragraphs;
use super::metadata::parse_block;
use super::tidy::{close_sentence, collapse_blanks, join_glue};

/// Parses a Markdown document.
pub(crate) fn parse_markdown(origin: &str, text: &str) -> Result<Article, IngestError> {
    let (front, body) = split_front_matter(origin, text)?;
    let mut blocks = blocks(body);
    let mut draft = Draft::default();
    if let Some(map) = &front {
        let f = Fields::new(map, origin);
        draft = Draft {
            title: f.text("title")?,
            source: f.text("source")?,
            author: f.names("author")?,
            editor: f.text("editor")?,
            published: f.text_of(&["published", "date"])?,
            language: f.text_of(&["language", "lang"])?,
            priority: f.priority("priority")?,
            id: f.id("id")?,
            url: f.text("url")?,
            ..Draft::default()
        };
    }

    match draft.title.as_deref().map(collapse_blanks) {
        Some(title) if !title.is_empty() => {
            // The same title again as the opening heading is not read twice.
            if blocks
                .first()
                .is_some_and(|b| b.heading.is_some() && b.text() == title)
            {
                blocks.remove(0);
            }
        }
        _ => draft.title = take_title(&mut blocks),
    }

    if front.is_none() {
        if let Some(meta) = blocks
            .first()
            .filter(|b| b.heading.is_none() && !b.sentence)
            .and_then(|b| {
                let lines: Vec<&str> = b.lines.iter().map(String::as_str).collect();
                parse_block(&lines)
            })
        {
            blocks.remove(0);
            draft.source = meta.source;
            draft.author = meta.author;
            draft.editor = meta.editor;
            draft.published = meta.published;
            draft.language = meta.language.map(|l| l.tag());
            draft.priority = meta.priority;
            draft.extra = meta.extra;
        }
    }
    draft.paragraphs = blocks.iter().map(Block::text).collect();
    draft.finish(origin, None)
}

/// The title taken out of the blocks: an opening heading, else the first
/// level-1 heading, else the first line of the first block.
fn take_title(blocks: &mut Vec<Block>) -> Option<String> {
    let at = if blocks.first().is_some_and(|b| b.heading.is_some()) {
        Some(0)
    } else {
        blocks.iter().position(|b| b.heading == Some(1))
    };
    if let Some(i) = at {
        return Some(blocks.remove(i).text());
    }
    let first = blocks.first_mut()?;
    let title = first.lines.remove(0);
    if first.lines.is_empty() {
        blocks.remove(0);
    }
    Some(title)
}

/// One paragraph-to-be, as lines (soft and hard breaks end a line).
#[derive(Debug, Default, Clone)]
struct Block {
    lines: Vec<String>,
    /// `Some(level)` for a heading.
    heading: Option<u8>,
    /// A list item or quoted paragraph: read as a sentence.
    sentence: bool,
}

impl Block {
    fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.lines {
            text.push_str(join_glue(&text, line));
            text.push_str(line);
        }
        if self.sentence {
            close_sentence(&text)
        } else {
            text
        }
    }
}

/// Reads Markdown into blocks of speakable text.
fn blocks(markdown: &str) -> Vec<Block> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut b = Builder::default();
    for event in Parser::new_ext(markdown, options) {
        b.event(event);
    }
    b.flush();
    b.blocks
}

#[derive(Default)]
struct Builder {
    blocks: Vec<Block>,
    current: Block,
    line: String,
    /// Open elements whose content is left out (code, tables, footnotes…).
    skip: usize,
    items: usize,
    quotes: usize,
    /// Open images: their text is alt text.
    images: usize,
    /// Whether the block so far has text outside images.
    has_text: bool,
    /// Whether the block so far had an image.
    has_image: bool,
    /// The raw HTML of an open HTML block.
    html: Option<String>,
}

impl Builder {
    fn event(&mut self, event: Event<'_>) {
        if self.skip > 0 {
            match event {
                Event::Start(tag) if skipped(&tag) => self.skip += 1,
                Event::End(tag) if skipped_end(tag) => self.skip -= 1,
                _ => {}
            }
            return;
        }
        if let Some(html) = &mut self.html {
            match event {
                Event::Html(h) | Event::Text(h) => html.push_str(&h),
                Event::End(TagEnd::HtmlBlock) => {
                    let html = self.html.take().unwrap_or_default();
                    for p in fragment_paragraphs(&html) {
                        self.blocks.push(Block {
                            lines: vec![p],
                            ..Block::default()
                        });
                    }
                }
                _ => {}
            }
            return;
        }
        match event {
            Event::Start(tag) if skipped(&tag) => {
                self.skip += 1;
            }
            Event::Start(Tag::HtmlBlock) => {
                self.flush();
                self.html = Some(String::new());
            }
            Event::Start(Tag::Heading { level, .. }) => {
                self.flush();
                self.current.heading = Some(level as u8);
            }
            Event::End(TagEnd::Heading(_)) => self.flush(),
            Event::Start(Tag::Paragraph) => {
                if self.items == 0 {
                    self.flush();
                } else {
                    // A loose list item's paragraphs are one paragraph.
                    self.break_line();
                }
                self.current.sentence |= self.quotes > 0;
            }
            Event::End(TagEnd::Paragraph) if self.items == 0 => self.flush(),
            Event::Start(Tag::Item) => {
                self.flush();
                self.items += 1;
                self.current.sentence = true;
            }
            Event::End(TagEnd::Item) => {
                self.flush();
                self.items = self.items.saturating_sub(1);
            }
            Event::Start(Tag::List(_)) | Event::End(TagEnd::List(_)) => self.flush(),
            Event::Start(Tag::BlockQuote(_)) => {
                self.flush();
                self.quotes += 1;
            }
            Event::End(TagEnd::BlockQuote(_)) => {
                self.flush();
                self.quotes = self.quotes.saturating_sub(1);
            }
            Event::Start(Tag::Image { .. }) => {
                self.images += 1;
                self.has_image = true;
            }
            Event::End(TagEnd::Image) => self.images = self.images.saturating_sub(1),
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::SoftBreak | Event::HardBreak => self.break_line(),
            Event::Rule => self.flush(),
            // Inline HTML is markup only; footnote marks, task boxes and
            // math are not read.
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.images == 0 && !text.trim().is_empty() {
            self.has_text = true;
        }
        self.line.push_str(text);
    }

    fn break_line(&mut self) {
        let line = collapse_blanks(&std::mem::take(&mut self.line));
        if !line.is_empty() {
            self.current.lines.push(line);
        }
    }

    fn flush(&mut self) {
        self.break_line();
        let block = std::mem::take(&mut self.current);
        let image_only = self.has_image && !self.has_text;
        self.has_image = false;
        self.has_text = false;
        if !block.lines.is_empty() && !image_only {
            self.blocks.push(block);
        }
        self.current.sentence = self.quotes > 0 || self.items > 0;
    }
}

/// Elements left out with their content.
fn skipped(tag: &Tag<'_>) -> bool {
    matches!(
        tag,
        Tag::CodeBlock(_)
            | Tag::Table(_)
            | Tag::FootnoteDefinition(_)
            | Tag::MetadataBlock(_)
            | Tag::Strikethrough
    )
}

fn skipped_end(tag: TagEnd) -> bool {
    matches!(
        tag,
        TagEnd::CodeBlock
            | TagEnd::Table
            | TagEnd::FootnoteDefinition
            | TagEnd::MetadataBlock(_)
            | TagEnd::Strikethrough
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Article {
        parse_markdown("a.md", text).unwrap()
    }

    #[test]
    fn inline_markup_is_reduced() {
        let a = md("# *Big* news\n\nThe **council** met [on Tuesday](https://x.org/a \"t\") and `voted`.<br> See <https://www.example.org/p>.\n\n![A ferry](f.jpg)\n\nWith ![the map](m.png) attached.\n\nNot ~~this~~ but that.");
        assert_eq!(a.title, "Big news");
        assert_eq!(
            a.paragraphs,
            vec![
                "The council met on Tuesday and voted. See example.org.",
                "With the map attached.",
                "Not but that."
            ]
        );
    }

    #[test]
    fn lists_and_quotes_are_sentences() {
        let a = md("Title\n\nIntro:\n\n- first point\n- second point;\n  1. nested\n\n> A quote\n> across lines\n\n> Second quote.");
        assert_eq!(
            a.paragraphs,
            vec![
                "Intro:",
                "first point.",
                "second point.",
                "nested.",
                "A quote across lines.",
                "Second quote."
            ]
        );
    }

    #[test]
    fn code_tables_and_html_blocks() {
        let a = md("# T\n\nBefore.\n\n```rust\nfn main() {}\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<div class=\"ad\">Buy</div>\n\n<p>From &amp; HTML.</p>\n\n    indented code\n\nAfter.[^1]\n\n[^1]: A footnote.\n\n---\n\nEnd.");
        assert_eq!(
            a.paragraphs,
            vec!["Before.", "From & HTML.", "After.", "End."]
        );
    }

    #[test]
    fn chinese_soft_breaks_join_without_space() {
        let a = md("# 标题\n\n研究团队\n使用新系统。\n\n- 一是加强监管；\n- 二是完善制度");
        assert_eq!(
            a.paragraphs,
            vec!["研究团队使用新系统。", "一是加强监管。", "二是完善制度。"]
        );
    }

    #[test]
    fn title_fallbacks() {
        assert_eq!(md("Plain first line\n\nBody.").title, "Plain first line");
        assert_eq!(md("Intro para.\n\n# The title\n\nBody.").title, "The title");
        let a = md("---\ntitle: Front\n---\n# Front\n\nBody.");
        assert_eq!((a.title.as_str(), a.paragraphs.len()), ("Front", 1));
    }
}
