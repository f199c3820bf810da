//! Backends as they fail in practice: pools that route around a dead
//! endpoint, fallback voices, and answers that break off or stall.

use std::sync::Arc;
use std::time::Duration;

use crate::fake_tts::{wav_for, FakeTts, Reply, Shape};
use crate::harness::{examples, Workspace};

fn dead_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("http://127.0.0.1:{port}/v1/audio/speech")
}

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

#[test]
fn a_pool_routes_around_a_dead_endpoint() {
    let live = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        format!(
            "[languages]\nen = \"en\"\n[voices.en]\nbackend = \"pool\"\nvoice = \"a\"\n\
             [backends.pool]\npreset = \"openai\"\nurls = [\"{}\", \"{}\"]\nretries = 3\nconcurrency = 1\n",
            dead_url(),
            live.url()
        ),
    );
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-n", "b"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .output()
        .success();
    let segments = manifest(&ws, "b")["segments"].as_array().unwrap().len();
    // After two failures the dead member cools down: the live one takes the rest.
    assert_eq!(live.requests().len(), segments);
    let attempts: u64 = manifest(&ws, "b")["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["attempts"].as_u64().unwrap())
        .sum();
    assert!(
        attempts <= segments as u64 + 2,
        "{attempts} attempts for {segments} segments"
    );
}

#[test]
fn a_voice_falls_back_when_its_backend_is_exhausted_and_the_manifest_says_so() {
    let live = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        format!(
            "[languages]\nen = \"main\"\n\
             [voices.main]\nbackend = \"dead\"\nvoice = \"a\"\nfallback = \"backup\"\n\
             [voices.backup]\nbackend = \"live\"\nvoice = \"b\"\n\
             [backends.dead]\npreset = \"openai\"\nurl = \"{}\"\nretries = 0\n\
             [backends.live]\npreset = \"openai\"\nurl = \"{}\"\n",
            dead_url(),
            live.url()
        ),
    );
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-n", "b"])
        .arg_path(&examples().join("04-en-school-meals.md"))
        .output()
        .success()
        .stderr_has("trying its fallback");
    for seg in manifest(&ws, "b")["segments"].as_array().unwrap() {
        assert_eq!(seg["voice"], "main", "the script's voice is kept");
        assert_eq!(
            (seg["spoken_voice"].as_str(), seg["backend"].as_str()),
            (Some("backup"), Some("live"))
        );
    }
    assert!(live.requests().iter().all(|r| r.json()["voice"] == "b"));
}

#[test]
fn broken_off_and_stalled_answers_are_retried_to_the_same_result() {
    // Every third request breaks off halfway; every fifth stalls past the timeout.
    let flaky = FakeTts::with(Arc::new(|r, n| {
        let wav = wav_for(&r.text, Shape::Plain16(24000));
        if n % 3 == 1 {
            Reply::Truncated(wav[..wav.len() / 2].to_vec())
        } else if n % 5 == 2 {
            Reply::After(
                Duration::from_secs(5),
                Box::new(Reply::Wav(Shape::Plain16(24000))),
            )
        } else {
            Reply::Raw {
                status: 200,
                headers: vec![],
                body: wav,
            }
        }
    }));
    let steady = FakeTts::with(Arc::new(|_, _| Reply::Wav(Shape::Plain16(24000))));
    let config = |url: &str| {
        format!(
            "[languages]\nen = \"en\"\n[voices.en]\nbackend = \"svc\"\nvoice = \"a\"\n\
             [backends.svc]\npreset = \"openai\"\nurl = \"{url}\"\nretries = 6\ntimeout_secs = 1\n"
        )
    };
    let input = examples().join("04-en-school-meals.md");
    let ws = Workspace::new();
    ws.write("flaky.toml", config(&flaky.url()));
    ws.write("steady.toml", config(&steady.url()));
    ws.bulletin()
        .args(["build", "-c", "flaky.toml", "-n", "flaky"])
        .arg_path(&input)
        .output()
        .success();
    ws.bulletin()
        .args(["build", "-c", "steady.toml", "-n", "steady"])
        .arg_path(&input)
        .output()
        .success();
    assert!(
        flaky.requests().len() > steady.requests().len(),
        "faults were injected and retried"
    );
    assert!(
        crate::harness::read_wav(&ws.path("out/flaky.wav"))
            == crate::harness::read_wav(&ws.path("out/steady.wav")),
        "the retried bulletin is sample-for-sample the fault-free one"
    );
}
