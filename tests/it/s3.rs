//! The clip cache on S3-compatible object storage, against moto's S3 server
//! (a real third-party implementation from PyPI) on loopback. `.ci/run`
//! starts it; by hand, `eval "$(scripts/s3-server.sh)"`. Without
//! BULLETIN_S3_ENDPOINT these tests say so and pass, unless
//! BULLETIN_REQUIRE_TOOLS is set (as in CI). The unreachable-store tests need
//! no server and always run.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::fake_tts::{FakeTts, Reply, SHAPES};
use crate::harness::{examples, openai_config, Outcome, Run, Workspace};
use crate::shard::{assert_every_segment_speaks, planned_texts, texts, SECRET};

const KEY_ID: &str = "AKIATESTBULLETIN7QX";
const SECRET_KEY: &str = "s3-secret-wJalrXUtnFEMI-K7MDENG-bPxRfiCY";

struct S3 {
    endpoint: String,
    bucket: String,
    prefix: String,
}

/// The moto server from the environment, with a prefix of this test's own.
fn s3(test: &str) -> Option<S3> {
    let endpoint = std::env::var("BULLETIN_S3_ENDPOINT")
        .ok()
        .filter(|v| !v.is_empty());
    let Some(endpoint) = endpoint else {
        assert!(
            std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
            "BULLETIN_REQUIRE_TOOLS is set but BULLETIN_S3_ENDPOINT is not (see scripts/s3-server.sh)"
        );
        eprintln!("note: BULLETIN_S3_ENDPOINT is not set; skipping (see scripts/s3-server.sh)");
        return None;
    };
    let bucket = std::env::var("BULLETIN_S3_BUCKET").unwrap_or_else(|_| "bulletin-test".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    Some(S3 {
        endpoint,
        bucket,
        prefix: format!("{test}-{}-{nanos}", std::process::id()),
    })
}

impl S3 {
    fn url(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.prefix)
    }

    /// A run with the cache on this store, reached at `endpoint`.
    fn run(&self, ws: &Workspace, endpoint: &str) -> Run {
        with_store(ws.bulletin(), &self.url(), endpoint)
    }

    /// Every object under the prefix, read with `object_store` itself: (key, bytes).
    fn objects(&self) -> Vec<(String, Vec<u8>)> {
        use futures::StreamExt;
        use object_store::ObjectStore;
        let store = object_store::aws::AmazonS3Builder::new()
            .with_bucket_name(&self.bucket)
            .with_endpoint(&self.endpoint)
            .with_region("us-east-1")
            .with_access_key_id(KEY_ID)
            .with_secret_access_key(SECRET_KEY)
            .with_allow_http(true)
            .build()
            .unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let prefix = object_store::path::Path::from(self.prefix.as_str());
            let metas: Vec<_> = store.list(Some(&prefix)).collect().await;
            let mut out = Vec::new();
            for meta in metas {
                let meta = meta.unwrap();
                let bytes = store
                    .get(&meta.location)
                    .await
                    .unwrap()
                    .bytes()
                    .await
                    .unwrap();
                out.push((meta.location.to_string(), bytes.to_vec()));
            }
            out
        })
    }
}

fn with_store(run: Run, url: &str, endpoint: &str) -> Run {
    run.env("BULLETIN_CACHE_DIR", url)
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_REGION", "us-east-1")
        .env("AWS_ALLOW_HTTP", "true")
        .env("FAKE_TTS_KEY", SECRET)
}

fn build(run: Run, name: &str) -> Run {
    run.args(["build", "-c", "voices.toml", "-o", "out", "-n", name])
        .arg_path(&examples())
}

/// No credential anywhere a person or a collector could read it.
#[track_caller]
fn assert_no_credentials(what: &str, text: &str) {
    for secret in [SECRET_KEY, KEY_ID, SECRET] {
        assert!(!text.contains(secret), "{what} shows a credential:\n{text}");
    }
}

#[track_caller]
fn assert_outcome_clean(run: &Outcome) {
    assert_no_credentials("stderr", &run.stderr());
    assert_no_credentials("stdout", &run.stdout());
}

/// Whether an entry's bytes are a whole entry: a complete WAV (its header's
/// sample count all there) or a prepared clip whose header matches its length.
fn whole(key: &str, bytes: &[u8]) -> bool {
    if key.ends_with(".pcm") {
        if bytes.len() < 24 || &bytes[..8] != b"BLTNPCM1" {
            return false;
        }
        let samples = u64::from_le_bytes(bytes[16..24].try_into().unwrap());
        return bytes.len() as u64 == 24 + samples * 4;
    }
    match hound::WavReader::new(std::io::Cursor::new(bytes)) {
        Ok(reader) => {
            let expected = reader.len() as usize;
            let read = reader.into_samples::<f32>().filter_map(Result::ok).count();
            expected > 0 && read == expected
        }
        Err(_) => false,
    }
}

