//! tts: request templates. Values from `voices.toml` with `{text}`, `{voice}`,
//! `{lang}`, `{speed}` placeholders and `${NAME}` environment secrets, rendered
//! per request and escaped for the place they land.

use std::fmt;

/// A value known only when a segment is synthesized.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Var {
    Text,
    Voice,
    Lang,
    Speed,
    /// `speed` as espeak-ng's words per minute: 175 (its default) × speed.
    Wpm,
    /// Path of the output file a local program should write (command backend only).
    Out,
}

impl Var {
    fn from_name(name: &str) -> Option<Var> {
        Some(match name {
            "text" => Var::Text,
            "voice" => Var::Voice,
            "lang" => Var::Lang,
            "speed" => Var::Speed,
            "wpm" => Var::Wpm,
            "out" => Var::Out,
            _ => return None,
        })
    }
}

/// A secret resolved from the environment once, at configuration time.
/// Its `Debug` never shows the value, so it cannot leak through logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret {
    name: String,
    value: String,
}

impl Secret {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Secret {
        Secret {
            name: name.into(),
            value: value.into(),
        }
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    pub fn expose(&self) -> &str {
        &self.value
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "${{{}}}=<redacted>", self.name)
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Piece {
    Literal(String),
    Var(Var),
    Secret(Secret),
}

/// A parsed template string.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    pieces: Vec<Piece>,
}

/// The values of one request.
#[derive(Debug, Clone)]
pub struct Vars<'a> {
    pub text: &'a str,
    pub voice: &'a str,
    pub lang: &'a str,
    pub speed: f32,
    pub out: &'a str,
}

impl Vars<'_> {
    fn get(&self, var: Var) -> String {
        match var {
            Var::Text => self.text.to_owned(),
            Var::Voice => self.voice.to_owned(),
            Var::Lang => self.lang.to_owned(),
            Var::Speed => format_speed(self.speed),
            Var::Wpm => format!("{}", (175.0 * self.speed).round() as i64),
            Var::Out => self.out.to_owned(),
        }
    }
}

fn format_speed(speed: f32) -> String {
    // Two decimals are plenty for a rate and keep request bodies (and cache keys) stable.
    let s = format!("{speed:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TemplateError {
    #[error(
        "unknown placeholder `{{{0}}}` (known: {{text}}, {{voice}}, {{lang}}, {{speed}}, {{wpm}}, {{out}})"
    )]
    UnknownPlaceholder(String),
    #[error("environment variable `{0}` is not set")]
    MissingEnv(String),
    #[error("environment variable `{0}` is set but empty")]
    EmptyEnv(String),
    #[error("unclosed `{{` or `${{` in `{0}`")]
    Unclosed(String),
}

impl Template {
    /// Parses `raw`, resolving `${NAME}` through `env`. `{{` and `}}` are literal braces.
    pub fn parse(
        raw: &str,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Template, TemplateError> {
        let mut pieces = Vec::new();
        let mut lit = String::new();
        let mut rest = raw;
        while let Some(c) = rest.chars().next() {
            if rest.starts_with("{{") || rest.starts_with("}}") {
                lit.push(c);
                rest = &rest[2..];
            } else if let Some(after) = rest.strip_prefix("${") {
                let end = after
                    .find('}')
                    .ok_or_else(|| TemplateError::Unclosed(raw.into()))?;
                let name = &after[..end];
                let value = env(name).ok_or_else(|| TemplateError::MissingEnv(name.into()))?;
                if value.is_empty() {
                    // Never `Bearer ` with nothing after it: that is a fault to name, not send.
                    return Err(TemplateError::EmptyEnv(name.into()));
                }
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Secret(Secret::new(name, value)));
                rest = &after[end + 1..];
            } else if let Some(after) = rest.strip_prefix('{') {
                let end = after
                    .find('}')
                    .ok_or_else(|| TemplateError::Unclosed(raw.into()))?;
                let name = &after[..end];
                let var = Var::from_name(name)
                    .ok_or_else(|| TemplateError::UnknownPlaceholder(name.into()))?;
                flush(&mut lit, &mut pieces);
                pieces.push(Piece::Var(var));
                rest = &after[end + 1..];
            } else {
                lit.push(c);
                rest = &rest[c.len_utf8()..];
            }
        }
        flush(&mut lit, &mut pieces);
        Ok(Template { pieces })
    }

    /// A template that is only literal text.
    pub fn literal(text: impl Into<String>) -> Template {
        Template {
            pieces: vec![Piece::Literal(text.into())],
        }
    }

    /// The placeholder this template consists of, if it is nothing else: such a
    /// value becomes a typed JSON value (`"{speed}"` → a number).
    pub fn sole_var(&self) -> Option<Var> {
        match self.pieces.as_slice() {
            [Piece::Var(v)] => Some(*v),
            _ => None,
        }
    }

    pub fn uses(&self, var: Var) -> bool {
        self.pieces.contains(&Piece::Var(var))
    }

