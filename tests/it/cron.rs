//! Cron-grade runs under fault injection: a loopback backend that fails on
//! purpose, killed and overlapping runs, the cache, and what cron mail and
//! log collectors see.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::fake_tts::{wav_for, FakeTts, Reply, Shape};
use crate::harness::{examples, Workspace};

const PARTIAL: i32 = 3;
const BACKEND: i32 = 5;
const LOCKED: i32 = 6;
const INTERRUPTED: i32 = 130;

fn config(url: &str, extra: &str) -> String {
    format!(
        "[languages]\nzh = \"zh\"\nen = \"en\"\n\
         [voices.zh]\nbackend = \"svc\"\nvoice = \"zf\"\n\
         [voices.en]\nbackend = \"svc\"\nvoice = \"af\"\n\
         [backends.svc]\npreset = \"openai\"\nurl = \"{url}\"\n{extra}\n"
    )
}

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

fn timings(m: &serde_json::Value) -> Vec<(String, u64, u64)> {
    m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["start_ms"].as_u64().unwrap(),
                s["end_ms"].as_u64().unwrap(),
            )
        })
        .collect()
}

/// A fault for request `n`, about 30% of the time, deterministically.
fn fault(n: usize, text: &str) -> Option<Reply> {
    let h = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 33;
    if h % 100 >= 30 {
        return None;
    }
    let wav = wav_for(text, Shape::Plain16(24000));
    Some(match h % 7 {
        0 => Reply::Raw {
            status: 500,
            headers: vec![],
            body: b"internal error".to_vec(),
        },
        1 => Reply::Raw {
            status: 503,
            headers: vec![("retry-after", "0".into())],
            body: b"<html>busy</html>".to_vec(),
        },
        2 => Reply::Raw {
            status: 429,
            headers: vec![
                ("retry-after", "1".into()),
                ("content-type", "application/json".into()),
            ],
            body: br#"{"error":{"message":"rate limited"}}"#.to_vec(),
        },
        3 => Reply::Truncated(wav[..40].to_vec()),
        4 => Reply::Truncated(wav[..wav.len() / 2].to_vec()),
        5 => Reply::Raw {
            status: 200,
            headers: vec![("content-type", "text/html".into())],
            body: b"<html><body>Service maintenance</body></html>".to_vec(),
        },
        _ => Reply::After(
            Duration::from_secs(3),
            Box::new(Reply::Wav(Shape::Plain16(24000))),
        ),
    })
}

