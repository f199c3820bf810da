//! output: the audio artifacts as sinks of the streaming render: a Broadcast
//! Wave file and an MP3 file, each staged in the run's generation and named
//! in every error.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;

use crate::assemble::{Sink, SinkError};
use crate::audio::{AudioSpec, Loudness};

use super::atomic::Staged;
use super::bwf::{patch_bext_loudness, Bext, BwfWriter, Cart, WavFormat};
use super::generation::Generation;
use super::mp3::{Chapter, Mp3Tags, Mp3Writer};

/// Writing an artifact failed.
#[derive(Debug, thiserror::Error)]
#[error("failed to write {}: {source}", path.display())]
pub struct OutputError {
    pub path: PathBuf,
    #[source]
    pub source: io::Error,
}

impl OutputError {
    fn boxed(path: &std::path::Path, source: io::Error) -> SinkError {
        Box::new(OutputError {
            path: path.to_owned(),
            source,
        })
    }
}

/// A staged file of the generation opened for a streaming writer.
fn open(
    generation: &Generation,
    file: &str,
) -> Result<(PathBuf, Staged, BufWriter<File>), OutputError> {
    let path = generation.path(file);
    let opened = generation
        .create(file)
        .and_then(|staged| Ok((staged.writer()?, staged)));
    match opened {
        Ok((out, staged)) => Ok((path, staged, BufWriter::with_capacity(256 << 10, out))),
        Err(source) => Err(OutputError { path, source }),
    }
}

/// The error for a sink written to after it was finished (a bug).
fn finished(path: &std::path::Path) -> SinkError {
    OutputError::boxed(path, io::Error::other("written after it was finished"))
}

/// `NAME.wav` (or a per-article file): Broadcast Wave, the measured loudness
/// patched into its `bext` chunk at the end.
pub struct WavSink {
    path: PathBuf,
    staged: Option<Staged>,
    writer: Option<BwfWriter<BufWriter<File>>>,
    bext: bool,
}

impl WavSink {
    pub fn create(
        generation: &Generation,
        file: &str,
        format: WavFormat,
        bext: Option<&Bext>,
        cart: Option<&Cart>,
    ) -> Result<WavSink, OutputError> {
        let (path, staged, out) = open(generation, file)?;
        let writer = BwfWriter::new(out, format, bext, cart).map_err(|source| OutputError {
            path: path.clone(),
            source,
        })?;
        Ok(WavSink {
            path,
            staged: Some(staged),
            writer: Some(writer),
            bext: bext.is_some(),
        })
    }

    /// The complete file, for the generation, once the render has finished it.
    pub fn into_staged(mut self) -> Option<Staged> {
        self.staged.take()
    }
}

impl Sink for WavSink {
    fn write(&mut self, samples: &[f32]) -> Result<(), SinkError> {
        match &mut self.writer {
            Some(w) => w
                .write_samples(samples)
                .map_err(|e| OutputError::boxed(&self.path, e)),
            None => Err(finished(&self.path)),
        }
    }

    fn finish(&mut self, loudness: &Loudness) -> Result<(), SinkError> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let done = (|| -> io::Result<()> {
            let out = writer.finish()?;
            let mut file = out.into_inner().map_err(|e| e.into_error())?;
            if self.bext {
                patch_bext_loudness(&mut file, loudness)?;
            }
            file.flush()
        })();
        done.map_err(|e| OutputError::boxed(&self.path, e))
    }
}

/// `NAME.mp3`: LAME frames streamed as the programme renders, with ID3 tags
/// and one chapter per article.
pub struct Mp3Sink {
    path: PathBuf,
    staged: Option<Staged>,
    writer: Option<Mp3Writer<BufWriter<File>>>,
}

impl Mp3Sink {
    pub fn create(
        generation: &Generation,
        file: &str,
        spec: AudioSpec,
        tags: &Mp3Tags,
        chapters: &[Chapter],
    ) -> Result<Mp3Sink, OutputError> {
        let (path, staged, out) = open(generation, file)?;
        let writer = Mp3Writer::new(out, spec, tags, chapters).map_err(|source| OutputError {
            path: path.clone(),
            source,
        })?;
        Ok(Mp3Sink {
            path,
            staged: Some(staged),
            writer: Some(writer),
        })
    }

    pub fn into_staged(mut self) -> Option<Staged> {
        self.staged.take()
    }
}

impl Sink for Mp3Sink {
    fn write(&mut self, samples: &[f32]) -> Result<(), SinkError> {
        match &mut self.writer {
            Some(w) => w
                .write(samples)
                .map_err(|e| OutputError::boxed(&self.path, e)),
            None => Err(finished(&self.path)),
        }
    }

    fn finish(&mut self, _: &Loudness) -> Result<(), SinkError> {
        let Some(writer) = self.writer.take() else {
            return Ok(());
        };
        let done = (|| -> io::Result<()> {
            let mut out = writer.finish()?;
            out.flush()
        })();
        done.map_err(|e| OutputError::boxed(&self.path, e))
    }
}
