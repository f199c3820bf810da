//! output: the transcript page (`NAME.html`), one self-contained accessible
//! page rendered from the [`Book`]: landmarks, a heading per article with its
//! `lang`, the bulletin's audio, and every phrase a button that seeks the
//! audio to the phrase's start (keyboard operable as any button is), the
//! phrase being heard marked `aria-current` while it plays.

use std::io;

use super::book::{Book, SectionKind};
use super::xml::Xml;

const STYLE: &str = "
body { font-family: system-ui, sans-serif; line-height: 1.6; margin: 0 auto; max-width: 42rem; padding: 1rem; color: #111; background: #fff; }
nav ol { padding-left: 1.5rem; }
audio { width: 100%; }
button.phrase { font: inherit; color: inherit; background: none; border: 0; margin: 0; padding: 0 0.05em; text-align: inherit; cursor: pointer; display: inline; }
button.phrase:hover { text-decoration: underline; }
button.phrase:focus-visible { outline: 3px solid #1a56db; outline-offset: 1px; }
button.phrase[aria-current] { background: #fde68a; }
footer { margin-top: 2rem; font-size: 0.9rem; color: #444; }
";

/// Seeks on activation; marks the phrase whose span holds the playing time.
const SCRIPT: &str = "
(function () {
  var audio = document.getElementById('player');
  var phrases = Array.prototype.slice.call(document.querySelectorAll('button.phrase'));
  var current = null;
  function mark(b) {
    if (current === b) { return; }
    if (current) { current.removeAttribute('aria-current'); }
    current = b;
    if (b) { b.setAttribute('aria-current', 'true'); }
  }
  phrases.forEach(function (b) {
    b.addEventListener('click', function () {
      audio.currentTime = parseFloat(b.getAttribute('data-start'));
      mark(b);
      var played = audio.play();
      if (played) { played.catch(function () {}); }
    });
  });
  audio.addEventListener('timeupdate', function () {
    var t = audio.currentTime;
    var found = null;
    phrases.forEach(function (b) {
      if (t >= parseFloat(b.getAttribute('data-start'))) {
        if (parseFloat(b.getAttribute('data-end')) > t) { found = b; }
      }
    });
    mark(found);
  });
})();
";

/// The audio the page plays, beside it in the output folder.
pub struct PageAudio<'a> {
    pub file: &'a str,
    pub mime: &'a str,
}

/// Seconds with milliseconds, as `currentTime` takes them.
fn secs(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// Whether words in `lang` are separated by spaces.
pub(crate) fn spaced(lang: &str) -> bool {
    !matches!(
        lang.split(['-', '_']).next().unwrap_or(""),
        "zh" | "ja" | "th" | "lo" | "km" | "my"
    )
}

pub fn render(book: &Book, audio: &PageAudio<'_>) -> io::Result<Vec<u8>> {
    let lang = book.languages.first().map_or("und", String::as_str);
    let mut x = Xml::new();
    x.doctype("html");
    x.open("html", &[("lang", lang)]).newline();
    x.open("head", &[]).newline();
    x.empty("meta", &[("charset", "utf-8")]).newline();
    x.empty(
        "meta",
        &[
            ("name", "viewport"),
            ("content", "width=device-width, initial-scale=1"),
        ],
    )
    .newline();
    x.leaf("title", &[], &book.title).newline();
    x.open("style", &[]).raw(STYLE).close("style").newline();
    x.close("head").newline();
    x.open("body", &[]).newline();

    x.open("header", &[]).newline();
    x.leaf("h1", &[], &book.title).newline();
    let date = book.created.get(..10).unwrap_or(&book.created);
    x.open("p", &[])
        .leaf("time", &[("datetime", &book.created)], date)
        .close("p")
        .newline();
    x.close("header").newline();

    x.open("nav", &[("aria-label", "Articles")]).newline();
    x.open("ol", &[]).newline();
    for s in &book.sections {
        if let SectionKind::Article(_) = s.kind {
            let href = format!("#{}", s.id);
            x.open("li", &[("lang", &s.lang)])
                .leaf("a", &[("href", &href)], &s.heading)
                .close("li")
                .newline();
        }
    }
    x.close("ol").newline();
    x.close("nav").newline();

    x.open("main", &[]).newline();
    x.open("section", &[("aria-label", "Player")]).newline();
    x.open(
        "audio",
        &[("id", "player"), ("controls", ""), ("preload", "metadata")],
    );
    x.empty("source", &[("src", audio.file), ("type", audio.mime)]);
    x.close("audio").newline();
    x.leaf(
        "p",
        &[],
        "Choose any sentence to hear it; the sentence being read is highlighted.",
    )
    .newline();
    x.close("section").newline();

    for s in &book.sections {
        if s.phrases().next().is_none() {
            continue;
        }
        let heading_id = format!("{}-h", s.id);
        let tag = match s.kind {
            SectionKind::Article(_) => "article",
            _ => "section",
        };
        x.open(
            tag,
            &[
                ("id", &s.id),
                ("lang", &s.lang),
                ("aria-labelledby", &heading_id),
            ],
        )
        .newline();
        x.open("h2", &[("id", &heading_id)]);
        match &s.heading_phrase {
            Some(p) => phrase(&mut x, p),
            None => {
                x.text(&s.heading);
            }
        }
        x.close("h2").newline();
        for paragraph in &s.paragraphs {
            x.open("p", &[]);
            for (i, p) in paragraph.iter().enumerate() {
                if i > 0 && spaced(&p.lang) {
                    x.text(" ");
                }
                phrase(&mut x, p);
            }
            x.close("p").newline();
        }
        x.close(tag).newline();
    }
    x.close("main").newline();

    x.open("footer", &[]).newline();
    x.open("p", &[]);
    x.text(&format!("Read by {}. ", book.narrators.join(", ")));
    x.text(&format!("Published by {}.", book.publisher));
    x.close("p").newline();
    x.close("footer").newline();
    x.open("script", &[]).raw(SCRIPT).close("script").newline();
    x.close("body").newline();
    x.close("html").newline();
    x.finish()
}

fn phrase(x: &mut Xml, p: &super::book::Phrase) {
    let (start, end) = (secs(p.start_ms), secs(p.end_ms));
    x.leaf(
        "button",
        &[
            ("type", "button"),
            ("class", "phrase"),
            ("id", &p.id),
            ("lang", &p.lang),
            ("data-start", &start),
            ("data-end", &end),
        ],
        &p.text,
    );
}
