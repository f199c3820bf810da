//! config: the `[bulletin]` keys that say what the artifacts look like:
//! formats, sample format, loudness target, Broadcast Wave and cart metadata.

use std::time::Duration;

use crate::audio::LoudnessTarget;
use crate::output::{BwfSettings, CartSettings, ChannelSettings, OutputSettings};

use super::duration::parse_duration;
use super::error::Problem;
use super::raw::{LoudnessProfile, RawBulletin, RawLoudness};

pub(super) fn resolve(raw: &RawBulletin) -> Result<OutputSettings, Problem> {
    let defaults = OutputSettings::default();
    let bits = raw.bits.unwrap_or(16);
    if bits != 16 && bits != 24 {
        return Err(Problem::at(
            "bulletin",
            "bits",
            format!("= {bits}: use 16 or 24"),
        ));
    }
    let loudness = match &raw.loudness {
        None => defaults.loudness,
        Some(RawLoudness::Profile(LoudnessProfile::Broadcast)) => Some(LoudnessTarget::broadcast()),
        Some(RawLoudness::Profile(LoudnessProfile::Podcast)) => Some(LoudnessTarget::podcast()),
        Some(RawLoudness::Profile(LoudnessProfile::Off)) => None,
        Some(RawLoudness::Custom(t)) => {
            let target = LoudnessTarget {
                integrated_lufs: t.integrated.unwrap_or(-23.0),
                true_peak_dbtp: t.true_peak.unwrap_or(-1.0),
            };
            if !(-70.0..=0.0).contains(&target.integrated_lufs)
                || !(-20.0..=0.0).contains(&target.true_peak_dbtp)
            {
                return Err(Problem::at(
                    "bulletin",
                    "loudness",
                    "integrated must be within -70..0 LUFS and true_peak within -20..0 dBTP",
                ));
            }
            Some(target)
        }
    };
    let formats = match &raw.formats {
        None => defaults.formats,
        Some(list) if list.is_empty() => {
            return Err(Problem::at(
                "bulletin",
                "formats",
                "must name at least one format",
            ))
        }
        Some(list) => list.clone(),
    };
    let cart = match &raw.cart {
        None => None,
        Some(c) => Some(CartSettings {
            title: c.title.clone(),
            artist: c.artist.clone().unwrap_or_default(),
            category: c.category.clone().unwrap_or_else(|| "NEWS".into()),
            client_id: c.client_id.clone().unwrap_or_default(),
            valid_for: match &c.valid_for {
                None => Duration::from_secs(3600),
                Some(t) => valid_for(t)?,
            },
        }),
    };
    Ok(OutputSettings {
        formats,
        bits,
        loudness,
        bwf: BwfSettings {
            description: raw.bwf.description.clone(),
            originator: raw
                .bwf
                .originator
                .clone()
                .unwrap_or(defaults.bwf.originator),
            originator_reference: raw.bwf.originator_reference.clone(),
        },
        cart,
        channel: ChannelSettings {
            title: raw.feed.title.clone(),
            description: raw.feed.description.clone(),
            author: raw.feed.author.clone(),
            image: match &raw.feed.image {
                Some(i) => Some(
                    url::Url::parse(i)
                        .map_err(|e| {
                            Problem::at("bulletin.feed", "image", format!("= {i:?}: {e}"))
                        })?
                        .to_string(),
                ),
                None => None,
            },
            category: raw.feed.category.clone(),
            explicit: raw.feed.explicit.unwrap_or(false),
        },
    })
}

/// How long a bulletin may air after it is made: 1 minute to 366 days.
fn valid_for(text: &str) -> Result<Duration, Problem> {
    let d = parse_duration(text, Duration::from_secs(60))
        .map_err(|e| Problem::at("bulletin.cart", "valid_for", e))?;
    if !(Duration::from_secs(60)..=Duration::from_secs(366 * 86400)).contains(&d) {
        return Err(Problem::at(
            "bulletin.cart",
            "valid_for",
            format!("= \"{text}\" is out of range: use 1m to 366d"),
        ));
    }
    Ok(d)
}
