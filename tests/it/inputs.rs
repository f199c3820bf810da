//! Inputs from URLs and mixed folders, end to end: `build` fetches a feed, a
//! ninjs item and an article page from a loopback server, asks again
//! conditionally on the next run and reuses what it kept on a 304; a 404, a
//! body that is no article, an oversized answer (with a Content-Length or
//! chunked) and a timeout each fail
//! naming the URL (exit 4) or are skipped with `--skip-bad-inputs` (exit 3);
//! `plan` on a mixed folder shows the running order after `--since`, dedupe
//! and `--order`.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_tts::{FakeTts, Recorded, Reply, Shape};
use crate::harness::{openai_config, Workspace};

const KEY: &str = "sk-inputs-test";
const PARTIAL: i32 = 3;
const BAD_INPUT: i32 = 4;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/inputs")
            .join(name),
    )
    .unwrap()
}

fn ok(content_type: &str, body: Vec<u8>, validator: (&'static str, &str)) -> Reply {
    Reply::Raw {
        status: 200,
        headers: vec![
            ("content-type", content_type.to_owned()),
            (validator.0, validator.1.to_owned()),
        ],
        body,
    }
}

fn not_modified() -> Reply {
    Reply::Raw {
        status: 304,
        headers: vec![],
        body: vec![],
    }
}

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

const FEED_ETAG: &str = "\"feed-v1\"";
const ITEM_DATE: &str = "Fri, 27 Nov 2026 21:05:00 GMT";
const PAGE_ETAG: &str = "W/\"page-7\"";

/// What the news paths were answered with, in order: (path, status).
type Answers = Arc<Mutex<Vec<(String, u16)>>>;

/// One loopback server: the TTS backend, and a newsroom serving a feed (with
/// an ETag), a ninjs item (with a Last-Modified) and a page (with an ETag),
/// each answering 304 when asked with the validator it gave.
fn newsroom() -> (FakeTts, Answers) {
    let answers: Answers = Arc::default();
    let seen = answers.clone();
    let flaky = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let server = FakeTts::with(Arc::new(move |r: &Recorded, _| {
        let conditional = |name: &str, value: &str| r.header(name) == Some(value);
        let reply = match r.path.as_str() {
            "/v1/audio/speech" => return Reply::Wav(Shape::Plain16(24000)),
            "/news/feed.rss" if conditional("if-none-match", FEED_ETAG) => not_modified(),
            "/news/feed.rss" => ok(
                "application/rss+xml",
                fixture("en-feed.rss"),
                ("etag", FEED_ETAG),
            ),
            "/wire/item" if conditional("if-modified-since", ITEM_DATE) => not_modified(),
            "/wire/item" => ok(
                "application/json",
                fixture("en-ninjs1.json"),
                ("last-modified", ITEM_DATE),
            ),
            "/story.html" if conditional("if-none-match", PAGE_ETAG) => not_modified(),
            "/story.html" => ok(
                "text/html; charset=utf-8",
                fixture("en-page.html"),
                ("etag", PAGE_ETAG),
            ),
            // Busy once, then fine.
            "/flaky.rss" if flaky.fetch_add(1, std::sync::atomic::Ordering::SeqCst) == 0 => {
                Reply::Raw {
                    status: 503,
                    headers: vec![("retry-after", "0".into())],
                    body: b"busy".to_vec(),
                }
            }
            "/flaky.rss" => ok(
                "application/rss+xml",
                fixture("en-feed.rss"),
                ("etag", "\"flaky\""),
            ),
            "/moved" => Reply::Raw {
                status: 301,
                headers: vec![("location", "/story.html".into())],
                body: vec![],
            },
            "/missing.rss" => Reply::Raw {
                status: 404,
                headers: vec![("content-type", "text/html".into())],
                body: b"<html><body><h1>Not Found</h1></body></html>".to_vec(),
            },
            "/logo.png" => Reply::Raw {
                status: 200,
                headers: vec![("content-type", "image/png".into())],
                body: b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            },
            "/status.json" => Reply::Raw {
                status: 200,
                headers: vec![("content-type", "application/json".into())],
                body: br#"{"status": "ok", "count": 0}"#.to_vec(),
            },
            "/huge.rss" => Reply::Raw {
                status: 200,
                headers: vec![("content-type", "application/rss+xml".into())],
                body: vec![b' '; 50 << 20],
            },
            "/endless.rss" => Reply::Chunked {
                content_type: "application/rss+xml",
                size: 50 << 20,
            },
            "/slow.rss" => Reply::After(
                Duration::from_secs(5),
                Box::new(ok(
                    "application/rss+xml",
                    fixture("en-feed.rss"),
                    ("etag", "\"slow\""),
                )),
            ),
            _ => Reply::Raw {
                status: 500,
                headers: vec![],
                body: b"unexpected path".to_vec(),
            },
        };
        let status = match &reply {
            Reply::Raw { status, .. } => *status,
            _ => 200,
        };
        seen.lock().unwrap().push((r.path.clone(), status));
        reply
    }));
    (server, answers)
}

fn news_requests(server: &FakeTts) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.path != "/v1/audio/speech")
        .collect()
}

