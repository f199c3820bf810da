//! config: `[bulletin]` → what the bulletin reads and how it picks: its
//! `inputs` (so the cron line can be `bulletin build -c morning.toml`),
//! `since`, `limit` and `order`, and `[bulletin.fetch]`, how URL inputs are
//! fetched (a backend's `timeout_secs`, `retries`, `max_response_mb` and
//! `redirects`, read by the same code).

use std::path::Path;

use crate::fetch::FetchSettings;
use crate::ingest::{InputSpec, Order, Since, MAX_ARTICLE_BYTES};

use super::backends::{max_response_of, retry_of, timeout_of};
use super::error::{bounded, Problem};
use super::raw::RawBulletin;

/// What `[bulletin]` says about inputs, validated. The command line goes over
/// it (see `run::settings`).
#[derive(Debug, Clone, PartialEq)]
pub struct InputSettings {
    /// Paths relative to the folder of voices.toml are joined to it.
    pub inputs: Vec<InputSpec>,
    pub since: Option<Since>,
    pub limit: Option<usize>,
    pub order: Option<Order>,
    pub fetch: FetchSettings,
}

/// The most articles `limit` may keep; more is a typo.
pub const MAX_LIMIT: usize = 100_000;

pub(super) fn resolve(raw: &RawBulletin, base: &Path) -> Result<InputSettings, Problem> {
    let mut inputs = Vec::new();
    for (i, text) in raw.inputs.iter().flatten().enumerate() {
        let key = format!("inputs[{i}]");
        let spec = InputSpec::parse(text.trim())
            .map_err(|e| Problem::at("bulletin", &key, e.to_string()))?;
        inputs.push(match spec {
            InputSpec::Stdin => {
                return Err(Problem::at(
                    "bulletin",
                    key,
                    "standard input (`-`) can only be given on the command line",
                ))
            }
            InputSpec::Path(p) if p.is_relative() => InputSpec::Path(base.join(p)),
            other => other,
        });
    }
    let since = match &raw.since {
        None => None,
        Some(text) => Some(
            text.parse::<Since>()
                .map_err(|e| Problem::at("bulletin", "since", e))?,
        ),
    };
    let limit = match raw.limit {
        None => None,
        Some(n) => Some(bounded("bulletin", "limit", n, 1, MAX_LIMIT)?),
    };
    let f = &raw.fetch;
    let section = "bulletin.fetch";
    let defaults = FetchSettings::default();
    let fetch = FetchSettings {
        timeout: timeout_of(section, f.timeout_secs)?,
        retry: retry_of(section, f.retries)?,
        max_body_bytes: max_response_of(
            section,
            f.max_response_mb,
            (MAX_ARTICLE_BYTES >> 20).max(1),
            MAX_ARTICLE_BYTES >> 20,
        )?,
        redirects: f.redirects.unwrap_or(defaults.redirects),
    };
    Ok(InputSettings {
        inputs,
        since,
        limit,
        order: raw.order,
        fetch,
    })
}
