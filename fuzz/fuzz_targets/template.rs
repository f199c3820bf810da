//! Fuzz target: request templates. The input is a template and the values of one
//! request, separated by NUL: `template\0text\0voice\0lang\0speed`. Parsing may fail
//! but never panics; a parsed template renders every way without panicking, a
//! redacted render never shows a secret, and XML escaping always yields text that an
//! XML parser reads back as the original.

#![no_main]

use bulletin::tts::{escape_xml, Template, Var, Vars};
use libfuzzer_sys::fuzz_target;

/// In every secret value, so a leak is easy to spot. Literal text and values can spell
/// the marker between them, but not a private-use character the input lacks.
const MARKER: &str = "S3CR3T";
const PRIVATE: char = '\u{E000}';

/// Names starting with an upper-case letter are set; others are missing.
fn env(name: &str) -> Option<String> {
    name.starts_with(|c: char| c.is_ascii_uppercase())
        .then(|| format!("{PRIVATE}{MARKER}-{name}"))
}

/// What an XML parser gives back for character data written by `escape_xml`: control
/// characters became spaces, and XML's line-end handling turns CR LF and CR into LF.
fn xml_read_back(text: &str) -> String {
    let spaced: String = text
        .chars()
        .map(|c| {
            if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') {
                ' '
            } else {
                c
            }
        })
        .collect();
    spaced.replace("\r\n", "\n").replace('\r', "\n")
}

fn check_xml_escape(text: &str) {
    let escaped = escape_xml(text);
    assert!(
        !escaped.contains(['<', '>', '"', '\'']),
        "markup survived escaping: {escaped:?}"
    );
    let doc = format!("<speak a=\"{escaped}\">{escaped}</speak>");
    let parsed = roxmltree::Document::parse(&doc)
        .unwrap_or_else(|e| panic!("escaped text is not XML ({e}): {doc:?}"));
    let root = parsed.root_element();
    let expected = xml_read_back(text);
    // roxmltree keeps some lone CRs that XML's line-end handling would turn into LF;
    // that is the parser's business, not the escaper's.
    let text = root
        .text()
        .unwrap_or("")
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    assert_eq!(text, expected, "text content");
    // Attribute values also normalise tab and line ends to spaces.
    let attr_expected = expected.replace(['\t', '\n'], " ");
    assert_eq!(
        root.attribute("a"),
        Some(attr_expected.as_str()),
        "attribute"
    );
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = input.splitn(5, '\0');
    let raw = parts.next().unwrap_or_default();
    let text = parts.next().unwrap_or_default();
    let voice = parts.next().unwrap_or_default();
    let lang = parts.next().unwrap_or_default();
    let speed = parts
        .next()
        .and_then(|s| s.trim().parse::<f32>().ok())
        .unwrap_or(1.0);
    let vars = Vars {
        text,
        voice,
        lang,
        speed,
        out: "/tmp/bulletin-fuzz/out.wav",
    };

    check_xml_escape(text);

    let Ok(template) = Template::parse(raw, &env) else {
        return;
    };
    let plain = template.render(&vars);
    let escaped = template.render_with(&vars, &escape_xml);
    let redacted = template.render_redacted(&vars);

    if !input.contains(PRIVATE) {
        assert!(
            !redacted.contains(PRIVATE),
            "redacted render leaks: {redacted:?}"
        );
    }
    // Debug shows pieces apart, so only the input itself can spell the marker there.
    if !input.contains(MARKER) {
        assert!(!format!("{template:?}").contains(MARKER), "Debug leaks");
    }
    for secret in template.secrets() {
        assert!(plain.contains(secret.expose()));
        assert!(redacted.contains(&format!("${{{}}}", secret.name())));
    }
    if let Some(var) = template.sole_var() {
        assert!(template.uses(var));
    }
    if template.uses(Var::Text) {
        assert!(plain.contains(text));
        assert!(escaped.contains(&escape_xml(text)));
    }

    // A template without `{`, `}` or `$` is its own rendering; `{{`/`}}` escape braces.
    if !raw.contains(['{', '}', '$']) {
        assert_eq!(plain, raw);
        let braced = format!("{{{{{raw}}}}}");
        let t = Template::parse(&braced, &env).expect("escaped braces parse");
        assert_eq!(t.render(&vars), format!("{{{raw}}}"));
    }
});
