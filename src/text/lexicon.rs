//! text: the pronunciation lexicon — the newsroom's list of words the
//! voices get wrong and what to give them instead, per language, from a
//! `lexicon.toml` or a W3C PLS file. It is applied before any other
//! speakable-text rule (see `normalize::speakable`).
//!
//! ```toml
//! [zh]
//! "OpenAI" = "欧噗恩AI"
//! [en]
//! "Nguyen" = "Win"
//! ```
//!
//! A word written in Latin letters or digits is replaced only as a whole
//! word (`AI` not inside `MAIN`); a CJK word wherever it occurs. Where two
//! words could start at the same place, the longer wins. Matching is
//! case-sensitive (the lexicon says `NASA` or `Nasa`, as the copy does)
//! unless the entry says otherwise, as a table:
//!
//! ```toml
//! [en]
//! "covid" = { say = "co-vid", ignore_case = true }   # Covid, COVID, covid
//! ```
//!
//! Where a case-sensitive entry and one that ignores case match the same
//! text, the case-sensitive one wins.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use thiserror::Error;

use super::chars::is_cjk;
use crate::text::Language;

/// A lexicon that could not be loaded, naming the file and, where the
/// parser says, the line.
#[derive(Debug, Error)]
pub enum LexiconError {
    #[error("read lexicon {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("parse lexicon {origin}{}: {message}", at_line(*line))]
    Syntax {
        origin: String,
        line: Option<usize>,
        message: String,
    },
    #[error("load lexicon {origin}{}: {message}", at_line(*line))]
    Invalid {
        origin: String,
        line: Option<usize>,
        message: String,
    },
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" at line {l}")).unwrap_or_default()
}

/// Something in a lexicon that loaded but is not applied as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LexiconNote {
    /// The file (or `<toml>`, `<pls>` for text given directly).
    pub origin: String,
    pub line: Option<usize>,
    /// The word concerned.
    pub word: String,
    pub kind: NoteKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteKind {
    /// A PLS lexeme with a `<phoneme>` but no `<alias>`: phonemes are not
    /// supported yet, so the word is left as it is.
    PhonemeOnly,
    /// A PLS lexeme with neither an alias nor a phoneme.
    NoPronunciation,
    /// The replacement contains `inner`, another word the lexicon
    /// replaces: applied again, the text would change again.
    Chained { inner: String },
}

impl fmt::Display for LexiconNote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}: \"{}\" ",
            self.origin,
            at_line(self.line),
            self.word
        )?;
        match &self.kind {
            NoteKind::PhonemeOnly => f.write_str(
                "has only a <phoneme>, which is not supported yet; the word is left as it is",
            ),
            NoteKind::NoPronunciation => f.write_str("has neither <alias> nor <phoneme>"),
            NoteKind::Chained { inner } => write!(
                f,
                "is replaced by text containing \"{inner}\", which the lexicon also replaces"
            ),
        }
    }
}

/// One language's words.
#[derive(Debug, Clone, Default)]
struct Entries {
    words: HashMap<String, String>,
    /// Words by their first character, longest first.
    by_first: HashMap<char, Vec<(String, String)>>,
    /// Words matched in any case, folded (see [`fold`]), with what to say.
    folded: HashMap<String, (String, String)>,
    /// The same by their folded first character, longest first.
    folded_by_first: HashMap<char, Vec<(Vec<char>, String)>>,
}

/// A character as matching in any case compares it.
fn fold(c: char) -> char {
    c.to_lowercase().next().unwrap_or(c)
}

/// The byte length of the start of `text` that is `word` in any case.
fn folded_prefix(text: &str, word: &[char]) -> Option<usize> {
    let mut chars = text.char_indices();
    for &w in word {
        let (_, c) = chars.next()?;
        if fold(c) != w {
            return None;
        }
    }
    Some(chars.next().map_or(text.len(), |(at, _)| at))
}

impl Entries {
    fn insert(&mut self, word: String, alias: String, ignore_case: bool) {
        let Some(first) = word.chars().next() else {
            return;
        };
        if ignore_case {
            let folded: Vec<char> = word.chars().map(fold).collect();
            let key: String = folded.iter().collect();
            self.folded.insert(key, (word, alias.clone()));
            let list = self.folded_by_first.entry(fold(first)).or_default();
            list.retain(|(w, _)| *w != folded);
            let at = list.partition_point(|(w, _)| w.len() >= folded.len());
            list.insert(at, (folded, alias));
            return;
        }
        self.words.insert(word.clone(), alias.clone());
        let list = self.by_first.entry(first).or_default();
        list.retain(|(w, _)| *w != word);
        // Longest first, so the longest word that starts here wins.
        let at = list.partition_point(|(w, _)| w.len() >= word.len());
        list.insert(at, (word, alias));
    }

