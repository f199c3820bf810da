//! ingest: HTML → paragraphs, the one reducer behind HTML pages, RSS and Atom
//! content, ninjs `body_html`, NewsML-G2 XHTML and JSON bodies.
//!
//! Block elements (`p`, `div`, `li`, headings, `br`…) end paragraphs; inline
//! markup leaves its text; entities are decoded by the parser. Left out,
//! with everything inside them: scripts, styles, navigation, headers,
//! footers, asides, forms, figures and their captions, tables, code blocks,
//! media, hidden elements, and blocks whose class or id names an ad, a share
//! bar, a byline or "related"/"read more" links. Paragraphs that are only a
//! link, or that open with "Read more", "相关阅读" and the like, are left out
//! too. List items and block quotes are closed as sentences.
//!
//! The tree is walked without recursion, so no nesting depth can overflow
//! the stack.

use ego_tree::iter::Edge;
use ego_tree::NodeRef;
use scraper::node::Element;
use scraper::{ElementRef, Html, Node};

use super::chars::trim_blank;
use super::tidy::{close_sentence, collapse_blanks};

/// How deep elements may nest. The HTML parser's work grows with the square
/// of the depth, so a hostile `<div><div><div>…` of a few megabytes would
/// take hours; no real page comes near this.
pub(crate) const MAX_DEPTH: usize = 2048;

/// How deep the elements of `html` nest, estimated from its tags without
/// parsing: void elements and those whose end tag may be left out (`p`,
/// `li`…) do not count. Stops counting past [`MAX_DEPTH`].
pub(crate) fn nesting_depth(html: &str) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut max) = (0usize, 0usize);
    let mut i = 0;
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        i += offset + 1;
        let closing = bytes.get(i) == Some(&b'/');
        let start = if closing { i + 1 } else { i };
        let end = bytes[start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .map_or(bytes.len(), |n| start + n);
        if end == start {
            continue;
        }
        let name = html[start..end].to_ascii_lowercase();
        let self_closed = bytes[end..]
            .iter()
            .position(|&b| b == b'>')
            .is_some_and(|n| n > 0 && bytes[end + n - 1] == b'/');
        if self_closed || !nests(&name) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
            if max > MAX_DEPTH {
                break;
            }
        }
    }
    max
}

fn nests(name: &str) -> bool {
    !matches!(
        name,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "tr"
            | "td"
            | "th"
            | "rb"
            | "rt"
            | "rp"
            | "colgroup"
            | "tbody"
            | "thead"
            | "tfoot"
            | "optgroup"
    )
}

/// The paragraphs of an HTML fragment (a feed item's content, a `body_html`).
/// A fragment nested past [`MAX_DEPTH`] is not parsed: its tags are dropped
/// and its text kept.
pub(crate) fn fragment_paragraphs(html: &str) -> Vec<String> {
    if nesting_depth(html) > MAX_DEPTH {
        return strip_tags(html);
    }
    let doc = Html::parse_fragment(html);
    paragraphs_of(doc.root_element())
}

/// Text without its tags, as one paragraph, for markup too deep to parse.
fn strip_tags(html: &str) -> Vec<String> {
    let mut text = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = collapse_blanks(&text);
    if text.is_empty() {
        Vec::new()
    } else {
        vec![text]
    }
}

/// The paragraphs inside one element of a parsed page.
pub(crate) fn paragraphs_of(root: ElementRef<'_>) -> Vec<String> {
    let mut reducer = Reducer::default();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(text) => reducer.text(text),
                    Node::Element(e) => {
                        if left_out(e) {
                            skipping = Some(node.id());
                        } else {
                            reducer.open(e);
                        }
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if let Some(id) = skipping {
                    if id == node.id() {
                        skipping = None;
                    }
                    continue;
                }
                if let Node::Element(e) = node.value() {
                    reducer.close(e);
                }
            }
        }
    }
    reducer.flush();
    reducer.paragraphs
}

