//! output: MP3 — the bulletin encoded with LAME (through `mp3lame-encoder`) for podcast
//! and web delivery, with ID3v2.4 tags (`id3`): title, artist, album, date, comment,
//! and one `CHAP` frame per article under a `CTOC` table of contents.
//!
//! The stream starts with a LAME "Info" frame carrying the encoder delay and padding:
//! decoders that read it (ffmpeg, most players) trim both, so the decoded audio is
//! exactly as long as the clip and chapter times line up with it. (ffprobe's
//! container duration still counts whole MP3 frames: up to ~35 ms more.)

use std::collections::HashSet;
use std::io::{self, Seek, SeekFrom, Write};

use id3::frame::{Chapter as ChapFrame, Comment, TableOfContents};
use id3::{Frame, Tag, TagLike, Timestamp, Version};
use mp3lame_encoder::{
    max_required_buffer_size, Bitrate, Builder, Encoder, FlushGap, InterleavedPcm, Mode, MonoPcm,
    Quality, VbrMode,
};

#[cfg(test)]
use crate::audio::Clip;
use crate::audio::{AudioSpec, StreamConverter};

/// Frames handed to LAME per call: a whole number of MP3 frames (1152 samples).
const ENCODE_FRAMES: usize = 1152 * 32;

/// ID3 text of the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mp3Tags {
    pub title: String,
    pub artist: String,
    pub album: String,
    /// `yyyy`, `yyyy-mm-dd` or an ISO 8601 time (`yyyy-mm-ddThh:mm:ss`); empty for none.
    pub date: String,
    pub comment: String,
}

/// One article's span in the bulletin, for a `CHAP` frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    /// Unique within the file, e.g. `chp0`.
    pub id: String,
    pub title: String,
    pub start_ms: u32,
    pub end_ms: u32,
}

/// The MP3 stream made from a clip: 44 100 Hz for clips at a multiple of 11 025 Hz,
/// 48 000 Hz otherwise; mono stays mono (128 kbit/s CBR), anything else becomes
/// joint stereo (192 kbit/s CBR).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mp3Format {
    pub spec: AudioSpec,
    pub kbps: u16,
}

impl Mp3Format {
    pub fn for_spec(spec: AudioSpec) -> Mp3Format {
        let sample_rate = if spec.sample_rate != 0 && spec.sample_rate.is_multiple_of(11_025) {
            44_100
        } else {
            48_000
        };
        let channels = if spec.channels == 1 { 1 } else { 2 };
        Mp3Format {
            spec: AudioSpec {
                sample_rate,
                channels,
            },
            kbps: if channels == 1 { 128 } else { 192 },
        }
    }
}

/// Streams a programme into an MP3 file: the ID3 tag (with the chapters,
/// known from the layout before any sample) first, then LAME frames as the
/// samples come, then the Info frame patched in at the start once the encoder
/// knows its padding. Samples are converted on the way to the format
/// [`Mp3Format::for_spec`] picks.
pub struct Mp3Writer<W: Write + Seek> {
    out: W,
    format: Mp3Format,
    encoder: Encoder,
    converter: Option<StreamConverter>,
    /// Where the MP3 frames start (after the ID3 tag).
    frames_at: u64,
    /// The first bytes of the stream, where LAME leaves room for the Info frame.
    head: Vec<u8>,
    converted: Vec<f32>,
    clean: Vec<f32>,
    buf: Vec<u8>,
}

/// How many bytes of the stream's start are kept to patch the Info frame.
const HEAD_BYTES: usize = 4096;

