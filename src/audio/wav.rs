//! audio: read the WAV files TTS backends send, repairing what streaming writers get
//! wrong (placeholder sizes, truncated bodies, files glued together) on the way to a clip.
//!
//! The RIFF size is ignored: it is a placeholder as often as not, and everything it
//! could tell us is found by walking the chunks. A data size is believed only when it
//! fits in the bytes received; otherwise the data runs to the next glued WAV file or
//! to the end of the input, rounded down to whole frames.

use crate::audio::pcm::{samples_to_f32, Encoding};
use crate::audio::sniff::is_wav_start;
use crate::audio::{AudioSpec, Clip, DecodeError, PcmEncoding};

/// The format a `fmt ` chunk describes.
#[derive(Debug, Clone, Copy, PartialEq)]
struct WavFormat {
    spec: AudioSpec,
    encoding: Encoding,
}

const TAG_PCM: u16 = 0x0001;
const TAG_FLOAT: u16 = 0x0003;
const TAG_ALAW: u16 = 0x0006;
const TAG_MULAW: u16 = 0x0007;
const TAG_EXTENSIBLE: u16 = 0xFFFE;

/// Bytes 4..16 of every `KSDATAFORMAT_SUBTYPE_*` GUID built from a format tag.
const SUBFORMAT_GUID_TAIL: [u8; 12] = [
    0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71,
];

/// Size placeholders streaming writers put where they cannot know the length.
const SIZE_UNKNOWN: u32 = u32::MAX;

/// Chunks that may follow an empty data chunk in a complete, legitimately empty file.
const METADATA_IDS: [&[u8; 4]; 12] = [
    b"LIST", b"id3 ", b"ID3 ", b"JUNK", b"junk", b"PAD ", b"cue ", b"smpl", b"bext", b"PEAK",
    b"fact", b"inst",
];

/// Decodes every WAV file in `bytes` (usually one; some servers glue several) into one
/// clip in the first file's format.
pub(crate) fn decode_wav(bytes: &[u8]) -> Result<Clip, DecodeError> {
    let mut clip: Option<Clip> = None;
    let mut start = Some(0);
    let mut index = 0;
    while let Some(at) = start {
        let file = bytes.get(at..).unwrap_or_default();
        let (result, next) = read_file(file);
        start = next.map(|n| at + n);
        match result {
            Ok(part) => match clip.as_mut() {
                None => clip = Some(part),
                Some(clip) => clip.append(part),
            },
            // A glued file that holds nothing adds nothing.
            Err(DecodeError::Empty) => {}
            Err(err) if index == 0 => return Err(err),
            // A later file broken off mid-header is the usual truncated transfer; what
            // arrived before it is still good.
            Err(DecodeError::Malformed(_)) => {}
            Err(DecodeError::Unsupported(what)) => {
                return Err(DecodeError::Unsupported(format!(
                    "{what} (in WAV file {} of those glued together)",
                    index + 1
                )))
            }
            Err(err) => return Err(err),
        }
        index += 1;
    }
    clip.ok_or(DecodeError::Empty)
}

/// Reads the WAV file at the start of `file`. Also returns where the next glued file
/// starts, relative to `file`, if one does.
fn read_file(file: &[u8]) -> (Result<Clip, DecodeError>, Option<usize>) {
    if file.len() < 12 {
        let msg = format!("truncated RIFF header ({} bytes)", file.len());
        return (Err(DecodeError::Malformed(msg)), None);
    }
    if !is_wav_start(file) {
        let form = String::from_utf8_lossy(file.get(8..12).unwrap_or_default()).into_owned();
        let msg = format!("RIFF form type {form:?}, not WAVE");
        return (Err(DecodeError::Unsupported(msg)), None);
    }
    let chunks = walk_chunks(file);
    (decode_chunks(&chunks), chunks.next_file)
}

/// What walking one file's chunks found.
#[derive(Default)]
struct Chunks<'a> {
    fmt: Option<&'a [u8]>,
    data: Option<&'a [u8]>,
    /// The real data size from an RF64 `ds64` chunk.
    ds64_data_size: Option<u64>,
    next_file: Option<usize>,
}

fn walk_chunks(file: &[u8]) -> Chunks<'_> {
    let mut found = Chunks::default();
    let mut offset: usize = 12;
    while let Some(header) = file.get(offset..offset.saturating_add(8)) {
        let (id, size) = split_header(header);
        if is_wav_start(file.get(offset..).unwrap_or_default()) {
            found.next_file = Some(offset);
            break;
        }
        if !plausible_id(id) {
            // Garbage where a chunk should be: the walk is lost. Resume at a glued file
            // if there is one; whatever came before stands.
            found.next_file = find_wav_start(file, offset);
            break;
        }
        let body = offset + 8;
        let available = file.len() - body;
        let clamped = |size: usize| file.get(body..body + size.min(available));
        match id {
            b"fmt " if found.fmt.is_none() => found.fmt = clamped(size),
            b"ds64" => found.ds64_data_size = clamped(size).and_then(ds64_data_size),
            b"data" if found.data.is_none() => {
                let end = data_end(file, body, size, found.ds64_data_size);
                found.data = file.get(body..end);
                if Some(end) != body.checked_add(size) {
                    // The size was a placeholder; carry on from where the data really ends.
                    offset = end;
                    continue;
                }
            }
            _ => {}
        }
        offset = next_chunk(file, body, size);
    }
    found
}

