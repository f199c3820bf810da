//! ingest: the shape of an article file. Text → title and blocks (runs of
//! non-blank lines), and each block → paragraphs.
//!
//! Blocks are separated by blank lines (several count as one). Inside a
//! block, a line is joined to the next only when it looks hard-wrapped: it
//! does not end a sentence and it is about as long as the block's longest
//! line. Everything else — a line ending in `。`/`.`/`!`…, a short line such
//! as a subheading, the line before an indented line, a list item or a
//! Markdown heading — ends its paragraph. So files with one paragraph per
//! line and files wrapped at 72 columns both come out right. Joined lines
//! meet with nothing between them when either side is CJK (Chinese has no
//! spaces between words) and with one space otherwise.

use super::chars::{ends_sentence, is_blank, is_blank_str, joins_without_space, trim_blank};

/// The title and the blocks that follow it, each block a list of lines with
/// trailing blanks removed (leading indentation is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout<'a> {
    pub title: String,
    pub blocks: Vec<Vec<&'a str>>,
}

/// Splits normalized text (`\n` line ends) into title and blocks. `None`
/// when there is no title: nothing but blank lines and bare `#` marks.
pub(crate) fn split_layout(text: &str) -> Option<Layout<'_>> {
    let mut blocks: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        let line = line.trim_end_matches(is_blank);
        if is_blank_str(line) {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }

    let mut blocks = blocks.into_iter();
    let mut first = blocks.next()?.into_iter();
    let title = loop {
        let title = heading_text(trim_blank(first.next()?));
        if !title.is_empty() {
            break title.to_owned();
        }
    };
    let mut rest: Vec<&str> = first.collect();
    // A Markdown setext underline (`Title` over `=====`) belongs to the title.
    if rest.first().is_some_and(|l| is_underline(l)) {
        rest.remove(0);
    }
    let blocks = std::iter::once(rest)
        .filter(|b| !b.is_empty())
        .chain(blocks)
        .collect();
    Some(Layout { title, blocks })
}

/// The paragraphs of one block (see the module documentation).
pub(crate) fn block_paragraphs(lines: &[&str]) -> Vec<String> {
    let width = lines
        .iter()
        .map(|l| trim_blank(l).chars().count())
        .max()
        .unwrap_or(0);
    let min_indent = lines.iter().map(|l| indent(l)).min().unwrap_or(0);
    let mut paragraphs = Vec::new();
    let mut current = String::new();
    let mut open = false; // whether the next line may continue `current`
    for raw in lines {
        let line = trim_blank(raw);
        let heading = line != heading_text(line);
        let item = list_item(line);
        let starts = heading || item.is_some() || indent(raw) > min_indent;
        let text = if heading {
            heading_text(line)
        } else {
            item.unwrap_or(line)
        };
        if open && !starts {
            join(&mut current, text);
        } else {
            push(&mut paragraphs, std::mem::take(&mut current));
            current.push_str(text);
        }
        let wrapped = line.chars().count() * 10 >= width * 7;
        open = !heading && !ends_sentence(line) && wrapped;
    }
    push(&mut paragraphs, current);
    paragraphs
}

fn push(paragraphs: &mut Vec<String>, paragraph: String) {
    let trimmed = trim_blank(&paragraph);
    if !trimmed.is_empty() {
        paragraphs.push(trimmed.to_owned());
    }
}

/// Joins a hard-wrapped line to the paragraph so far.
fn join(paragraph: &mut String, line: &str) {
    let before = paragraph.chars().next_back();
    let after = line.chars().next();
    let glue = match (before, after) {
        (Some(b), Some(a)) if joins_without_space(b) || joins_without_space(a) => "",
        // `well-` + `known`: a word broken at its hyphen.
        (Some('-'), Some(a))
            if a.is_lowercase()
                && paragraph
                    .chars()
                    .rev()
                    .nth(1)
                    .is_some_and(char::is_alphabetic) =>
        {
            ""
        }
        _ => " ",
    };
    paragraph.push_str(glue);
    paragraph.push_str(line);
}

/// The text of a Markdown ATX heading (`## Text`), or `line` unchanged.
fn heading_text(line: &str) -> &str {
    let hashes = line.chars().take_while(|&c| c == '#').count();
    if hashes == 0 || hashes > 6 {
        return line;
    }
    let rest = &line[hashes..];
    if rest.is_empty() {
        return "";
    }
    if rest.starts_with(char::is_whitespace) {
        trim_blank(rest.trim_end_matches('#'))
    } else {
        line
    }
}