    /// Renders with each placeholder value passed through `escape`; literal text
    /// and secrets are taken as written.
    pub fn render_with(&self, vars: &Vars<'_>, escape: &dyn Fn(&str) -> String) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Secret(s) => out.push_str(s.expose()),
                Piece::Var(v) => out.push_str(&escape(&vars.get(*v))),
            }
        }
        out
    }

    pub fn render(&self, vars: &Vars<'_>) -> String {
        self.render_with(vars, &|s| s.to_owned())
    }

    /// Renders for a cache key or a log line: secrets appear by name only.
    pub fn render_redacted(&self, vars: &Vars<'_>) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Literal(s) => out.push_str(s),
                Piece::Secret(s) => {
                    out.push_str("${");
                    out.push_str(s.name());
                    out.push('}');
                }
                Piece::Var(v) => out.push_str(&vars.get(*v)),
            }
        }
        out
    }

    /// Every secret value this template carries, for scrubbing error text.
    pub fn secrets(&self) -> impl Iterator<Item = &Secret> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Secret(s) => Some(s),
            _ => None,
        })
    }
}

fn flush(lit: &mut String, pieces: &mut Vec<Piece>) {
    if !lit.is_empty() {
        pieces.push(Piece::Literal(std::mem::take(lit)));
    }
}

/// `text` with every secret's value replaced by its name (`${OPENAI_API_KEY}`).
/// Applied to anything that may echo a request back (error bodies, Location
/// headers) before it is cut short or shown, so no fragment of a key survives.
pub fn scrub(text: &str, secrets: &[Secret]) -> String {
    let mut out = text.to_owned();
    for s in secrets {
        if !s.expose().is_empty() && out.contains(s.expose()) {
            out = out.replace(s.expose(), &format!("${{{}}}", s.name()));
        }
    }
    out
}

/// Escapes text for XML character data and attribute values (SSML bodies).
pub fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and line ends, and the two noncharacters
            // U+FFFE and U+FFFF, are not allowed in XML 1.0: a service would refuse the SSML.
            c if (c as u32) < 0x20 && c != '\t' && c != '\n' && c != '\r' => out.push(' '),
            '\u{FFFE}' | '\u{FFFF}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(text: &str) -> Vars<'_> {
        Vars {
            text,
            voice: "alloy",
            lang: "en",
            speed: 1.0,
            out: "/tmp/x.wav",
        }
    }

    fn no_env(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn renders_placeholders_and_literal_braces() {
        let t = Template::parse("say {text} as {voice} at {speed}x {{raw}}", &no_env).unwrap();
        assert_eq!(t.render(&vars("hi")), "say hi as alloy at 1x {raw}");
    }

    #[test]
    fn placeholder_values_are_not_reparsed() {
        // Article text containing a placeholder must come out verbatim.
        let t = Template::parse("{text}", &no_env).unwrap();
        assert_eq!(t.render(&vars("{voice} ${HOME}")), "{voice} ${HOME}");
    }

    #[test]
    fn secrets_resolve_from_env_and_are_redacted() {
        let env = |n: &str| (n == "KEY").then(|| "sk-123".to_owned());
        let t = Template::parse("Bearer ${KEY}", &env).unwrap();
        assert_eq!(t.render(&vars("")), "Bearer sk-123");
        assert_eq!(t.render_redacted(&vars("")), "Bearer ${KEY}");
        assert!(!format!("{t:?}").contains("sk-123"));
    }

    #[test]
    fn missing_env_and_unknown_placeholders_are_errors() {
        assert_eq!(
            Template::parse("${NOPE}", &no_env),
            Err(TemplateError::MissingEnv("NOPE".into()))
        );
        assert_eq!(
            Template::parse("{txet}", &no_env),
            Err(TemplateError::UnknownPlaceholder("txet".into()))
        );
        assert!(matches!(
            Template::parse("{text", &no_env),
            Err(TemplateError::Unclosed(_))
        ));
    }

    #[test]
    fn an_empty_secret_is_an_error_and_scrubbing_names_each_secret() {
        let env = |n: &str| (n == "EMPTY").then(String::new);
        assert_eq!(
            Template::parse("Bearer ${EMPTY}", &env),
            Err(TemplateError::EmptyEnv("EMPTY".into()))
        );
        let secrets = [Secret::new("A", "sk-aaa"), Secret::new("B", "bbb")];
        assert_eq!(
            scrub("key sk-aaa and bbb, again sk-aaa", &secrets),
            "key ${A} and ${B}, again ${A}"
        );
    }

    #[test]
    fn sole_var_detects_typed_values() {
        assert_eq!(
            Template::parse("{speed}", &no_env).unwrap().sole_var(),
            Some(Var::Speed)
        );
        assert_eq!(
            Template::parse("x{speed}", &no_env).unwrap().sole_var(),
            None
        );
    }

    #[test]
    fn xml_escape_covers_markup() {
        assert_eq!(escape_xml("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape_xml("]]>"), "]]&gt;");
    }

    #[test]
    fn xml_escape_drops_characters_xml_forbids() {
        // Found with the template fuzz target's XML read-back: U+FFFF went through
        // as is, and no XML parser accepts the result.
        let escaped = escape_xml("a\u{ffff}b\u{fffe}c\u{1b}d\te\u{fffd}");
        assert_eq!(escaped, "a b c d\te\u{fffd}");
        let doc = format!("<speak>{escaped}</speak>");
        assert!(roxmltree::Document::parse(&doc).is_ok());
    }
}
