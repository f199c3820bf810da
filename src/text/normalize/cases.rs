//! text: speakable text — the table of input → spoken pairs in
//! `tests/fixtures/normalize/cases.toml`, checked all at once.

use serde::Deserialize;

use super::speakable;
use crate::text::sentences;

const CASES: &str = include_str!("../../../tests/fixtures/normalize/cases.toml");

#[derive(Debug, Deserialize)]
struct Table {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
struct Case {
    lang: String,
    input: String,
    spoken: String,
}

fn table() -> Vec<Case> {
    match toml::from_str::<Table>(CASES) {
        Ok(table) => table.case,
        Err(e) => panic!("cases.toml does not parse: {e}"),
    }
}

#[test]
fn every_case_is_spoken_as_written_down() {
    let cases = table();
    assert!(cases.len() >= 300, "only {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let got = speakable(&c.input, &c.lang, None);
            (got != c.spoken).then(|| {
                format!(
                    "[{}] {}\n   want {}\n    got {}",
                    c.lang, c.input, c.spoken, got
                )
            })
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

#[test]
fn spoken_text_is_already_speakable() {
    for c in table() {
        assert_eq!(
            speakable(&c.spoken, &c.lang, None),
            c.spoken,
            "[{}]",
            c.lang
        );
    }
}

#[test]
fn sentence_ends_stay_where_they_were() {
    for c in table() {
        let spoken = speakable(&c.input, &c.lang, None);
        assert_eq!(
            sentences(&spoken).len(),
            sentences(&c.input).len(),
            "{} → {spoken}",
            c.input
        );
    }
}

#[test]
fn both_languages_are_covered() {
    let cases = table();
    for lang in ["zh", "en"] {
        let n = cases.iter().filter(|c| c.lang == lang).count();
        assert!(n >= 60, "{lang}: {n} cases");
    }
}