fn split_header(header: &[u8]) -> (&[u8], usize) {
    let (id, size) = header.split_at(4);
    let size = match size {
        [a, b, c, d] => u32::from_le_bytes([*a, *b, *c, *d]),
        _ => 0,
    };
    (id, size as usize)
}

/// A chunk id is four printable ASCII characters (`fmt `, `LIST`, `id3 `).
fn plausible_id(id: &[u8]) -> bool {
    id.len() == 4
        && id.iter().all(|b| b.is_ascii_graphic() || *b == b' ')
        && id.first().is_some_and(u8::is_ascii_graphic)
}

fn plausible_header_at(file: &[u8], offset: usize) -> bool {
    file.get(offset..offset.saturating_add(4))
        .is_some_and(plausible_id)
}

/// Where the data chunk whose body starts at `body` and claims `size` bytes ends.
fn data_end(file: &[u8], body: usize, size: usize, ds64_size: Option<u64>) -> usize {
    let available = file.len() - body;
    let size = match ds64_size {
        Some(real) if size == SIZE_UNKNOWN as usize => usize::try_from(real).unwrap_or(usize::MAX),
        _ => size,
    };
    if size != 0 && size != SIZE_UNKNOWN as usize && size <= available {
        return body + size;
    }
    if size == 0 && metadata_chunk_at(file, body) {
        // A complete file that is simply empty, not a streaming writer's "size unknown".
        return body;
    }
    find_wav_start(file, body).unwrap_or(file.len())
}

fn metadata_chunk_at(file: &[u8], offset: usize) -> bool {
    let Some(header) = file.get(offset..offset.saturating_add(8)) else {
        return false;
    };
    let (id, size) = split_header(header);
    let fits = offset
        .checked_add(8)
        .and_then(|body| body.checked_add(size))
        .is_some_and(|end| end <= file.len());
    METADATA_IDS.iter().any(|known| known.as_slice() == id) && fits
}

/// The offset of the next chunk after one whose body starts at `body`. RIFF pads
/// odd-sized chunks to even length, but not every writer does, so the pad byte is
/// skipped only if a chunk id does not start right after the body instead.
fn next_chunk(file: &[u8], body: usize, size: usize) -> usize {
    let end = body.saturating_add(size);
    let after_pad = end.saturating_add(1);
    if size % 2 == 1 && !plausible_header_at(file, after_pad) && plausible_header_at(file, end) {
        end
    } else {
        end.saturating_add(size % 2)
    }
}

/// The offset of the first glued WAV file at or after `from`.
fn find_wav_start(file: &[u8], from: usize) -> Option<usize> {
    let tail = file.get(from..)?;
    tail.windows(12)
        .position(|w| (w.starts_with(b"RIFF") || w.starts_with(b"RF64")) && is_wav_start(w))
        .map(|i| from + i)
}

fn ds64_data_size(body: &[u8]) -> Option<u64> {
    let bytes: [u8; 8] = body.get(8..16)?.try_into().ok()?;
    Some(u64::from_le_bytes(bytes))
}

fn decode_chunks(chunks: &Chunks<'_>) -> Result<Clip, DecodeError> {
    let fmt = chunks
        .fmt
        .ok_or_else(|| DecodeError::Malformed("no fmt chunk".to_owned()))?;
    let format = parse_fmt(fmt)?;
    // A header that promised data the transfer never delivered holds no audio.
    let data = chunks.data.ok_or(DecodeError::Empty)?;
    let samples = samples_to_f32(data, format.encoding, format.spec.channels);
    let clip = Clip::new(format.spec, samples);
    if clip.is_empty() {
        return Err(DecodeError::Empty);
    }
    Ok(clip)
}

