//! What a hostile user found: backends that answer with dead air, redirects
//! that would carry a key away, stale files from an earlier generation,
//! symlinked locks, inputs that never end, signals in every phase, absurd
//! config values and control characters in cron mail.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use crate::fake_tts::{tone_hz, tone_ms, wav_of, FakeTts, Reply, Shape};
use crate::harness::Workspace;

const BACKEND: i32 = 5;

fn config(url: &str, extra: &str) -> String {
    format!(
        "[languages]\nzh = \"zh\"\nen = \"en\"\n\
         [voices.zh]\nbackend = \"svc\"\nvoice = \"zf\"\n\
         [voices.en]\nbackend = \"svc\"\nvoice = \"af\"\n\
         [backends.svc]\npreset = \"openai\"\nurl = \"{url}\"\nretries = 1\n{extra}\n"
    )
}

const ARTICLE: &str = "Harbour ferries return to the old timetable this week\n\n\
    The council said on Monday that the morning crossings will run every twenty minutes again.\n";

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

fn cached_clips(ws: &Workspace) -> usize {
    fn walk(dir: &std::path::Path) -> usize {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .flatten()
                .map(|e| {
                    let p = e.path();
                    if p.is_dir() {
                        walk(&p)
                    } else {
                        usize::from(p.extension().is_some_and(|x| x == "wav"))
                    }
                })
                .sum()
        })
    }
    walk(&ws.path("cache"))
}

/// A tone for `text` at `db` below the usual level, `pad_s` of silence around
/// it, `dc` added throughout, at 24 kHz.
fn tone(text: &str, db: f32, sound_s: Option<f32>, pad_s: f32, dc: f32) -> Vec<u8> {
    let rate = 24000.0;
    let gain = 0.5 * 10f32.powf(-db / 20.0);
    let secs = sound_s.unwrap_or(tone_ms(text) as f32 / 1000.0);
    let hz = tone_hz(text);
    let pad = vec![0.0f32; (pad_s * rate) as usize];
    let mut samples = pad.clone();
    samples.extend(
        (0..(secs * rate) as usize)
            .map(|i| (i as f32 * hz * std::f32::consts::TAU / rate).sin() * gain),
    );
    samples.extend(pad);
    let samples: Vec<f32> = samples.into_iter().map(|s| s + dc).collect();
    wav_of(&samples, 24000)
}

fn noise(secs: f32, dbfs: f32) -> Vec<u8> {
    let amp = 10f32.powf(dbfs / 20.0) * 3f32.sqrt();
    let mut state = 0x2545_f491_u32;
    let samples: Vec<f32> = (0..(secs * 24000.0) as usize)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            (state as f32 / u32::MAX as f32 * 2.0 - 1.0) * amp
        })
        .collect();
    wav_of(&samples, 24000)
}

#[test]
fn dead_air_from_a_backend_fails_the_run_is_never_cached_and_a_recovery_gives_full_audio() {
    // 0 = healthy; 1.. = one kind of dead air each.
    let mode = Arc::new(AtomicUsize::new(1));
    let m = Arc::clone(&mode);
    let server = FakeTts::with(Arc::new(move |req, _| {
        let body = match m.load(Ordering::SeqCst) {
            0 => return Reply::Wav(Shape::Plain16(24000)),
            1 => tone(&req.text, 65.0, None, 0.2, 0.0), // speech 65 dB down
            2 => noise(3.0, -66.0),                     // hiss alone
            3 => tone(&req.text, 300.0, None, 0.0, 0.25), // a DC level, nothing else
            4 => tone(&req.text, 0.0, Some(0.4), 3.0, 0.0), // 0.4 s of speech in 6 s of padding
            _ => tone(&req.text, 48.0, None, 0.2, 0.0), // above the trim floor, still no speech
        };
        Reply::Raw {
            status: 200,
            headers: vec![("content-type", "audio/wav".into())],
            body,
        }
    }));
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write("a.txt", ARTICLE);
    for (kind, expect) in [
        (1, "silence"),
        (2, "silence"),
        (3, "silence"),
        (4, "too short"),
        (5, "no speech"),
    ] {
        mode.store(kind, Ordering::SeqCst);
        ws.bulletin()
            .args(["build", "-n", "b", "a.txt"])
            .output()
            .fails_with(BACKEND)
            .stderr_has(expect);
        assert!(!ws.path("out/b.wav").exists(), "kind {kind}: nothing aired");
        assert_eq!(cached_clips(&ws), 0, "kind {kind}: a bad clip was cached");
    }
    mode.store(0, Ordering::SeqCst);
    ws.bulletin()
        .args(["build", "-n", "b", "a.txt"])
        .output()
        .success();
    let m = manifest(&ws, "b");
    for seg in m["segments"].as_array().unwrap() {
        let (start, end) = (
            seg["start_ms"].as_u64().unwrap(),
            seg["end_ms"].as_u64().unwrap(),
        );
        let want = u64::from(tone_ms(seg["text"].as_str().unwrap()));
        assert!(
            end > start && (end - start).abs_diff(want) < 40,
            "{}: {start}..{end}, want {want} ms",
            seg["id"]
        );
    }
    assert!(cached_clips(&ws) > 0);
}

