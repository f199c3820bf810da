//! script: the spoken attribution after each article, from a per-language
//! template whose clauses are dropped when the facts they need are unknown.

/// The facts a template may name.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Facts<'a> {
    pub source: Option<&'a str>,
    pub author: Option<&'a str>,
    pub editor: Option<&'a str>,
    pub byline: Option<&'a str>,
    pub published: Option<&'a str>,
    pub title: Option<&'a str>,
}

impl<'a> Facts<'a> {
    fn get(&self, name: &str) -> Option<Option<&'a str>> {
        Some(match name {
            "source" => self.source,
            "author" => self.author,
            "editor" => self.editor,
            "byline" => self.byline,
            "published" => self.published,
            "title" => self.title,
            _ => return None,
        })
    }
}

pub const PLACEHOLDERS: &[&str] = &["source", "author", "editor", "byline", "published", "title"];

/// Checks a template's placeholders; returns the first unknown one.
pub fn unknown_placeholder(template: &str) -> Option<String> {
    placeholders(template)
        .into_iter()
        .find(|p| !PLACEHOLDERS.contains(&p.as_str()))
}

/// Renders `template`. It is read as clauses, each ending after a sentence
/// mark (`。`, `.`, `!`, `?`, `;`); a clause that names a placeholder whose value
/// is unknown is left out whole, so nothing reads "作者:" with no name after it.
/// Returns `None` when no clause with a known fact remains.
pub fn render(template: &str, facts: &Facts<'_>) -> Option<String> {
    let mut out = String::new();
    let mut any_fact = false;
    for clause in clauses(template) {
        let names = placeholders(clause);
        let values: Vec<Option<&str>> = names
            .iter()
            .map(|n| {
                facts
                    .get(n)
                    .flatten()
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
            })
            .collect();
        if values.iter().any(Option::is_none) {
            continue;
        }
        any_fact |= !names.is_empty();
        let mut rendered = clause.to_owned();
        for (name, value) in names.iter().zip(&values) {
            rendered = rendered.replace(&format!("{{{name}}}"), value.unwrap_or_default());
        }
        out.push_str(&rendered);
    }
    let out = out.trim().to_owned();
    (any_fact && !out.is_empty()).then_some(out)
}

fn clauses(template: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut chars = template.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ends = match c {
            '\u{3002}' | '\u{ff01}' | '\u{ff1f}' | '\u{ff1b}' => true,
            '.' | '!' | '?' | ';' => chars.peek().is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if ends {
            // Trailing spaces belong to the clause they follow.
            let mut end = i + c.len_utf8();
            while let Some((j, n)) = chars.peek().copied() {
                if !n.is_whitespace() {
                    break;
                }
                end = j + n.len_utf8();
                chars.next();
            }
            parts.push(&template[start..end]);
            start = end;
        }
    }
    if start < template.len() {
        parts.push(&template[start..]);
    }
    parts
}

fn placeholders(clause: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = clause;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                names.push(after[..close].to_owned());
                rest = &after[close + 1..];
            }
            None => break,
        }
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    const ZH: &str = "来源:{source}。作者:{author}。{byline}。";
    const EN: &str = "From {source}. By {author}. {byline}.";

    #[test]
    fn unknown_parts_are_left_out() {
        let facts = Facts {
            source: Some("中国网"),
            byline: Some("文:陈景会"),
            ..Facts::default()
        };
        assert_eq!(
            render(ZH, &facts).as_deref(),
            Some("来源:中国网。文:陈景会。")
        );
    }

    #[test]
    fn english_template_with_every_fact() {
        let facts = Facts {
            source: Some("The Harbour Gazette"),
            author: Some("Ann Lee"),
            ..Facts::default()
        };
        assert_eq!(
            render(EN, &facts).as_deref(),
            Some("From The Harbour Gazette. By Ann Lee.")
        );
    }

    #[test]
    fn nothing_known_means_no_attribution() {
        assert_eq!(render(ZH, &Facts::default()), None);
        // Blank values count as unknown.
        assert_eq!(
            render(
                EN,
                &Facts {
                    source: Some("  "),
                    ..Facts::default()
                }
            ),
            None
        );
    }

    #[test]
    fn unknown_placeholders_are_found() {
        assert_eq!(unknown_placeholder("From {sauce}."), Some("sauce".into()));
        assert_eq!(unknown_placeholder(ZH), None);
    }
}
