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

/// Articles with the figures of the second pass: ranges with every dash,
/// rates with a slash, 两, phone and emergency numbers, years as
/// adjectives and slash dates by the article's locale.
fn second_pass_articles(ws: &Workspace) -> std::path::PathBuf {
    ws.write(
        "news/1-zh.txt",
        "图书馆调整开放时间\n\n发布时间:2026-11-21 09:30:00丨来源:临江日报\n\n\
         图书馆开放时间调整为8:30—17:00,改造预计3~5天完成,其间2个阅览室和2项服务暂停。\
         2022年-2023年,馆藏增长10%～20%。\n\n\
         自来水中铅含量低于0.01mg/L,水价为3.5元/吨。气温-5~3℃,请拨打110或120求助,\
         咨询电话0471 1234567。\n",
    );
    ws.write(
        "news/2-en-gb.txt",
        "Council Sets Date For The 2027 Election\n\n\
         Published: 2026-11-20 | Source: The Harbour Gazette | Language: en-GB\n\n\
         The vote will be held on 6/5/2027, the council said in a 1999 report's \
         successor. Polling stations open 7:00–22:00, and 2,027 volunteers have signed up. \
         To report a problem, ring 999 or 020 7946 0018.\n\n\
         Ferries run at 20 km/h, with 35 μg/m³ of dust measured on Nov. 7–9.\n",
    );
    ws.write(
        "news/3-en-us.txt",
        "Town sets budget\n\nSource: Valley Courier | Language: en-US\n\n\
         The budget passed on 6/5/2027, ahead of the 2030 Winter Olympics. \
         Water costs $5-10 a month, and 2027 people came to the meeting.\n",
    );
    ws.path("news")
}

#[test]
fn the_second_pass_figures_are_planned_as_a_newsreader_would_say_them() {
    let ws = Workspace::new();
    shipped_config(&ws);
    let plan = plan(&ws, &second_pass_articles(&ws));
    let said = spoken(&plan);
    insta::assert_json_snapshot!("second_pass_spoken", said);
    let all: String = said
        .iter()
        .map(|(_, t)| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for want in [
        "八点三十分至十七点",
        "三至五天",
        "两个阅览室和两项服务",
        "零点零一毫克每升",
        "三点五元每吨",
        "零下五至三摄氏度",
        "拨打幺幺零或幺二零求助",
        "on the sixth of May twenty twenty-seven",
        "on June fifth, twenty twenty-seven",
        "seven to twenty-two hundred",
        "The twenty twenty-seven Election",
        "a nineteen ninety-nine report's",
        "ring nine nine nine or zero two zero, seven nine four six, zero zero one eight",
        "twenty kilometers per hour",
        "two thousand twenty-seven people",
        "five to ten dollars",
    ] {
        assert!(all.contains(want), "{want} not in\n{all}");
    }
    for seg in plan["segments"].as_array().unwrap() {
        let text = seg["text"].as_str().unwrap();
        assert!(
            !text.chars().any(|c| c.is_ascii_digit()),
            "digits left in {}: {text}",
            seg["id"]
        );
        assert!(
            !text.contains(['—', '–', '~', '～']),
            "a dash left in {}: {text}",
            seg["id"]
        );
        // Voices and segments still go by the language, not the locale.
        assert!(matches!(seg["lang"].as_str(), Some("zh" | "en")), "{seg}");
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
    // A Title Case headline is not a list of names.
    ws.write(
        "title.txt",
        "New Electric Ferry Enters Service on the Harbour Route\n\nSource: Harbour Gazette\n\n\
         The ferry, built by McLaren Marine, met Captain Okafor at the pier.\n",
    );
    let report = ws
        .bulletin()
        .args(["lexicon", "check", "-c", "voices.toml"])
        .arg_path(&ws.path("title.txt"))
        .output()
        .success()
        .stdout();
    assert!(
        report.contains("Okafor") && report.contains("McLaren"),
        "{report}"
    );
    for word in ["Electric", "Ferry", "Enters", "Service", "Harbour", "Route"] {
        assert!(!report.contains(word), "{word} is no name: {report}");
    }
    // An entry that ignores case covers every way the copy writes it.
    ws.write(
        "names.toml",
        "[en]\n\"gomez\" = { say = \"GOH-mez\", ignore_case = true }\n\"patel\" = \"pa-TEL\"\n",
    );
    let plan = crate::speakable::plan(&ws, &examples());
    let all: String = spoken(&plan).into_iter().map(|(_, t)| t).collect();
    assert!(
        all.contains("Maria GOH-mez") && all.contains("Ray Patel"),
        "{all}"
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
    // The shipped voices.toml switches (zh-neural reads Han characters only).
    shipped_config(&ws);
    let config = std::fs::read_to_string(ws.path("voices.toml")).unwrap();
    assert!(config.contains("\nmixed_language = \"switch\"\n"));
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
    ws.write(
        "voices.toml",
        config.replace(
            "\nmixed_language = \"switch\"\n",
            "\nmixed_language = \"voice\"\n",
        ),
    );
    let plan = crate::speakable::plan(&ws, &ws.path("zh.txt"));
    assert!(plan["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["voice"] == "zh"));
}