    /// Every word and what to say for it, as the lexicon wrote them.
    fn all(&self) -> impl Iterator<Item = (&String, &String)> {
        self.words
            .iter()
            .chain(self.folded.values().map(|(word, alias)| (word, alias)))
    }

    fn len(&self) -> usize {
        self.words.len() + self.folded.len()
    }

    /// Whether `word` is a word of this lexicon: as written, or in any case
    /// where its entry says so.
    fn covers(&self, word: &str) -> bool {
        self.words.contains_key(word) || {
            let key: String = word.chars().map(fold).collect();
            self.folded.contains_key(&key)
        }
    }

    /// Where words of this lexicon occur in `text`, left to right, with
    /// their replacements.
    fn spans<'a>(&'a self, text: &str) -> Vec<(Range<usize>, &'a str)> {
        let mut out = Vec::new();
        let mut i = 0;
        while let Some(c) = text.get(i..).and_then(|rest| rest.chars().next()) {
            let exact = self.by_first.get(&c).and_then(|list| {
                list.iter().find_map(|(word, alias)| {
                    (text[i..].starts_with(word.as_str()) && whole_word(text, i, i + word.len()))
                        .then_some((word.len(), alias.as_str()))
                })
            });
            let any_case = self.folded_by_first.get(&fold(c)).and_then(|list| {
                list.iter().find_map(|(word, alias)| {
                    folded_prefix(&text[i..], word)
                        .filter(|&len| whole_word(text, i, i + len))
                        .map(|len| (len, alias.as_str()))
                })
            });
            let found = match (exact, any_case) {
                (Some(e), Some(f)) if f.0 > e.0 => Some(f),
                (Some(e), _) => Some(e),
                (None, f) => f,
            };
            match found {
                Some((len, alias)) => {
                    out.push((i..i + len, alias));
                    i += len;
                }
                None => i += c.len_utf8(),
            }
        }
        out
    }
}

/// A lexicon entry in TOML: what to say, as a string or a table that can
/// also say the word matches in any case.
struct TomlEntry {
    say: String,
    ignore_case: bool,
}

