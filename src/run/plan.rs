//! run: `bulletin plan`, the script as it will be sent, without spending
//! anything on synthesis.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::config::{Config, Secrets};
use crate::ingest::InputSpec;
use crate::script::{self, Script};

use super::error::Error;

#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub inputs: Vec<InputSpec>,
    pub voices: PathBuf,
    pub json: bool,
}

/// The script for the inputs, rendered as text or JSON.
pub fn plan(opts: &PlanOptions) -> Result<String, Error> {
    let config = Config::load(&opts.voices, Secrets::NotNeeded, &|k| std::env::var(k).ok())?;
    let articles = crate::ingest::read(&opts.inputs, false)?.articles;
    let script = script::build(&articles, &config.script)?;
    Ok(if opts.json {
        let mut text = serde_json::to_string_pretty(&script).expect("the script is plain data");
        text.push('\n');
        text
    } else {
        render_text(&script)
    })
}

fn render_text(script: &Script) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} articles, {} segments",
        script.articles.len(),
        script.segments.len()
    );
    let mut current = None;
    for seg in &script.segments {
        if seg.article != current {
            current = seg.article;
            if let Some(a) = seg.article.map(|i| &script.articles[i]) {
                let _ = writeln!(
                    out,
                    "\n[{}] {} ({}, {})",
                    seg.article.unwrap_or(0) + 1,
                    a.title,
                    a.language,
                    a.origin
                );
            } else {
                out.push('\n');
            }
        }
        let _ = writeln!(
            out,
            "  {:<18} {:<12} {:<10} {:>5}ms  {}",
            seg.id,
            seg.kind.as_str(),
            seg.voice(),
            seg.pause_after.as_millis(),
            seg.text()
        );
    }
    out
}
