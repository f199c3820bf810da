//! ingest: the byline at the end of the last paragraph, such as `(文:陈景会)`
//! or `(记者 王五 报道)`. It is attribution, spoken after the article, so it
//! is taken out of the body text.
//!
//! A trailing parenthetical is a byline only when it is short (at most 40
//! characters) and has one of these shapes, so `(社区)` or `(see above)`
//! stays in the text:
//! - `ROLE:NAME` or `ROLE/NAME`, where ROLE holds a role word (文, 记者,
//!   通讯员, 编辑, 作者, 摄影, 图, Author, Reporter, Photo…);
//! - `ROLE NAME [报道]` with spaces, ROLE a Chinese role word, or `NAME 报道`;
//! - `…记者NAME报道` without spaces;
//! - `By NAME`, `Reporting by NAME`, `Written by NAME`… with a capitalized NAME.

use super::article::Byline;
use super::chars::{is_han, trim_blank};

const MAX_BYLINE_CHARS: usize = 40;
const MAX_NAME_CHARS: usize = 30;

/// Chinese role words; a role is any short word containing one (本报记者).
const ZH_ROLES: &[&str] = &[
    "记者",
    "通讯员",
    "编辑",
    "作者",
    "摄影",
    "撰稿",
    "供稿",
    "报道",
    "文",
    "图",
    "摄",
];
/// Chinese role words that may run straight into the name (`记者王五报道`).
const ZH_GLUED_ROLES: &[&str] = &["记者", "通讯员"];
/// English roles written before a colon (`Photo: AP`).
const EN_COLON_ROLES: &[&str] = &[
    "by",
    "author",
    "authors",
    "reporter",
    "reporting",
    "writer",
    "text",
    "editor",
    "photo",
    "photos",
    "words",
];
/// English roles written before the name (`Reporting by Jane Doe`).
const EN_PREFIX_ROLES: &[&str] = &[
    "additional reporting by",
    "reporting by",
    "reported by",
    "written by",
    "editing by",
    "edited by",
    "photos by",
    "photo by",
    "story by",
    "text by",
    "words by",
    "by",
];

/// Splits a byline off the end of `paragraph`. Returns the paragraph without
/// it (trimmed, possibly empty) and the byline.
pub(crate) fn split_byline(paragraph: &str) -> Option<(&str, Byline)> {
    let p = trim_blank(paragraph);
    let close = p
        .char_indices()
        .next_back()
        .filter(|(_, c)| is_close(*c))?
        .0;
    let mut depth = 0usize;
    let mut open = None;
    for (i, c) in p.char_indices().rev() {
        if is_close(c) {
            depth += 1;
        } else if is_open(c) {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                open = Some(i);
                break;
            }
        }
    }
    let open = open?;
    let inner = &p[open..close];
    let content = trim_blank(inner.get(inner.chars().next()?.len_utf8()..)?);
    if content.is_empty() || content.chars().count() > MAX_BYLINE_CHARS {
        return None;
    }
    let (role, name) = read_byline(content)?;
    let byline = Byline {
        role: role.map(str::to_owned),
        name: name.to_owned(),
        text: content.to_owned(),
    };
    Some((trim_blank(&p[..open]), byline))
}

fn is_close(c: char) -> bool {
    c == ')' || c == '\u{FF09}'
}

fn is_open(c: char) -> bool {
    c == '(' || c == '\u{FF08}'
}

/// Role and name of a byline's content, or `None` when it is no byline.
fn read_byline(content: &str) -> Option<(Option<&str>, &str)> {
    // `文:陈景会`, `文/图:张三`, `Photo: AP`
    let sep = content
        .find([':', '\u{FF1A}'])
        .or_else(|| content.find(['/', '\u{FF0F}']));
    if let Some(sep) = sep {
        let role = trim_blank(&content[..sep]);
        let rest = &content[sep..];
        let name = strip_reported(rest.get(rest.chars().next()?.len_utf8()..)?);
        return (is_role(role) && is_name(name)).then_some((Some(role), name));
    }
    // `By Jane Doe`, `Reporting by Jane Doe`
    for prefix in EN_PREFIX_ROLES {
        let Some(head) = content.get(..prefix.len()) else {
            continue;
        };
        let rest = &content[prefix.len()..];
        if head.eq_ignore_ascii_case(prefix) && rest.starts_with(char::is_whitespace) {
            let name = trim_blank(rest);
            return is_name(name).then_some((Some(head), name));
        }
    }
    // `记者 王五 报道`, `王五 报道`
    let mut words = content.split_whitespace();
    if let (Some(first), Some(_)) = (words.next(), words.next()) {
        if first.chars().count() <= 6
            && ZH_ROLES.iter().any(|r| first.contains(r))
            && first != "报道"
        {
            let name = strip_reported(trim_blank(&content[first.len()..]));
            return is_name(name).then_some((Some(first), name));
        }
        if let Some(name) = content.strip_suffix("报道").map(trim_blank) {
            let spaced = content.len() - name.len() > "报道".len();
            return (spaced && is_name(name)).then_some((None, name));
        }
        return None;
    }
    // `记者王五报道`, `新华社记者王五报道`
    let body = content.strip_suffix("报道")?;
    ZH_GLUED_ROLES.iter().find_map(|r| {
        let end = body.rfind(r)? + r.len();
        let (role, name) = (&body[..end], trim_blank(&body[end..]));
        let short = role.chars().count() <= 8;
        (short && is_name(name) && name.chars().all(is_han)).then_some((Some(role), name))
    })
}

