//! run: `bulletin plan`, the script as it will be sent, without spending
//! anything on synthesis.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::config::{Config, Secrets};
use crate::script::{self, Script};

use super::error::Error;
use super::inputs::{InputArgs, ReadSettings};
use super::settings::cache_dir;

#[derive(Debug, Clone)]
pub struct PlanOptions {
    pub inputs: InputArgs,
    pub voices: PathBuf,
    pub json: bool,
}

/// The script for the inputs, rendered as text or JSON. URL inputs are
/// fetched as `build` fetches them (conditionally, through the cache folder).
pub fn plan(opts: &PlanOptions) -> Result<String, Error> {
    let env = |k: &str| std::env::var(k).ok();
    let config = Config::load(&opts.voices, Secrets::NotNeeded, &env)?;
    let settings = ReadSettings::resolve(
        opts.inputs.clone(),
        &config,
        false,
        cache_dir(None, false, &env),
    )?;
    let articles = super::inputs::read(&settings)?.articles;
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
                let place = match a.item {
                    Some(n) => format!("{}#{n}", a.origin),
                    None => a.origin.clone(),
                };
                // What the running order was decided by, for the editor.
                let mut facts = String::new();
                if let Some(p) = &a.published {
                    let _ = write!(facts, "; published {p}");
                }
                if let Some(p) = a.priority {
                    let _ = write!(facts, "; priority {p}");
                }
                let _ = writeln!(
                    out,
                    "\n[{}] {} ({}, {}{facts})",
                    seg.article.unwrap_or(0) + 1,
                    a.title,
                    a.language,
                    place
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