impl<'de> serde::Deserialize<'de> for TomlEntry {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            say: String,
            #[serde(default)]
            ignore_case: bool,
        }
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = TomlEntry;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or a table with `say` and `ignore_case`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<TomlEntry, E> {
                Ok(TomlEntry {
                    say: v.to_owned(),
                    ignore_case: false,
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<TomlEntry, A::Error> {
                let table: Table = serde::Deserialize::deserialize(
                    serde::de::value::MapAccessDeserializer::new(map),
                )?;
                Ok(TomlEntry {
                    say: table.say,
                    ignore_case: table.ignore_case,
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// Letters and digits of space-separated scripts: a lexicon word that
/// starts or ends with one must not continue a longer word there.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

fn whole_word(text: &str, start: usize, end: usize) -> bool {
    let word = &text[start..end];
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    let open = !word.chars().next().is_some_and(is_word_char) || !before.is_some_and(is_word_char);
    let close =
        !word.chars().next_back().is_some_and(is_word_char) || !after.is_some_and(is_word_char);
    open && close
}

/// Words and what to say for them, per language.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    languages: BTreeMap<String, Entries>,
    notes: Vec<LexiconNote>,
}

impl Lexicon {
    /// Reads a lexicon file: PLS when it ends in `.pls` or `.xml` or starts
    /// with `<`, TOML otherwise.
    pub fn load(path: impl AsRef<Path>) -> Result<Lexicon, LexiconError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| LexiconError::Read {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let is_pls = match ext.as_deref() {
            Some("pls" | "xml") => true,
            Some("toml") => false,
            _ => text
                .trim_start_matches('\u{FEFF}')
                .trim_start()
                .starts_with('<'),
        };
        if is_pls {
            Lexicon::parse_pls(&text, &origin)
        } else {
            Lexicon::parse_toml(&text, &origin)
        }
    }

    /// A lexicon from TOML text: one table per language, word = replacement.
    pub fn from_toml_str(text: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::parse_toml(text, "<toml>")
    }

    /// A lexicon from W3C PLS text. Each `<lexeme>`'s `<grapheme>`s are
    /// replaced by its first `<alias>`; lexemes with only a `<phoneme>` are
    /// kept as [`notes`](Lexicon::notes), not applied.
    pub fn from_pls_str(text: &str) -> Result<Lexicon, LexiconError> {
        Lexicon::parse_pls(text, "<pls>")
    }

    fn parse_toml(text: &str, origin: &str) -> Result<Lexicon, LexiconError> {
        let tables: BTreeMap<String, BTreeMap<String, TomlEntry>> =
            toml::from_str(text).map_err(|e| LexiconError::Syntax {
                origin: origin.to_owned(),
                line: e.span().map(|span| line_of(text, span.start)),
                message: e.message().to_owned(),
            })?;
        let mut lexicon = Lexicon::default();
        for (lang, words) in tables {
            let code = Language::new(&lang);
            if code.as_str().is_empty() {
                return Err(invalid(
                    origin,
                    None,
                    format!("[{lang}] is not a language code"),
                ));
            }
            for (word, entry) in words {
                if word.trim().is_empty() {
                    return Err(invalid(origin, None, format!("an empty word in [{lang}]")));
                }
                lexicon.insert(code.as_str(), word, entry.say, entry.ignore_case);
            }
        }
        lexicon.note_chains(origin);
        Ok(lexicon)
    }

    fn parse_pls(text: &str, origin: &str) -> Result<Lexicon, LexiconError> {
        let doc = roxmltree::Document::parse(text).map_err(|e| {
            let message = e.to_string();
            let message = match message.rsplit_once(" at ") {
                Some((m, pos)) if pos.contains(':') => m.to_owned(),
                _ => message,
            };
            LexiconError::Syntax {
                origin: origin.to_owned(),
                line: Some(e.pos().row as usize),
                message,
            }
        })?;
        let line =
            |node: roxmltree::Node<'_, '_>| Some(doc.text_pos_at(node.range().start).row as usize);
        let root = doc.root_element();
        if root.tag_name().name() != "lexicon" {
            return Err(invalid(
                origin,
                line(root),
                format!(
                    "the root element is <{}>, not <lexicon>",
                    root.tag_name().name()
                ),
            ));
        }
        let Some(lang) = root.attribute((roxmltree::NS_XML_URI, "lang")) else {
            return Err(invalid(
                origin,
                line(root),
                "<lexicon> has no xml:lang".to_owned(),
            ));
        };
        let code = Language::new(lang);
        let mut lexicon = Lexicon::default();
        let children = |node: roxmltree::Node<'_, '_>, name: &'static str| {
            node.children()
                .filter(move |n| n.is_element() && n.tag_name().name() == name)
                .map(|n| n.text().unwrap_or_default().trim().to_owned())
                .collect::<Vec<String>>()
        };
        for lexeme in root
            .children()
            .filter(|n| n.is_element() && n.tag_name().name() == "lexeme")
        {
            let graphemes: Vec<String> = children(lexeme, "grapheme")
                .into_iter()
                .filter(|g| !g.is_empty())
                .collect();
            if graphemes.is_empty() {
                return Err(invalid(
                    origin,
                    line(lexeme),
                    "a <lexeme> has no <grapheme>".to_owned(),
                ));
            }
            let alias = children(lexeme, "alias")
                .into_iter()
                .find(|a| !a.is_empty());
            let kind = match alias {
                Some(alias) => {
                    for grapheme in graphemes {
                        lexicon.insert(code.as_str(), grapheme, alias.clone(), false);
                    }
                    continue;
                }
                None if !children(lexeme, "phoneme").is_empty() => NoteKind::PhonemeOnly,
                None => NoteKind::NoPronunciation,
            };
            for word in graphemes {
                lexicon.notes.push(LexiconNote {
                    origin: origin.to_owned(),
                    line: line(lexeme),
                    word,
                    kind: kind.clone(),
                });
            }
        }
        lexicon.note_chains(origin);
        Ok(lexicon)
    }

    fn insert(&mut self, lang: &str, word: String, alias: String, ignore_case: bool) {
        self.languages
            .entry(lang.to_owned())
            .or_default()
            .insert(word, alias, ignore_case);
    }

    /// Notes every replacement that contains another word this lexicon
    /// replaces with something else.
    fn note_chains(&mut self, origin: &str) {
        let mut notes = Vec::new();
        for entries in self.languages.values() {
            let mut words: Vec<(&String, &String)> = entries.all().collect();
            words.sort();
            for (word, alias) in words {
                for (range, inner_alias) in entries.spans(alias) {
                    let inner = &alias[range];
                    if inner != inner_alias && !(inner == word && alias == word) {
                        notes.push(LexiconNote {
                            origin: origin.to_owned(),
                            line: None,
                            word: word.clone(),
                            kind: NoteKind::Chained {
                                inner: inner.to_owned(),
                            },
                        });
                    }
                }
            }
        }
        self.notes
            .retain(|n| !matches!(n.kind, NoteKind::Chained { .. }));
        self.notes.extend(notes);
    }

    /// Adds `other`'s words and notes; where both have a word, `other`'s
    /// replacement wins.
    pub fn extend(&mut self, other: Lexicon) {
        for (lang, entries) in other.languages {
            for (word, alias) in entries.words {
                self.insert(&lang, word, alias, false);
            }
            for (word, alias) in entries.folded.into_values() {
                self.insert(&lang, word, alias, true);
            }
        }
        self.notes.extend(other.notes);
        let origin = "(combined)";
        self.note_chains(origin);
    }

    /// Replaces every word of language `lang` (any code `Language::new`
    /// accepts) in `text`. Other languages' words are left alone.
    pub fn apply(&self, lang: &str, text: &str) -> String {
        let Some(entries) = self.entries(lang) else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for (range, alias) in entries.spans(text) {
            out.push_str(&text[last..range.start]);
            out.push_str(alias);
            last = range.end;
        }
        out.push_str(&text[last..]);
        out
    }

    /// Whether `word` is in the lexicon for `lang`: exactly as written, or
    /// in any case where its entry ignores case.
    pub fn covers(&self, lang: &str, word: &str) -> bool {
        self.entries(lang)
            .is_some_and(|entries| entries.covers(word))
    }

    /// Where the lexicon's words for `lang` occur in `text`.
    pub(crate) fn spans(&self, lang: &str, text: &str) -> Vec<Range<usize>> {
        self.entries(lang)
            .map(|entries| entries.spans(text).into_iter().map(|(r, _)| r).collect())
            .unwrap_or_default()
    }

    /// What loaded but is not applied as written: phoneme-only lexemes,
    /// and replacements that another entry would rewrite again.
    pub fn notes(&self) -> &[LexiconNote] {
        &self.notes
    }

    /// How many words the lexicon has, over all languages.
    pub fn len(&self) -> usize {
        self.languages.values().map(Entries::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn entries(&self, lang: &str) -> Option<&Entries> {
        self.languages.get(Language::new(lang).as_str())
    }
}

fn invalid(origin: &str, line: Option<usize>, message: String) -> LexiconError {
    LexiconError::Invalid {
        origin: origin.to_owned(),
        line,
        message,
    }
}

/// The 1-based line of byte `at`.
fn line_of(text: &str, at: usize) -> usize {
    text.get(..at).map_or(0, |s| s.matches('\n').count()) + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fixture under `tests/fixtures/normalize/`, found from the crate
    /// root or, when this file is compiled elsewhere, from this file.
    fn fixture(name: &str) -> PathBuf {
        let from_manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize");
        let dir = if from_manifest.is_dir() {
            from_manifest
        } else {
            Path::new(file!())
                .ancestors()
                .nth(3)
                .unwrap_or(Path::new("."))
                .join("tests/fixtures/normalize")
        };
        dir.join(name)
    }

    #[test]
    fn toml_words_apply_whole() {
        let lexicon = Lexicon::from_toml_str(
            "[zh]\n\"奈曼旗\" = \"奈曼旗\"\n\"OpenAI\" = \"欧噗恩AI\"\n\"AI\" = \"人工智能\"\n\
             [en]\n\"Nguyen\" = \"Win\"\n\"NASA\" = \"nasa\"\n\"New York\" = \"Noo York\"\n",
        )
        .unwrap();
        assert_eq!(lexicon.len(), 6);
        assert_eq!(
            lexicon.apply(
                "en",
                "Mr Nguyen of NASA, not NASAL or Nguyens; NASA's New York."
            ),
            "Mr Win of nasa, not NASAL or Nguyens; nasa's Noo York."
        );
        assert_eq!(
            lexicon.apply("zh-CN", "OpenAI和AI在奈曼旗"),
            "欧噗恩AI和人工智能在奈曼旗"
        );
        assert_eq!(lexicon.apply("en", "OpenAI"), "OpenAI");
        assert_eq!(lexicon.apply("fr", "NASA"), "NASA");
        assert!(lexicon.covers("en", "NASA") && !lexicon.covers("en", "nasa"));
        assert!(lexicon.covers("zh", "奈曼旗"));
        // 欧噗恩AI contains AI, which is replaced too: worth a note.
        assert!(lexicon
            .notes()
            .iter()
            .any(|n| n.word == "OpenAI" && n.kind == NoteKind::Chained { inner: "AI".into() }));
        assert!(!lexicon.notes().iter().any(|n| n.word == "奈曼旗"));
    }

    #[test]
    fn entries_can_ignore_case() {
        let lexicon = Lexicon::from_toml_str(
            "[en]\n\"covid\" = { say = \"co-vid\", ignore_case = true }\n\"Nguyen\" = \"Win\"\n\
             \"NASA\" = \"nasa\"\n\"nasa\" = { say = \"Nasa\", ignore_case = true }\n",
        )
        .unwrap();
        assert_eq!(
            lexicon.apply("en", "Covid, COVID and covid; not covids. NGUYEN, Nguyen."),
            "co-vid, co-vid and co-vid; not covids. NGUYEN, Win."
        );
        // The entry as written wins over the one in any case.
        assert_eq!(lexicon.apply("en", "NASA and Nasa"), "nasa and Nasa");
        assert!(lexicon.covers("en", "COVID") && lexicon.covers("en", "Covid"));
        assert!(!lexicon.covers("en", "NGUYEN"));
        assert_eq!(lexicon.len(), 4);
        let err = Lexicon::from_toml_str("[en]\n\"x\" = { sai = \"y\" }\n").unwrap_err();
        assert!(err.to_string().contains("unknown field `sai`"), "{err}");
        let mut both = Lexicon::default();
        both.extend(lexicon);
        assert_eq!(both.apply("en", "COVID"), "co-vid");
    }

    #[test]
    fn cjk_longest_match_first() {
        let lexicon =
            Lexicon::from_toml_str("[zh]\n\"长江\" = \"A\"\n\"长江大桥\" = \"B\"\n").unwrap();
        assert_eq!(lexicon.apply("zh", "南京长江大桥和长江"), "南京B和A");
    }

    #[test]
    fn pls_aliases_and_phonemes() {
        let pls = r#"<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
         alphabet="ipa" xml:lang="en-US">
  <lexeme>
    <grapheme>WHO</grapheme>
    <grapheme>W.H.O.</grapheme>
    <alias>World Health Organization</alias>
  </lexeme>
  <lexeme>
    <grapheme>tomato</grapheme>
    <phoneme>təˈmeɪtoʊ</phoneme>
  </lexeme>
</lexicon>"#;
        let lexicon = Lexicon::from_pls_str(pls).unwrap();
        assert_eq!(
            lexicon.apply("en", "The WHO said"),
            "The World Health Organization said"
        );
        assert!(lexicon.covers("en", "W.H.O."));
        assert!(!lexicon.covers("en", "tomato"));
        let note = &lexicon.notes()[0];
        assert_eq!(note.kind, NoteKind::PhonemeOnly);
        assert_eq!(note.line, Some(9));
        assert_eq!(
            note.to_string(),
            "<pls> at line 9: \"tomato\" has only a <phoneme>, which is not supported yet; \
             the word is left as it is"
        );
    }

    #[test]
    fn files_load_by_extension() {
        let toml = Lexicon::load(fixture("lexicon.toml")).unwrap();
        assert_eq!(toml.apply("zh", "OpenAI"), "欧噗恩AI");
        let pls = Lexicon::load(fixture("lexicon.pls")).unwrap();
        assert_eq!(pls.apply("en", "Nguyen"), "Win");
        let mut both = toml;
        both.extend(pls);
        assert!(both.covers("en", "Nguyen") && both.covers("zh", "OpenAI"));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let err = Lexicon::load(fixture("bad.toml")).unwrap_err().to_string();
        assert!(err.starts_with("parse lexicon "), "{err}");
        assert!(err.contains("bad.toml at line 3: "), "{err}");

        let err = Lexicon::load(fixture("bad.pls")).unwrap_err().to_string();
        assert!(err.contains("bad.pls at line 5: "), "{err}");

        let err = Lexicon::load(fixture("missing.toml")).unwrap_err();
        assert!(matches!(err, LexiconError::Read { .. }));
        assert!(err.to_string().contains("missing.toml"), "{err}");

        let err = Lexicon::from_toml_str("[zh]\n\"word\" = 3\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "parse lexicon <toml> at line 2: invalid type: integer `3`, expected a string, or a \
             table with `say` and `ignore_case`"
        );
        let err = Lexicon::from_toml_str("[zh]\n\"\" = \"x\"\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "load lexicon <toml>: an empty word in [zh]"
        );
        let err = Lexicon::from_pls_str("<lexicon><lexeme/></lexicon>").unwrap_err();
        assert_eq!(
            err.to_string(),
            "load lexicon <pls> at line 1: <lexicon> has no xml:lang"
        );
        let err = Lexicon::from_pls_str(
            "<lexicon xml:lang=\"en\">\n<lexeme><alias>x</alias></lexeme></lexicon>",
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "load lexicon <pls> at line 2: a <lexeme> has no <grapheme>"
        );
    }
}