/// Drops a trailing `报道` or `摄` (“reports”, “photographed”) after the name.
fn strip_reported(name: &str) -> &str {
    let name = trim_blank(name);
    for suffix in [" 报道", "报道", " 摄"] {
        if let Some(rest) = name.strip_suffix(suffix) {
            if !trim_blank(rest).is_empty() {
                return trim_blank(rest);
            }
        }
    }
    name
}

fn is_role(role: &str) -> bool {
    if role.is_empty() || role.chars().count() > 8 {
        return false;
    }
    if role.chars().any(is_han) {
        return ZH_ROLES.iter().any(|r| role.contains(r));
    }
    let lower = role.to_lowercase();
    EN_COLON_ROLES.contains(&lower.as_str()) || EN_PREFIX_ROLES.contains(&lower.as_str())
}

fn is_name(name: &str) -> bool {
    let count = name.chars().count();
    let latin_lowercase = name
        .chars()
        .next()
        .is_some_and(|c| c.is_lowercase() && !is_han(c));
    count > 0
        && count <= MAX_NAME_CHARS
        && !latin_lowercase
        && name.chars().any(char::is_alphabetic)
        && !name.contains(['。', '!', '?', '\u{FF01}', '\u{FF1F}', '(', ')', '\u{FF08}', '\u{FF09}'])
        // Chinese names are separated by spaces or 、, never commas.
        && !(name.chars().any(is_han) && name.contains([',', '\u{FF0C}']))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn byline(p: &str) -> Option<(String, Option<String>, String, String)> {
        split_byline(p).map(|(rest, b)| (rest.to_owned(), b.role, b.name, b.text))
    }

    fn some(
        rest: &str,
        role: Option<&str>,
        name: &str,
        text: &str,
    ) -> Option<(String, Option<String>, String, String)> {
        Some((rest.into(), role.map(Into::into), name.into(), text.into()))
    }

    #[test]
    fn chinese_bylines() {
        assert_eq!(
            byline("人民群众的司法获得感显著提升。(文:陈景会)"),
            some(
                "人民群众的司法获得感显著提升。",
                Some("文"),
                "陈景会",
                "文:陈景会"
            )
        );
        assert_eq!(
            byline("会议圆满结束。（记者 王五 报道）"),
            some("会议圆满结束。", Some("记者"), "王五", "记者 王五 报道")
        );
        assert_eq!(
            byline("会议圆满结束。（记者：王五）"),
            some("会议圆满结束。", Some("记者"), "王五", "记者：王五")
        );
        assert_eq!(
            byline("会议圆满结束。(本报记者 王五 李四)"),
            some(
                "会议圆满结束。",
                Some("本报记者"),
                "王五 李四",
                "本报记者 王五 李四"
            )
        );
        assert_eq!(
            byline("会议圆满结束。(新华社记者王五报道)"),
            some(
                "会议圆满结束。",
                Some("新华社记者"),
                "王五",
                "新华社记者王五报道"
            )
        );
        assert_eq!(
            byline("会议圆满结束。(文/图:张三)"),
            some("会议圆满结束。", Some("文/图"), "张三", "文/图:张三")
        );
        assert_eq!(
            byline("会议圆满结束。(王五 报道)"),
            some("会议圆满结束。", None, "王五", "王五 报道")
        );
        assert_eq!(
            byline("(通讯员 赵六)"),
            some("", Some("通讯员"), "赵六", "通讯员 赵六")
        );
    }

    #[test]
    fn english_bylines() {
        assert_eq!(
            byline("The council will meet again in May. (By Jane Doe)"),
            some(
                "The council will meet again in May.",
                Some("By"),
                "Jane Doe",
                "By Jane Doe"
            )
        );
        assert_eq!(
            byline("The vote passed. (Reporting by Jane Doe; editing by Tom Li)"),
            some(
                "The vote passed.",
                Some("Reporting by"),
                "Jane Doe; editing by Tom Li",
                "Reporting by Jane Doe; editing by Tom Li"
            )
        );
        assert_eq!(
            byline("The vote passed. (Photo: AP)"),
            some("The vote passed.", Some("Photo"), "AP", "Photo: AP")
        );
    }

    #[test]
    fn parentheticals_that_are_not_bylines_stay() {
        for p in [
            "被评为“全区民主法治示范村(社区)”",
            "全区民主法治示范村(社区)",
            "As noted earlier (see above)",
            "He smiled (by the way)",
            "会议结束(相关报道)",
            "会议结束(专题报道)",
            "会议结束(记者节)",
            "会议结束(作者系某大学教授)",
            "会议结束(编辑部)",
            "会议结束(图 1)",
            "会议结束(文:这是一段很长的说明文字,并不是署名,只是碰巧出现了冒号而已,还有更多内容)",
            "no parenthesis at all",
            "unbalanced)",
            ")",
            "",
        ] {
            assert_eq!(byline(p), None, "{p}");
        }
    }

    #[test]
    fn nested_and_mixed_brackets() {
        assert_eq!(
            byline("结束。（文:陈景会)"),
            some("结束。", Some("文"), "陈景会", "文:陈景会")
        );
        assert_eq!(byline("结束(a(b)c)"), None);
    }
}
