//! run: the artifacts of a build: the audio sinks for every requested format
//! (Broadcast Wave with bext/cart, MP3 with chapters, per-article files) fed
//! by one streaming render, the transcript, and the report the manifest is
//! made from, all staged in the run's generation.

use std::collections::BTreeMap;

use crate::assemble::{render, Outputs, Programme, RenderError, Sink, Spool};
use crate::cancel::Cancel;
use crate::output::{
    self, Bext, Cart, CartSettings, Chapter, FileEntry, Format, Generation, Manifest, Mp3Sink,
    Mp3Tags, OutputError, OutputSettings, Report, SegmentSource, WavFormat, WavSink,
};
use crate::script::{Script, SegmentIndex};

use super::error::Error;

/// What the artifacts are made from.
pub(super) struct Inputs<'a> {
    pub name: &'a str,
    pub settings: &'a OutputSettings,
    pub per_article: bool,
    pub script: &'a Script,
    pub programme: &'a Programme,
    pub sources: &'a BTreeMap<SegmentIndex, SegmentSource>,
    pub dropped: Vec<output::DroppedArticle>,
    pub skipped: Vec<output::SkippedInput>,
    /// The programme's loudness, when measured during synthesis.
    pub measured: Option<crate::audio::Loudness>,
}

/// Renders the programme into every requested format and per-article file,
/// stages the transcript, and returns the manifest to commit with them.
pub(super) fn write_artifacts(
    generation: &mut Generation,
    spool: &mut Spool,
    input: Inputs<'_>,
    cancel: &Cancel,
) -> Result<Manifest, Error> {
    let Inputs {
        name,
        settings,
        script,
        programme,
        ..
    } = input;
    let spec = programme.spec;
    let created = chrono::Local::now();
    let format = WavFormat {
        bits: settings.bits,
        spec,
    };
    let bext = bext_for(settings, name, &format, created);
    let cart = settings.cart.as_ref().map(|c| cart_for(c, name, created));
    let mut files = Vec::new();

    let mut wav = settings
        .formats
        .contains(&Format::Wav)
        .then(|| {
            WavSink::create(
                generation,
                &format!("{name}.wav"),
                format,
                Some(&bext),
                cart.as_ref(),
            )
        })
        .transpose()?;
    let mut mp3 = if settings.formats.contains(&Format::Mp3) {
        let chapters = chapters(script, programme);
        let tags = Mp3Tags {
            title: bext.description.clone(),
            artist: settings.bwf.originator.clone(),
            album: name.to_owned(),
            date: created.format("%Y-%m-%dT%H:%M:%S").to_string(),
            comment: format!("{} articles", script.articles.len()),
        };
        Some(Mp3Sink::create(
            generation,
            &format!("{name}.mp3"),
            spec,
            &tags,
            &chapters,
        )?)
    } else {
        None
    };
    let mut per_article: Vec<(usize, WavSink)> = Vec::new();
    if input.per_article {
        for (a, summary) in script.articles.iter().enumerate() {
            let mut article_bext = bext.clone();
            article_bext.description =
                truncate(&format!("{} - {}", bext.description, summary.title), 256);
            let file = format!("{name}-a{}.wav", a + 1);
            per_article.push((
                a,
                WavSink::create(generation, &file, format, Some(&article_bext), None)?,
            ));
        }
    }

    let mut outputs = Outputs {
        measured: input.measured,
        ..Outputs::default()
    };
    if let Some(w) = &mut wav {
        outputs.programme.push(w as &mut dyn Sink);
    }
    if let Some(m) = &mut mp3 {
        outputs.programme.push(m as &mut dyn Sink);
    }
    for (a, sink) in &mut per_article {
        outputs.articles.push((*a, sink as &mut dyn Sink));
    }
    let rendered = render(
        spool,
        programme,
        settings.loudness.as_ref(),
        cancel,
        outputs,
    )
    .map_err(render_error)?;

    let keep = |generation: &mut Generation, staged: Option<output::Staged>| -> Result<(), Error> {
        if let Some(staged) = staged {
            let path = staged.target().to_owned();
            generation
                .add(staged)
                .map_err(|source| Error::Write { path, source })?;
        }
        Ok(())
    };
    if let Some(w) = wav {
        keep(generation, w.into_staged())?;
        files.push(file_entry("wav", format!("{name}.wav"), None));
    }
    if let Some(m) = mp3 {
        keep(generation, m.into_staged())?;
        files.push(file_entry("mp3", format!("{name}.mp3"), None));
    }
    for (a, sink) in per_article {
        keep(generation, sink.into_staged())?;
        files.push(file_entry("wav", format!("{name}-a{}.wav", a + 1), Some(a)));
    }
    let primary = settings.formats.first().copied().unwrap_or(Format::Wav);
    let vtt = format!("{name}.vtt");
    files.push(file_entry("vtt", vtt.clone(), None));
    let report = Report {
        generation: generation.id(),
        created,
        audio_file: format!("{name}.{}", primary.extension()),
        bits_per_sample: settings.bits,
        script,
        rendered: &rendered,
        sources: input.sources,
        files,
        target: settings.loudness,
        dropped: input.dropped,
        skipped: input.skipped,
    };
    let manifest = Manifest::new(&report);
    let transcript = output::render_vtt(&manifest.cues());
    generation
        .stage(&vtt, |w| w.write_all(transcript.as_bytes()))
        .map_err(|source| Error::Write {
            path: generation.path(&vtt),
            source,
        })?;
    Ok(manifest)
}

/// One chapter per article, at its place in the programme.
fn chapters(script: &Script, programme: &Programme) -> Vec<Chapter> {
    let rate = programme.spec.sample_rate;
    script
        .articles
        .iter()
        .enumerate()
        .filter_map(|(a, summary)| {
            let span = programme.article_span(a)?;
            Some(Chapter {
                id: format!("chp{}", a + 1),
                title: summary.title.clone(),
                start_ms: span.start.to_ms(rate) as u32,
                end_ms: span.end.to_ms(rate) as u32,
            })
        })
        .collect()
}

fn file_entry(format: &str, path: String, article: Option<usize>) -> FileEntry {
    FileEntry {
        format: format.into(),
        path,
        article,
    }
}

/// A render's failure as the run reports it: the file a sink could not
/// write, a signal, or a broken invariant.
pub(super) fn render_error(e: RenderError) -> Error {
    match e {
        RenderError::Interrupted(i) => Error::Interrupted(i.0),
        RenderError::Spool(source) => Error::Spool(source),
        RenderError::Invariant(message) => Error::Internal(message),
        RenderError::Sink(e) => match e.downcast::<OutputError>() {
            Ok(e) => Error::Write {
                path: e.path,
                source: e.source,
            },
            Err(other) => Error::Internal(other.to_string()),
        },
    }
}

impl From<OutputError> for Error {
    fn from(e: OutputError) -> Error {
        Error::Write {
            path: e.path,
            source: e.source,
        }
    }
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
