//! Speakable text end to end: what `plan` shows and `build` sends is what a
//! newsreader would say, the manifest keeps the written words beside it, the
//! lexicon is applied, and runs of another language can switch voice.

use std::path::Path;

use crate::fake_tts::FakeTts;
use crate::harness::{examples, Workspace};

fn plan(ws: &Workspace, input: &Path) -> serde_json::Value {
    let out = ws
        .bulletin()
        .args(["plan", "--json", "-c", "voices.toml"])
        .arg_path(input)
        .output()
        .success();
    serde_json::from_str(&out.stdout()).unwrap()
}

/// (id, spoken text) of every segment.
fn spoken(plan: &serde_json::Value) -> Vec<(String, String)> {
    plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["id"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn shipped_config(ws: &Workspace) {
    ws.write(
        "voices.toml",
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("voices.toml")).unwrap(),
    );
}

#[test]
fn the_examples_are_planned_as_a_newsreader_would_say_them() {
    let ws = Workspace::new();
    shipped_config(&ws);
    let plan = plan(&ws, &examples());
    insta::assert_json_snapshot!("examples_spoken", spoken(&plan));
    for seg in plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["lang"] == "zh")
    {
        let text = seg["text"].as_str().unwrap();
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()),
            "digits left in {}: {text}",
            seg["id"]
        );
    }
}

#[test]
fn the_seed_article_is_planned_without_digits() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/seed/article-zh.txt");
    if !seed.exists() {
        eprintln!("note: {} not found; skipping", seed.display());
        return;
    }
    let ws = Workspace::new();
    shipped_config(&ws);
    let plan = plan(&ws, &seed);
    insta::assert_json_snapshot!("seed_spoken", spoken(&plan));
    let segments = plan["segments"].as_array().unwrap();
    for seg in segments {
        let text = seg["text"].as_str().unwrap();
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()),
            "digits left in {}: {text}",
            seg["id"]
        );
    }
    let all: String = segments
        .iter()
        .map(|s| s["text"].as_str().unwrap())
        .collect();
    for said in [
        "幺二三六八热线",
        "百分之三十五",
        "一千六百八十人",
        "二〇一七至二〇二〇",
    ] {
        assert!(all.contains(said), "{said} not in the spoken seed");
    }
}

#[test]
fn the_manifest_keeps_the_written_words_beside_the_spoken_ones() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        crate::harness::openai_config(&server.url(), ""),
    );
    ws.bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&examples().join("03-en-harbour-ferry.txt"))
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    let m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ws.path("out/b.json")).unwrap()).unwrap();
    let seg = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "a1-p2-s1")
        .unwrap();
    assert!(seg["source_text"]
        .as_str()
        .unwrap()
        .starts_with("Capt. Maria Gomez, who has piloted ferries in the harbour since 2009"));
    assert!(seg["text"].as_str().unwrap().starts_with(
        "Captain Maria Gomez, who has piloted ferries in the harbour since two thousand nine"
    ));
    let sent: Vec<String> = server.requests().iter().map(|r| r.text.clone()).collect();
    assert!(
        sent.contains(&seg["text"].as_str().unwrap().to_owned()),
        "the spoken form is what was sent"
    );
}

#[test]
fn the_lexicon_is_applied_and_check_lists_what_it_misses() {
    let ws = Workspace::new();
    shipped_config(&ws);
    let config = std::fs::read_to_string(ws.path("voices.toml")).unwrap();
    ws.write(
        "voices.toml",
        config.replace(
            "[bulletin]\n",
            "[bulletin]\nlexicon = [\"names.toml\", \"more.pls\"]\n",
        ),
    );
    ws.write(
        "names.toml",
        "[en]\n\"Gomez\" = \"GOH-mez\"\n[zh]\n\"临江市\" = \"临江 市\"\n",
    );
    ws.write(
        "more.pls",
        "<?xml version=\"1.0\"?>\n<lexicon version=\"1.0\" xmlns=\"http://www.w3.org/2005/01/pronunciation-lexicon\" xml:lang=\"en-US\">\n\
         <lexeme><grapheme>Tidewater</grapheme><alias>Tide water</alias></lexeme>\n</lexicon>\n",
    );
    let plan = plan(&ws, &examples());
    let all: String = spoken(&plan)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains("Captain Maria GOH-mez") && all.contains("named Tide water"),
        "{all}"
    );
    assert!(all.contains("临江 市滨河公园"), "{all}");
    let check = ws
        .bulletin()
        .args(["lexicon", "check", "-c", "voices.toml"])
        .arg_path(&examples())
        .output()
        .success();
    let report = check.stdout();
    assert!(
        report.contains("Patel") && report.contains("Maria"),
        "{report}"
    );
    assert!(
        !report.contains("Gomez") && !report.contains("Tidewater"),
        "covered words are not listed: {report}"
    );
    // A broken lexicon is a configuration error naming the file.
    ws.write("names.toml", "[en\n\"x\" = 1");
    ws.bulletin()
        .args(["plan", "-c", "voices.toml"])
        .arg_path(&examples())
        .output()
        .fails_with(4)
        .stderr_has("names.toml");
}

#[test]
fn mixed_language_switch_speaks_english_runs_with_the_english_voice() {
    let ws = Workspace::new();
    shipped_config(&ws);
    let config = std::fs::read_to_string(ws.path("voices.toml")).unwrap();
    ws.write(
        "voices.toml",
        config.replace("[bulletin]\n", "[bulletin]\nmixed_language = \"switch\"\n"),
    );
    ws.write(
        "zh.txt",
        "公司新闻\n\n公司宣布任命新的CEO,他曾在Google工作。\n",
    );
    let plan = plan(&ws, &ws.path("zh.txt"));
    let body: Vec<(String, String)> = plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "body")
        .map(|s| {
            (
                s["voice"].as_str().unwrap().to_owned(),
                s["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let english: Vec<&str> = body
        .iter()
        .filter(|(v, _)| v == "en")
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(english.iter().any(|t| t.contains("CEO")), "{body:?}");
    assert!(english.iter().any(|t| t.contains("Google")), "{body:?}");
    let chinese: String = body
        .iter()
        .filter(|(v, _)| v == "zh")
        .map(|(_, t)| t.as_str())
        .collect();
    assert!(
        chinese.contains("公司宣布任命新的") && !chinese.contains("CEO"),
        "{body:?}"
    );
    // Without the switch, the sentence stays whole with its own voice.
    ws.write("voices.toml", config);
    let plan = crate::speakable::plan(&ws, &ws.path("zh.txt"));
    assert!(plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["voice"] == "zh"));
}