/// All the text of an element, on one line (for titles and names): no
/// paragraph filters, scripts and styles left out.
pub(crate) fn text_of(node: NodeRef<'_, Node>) -> String {
    let mut out = String::new();
    let mut skipping: Option<ego_tree::NodeId> = None;
    for edge in node.traverse() {
        match edge {
            Edge::Open(n) if skipping.is_none() => match n.value() {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) if matches!(e.name(), "script" | "style" | "template") => {
                    skipping = Some(n.id());
                }
                Node::Element(e) if e.name() == "br" || is_block(e.name()) => out.push(' '),
                _ => {}
            },
            Edge::Close(n) if skipping == Some(n.id()) => skipping = None,
            _ => {}
        }
    }
    collapse_blanks(&out)
}

/// The text of an HTML snippet on one line (a title or name with markup).
pub(crate) fn inline_text(html: &str) -> String {
    if nesting_depth(html) > MAX_DEPTH {
        return strip_tags(html).concat();
    }
    let doc = Html::parse_fragment(html);
    text_of(*doc.root_element())
}

/// Decodes character entities left in a text (`&amp;` → `&`), as a page
/// that escaped its text twice needs.
pub(crate) fn decode_entities(text: &str) -> String {
    inline_text(text)
}

#[derive(Default)]
struct Reducer {
    paragraphs: Vec<String>,
    current: String,
    /// Characters of `current` inside links.
    link_chars: usize,
    /// Where each open `a` element's text starts in `current`.
    links: Vec<usize>,
    /// Open list items and block quotes: their paragraphs are sentences.
    sentences: usize,
}

impl Reducer {
    fn text(&mut self, text: &str) {
        if !self.links.is_empty() {
            self.link_chars += text.chars().filter(|c| !c.is_whitespace()).count();
        }
        self.current.push_str(text);
    }

    fn open(&mut self, e: &Element) {
        let name = e.name();
        if name == "br" || name == "hr" || is_block(name) {
            self.flush();
        }
        match name {
            "a" => self.links.push(self.current.len()),
            "li" | "blockquote" | "dd" => self.sentences += 1,
            _ => {}
        }
    }

    fn close(&mut self, e: &Element) {
        let name = e.name();
        if is_block(name) {
            self.flush();
        }
        match name {
            "a" => {
                // `… <a>Read more</a>` at the end of a paragraph is no text.
                if let Some(start) = self.links.pop() {
                    let link = self.current.get(start..).unwrap_or_default();
                    if is_more_link(trim_blank(link)) {
                        let removed = link.chars().filter(|c| !c.is_whitespace()).count();
                        self.link_chars = self.link_chars.saturating_sub(removed);
                        self.current.truncate(start);
                    }
                }
            }
            "li" | "blockquote" | "dd" => self.sentences = self.sentences.saturating_sub(1),
            _ => {}
        }
    }

    fn flush(&mut self) {
        let raw = std::mem::take(&mut self.current);
        let links = std::mem::take(&mut self.link_chars);
        let text = collapse_blanks(&raw);
        let text = trim_blank(&text);
        if text.is_empty() {
            return;
        }
        let chars = text.chars().filter(|c| !c.is_whitespace()).count();
        if links > 0 && links * 10 >= chars * 9 {
            return; // a paragraph that is a link: navigation, "related", "read more"
        }
        if is_read_more(text) {
            return;
        }
        let text = if self.sentences > 0 {
            close_sentence(text)
        } else {
            text.to_owned()
        };
        self.paragraphs.push(text);
    }
}

/// Elements that end a paragraph where they open and close.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "section"
            | "article"
            | "main"
            | "body"
            | "html"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "tr"
            | "td"
            | "th"
            | "hgroup"
    )
}