impl<W: Write + Seek> Mp3Writer<W> {
    /// Writes the tag at `out`'s position and readies the encoder for `spec`.
    pub fn new(
        mut out: W,
        spec: AudioSpec,
        tags: &Mp3Tags,
        chapters: &[Chapter],
    ) -> io::Result<Mp3Writer<W>> {
        if spec.channels == 0 || spec.sample_rate == 0 {
            return Err(invalid("cannot encode audio without channels".to_owned()));
        }
        let tag = id3_tag(tags, chapters)?;
        let format = Mp3Format::for_spec(spec);
        let mut head = Vec::new();
        tag.write_to(&mut head, Version::Id3v24)
            .map_err(|e| io::Error::other(format!("failed to write the id3 tag: {e}")))?;
        out.write_all(&head)?;
        let frames_at = out.stream_position()?;
        Ok(Mp3Writer {
            out,
            format,
            encoder: encoder(format)?,
            converter: (spec != format.spec).then(|| StreamConverter::new(spec, format.spec)),
            frames_at,
            head: Vec::new(),
            converted: Vec::new(),
            clean: Vec::new(),
            buf: Vec::new(),
        })
    }

    /// Encodes interleaved samples of the spec given to [`Mp3Writer::new`].
    pub fn write(&mut self, samples: &[f32]) -> io::Result<()> {
        // The resampler must not see NaN or infinity (rubato's FFT panics on them).
        let finite = |s: f32| if s.is_finite() { s } else { 0.0 };
        match &mut self.converter {
            Some(c) => {
                self.clean.clear();
                self.clean.extend(samples.iter().map(|&s| finite(s)));
                self.converted.clear();
                c.push(&self.clean, &mut self.converted);
                let converted = std::mem::take(&mut self.converted);
                let result = self.encode(&converted);
                self.converted = converted;
                result
            }
            None => self.encode(samples),
        }
    }

    fn encode(&mut self, samples: &[f32]) -> io::Result<()> {
        let channels = usize::from(self.format.spec.channels);
        let mono = channels == 1;
        for chunk in samples.chunks(ENCODE_FRAMES * channels) {
            // LAME takes floats in -1..=1 and clips beyond; non-finite samples become silence.
            self.clean.clear();
            self.clean.extend(chunk.iter().map(|&s| {
                if s.is_finite() {
                    s.clamp(-1.0, 1.0)
                } else {
                    0.0
                }
            }));
            self.buf.clear();
            self.buf
                .reserve(max_required_buffer_size(chunk.len() / channels));
            if mono {
                self.encoder
                    .encode_to_vec(MonoPcm(self.clean.as_slice()), &mut self.buf)
            } else {
                self.encoder
                    .encode_to_vec(InterleavedPcm(self.clean.as_slice()), &mut self.buf)
            }
            .map_err(encoding)?;
            self.emit()?;
        }
        Ok(())
    }

    fn emit(&mut self) -> io::Result<()> {
        let room = HEAD_BYTES.saturating_sub(self.head.len());
        self.head
            .extend_from_slice(&self.buf[..room.min(self.buf.len())]);
        self.out.write_all(&self.buf)
    }

    /// Flushes the encoder and fills in the Info frame; returns the writer,
    /// positioned at the end of the file.
    pub fn finish(mut self) -> io::Result<W> {
        if let Some(c) = &mut self.converter {
            let mut tail = Vec::new();
            c.finish(&mut tail);
            self.converter = None;
            self.encode(&tail)?;
        }
        self.buf.clear();
        self.buf.reserve(max_required_buffer_size(0));
        self.encoder
            .flush_to_vec::<FlushGap>(&mut self.buf)
            .map_err(encoding)?;
        self.emit()?;
        // LAME starts the stream with a placeholder for the Info frame (a frame header and
        // zeros), whose content is known only now. Anything else there is left alone. The
        // header's last byte (channel mode bits) may differ between the two.
        let mut info = Vec::with_capacity(self.encoder.lame_tag_size());
        let head = &self.head;
        let placeholder = |info: &[u8]| {
            info.len() >= 4
                && info.len() <= head.len()
                && head[..3] == info[..3]
                && head[4..info.len()].iter().all(|&b| b == 0)
        };
        if self.encoder.lame_tag_encode_to_vec(&mut info).is_some() && placeholder(&info) {
            let end = self.out.stream_position()?;
            self.out.seek(SeekFrom::Start(self.frames_at))?;
            self.out.write_all(&info)?;
            self.out.seek(SeekFrom::Start(end))?;
        }
        Ok(self.out)
    }
}