#[test]
fn urls_are_fetched_then_asked_for_again_conditionally() {
    let (server, answers) = newsroom();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let urls = [
        format!("{}/news/feed.rss", server.base()),
        format!("{}/wire/item", server.base()),
        format!("{}/story.html", server.base()),
    ];
    let build = |name: &str| {
        ws.bulletin()
            .args(["build", "-c", "voices.toml", "-o", "out", "-n", name])
            .args(&urls)
            .env("FAKE_TTS_KEY", KEY)
            .output()
            .success()
    };
    build("first");
    let first = news_requests(&server);
    assert_eq!(first.len(), 3, "one request per URL");
    for r in &first {
        let agent = r.header("user-agent").unwrap_or_default();
        assert!(agent.starts_with("bulletin/"), "{agent}");
        assert!(r.header("if-none-match").is_none() && r.header("if-modified-since").is_none());
    }
    let articles = |m: &serde_json::Value| -> Vec<(String, String, Option<String>)> {
        m["articles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                (
                    a["title"].as_str().unwrap().to_owned(),
                    a["origin"].as_str().unwrap().to_owned(),
                    a["id"].as_str().map(str::to_owned),
                )
            })
            .collect()
    };
    let made = articles(&manifest(&ws, "first"));
    assert_eq!(
        made,
        vec![
            (
                "Night buses return to the northern suburbs".to_owned(),
                urls[0].clone(),
                Some("https://herald.example/local/night-buses".to_owned())
            ),
            (
                "Offshore wind farm gets the go-ahead".to_owned(),
                urls[1].clone(),
                Some("http://wire.example.com/2026/11/27/harbour-wind-farm".to_owned())
            ),
            (
                "Harbour tunnel to close for two weekends".to_owned(),
                urls[2].clone(),
                None
            ),
        ],
        "the manifest records each article's origin (the URL) and item id"
    );

    build("second");
    let second: Vec<Recorded> = news_requests(&server).split_off(3);
    assert_eq!(second.len(), 3);
    assert_eq!(second[0].header("if-none-match"), Some(FEED_ETAG));
    assert_eq!(second[1].header("if-modified-since"), Some(ITEM_DATE));
    assert_eq!(second[2].header("if-none-match"), Some(PAGE_ETAG));
    let statuses: Vec<u16> = answers.lock().unwrap()[3..].iter().map(|a| a.1).collect();
    assert_eq!(statuses, vec![304, 304, 304], "answered without a body");
    assert_eq!(
        articles(&manifest(&ws, "second")),
        made,
        "the bodies kept from the first run are read"
    );

    // Without the cache nothing is remembered: an unconditional GET.
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-n", "third", "--no-cache"])
        .args([&urls[0]])
        .env("FAKE_TTS_KEY", KEY)
        .output()
        .success();
    let third = news_requests(&server);
    assert!(third[6].header("if-none-match").is_none());
}