/// Elements left out with all they hold.
fn left_out(e: &Element) -> bool {
    let skipped_name = matches!(
        e.name(),
        "script"
            | "style"
            | "noscript"
            | "template"
            | "head"
            | "title"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "select"
            | "input"
            | "textarea"
            | "label"
            | "iframe"
            | "object"
            | "embed"
            | "svg"
            | "math"
            | "canvas"
            | "figure"
            | "figcaption"
            | "video"
            | "audio"
            | "picture"
            | "source"
            | "track"
            | "map"
            | "table"
            | "pre"
            | "dialog"
            | "menu"
    );
    if skipped_name || e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("aria-hidden")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if e.attr("role").is_some_and(|r| {
        matches!(
            r.to_ascii_lowercase().as_str(),
            "navigation" | "banner" | "contentinfo" | "complementary" | "search" | "dialog"
        )
    }) {
        return true;
    }
    if e.attr("style").is_some_and(|s| {
        let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
        let s = s.to_ascii_lowercase();
        s.contains("display:none") || s.contains("visibility:hidden")
    }) {
        return true;
    }
    let id = e.attr("id").unwrap_or_default();
    e.classes().chain(id.split_whitespace()).any(junk_token)
}

/// Whether a class or id names something that is not the story.
fn junk_token(token: &str) -> bool {
    let t = token.to_ascii_lowercase();
    const EXACT: &[&str] = &[
        "ad",
        "ads",
        "advert",
        "adverts",
        "banner",
        "sponsor",
        "sponsored",
        "promo",
        "related",
        "share",
        "sharing",
        "social",
        "newsletter",
        "subscribe",
        "comments",
        "comment",
        "breadcrumb",
        "breadcrumbs",
        "tags",
        "byline",
        "author",
        "dateline",
        "caption",
        "credit",
        "credits",
        "toolbar",
        "pagination",
        "pager",
        "readmore",
        "more",
        "recommend",
        "recommended",
        "sidebar",
        "meta",
        "nav",
        "navigation",
        "menu",
        "masthead",
        "header",
        "footer",
        "popup",
        "modal",
        "cookie",
        "cookies",
        "disclaimer",
    ];
    const PREFIXES: &[&str] = &[
        "ad-",
        "ad_",
        "ads-",
        "ads_",
        "advert",
        "sponsor",
        "promo",
        "related",
        "share",
        "social",
        "newsletter",
        "read-more",
        "readmore",
        "recommend",
        "comment",
        "breadcrumb",
        "cookie",
    ];
    const SUFFIXES: &[&str] = &[
        "-ad", "_ad", "-ads", "_ads", "-related", "-share", "-promo", "-header", "-footer",
        "-meta", "-byline", "-caption", "-credit", "-tags", "-nav", "-sidebar", "-social",
        "_related", "_share", "_header", "_footer", "_meta", "_byline", "_caption",
    ];
    const INSIDE: &[&str] = &[
        "advert",
        "sponsor",
        "read-more",
        "readmore",
        "related-",
        "outbrain",
        "taboola",
        "adsbygoogle",
    ];
    EXACT.contains(&t.as_str())
        || PREFIXES.iter().any(|p| t.starts_with(p))
        || SUFFIXES.iter().any(|s| t.ends_with(s))
        || INSIDE.iter().any(|s| t.contains(s))
}

/// Whether a link's text only points to more: `Read more`, `阅读全文`, `»`.
fn is_more_link(text: &str) -> bool {
    let t = text
        .trim_matches(|c: char| {
            c.is_whitespace() || matches!(c, '[' | ']' | '(' | ')' | '【' | '】')
        })
        .to_lowercase();
    matches!(
        t.as_str(),
        "read more"
            | "read more »"
            | "more"
            | "more »"
            | "continue reading"
            | "full story"
            | "…"
            | "..."
            | "»"
            | "阅读全文"
            | "全文"
            | "详情"
            | "更多"
            | "查看全文"
    ) || t.starts_with("continue reading")
}

