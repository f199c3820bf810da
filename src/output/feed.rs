//! output: the podcast feed (RSS 2.0 with the iTunes and Podcasting 2.0
//! namespaces): the bulletin as the newest item, with its enclosure,
//! duration, chapters and transcripts, above the items the previous feed
//! held (kept verbatim, the last N). A re-run of the same bulletin replaces
//! its item: the guid is the bulletin's name and never changes.

use std::io;

use super::xml::Xml;

const ITUNES_NS: &str = "http://www.itunes.com/dtds/podcast-1.0.dtd";
const PODCAST_NS: &str = "https://podcastindex.org/namespace/1.0";

/// What the channel says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedChannel {
    pub title: String,
    pub description: String,
    /// The channel's web page: the base URL the files are published under.
    pub link: String,
    pub language: String,
    pub author: String,
    pub image: Option<String>,
    pub category: String,
    pub explicit: bool,
}

/// The bulletin as an item.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedItem {
    pub guid: String,
    pub title: String,
    /// RFC 2822.
    pub pub_date: String,
    pub enclosure_url: String,
    pub enclosure_length: u64,
    pub enclosure_type: String,
    pub duration_secs: u64,
    pub chapters_url: Option<String>,
    /// (URL, media type) of each transcript.
    pub transcripts: Vec<(String, String)>,
    pub description: String,
}

/// The items of a previous feed this module wrote, as written, newest first.
/// A file that is not such a feed yields none (and the reason).
pub fn previous_items(text: &str) -> Result<Vec<(String, String)>, String> {
    let doc = roxmltree::Document::parse(text).map_err(|e| e.to_string())?;
    let root = doc.root_element();
    if !root.has_tag_name("rss")
        || root.lookup_namespace_uri(Some("itunes")) != Some(ITUNES_NS)
        || root.lookup_namespace_uri(Some("podcast")) != Some(PODCAST_NS)
    {
        return Err("not an RSS feed with the itunes and podcast namespaces".into());
    }
    let channel = root
        .children()
        .find(|n| n.has_tag_name("channel"))
        .ok_or("no channel")?;
    let mut items = Vec::new();
    for item in channel.children().filter(|n| n.has_tag_name("item")) {
        let guid = item
            .children()
            .find(|n| n.has_tag_name("guid"))
            .and_then(|g| g.text())
            .unwrap_or_default()
            .trim()
            .to_owned();
        items.push((guid, text[item.range()].to_owned()));
    }
    Ok(items)
}

/// The feed: `item` first, then up to `keep - 1` of `previous` (other guids).
pub fn render(
    channel: &FeedChannel,
    item: &FeedItem,
    previous: &[(String, String)],
    keep: usize,
) -> io::Result<Vec<u8>> {
    let mut x = Xml::new();
    x.declaration();
    x.open(
        "rss",
        &[
            ("version", "2.0"),
            ("xmlns:itunes", ITUNES_NS),
            ("xmlns:podcast", PODCAST_NS),
        ],
    )
    .newline();
    x.open("channel", &[]).newline();
    x.leaf("title", &[], &channel.title).newline();
    x.leaf("link", &[], &channel.link).newline();
    x.leaf("description", &[], &channel.description).newline();
    x.leaf("language", &[], &channel.language).newline();
    x.leaf(
        "generator",
        &[],
        concat!("bulletin ", env!("CARGO_PKG_VERSION")),
    )
    .newline();
    x.leaf("lastBuildDate", &[], &item.pub_date).newline();
    x.leaf("itunes:author", &[], &channel.author).newline();
    if let Some(image) = &channel.image {
        x.empty("itunes:image", &[("href", image)]).newline();
    }
    x.empty("itunes:category", &[("text", &channel.category)])
        .newline();
    x.leaf(
        "itunes:explicit",
        &[],
        if channel.explicit { "true" } else { "false" },
    )
    .newline();

    x.open("item", &[]).newline();
    x.leaf("title", &[], &item.title).newline();
    x.leaf("description", &[], &item.description).newline();
    x.leaf("guid", &[("isPermaLink", "false")], &item.guid)
        .newline();
    x.leaf("pubDate", &[], &item.pub_date).newline();
    let length = item.enclosure_length.to_string();
    x.empty(
        "enclosure",
        &[
            ("url", &item.enclosure_url),
            ("length", &length),
            ("type", &item.enclosure_type),
        ],
    )
    .newline();
    x.leaf("itunes:duration", &[], &item.duration_secs.to_string())
        .newline();
    if let Some(url) = &item.chapters_url {
        x.empty(
            "podcast:chapters",
            &[("url", url), ("type", "application/json+chapters")],
        )
        .newline();
    }
    for (url, kind) in &item.transcripts {
        x.empty("podcast:transcript", &[("url", url), ("type", kind)])
            .newline();
    }
    x.close("item").newline();
    for (_, raw) in previous
        .iter()
        .filter(|(guid, _)| *guid != item.guid)
        .take(keep.saturating_sub(1))
    {
        x.markup(raw).newline();
    }
    x.close("channel").newline();
    x.close("rss").newline();
    x.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn channel() -> FeedChannel {
        FeedChannel {
            title: "Morning <news> & more".into(),
            description: "d".into(),
            link: "https://example.org/news/".into(),
            language: "zh".into(),
            author: "Radio".into(),
            image: Some("https://example.org/news/cover.jpg".into()),
            category: "News".into(),
            explicit: false,
        }
    }

    fn item(guid: &str) -> FeedItem {
        FeedItem {
            guid: guid.into(),
            title: format!("Bulletin {guid}"),
            pub_date: "Tue, 01 Dec 2026 05:40:00 +0000".into(),
            enclosure_url: format!("https://example.org/news/{guid}.mp3"),
            enclosure_length: 1234,
            enclosure_type: "audio/mpeg".into(),
            duration_secs: 93,
            chapters_url: Some(format!("https://example.org/news/{guid}.chapters.json")),
            transcripts: vec![(
                format!("https://example.org/news/{guid}.vtt"),
                "text/vtt".into(),
            )],
            description: "x".into(),
        }
    }

    #[test]
    fn items_are_kept_newest_first_and_a_rerun_replaces_its_own() {
        let mut text = String::new();
        for g in ["d1", "d2", "d3", "d2"] {
            let previous = if text.is_empty() {
                Vec::new()
            } else {
                previous_items(&text).unwrap()
            };
            text = String::from_utf8(render(&channel(), &item(g), &previous, 2).unwrap()).unwrap();
        }
        let guids: Vec<String> = previous_items(&text)
            .unwrap()
            .into_iter()
            .map(|(g, _)| g)
            .collect();
        assert_eq!(guids, vec!["d2", "d3"]);
        let doc = roxmltree::Document::parse(&text).unwrap();
        let title = doc
            .descendants()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text());
        assert_eq!(title, Some("Morning <news> & more"));
        assert!(previous_items("<rss><channel/></rss>").is_err());
    }
}
