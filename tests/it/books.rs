//! The accessible and published outputs of one run (DAISY 2.02, EPUB 3 with
//! Media Overlays, the HTML transcript page, SRT, JSON chapters), checked
//! against the manifest's timeline: a DAISY checker written here from the
//! rules the book relies on, EPUBCheck (the real tool) where installed, an
//! HTML5 parser for the page, and a strict SRT reader.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;
use std::process::Command;

use crate::fake_tts::FakeTts;
use crate::harness::{examples, Workspace};

const ALL: &str = "wav,mp3,daisy,epub,html,srt,chapters";

fn build(ws: &Workspace, name: &str, formats: &str) -> crate::harness::Outcome {
    ws.bulletin()
        .args(["build", "-n", name, "--format", formats])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", "k")
        .output()
}

fn workspace(server: &FakeTts) -> Workspace {
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        crate::harness::openai_config(&server.url(), ""),
    );
    ws
}

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

/// Spoken segments by id: (start_ms, end_ms, kind, article).
fn spans(m: &serde_json::Value) -> BTreeMap<String, (u64, u64, String)> {
    m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] != "sound")
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                (
                    s["start_ms"].as_u64().unwrap(),
                    s["end_ms"].as_u64().unwrap(),
                    s["kind"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect()
}

/// `npt=12.345s` or `12.345s` → milliseconds.
fn clock_ms(value: &str) -> u64 {
    let v = value.trim_start_matches("npt=");
    let v = v
        .strip_suffix('s')
        .unwrap_or_else(|| panic!("not a seconds clock value: {value}"));
    let (s, frac) = v.split_once('.').unwrap_or((v, "0"));
    assert!(frac.len() <= 3, "{value}");
    let frac: u64 = format!("{frac:0<3}").parse().unwrap();
    s.parse::<u64>().unwrap() * 1000 + frac
}

fn hms(ms: u64) -> String {
    let s = (ms + 500) / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn parse_xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse_with_options(
        text,
        roxmltree::ParsingOptions {
            allow_dtd: true,
            ..Default::default()
        },
    )
    .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{text}"))
}

fn all_ids(doc: &roxmltree::Document<'_>, file: &str, seen: &mut HashSet<String>) {
    for n in doc.descendants().filter(|n| n.is_element()) {
        if let Some(id) = n.attribute("id") {
            assert!(
                seen.insert(id.to_owned()),
                "id {id} is not unique in {file}"
            );
        }
    }
}

/// The DAISY 2.02 rules this book relies on, checked on `dir`: returns the
/// (text target → clip) of every `par`.
fn check_daisy(dir: &Path, m: &serde_json::Value) -> HashMap<String, (u64, u64)> {
    let duration = m["audio"]["duration_ms"].as_u64().unwrap();
    let ncc_text = std::fs::read_to_string(dir.join("ncc.html")).unwrap();
    let ncc = parse_xml(&ncc_text);
    let meta: HashMap<&str, Vec<&str>> = ncc
        .descendants()
        .filter(|n| n.has_tag_name("meta"))
        .filter_map(|n| Some((n.attribute("name")?, n.attribute("content")?)))
        .fold(HashMap::new(), |mut acc, (k, v)| {
            acc.entry(k).or_default().push(v);
            acc
        });
    for required in [
        "dc:title",
        "dc:creator",
        "dc:date",
        "dc:format",
        "dc:identifier",
        "dc:language",
        "dc:publisher",
        "ncc:charset",
        "ncc:generator",
        "ncc:narrator",
        "ncc:totalTime",
        "ncc:files",
        "ncc:tocItems",
        "ncc:pageNormal",
        "ncc:multimediaType",
    ] {
        let values = meta
            .get(required)
            .unwrap_or_else(|| panic!("ncc lacks {required}"));
        assert!(
            values.iter().all(|v| !v.trim().is_empty()),
            "{required} is empty"
        );
    }
    assert_eq!(meta["dc:format"], vec!["Daisy 2.02"]);
    assert_eq!(meta["ncc:charset"], vec!["utf-8"]);
    let mut languages = meta["dc:language"].clone();
    languages.sort();
    assert_eq!(
        languages,
        vec!["en", "zh"],
        "both languages of the examples"
    );
    assert_eq!(meta["ncc:totalTime"], vec![hms(duration).as_str()]);
    let narrator = meta["ncc:narrator"][0];
    for voice in ["zh", "en", "anchor"] {
        assert!(narrator.contains(voice), "{narrator} lacks {voice}");
    }

    let mut ids = HashSet::new();
    all_ids(&ncc, "ncc.html", &mut ids);
    let headings: Vec<roxmltree::Node> = ncc
        .descendants()
        .filter(|n| n.is_element() && n.tag_name().name().starts_with('h'))
        .filter(|n| n.tag_name().name().len() == 2 && n.tag_name().name() != "hr")
        .collect();
    assert!(headings.iter().all(|h| h.has_tag_name("h1")), "depth 1");
    let articles = m["articles"].as_array().unwrap();
    assert_eq!(
        headings.len(),
        articles.len() + 1,
        "the title and an h1 per article"
    );
    assert_eq!(headings[0].attribute("class"), Some("title"));
    assert_eq!(
        meta["ncc:tocItems"],
        vec![headings.len().to_string().as_str()]
    );
    let title_of = |h: &roxmltree::Node| -> String {
        h.descendants()
            .filter(|n| n.is_text())
            .filter_map(|n| n.text())
            .collect::<String>()
    };
    for (h, a) in headings[1..].iter().zip(articles) {
        assert_eq!(title_of(h), a["title"].as_str().unwrap());
        assert_eq!(h.attribute("lang"), a["language"].as_str());
    }

    // Every SMIL file is referenced from the NCC, and every link resolves.
    let links: Vec<String> = headings
        .iter()
        .map(|h| {
            h.descendants()
                .find(|n| n.has_tag_name("a"))
                .and_then(|a| a.attribute("href"))
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut smil_files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f.ends_with(".smil"))
        .collect();
    smil_files.sort();
    assert_eq!(
        smil_files.len(),
        articles.len(),
        "one SMIL per article (no intro)"
    );
    for f in &smil_files {
        assert!(
            links
                .iter()
                .any(|l| l.split('#').next() == Some(f.as_str())),
            "{f} is not referenced from the NCC"
        );
    }
    let files = std::fs::read_dir(dir).unwrap().count();
    assert_eq!(meta["ncc:files"], vec![files.to_string().as_str()]);

    let content_text = std::fs::read_to_string(dir.join("content.html")).unwrap();
    let content = parse_xml(&content_text);
    let mut content_ids = HashSet::new();
    all_ids(&content, "content.html", &mut content_ids);

    let mut clips = HashMap::new();
    let mut smil_texts: HashMap<String, HashSet<String>> = HashMap::new();
    let mut elapsed = 0;
    for f in &smil_files {
        let text = std::fs::read_to_string(dir.join(f)).unwrap();
        let smil = parse_xml(&text);
        let mut smil_ids = HashSet::new();
        all_ids(&smil, f, &mut smil_ids);
        let head: HashMap<&str, &str> = smil
            .descendants()
            .filter(|n| n.has_tag_name("meta"))
            .filter_map(|n| Some((n.attribute("name")?, n.attribute("content")?)))
            .collect();
        assert_eq!(head.get("dc:format"), Some(&"Daisy 2.02"));
        assert_eq!(
            head.get("ncc:totalElapsedTime"),
            Some(&hms(elapsed).as_str())
        );
        let mut played = 0;
        for par in smil.descendants().filter(|n| n.has_tag_name("par")) {
            let text_el = par.children().find(|n| n.has_tag_name("text")).unwrap();
            let audio = par.children().find(|n| n.has_tag_name("audio")).unwrap();
            assert_eq!(audio.attribute("src"), Some("bulletin.mp3"));
            assert!(dir.join("bulletin.mp3").is_file());
            let begin = clock_ms(audio.attribute("clip-begin").unwrap());
            let end = clock_ms(audio.attribute("clip-end").unwrap());
            assert!(
                begin < end && end <= duration,
                "{begin}..{end} outside 0..{duration}"
            );
            played += end - begin;
            let src = text_el.attribute("src").unwrap();
            let (doc, frag) = src.split_once('#').unwrap();
            assert_eq!(doc, "content.html");
            assert!(content_ids.contains(frag), "{src} does not resolve");
            clips.insert(frag.to_owned(), (begin, end));
            smil_texts
                .entry(f.clone())
                .or_default()
                .insert(text_el.attribute("id").unwrap().to_owned());
        }
        let seq = smil.descendants().find(|n| n.has_tag_name("seq")).unwrap();
        assert_eq!(clock_ms(seq.attribute("dur").unwrap()), played);
        elapsed += played;
    }
    for l in &links {
        let (f, frag) = l.split_once('#').unwrap();
        assert!(smil_texts[f].contains(frag), "{l} does not resolve");
    }
    clips
}

fn epubcheck() -> Option<String> {
    if let Ok(path) = std::env::var("BULLETIN_EPUBCHECK") {
        return Some(path);
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-tools/bin/epubcheck");
    if venv.is_file() {
        return Some(venv.display().to_string());
    }
    assert!(
        std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
        "BULLETIN_EPUBCHECK is required"
    );
    eprintln!("note: epubcheck not installed (.ci/run installs it); skipping its check");
    None
}

fn check_epub(path: &Path, m: &serde_json::Value) {
    let spans = spans(m);
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    {
        let first = zip.by_index(0).unwrap();
        assert_eq!(first.name().unwrap(), "mimetype");
        assert_eq!(first.compression(), zip::CompressionMethod::Stored);
    }
    let read = |zip: &mut zip::ZipArchive<std::fs::File>, name: &str| -> String {
        let mut s = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut s).unwrap();
        s
    };
    assert_eq!(read(&mut zip, "mimetype"), "application/epub+zip");
    let opf_text = read(&mut zip, "EPUB/package.opf");
    let opf = parse_xml(&opf_text);
    let langs: Vec<&str> = opf
        .descendants()
        .filter(|n| n.tag_name().name() == "language")
        .filter_map(|n| n.text())
        .collect();
    assert!(langs.contains(&"zh") && langs.contains(&"en"), "{langs:?}");
    let props: Vec<(&str, Option<&str>, &str)> = opf
        .descendants()
        .filter(|n| n.has_tag_name(("http://www.idpf.org/2007/opf", "meta")))
        .filter_map(|n| Some((n.attribute("property")?, n.attribute("refines"), n.text()?)))
        .collect();
    for p in [
        "schema:accessMode",
        "schema:accessibilityFeature",
        "schema:accessibilitySummary",
        "media:active-class",
    ] {
        assert!(props.iter().any(|(k, _, _)| *k == p), "no {p}");
    }
    let total = props
        .iter()
        .find(|(k, r, _)| *k == "media:duration" && r.is_none())
        .expect("a total media:duration");
    let per: Vec<&str> = props
        .iter()
        .filter(|(k, r, _)| *k == "media:duration" && r.is_some())
        .map(|(_, _, v)| *v)
        .collect();
    let articles = m["articles"].as_array().unwrap();
    assert_eq!(per.len(), articles.len(), "a media:duration per overlay");
    let full_clock = |v: &str| -> u64 {
        let parts: Vec<&str> = v.split(':').collect();
        let (h, mi, s) = (parts[0], parts[1], parts[2]);
        h.parse::<u64>().unwrap() * 3_600_000
            + mi.parse::<u64>().unwrap() * 60_000
            + clock_ms(&format!("{s}s"))
    };
    assert_eq!(
        full_clock(total.2),
        per.iter().map(|v| full_clock(v)).sum::<u64>()
    );

    // Every overlay's clips are the manifest's spans; every document has its language.
    let mut seen = 0;
    for (i, a) in articles.iter().enumerate() {
        let doc = read(&mut zip, &format!("EPUB/s{}.xhtml", i + 1));
        let d = parse_xml(&doc);
        assert_eq!(
            d.root_element()
                .attribute(("http://www.w3.org/XML/1998/namespace", "lang")),
            a["language"].as_str()
        );
        let smil_text = read(&mut zip, &format!("EPUB/s{}.smil", i + 1));
        let smil = parse_xml(&smil_text);
        let mut played = 0;
        for par in smil.descendants().filter(|n| n.tag_name().name() == "par") {
            let text = par
                .children()
                .find(|n| n.tag_name().name() == "text")
                .unwrap();
            let audio = par
                .children()
                .find(|n| n.tag_name().name() == "audio")
                .unwrap();
            let id = text.attribute("src").unwrap().split_once('#').unwrap().1;
            assert!(
                d.descendants().any(|n| n.attribute("id") == Some(id)),
                "{id}"
            );
            let (b, e) = (
                clock_ms(audio.attribute("clipBegin").unwrap()),
                clock_ms(audio.attribute("clipEnd").unwrap()),
            );
            assert_eq!(
                Some(&(b, e)),
                spans.get(id).map(|(s, e, _)| (*s, *e)).as_ref(),
                "{id}"
            );
            played += e - b;
            seen += 1;
        }
        assert_eq!(
            full_clock(per[i]),
            played,
            "media:duration of overlay {}",
            i + 1
        );
    }
    assert_eq!(seen, spans.len(), "every spoken segment is in an overlay");

    if let Some(tool) = epubcheck() {
        let out = Command::new(tool).arg(path).output().unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success(), "EPUBCheck failed:\n{text}");
        let reported: Vec<&str> = text
            .lines()
            .filter(|l| {
                ["FATAL", "ERROR", "WARNING"]
                    .iter()
                    .any(|s| l.starts_with(s))
            })
            .collect();
        assert!(reported.is_empty(), "EPUBCheck reported:\n{text}");
        // The checker is live: the same book without its navigation document fails.
        let broken = path.with_extension("broken.epub");
        {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
            let mut out = zip::ZipWriter::new(std::fs::File::create(&broken).unwrap());
            for i in 0..zip.len() {
                let entry = zip.by_index_raw(i).unwrap();
                if entry.name().unwrap() != "EPUB/nav.xhtml" {
                    out.raw_copy_file(entry).unwrap();
                }
            }
            out.finish().unwrap();
        }
        let out = Command::new(epubcheck().unwrap())
            .arg(&broken)
            .output()
            .unwrap();
        assert!(
            !out.status.success(),
            "EPUBCheck accepts a book without its nav"
        );
    }
}

fn check_html(path: &Path, m: &serde_json::Value) {
    let spans = spans(m);
    let page = scraper::Html::parse_document(&std::fs::read_to_string(path).unwrap());
    assert_eq!(
        format!("{:?}", page.quirks_mode),
        "NoQuirks",
        "an HTML5 doctype"
    );
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let html = page.select(&sel("html")).next().unwrap();
    assert!(html.value().attr("lang").is_some());
    for landmark in ["header", "nav", "main", "footer"] {
        assert_eq!(page.select(&sel(landmark)).count(), 1, "one {landmark}");
    }
    assert_eq!(page.select(&sel("h1")).count(), 1);
    let audio = page
        .select(&sel("audio#player[controls] source"))
        .next()
        .unwrap();
    assert_eq!(audio.value().attr("src"), Some("b.mp3"));
    let articles = m["articles"].as_array().unwrap();
    let shown: Vec<scraper::ElementRef> = page.select(&sel("main article")).collect();
    assert_eq!(shown.len(), articles.len());
    for (el, a) in shown.iter().zip(articles) {
        assert_eq!(el.value().attr("lang"), a["language"].as_str());
        let h2 = el.select(&sel("h2")).next().expect("a heading per article");
        assert_eq!(
            h2.text().collect::<String>(),
            a["title"].as_str().unwrap(),
            "the heading is the title"
        );
        assert_eq!(el.value().attr("aria-labelledby"), h2.value().attr("id"));
    }
    let buttons: Vec<scraper::ElementRef> = page.select(&sel("button.phrase")).collect();
    assert_eq!(buttons.len(), spans.len(), "a control per spoken segment");
    for b in buttons {
        assert_eq!(b.value().attr("type"), Some("button"));
        let id = b.value().attr("id").unwrap();
        let (start, end, _) = spans[id];
        let secs = |v: &str| (v.parse::<f64>().unwrap() * 1000.0).round() as u64;
        assert_eq!(secs(b.value().attr("data-start").unwrap()), start, "{id}");
        assert_eq!(secs(b.value().attr("data-end").unwrap()), end, "{id}");
        assert!(!b.text().collect::<String>().trim().is_empty());
    }
    assert_eq!(
        page.select(&sel("script[src], link[rel=stylesheet]"))
            .count(),
        0,
        "self-contained"
    );
}

/// A strict SubRip reader: numbered from 1, `HH:MM:SS,mmm --> HH:MM:SS,mmm`,
/// a cue ending after it starts, text, one blank line between cues.
fn parse_srt(text: &str) -> Vec<(u64, u64, String)> {
    assert!(!text.starts_with('\u{feff}') && !text.contains('\r'));
    let stamp = |s: &str| -> u64 {
        let b = s.as_bytes();
        assert!(
            b.len() == 12 && b[2] == b':' && b[5] == b':' && b[8] == b',',
            "bad timestamp {s:?}"
        );
        let n = |r: std::ops::Range<usize>| -> u64 {
            assert!(s[r.clone()].bytes().all(|c| c.is_ascii_digit()), "{s:?}");
            s[r].parse().unwrap()
        };
        let (h, m, sec, ms) = (n(0..2), n(3..5), n(6..8), n(9..12));
        assert!(m < 60 && sec < 60, "{s:?}");
        h * 3_600_000 + m * 60_000 + sec * 1000 + ms
    };
    let body = text.strip_suffix('\n').expect("ends with a line break");
    let mut cues = Vec::new();
    for (i, block) in body.split("\n\n").enumerate() {
        let lines: Vec<&str> = block.split('\n').collect();
        assert!(lines.len() >= 3, "cue {} is incomplete: {block:?}", i + 1);
        assert_eq!(lines[0], (i + 1).to_string(), "cues are numbered in order");
        let (a, b) = lines[1].split_once(" --> ").expect("a timing line");
        let (start, end) = (stamp(a), stamp(b));
        assert!(end > start, "cue {} ends before it starts", i + 1);
        assert!(lines[2..]
            .iter()
            .all(|l| !l.trim().is_empty() && !l.contains("-->")));
        cues.push((start, end, lines[2..].join("\n")));
    }
    cues
}

/// WebVTT cue timings, read back from the transcript.
fn vtt_timings(text: &str) -> Vec<(u64, u64)> {
    let stamp = |s: &str| -> u64 {
        let (hms, ms) = s.split_once('.').unwrap();
        let p: Vec<u64> = hms.split(':').map(|x| x.parse().unwrap()).collect();
        p[0] * 3_600_000 + p[1] * 60_000 + p[2] * 1000 + ms.parse::<u64>().unwrap()
    };
    text.lines()
        .filter_map(|l| l.split_once(" --> "))
        .map(|(a, b)| (stamp(a), stamp(b)))
        .collect()
}

#[test]
fn every_book_and_transcript_follows_the_manifest_timeline() {
    let server = FakeTts::start();
    let ws = workspace(&server);
    build(&ws, "b", ALL).success();
    let requests = server.requests().len();
    let m = manifest(&ws, "b");
    assert_eq!(
        requests,
        m["segments"].as_array().unwrap().len(),
        "one synthesis for every format"
    );
    let listed: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        listed,
        vec![
            "b.wav",
            "b.mp3",
            "b.vtt",
            "b.daisy",
            "b.epub",
            "b.html",
            "b.srt",
            "b.chapters.json"
        ]
    );
    let mut on_disk = ws.files("out");
    on_disk.retain(|f| !f.starts_with('.'));
    assert_eq!(
        on_disk,
        vec![
            "b.chapters.json",
            "b.daisy",
            "b.epub",
            "b.html",
            "b.json",
            "b.mp3",
            "b.srt",
            "b.vtt",
            "b.wav"
        ]
    );
    let spans = spans(&m);

    // DAISY: the checker's rules, and sentence k's clip is its manifest span.
    let clips = check_daisy(&ws.path("out/b.daisy"), &m);
    assert_eq!(clips.len(), spans.len(), "a par per spoken segment");
    for (id, (start, end, _)) in &spans {
        assert_eq!(clips.get(id), Some(&(*start, *end)), "the clip of {id}");
    }
    assert_eq!(
        std::fs::read(ws.path("out/b.daisy/bulletin.mp3")).unwrap(),
        std::fs::read(ws.path("out/b.mp3")).unwrap(),
        "the book carries the run's MP3"
    );

    check_epub(&ws.path("out/b.epub"), &m);
    check_html(&ws.path("out/b.html"), &m);

    // SRT: the same cues as the WebVTT and the manifest.
    let srt = parse_srt(&std::fs::read_to_string(ws.path("out/b.srt")).unwrap());
    let vtt = vtt_timings(&std::fs::read_to_string(ws.path("out/b.vtt")).unwrap());
    let srt_timings: Vec<(u64, u64)> = srt.iter().map(|(s, e, _)| (*s, *e)).collect();
    assert_eq!(srt_timings, vtt);
    let manifest_timings: Vec<(u64, u64)> = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] != "sound")
        .map(|s| {
            (
                s["start_ms"].as_u64().unwrap(),
                s["end_ms"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(srt_timings, manifest_timings);
    if let Some(vtt_check) = vtt_checker() {
        let out = Command::new("node")
            .arg(vtt_check)
            .arg(ws.path("out/b.vtt"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let parsed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            parsed["errors"],
            serde_json::json!([]),
            "webvtt-parser errors"
        );
        let cues: Vec<(u64, u64)> = parsed["cues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                let ms = |v: &serde_json::Value| (v.as_f64().unwrap() * 1000.0).round() as u64;
                (ms(&c["start"]), ms(&c["end"]))
            })
            .collect();
        assert_eq!(
            cues, srt_timings,
            "the WebVTT parser reads the SRT's timings"
        );
    }

    // Chapters: one per article at its start.
    let chapters: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/b.chapters.json")).unwrap()).unwrap();
    let chapters = chapters["chapters"].as_array().unwrap();
    let articles = m["articles"].as_array().unwrap();
    assert_eq!(chapters.len(), articles.len());
    for (c, a) in chapters.iter().zip(articles) {
        assert_eq!(c["title"], a["title"]);
        let start = (c["startTime"].as_f64().unwrap() * 1000.0).round() as u64;
        assert_eq!(start, a["start_ms"].as_u64().unwrap());
    }
}

/// Names under `out/` that belong to bulletin `name`, hidden ones included.
fn of_name(ws: &Workspace, name: &str) -> Vec<String> {
    ws.files("out")
        .into_iter()
        .filter(|f| f.starts_with(name) || f.starts_with(&format!(".{name}")))
        .filter(|f| *f != format!(".{name}.lock"))
        .collect()
}

fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

#[test]
fn a_failed_build_leaves_no_partial_book_and_keeps_the_previous_one() {
    let server = FakeTts::start();
    let ws = workspace(&server);
    build(&ws, "b", "wav,daisy,epub").success();
    let before = tree(&ws.path("out/b.daisy"));
    let epub = std::fs::read(ws.path("out/b.epub")).unwrap();
    assert!(before.contains_key("ncc.html"));

    // Something in the way of a file of the next generation: nothing moves.
    std::fs::create_dir(ws.path("out/b.html")).unwrap();
    build(&ws, "b", "wav,daisy,epub,html")
        .fails_with(1)
        .stderr_has("b.html is a folder, in the way");
    assert_eq!(
        tree(&ws.path("out/b.daisy")),
        before,
        "the previous book, byte for byte"
    );
    assert_eq!(std::fs::read(ws.path("out/b.epub")).unwrap(), epub);
    assert_eq!(
        of_name(&ws, "b"),
        vec!["b.daisy", "b.epub", "b.html", "b.json", "b.vtt", "b.wav"],
        "no staged folder, zip or journal left behind"
    );

    // A new book replaces the folder whole; a run without it removes it.
    std::fs::remove_dir(ws.path("out/b.html")).unwrap();
    build(&ws, "b", "wav,daisy").success();
    assert!(ws.path("out/b.daisy/ncc.html").is_file());
    assert_eq!(
        of_name(&ws, "b"),
        vec!["b.daisy", "b.json", "b.vtt", "b.wav"]
    );
    build(&ws, "b", "wav").success();
    assert_eq!(of_name(&ws, "b"), vec!["b.json", "b.vtt", "b.wav"]);
}

#[test]
fn the_feed_keeps_the_last_bulletins_with_enclosure_chapters_and_transcripts() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        crate::harness::openai_config(
            &server.url(),
            "[bulletin.feed]\ntitle = \"Harbour <News> & Views\"\ndescription = \"Daily\"\n\
             image = \"https://example.org/news/cover.jpg\"\ncategory = \"News\"\n",
        ),
    );
    for name in ["d1", "d2", "d3", "d2"] {
        ws.bulletin()
            .args([
                "build",
                "-n",
                name,
                "--format",
                "wav",
                "--feed",
                "out/news.rss",
            ])
            .args(["--feed-url", "https://example.org/news", "--feed-keep", "2"])
            .arg_path(&examples())
            .env("FAKE_TTS_KEY", "k")
            .output()
            .success();
    }
    let bytes = std::fs::read(ws.path("out/news.rss")).unwrap();
    // The feed crate the inputs use reads it back.
    let feed = feed_rs::parser::parse(&bytes[..]).unwrap();
    assert_eq!(feed.title.unwrap().content, "Harbour <News> & Views");
    let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(
        ids,
        vec!["urn:bulletin:d2", "urn:bulletin:d3"],
        "the last 2, newest first, a re-run replacing its item"
    );
    let m = manifest(&ws, "d2");
    let content = feed.entries[0]
        .media
        .iter()
        .flat_map(|o| &o.content)
        .find(|c| c.size.is_some())
        .expect("an enclosure");
    assert_eq!(
        content.size,
        Some(std::fs::metadata(ws.path("out/d2.mp3")).unwrap().len())
    );
    assert_eq!(
        content.url.as_ref().map(|u| u.as_str()),
        Some("https://example.org/news/d2.mp3")
    );

    let text = String::from_utf8(bytes).unwrap();
    let doc = parse_xml(&text);
    let channel = doc.root_element().first_element_child().unwrap();
    let child = |n: roxmltree::Node<'_, '_>, name: &str| -> Option<String> {
        n.children()
            .find(|c| c.is_element() && c.tag_name().name() == name)
            .map(|c| c.text().unwrap_or("").to_owned())
    };
    assert_eq!(child(channel, "language").as_deref(), Some("zh"));
    assert_eq!(child(channel, "explicit").as_deref(), Some("false"));
    for name in ["image", "category"] {
        assert!(
            child(channel, name).is_some(),
            "channel lacks itunes:{name}"
        );
    }
    let item = channel.children().find(|c| c.has_tag_name("item")).unwrap();
    assert_eq!(
        child(item, "duration").unwrap().parse::<u64>().unwrap(),
        (m["audio"]["duration_ms"].as_u64().unwrap() + 500) / 1000
    );
    assert!(child(item, "pubDate").is_some());
    let attr = |name: &str, key: &str| -> Vec<String> {
        item.children()
            .filter(|c| c.is_element() && c.tag_name().name() == name)
            .map(|c| c.attribute(key).unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        attr("chapters", "url"),
        vec!["https://example.org/news/d2.chapters.json"]
    );
    assert_eq!(
        attr("transcript", "type"),
        vec!["text/vtt", "application/x-subrip"]
    );
    assert_eq!(
        attr("transcript", "url"),
        vec![
            "https://example.org/news/d2.vtt",
            "https://example.org/news/d2.srt"
        ]
    );
    // The feed implies the files its item points at.
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for f in ["d2.mp3", "d2.chapters.json", "d2.srt", "d2.vtt"] {
        assert!(
            files.contains(&f) && ws.path(&format!("out/{f}")).is_file(),
            "{f}"
        );
    }
    let chapters: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/d2.chapters.json")).unwrap()).unwrap();
    let starts: Vec<u64> = chapters["chapters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["startTime"].as_f64().unwrap() * 1000.0).round() as u64)
        .collect();
    let article_starts: Vec<u64> = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["start_ms"].as_u64().unwrap())
        .collect();
    assert_eq!(starts, article_starts);

    // A file that is not such a feed is not overwritten.
    ws.write("out/other.rss", "<html>not a feed</html>");
    ws.bulletin()
        .args([
            "build",
            "-n",
            "d4",
            "--feed",
            "out/other.rss",
            "--feed-url",
            "https://example.org/",
        ])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", "k")
        .output()
        .fails_with(1)
        .stderr_has("is not a podcast feed");
    assert_eq!(
        std::fs::read_to_string(ws.path("out/other.rss")).unwrap(),
        "<html>not a feed</html>"
    );
    assert!(!ws.path("out/d4.json").exists(), "nothing committed");
}

/// `tests/browser/check-vtt.mjs` when node and its packages are installed.
fn vtt_checker() -> Option<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if node && dir.join("node_modules/webvtt-parser").is_dir() {
        return Some(dir.join("check-vtt.mjs"));
    }
    assert!(
        std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
        "node and tests/browser/node_modules (webvtt-parser) are required"
    );
    eprintln!(
        "note: tests/browser/node_modules missing (.ci/run installs it); skipping webvtt-parser"
    );
    None
}

/// The browser check's script and Chromium, when installed (`.ci/run` installs both).
fn browser() -> Option<(std::path::PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if node && dir.join("node_modules/puppeteer-core").is_dir() && Path::new(&chromium).is_file() {
        return Some((dir.join("check-page.mjs"), chromium));
    }
    assert!(
        std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
        "node, tests/browser/node_modules and chromium are required"
    );
    eprintln!(
        "note: chromium or tests/browser/node_modules missing (.ci/run installs them); skipping"
    );
    None
}

#[test]
fn the_page_seeks_by_keyboard_and_passes_axe_in_chromium() {
    let Some((script, chromium)) = browser() else {
        return;
    };
    let server = FakeTts::start();
    let ws = workspace(&server);
    build(&ws, "b", "mp3,html").success();
    let m = manifest(&ws, "b");
    // A sentence of the second article (English), well into the page.
    let seg = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "body" && s["article"] == 2)
        .unwrap();
    let (id, start) = (
        seg["id"].as_str().unwrap(),
        seg["start_ms"].as_u64().unwrap(),
    );
    let shots = Path::new(env!("CARGO_TARGET_TMPDIR")).join("page-check");
    std::fs::create_dir_all(&shots).unwrap();
    let shot = shots.join("transcript-page.png");
    let out = Command::new("node")
        .arg(&script)
        .arg(ws.path("out/b.html"))
        .arg(id)
        .arg(&shot)
        .env("CHROMIUM", chromium)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the browser check failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(r["focused"], id, "reached by Tab alone");
    assert_eq!(r["current"], id, "the activated sentence is marked");
    let t = r["currentTime"].as_f64().unwrap();
    let want = start as f64 / 1000.0;
    assert!(
        t >= want - 0.001 && t < want + 0.5,
        "currentTime {t} is not at the sentence's start {want}"
    );
    assert_eq!(
        r["violations"],
        serde_json::json!([]),
        "axe-core violations"
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 0,
        "a screenshot is kept"
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn feed_and_format_flags_are_checked_on_the_command_line() {
    let ws = Workspace::new();
    ws.bulletin()
        .args(["build", "--feed", "f.rss", "x.txt"])
        .output()
        .fails_with(2)
        .stderr_has("--feed-url");
    ws.bulletin()
        .args([
            "build",
            "--feed",
            "f.rss",
            "--feed-url",
            "ftp://example.org/",
            "x.txt",
        ])
        .output()
        .fails_with(2)
        .stderr_has("not an http or https URL");
    ws.bulletin()
        .args(["build", "--format", "wav,daisy2", "x.txt"])
        .output()
        .fails_with(2)
        .stderr_has("use wav, mp3, daisy, epub, html, srt, chapters");
}

/// The `par` clips of a DAISY SMIL file, in order.
fn smil_clips(path: &Path) -> Vec<(u64, u64)> {
    let text = std::fs::read_to_string(path).unwrap();
    let smil = parse_xml(&text);
    smil.descendants()
        .filter(|n| n.has_tag_name("audio"))
        .map(|a| {
            (
                clock_ms(a.attribute("clip-begin").unwrap()),
                clock_ms(a.attribute("clip-end").unwrap()),
            )
        })
        .collect()
}

#[test]
fn the_intro_and_outro_are_sections_of_the_books_and_sounds_are_left_out() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    let sting: Vec<f32> = (0..22050)
        .map(|i| (i as f32 * 2800.0 * std::f32::consts::TAU / 44100.0).sin() * 0.3)
        .collect();
    ws.write("sounds/sting.wav", crate::fake_tts::wav_of(&sting, 44100));
    ws.write(
        "voices.toml",
        crate::harness::openai_config(
            &server.url(),
            "intro = \"Good morning. This is the news.\"\noutro = \"That was the news.\"\n\
             [bulletin.sounds]\nseparator = \"sounds/sting.wav\"",
        ),
    );
    ws.bulletin()
        .args(["build", "-n", "b", "--format", "wav,daisy,epub,html"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .arg_path(&examples().join("01-zh-river-park.txt"))
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    let m = manifest(&ws, "b");
    let segments = m["segments"].as_array().unwrap();
    let span_of = |kind: &str| -> Vec<(u64, u64)> {
        segments
            .iter()
            .filter(|s| s["kind"] == kind)
            .map(|s| {
                (
                    s["start_ms"].as_u64().unwrap(),
                    s["end_ms"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    let sounds = span_of("sound");
    assert!(!sounds.is_empty(), "the separator is in the timeline");

    // DAISY: the bulletin's heading opens the intro, the outro closes the book.
    let dir = ws.path("out/b.daisy");
    let ncc_text = std::fs::read_to_string(dir.join("ncc.html")).unwrap();
    let ncc = parse_xml(&ncc_text);
    let h1: Vec<roxmltree::Node> = ncc.descendants().filter(|n| n.has_tag_name("h1")).collect();
    assert_eq!(h1.len(), 2 + 2, "the bulletin, two articles, the closing");
    assert_eq!(h1[0].attribute("class"), Some("title"));
    let href = |h: &roxmltree::Node| {
        h.descendants()
            .find(|n| n.has_tag_name("a"))
            .and_then(|a| a.attribute("href"))
            .unwrap()
            .split('#')
            .next()
            .unwrap()
            .to_owned()
    };
    assert_eq!(href(&h1[0]), "s0001.smil");
    assert_eq!(href(&h1[3]), "s0004.smil");
    assert_eq!(smil_clips(&dir.join("s0001.smil")), span_of("intro"));
    assert_eq!(smil_clips(&dir.join("s0004.smil")), span_of("outro"));
    let all: Vec<(u64, u64)> = (1..=4)
        .flat_map(|i| smil_clips(&dir.join(format!("s{i:04}.smil"))))
        .collect();
    assert!(
        sounds.iter().all(|s| !all.contains(s)),
        "no clip plays a sound"
    );
    let spoken = segments.iter().filter(|s| s["kind"] != "sound").count();
    assert_eq!(all.len(), spoken, "every spoken segment once");

    // The page: a control per spoken segment, none for the sounds.
    let page =
        scraper::Html::parse_document(&std::fs::read_to_string(ws.path("out/b.html")).unwrap());
    let buttons = page
        .select(&scraper::Selector::parse("button.phrase").unwrap())
        .count();
    assert_eq!(buttons, spoken);

    if let Some(tool) = epubcheck() {
        let out = Command::new(tool)
            .arg(ws.path("out/b.epub"))
            .output()
            .unwrap();
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.status.success()
                && !text.lines().any(|l| l.starts_with("ERROR")
                    || l.starts_with("FATAL")
                    || l.starts_with("WARNING")),
            "EPUBCheck:\n{text}"
        );
    }
}