/// The text of a bulleted list item (`- text`, `* text`, `• text`).
fn list_item(line: &str) -> Option<&str> {
    ["- ", "* ", "• ", "· "]
        .iter()
        .find_map(|b| line.strip_prefix(b))
        .map(trim_blank)
        .filter(|t| !t.is_empty())
}

fn is_underline(line: &str) -> bool {
    let line = trim_blank(line);
    line.chars().count() >= 3 && (line.chars().all(|c| c == '=') || line.chars().all(|c| c == '-'))
}

/// Leading indentation in columns; an ideographic space counts as two.
fn indent(line: &str) -> usize {
    line.chars()
        .take_while(|&c| is_blank(c))
        .map(|c| match c {
            '\t' => 4,
            '\u{3000}' => 2,
            _ => 1,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paras(block: &str) -> Vec<String> {
        let lines: Vec<&str> = block.split('\n').collect();
        block_paragraphs(&lines)
    }

    #[test]
    fn title_and_blocks() {
        let l = split_layout("\n\n# 标题 \n\n元数据\n\n\n第一段\n第二行\n\n第二段\n").unwrap();
        assert_eq!(l.title, "标题");
        assert_eq!(
            l.blocks,
            vec![vec!["元数据"], vec!["第一段", "第二行"], vec!["第二段"]]
        );
    }

    #[test]
    fn title_followed_directly_by_text_and_setext_underline() {
        let l = split_layout("Title\n=====\nSource: X\n\nBody.").unwrap();
        assert_eq!(l.title, "Title");
        assert_eq!(l.blocks, vec![vec!["Source: X"], vec!["Body."]]);
        let l = split_layout("#\n## Real title\nbody").unwrap();
        assert_eq!(l.title, "Real title");
        assert_eq!(l.blocks, vec![vec!["body"]]);
        assert_eq!(split_layout("#\n\n  \n"), None);
    }

    #[test]
    fn one_paragraph_per_line() {
        assert_eq!(
            paras("第一段内容很长很长。\n第二段也很长。\n第三段"),
            vec!["第一段内容很长很长。", "第二段也很长。", "第三段"]
        );
        assert_eq!(
            paras("First paragraph.\nSecond paragraph!\n“Third,” he said."),
            vec!["First paragraph.", "Second paragraph!", "“Third,” he said."]
        );
    }

    #[test]
    fn wrapped_latin_lines_join_with_a_space() {
        let block = "The city council met on Tuesday and voted to expand\nthe bus network to the northern suburbs by the end of\nnext year. It was, the mayor said, a well-\nknown plan.\n    A second paragraph starts indented and wraps onto\nthe next line.";
        assert_eq!(
            paras(block),
            vec![
                "The city council met on Tuesday and voted to expand the bus network to the northern suburbs by the end of next year. It was, the mayor said, a well-known plan.",
                "A second paragraph starts indented and wraps onto the next line.",
            ]
        );
    }

    #[test]
    fn wrapped_chinese_lines_join_with_nothing() {
        let block = "\u{3000}\u{3000}近年来,内蒙古通辽市奈曼旗政法系统始终坚持\n人民至上,紧扣国家安全、社会安定目标。\n\u{3000}\u{3000}第二段。";
        assert_eq!(
            paras(block),
            vec![
                "近年来,内蒙古通辽市奈曼旗政法系统始终坚持人民至上,紧扣国家安全、社会安定目标。",
                "第二段。"
            ]
        );
        assert_eq!(
            paras("研究团队决定使用Rust和\nPython开发了新系统。"),
            vec!["研究团队决定使用Rust和Python开发了新系统。"]
        );
    }

    #[test]
    fn short_lines_headings_and_lists_are_their_own_paragraphs() {
        assert_eq!(
            paras("一、基本情况\n近年来,奈曼旗政法系统始终坚持人民至上,推动公信力同升,成效显著\n## 下一步\n- first item\n- second item"),
            vec!["一、基本情况", "近年来,奈曼旗政法系统始终坚持人民至上,推动公信力同升,成效显著", "下一步", "first item", "second item"]
        );
    }

    #[test]
    fn headings() {
        assert_eq!(heading_text("# Title #"), "Title");
        assert_eq!(heading_text("#hashtag"), "#hashtag");
        assert_eq!(heading_text("####### seven"), "####### seven");
        assert_eq!(heading_text("#"), "");
    }
}