#[test]
fn bad_urls_fail_naming_the_url_and_can_be_skipped() {
    let (server, _) = newsroom();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(
            &server.url(),
            "loudness = \"off\"\n[bulletin.fetch]\ntimeout_secs = 1\nretries = 0",
        ),
    );
    ws.write(
        "good.txt",
        "A good title\n\nA body sentence that can be read.\n",
    );
    let url = |path: &str| format!("{}{path}", server.base());
    let cases = [
        ("/missing.rss", "answered 404 Not Found"),
        (
            "/logo.png",
            "answered with image/png, not a feed or an article",
        ),
        ("/status.json", "not an article in a known format"),
        (
            "/huge.rss",
            "answer is too large (50.0 MiB; the limit for an input is 10.0 MiB",
        ),
        ("/slow.rss", "no complete answer within 1.0s"),
        // The same 50 MiB without a Content-Length: cut off at the limit.
        (
            "/endless.rss",
            "answer is too large (more than 10.0 MiB; the limit for an input is 10.0 MiB",
        ),
    ];
    for (path, reason) in cases {
        let u = url(path);
        let run = ws
            .bulletin()
            .args(["build", "-c", "voices.toml", "-n", "b", "good.txt"])
            .args([&u])
            .env("FAKE_TTS_KEY", KEY)
            .output()
            .fails_with(BAD_INPUT);
        let stderr = run.stderr();
        assert!(
            stderr.contains(&format!("{u}: ")) && stderr.contains(reason),
            "{path}: {stderr}"
        );
        assert!(ws.files("out").is_empty(), "nothing written for {path}");
    }
    let started = std::time::Instant::now();
    ws.bulletin()
        .args([
            "build",
            "-c",
            "voices.toml",
            "-n",
            "b",
            "--skip-bad-inputs",
            "good.txt",
        ])
        .args(cases.iter().map(|(p, _)| url(p)))
        .env("FAKE_TTS_KEY", KEY)
        .output()
        .fails_with(PARTIAL)
        .stderr_has(&format!("skipping an input: {}", url("/missing.rss")));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "no retries of what cannot get better"
    );
    let m = manifest(&ws, "b");
    assert_eq!(m["articles"].as_array().unwrap().len(), 1);
    let skipped: Vec<&str> = m["skipped_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap())
        .collect();
    let expected: Vec<String> = cases.iter().map(|(p, _)| url(p)).collect();
    assert_eq!(skipped, expected);
}

#[test]
fn a_playlist_may_list_urls_beside_files() {
    let (server, _) = newsroom();
    let ws = Workspace::new();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    ws.write(
        "desk/lead.md",
        "# Lead story\n\nThe lead story's only sentence.\n",
    );
    ws.write(
        "desk/run.list",
        format!("# morning\n{}/story.html\nlead.md\n", server.base()),
    );
    let out = ws
        .bulletin()
        .args(["plan", "--json", "-c", "voices.toml", "desk/run.list"])
        .output()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let origins: Vec<&str> = plan["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["origin"].as_str().unwrap())
        .collect();
    assert_eq!(
        origins,
        vec![
            format!("{}/story.html", server.base()).as_str(),
            "desk/lead.md"
        ]
    );
}

/// The day's folder of every format, with a playlist among them.
fn mixed_day(ws: &Workspace) {
    let day = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/inputs/day");
    for entry in std::fs::read_dir(&day).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        ws.write(&format!("day/{name}"), std::fs::read(entry.path()).unwrap());
    }
    ws.write(
        "day/08-late.list",
        "# late additions, in this order\n../late/storm.md\n01-lead.txt\n",
    );
    ws.write(
        "late/storm.md",
        "---\ntitle: Storm warning for the coast tonight\nsource: Valley Courier\npublished: 2026-11-29T16:00:00Z\npriority: 1\nid: storm-1\n---\n\nA storm warning is in force for the coast from six this evening.\n",
    );
    ws.write(
        "voices.toml",
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("voices.toml")).unwrap(),
    );
}