#[test]
fn shards_share_the_store_and_the_final_build_makes_no_request() {
    let Some(s3) = s3("shards") else { return };
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let planned = planned_texts(&ws);
    let mut shares = Vec::new();
    for k in 0..2 {
        let before = server.requests().len();
        let run = build(s3.run(&ws, &s3.endpoint), "news")
            .args(["--shard", &format!("{k}/2"), "-v"])
            .args(["--metrics-file", &format!("m{k}.prom")])
            .output()
            .success();
        assert_outcome_clean(&run);
        assert_no_credentials(
            "metrics",
            &std::fs::read_to_string(ws.path(&format!("m{k}.prom"))).unwrap(),
        );
        let sent = texts(&server, before);
        assert!(sent.values().all(|&n| n == 1), "{sent:?}");
        shares.push(sent.into_keys().collect::<BTreeSet<_>>());
    }
    assert!(shares[0].is_disjoint(&shares[1]));
    let union: BTreeSet<String> = shares.iter().flatten().cloned().collect();
    assert_eq!(union, planned.iter().cloned().collect::<BTreeSet<_>>());

    let objects = s3.objects();
    assert_eq!(
        objects.len(),
        2 * planned.len(),
        "a clip and a prepared clip per segment"
    );
    for (key, bytes) in &objects {
        assert!(whole(key, bytes), "{key} is not a whole entry");
    }

    // The final build: its only cache is the bucket.
    let before = server.requests().len();
    let run = build(s3.run(&ws, &s3.endpoint), "news")
        .args(["-v", "--log-format", "json"])
        .output()
        .success();
    assert_outcome_clean(&run);
    assert_eq!(
        server.requests().len(),
        before,
        "the final build makes no request"
    );
    let manifest = assert_every_segment_speaks(&ws, "news");
    assert_no_credentials("manifest", &manifest.to_string());
    assert!(manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["cached"] == true));

    // cache stats and prune on the store.
    let stats = s3
        .run(&ws, &s3.endpoint)
        .args(["cache", "stats"])
        .output()
        .success();
    assert!(stats.stdout().contains(&s3.url()), "{}", stats.stdout());
    assert!(
        stats.stdout().contains(&format!(
            "clips   {} (and {} prepared",
            planned.len(),
            planned.len()
        )),
        "{}",
        stats.stdout()
    );
    let prune = s3
        .run(&ws, &s3.endpoint)
        .args(["cache", "prune", "--older-than", "1d"])
        .output()
        .success();
    assert!(
        prune.stdout().starts_with("removed 0 clips"),
        "{}",
        prune.stdout()
    );
    std::thread::sleep(Duration::from_millis(1100));
    let prune = s3
        .run(&ws, &s3.endpoint)
        .args(["cache", "prune", "--older-than", "0s"])
        .output()
        .success();
    assert!(
        prune
            .stdout()
            .starts_with(&format!("removed {} clips", 2 * planned.len())),
        "{}",
        prune.stdout()
    );
    assert!(s3.objects().is_empty());
}

#[test]
fn a_local_cache_in_front_serves_the_next_build_without_the_store() {
    let Some(s3) = s3("front") else { return };
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    let run = build(s3.run(&ws, &s3.endpoint), "a")
        .args(["--cache-local", "front"])
        .output()
        .success();
    assert_outcome_clean(&run);
    let made = server.requests().len();
    assert_eq!(
        s3.objects().len(),
        2 * made,
        "written to the shared store too"
    );
    // The store gone (a closed port): the local cache alone serves every clip.
    let run = build(
        with_store(ws.bulletin(), &s3.url(), &closed_endpoint()),
        "b",
    )
    .args(["--cache-local", "front"])
    .output()
    .success();
    assert_eq!(server.requests().len(), made, "served from the local cache");
    assert!(!run.stderr().contains("unavailable"), "{}", run.stderr());
}

/// A TCP relay to the S3 server that can be cut: every open connection
/// shut and every new one refused.
struct Relay {
    addr: std::net::SocketAddr,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    fn to(upstream: &str) -> Relay {
        let upstream = upstream.trim_start_matches("http://").to_owned();
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (c, o) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if c.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(&upstream) else {
                    continue;
                };
                {
                    let mut open = o.lock().unwrap();
                    open.push(client.try_clone().unwrap());
                    open.push(server.try_clone().unwrap());
                }
                for (mut from, mut to) in [
                    (client.try_clone().unwrap(), server.try_clone().unwrap()),
                    (server, client),
                ] {
                    std::thread::spawn(move || {
                        let mut buf = [0u8; 16 * 1024];
                        while let Ok(n) = from.read(&mut buf) {
                            if n == 0 || to.write_all(&buf[..n]).is_err() {
                                break;
                            }
                        }
                        let _ = to.shutdown(Shutdown::Write);
                    });
                }
            }
        });
        Relay { addr, cut, open }
    }

    fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }
}

