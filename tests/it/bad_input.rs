//! Bad input: a clear message naming the file, the bad-input exit code, and
//! nothing written.

use crate::harness::{openai_config, Workspace};

const BAD_INPUT: i32 = 4;

fn workspace() -> Workspace {
    let ws = Workspace::new();
    // Nothing listens here; these runs must fail before any request.
    ws.write(
        "voices.toml",
        openai_config("http://127.0.0.1:9/v1/audio/speech", ""),
    );
    ws
}

fn build(ws: &Workspace, input: &str) -> crate::harness::Outcome {
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "-o", "out", input])
        .env("FAKE_TTS_KEY", "k")
        .output()
}

#[test]
fn each_bad_article_is_named_and_nothing_is_written() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty.txt", b"".to_vec(), "empty"),
        ("blank.txt", b"  \n\n \r\n".to_vec(), "empty"),
        (
            "latin1.txt",
            b"Caf\xe9 society\n\nA body line.\n".to_vec(),
            "UTF-8",
        ),
        (
            "binary.txt",
            vec![0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 0xff, 0xfe, 0, 7],
            "not a text file",
        ),
        (
            "utf16.txt",
            [
                &[0xffu8, 0xfe][..],
                &"标题\n\n正文。"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes())
                    .collect::<Vec<_>>(),
            ]
            .concat(),
            "UTF-16",
        ),
        (
            "title-only.txt",
            "只有标题\n".as_bytes().to_vec(),
            "no body",
        ),
    ];
    for (name, content, expected) in cases {
        let ws = workspace();
        ws.write(name, &content);
        let run = build(&ws, name).fails_with(BAD_INPUT);
        let err = run.stderr();
        assert!(err.contains(name), "{name}: message names the file: {err}");
        assert!(
            err.contains(expected),
            "{name}: expected {expected:?} in {err}"
        );
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert!(ws.files("out").is_empty(), "{name}: nothing written");
    }
}

#[test]
fn missing_paths_and_empty_folders_are_named() {
    let ws = workspace();
    build(&ws, "nowhere.txt")
        .fails_with(BAD_INPUT)
        .stderr_has("nowhere.txt");
    std::fs::create_dir(ws.path("empty")).unwrap();
    build(&ws, "empty")
        .fails_with(BAD_INPUT)
        .stderr_has("empty");
    assert!(ws.files("out").is_empty());
}

#[test]
fn config_errors_name_the_file_and_suggest_the_key() {
    let ws = workspace();
    ws.write("a.txt", "Title\n\nBody text here.\n");
    ws.write("broken.toml", "[bulletin\nsample_rate = 48000\n");
    ws.bulletin()
        .args(["build", "-c", "broken.toml", "a.txt"])
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has("broken.toml: line 1");
    let typo = std::fs::read_to_string(ws.path("voices.toml"))
        .unwrap()
        .replace("sample_rate", "sampl_rate");
    ws.write("typo.toml", typo);
    ws.bulletin()
        .args(["build", "-c", "typo.toml", "a.txt"])
        .env("FAKE_TTS_KEY", "k")
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has("did you mean `sample_rate`?");
    let missing_backend = std::fs::read_to_string(ws.path("voices.toml"))
        .unwrap()
        .replace(
            "backend = \"fake\"\nvoice = \"af_heart\"",
            "backend = \"nope\"\nvoice = \"af_heart\"",
        );
    ws.write("nobackend.toml", missing_backend);
    ws.bulletin()
        .args(["build", "-c", "nobackend.toml", "a.txt"])
        .env("FAKE_TTS_KEY", "k")
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has("[voices.en] names backend `nope`");
    // The key's variable is unset: a config error before any request.
    ws.bulletin()
        .args(["build", "-c", "voices.toml", "a.txt"])
        .output()
        .fails_with(BAD_INPUT)
        .stderr_has("`FAKE_TTS_KEY` is not set");
    assert!(ws.files("out").is_empty());
}

#[test]
fn an_article_in_a_language_without_a_voice_is_named() {
    let ws = workspace();
    ws.write(
        "fr.txt",
        "Le conseil municipal vote le budget\n\nLe conseil municipal a voté mardi soir le budget de l'année prochaine, après un long débat sur les écoles et les transports.\n",
    );
    build(&ws, "fr.txt")
        .fails_with(BAD_INPUT)
        .stderr_has("fr.txt: article \"Le conseil municipal vote le budget\" is in language `fr`");
}