/// Encodes `clip` as MP3 with `tags` and `chapters` in one go (tests; the
/// program streams through [`Mp3Writer`]).
#[cfg(test)]
pub fn write_mp3(
    clip: &Clip,
    tags: &Mp3Tags,
    chapters: &[Chapter],
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut w = Mp3Writer::new(io::Cursor::new(Vec::new()), clip.spec(), tags, chapters)?;
    w.write(clip.samples())?;
    out.write_all(&w.finish()?.into_inner())
}

fn id3_tag(tags: &Mp3Tags, chapters: &[Chapter]) -> io::Result<Tag> {
    let mut tag = Tag::new();
    if !tags.title.is_empty() {
        tag.set_title(tags.title.as_str());
    }
    if !tags.artist.is_empty() {
        tag.set_artist(tags.artist.as_str());
    }
    if !tags.album.is_empty() {
        tag.set_album(tags.album.as_str());
    }
    if !tags.date.is_empty() {
        // The id3 parser accepts a leading number followed by anything; only a date that
        // prints back unchanged is what the caller meant.
        let date = tags
            .date
            .parse::<Timestamp>()
            .ok()
            .filter(|d| d.to_string() == tags.date)
            .ok_or_else(|| invalid(format!("mp3 date {:?} is not an ISO 8601 date", tags.date)))?;
        tag.set_date_recorded(date);
    }
    if !tags.comment.is_empty() {
        tag.add_frame(Comment {
            lang: "eng".to_owned(),
            description: String::new(),
            text: tags.comment.clone(),
        });
    }
    if chapters.is_empty() {
        return Ok(tag);
    }
    let mut seen = HashSet::new();
    for chapter in chapters {
        if chapter.id.is_empty() || chapter.id.contains('\0') {
            return Err(invalid(format!(
                "chapter id {:?} must be non-empty text without NUL",
                chapter.id
            )));
        }
        if !seen.insert(chapter.id.as_str()) {
            return Err(invalid(format!(
                "chapter id {:?} is used twice",
                chapter.id
            )));
        }
        if chapter.end_ms < chapter.start_ms {
            return Err(invalid(format!(
                "chapter {:?} ends ({} ms) before it starts ({} ms)",
                chapter.id, chapter.end_ms, chapter.start_ms
            )));
        }
        tag.add_frame(ChapFrame {
            element_id: chapter.id.clone(),
            start_time: chapter.start_ms,
            end_time: chapter.end_ms,
            // All ones: the byte offsets are unused, times alone place the chapter.
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![Frame::text("TIT2", chapter.title.as_str())],
        });
    }
    tag.add_frame(TableOfContents {
        element_id: "toc".to_owned(),
        top_level: true,
        ordered: true,
        elements: chapters.iter().map(|c| c.id.clone()).collect(),
        frames: Vec::new(),
    });
    Ok(tag)
}

/// A LAME encoder for `format`: constant bit rate, with an Info frame.
fn encoder(format: Mp3Format) -> io::Result<Encoder> {
    let settings = |e: mp3lame_encoder::BuildError| {
        io::Error::other(format!("mp3 encoder rejected its settings: {e}"))
    };
    let mono = format.spec.channels == 1;
    let mut builder =
        Builder::new().ok_or_else(|| io::Error::other("mp3 encoder could not be allocated"))?;
    builder
        .set_num_channels(if mono { 1 } else { 2 })
        .map_err(settings)?;
    builder
        .set_sample_rate(format.spec.sample_rate)
        .map_err(settings)?;
    builder
        .set_brate(if mono {
            Bitrate::Kbps128
        } else {
            Bitrate::Kbps192
        })
        .map_err(settings)?;
    builder
        .set_mode(if mono { Mode::Mono } else { Mode::JointStereo })
        .map_err(settings)?;
    builder.set_vbr_mode(VbrMode::Off).map_err(settings)?;
    builder.set_quality(Quality::NearBest).map_err(settings)?;
    // The Info frame: frame count, encoder delay and padding, for exact durations.
    builder.set_to_write_vbr_tag(true).map_err(settings)?;
    builder.build().map_err(settings)
}

