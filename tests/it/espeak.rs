//! The local voice that always works: the shipped voices.toml's espeak-ng
//! fallback voices, with the real espeak-ng. CI installs espeak-ng; on a
//! machine without it these tests say so and pass.

use std::process::Command;

use crate::harness::{examples, read_wav, Workspace};
use crate::listen::rms;

fn espeak_installed() -> bool {
    let found = Command::new("espeak-ng")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        eprintln!("note: espeak-ng is not installed; skipping (sudo apt-get install espeak-ng)");
    }
    found
}

/// The shipped voices.toml with both languages on their espeak-ng fallbacks.
fn shipped_config(ws: &Workspace) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("voices.toml"),
    )
    .unwrap();
    let espeak = text.replace(
        "\nzh = \"zh\"\nen = \"en\"\n",
        "\nzh = \"zh-espeak\"\nen = \"en-espeak\"\n",
    );
    assert_ne!(espeak, text, "the shipped [languages] table changed");
    ws.write("voices.toml", espeak);
}

#[test]
fn cmn_latn_pinyin_reads_mandarin_tones_not_english_digits() {
    if !espeak_installed() {
        return;
    }
    // The phonemes, not the sound, tell whether the voice reads Mandarin:
    // `cmn` on espeak-ng 1.51 switches to English for tone digits.
    let phonemes = |voice: &str| {
        let out = Command::new("espeak-ng")
            .args(["-q", "-x", "-v", voice, "你好"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let pinyin = phonemes("cmn-latn-pinyin");
    assert!(
        pinyin.contains("n'i35") && pinyin.contains("X'Au21"),
        "{pinyin}"
    );
    assert!(!pinyin.contains("(en)"), "{pinyin}");
    let ws = Workspace::new();
    shipped_config(&ws);
    let c = bulletin::config::Config::load(
        &ws.path("voices.toml"),
        bulletin::config::Secrets::Required,
        &|_| None,
    )
    .unwrap();
    let zh_voice = &c.script.languages["zh"].default.name;
    assert_eq!(c.voices.get(zh_voice).unwrap().voice, "cmn-latn-pinyin");
}

#[test]
fn renders_the_chinese_example_to_speech_of_plausible_length() {
    if !espeak_installed() {
        return;
    }
    let ws = Workspace::new();
    shipped_config(&ws);
    ws.bulletin()
        .args(["build", "-o", "out", "-n", "zh"])
        .arg_path(&examples().join("01-zh-river-park.txt"))
        .output()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/zh.json")).unwrap()).unwrap();
    let (rate, _, samples) = read_wav(&ws.path("out/zh.wav"));
    assert_eq!(rate, 48000);
    let mut han = 0usize;
    let mut speech_ms = 0u64;
    for seg in manifest["segments"].as_array().unwrap() {
        let (start, end) = (
            seg["start_ms"].as_u64().unwrap(),
            seg["end_ms"].as_u64().unwrap(),
        );
        let clip = &samples[(start * 48) as usize..((end * 48) as usize).min(samples.len())];
        assert!(rms(clip) > 0.01, "segment {} is audible", seg["id"]);
        let text = seg["text"].as_str().unwrap();
        han += text
            .chars()
            .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
            .count();
        speech_ms += end - start;
        assert_eq!(seg["voice"], "zh-espeak");
    }
    let per_second = han as f64 / (speech_ms as f64 / 1000.0);
    assert!(
        (3.0..=7.0).contains(&per_second),
        "{per_second:.2} characters a second over {speech_ms} ms"
    );
}