fn parse_fmt(fmt: &[u8]) -> Result<WavFormat, DecodeError> {
    let field16 = |at: usize| match fmt.get(at..at + 2) {
        Some([a, b]) => Some(u16::from_le_bytes([*a, *b])),
        _ => None,
    };
    let field32 = |at: usize| match fmt.get(at..at + 4) {
        Some([a, b, c, d]) => Some(u32::from_le_bytes([*a, *b, *c, *d])),
        _ => None,
    };
    let (Some(tag), Some(channels), Some(sample_rate), Some(bits)) =
        (field16(0), field16(2), field32(4), field16(14))
    else {
        return Err(DecodeError::Malformed(format!(
            "fmt chunk of {} bytes, expected at least 16",
            fmt.len()
        )));
    };
    let spec = AudioSpec {
        sample_rate,
        channels,
    };
    if let Some(why) = spec.implausibility() {
        return Err(DecodeError::Malformed(why));
    }
    let tag = if tag == TAG_EXTENSIBLE {
        extensible_subformat(fmt)?
    } else {
        tag
    };
    // The container size decides the layout; block_align is too often wrong to trust,
    // and valid bits below the container size are left-justified, so decode the same.
    let encoding = match (tag, bits.div_ceil(8)) {
        (TAG_PCM | TAG_FLOAT, 0) => {
            return Err(DecodeError::Malformed("0 bits per sample".to_owned()))
        }
        (TAG_PCM, 1) => Encoding::Pcm(PcmEncoding::U8),
        (TAG_PCM, 2) => Encoding::Pcm(PcmEncoding::S16Le),
        (TAG_PCM, 3) => Encoding::Pcm(PcmEncoding::S24Le),
        (TAG_PCM, 4) => Encoding::Pcm(PcmEncoding::S32Le),
        (TAG_PCM, _) => {
            return Err(DecodeError::Unsupported(format!(
                "{bits}-bit integer PCM in WAV"
            )))
        }
        (TAG_FLOAT, 4) => Encoding::Pcm(PcmEncoding::F32Le),
        (TAG_FLOAT, 8) => Encoding::F64Le,
        (TAG_FLOAT, _) => {
            return Err(DecodeError::Unsupported(format!(
                "{bits}-bit float PCM in WAV"
            )))
        }
        // G.711 is 8 bits a sample whatever the header claims.
        (TAG_MULAW, _) => Encoding::Pcm(PcmEncoding::MuLaw),
        (TAG_ALAW, _) => Encoding::Pcm(PcmEncoding::ALaw),
        (other, _) => {
            let name = match other {
                0x0002 => " (Microsoft ADPCM)",
                0x0011 => " (IMA ADPCM)",
                0x0031 => " (GSM 6.10)",
                0x0050 => " (MPEG audio in WAV)",
                0x0055 => " (MP3 in WAV)",
                0x00FF | 0x1610 => " (AAC in WAV)",
                0x0161 => " (WMA in WAV)",
                _ => "",
            };
            return Err(DecodeError::Unsupported(format!(
                "WAV format tag 0x{other:04X}{name}"
            )));
        }
    };
    Ok(WavFormat { spec, encoding })
}

/// The plain format tag a WAVE_FORMAT_EXTENSIBLE header's subformat GUID stands for.
fn extensible_subformat(fmt: &[u8]) -> Result<u16, DecodeError> {
    let Some(guid) = fmt.get(24..40) else {
        return Err(DecodeError::Malformed(format!(
            "WAVE_FORMAT_EXTENSIBLE fmt chunk of {} bytes, expected 40",
            fmt.len()
        )));
    };
    let (data1, tail) = guid.split_at(4);
    match data1 {
        [lo, hi, 0, 0] if tail == SUBFORMAT_GUID_TAIL => Ok(u16::from_le_bytes([*lo, *hi])),
        _ => Err(DecodeError::Unsupported(format!(
            "WAVE_FORMAT_EXTENSIBLE subformat {}",
            guid_string(guid)
        ))),
    }
}