fn encoding(e: mp3lame_encoder::EncodeError) -> io::Error {
    io::Error::other(format!("mp3 encoding failed: {e}"))
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;
    use std::process::Command;

    fn voice(spec: AudioSpec, secs: f64) -> Clip {
        let frames = (secs * f64::from(spec.sample_rate)) as usize;
        let samples = (0..frames)
            .flat_map(|n| {
                let t = n as f64 / f64::from(spec.sample_rate);
                let v = 0.3
                    * (2.0 * std::f64::consts::PI * 220.0 * t).sin()
                    * (0.5 + 0.5 * (2.0 * std::f64::consts::PI * 3.0 * t).sin());
                std::iter::repeat_n(v as f32, usize::from(spec.channels))
            })
            .collect();
        Clip::new(spec, samples)
    }

    fn chapters() -> Vec<Chapter> {
        [
            (0, 2_000, "Floods in the north"),
            (2_000, 4_500, "Budget vote"),
            (4_500, 6_000, "Weather"),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(start_ms, end_ms, title))| Chapter {
            id: format!("chp{i}"),
            title: title.to_owned(),
            start_ms,
            end_ms,
        })
        .collect()
    }

    fn tags() -> Mp3Tags {
        Mp3Tags {
            title: "Morning bulletin".to_owned(),
            artist: "Newsroom".to_owned(),
            album: "Bulletins".to_owned(),
            date: "2025-01-02".to_owned(),
            comment: "Nachrichten für alle".to_owned(),
        }
    }

    fn ffprobe(path: &Path) -> Option<serde_json::Value> {
        let out = Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_chapters",
                "-show_format",
                "-show_streams",
            ])
            .args(["-of", "json"])
            .arg(path)
            .output();
        match out {
            Ok(out) => {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                Some(serde_json::from_slice(&out.stdout).unwrap())
            }
            Err(_) => {
                eprintln!("note: ffprobe not on PATH; skipping the ffprobe check");
                None
            }
        }
    }

    fn secs(v: &serde_json::Value) -> f64 {
        v.as_str().unwrap().parse().unwrap()
    }

    #[test]
    fn tags_and_chapters_read_back_with_the_id3_crate() {
        let clip = voice(
            AudioSpec {
                sample_rate: 48_000,
                channels: 1,
            },
            1.0,
        );
        let mut bytes = Vec::new();
        write_mp3(&clip, &tags(), &chapters(), &mut bytes).unwrap();
        let tag = Tag::read_from2(std::io::Cursor::new(&bytes)).unwrap();
        assert_eq!(tag.version(), Version::Id3v24);
        assert_eq!(tag.title(), Some("Morning bulletin"));
        assert_eq!(tag.artist(), Some("Newsroom"));
        assert_eq!(tag.album(), Some("Bulletins"));
        assert_eq!(tag.date_recorded().unwrap().to_string(), "2025-01-02");
        assert_eq!(tag.comments().next().unwrap().text, "Nachrichten für alle");
        let chaps: Vec<_> = tag.chapters().collect();
        assert_eq!(chaps.len(), 3);
        assert_eq!(chaps[1].element_id, "chp1");
        assert_eq!((chaps[1].start_time, chaps[1].end_time), (2_000, 4_500));
        let toc: Vec<_> = tag.tables_of_contents().collect();
        assert_eq!(toc.len(), 1);
        assert!(toc[0].top_level && toc[0].ordered);
        assert_eq!(toc[0].elements, ["chp0", "chp1", "chp2"]);
        // The Info frame replaced LAME's placeholder.
        assert!(bytes.windows(4).any(|w| w == b"Info"), "no LAME Info frame");
    }

    #[test]
    fn ffprobe_lists_chapters_and_the_duration() {
        for spec in [
            // Resampled to 48 kHz mono.
            AudioSpec {
                sample_rate: 24_000,
                channels: 1,
            },
            // Kept at 44.1 kHz, joint stereo.
            AudioSpec {
                sample_rate: 44_100,
                channels: 2,
            },
        ] {
            let clip = voice(spec, 6.0);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("bulletin.mp3");
            let mut file = std::fs::File::create(&path).unwrap();
            write_mp3(&clip, &tags(), &chapters(), &mut file).unwrap();
            drop(file);
            let Some(probe) = ffprobe(&path) else {
                return;
            };
            let stream = &probe["streams"][0];
            assert_eq!(stream["codec_name"], "mp3");
            let want = Mp3Format::for_spec(spec);
            assert_eq!(stream["sample_rate"], want.spec.sample_rate.to_string());
            assert_eq!(stream["channels"], want.spec.channels);
            let duration = secs(&probe["format"]["duration"]);
            eprintln!("{spec:?}: ffprobe duration {duration}");
            assert!((duration - 6.0).abs() <= 0.05, "duration {duration}");
            // Decoded, the encoder delay and padding (from the Info frame) are trimmed:
            // exactly the input's length.
            let decoded = Command::new("ffmpeg")
                .args(["-v", "error", "-i"])
                .arg(&path)
                .args(["-f", "f32le", "-ac", "1", "-"])
                .output()
                .unwrap()
                .stdout;
            let frames = decoded.len() / 4;
            assert_eq!(frames, 6 * want.spec.sample_rate as usize);
            let format_tags = &probe["format"]["tags"];
            assert_eq!(format_tags["title"], "Morning bulletin");
            assert_eq!(format_tags["artist"], "Newsroom");
            let listed = probe["chapters"].as_array().unwrap();
            assert_eq!(listed.len(), 3);
            for (got, want) in listed.iter().zip(chapters()) {
                assert_eq!(got["tags"]["title"], want.title.as_str());
                let start = secs(&got["start_time"]);
                let end = secs(&got["end_time"]);
                assert!((start - f64::from(want.start_ms) / 1000.0).abs() < 1e-3);
                assert!((end - f64::from(want.end_ms) / 1000.0).abs() < 1e-3);
            }
        }
    }

    #[test]
    fn bad_chapters_and_dates_are_errors() {
        let clip = voice(
            AudioSpec {
                sample_rate: 48_000,
                channels: 1,
            },
            0.1,
        );
        let write = |tags: &Mp3Tags, chapters: &[Chapter]| {
            write_mp3(&clip, tags, chapters, &mut Vec::new())
                .unwrap_err()
                .to_string()
        };
        let mut twice = chapters();
        twice[1].id = "chp0".to_owned();
        assert_eq!(write(&tags(), &twice), "chapter id \"chp0\" is used twice");
        let mut backwards = chapters();
        backwards[2].end_ms = 10;
        assert_eq!(
            write(&tags(), &backwards),
            "chapter \"chp2\" ends (10 ms) before it starts (4500 ms)"
        );
        let bad_date = Mp3Tags {
            date: "2 January".to_owned(),
            ..tags()
        };
        assert_eq!(
            write(&bad_date, &[]),
            "mp3 date \"2 January\" is not an ISO 8601 date"
        );
    }

    #[test]
    fn empty_and_odd_clips_do_not_panic() {
        for spec in [
            AudioSpec {
                sample_rate: 48_000,
                channels: 1,
            },
            AudioSpec {
                sample_rate: 8_000,
                channels: 6,
            },
        ] {
            let mut bytes = Vec::new();
            write_mp3(
                &Clip::new(spec, vec![]),
                &Mp3Tags::default(),
                &[],
                &mut bytes,
            )
            .unwrap();
            let mut bytes = Vec::new();
            let loud = Clip::new(spec, vec![f32::NAN, 4.0, -4.0, 0.5, 0.5, 0.5]);
            write_mp3(&loud, &Mp3Tags::default(), &[], &mut bytes).unwrap();
            assert!(!bytes.is_empty());
        }
        let none = AudioSpec {
            sample_rate: 48_000,
            channels: 0,
        };
        assert!(write_mp3(
            &Clip::new(none, vec![]),
            &Mp3Tags::default(),
            &[],
            &mut Vec::new()
        )
        .is_err());
    }
}