const KEY: &str = "sk-live-7f3a9c2e51d84b6f";

/// A backend that answers every request with a 307 to `to`.
fn redirector(to: String) -> FakeTts {
    FakeTts::with(Arc::new(move |_, _| Reply::Raw {
        status: 307,
        headers: vec![("location", to.clone())],
        body: Vec::new(),
    }))
}

fn never_saw_the_key(server: &FakeTts) {
    for r in server.requests() {
        for (name, value) in &r.headers {
            assert!(
                !value.to_str().unwrap_or_default().contains(KEY),
                "{name} carried the key to {}",
                r.path
            );
        }
        assert!(!r.query.clone().unwrap_or_default().contains(KEY));
        assert!(!String::from_utf8_lossy(&r.body).contains(KEY));
    }
}

#[test]
fn a_redirect_to_another_origin_never_carries_a_secret() {
    let elsewhere = FakeTts::with(Arc::new(|_, _| Reply::Raw {
        status: 200,
        headers: vec![("content-type", "audio/wav".into())],
        body: tone(
            "a fixed answer for any text of this length",
            0.0,
            Some(3.0),
            0.1,
            0.0,
        ),
    }));
    let target = format!("{}/download/clip.wav", elsewhere.base());
    let front = redirector(target.clone());
    let url = format!("{}/v1/audio/speech", front.base());
    let ws = Workspace::new();
    ws.write("a.txt", ARTICLE);
    let presets = [
        format!("preset = \"openai\"\nurl = \"{url}\"\napi_key_env = \"SECRET_KEY\""),
        format!("preset = \"elevenlabs\"\nurl = \"{url}/{{voice}}\"\napi_key_env = \"SECRET_KEY\""),
        format!("preset = \"azure\"\nurl = \"{url}\"\napi_key_env = \"SECRET_KEY\""),
        format!("preset = \"google\"\nurl = \"{url}\"\napi_key_env = \"SECRET_KEY\""),
        format!(
            "preset = \"openai\"\nurl = \"{url}\"\nheaders = {{ X-Token = \"t=${{SECRET_KEY}}\" }}"
        ),
        format!("preset = \"openai\"\nurl = \"{url}?key=${{SECRET_KEY}}\""),
    ];
    for backend in &presets {
        ws.write(
            "voices.toml",
            format!(
                "[languages]\nen = \"en\"\n[voices.en]\nbackend = \"svc\"\nvoice = \"v\"\n\
                 [backends.svc]\n{backend}\nretries = 0\n"
            ),
        );
        let out = ws
            .bulletin()
            .args(["build", "-n", "b", "a.txt"])
            .env("SECRET_KEY", KEY)
            .output()
            .fails_with(BACKEND)
            .stderr_has("another origin")
            .stderr_has(&target);
        assert!(!out.stderr().contains(KEY), "{backend}: {}", out.stderr());
        assert!(elsewhere.requests().is_empty(), "{backend}: followed");
        assert!(!front.requests().is_empty());
    }
    // Asked to follow: the download happens, without the key.
    ws.write(
        "voices.toml",
        format!(
            "[languages]\nen = \"en\"\n[voices.en]\nbackend = \"svc\"\nvoice = \"v\"\n\
             [backends.svc]\n{}\nredirects = \"follow\"\nretries = 0\n",
            presets[4]
        ),
    );
    ws.bulletin()
        .args(["build", "-n", "b", "a.txt"])
        .env("SECRET_KEY", KEY)
        .output()
        .success();
    assert!(!elsewhere.requests().is_empty());
    never_saw_the_key(&elsewhere);
}

#[test]
fn a_same_origin_redirect_is_followed_with_the_key_and_an_empty_key_is_refused() {
    let server = FakeTts::with(Arc::new(|req, _| {
        if req.path == "/old/speech" {
            Reply::Raw {
                status: 308,
                headers: vec![("location", "/v1/audio/speech".into())],
                body: Vec::new(),
            }
        } else {
            Reply::Wav(Shape::Plain16(24000))
        }
    }));
    let ws = Workspace::new();
    ws.write("a.txt", ARTICLE);
    ws.write(
        "voices.toml",
        config(
            &format!("{}/old/speech", server.base()),
            "api_key_env = \"SECRET_KEY\"",
        ),
    );
    ws.bulletin()
        .args(["build", "-n", "b", "a.txt"])
        .env("SECRET_KEY", KEY)
        .output()
        .success();
    let moved: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.path == "/v1/audio/speech")
        .collect();
    assert!(!moved.is_empty());
    assert!(moved
        .iter()
        .all(|r| r.header("authorization") == Some(&*format!("Bearer {KEY}")) && r.text.len() > 3));
    ws.bulletin()
        .args(["build", "-n", "b", "a.txt"])
        .env("SECRET_KEY", "")
        .output()
        .fails_with(4)
        .stderr_has("`SECRET_KEY` is set but empty");
}