/// Whether a paragraph is a pointer elsewhere rather than the story.
fn is_read_more(text: &str) -> bool {
    const EN: &[&str] = &[
        "read more",
        "read also",
        "also read",
        "see also",
        "related:",
        "related stories",
        "related articles",
        "related coverage",
        "related news",
        "more on this story",
        "continue reading",
        "click here",
        "more:",
    ];
    const ZH: &[&str] = &[
        "相关阅读",
        "延伸阅读",
        "相关新闻",
        "相关报道",
        "相关链接",
        "阅读更多",
        "阅读全文",
        "更多阅读",
        "推荐阅读",
        "点击查看",
        "点击阅读",
        "查看原文",
        "原文链接",
        "【相关",
        "[相关",
    ];
    let lower = text
        .trim_start_matches(['▶', '►', '>', '»', '→', ' '])
        .to_lowercase();
    EN.iter().any(|m| lower.starts_with(m)) || ZH.iter().any(|m| lower.starts_with(m))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_inline_markup_and_entities() {
        assert_eq!(
            fragment_paragraphs(
                "<p>The <b>council</b> met &amp; <a href=\"https://x.org/a\">voted</a>.</p>\n<p>Second&nbsp;one&hellip;</p>"
            ),
            vec!["The council met & voted.", "Second one…"]
        );
        assert_eq!(
            fragment_paragraphs("<p>Buses run all night. <a href=\"/x\">Read more</a></p>"),
            vec!["Buses run all night."]
        );
        assert_eq!(
            fragment_paragraphs("First line<br>second line<br/><br/>third"),
            vec!["First line", "second line", "third"]
        );
        assert_eq!(
            fragment_paragraphs("<div>研究团队\n使用新系统。<div>第二段。</div></div>"),
            vec!["研究团队使用新系统。", "第二段。"]
        );
    }

    #[test]
    fn lists_and_quotes_are_sentences() {
        assert_eq!(
            fragment_paragraphs(
                "<ul><li>first item</li><li>一是加强监管；</li></ul><blockquote><p>We will act</p></blockquote>"
            ),
            vec!["first item.", "一是加强监管。", "We will act."]
        );
    }

    #[test]
    fn what_is_not_the_story_is_left_out() {
        let html = r#"
            <nav><a href="/">Home</a></nav>
            <script>var x = "<p>no</p>";</script><style>p { color: red }</style>
            <p>Kept.</p>
            <figure><img src="a.jpg" alt="A ferry"><figcaption>The ferry. Photo: AP</figcaption></figure>
            <div class="ad-slot">Buy now</div>
            <div class="sidebar-advertisement">Sale</div>
            <div class="story-share">Share this</div>
            <p><a href="/other">Other story entirely</a></p>
            <p>Read more: the council's plan</p>
            <p>相关阅读：某某新闻</p>
            <aside>Aside</aside>
            <table><tr><td>1</td></tr></table>
            <p hidden>Hidden</p><p style="display: none">Gone</p>
            <p>Also kept, with <a href="/x">a link</a> inside.</p>
        "#;
        assert_eq!(
            fragment_paragraphs(html),
            vec!["Kept.", "Also kept, with a link inside."]
        );
    }

    #[test]
    fn shadow_is_no_ad() {
        assert!(!junk_token("shadow"));
        assert!(!junk_token("article-body"));
        assert!(!junk_token("headline"));
        assert!(junk_token("ad"));
        assert!(junk_token("Advertisement"));
        assert!(junk_token("related-links"));
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let html = "<div>".repeat(5_000) + "deep" + &"</div>".repeat(5_000);
        assert_eq!(fragment_paragraphs(&html), vec!["deep"]);
    }

    #[test]
    fn nesting_is_estimated_without_parsing() {
        assert_eq!(nesting_depth("<div><p>a<p>b<br><img src=x/></div>"), 1);
        assert_eq!(
            nesting_depth("<div><div></div><div><span>x</span></div></div>"),
            3
        );
        assert_eq!(nesting_depth("a < b, c <3"), 1);
        let hostile = "<div>".repeat(400_000);
        let started = std::time::Instant::now();
        assert_eq!(fragment_paragraphs(&(hostile + "text")), vec!["text"]);
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn inline_text_and_entities() {
        assert_eq!(inline_text("Tom &amp; <em>Jerry</em>"), "Tom & Jerry");
        assert_eq!(decode_entities("a &lt; b &#8212; c"), "a < b — c");
    }
}
