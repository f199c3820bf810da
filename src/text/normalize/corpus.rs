//! text: speakable text — real articles through the rules: the seed
//! article (from `shared/seed/`, when it is there) and the Chinese and
//! English examples. No ASCII digit may be left in Chinese output.

use std::path::{Path, PathBuf};

use super::speakable;
use crate::text::sentences;

/// The crate root: from Cargo, or, when this file is compiled elsewhere,
/// three folders up from it.
fn crate_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    if manifest.join("tests/fixtures/normalize").is_dir() {
        return manifest.to_owned();
    }
    Path::new(file!())
        .ancestors()
        .nth(4)
        .unwrap_or(Path::new("."))
        .to_owned()
}

/// The seed article: `shared/` sits beside the repository in CI and at
/// `/work/shared` on a developer's machine.
fn seed_article() -> Option<String> {
    let root = crate_root();
    [
        root.join("../shared/seed/article-zh.txt"),
        PathBuf::from("/work/shared/seed/article-zh.txt"),
    ]
    .iter()
    .find_map(|p| std::fs::read_to_string(p).ok())
}

fn examples(lang: &str) -> Vec<(PathBuf, String)> {
    let dir = crate_root().join("examples");
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(&dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&format!("-{lang}-")))
        })
        .filter_map(|p| std::fs::read_to_string(&p).ok().map(|t| (p, t)))
        .collect();
    out.sort();
    out
}

fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

fn assert_no_digits(origin: &str, text: &str) {
    for paragraph in paragraphs(text) {
        let spoken = speakable(paragraph, "zh", None);
        assert!(
            !spoken.chars().any(|c| c.is_ascii_digit()),
            "{origin}: digits left in\n{spoken}"
        );
        assert_eq!(
            sentences(&spoken).len(),
            sentences(paragraph).len(),
            "{origin}: sentences moved in\n{spoken}"
        );
        assert_eq!(speakable(&spoken, "zh", None), spoken, "{origin}");
    }
}

#[test]
fn seed_article_has_no_digits_left() {
    let Some(seed) = seed_article() else {
        eprintln!("seed article not found; skipped");
        return;
    };
    assert_no_digits("article-zh.txt", &seed);
    let spoken = speakable(&seed, "zh", None);
    for said in [
        "二〇二二年十月二十四日十点四十七分五十五秒",
        "幺二三六八热线",
        "百分之三十五",
        "一千六百八十人",
        "二〇一七至二〇二〇平安内蒙古",
        "一百零六万元",
        "十年以上",
        "二〇二二年,通过",
    ] {
        assert!(spoken.contains(said), "seed: {said} not said");
    }
}

#[test]
fn chinese_examples_have_no_digits_left() {
    let found = examples("zh");
    assert!(
        !found.is_empty(),
        "no Chinese examples in {:?}",
        crate_root()
    );
    for (path, text) in found {
        assert_no_digits(&path.display().to_string(), &text);
    }
}

#[test]
fn english_examples_read_their_numbers() {
    let found = examples("en");
    assert!(!found.is_empty());
    for (path, text) in found {
        for paragraph in paragraphs(&text) {
            let spoken = speakable(paragraph, "en", None);
            assert!(
                !spoken.chars().any(|c| c.is_ascii_digit()),
                "{}: digits left in\n{spoken}",
                path.display()
            );
            assert_eq!(
                sentences(&spoken).len(),
                sentences(paragraph).len(),
                "{spoken}"
            );
            assert_eq!(speakable(&spoken, "en", None), spoken);
        }
    }
}