#[test]
fn at_a_30_percent_fault_rate_the_bulletin_is_identical_to_a_fault_free_one() {
    let flaky = FakeTts::with(Arc::new(|r, n| {
        // Good answers still carry the broken header sizes real services send.
        let good = Reply::Wav(if n % 2 == 0 {
            Shape::Plain16(24000)
        } else {
            Shape::OpenAiStream
        });
        fault(n, &r.text).unwrap_or(good)
    }));
    let steady = FakeTts::with(Arc::new(|_, _| Reply::Wav(Shape::Plain16(24000))));
    let ws = Workspace::new();
    let extra = "retries = 10\ntimeout_secs = 1\nconcurrency = 4";
    ws.write("flaky.toml", config(&flaky.url(), extra));
    ws.write("steady.toml", config(&steady.url(), extra));
    let inputs = [
        examples().join("01-zh-river-park.txt"),
        examples().join("03-en-harbour-ferry.txt"),
    ];
    ws.bulletin()
        .args(["build", "--no-cache", "-c", "steady.toml", "-n", "steady"])
        .args(&inputs)
        .output()
        .success();
    ws.bulletin()
        .args(["build", "--no-cache", "-c", "flaky.toml", "-n", "flaky"])
        .args(&inputs)
        .output()
        .success();
    let segments = manifest(&ws, "steady")["segments"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        flaky.requests().len() >= segments + 3,
        "faults were injected: {} requests",
        flaky.requests().len()
    );
    assert_eq!(
        timings(&manifest(&ws, "flaky")),
        timings(&manifest(&ws, "steady"))
    );
    assert!(
        crate::harness::read_wav(&ws.path("out/flaky.wav"))
            == crate::harness::read_wav(&ws.path("out/steady.wav")),
        "audio samples identical"
    );
    let retried: u64 = manifest(&ws, "flaky")["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["attempts"].as_u64().unwrap() - 1)
        .sum();
    assert_eq!(
        retried as usize,
        flaky.requests().len() - segments,
        "the manifest counts every retry"
    );
}

#[test]
fn an_unchanged_rerun_makes_no_requests_and_an_edit_requests_only_what_changed() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    let article = std::fs::read_to_string(examples().join("03-en-harbour-ferry.txt")).unwrap();
    ws.write("in/ferry.txt", &article);
    ws.bulletin()
        .args(["build", "-n", "b", "in"])
        .output()
        .success();
    let first = server.requests().len();
    let segments = manifest(&ws, "b")["segments"].as_array().unwrap().len();
    assert_eq!(first, segments);
    assert!(manifest(&ws, "b")["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["cached"] == false));

    ws.bulletin()
        .args(["build", "-n", "b", "in"])
        .output()
        .success();
    assert_eq!(
        server.requests().len(),
        first,
        "zero requests when nothing changed"
    );
    let m = manifest(&ws, "b");
    assert!(m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["cached"] == true && s["attempts"] == 0));

    let edited = article.replace(
        "Tickets and timetables are unchanged.",
        "Fares fall by a tenth on Monday.",
    );
    assert_ne!(edited, article);
    ws.write("in/ferry.txt", &edited);
    ws.bulletin()
        .args(["build", "-n", "b", "in"])
        .output()
        .success();
    let new: Vec<String> = server.requests()[first..]
        .iter()
        .map(|r| r.text.clone())
        .collect();
    assert_eq!(
        new,
        vec!["Fares fall by a tenth on Monday.".to_owned()],
        "only the changed sentence is requested"
    );
    let m = manifest(&ws, "b");
    let fresh: Vec<&str> = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["cached"] == false)
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(fresh, vec!["a1-p3-s1"]);
    let stats = ws
        .bulletin()
        .args(["cache", "stats"])
        .output()
        .success()
        .stdout();
    assert!(
        stats.contains(&format!("clips   {}", segments + 1)),
        "{stats}"
    );
}

#[test]
fn a_run_killed_with_sigkill_resumes_without_repeating_finished_clips() {
    let server = FakeTts::with(Arc::new(|_, _| {
        Reply::After(
            Duration::from_millis(250),
            Box::new(Reply::Wav(Shape::Plain16(24000))),
        )
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), "concurrency = 1"));
    ws.write("out/b.wav", b"yesterday");
    let input = examples().join("03-en-harbour-ferry.txt");
    let mut child = ws
        .bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&input)
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.requests().len() < 5 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let before: BTreeSet<String> = server.requests().iter().map(|r| r.text.clone()).collect();
    assert!(before.len() >= 5);
    assert_eq!(
        std::fs::read(ws.path("out/b.wav")).unwrap(),
        b"yesterday",
        "nothing partial under the final name"
    );
    assert!(!ws.path("out/b.json").exists());

    ws.bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&input)
        .output()
        .success();
    let all = server.requests();
    let segments = manifest(&ws, "b")["segments"].as_array().unwrap().len();
    let after: Vec<String> = all
        .iter()
        .skip(before.len())
        .map(|r| r.text.clone())
        .collect();
    let repeated: Vec<&String> = after.iter().filter(|t| before.contains(*t)).collect();
    // At most the one request in flight when the process died is made again.
    assert!(repeated.len() <= 1, "repeated: {repeated:?}");
    assert_eq!(all.len(), segments + repeated.len());
    assert!(
        ws.files("out").iter().all(|f| !f.ends_with(".partial")),
        "{:?}",
        ws.files("out")
    );
}

