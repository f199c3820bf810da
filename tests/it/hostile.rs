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

/// Every file in `out/` with its bytes.
fn snapshot(ws: &Workspace) -> Vec<(String, Vec<u8>)> {
    ws.files("out")
        .into_iter()
        .map(|f| {
            let bytes = std::fs::read(ws.path(&format!("out/{f}"))).unwrap_or_default();
            (f, bytes)
        })
        .collect()
}

#[test]
fn a_plain_run_after_a_rich_one_leaves_exactly_its_own_generation() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write("a.txt", ARTICLE);
    ws.write("b.txt", "Second story\n\nIt is short.\n");
    ws.write("c.txt", "Third story\n\nIt is short as well.\n");
    ws.bulletin()
        .args(["build", "-n", "m", "--per-article", "--format", "wav,mp3"])
        .args(["a.txt", "b.txt", "c.txt"])
        .output()
        .success();
    assert_eq!(
        ws.files("out"),
        ["m-a1.wav", "m-a2.wav", "m-a3.wav", "m.json", "m.mp3", "m.vtt", "m.wav"]
    );
    ws.bulletin()
        .args(["build", "-n", "m", "a.txt"])
        .output()
        .success();
    assert_eq!(ws.files("out"), ["m.json", "m.vtt", "m.wav"]);
    let m = manifest(&ws, "m");
    let mut listed: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    listed.push("m.json".into());
    listed.sort();
    assert_eq!(listed, ws.files("out"), "the manifest lists its generation");
    assert!(!m["generation"].as_str().unwrap().is_empty());
}

#[test]
fn a_folder_in_the_way_fails_naming_it_and_leaves_the_previous_generation_whole() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write("a.txt", ARTICLE);
    ws.bulletin()
        .args(["build", "-n", "m", "a.txt"])
        .output()
        .success();
    let before = snapshot(&ws);
    std::fs::create_dir(ws.path("out/m.mp3")).unwrap();
    ws.write("a.txt", ARTICLE.replace("Monday", "Tuesday"));
    let out = ws
        .bulletin()
        .args(["build", "-n", "m", "--format", "wav,mp3", "a.txt"])
        .output()
        .fails_with(1)
        .stderr_has("out/m.mp3 is a folder, in the way of the bulletin's m.mp3");
    let mut after = snapshot(&ws);
    after.retain(|(f, _)| f != "m.mp3");
    assert_eq!(
        after,
        before,
        "previous generation intact\n{}",
        out.stderr()
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_lock_is_refused_and_partials_are_cleaned_by_their_exact_name() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write("a.txt", ARTICLE);
    let victim = ws.write("victim.txt", "precious");
    std::fs::create_dir_all(ws.path("out")).unwrap();
    std::os::unix::fs::symlink(&victim, ws.path("out/.m.lock")).unwrap();
    ws.bulletin()
        .args(["build", "-n", "m", "a.txt"])
        .output()
        .fails_with(1)
        .stderr_has("is a symbolic link");
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "precious");
    std::fs::remove_file(ws.path("out/.m.lock")).unwrap();
    // A killed run of `-n m` left one partial; a concurrent `-n m.wav` run owns the other.
    ws.write("out/.m.Ab12Cd.partial", "stale");
    ws.write("out/.m.wav.Xy34Zw.partial", "another run's, in progress");
    ws.bulletin()
        .args(["build", "-n", "m", "a.txt"])
        .output()
        .success();
    let files = ws.files("out");
    assert!(
        !files.contains(&".m.Ab12Cd.partial".to_owned()),
        "{files:?}"
    );
    assert!(
        files.contains(&".m.wav.Xy34Zw.partial".to_owned()),
        "{files:?}"
    );
}

