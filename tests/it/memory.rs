//! The memory budget: the decoded audio a build holds at once, counted by the
//! program itself (every clip buffer, independently of the budget that is
//! meant to bound it), stays within `--memory-mb` cold and warm, and the
//! audio is the same as an unconstrained build's.

use std::sync::Arc;

use crate::fake_tts::{FakeTts, Reply, Shape};
use crate::harness::{openai_config, read_wav, Workspace};

const MIB: u64 = 1 << 20;

/// Three articles of a dozen long sentences: each clip about 4 s, so 0.8 MB
/// prepared at 48 kHz; a few dozen of them are far more than 4 MiB.
fn articles(ws: &Workspace) {
    for a in 0..3 {
        let body: String = (0..12)
            .map(|s| {
                format!(
                    "Sentence {s} of story {a} goes on for a good while, as wire copy does, \
                     with enough words in it to take several seconds to read aloud. "
                )
            })
            .collect();
        ws.write(
            &format!("day/{a}.txt"),
            format!("Story number {a}\nSource: Desk\n\n{body}\n"),
        );
    }
}

/// A workspace with `articles` and a config for `server` at concurrency 8.
fn articles_at_concurrency_8(server: &FakeTts) -> Workspace {
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "").replace("concurrency = 3", "concurrency = 8"),
    );
    articles(&ws);
    ws
}

/// The build's summary line as JSON.
fn summary(stderr: &str) -> serde_json::Value {
    stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find(|v| v["message"] == "bulletin written")
        .unwrap_or_else(|| panic!("no summary line in:\n{stderr}"))
}

fn build(ws: &Workspace, name: &str, memory: Option<&str>) -> serde_json::Value {
    let mut run = ws.bulletin().env("FAKE_TTS_KEY", "k").args([
        "--log-format",
        "json",
        "build",
        "-n",
        name,
        "day",
    ]);
    if let Some(mb) = memory {
        run = run.args(["--memory-mb", mb]);
    }
    summary(&run.output().success().stderr())
}

#[test]
fn a_tiny_budget_holds_cold_and_warm_and_changes_no_sample() {
    // One answer format, so that cold and warm builds air the same clips.
    let server = FakeTts::with(Arc::new(|_, _| Reply::Wav(Shape::Plain16(24000))));
    let ws = articles_at_concurrency_8(&server);

    let cold = build(&ws, "cold", Some("4"));
    let made = server.requests().len();
    assert!(
        made >= 36,
        "every sentence was synthesized ({made} requests)"
    );
    assert_eq!(cold["memory_budget_bytes"], 4 * MIB);
    let peak = cold["peak_audio_bytes"].as_u64().unwrap();
    assert!(
        peak <= 4 * MIB,
        "cold: {peak} bytes of audio alive at once, over the 4 MiB budget"
    );

    let warm = build(&ws, "warm", Some("4"));
    assert_eq!(
        server.requests().len(),
        made,
        "the warm build asks for nothing"
    );
    let peak = warm["peak_audio_bytes"].as_u64().unwrap();
    assert!(peak <= 4 * MIB, "warm: {peak} bytes alive, over 4 MiB");

    // The same build with room to spare holds far more at once: the count is
    // real, and the budget is what kept the small builds under it.
    let roomy = build(&ws, "roomy", Some("512"));
    let roomy_peak = roomy["peak_audio_bytes"].as_u64().unwrap();
    assert!(
        roomy_peak > 4 * MIB,
        "an unconstrained warm build held only {roomy_peak} bytes; the test proves nothing"
    );

    // Waiting for room reorders work, never the audio.
    let (_, _, small) = read_wav(&ws.path("out/warm.wav"));
    let (_, _, large) = read_wav(&ws.path("out/roomy.wav"));
    let (_, _, first) = read_wav(&ws.path("out/cold.wav"));
    assert!(small == large, "same samples whatever the budget");
    assert!(small == first, "the warm build airs what the cold one did");
    assert!(small.len() > 48000 * 60, "a bulletin of over a minute");
}