#[test]
fn overlapping_runs_on_one_name_wait_or_fail_with_the_lock_code() {
    let server = FakeTts::with(Arc::new(|_, _| {
        Reply::After(
            Duration::from_millis(200),
            Box::new(Reply::Wav(Shape::Plain16(24000))),
        )
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), "concurrency = 1"));
    let input = examples().join("04-en-school-meals.md");
    let first = ws
        .bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&input)
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let pid = first.id();
    ws.bulletin()
        .args(["build", "-n", "b", "--no-cache"])
        .arg_path(&input)
        .output()
        .fails_with(LOCKED)
        .stderr_has(&format!("pid {pid}"));
    let waiter = ws
        .bulletin()
        .args(["build", "-n", "b", "--wait-lock", "60"])
        .arg_path(&input)
        .spawn();
    let first = first.wait_with_output().unwrap();
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let waited = waiter.wait_with_output().unwrap();
    assert!(
        waited.status.success(),
        "{}",
        String::from_utf8_lossy(&waited.stderr)
    );
    let m = manifest(&ws, "b");
    assert_eq!(
        m["segments"].as_array().unwrap().len(),
        server.requests().len(),
        "the waiting run reused the clips"
    );
    crate::harness::read_wav(&ws.path("out/b.wav"));
    assert_eq!(ws.files("out"), vec!["b.json", "b.vtt", "b.wav"]);
}

#[test]
fn sigterm_stops_the_run_with_the_interrupted_code_and_writes_nothing() {
    let server = FakeTts::with(Arc::new(|_, _| {
        Reply::After(
            Duration::from_millis(300),
            Box::new(Reply::Wav(Shape::Plain16(24000))),
        )
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), "concurrency = 1"));
    let child = ws
        .bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .spawn();
    let deadline = Instant::now() + Duration::from_secs(20);
    while server.requests().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(INTERRUPTED),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("interrupted by SIGTERM"));
    assert!(ws.files("out").is_empty(), "{:?}", ws.files("out"));
}

#[test]
fn skip_failed_articles_builds_the_rest_and_lists_what_was_dropped() {
    let server = FakeTts::with(Arc::new(|r, _| {
        if r.text.contains("ferry") || r.text.contains("Ferry") {
            Reply::Raw {
                status: 503,
                headers: vec![],
                body: b"ferry desk offline".to_vec(),
            }
        } else {
            Reply::Wav(Shape::Plain16(24000))
        }
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), "retries = 1"));
    let inputs = [
        examples().join("03-en-harbour-ferry.txt"),
        examples().join("04-en-school-meals.md"),
    ];
    ws.write("out/b.wav", b"yesterday");
    // By default: the backend-failure code, every failure listed, nothing replaced.
    let failed = ws
        .bulletin()
        .args(["build", "-n", "b"])
        .args(&inputs)
        .output()
        .fails_with(BACKEND);
    let err = failed.stderr();
    assert!(
        err.contains(
            "segment a1-title of \"New electric ferry enters service on the harbour route\""
        ),
        "{err}"
    );
    assert!(
        err.contains("HTTP 503: ferry desk offline") && err.contains("after 1 retry"),
        "{err}"
    );
    assert_eq!(std::fs::read(ws.path("out/b.wav")).unwrap(), b"yesterday");

    let partial = ws
        .bulletin()
        .args(["build", "-n", "b", "--skip-failed-articles"])
        .args(&inputs)
        .output()
        .fails_with(PARTIAL);
    assert!(partial.stdout().contains("out/b.wav"));
    let m = manifest(&ws, "b");
    let titles: Vec<&str> = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        vec!["Town council approves free breakfast at all primary schools"]
    );
    assert!(m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["article"] == 0));
    let dropped = &m["dropped_articles"][0];
    assert_eq!(
        dropped["title"],
        "New electric ferry enters service on the harbour route"
    );
    let failed_ids: Vec<&str> = dropped["failed_segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert!(failed_ids.contains(&"a1-title"), "{failed_ids:?}");
    assert_eq!(dropped["failed_segments"][0]["status"], 503);
}

