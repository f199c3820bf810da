//! run: the artifacts of a build: the programme rendered into each requested
//! format (Broadcast Wave with bext/cart, MP3 with chapters, per-article
//! files), staged under temporary names, and the manifest that goes with them.

use crate::assemble::{render, Item, Spool};
use crate::cancel::Cancel;
use crate::output::{
    self, Bext, BwfWriter, Cart, CartSettings, Chapter, FileEntry, Format, Generation, Manifest,
    Mp3Tags, OutputSettings, SegmentSource, WavFormat,
};
use crate::script::Script;
use std::io::Write;
use std::path::Path;

use super::error::Error;

pub(super) fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> Error {
    let path = path.to_owned();
    move |source| match crate::cancel::interrupted_by(&source) {
        Some(signal) => Error::Interrupted(signal),
        None => Error::Write { path, source },
    }
}

/// Renders the programme into every requested format (and per-article files),
/// staged in `generation`; returns the manifest to go with them. Every chunk
/// of audio is a checkpoint for `cancel`.
#[allow(clippy::too_many_arguments)]
pub(super) fn write_artifacts(
    generation: &mut Generation,
    name: &str,
    settings: &OutputSettings,
    script: &Script,
    items: &[Item],
    sources: &[SegmentSource],
    spool: &mut Spool,
    cancel: &Cancel,
) -> Result<Manifest, Error> {
    let spec = spool.spec();
    let created = chrono::Local::now();
    let wants_mp3 = settings.formats.contains(&Format::Mp3);
    let mut files = Vec::new();
    let mut mp3_samples = Vec::new();
    let primary = settings.formats.first().copied().unwrap_or(Format::Wav);
    let wav_file = format!("{name}.wav");
    let wav_path = generation.path(&wav_file);
    let format = WavFormat {
        bits: settings.bits,
        spec,
    };
    let bext = bext_for(settings, name, &format, created);
    let cart = settings.cart.as_ref().map(|c| cart_for(c, name, created));
    let mut rendered = None;
    let write_wav = settings.formats.contains(&Format::Wav);
    if write_wav {
        generation
            .stage_seekable(&wav_file, |w| {
                let mut writer = BwfWriter::new(w, format, Some(&bext), cart.as_ref())?;
                let r = render(
                    spool,
                    items,
                    settings.loudness.as_ref(),
                    cancel,
                    &mut |samples| {
                        if wants_mp3 {
                            mp3_samples.extend_from_slice(samples);
                        }
                        writer.write_samples(samples)
                    },
                )?;
                let w = writer.finish()?;
                w.flush()?;
                output::patch_bext_loudness(&mut { *w.get_ref() }, &r.loudness)?;
                rendered = Some(r);
                Ok(())
            })
            .map_err(write_err(&wav_path))?;
        files.push(FileEntry {
            format: "wav".into(),
            path: wav_file,
            article: None,
        });
    } else {
        let r = render(
            spool,
            items,
            settings.loudness.as_ref(),
            cancel,
            &mut |samples| {
                mp3_samples.extend_from_slice(samples);
                Ok(())
            },
        )
        .map_err(write_err(generation.dir()))?;
        rendered = Some(r);
    }
    let rendered = rendered.expect("the programme was rendered");
    let mut manifest = Manifest::new(
        &format!("{name}.{}", primary.extension()),
        settings.bits,
        script,
        &rendered,
        sources,
        created.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
    );
    manifest.loudness.target_lufs = settings.loudness.as_ref().map(|t| t.integrated_lufs);
    manifest.loudness.true_peak_ceiling_dbtp = settings.loudness.as_ref().map(|t| t.true_peak_dbtp);

    if wants_mp3 {
        cancel.check().map_err(|i| Error::Interrupted(i.0))?;
        let file = format!("{name}.mp3");
        let path = generation.path(&file);
        let clip = crate::audio::Clip::new(spec, std::mem::take(&mut mp3_samples));
        let chapters: Vec<Chapter> = manifest
            .articles
            .iter()
            .enumerate()
            .map(|(i, a)| Chapter {
                id: format!("chp{}", i + 1),
                title: a.summary.title.clone(),
                start_ms: a.start_ms as u32,
                end_ms: a.end_ms as u32,
            })
            .collect();
        let tags = Mp3Tags {
            title: bext.description.clone(),
            artist: settings.bwf.originator.clone(),
            album: name.to_owned(),
            date: created.format("%Y-%m-%dT%H:%M:%S").to_string(),
            comment: format!("{} articles", manifest.articles.len()),
        };
        generation
            .stage(&file, |w| output::write_mp3(&clip, &tags, &chapters, w))
            .map_err(write_err(&path))?;
        files.push(FileEntry {
            format: "mp3".into(),
            path: file,
            article: None,
        });
    }

    if settings.per_article {
        for (a, summary) in script.articles.iter().enumerate() {
            let mine: Vec<Item> = script
                .segments
                .iter()
                .zip(items)
                .filter(|(s, _)| s.article == Some(a))
                .map(|(_, item)| *item)
                .collect();
            let file = format!("{name}-a{}.wav", a + 1);
            let path = generation.path(&file);
            let mut article_bext = bext.clone();
            article_bext.description =
                truncate(&format!("{} - {}", bext.description, summary.title), 256);
            generation
                .stage_seekable(&file, |w| {
                    let mut writer = BwfWriter::new(w, format, Some(&article_bext), None)?;
                    let r = render(
                        spool,
                        &mine,
                        settings.loudness.as_ref(),
                        cancel,
                        &mut |samples| writer.write_samples(samples),
                    )?;
                    let w = writer.finish()?;
                    w.flush()?;
                    output::patch_bext_loudness(&mut { *w.get_ref() }, &r.loudness)
                })
                .map_err(write_err(&path))?;
            files.push(FileEntry {
                format: "wav".into(),
                path: file,
                article: Some(a),
            });
        }
    }
    manifest.files = files;
    Ok(manifest)
}

