//! Intelligibility, judged from the audio by an independent speech
//! recogniser: pocketsphinx (PyPI, its bundled en-us model) transcribes each
//! English segment's span of the bulletin, cut at the manifest's timings
//! (tests/asr/transcribe.py, sox for the cut). The word error rate must stay
//! under a bound set from measurement, and each segment's transcript must be
//! closer to its own text than to its neighbours' (so the timings are right as
//! well as the voice). `.ci/run` installs pocketsphinx and sets
//! BULLETIN_POCKETSPHINX_PYTHON; without it this says so and passes, unless
//! BULLETIN_REQUIRE_TOOLS is set.

use std::path::Path;

use crate::harness::{examples, Workspace};
use crate::workers::{shipped_config, voice_installed};

/// Measured with the shipped voices.toml (Piper's joe voice) on examples 03
/// and 04: 0.35 (227 words), 2026-12-01; espeak-ng en-us measured 0.78 on the
/// same articles (issue 15), so this bound tells the two apart.
const MAX_WER: f64 = 0.45;

fn words(s: &str) -> Vec<String> {
    s.to_lowercase()
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn edit_distance<T: PartialEq>(a: &[T], b: &[T]) -> usize {
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, x) in a.iter().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, y) in b.iter().enumerate() {
            let next = (row[j + 1] + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(x != y));
            diagonal = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

/// How far a transcript is from a text, 0 (same) to 1: the character edit
/// distance over the longer of the two, on lowercase words joined by spaces.
/// Characters, not words, so that a near miss ("harbor" for "harbour") counts
/// as near.
fn distance(hyp: &str, text: &str) -> f64 {
    let (h, t): (Vec<char>, Vec<char>) = (
        words(hyp).join(" ").chars().collect(),
        words(text).join(" ").chars().collect(),
    );
    edit_distance(&h, &t) as f64 / h.len().max(t.len()).max(1) as f64
}

#[test]
fn measures_are_sane() {
    assert_eq!(edit_distance(&words("a b c"), &words("a x c d")), 2);
    assert_eq!(distance("The harbor", "the harbour"), 1.0 / 11.0);
    assert_eq!(distance("", ""), 0.0);
}

#[test]
fn a_recogniser_understands_the_default_english_voice_at_the_manifest_timings() {
    let python = match std::env::var("BULLETIN_POCKETSPHINX_PYTHON") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            assert!(
                std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
                "BULLETIN_REQUIRE_TOOLS is set but BULLETIN_POCKETSPHINX_PYTHON is not"
            );
            eprintln!("note: BULLETIN_POCKETSPHINX_PYTHON is not set; skipping (see .ci/run)");
            return;
        }
    };
    if !voice_installed("piper", "BULLETIN_REQUIRE_PIPER") {
        return;
    }
    let ws = Workspace::new();
    shipped_config(&ws);
    let build = ws
        .bulletin()
        .args(["build", "-n", "en"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .arg_path(&examples().join("04-en-school-meals.md"))
        .output()
        .success();
    let log = build.stderr();
    assert_eq!(
        log.matches("worker ready").count(),
        1,
        "one Piper worker, its model loaded once, spoke every segment: {log}"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/en.json")).unwrap()).unwrap();
    assert!(
        manifest["segments"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["backend"] == "piper"),
        "every English segment is spoken by Piper, not a fallback"
    );
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/asr/transcribe.py");
    let out = std::process::Command::new(&python)
        .arg(&script)
        .arg(ws.path("out/en.wav"))
        .arg(ws.path("out/en.json"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: Vec<(String, String, String)> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            let field = |k: &str| v[k].as_str().unwrap().to_owned();
            (field("id"), field("text"), field("hyp"))
        })
        .collect();
    assert!(rows.len() >= 14, "{} English segments", rows.len());

    let (mut errors, mut reference) = (0, 0);
    let mut report = String::new();
    for (i, (id, text, hyp)) in rows.iter().enumerate() {
        errors += edit_distance(&words(hyp), &words(text));
        reference += words(text).len();
        let own = distance(hyp, text);
        report.push_str(&format!("{id}: {own:.2} {hyp:?}\n"));
        for j in [i.wrapping_sub(1), i + 1] {
            if let Some((other_id, other, _)) = rows.get(j) {
                let theirs = distance(hyp, other);
                assert!(
                    own < theirs,
                    "segment {id}'s transcript {hyp:?} is closer to {other_id} ({theirs:.2}) \
                     than to its own text {text:?} ({own:.2})"
                );
            }
        }
    }
    let wer = errors as f64 / reference as f64;
    eprintln!("word error rate {wer:.3} over {reference} words\n{report}");
    assert!(
        wer < MAX_WER,
        "word error rate {wer:.3} over {reference} words\n{report}"
    );
}
