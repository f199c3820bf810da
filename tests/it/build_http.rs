//! `bulletin build` against an OpenAI-compatible server on loopback: the
//! audio itself is checked, segment by segment, against the manifest.

use std::collections::BTreeSet;

use crate::fake_tts::{tone_hz, tone_ms, FakeTts};
use crate::harness::{examples, openai_config, read_wav, Workspace};
use crate::listen::{dominant_hz, peak};

const SECRET: &str = "sk-test-secret-0123456789";

#[test]
fn renders_every_example_in_order_at_the_manifest_timings() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    // Levels as the server sent them, so each clip can be checked sample by sample.
    ws.write(
        "voices.toml",
        openai_config(&server.url(), "loudness = \"off\""),
    );
    let run = ws
        .bulletin()
        .args(["build", "-c", "voices.toml", "-o", "out", "-n", "morning"])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", SECRET)
        .output()
        .success();
    let out = ws.path("out");
    assert_eq!(
        run.stdout().lines().collect::<Vec<_>>(),
        vec!["out/morning.wav", "out/morning.vtt", "out/morning.json"],
        "stdout lists the artifacts as paths under --out, the manifest last"
    );
    assert_eq!(
        ws.files("out"),
        vec!["morning.json", "morning.vtt", "morning.wav"],
        "no temporary files left"
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("morning.json")).unwrap()).unwrap();
    let (rate, channels, samples) = read_wav(&out.join("morning.wav"));
    assert_eq!((rate, channels), (48000, 1));
    assert_eq!(manifest["audio"]["sample_rate"], 48000);
    assert_eq!(manifest["audio"]["path"], "morning.wav");
    let ms_to_frame = |ms: u64| (ms * 48) as usize;
    let duration_ms = manifest["audio"]["duration_ms"].as_u64().unwrap();
    assert!(
        (samples.len() as i64 - ms_to_frame(duration_ms) as i64).abs() <= 48,
        "manifest duration matches the file"
    );

    // Four articles in file-name order, two Chinese then two English.
    let articles = manifest["articles"].as_array().unwrap();
    let langs: Vec<&str> = articles
        .iter()
        .map(|a| a["language"].as_str().unwrap())
        .collect();
    assert_eq!(langs, vec!["zh", "zh", "en", "en"]);
    assert_eq!(
        articles[0]["title"],
        "临江市滨河公园改造完工 市民周末可免费游览"
    );
    assert_eq!(articles[0]["source"], "临江日报");
    assert!(
        articles[0]["author"].is_null(),
        "an empty 作者: is unknown, not an empty name"
    );

    let segments = manifest["segments"].as_array().unwrap();
    let requests = server.requests();
    assert_eq!(
        requests.len(),
        segments.len(),
        "one request per segment (no retries were needed)"
    );

    // What was sent is exactly what the manifest says was sent.
    let sent: BTreeSet<String> = requests
        .iter()
        .map(|r| r.json()["input"].as_str().unwrap().to_owned())
        .collect();
    let listed: BTreeSet<String> = segments
        .iter()
        .map(|s| s["text"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(sent, listed);
    for r in &requests {
        assert_eq!(
            r.headers["authorization"],
            format!("Bearer {SECRET}").as_str()
        );
        assert_eq!(r.json()["model"], "kokoro");
        assert_eq!(r.json()["response_format"], "wav");
        let json = r.json();
        let input = json["input"].as_str().unwrap();
        let seg = segments.iter().find(|s| s["text"] == input).unwrap();
        let (voice, speed) = match seg["voice"].as_str().unwrap() {
            "zh" => ("zf_xiaobei", 1.0),
            "en" => ("af_heart", 1.0),
            "anchor" => ("am_adam", 1.1),
            other => panic!("unexpected voice {other}"),
        };
        assert_eq!(
            (
                r.json()["voice"].as_str().unwrap(),
                r.json()["speed"].as_f64().unwrap()
            ),
            (voice, speed)
        );
    }

    // Every segment's tone is where the manifest says, at its own pitch and length.
    let mut expected_total = 0u64;
    for (i, seg) in segments.iter().enumerate() {
        let text = seg["text"].as_str().unwrap();
        let (start, end) = (
            seg["start_ms"].as_u64().unwrap(),
            seg["end_ms"].as_u64().unwrap(),
        );
        let clip = &samples[ms_to_frame(start)..ms_to_frame(end).min(samples.len())];
        let id = seg["id"].as_str().unwrap();
        assert_eq!(
            dominant_hz(clip, rate),
            tone_hz(text),
            "segment {id} has its own pitch"
        );
        let len = (end - start) as i64;
        let tone = tone_ms(text) as i64;
        assert!(
            (tone - 2..=tone + 25).contains(&len),
            "segment {id}: {len} ms for a {tone} ms tone (edge silence trimmed)"
        );
        // The clip's middle is at full level: nothing was cut from inside it.
        let middle = &clip[clip.len() / 4..clip.len() * 3 / 4];
        assert!(peak(middle) > 0.45, "segment {id} is at level");
        expected_total += end - start;
        let pause = seg["pause_after_ms"].as_u64().unwrap();
        if let Some(next) = segments.get(i + 1) {
            let gap = next["start_ms"].as_u64().unwrap() - end;
            assert!(
                gap.abs_diff(pause) <= 1,
                "after {id}: gap {gap} ms, pause {pause} ms"
            );
            let gap_audio = &samples
                [ms_to_frame(end) + 48..ms_to_frame(next["start_ms"].as_u64().unwrap()) - 48];
            assert!(peak(gap_audio) < 1e-3, "the pause after {id} is silent");
            expected_total += pause;
        } else {
            assert_eq!(pause, 0, "the bulletin ends on its last word");
        }
    }
    assert!(
        duration_ms.abs_diff(expected_total) <= segments.len() as u64,
        "{duration_ms} ms vs clips + pauses {expected_total} ms"
    );

    // Structure: title first, attribution last, pauses from voices.toml.
    let kinds = |a: u64| -> Vec<&str> {
        segments
            .iter()
            .filter(|s| s["article"] == a)
            .map(|s| s["kind"].as_str().unwrap())
            .collect()
    };
    for a in 0..4 {
        let k = kinds(a);
        assert_eq!(k.first(), Some(&"title"));
        assert_eq!(k.last(), Some(&"attribution"));
    }
    let title = &segments[0];
    assert_eq!(
        (title["id"].as_str(), title["pause_after_ms"].as_u64()),
        (Some("a1-title"), Some(700))
    );
    let attribution = segments
        .iter()
        .find(|s| s["id"] == "a1-attribution")
        .unwrap();
    assert_eq!(attribution["text"], "来源:临江日报。文:周明远。");
    assert_eq!(attribution["pause_after_ms"], 1500);
    let en_attr = segments
        .iter()
        .find(|s| s["id"] == "a3-attribution")
        .unwrap();
    assert_eq!(en_attr["text"], "From The Harbour Gazette. By Ann Lee.");
    assert_eq!(en_attr["voice"], "anchor");
    for a in articles {
        assert!(a["start_ms"].as_u64() < a["end_ms"].as_u64());
    }

    // The transcript: one cue per segment, timed like the manifest.
    let vtt = std::fs::read_to_string(out.join("morning.vtt")).unwrap();
    assert!(vtt.starts_with("WEBVTT\n"));
    assert_eq!(vtt.matches(" --> ").count(), segments.len());
    assert!(vtt.contains(&format!(
        "\na1-title\n00:00:00.000 --> {}\n",
        vtt_time(segments[0]["end_ms"].as_u64().unwrap())
    )));

    // The key reached the server and nowhere else.
    for file in ["morning.json", "morning.vtt"] {
        assert!(!std::fs::read_to_string(out.join(file))
            .unwrap()
            .contains(SECRET));
    }
    assert!(!run.stderr().contains(SECRET));
}

fn vtt_time(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

#[test]
fn a_dead_backend_fails_the_run_and_keeps_the_previous_bulletin() {
    // A port that was just free: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        openai_config(&format!("http://127.0.0.1:{port}/v1/audio/speech"), ""),
    );
    let old = ws.write("out/morning.wav", b"yesterday's good bulletin");
    ws.write("out/morning.json", b"{}");
    let run = ws
        .bulletin()
        .args(["build", "-c", "voices.toml", "-o", "out", "-n", "morning"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .env("FAKE_TTS_KEY", SECRET)
        .output()
        .fails_with(5)
        .stderr_has("segments could not be synthesized; no bulletin was written")
        .stderr_has(
            "segment a1-title of \"New electric ferry enters service on the harbour route\"",
        )
        .stderr_has("backend `fake` (voice `anchor`) failed after 1 retry")
        .stderr_has("could not connect");
    assert!(!run.stderr().contains(SECRET));
    assert_eq!(std::fs::read(old).unwrap(), b"yesterday's good bulletin");
    assert_eq!(
        ws.files("out"),
        vec!["morning.json", "morning.wav"],
        "nothing new, nothing partial"
    );
}

#[test]
fn plan_json_is_exactly_what_build_sends() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write("voices.toml", openai_config(&server.url(), ""));
    let plan = ws
        .bulletin()
        .args(["plan", "--json", "-c", "voices.toml"])
        .arg_path(&examples())
        .output()
        .success();
    assert!(server.requests().is_empty(), "plan sends nothing");
    let plan: serde_json::Value = serde_json::from_str(&plan.stdout()).unwrap();
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-n", "b"])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", SECRET)
        .output()
        .success();
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/b.json")).unwrap()).unwrap();
    let ids_texts = |v: &serde_json::Value| -> Vec<(String, String)> {
        v["segments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["id"].to_string(), s["text"].to_string()))
            .collect()
    };
    assert_eq!(ids_texts(&plan), ids_texts(&manifest));
    assert_eq!(plan["articles"].as_array().unwrap().len(), 4);
}