#[test]
fn plan_shows_the_running_order_of_a_mixed_folder() {
    let ws = Workspace::new();
    mixed_day(&ws);
    let plan = |args: &[&str]| {
        ws.bulletin()
            .args(["plan", "-c", "voices.toml"])
            .args(args)
            .args(["day"])
            .env("TZ", "UTC")
            .output()
            .success()
            .stdout()
    };
    let order = plan(&["--since", "2026-11-27T00:00:00Z", "--order", "published"]);
    insta::assert_snapshot!("mixed_folder_since_published", order);
    let headers = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with('['))
            .map(str::to_owned)
            .collect()
    };
    let by_priority = plan(&["--order", "priority", "--limit", "3"]);
    insta::assert_snapshot!(
        "mixed_folder_priority_limit",
        headers(&by_priority).join("\n")
    );
}

#[test]
fn the_config_names_the_inputs_and_how_to_pick() {
    let ws = Workspace::new();
    mixed_day(&ws);
    let mut config = String::from_utf8(std::fs::read(ws.path("voices.toml")).unwrap()).unwrap();
    config = config.replacen(
        "[bulletin]\n",
        "[bulletin]\ninputs = [\"day\"]\nsince = \"2026-11-27T00:00:00Z\"\norder = \"priority\"\nlimit = 2\n",
        1,
    );
    ws.write("conf/morning.toml", config);
    // Relative inputs are found beside the config, not in the working folder.
    std::fs::rename(ws.path("day"), ws.path("conf/day")).unwrap();
    std::fs::rename(ws.path("late"), ws.path("conf/late")).unwrap();
    let out = ws
        .bulletin()
        .args(["plan", "--json", "-c", "conf/morning.toml"])
        .output()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    let titles: Vec<&str> = plan["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    // Two of priority 1: they keep the order they were read in.
    assert_eq!(
        titles,
        vec![
            "区图书馆周末增开亲子阅读课",
            "Storm warning for the coast tonight"
        ]
    );
    // The command line wins over the config.
    let out = ws
        .bulletin()
        .args(["plan", "--json", "-c", "conf/morning.toml", "--limit", "1"])
        .output()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(plan["articles"].as_array().unwrap().len(), 1);
    // No inputs anywhere is a clear usage error.
    ws.write("empty.toml", std::fs::read(ws.path("voices.toml")).unwrap());
    ws.bulletin()
        .args(["plan", "-c", "empty.toml"])
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has("no inputs: name files, folders, URLs or - on the command line");
}

#[test]
fn redirects_follow_the_policy() {
    let (server, _) = newsroom();
    let ws = Workspace::new();
    let moved = format!("{}/moved", server.base());
    ws.write("voices.toml", openai_config(&server.url(), ""));
    let out = ws
        .bulletin()
        .args(["plan", "--json", "-c", "voices.toml", &moved])
        .output()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&out.stdout()).unwrap();
    assert_eq!(plan["articles"][0]["origin"], moved.as_str());
    assert_eq!(
        plan["articles"][0]["title"],
        "Harbour tunnel to close for two weekends"
    );
    ws.write(
        "none.toml",
        openai_config(&server.url(), "[bulletin.fetch]\nredirects = \"none\""),
    );
    ws.bulletin()
        .args(["plan", "-c", "none.toml", &moved])
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has(&format!(
            "{moved}: answered 301 redirecting to {}/story.html; redirects are not followed",
            server.base()
        ));
}

#[test]
fn a_busy_server_is_asked_again_by_the_retry_policy() {
    let (server, answers) = newsroom();
    let ws = Workspace::new();
    let flaky = format!("{}/flaky.rss", server.base());
    ws.write("voices.toml", openai_config(&server.url(), ""));
    ws.bulletin()
        .args(["plan", "-c", "voices.toml", &flaky])
        .output()
        .success();
    let statuses: Vec<u16> = answers.lock().unwrap().iter().map(|a| a.1).collect();
    assert_eq!(statuses, vec![503, 200]);
    // With no retries the 503 is the answer, named with the URL.
    let (server, _) = newsroom();
    let flaky = format!("{}/flaky.rss", server.base());
    ws.write(
        "once.toml",
        openai_config(&server.url(), "[bulletin.fetch]\nretries = 0"),
    );
    ws.bulletin()
        .args(["plan", "-c", "once.toml", &flaky])
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has(&format!("{flaky}: answered 503 Service Unavailable"));
}