pub(super) fn bext_for(
    settings: &OutputSettings,
    name: &str,
    format: &WavFormat,
    created: chrono::DateTime<chrono::Local>,
) -> Bext {
    Bext {
        description: truncate(
            settings
                .bwf
                .description
                .as_deref()
                .unwrap_or(&format!("News bulletin {name}")),
            256,
        ),
        originator: truncate(&settings.bwf.originator, 32),
        originator_reference: truncate(
            settings.bwf.originator_reference.as_deref().unwrap_or(name),
            32,
        ),
        origination_date: created.format("%Y-%m-%d").to_string(),
        origination_time: created.format("%H:%M:%S").to_string(),
        time_reference: 0,
        loudness_value: None,
        loudness_range: None,
        max_true_peak_level: None,
        max_momentary_loudness: None,
        max_short_term_loudness: None,
        coding_history: Bext::coding_history_line(
            format,
            concat!("bulletin ", env!("CARGO_PKG_VERSION")),
        ),
    }
}

pub(super) fn cart_for(
    c: &CartSettings,
    name: &str,
    created: chrono::DateTime<chrono::Local>,
) -> Cart {
    let end =
        created + chrono::Duration::from_std(c.valid_for).unwrap_or(chrono::Duration::hours(1));
    Cart {
        title: truncate(c.title.as_deref().unwrap_or(name), 64),
        artist: truncate(&c.artist, 64),
        cut_id: truncate(name, 64),
        client_id: truncate(&c.client_id, 64),
        category: truncate(&c.category, 64),
        start_date: created.format("%Y-%m-%d").to_string(),
        start_time: created.format("%H:%M:%S").to_string(),
        end_date: end.format("%Y-%m-%d").to_string(),
        end_time: end.format("%H:%M:%S").to_string(),
        producer_app_id: "bulletin".into(),
        producer_app_version: env!("CARGO_PKG_VERSION").into(),
        ..Cart::default()
    }
}

/// At most `max` bytes, cut on a character boundary.
pub(super) fn truncate(text: &str, max: usize) -> String {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}
