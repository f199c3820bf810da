//! run: the artifacts of a build: the audio sinks for every requested format
//! (Broadcast Wave with bext/cart, MP3 with chapters, per-article files) fed
//! by one streaming render, the transcript, and the report the manifest is
//! made from, all staged in the run's generation.

use std::collections::BTreeMap;

use crate::assemble::{render, Outputs, Programme, RenderError, Sink, Spool};
use crate::cancel::Cancel;
use crate::output::{
    self, Bext, Book, BookInfo, Cart, CartSettings, Chapter, FileEntry, Format, Generation,
    Manifest, Mp3Sink, Mp3Tags, OutputError, OutputSettings, PageAudio, Report, SegmentSource,
    Staged, WavFormat, WavSink,
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
    let wants = |f: Format| settings.formats.contains(&f);
    // The manifest's `audio` is always a file of the generation: without an
    // audio format asked for, the WAV is made too.
    let primary = settings
        .formats
        .iter()
        .copied()
        .find(|f| f.is_audio())
        .unwrap_or(Format::Wav);
    // The talking books carry the MP3; it is an artifact of its own only when asked for.
    let need_mp3 = wants(Format::Mp3) || wants(Format::Daisy) || wants(Format::Epub);

    let mut wav = (primary == Format::Wav || wants(Format::Wav))
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
    let mut mp3 = if need_mp3 {
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
    // Kept until the books have copied it; added to the generation only if asked for.
    let mp3 = mp3.and_then(|m| m.into_staged());
    if mp3.is_some() && wants(Format::Mp3) {
        files.push(file_entry("mp3", format!("{name}.mp3"), None));
    }
    for (a, sink) in per_article {
        keep(generation, sink.into_staged())?;
        files.push(file_entry("wav", format!("{name}-a{}.wav", a + 1), Some(a)));
    }
    let vtt = format!("{name}.vtt");
    files.push(file_entry("vtt", vtt.clone(), None));
    for f in settings.formats.iter().filter(|f| !f.is_audio()) {
        files.push(file_entry(
            f.name(),
            format!("{name}.{}", f.extension()),
            None,
        ));
    }
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
    let info = BookInfo {
        title: bext.description.clone(),
        identifier: identifier(name, created),
        publisher: settings.bwf.originator.clone(),
    };
    // The page plays the MP3 when there is one (smaller), else the WAV.
    let page_audio = if wants(Format::Mp3) {
        (format!("{name}.mp3"), "audio/mpeg")
    } else {
        (format!("{name}.wav"), "audio/wav")
    };
    write_timeline_formats(
        generation,
        name,
        &manifest,
        &info,
        settings,
        mp3.as_ref(),
        PageAudio {
            file: &page_audio.0,
            mime: page_audio.1,
        },
    )?;
    if wants(Format::Mp3) {
        keep(generation, mp3)?;
    }
    Ok(manifest)
}

/// The artifacts made from the manifest's timeline, staged in the generation:
/// the SubRip transcript, the chapters, the transcript page and the talking
/// books (which carry a copy of the MP3 staged for this run).
fn write_timeline_formats(
    generation: &mut Generation,
    name: &str,
    manifest: &Manifest,
    info: &BookInfo,
    settings: &OutputSettings,
    mp3: Option<&Staged>,
    page_audio: PageAudio<'_>,
) -> Result<(), Error> {
    let book = Book::new(manifest, info);
    for format in settings.formats.iter().copied().filter(|f| !f.is_audio()) {
        let file = format!("{name}.{}", format.extension());
        let path = generation.path(&file);
        let werr = |source: std::io::Error| Error::Write {
            path: path.clone(),
            source,
        };
        match format {
            Format::Wav | Format::Mp3 => {}
            Format::Srt => {
                let srt = output::render_srt(&manifest.cues());
                generation
                    .stage(&file, |w| w.write_all(srt.as_bytes()))
                    .map_err(werr)?;
            }
            Format::Chapters => {
                let json = output::render_chapters(manifest);
                generation
                    .stage(&file, |w| w.write_all(&json))
                    .map_err(werr)?;
            }
            Format::Html => {
                let page = output::render_html(&book, &page_audio).map_err(werr)?;
                generation
                    .stage(&file, |w| w.write_all(&page))
                    .map_err(werr)?;
            }
            Format::Daisy => {
                let audio = mp3_of(mp3, &path)?;
                let files = output::render_daisy(&book).map_err(werr)?;
                generation
                    .stage_folder(&file, |dir| {
                        for (f, bytes) in &files {
                            std::fs::write(dir.join(f), bytes)?;
                        }
                        std::fs::copy(audio, dir.join(output::DAISY_AUDIO))?;
                        Ok(())
                    })
                    .map_err(werr)?;
            }
            Format::Epub => {
                let audio = mp3_of(mp3, &path)?;
                let files = output::render_epub(&book).map_err(werr)?;
                generation
                    .stage_seekable(&file, |w| {
                        let mut audio = std::fs::File::open(audio)?;
                        output::package_epub(w, &files, &mut audio)
                    })
                    .map_err(werr)?;
            }
        }
    }
    Ok(())
}

/// Where the staged MP3 a talking book copies is.
fn mp3_of<'a>(
    mp3: Option<&'a Staged>,
    book: &std::path::Path,
) -> Result<&'a std::path::Path, Error> {
    mp3.map(Staged::temp_path)
        .ok_or_else(|| Error::Internal(format!("no MP3 was rendered for {}", book.display())))
}

/// A book identifier: the bulletin's name and when it was made.
fn identifier(name: &str, created: chrono::DateTime<chrono::Local>) -> String {
    let safe: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!(
        "urn:bulletin:{safe}:{}",
        created.with_timezone(&chrono::Utc).format("%Y%m%dT%H%M%SZ")
    )
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
