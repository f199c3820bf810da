//! text: a short excerpt of a text for messages and logs: whitespace
//! collapsed to single spaces, control characters dropped, cut on a character
//! boundary, `…` when cut.

/// At most `chars` characters of `text` on one line; `…` marks a cut.
pub fn excerpt(text: &str, chars: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    for word in text.split_whitespace() {
        if !out.is_empty() {
            if count == chars {
                out.push('…');
                return out;
            }
            out.push(' ');
            count += 1;
        }
        for c in word.chars().filter(|c| !c.is_control()) {
            if count == chars {
                out.push('…');
                return out;
            }
            out.push(c);
            count += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_and_cuts_on_characters() {
        assert_eq!(excerpt("a  b\n\nc", 10), "a b c");
        assert_eq!(excerpt("人民的平安,我们的承诺", 5), "人民的平安…");
        assert_eq!(excerpt("one two three", 7), "one two…");
        assert_eq!(excerpt("", 3), "");
        assert_eq!(excerpt("abc", 3), "abc");
        assert_eq!(excerpt("a\x1b[0mb", 9), "a[0mb");
    }
}