#[test]
fn skip_bad_inputs_reports_and_skips_them() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write(
        "good.txt",
        "A good title\n\nA body sentence that can be read.\n",
    );
    ws.write("bad.txt", b"Caf\xe9\n\nbody\n");
    ws.bulletin()
        .args(["build", "-n", "b", "good.txt", "bad.txt"])
        .output()
        .fails_with(4)
        .stderr_has("bad.txt");
    assert!(ws.files("out").is_empty());
    ws.bulletin()
        .args([
            "build",
            "-n",
            "b",
            "--skip-bad-inputs",
            "good.txt",
            "bad.txt",
            "missing.txt",
        ])
        .output()
        .fails_with(PARTIAL)
        .stderr_has("skipping an input: bad.txt");
    let m = manifest(&ws, "b");
    assert_eq!(m["articles"].as_array().unwrap().len(), 1);
    let skipped: Vec<&str> = m["skipped_inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["origin"].as_str().unwrap())
        .collect();
    assert_eq!(skipped, vec!["bad.txt", "missing.txt"]);
}

#[test]
fn json_logs_have_one_event_per_segment_and_a_summary_and_never_the_key() {
    const KEY: &str = "sk-live-do-not-leak-7Qx";
    let server = FakeTts::with(Arc::new(|r, n| {
        if n == 0 {
            // A backend that echoes the credential back in its error.
            let auth = r.header("authorization").unwrap_or_default().to_owned();
            return Reply::Raw {
                status: 500,
                headers: vec![],
                body: format!("bad credential {auth}").into_bytes(),
            };
        }
        Reply::Wav(Shape::Plain16(24000))
    }));
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        config(&server.url(), "api_key_env = \"SVC_KEY\"\nretries = 2"),
    );
    let run = ws
        .bulletin()
        .args(["--log-format", "json", "build", "-n", "b"])
        .arg_path(&examples().join("04-en-school-meals.md"))
        .env("SVC_KEY", KEY)
        .output()
        .success();
    let events: Vec<serde_json::Value> = run
        .stderr()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    let per_segment: Vec<&serde_json::Value> = events
        .iter()
        .filter(|e| {
            e["message"]
                .as_str()
                .is_some_and(|m| m.ends_with("synthesized"))
        })
        .collect();
    let segments = manifest(&ws, "b")["segments"].as_array().unwrap().len();
    assert_eq!(per_segment.len(), segments);
    for e in &per_segment {
        for field in [
            "segment", "voice", "backend", "audio_ms", "cached", "retries",
        ] {
            assert!(!e[field].is_null(), "{field} missing in {e}");
        }
    }
    let summary = events
        .iter()
        .find(|e| e["message"] == "bulletin written")
        .expect("a final summary");
    assert_eq!(summary["segments"], segments);
    assert_eq!(summary["requests"], segments + 1);
    assert!(
        events.iter().any(|e| e["message"]
            .as_str()
            .is_some_and(|m| m.contains("${SVC_KEY}"))),
        "the echo was scrubbed, by name"
    );
    assert!(!run.stderr().contains(KEY));
    assert!(!std::fs::read_to_string(ws.path("out/b.json"))
        .unwrap()
        .contains(KEY));
    for entry in walk(&ws.path("cache")) {
        assert!(!entry.to_string_lossy().contains(KEY));
        assert!(!std::fs::read(&entry)
            .unwrap()
            .windows(KEY.len())
            .any(|w| w == KEY.as_bytes()));
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn endless_and_oversized_answers_are_cut_off() {
    let server = FakeTts::with(Arc::new(|_, _| Reply::Raw {
        status: 200,
        headers: vec![],
        body: vec![7u8; 3 << 20],
    }));
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        config(&server.url(), "retries = 1\nmax_response_mb = 1"),
    );
    ws.write("a.txt", "Title here\n\nOne body sentence.\n");
    ws.bulletin()
        .args(["build", "-n", "b", "a.txt"])
        .output()
        .fails_with(BACKEND)
        .stderr_has("larger than the limit of 1048576 bytes");
}
