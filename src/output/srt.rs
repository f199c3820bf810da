//! output: the SubRip transcript (`NAME.srt`), the same cues as the WebVTT
//! transcript for players and podcast apps that read only SRT.

use std::fmt::Write as _;

use super::vtt::Cue;

/// Numbered cues, `HH:MM:SS,mmm` timings, one blank line between cues.
pub fn render(cues: &[Cue<'_>]) -> String {
    let mut out = String::new();
    for (i, cue) in cues.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let _ = write!(
            out,
            "{}\n{} --> {}\n{}\n",
            i + 1,
            timestamp(cue.start_ms),
            timestamp(cue.end_ms),
            one_line(cue.text)
        );
    }
    out
}

fn timestamp(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02},{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// A cue's text may not hold a blank line (it would end the cue) nor an
/// arrow (a reader could take it for a timing line).
fn one_line(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    joined.replace("-->", "->")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_numbered_timed_and_kept_on_one_line() {
        let srt = render(&[
            Cue {
                id: "a1-title",
                start_ms: 0,
                end_ms: 2300,
                text: "标题",
            },
            Cue {
                id: "a1-p1-s1",
                start_ms: 3_723_004,
                end_ms: 3_725_000,
                text: "a --> b\n\nc",
            },
        ]);
        assert_eq!(
            srt,
            "1\n00:00:00,000 --> 00:00:02,300\n标题\n\n2\n01:02:03,004 --> 01:02:05,000\na -> b c\n"
        );
    }
}