/// A request in flight holds no room; only its answer waits for room, before
/// it is decoded. Reserving before the request made a small budget cap the
/// requests in flight: 4 MiB let two of these sentences fly at concurrency 8.
#[test]
fn a_small_budget_still_uses_every_permit_and_holds() {
    let latency = std::time::Duration::from_millis(400);
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = Arc::clone(&arrivals);
    let server = FakeTts::with(Arc::new(move |_, _| {
        seen.lock().unwrap().push(std::time::Instant::now());
        Reply::After(latency, Box::new(Reply::Wav(Shape::Plain16(24000))))
    }));
    let ws = articles_at_concurrency_8(&server);
    let built = build(&ws, "b", Some("4"));

    // Every request takes the latency at least, so requests that arrived
    // within it of one another were in flight together.
    let mut arrivals = arrivals.lock().unwrap().clone();
    arrivals.sort();
    let in_flight = (0..arrivals.len())
        .map(|i| {
            arrivals[i..]
                .iter()
                .take_while(|&&t| t - arrivals[i] < latency)
                .count()
        })
        .max()
        .unwrap();
    assert!(arrivals.len() >= 36, "{} requests", arrivals.len());
    assert_eq!(in_flight, 8, "requests in flight at once, at concurrency 8");
    let peak = built["peak_audio_bytes"].as_u64().unwrap();
    assert!(peak <= 4 * MIB, "{peak} bytes of audio alive, over 4 MiB");
    let (_, _, samples) = read_wav(&ws.path("out/b.wav"));
    assert!(samples.len() > 48000 * 60, "a bulletin of over a minute");
}

#[test]
fn the_budget_comes_from_the_flag_the_environment_or_the_config() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", openai_config(&server.url(), "memory_mb = 6"));
    ws.write("day/a.txt", "Title\nSource: Desk\n\nOne sentence.\n");
    let from_config = build(&ws, "a", None);
    assert_eq!(from_config["memory_budget_bytes"], 6 * MIB);
    let run = |extra: &[&str], env: Option<&str>| {
        let mut run = ws.bulletin().env("FAKE_TTS_KEY", "k");
        if let Some(v) = env {
            run = run.env("BULLETIN_MEMORY_MB", v);
        }
        run.args(["--log-format", "json", "build", "-n", "b", "day"])
            .args(extra)
            .output()
    };
    let from_env = summary(&run(&[], Some("8")).success().stderr());
    assert_eq!(from_env["memory_budget_bytes"], 8 * MIB);
    let from_flag = summary(&run(&["--memory-mb", "10"], Some("8")).success().stderr());
    assert_eq!(from_flag["memory_budget_bytes"], 10 * MIB);
    run(&[], Some("lots"))
        .fails_with(4)
        .stderr_has("BULLETIN_MEMORY_MB");
    run(&["--memory-mb", "1"], None).fails_with(2);
    ws.write("voices.toml", openai_config(&server.url(), "memory_mb = 0"));
    run(&[], None).fails_with(4).stderr_has("memory_mb");
}

/// Every first answer fails, so every clip gives its room back and asks for
/// it again while others wait for the one backend permit: the run must not
/// wait on itself (it did once: cache misses kept their room while queuing
/// for the backend).
#[test]
fn retries_under_a_tiny_budget_do_not_wait_on_each_other() {
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let server = FakeTts::with(Arc::new(move |req, _| {
        let text = req.json()["input"].as_str().unwrap_or_default().to_owned();
        if seen.lock().unwrap().insert(text) {
            Reply::Raw {
                status: 503,
                headers: vec![("retry-after", "0".into())],
                body: b"busy".to_vec(),
            }
        } else {
            Reply::Wav(Shape::Plain16(24000))
        }
    }));
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "").replace("concurrency = 3", "concurrency = 1"),
    );
    articles(&ws);
    let mut child = ws
        .bulletin()
        .env("FAKE_TTS_KEY", "k")
        .args(["-q", "build", "-n", "r", "day", "--memory-mb", "4"])
        .spawn();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > std::time::Duration::from_secs(120) {
            child.kill().unwrap();
            panic!("the build waited on itself: no progress in 120 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(status.success(), "the build failed");
    assert!(
        server.requests().len() >= 2 * 36,
        "each clip was asked for twice"
    );
    let (_, _, samples) = read_wav(&ws.path("out/r.wav"));
    assert!(samples.len() > 48000 * 60);
}