#[test]
fn a_store_that_goes_away_mid_run_costs_no_bulletin() {
    let Some(s3) = s3("away") else { return };
    let relay = Arc::new(Relay::to(&s3.endpoint));
    let cutter = relay.clone();
    let server = FakeTts::with(Arc::new(move |_, n| {
        if n == 4 {
            cutter.cut();
        }
        Reply::Wav(SHAPES[n % SHAPES.len()])
    }));
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let planned = planned_texts(&ws);
    let run = build(s3.run(&ws, &relay.endpoint()), "news")
        .args(["--metrics-file", "m.prom"])
        .output()
        .success();
    assert!(
        relay.cut.load(Ordering::SeqCst),
        "the store went away during the run"
    );
    assert!(
        run.stderr().contains("clip cache unavailable") && run.stderr().contains(&s3.url()),
        "one warning naming the store:\n{}",
        run.stderr()
    );
    assert_eq!(
        run.stderr().matches("clip cache unavailable").count(),
        1,
        "{}",
        run.stderr()
    );
    assert_outcome_clean(&run);
    assert_eq!(
        texts(&server, 0).len(),
        planned.iter().collect::<BTreeSet<_>>().len()
    );
    assert_every_segment_speaks(&ws, "news");
    let metrics = std::fs::read_to_string(ws.path("m.prom")).unwrap();
    assert!(
        metrics.contains("bulletin_run_success{name=\"news\"} 1\n"),
        "{metrics}"
    );
    assert!(
        !metrics.contains("bulletin_run_cache_errors{name=\"news\"} 0\n"),
        "{metrics}"
    );
    // Whatever reached the store before it went is whole.
    for (key, bytes) in s3.objects() {
        assert!(whole(&key, &bytes), "{key} is not a whole entry");
    }
}

#[test]
fn a_killed_shard_resumes_and_every_object_is_whole() {
    let Some(s3) = s3("killed") else { return };
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    let server = FakeTts::with(Arc::new(move |_, n| {
        count.fetch_add(1, Ordering::SeqCst);
        Reply::After(
            Duration::from_millis(150),
            Box::new(Reply::Wav(SHAPES[n % SHAPES.len()])),
        )
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    let planned = planned_texts(&ws);
    let mut child = build(s3.run(&ws, &s3.endpoint), "news")
        .args(["--shard", "0/1"])
        .spawn();
    let started = Instant::now();
    while served.load(Ordering::SeqCst) < 8 && started.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(20));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let first = server.requests().len();
    assert!(
        first < planned.len(),
        "killed before the end: {first} of {}",
        planned.len()
    );
    for (key, bytes) in s3.objects() {
        assert!(whole(&key, &bytes), "{key} is not a whole entry");
    }

    let run = build(s3.run(&ws, &s3.endpoint), "news")
        .args(["--shard", "0/1"])
        .output()
        .success();
    assert_outcome_clean(&run);
    let again = server.requests().len() - first;
    assert!(
        again < planned.len(),
        "the re-run resumes: {again} requests of {}",
        planned.len()
    );
    let before = server.requests().len();
    build(s3.run(&ws, &s3.endpoint), "news").output().success();
    assert_eq!(
        server.requests().len(),
        before,
        "the final build makes no request"
    );
    assert_every_segment_speaks(&ws, "news");
}

/// An endpoint nothing listens on.
fn closed_endpoint() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}")
}

#[test]
fn an_unreachable_store_is_a_warning_and_the_bulletin_is_made() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let planned = planned_texts(&ws);
    let endpoint = closed_endpoint();
    let run = build(
        with_store(ws.bulletin(), "s3://clips/news", &endpoint),
        "news",
    )
    .args(["-vv"])
    .output()
    .success()
    .stderr_has("clip cache unavailable")
    .stderr_has("s3://clips/news");
    assert_outcome_clean(&run);
    assert_eq!(server.requests().len(), planned.len());
    let manifest = assert_every_segment_speaks(&ws, "news");
    assert_no_credentials("manifest", &manifest.to_string());

    // The cache commands fail, naming the bucket.
    let stats = with_store(ws.bulletin(), "s3://clips/news", &endpoint)
        .args(["cache", "stats"])
        .output()
        .fails_with(1)
        .stderr_has("s3://clips/news");
    assert_outcome_clean(&stats);

    // A shard cannot do its job without the store: not a success.
    let shard = build(
        with_store(ws.bulletin(), "s3://clips/news", &endpoint),
        "news",
    )
    .args(["--shard", "0/2"])
    .output()
    .fails_with(1)
    .stderr_has("could not be stored");
    assert_outcome_clean(&shard);
}

#[test]
fn a_malformed_s3_url_is_refused_before_any_request() {
    let ws = Workspace::new();
    let server = FakeTts::start();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    build(ws.bulletin(), "news")
        .args(["--cache-dir", "s3:///nobucket"])
        .env("FAKE_TTS_KEY", SECRET)
        .output()
        .fails_with(4)
        .stderr_has("names no bucket");
    assert!(server.requests().is_empty());
}