#[cfg(unix)]
#[test]
fn inputs_that_never_end_are_refused_in_bounded_time() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write("day/1.txt", ARTICLE);
    let fifo = ws.path("day/2.txt");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let started = std::time::Instant::now();
    ws.bulletin()
        .args(["build", "-n", "b", "--skip-bad-inputs", "day"])
        .output()
        .fails_with(3)
        .stderr_has("2.txt: is a FIFO (named pipe)");
    let m = manifest(&ws, "b");
    assert!(m["skipped_inputs"][0]["origin"]
        .as_str()
        .unwrap()
        .ends_with("2.txt"));
    ws.bulletin()
        .args(["build", "-n", "b", "day"])
        .output()
        .fails_with(4)
        .stderr_has("is a FIFO");
    ws.bulletin()
        .args(["build", "-n", "z", "/dev/zero"])
        .output()
        .fails_with(4)
        .stderr_has("/dev/zero: more than 10 MiB arrived without an end");
    let mut yes = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .current_dir(ws.dir.path())
        .env("BULLETIN_CACHE_DIR", ws.path("cache"))
        .args(["build", "-n", "y", "-"])
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = yes.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        use std::io::Write;
        let line = [b'y', b'\n'].repeat(4096);
        while stdin.write_all(&line).is_ok() {}
    });
    let out = yes.wait_with_output().unwrap();
    writer.join().unwrap();
    assert_eq!(out.status.code(), Some(4));
    assert!(String::from_utf8_lossy(&out.stderr).contains("<stdin>: more than 10 MiB"));
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn sigterm_while_rendering_exits_130_and_leaves_yesterday_byte_identical() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    // Long pauses make a long programme: rendering takes seconds, not milliseconds.
    let extra = "[bulletin]\nsample_rate = 8000\n[bulletin.pauses]\nsentence = \"60s\"\nparagraph = \"60s\"\nafter_title = \"60s\"\narticle = \"60s\"\n";
    ws.write(
        "voices.toml",
        format!("{extra}{}", config(&server.url(), "")),
    );
    let body: String = (1..=40)
        .map(|i| format!("Sentence number {i} of the long story. "))
        .collect();
    ws.write("a.txt", format!("A long story\n\n{body}\n"));
    ws.write("b.txt", ARTICLE);
    ws.bulletin()
        .args(["build", "-n", "m", "b.txt"])
        .output()
        .success();
    let before = snapshot(&ws);
    let mut child = ws.bulletin().args(["build", "-n", "m", "a.txt"]).spawn();
    let stderr = child.stderr.take().unwrap();
    let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stderr));
    let mut log = String::new();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("rendering the bulletin") {
            break;
        }
    }
    assert!(log.contains("rendering"), "{log}");
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(130), "{log}{}", rest.join("\n"));
    assert!(rest.join("\n").contains("interrupted by SIGTERM"));
    assert_eq!(snapshot(&ws), before, "the previous bulletin is untouched");
}

#[test]
fn cron_mail_has_no_escape_codes_and_article_controls_reach_nothing() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", config(&server.url(), ""));
    ws.write(
        "a.txt",
        "Ferries\x1b[2J return\x07\n\nThe council said on Monday\x1b]0;pwned\x07 that crossings resume.\n",
    );
    let plan = ws
        .bulletin()
        .args(["plan", "--json", "a.txt"])
        .output()
        .success();
    assert!(!plan.stdout().contains('\x1b') && !plan.stdout().contains("\\u001b"));
    let log = std::fs::File::create(ws.path("build.log")).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_bulletin"))
        .current_dir(ws.dir.path())
        .env("BULLETIN_CACHE_DIR", ws.path("cache"))
        .args(["build", "-n", "b", "-v", "a.txt"])
        .stderr(log)
        .status()
        .unwrap();
    assert!(status.success());
    let text = std::fs::read(ws.path("build.log")).unwrap();
    assert!(!text.contains(&0x1b), "{}", String::from_utf8_lossy(&text));
    assert!(!text.contains(&0x07));
    let vtt = std::fs::read_to_string(ws.path("out/b.vtt")).unwrap();
    assert!(!vtt.chars().any(|c| c.is_control() && c != '\n'), "{vtt:?}");
    for r in server.requests() {
        assert!(!r.text.chars().any(char::is_control), "{:?}", r.text);
    }
}

#[test]
fn a_huge_unpunctuated_paragraph_gives_a_linear_plan() {
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        config("http://127.0.0.1:9/v1/audio/speech", ""),
    );
    let words: String = (0..17_000).map(|i| format!("word{} ", i % 10)).collect();
    assert!(words.len() >= 100_000);
    ws.write("a.txt", format!("Endless\n\n{words}\n"));
    let plan = ws
        .bulletin()
        .args(["plan", "--json", "a.txt"])
        .output()
        .success();
    let json = plan.stdout();
    assert!(
        json.len() < words.len() * 3,
        "{} bytes of plan for {} bytes of article",
        json.len(),
        words.len()
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let with_source = v["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s.get("source_text").is_some())
        .count();
    assert_eq!(
        with_source, 2,
        "the title and the first piece of the paragraph"
    );
}
