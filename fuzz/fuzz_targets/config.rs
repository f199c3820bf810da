//! Fuzz target: the config loader. Arbitrary text as `voices.toml`, parsed without
//! requiring secrets and with a fake environment. Loading fails with a message or
//! yields a `Config` whose validated promises hold, and whose `Debug` never shows a
//! secret's value.

#![no_main]

use std::path::Path;

use bulletin::config::{Config, Secrets};
use libfuzzer_sys::fuzz_target;

const MARKER: &str = "S3CR3T";

/// A config under a folder that does not exist, so lexicon and sound paths are
/// looked up (and missed) without touching real files.
const PATH: &str = "/nonexistent/bulletin-fuzz/voices.toml";

/// Names starting with an upper-case letter are set; others are missing.
fn env(name: &str) -> Option<String> {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| format!("{MARKER}-{name}"))
}

fn check(config: &Config, text: &str) {
    assert!((8_000..=192_000).contains(&config.audio.sample_rate));
    assert!(
        matches!(config.output.bits, 16 | 24),
        "bits {}",
        config.output.bits
    );
    let voices: Vec<&str> = config.voices.iter().map(|v| v.name.as_str()).collect();
    for voice in &config.voices {
        assert!(
            config.backends.iter().any(|b| b.name == voice.backend),
            "voice {} names a backend that is not there",
            voice.name
        );
        assert!((0.25..=4.0).contains(&voice.speed), "speed {}", voice.speed);
        if let Some(fallback) = &voice.fallback {
            assert_ne!(fallback, &voice.name);
            assert!(voices.contains(&fallback.as_str()), "fallback {fallback}");
        }
    }
    if !text.contains(MARKER) {
        let debug = format!("{config:?}");
        assert!(!debug.contains(MARKER), "a secret shows in Debug output");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let path = Path::new(PATH);
    if let Ok(config) = Config::parse(text, path, Secrets::NotNeeded, &env) {
        check(&config, text);
    }
    if let Ok(config) = Config::parse(text, path, Secrets::Required, &env) {
        check(&config, text);
    }
});
