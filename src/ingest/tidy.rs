//! ingest: text that came out of markup (Markdown, HTML, XML, JSON) made fit
//! to be spoken: whitespace collapsed the way a reader sees it, bare URLs
//! reduced to their host, list items closed as sentences.

use std::sync::LazyLock;

use regex::Regex;

use super::chars::{ends_sentence, is_blank, is_han, joins_without_space, trim_blank};

/// Collapses every run of blanks to one space, trimmed. A run that holds a
/// line break next to a CJK character vanishes: a line break inside Chinese
/// text is no word space (as in the seed layout's joined lines).
pub(crate) fn collapse_blanks(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run: Option<bool> = None; // a pending blank run; whether it held a line break
    for c in text.chars() {
        if is_blank(c) {
            let newline = c == '\n' || c == '\r';
            run = Some(run.unwrap_or(false) || newline);
            continue;
        }
        if let Some(newline) = run.take() {
            let before = out.chars().next_back();
            let cjk_join =
                newline && (before.is_some_and(joins_without_space) || joins_without_space(c));
            if before.is_some() && !cjk_join {
                out.push(' ');
            }
        }
        out.push(c);
    }
    out
}

/// Joins two pieces of one paragraph: with nothing when either side is CJK
/// (Chinese has no spaces between words), with one space otherwise.
pub(crate) fn join_glue(before: &str, after: &str) -> &'static str {
    match (before.chars().next_back(), after.chars().next()) {
        (Some(b), Some(a)) if joins_without_space(b) || joins_without_space(a) => "",
        (Some(_), Some(_)) => " ",
        _ => "",
    }
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:https?://|www\.)[^\s<>()\[\]{}]+").expect("static regex")
});

/// Replaces each bare URL with its host name without `www.`
/// (`https://www.example.org/report.pdf` → `example.org`), as a presenter
/// would say it. A trailing full stop or comma stays in the text.
pub(crate) fn speak_urls(text: &str) -> String {
    if !text.contains("://") && !text.to_ascii_lowercase().contains("www.") {
        return text.to_owned();
    }
    URL.replace_all(text, |caps: &regex::Captures<'_>| {
        let whole = &caps[0];
        let url = whole.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
        let tail = &whole[url.len()..];
        let with_scheme = if url.contains("://") {
            url.to_owned()
        } else {
            format!("http://{url}")
        };
        let host = url::Url::parse(&with_scheme)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_default();
        let host = host.strip_prefix("www.").unwrap_or(&host);
        format!("{host}{tail}")
    })
    .into_owned()
}

/// Whether a text still holds a URL (used by tests and the reducers' checks).
#[cfg(test)]
pub(crate) fn has_url(text: &str) -> bool {
    URL.is_match(text)
}

/// Closes a list item or quoted line as a sentence, so that it is read as
/// one: a trailing `,` `;` `:` (or their full-width forms, or `、`) becomes
/// the sentence end; Chinese text gets `。`, other text `.`.
pub(crate) fn close_sentence(text: &str) -> String {
    let text = trim_blank(text);
    if text.is_empty() || ends_sentence(text) {
        return text.to_owned();
    }
    let open = text.trim_end_matches([',', ';', ':', '，', '；', '：', '、']);
    let open = trim_blank(open);
    if open.is_empty() {
        return text.to_owned();
    }
    let chinese = open.chars().any(is_han);
    format!("{open}{}", if chinese { "。" } else { "." })
}

static HTML_TAG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)</?(?:p|div|br|span|a|em|strong|b|i|u|ul|ol|li|h[1-6]|blockquote|img|figure|figcaption|table|section|article|html|body|head|script|style|nav|aside|header|footer|main|font|sup|sub|small|hr|pre|code)\b[^>]*>",
    )
    .expect("static regex")
});

static ENTITY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")
        .expect("static regex")
});

/// Whether a text field is HTML rather than plain text: it holds an HTML
/// tag or a character entity.
pub(crate) fn looks_like_html(text: &str) -> bool {
    HTML_TAG.is_match(text) || ENTITY.is_match(text)
}

/// Whether a text still holds a character entity such as `&amp;`.
pub(crate) fn has_entity(text: &str) -> bool {
    ENTITY.is_match(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blanks_collapse_and_vanish_between_chinese_lines() {
        assert_eq!(collapse_blanks("  a \n\t b  "), "a b");
        assert_eq!(collapse_blanks("研究团队\n  使用"), "研究团队使用");
        assert_eq!(collapse_blanks("中国 北京"), "中国 北京");
        assert_eq!(collapse_blanks("Rust\n和"), "Rust和");
        assert_eq!(collapse_blanks("a\u{a0}b"), "a b");
    }

    #[test]
    fn urls_become_hosts() {
        assert_eq!(
            speak_urls("Read it at https://www.example.org/report.pdf."),
            "Read it at example.org."
        );
        assert_eq!(
            speak_urls("详见 www.example.cn/a?b=1 。"),
            "详见 example.cn 。"
        );
        assert_eq!(speak_urls("no link here"), "no link here");
        assert!(!has_url(&speak_urls("x http://a.b/c, y https://d.e")));
    }

    #[test]
    fn items_close_as_sentences() {
        assert_eq!(close_sentence("first item"), "first item.");
        assert_eq!(close_sentence("一是加强监管；"), "一是加强监管。");
        assert_eq!(close_sentence("Done!"), "Done!");
        assert_eq!(close_sentence("“他说。”"), "“他说。”");
        assert_eq!(close_sentence("Note:"), "Note.");
        assert_eq!(close_sentence("；"), "；");
    }

    #[test]
    fn html_is_told_from_text() {
        assert!(looks_like_html("<p>Hello</p>"));
        assert!(looks_like_html("Tom &amp; Jerry"));
        assert!(looks_like_html("line<br/>break"));
        assert!(!looks_like_html("a < b and c > d"));
        assert!(!looks_like_html("AT&T results"));
    }
}