fn guid_string(guid: &[u8]) -> String {
    let hex = |range: std::ops::Range<usize>, reverse: bool| {
        let mut bytes = guid.get(range).unwrap_or_default().to_vec();
        if reverse {
            bytes.reverse();
        }
        bytes.iter().map(|b| format!("{b:02X}")).collect::<String>()
    };
    format!(
        "{{{}-{}-{}-{}-{}}}",
        hex(0..4, true),
        hex(4..6, true),
        hex(6..8, true),
        hex(8..10, false),
        hex(10..16, false)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{decode, Frames};
    use proptest::prelude::*;

    // Hand-built WAV pieces; sizes are passed explicitly so tests can lie with them.

    fn chunk(id: &[u8; 4], size: u32, body: &[u8]) -> Vec<u8> {
        let mut out = id.to_vec();
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(body);
        out
    }

    fn fmt_body(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let align = channels * bits.div_ceil(8);
        let mut body = Vec::new();
        body.extend_from_slice(&tag.to_le_bytes());
        body.extend_from_slice(&channels.to_le_bytes());
        body.extend_from_slice(&rate.to_le_bytes());
        body.extend_from_slice(&(rate * u32::from(align)).to_le_bytes());
        body.extend_from_slice(&align.to_le_bytes());
        body.extend_from_slice(&bits.to_le_bytes());
        body
    }

    fn fmt(tag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        chunk(b"fmt ", 16, &fmt_body(tag, channels, rate, bits))
    }

    fn extensible_fmt(subtag: u16, channels: u16, rate: u32, bits: u16) -> Vec<u8> {
        let mut body = fmt_body(TAG_EXTENSIBLE, channels, rate, bits);
        body.extend_from_slice(&22_u16.to_le_bytes()); // cbSize
        body.extend_from_slice(&bits.to_le_bytes()); // valid bits
        body.extend_from_slice(&0x4_u32.to_le_bytes()); // channel mask: front centre
        body.extend_from_slice(&u32::from(subtag).to_le_bytes());
        body.extend_from_slice(&SUBFORMAT_GUID_TAIL);
        chunk(b"fmt ", 40, &body)
    }

    fn data(samples: &[u8]) -> Vec<u8> {
        chunk(b"data", samples.len() as u32, samples)
    }

    fn riff(size: u32, chunks: &[Vec<u8>]) -> Vec<u8> {
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&size.to_le_bytes());
        out.extend_from_slice(b"WAVE");
        for c in chunks {
            out.extend_from_slice(c);
        }
        out
    }

    /// A well-formed file with a correct RIFF size.
    fn wav(chunks: &[Vec<u8>]) -> Vec<u8> {
        let len: usize = chunks.iter().map(Vec::len).sum();
        riff(4 + len as u32, chunks)
    }

    fn s16(samples: &[i16]) -> Vec<u8> {
        samples.iter().flat_map(|s| s.to_le_bytes()).collect()
    }

    fn mono16(rate: u32, samples: &[i16]) -> Vec<u8> {
        wav(&[fmt(TAG_PCM, 1, rate, 16), data(&s16(samples))])
    }

    fn spec(sample_rate: u32, channels: u16) -> AudioSpec {
        AudioSpec {
            sample_rate,
            channels,
        }
    }

    fn malformed(bytes: &[u8]) -> String {
        match decode(bytes) {
            Err(DecodeError::Malformed(msg)) => msg,
            other => panic!("expected Malformed, got {other:?}"),
        }
    }

    fn unsupported(bytes: &[u8]) -> String {
        match decode(bytes) {
            Err(DecodeError::Unsupported(msg)) => msg,
            other => panic!("expected Unsupported, got {other:?}"),
        }
    }

    #[test]
    fn pcm_16_bit_mono() {
        let clip = decode(&mono16(22_050, &[16_384, -16_384, 0, -32_768, 32_767])).unwrap();
        assert_eq!(clip.spec(), spec(22_050, 1));
        assert_eq!(clip.frames(), Frames(5));
        assert_eq!(clip.samples(), &[0.5, -0.5, 0.0, -1.0, 32_767.0 / 32_768.0]);
    }

    #[test]
    fn pcm_16_bit_stereo() {
        let bytes = wav(&[
            fmt(TAG_PCM, 2, 48_000, 16),
            data(&s16(&[16_384, -8_192, 0, 4_096])),
        ]);
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.spec(), spec(48_000, 2));
        assert_eq!(clip.frames(), Frames(2));
        assert_eq!(clip.samples(), &[0.5, -0.25, 0.0, 0.125]);
    }

    #[test]
    fn pcm_8_bit_unsigned_mono_and_stereo() {
        let clip = decode(&wav(&[fmt(TAG_PCM, 1, 8_000, 8), data(&[128, 0, 192, 64])])).unwrap();
        assert_eq!(clip.samples(), &[0.0, -1.0, 0.5, -0.5]);
        let clip = decode(&wav(&[fmt(TAG_PCM, 2, 8_000, 8), data(&[128, 0, 192, 64])])).unwrap();
        assert_eq!(clip.frames(), Frames(2));
        assert_eq!(clip.samples(), &[0.0, -1.0, 0.5, -0.5]);
    }

    #[test]
    fn pcm_24_bit_stereo() {
        // 0x400000 = 0.5, 0xC00000 = -0.5, 0x000001 = one LSB, 0xFFFFFF = minus one LSB.
        let samples = [
            0x00, 0x00, 0x40, 0x00, 0x00, 0xC0, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF,
        ];
        let clip = decode(&wav(&[fmt(TAG_PCM, 2, 24_000, 24), data(&samples)])).unwrap();
        assert_eq!(clip.frames(), Frames(2));
        let lsb = 1.0 / 8_388_608.0;
        assert_eq!(clip.samples(), &[0.5, -0.5, lsb, -lsb]);
    }

    #[test]
    fn pcm_32_bit_int_mono() {
        let samples: Vec<u8> = [1_i32 << 30, i32::MIN, -(1 << 29)]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode(&wav(&[fmt(TAG_PCM, 1, 16_000, 32), data(&samples)])).unwrap();
        assert_eq!(clip.samples(), &[0.5, -1.0, -0.25]);
    }

    #[test]
    fn float_32_and_64_bit() {
        let f32s: Vec<u8> = [0.25_f32, -0.75, 1.5]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode(&wav(&[fmt(TAG_FLOAT, 1, 24_000, 32), data(&f32s)])).unwrap();
        // Float WAV may exceed full scale; that is kept, not clipped.
        assert_eq!(clip.samples(), &[0.25, -0.75, 1.5]);

        let f64s: Vec<u8> = [0.5_f64, -0.125, 0.0, 1.0]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode(&wav(&[fmt(TAG_FLOAT, 2, 24_000, 64), data(&f64s)])).unwrap();
        assert_eq!(clip.frames(), Frames(2));
        assert_eq!(clip.samples(), &[0.5, -0.125, 0.0, 1.0]);
    }

    #[test]
    fn extensible_subformat_decides_int_or_float() {
        let samples = [0x00, 0x00, 0x40, 0x00, 0x00, 0xC0];
        let clip = decode(&wav(&[
            extensible_fmt(TAG_PCM, 1, 44_100, 24),
            data(&samples),
        ]))
        .unwrap();
        assert_eq!(clip.samples(), &[0.5, -0.5]);

        let f32s: Vec<u8> = [0.5_f32, -0.5]
            .iter()
            .flat_map(|s| s.to_le_bytes())
            .collect();
        let clip = decode(&wav(&[
            extensible_fmt(TAG_FLOAT, 2, 44_100, 32),
            data(&f32s),
        ]))
        .unwrap();
        assert_eq!(clip.spec(), spec(44_100, 2));
        assert_eq!(clip.samples(), &[0.5, -0.5]);

        // The same bits under an integer subformat: 0x3F000000 and 0xBF000000 as i32.
        let clip = decode(&wav(&[extensible_fmt(TAG_PCM, 2, 44_100, 32), data(&f32s)])).unwrap();
        assert_eq!(clip.samples(), &[0.492_187_5, -0.507_812_5]);
    }

    #[test]
    fn extensible_with_unknown_guid_or_short_fmt() {
        let mut fmt = extensible_fmt(TAG_PCM, 1, 8_000, 16);
        let last = fmt.len() - 1;
        fmt[last] ^= 0xFF;
        let msg = unsupported(&wav(&[fmt, data(&[0, 0])]));
        assert_eq!(
            msg,
            "WAVE_FORMAT_EXTENSIBLE subformat {00000001-0000-0010-8000-00AA00389B8E}"
        );

        let short = chunk(b"fmt ", 16, &fmt_body(TAG_EXTENSIBLE, 1, 8_000, 16));
        let msg = malformed(&wav(&[short, data(&[0, 0])]));
        assert!(msg.contains("expected 40"), "{msg}");
    }

    #[test]
    fn mulaw_and_alaw_wav() {
        let clip = decode(&wav(&[
            fmt(TAG_MULAW, 1, 8_000, 8),
            data(&[0x00, 0xFF, 0x80, 0x7F]),
        ]))
        .unwrap();
        assert_eq!(clip.spec(), spec(8_000, 1));
        assert_eq!(
            clip.samples(),
            &[-32_124.0 / 32_768.0, 0.0, 32_124.0 / 32_768.0, 0.0]
        );
        let clip = decode(&wav(&[
            fmt(TAG_ALAW, 2, 8_000, 8),
            data(&[0xD5, 0x55, 0x00, 0x80]),
        ]))
        .unwrap();
        assert_eq!(clip.frames(), Frames(2));
        assert_eq!(
            clip.samples(),
            &[
                8.0 / 32_768.0,
                -8.0 / 32_768.0,
                -5_504.0 / 32_768.0,
                5_504.0 / 32_768.0
            ]
        );
    }

    #[test]
    fn list_and_unknown_chunks_before_and_after_data() {
        let list = chunk(b"LIST", 26, b"INFOISFT\x0e\x00\x00\x00Lavf60.16.100\x00");
        let fact = chunk(b"fact", 4, &[3, 0, 0, 0]);
        let samples = s16(&[16_384, 8_192, -16_384]);
        for chunks in [
            vec![
                list.clone(),
                fmt(TAG_PCM, 1, 24_000, 16),
                fact.clone(),
                data(&samples),
            ],
            vec![fmt(TAG_PCM, 1, 24_000, 16), data(&samples), list.clone()],
            vec![
                fmt(TAG_PCM, 1, 24_000, 16),
                list.clone(),
                data(&samples),
                fact.clone(),
            ],
            // fmt after data is legal RIFF, if unusual.
            vec![data(&samples), fmt(TAG_PCM, 1, 24_000, 16)],
        ] {
            let clip = decode(&wav(&chunks)).unwrap();
            assert_eq!(clip.samples(), &[0.5, 0.25, -0.5]);
        }
    }

    #[test]
    fn odd_sized_chunks_and_their_pad_bytes() {
        let samples = s16(&[16_384, -16_384]);
        // An odd chunk followed by its pad byte, before data.
        let mut odd = chunk(b"LIST", 5, b"INFOx");
        odd.push(0);
        let clip = decode(&wav(&[fmt(TAG_PCM, 1, 8_000, 16), odd, data(&samples)])).unwrap();
        assert_eq!(clip.samples(), &[0.5, -0.5]);

        // A writer that forgot the pad byte is still understood.
        let unpadded = chunk(b"LIST", 5, b"INFOx");
        let clip = decode(&wav(&[
            fmt(TAG_PCM, 1, 8_000, 16),
            unpadded,
            data(&samples),
        ]))
        .unwrap();
        assert_eq!(clip.samples(), &[0.5, -0.5]);

        // An odd-sized 8-bit data chunk, its pad byte, then metadata.
        let mut odd_data = data(&[192, 64, 128]);
        odd_data.push(0);
        let list = chunk(b"LIST", 4, b"INFO");
        let clip = decode(&wav(&[fmt(TAG_PCM, 1, 8_000, 8), odd_data, list])).unwrap();
        assert_eq!(clip.samples(), &[0.5, -0.5, 0.0]);
    }

    #[test]
    fn placeholder_and_wrong_sizes_are_clamped_to_what_arrived() {
        // 3 stereo 16-bit frames plus 3 stray bytes of a fourth.
        let mut samples = s16(&[16_384, -16_384, 8_192, -8_192, 0, 4_096]);
        samples.extend_from_slice(&[1, 2, 3]);
        let list = chunk(b"LIST", 4, b"INFO");
        let riff_sizes = [0, u32::MAX, 0x7FFF_FFFF, 0x7FFF_F000, 36, 1_000_000];
        let data_sizes = [u32::MAX, 0x7FFF_FFFF, 0x7FFF_F000, 0, 1_000, 15];
        for riff_size in riff_sizes {
            for data_size in data_sizes {
                let bytes = riff(
                    riff_size,
                    &[
                        fmt(TAG_PCM, 2, 24_000, 16),
                        list.clone(),
                        chunk(b"data", data_size, &samples),
                    ],
                );
                let clip = decode(&bytes)
                    .unwrap_or_else(|e| panic!("riff {riff_size:#x} data {data_size:#x}: {e}"));
                assert_eq!(
                    clip.frames(),
                    Frames(3),
                    "riff {riff_size:#x} data {data_size:#x}"
                );
                assert_eq!(clip.samples(), &[0.5, -0.5, 0.25, -0.25, 0.0, 0.125]);
            }
        }
    }

    #[test]
    fn openai_style_stream_header() {
        // 0xFFFFFFFF sizes, a LIST chunk, 24 kHz s16 mono.
        let list = chunk(b"LIST", 26, b"INFOISFT\x0e\x00\x00\x00Lavf60.16.100\x00");
        let bytes = riff(
            u32::MAX,
            &[
                fmt(TAG_PCM, 1, 24_000, 16),
                list,
                chunk(b"data", u32::MAX, &s16(&[16_384; 2_400])),
            ],
        );
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.frames(), Frames(2_400));
        assert_eq!(clip.duration(), std::time::Duration::from_millis(100));
    }

    #[test]
    fn truncated_transfer_keeps_whole_frames() {
        let mut bytes = wav(&[fmt(TAG_PCM, 2, 16_000, 16), data(&s16(&[16_384; 100]))]);
        bytes.truncate(44 + 7);
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.frames(), Frames(1));
        assert_eq!(clip.samples(), &[0.5, 0.5]);
    }

    #[test]
    fn zero_data_size_followed_by_samples_runs_to_the_end() {
        let bytes = riff(
            0,
            &[
                fmt(TAG_FLOAT, 1, 24_000, 32),
                chunk(b"data", 0, &0.5_f32.to_le_bytes().repeat(7)),
            ],
        );
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.frames(), Frames(7));
        assert!(clip.samples().iter().all(|&s| s == 0.5));
    }

    #[test]
    fn headers_without_whole_frames_are_empty() {
        let fmt16 = fmt(TAG_PCM, 1, 16_000, 16);
        // Data chunk of one byte: not a whole 16-bit frame.
        assert_eq!(
            decode(&wav(&[fmt16.clone(), data(&[7])])),
            Err(DecodeError::Empty)
        );
        // Header only, sizes streaming-style.
        assert_eq!(
            decode(&riff(
                u32::MAX,
                &[fmt16.clone(), chunk(b"data", u32::MAX, &[])]
            )),
            Err(DecodeError::Empty)
        );
        // A complete empty file with metadata after its empty data chunk.
        let list = chunk(b"LIST", 4, b"INFO");
        assert_eq!(
            decode(&wav(&[fmt16.clone(), data(&[]), list])),
            Err(DecodeError::Empty)
        );
        // Cut off before the data chunk.
        assert_eq!(decode(&riff(u32::MAX, &[fmt16])), Err(DecodeError::Empty));
    }

    #[test]
    fn glued_files_of_one_format_are_concatenated() {
        let mut bytes = mono16(24_000, &[16_384, 16_384]);
        bytes.extend(mono16(24_000, &[-16_384]));
        bytes.extend(mono16(24_000, &[8_192, 0, 0]));
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.samples(), &[0.5, 0.5, -0.5, 0.25, 0.0, 0.0]);
    }

    #[test]
    fn glued_streaming_files_do_not_decode_headers_as_samples() {
        let piece = |value: i16| {
            riff(
                u32::MAX,
                &[
                    fmt(TAG_PCM, 1, 24_000, 16),
                    chunk(b"data", u32::MAX, &s16(&[value; 10])),
                ],
            )
        };
        let mut bytes = piece(16_384);
        bytes.extend(piece(-16_384));
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.frames(), Frames(20));
        assert!(clip.samples()[..10].iter().all(|&s| s == 0.5));
        assert!(clip.samples()[10..].iter().all(|&s| s == -0.5));
    }

    #[test]
    fn glued_files_of_other_formats_are_converted_to_the_first() {
        let mut bytes = mono16(16_000, &[8_192; 1_600]);
        let stereo_8k = wav(&[fmt(TAG_PCM, 2, 8_000, 16), data(&s16(&[16_384; 1_600]))]);
        bytes.extend(stereo_8k);
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.spec(), spec(16_000, 1));
        // 100 ms at 16 kHz, then 800 stereo frames at 8 kHz = 100 ms more.
        assert_eq!(clip.frames(), Frames(3_200));
        let settled = &clip.samples()[2_000..3_000];
        assert!(
            settled.iter().all(|s| (s - 0.5).abs() < 0.01),
            "{:?}",
            &settled[..8]
        );
    }

    #[test]
    fn huge_float_samples_survive_conversion() {
        // Found by fuzzing (audio_decode): 16-bit 60096 Hz glued to 32-bit float 16 kHz
        // holding -2.6e38. Converting that to 60096 Hz overflowed in rubato's FFT, which
        // then panicked on the NaN.
        let bytes =
            b"RIFF\xff\x51\0\0WAVEfmt \x10\0\0\0\x01\0\x01\0\xc0\xea\0\0\x80\x3e\0\0\x02\0\x10\0\
            data\x80\0\xff\0\xc0\x7f\
            RIFF\xac\0\0\0WAVEfmt \x10\0\0\0\x03\0\x01\0\x80\x3e\0\0\x8c\xc2\0\0\x04\0\x20\0\
            data\x88\x0f\x38\x52\x2a\x8f\x17\xff\xfe\xff\x40\xff\xf6\x08";
        let clip = decode(bytes).unwrap();
        assert_eq!(clip.spec(), spec(60_096, 1));
        assert!(clip.samples().iter().all(|s| s.is_finite()));
    }

    #[test]
    fn a_glued_file_cut_off_in_its_header_is_dropped() {
        let mut bytes = mono16(24_000, &[16_384, 16_384]);
        bytes.extend_from_slice(&mono16(24_000, &[0; 4])[..20]);
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.samples(), &[0.5, 0.5]);
    }

    #[test]
    fn rf64_uses_the_ds64_data_size() {
        let mut ds64 = Vec::new();
        ds64.extend_from_slice(&0_u64.to_le_bytes()); // RIFF size
        ds64.extend_from_slice(&4_u64.to_le_bytes()); // data size
        ds64.extend_from_slice(&2_u64.to_le_bytes()); // sample count
        ds64.extend_from_slice(&0_u32.to_le_bytes()); // table length
        let mut bytes = riff(
            u32::MAX,
            &[
                chunk(b"ds64", 28, &ds64),
                fmt(TAG_PCM, 1, 48_000, 16),
                chunk(b"data", u32::MAX, &s16(&[16_384, -16_384])),
                chunk(b"LIST", 4, b"INFO"),
            ],
        );
        bytes[..4].copy_from_slice(b"RF64");
        let clip = decode(&bytes).unwrap();
        assert_eq!(clip.samples(), &[0.5, -0.5]);
    }

    #[test]
    fn malformed_headers() {
        let samples = data(&s16(&[1, 2]));
        assert_eq!(
            malformed(&wav(std::slice::from_ref(&samples))),
            "no fmt chunk"
        );
        assert_eq!(
            malformed(&wav(&[fmt(TAG_PCM, 0, 8_000, 16), samples.clone()])),
            "channel count 0"
        );
        assert_eq!(
            malformed(&wav(&[fmt(TAG_PCM, 33, 8_000, 16), samples.clone()])),
            "channel count 33"
        );
        assert_eq!(
            malformed(&wav(&[fmt(TAG_PCM, 1, 0, 16), samples.clone()])),
            "sample rate 0"
        );
        assert!(
            malformed(&wav(&[fmt(TAG_PCM, 1, 4_000_000, 16), samples.clone()])).contains("outside")
        );
        assert_eq!(
            malformed(&wav(&[fmt(TAG_PCM, 1, 8_000, 0), samples.clone()])),
            "0 bits per sample"
        );
        let short = chunk(b"fmt ", 12, &fmt_body(TAG_PCM, 1, 8_000, 16)[..12]);
        assert_eq!(
            malformed(&wav(&[short, samples])),
            "fmt chunk of 12 bytes, expected at least 16"
        );
        assert_eq!(
            malformed(b"RIFF\x24\x00"),
            "truncated RIFF header (6 bytes)"
        );
    }

    #[test]
    fn unsupported_formats_are_named() {
        let samples = data(&[0xFF, 0xFB, 0x90, 0x64]);
        assert_eq!(
            unsupported(&wav(&[fmt(0x0055, 1, 24_000, 0), samples.clone()])),
            "WAV format tag 0x0055 (MP3 in WAV)"
        );
        assert_eq!(
            unsupported(&wav(&[fmt(0x0002, 1, 8_000, 4), samples.clone()])),
            "WAV format tag 0x0002 (Microsoft ADPCM)"
        );
        assert_eq!(
            unsupported(&wav(&[fmt(TAG_FLOAT, 1, 8_000, 16), samples.clone()])),
            "16-bit float PCM in WAV"
        );
        assert_eq!(
            unsupported(&wav(&[fmt(TAG_PCM, 1, 8_000, 40), samples])),
            "40-bit integer PCM in WAV"
        );
        let mut avi = wav(&[]);
        avi[8..12].copy_from_slice(b"AVI ");
        assert_eq!(unsupported(&avi), "RIFF form type \"AVI \", not WAVE");
    }

    #[test]
    fn not_audio_inputs() {
        assert_eq!(decode(b""), Err(DecodeError::Empty));
        let kind = |bytes: &[u8]| match decode(bytes) {
            Err(DecodeError::NotAudio {
                looks_like,
                excerpt,
            }) => (looks_like, excerpt),
            other => panic!("expected NotAudio, got {other:?}"),
        };
        assert_eq!(
            kind(b"<!DOCTYPE html>\n<html>\n  <title>500 Internal Server Error</title>"),
            (
                "an HTML page",
                "<!DOCTYPE html> <html> <title>500 Internal Server Error</title>".to_owned()
            )
        );
        assert_eq!(kind(b"<html><body>oops").0, "an HTML page");
        assert_eq!(
            kind(br#"{"error": {"message": "Invalid API key"}}"#),
            (
                "JSON",
                r#"{"error": {"message": "Invalid API key"}}"#.to_owned()
            )
        );
        assert_eq!(kind(b"[\"err\"]").0, "JSON");
        assert_eq!(kind(b"Internal Server Error").0, "text");
        assert_eq!(
            kind(&[0x00, 0x9F, 0x13, 0x02, 0x00, 0x00, 0x00, 0x80]).0,
            "binary data"
        );
    }

    #[test]
    fn every_prefix_of_a_quirky_file_decodes_or_errors_without_panicking() {
        let mut bytes = riff(
            u32::MAX,
            &[
                extensible_fmt(TAG_PCM, 2, 24_000, 24),
                chunk(b"LIST", 5, b"INFOx\x00"),
                chunk(b"data", 0x7FFF_F000, &[1; 60]),
            ],
        );
        bytes.extend(mono16(8_000, &[1, 2, 3]));
        for len in 0..=bytes.len() {
            let _ = decode(&bytes[..len]);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn arbitrary_chunks_after_a_riff_header_never_panic(
            tail in proptest::collection::vec(any::<u8>(), 0..256),
            with_fmt in any::<bool>(),
        ) {
            let mut bytes = riff(u32::MAX, &[]);
            if with_fmt {
                bytes.extend(fmt(TAG_PCM, 1, 8_000, 16));
            }
            bytes.extend(tail);
            let _ = decode(&bytes);
        }

        #[test]
        fn corrupted_files_never_panic(
            flips in proptest::collection::vec((0usize..200, any::<u8>()), 1..8),
        ) {
            let mut bytes = mono16(8_000, &[1_000; 60]);
            bytes.extend(wav(&[fmt(TAG_FLOAT, 2, 44_100, 32), data(&[0; 64])]));
            for (at, value) in flips {
                if let Some(b) = bytes.get_mut(at) {
                    *b = value;
                }
            }
            let _ = decode(&bytes);
        }
    }
}
