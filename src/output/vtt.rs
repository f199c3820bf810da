//! output: the WebVTT transcript, one cue per spoken segment, so a listener's
//! player can show the text beside the audio.

use std::fmt::Write as _;

/// One cue: identifier, start and end in milliseconds, text.
pub struct Cue<'a> {
    pub id: &'a str,
    pub start_ms: u64,
    pub end_ms: u64,
    pub text: &'a str,
}

pub fn render(cues: &[Cue<'_>]) -> String {
    let mut out = String::from("WEBVTT\n");
    for cue in cues {
        let _ = write!(
            out,
            "\n{}\n{} --> {}\n{}\n",
            cue.id.replace("-->", "->"),
            timestamp(cue.start_ms),
            timestamp(cue.end_ms),
            escape(cue.text)
        );
    }
    out
}

fn timestamp(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1000 % 60,
        ms % 1000
    )
}

/// Cue text may not contain `-->`, a blank line, or raw `&` / `<`.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_are_timed_and_escaped() {
        let vtt = render(&[
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
                text: "a <b> & c --> d\n\ne",
            },
        ]);
        assert_eq!(
            vtt,
            "WEBVTT\n\na1-title\n00:00:00.000 --> 00:00:02.300\n标题\n\na1-p1-s1\n01:02:03.004 --> 01:02:05.000\na &lt;b&gt; &amp; c --&gt; d e\n"
        );
    }
}
