//! `bulletin build --shard K/N` on a shared local cache: the shards' shares
//! cover every segment exactly once, a final plain build makes no request,
//! and a shard with a failing segment exits 5. (`s3.rs` does the same on
//! object storage.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Arc;

use crate::fake_tts::{tone_hz, FakeTts, Reply, SHAPES};
use crate::harness::{examples, openai_config, read_wav, Run, Workspace};
use crate::listen::dominant_hz;

pub const SECRET: &str = "sk-shard-secret-0123456789";

/// The texts `build` would send, from `plan --json`.
pub fn planned_texts(ws: &Workspace) -> Vec<String> {
    let plan = ws
        .bulletin()
        .args(["plan", "--json", "-c", "voices.toml"])
        .arg_path(&examples())
        .output()
        .success();
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout()).unwrap();
    plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_owned())
        .collect()
}

/// Every segment of `out/NAME.wav` sounds at its own text's pitch where the manifest says.
pub fn assert_every_segment_speaks(ws: &Workspace, name: &str) -> serde_json::Value {
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap())
            .unwrap();
    let (rate, _, samples) = read_wav(&ws.path(&format!("out/{name}.wav")));
    let frame = |ms: u64| (ms * u64::from(rate) / 1000) as usize;
    for seg in manifest["segments"].as_array().unwrap() {
        let (start, end) = (
            seg["start_ms"].as_u64().unwrap(),
            seg["end_ms"].as_u64().unwrap(),
        );
        assert!(end > start, "{seg}");
        let clip = &samples[frame(start)..frame(end).min(samples.len())];
        assert_eq!(
            dominant_hz(clip, rate),
            tone_hz(seg["text"].as_str().unwrap()),
            "segment {} speaks its own text",
            seg["id"]
        );
    }
    manifest
}

/// The requests' texts, counted.
pub fn texts(server: &FakeTts, from: usize) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for r in &server.requests()[from..] {
        *out.entry(r.text.clone()).or_default() += 1;
    }
    out
}

fn shard(ws: &Workspace, k: u32, n: u32) -> Run {
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-o", "out", "-n", "news"])
        .args(["--shard", &format!("{k}/{n}")])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", SECRET)
}

#[test]
fn shards_cover_every_segment_once_and_the_final_build_makes_no_request() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let planned = planned_texts(&ws);
    let mut shares: Vec<BTreeSet<String>> = Vec::new();
    for k in 0..3 {
        let before = server.requests().len();
        let run = shard(&ws, k, 3)
            .args(["--metrics-file", &format!("shard-{k}.prom")])
            .output()
            .success();
        assert_eq!(
            run.stdout(),
            "",
            "a shard writes no bulletin and lists no path"
        );
        let sent = texts(&server, before);
        assert!(
            sent.values().all(|&n| n == 1),
            "one request per segment: {sent:?}"
        );
        let metrics = std::fs::read_to_string(ws.path(&format!("shard-{k}.prom"))).unwrap();
        assert!(
            metrics.contains(&format!(
                "bulletin_run_requests{{name=\"news\",shard=\"{k}/3\"}} {}\n",
                sent.len()
            )),
            "{metrics}"
        );
        shares.push(sent.into_keys().collect());
    }
    assert!(
        ws.files("out").iter().all(|f| !f.starts_with("news.")),
        "no bulletin from the shards: {:?}",
        ws.files("out")
    );
    for (i, a) in shares.iter().enumerate() {
        for b in &shares[i + 1..] {
            assert!(a.is_disjoint(b), "shares overlap: {:?}", a.intersection(b));
        }
        assert!(
            !a.is_empty(),
            "each of 3 shards has some of {} segments",
            planned.len()
        );
    }
    let union: BTreeSet<String> = shares.iter().flatten().cloned().collect();
    assert_eq!(union, planned.iter().cloned().collect::<BTreeSet<_>>());
    assert_eq!(server.requests().len(), planned.len());

    // A shard run again finds its share cached: the split is stable.
    let before = server.requests().len();
    shard(&ws, 1, 3).output().success();
    assert_eq!(
        server.requests().len(),
        before,
        "a re-run shard makes no request"
    );

    let run = ws
        .bulletin()
        .args(["build", "-c", "voices.toml", "-o", "out", "-n", "news"])
        .args(["--metrics-file", "final.prom"])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", SECRET)
        .output()
        .success();
    assert_eq!(
        server.requests().len(),
        before,
        "the final build makes no request"
    );
    assert!(run.stdout().contains("out/news.json"));
    let manifest = assert_every_segment_speaks(&ws, "news");
    assert!(manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["cached"] == true && s["attempts"] == 0));
    let metrics = std::fs::read_to_string(ws.path("final.prom")).unwrap();
    assert!(
        metrics.contains("bulletin_run_requests{name=\"news\"} 0\n"),
        "{metrics}"
    );
    assert!(
        metrics.contains(&format!(
            "bulletin_run_cache_hits{{name=\"news\"}} {}\n",
            planned.len()
        )),
        "{metrics}"
    );
    assert!(
        metrics.contains("bulletin_run_success{name=\"news\"} 1\n"),
        "{metrics}"
    );
}

#[test]
fn a_shard_whose_segment_fails_exits_5_and_the_others_succeed() {
    let ws = Workspace::new();
    // The text of the first segment fails every time; the rest speak.
    let probe = FakeTts::start();
    ws.write("voices.toml", openai_config(&probe.url(), ""));
    let doomed = planned_texts(&ws)[0].clone();
    let failing = doomed.clone();
    let server = FakeTts::with(Arc::new(move |r, n| {
        if r.text == failing {
            Reply::Raw {
                status: 500,
                headers: vec![],
                body: b"{\"error\":\"GPU on fire\"}".to_vec(),
            }
        } else {
            Reply::Wav(SHAPES[n % SHAPES.len()])
        }
    }));
    ws.write("voices.toml", openai_config(&server.url(), ""));
    let codes: Vec<i32> = (0..2)
        .map(|k| {
            let run = shard(&ws, k, 2)
                .args(["--metrics-file", &format!("m{k}.prom")])
                .output();
            let metrics = std::fs::read_to_string(ws.path(&format!("m{k}.prom"))).unwrap();
            assert!(
                metrics.contains(&format!(
                    "bulletin_run_exit_code{{name=\"news\",shard=\"{k}/2\"}} {}\n",
                    run.code()
                )),
                "the metrics are written on failure too:\n{metrics}"
            );
            if run.code() == 5 {
                assert!(run.stderr().contains("a1-title"), "{}", run.stderr());
                assert!(
                    metrics.contains(&format!(
                        "bulletin_run_segment_failures{{name=\"news\",shard=\"{k}/2\",backend=\"fake\"}} 1\n"
                    )),
                    "{metrics}"
                );
            }
            run.code()
        })
        .collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        vec![0, 5],
        "exactly the shard owning the failing segment fails: {codes:?}"
    );
    assert!(texts(&server, 0).contains_key(&doomed));
}

#[test]
fn shard_arguments_are_checked() {
    let ws = Workspace::new();
    let server = FakeTts::start();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    for bad in ["2/2", "1/0", "x"] {
        ws.bulletin()
            .args(["build", "--shard", bad])
            .arg_path(&examples())
            .output()
            .fails_with(2)
            .stderr_has("shard");
    }
    ws.bulletin()
        .args(["build", "--shard", "0/2", "--no-cache"])
        .arg_path(&examples())
        .output()
        .fails_with(2);
    assert!(server.requests().is_empty());
    assert!(!Path::new(&ws.path("out/news.json")).exists());
}
