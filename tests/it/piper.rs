//! The real third-party server: Piper's HTTP server (and the piper program)
//! from PyPI. `.ci/run` starts it; by hand, run `scripts/piper-server.sh` and
//! set the variables it prints. Without them these tests say so and pass,
//! unless BULLETIN_REQUIRE_PIPER is set (as in CI), where they fail.

use std::path::PathBuf;

use crate::harness::{examples, read_wav, Workspace};
use crate::listen::rms;

fn required() -> bool {
    std::env::var_os("BULLETIN_REQUIRE_PIPER").is_some()
}

fn setting(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                !required(),
                "BULLETIN_REQUIRE_PIPER is set but {var} is not"
            );
            eprintln!("note: {var} is not set; skipping (see scripts/piper-server.sh)");
            None
        }
    }
}

/// Renders the English examples and checks what a listener would notice:
/// the format, that every segment speaks, and that each takes a plausible time.
fn render_english(ws: &Workspace, files: &[&str]) -> serde_json::Value {
    let inputs: Vec<PathBuf> = files.iter().map(|f| examples().join(f)).collect();
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-n", "en"])
        .args(&inputs)
        .output()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/en.json")).unwrap()).unwrap();
    let (rate, channels, samples) = read_wav(&ws.path("out/en.wav"));
    assert_eq!((rate, channels), (48000, 1));
    let segments = manifest["segments"].as_array().unwrap();
    assert!(segments.len() >= 5 * files.len());
    for seg in segments {
        let (start, end) = (
            seg["start_ms"].as_u64().unwrap(),
            seg["end_ms"].as_u64().unwrap(),
        );
        let clip = &samples[(start * 48) as usize..((end * 48) as usize).min(samples.len())];
        let id = &seg["id"];
        assert!(rms(clip) > 0.01, "segment {id} is audible");
        let letters = seg["text"]
            .as_str()
            .unwrap()
            .chars()
            .filter(|c| c.is_alphanumeric())
            .count() as f64;
        let per_second = letters / ((end - start) as f64 / 1000.0);
        assert!(
            (6.0..=25.0).contains(&per_second),
            "segment {id}: {per_second:.1} letters a second"
        );
    }
    manifest
}

#[test]
fn renders_the_english_examples_through_the_piper_http_server() {
    let Some(url) = setting("BULLETIN_PIPER_URL") else {
        return;
    };
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        format!("[languages]\nen = \"en\"\n\n[voices.en]\nbackend = \"piper\"\n\n[backends.piper]\npreset = \"piper\"\nurl = \"{url}\"\n"),
    );
    let manifest = render_english(&ws, &["03-en-harbour-ferry.txt", "04-en-school-meals.md"]);
    assert!(manifest["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["backend"] == "piper"));
}

#[test]
fn renders_the_english_examples_through_the_piper_program() {
    let Some(program) = setting("BULLETIN_PIPER_BIN") else {
        return;
    };
    let Some(model) = setting("BULLETIN_PIPER_MODEL") else {
        return;
    };
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        format!(
            "[languages]\nen = \"en\"\n\n[voices.en]\nbackend = \"piper\"\nvoice = '{model}'\n\n[backends.piper]\npreset = \"piper-cli\"\nprogram = '{program}'\nconcurrency = 2\n"
        ),
    );
    // The program loads its model for every segment: one article is enough.
    render_english(&ws, &["04-en-school-meals.md"]);
}
