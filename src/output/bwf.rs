//! output: Broadcast Wave writer — plain PCM WAV (format tag 1, 16 or 24 bit) with the
//! EBU `bext` chunk (Tech 3285 v2, loudness fields), the AES46-2002 `cart` chunk for
//! playout systems, and RF64 (EBU Tech 3306) once the audio passes 4 GiB.
//!
//! Written by hand: hound writes neither `bext` nor `cart`, and writes 24-bit audio as
//! WAVE_FORMAT_EXTENSIBLE, which some playout systems refuse.
//!
//! Layout: `RIFF`/`WAVE`, `JUNK` (28 bytes, reserved for `ds64`), `fmt `, `bext`,
//! `cart`, `data`. Going RF64 rewrites `RIFF` as `RF64` and `JUNK` as `ds64` in place,
//! so the header has the same length either way.

use std::io::{self, Read, Seek, SeekFrom, Write};

use crate::audio::AudioSpec;
#[cfg(test)]
use crate::audio::Clip;

/// The largest RIFF size field; past it the file becomes RF64.
const RIFF_LIMIT: u64 = u32::MAX as u64;
/// Payload of the `ds64` chunk without a table: RIFF size, data size, sample count
/// (8 bytes each) and the table length (4).
const DS64_LEN: usize = 28;
const FMT_LEN: usize = 16;
/// Length of `bext` without its coding history (EBU Tech 3285 v2).
const BEXT_FIXED_LEN: usize = 602;
/// Length of `cart` without its tag text (AES46-2002).
const CART_FIXED_LEN: usize = 2048;
/// `bext` loudness fields hold this when a figure is unknown.
const LOUDNESS_UNKNOWN: i16 = 0x7FFF;
/// Samples converted per write.
const CHUNK_SAMPLES: usize = 32 * 1024;

/// The sample format of the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WavFormat {
    /// 16 or 24.
    pub bits: u16,
    /// Mono or stereo; 48 000 Hz is the broadcast norm, 44 100 Hz also common.
    pub spec: AudioSpec,
}

impl WavFormat {
    fn validate(&self) -> io::Result<()> {
        if !matches!(self.bits, 16 | 24) {
            return Err(invalid(format!(
                "{} bits per sample is not supported (16 or 24)",
                self.bits
            )));
        }
        if !matches!(self.spec.channels, 1 | 2) {
            // More channels would need WAVE_FORMAT_EXTENSIBLE and a channel mask.
            return Err(invalid(format!(
                "{} channels cannot be written as plain PCM (mono or stereo)",
                self.spec.channels
            )));
        }
        if let Some(why) = self.spec.implausibility() {
            return Err(invalid(format!("cannot write audio with {why}")));
        }
        Ok(())
    }

    fn bytes_per_sample(&self) -> usize {
        usize::from(self.bits / 8)
    }

    fn block_align(&self) -> u16 {
        self.spec.channels * (self.bits / 8)
    }
}

/// The EBU `bext` chunk (Tech 3285 version 2). Text is stored as ASCII: other
/// characters become `?`, and text longer than its field is cut.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Bext {
    /// At most 256 bytes.
    pub description: String,
    /// At most 32 bytes: who made the file (organisation or program).
    pub originator: String,
    /// At most 32 bytes: a reference unique to the originator.
    pub originator_reference: String,
    /// `yyyy-mm-dd`, or empty.
    pub origination_date: String,
    /// `hh:mm:ss`, or empty.
    pub origination_time: String,
    /// First sample's position, in samples since midnight.
    pub time_reference: u64,
    /// Integrated loudness, LUFS.
    pub loudness_value: Option<f64>,
    /// Loudness range, LU.
    pub loudness_range: Option<f64>,
    /// Maximum true peak, dBTP.
    pub max_true_peak_level: Option<f64>,
    /// Highest momentary loudness, LUFS.
    pub max_momentary_loudness: Option<f64>,
    /// Highest short-term loudness, LUFS.
    pub max_short_term_loudness: Option<f64>,
    /// Lines of `A=...,F=...,W=...,M=...,T=...`; line ends are written as CR LF.
    pub coding_history: String,
}

impl Bext {
    /// The version written: 2, the first with loudness fields.
    pub const VERSION: u16 = 2;

    /// One coding-history line describing `format` as made by `text` (e.g. the
    /// program name and version), CR LF terminated.
    pub fn coding_history_line(format: &WavFormat, text: &str) -> String {
        let mode = if format.spec.channels == 1 {
            "mono"
        } else {
            "stereo"
        };
        format!(
            "A=PCM,F={},W={},M={mode},T={text}\r\n",
            format.spec.sample_rate, format.bits
        )
    }

    fn encode(&self) -> io::Result<Vec<u8>> {
        let mut b = Vec::with_capacity(BEXT_FIXED_LEN + self.coding_history.len() + 2);
        put_text(&mut b, &self.description, 256);
        put_text(&mut b, &self.originator, 32);
        put_text(&mut b, &self.originator_reference, 32);
        put_text(
            &mut b,
            checked_date("bext origination date", &self.origination_date)?,
            10,
        );
        put_text(
            &mut b,
            checked_time("bext origination time", &self.origination_time)?,
            8,
        );
        b.extend_from_slice(&(self.time_reference as u32).to_le_bytes());
        b.extend_from_slice(&((self.time_reference >> 32) as u32).to_le_bytes());
        b.extend_from_slice(&Bext::VERSION.to_le_bytes());
        b.extend_from_slice(&[0; 64]); // UMID: none
        for value in [
            self.loudness_value,
            self.loudness_range,
            self.max_true_peak_level,
            self.max_momentary_loudness,
            self.max_short_term_loudness,
        ] {
            b.extend_from_slice(&loudness_field(value).to_le_bytes());
        }
        b.extend_from_slice(&[0; 180]);
        debug_assert_eq!(b.len(), BEXT_FIXED_LEN);
        b.extend_from_slice(&crlf_text(&self.coding_history));
        pad_to_even(&mut b);
        Ok(b)
    }
}

/// A figure ×100 as a signed 16-bit value, `0x7FFF` when unknown.
fn loudness_field(value: Option<f64>) -> i16 {
    match value {
        Some(v) if v.is_finite() => {
            // 0x7FFF is reserved for "unknown", so real values stop one below it.
            (v * 100.0)
                .round()
                .clamp(f64::from(i16::MIN), f64::from(LOUDNESS_UNKNOWN - 1)) as i16
        }
        _ => LOUDNESS_UNKNOWN,
    }
}

/// One AES46 post timer: a FourCC saying what it marks (e.g. `SEG1`, `EOD `, `MRK `;
/// all zero when unused) and a position in samples.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CartTimer {
    pub usage: [u8; 4],
    pub value: u32,
}

/// The AES46-2002 `cart` chunk: a 2048-byte fixed header and free tag text. Text is
/// stored as ASCII (other characters become `?`), cut to its field's length.
#[derive(Debug, Clone, PartialEq)]
pub struct Cart {
    /// Four characters; `0101` is version 1.01.
    pub version: String,
    pub title: String,
    pub artist: String,
    pub cut_id: String,
    pub client_id: String,
    pub category: String,
    pub classification: String,
    pub out_cue: String,
    /// `yyyy-mm-dd` and `hh:mm:ss`, or empty.
    pub start_date: String,
    pub start_time: String,
    pub end_date: String,
    pub end_time: String,
    pub producer_app_id: String,
    pub producer_app_version: String,
    pub user_def: String,
    /// The sample value of 0 dB reference (AES46 `dwLevelReference`).
    pub level_reference: i32,
    pub post_timers: [CartTimer; 8],
    /// At most 1024 bytes.
    pub url: String,
    /// Free text; line ends are written as CR LF.
    pub tag_text: String,
}

impl Default for Cart {
    /// Version 1.01 with the open-ended air window AES46 suggests when none is known.
    fn default() -> Cart {
        Cart {
            version: "0101".to_owned(),
            title: String::new(),
            artist: String::new(),
            cut_id: String::new(),
            client_id: String::new(),
            category: String::new(),
            classification: String::new(),
            out_cue: String::new(),
            start_date: "1900-01-01".to_owned(),
            start_time: "00:00:00".to_owned(),
            end_date: "9999-12-31".to_owned(),
            end_time: "23:59:59".to_owned(),
            producer_app_id: String::new(),
            producer_app_version: String::new(),
            user_def: String::new(),
            level_reference: 0,
            post_timers: [CartTimer::default(); 8],
            url: String::new(),
            tag_text: String::new(),
        }
    }
}

impl Cart {
    fn encode(&self) -> io::Result<Vec<u8>> {
        let mut c = Vec::with_capacity(CART_FIXED_LEN + self.tag_text.len() + 2);
        put_text(&mut c, &self.version, 4);
        for text in [
            &self.title,
            &self.artist,
            &self.cut_id,
            &self.client_id,
            &self.category,
            &self.classification,
            &self.out_cue,
        ] {
            put_text(&mut c, text, 64);
        }
        put_text(
            &mut c,
            checked_date("cart start date", &self.start_date)?,
            10,
        );
        put_text(
            &mut c,
            checked_time("cart start time", &self.start_time)?,
            8,
        );
        put_text(&mut c, checked_date("cart end date", &self.end_date)?, 10);
        put_text(&mut c, checked_time("cart end time", &self.end_time)?, 8);
        for text in [
            &self.producer_app_id,
            &self.producer_app_version,
            &self.user_def,
        ] {
            put_text(&mut c, text, 64);
        }
        c.extend_from_slice(&self.level_reference.to_le_bytes());
        for timer in &self.post_timers {
            c.extend_from_slice(&timer.usage);
            c.extend_from_slice(&timer.value.to_le_bytes());
        }
        c.extend_from_slice(&[0; 276]);
        put_text(&mut c, &self.url, 1024);
        debug_assert_eq!(c.len(), CART_FIXED_LEN);
        c.extend_from_slice(&crlf_text(&self.tag_text));
        pad_to_even(&mut c);
        Ok(c)
    }
}

/// Ends free text with a NUL when its length is odd, so the chunk's own size is even:
/// RIFF says readers skip a pad byte after odd chunks, but some (hound among them)
/// do not.
fn pad_to_even(payload: &mut Vec<u8>) {
    if payload.len() % 2 == 1 {
        payload.push(0);
    }
}

/// `text` as ASCII in a NUL-padded field of `len` bytes.
fn put_text(out: &mut Vec<u8>, text: &str, len: usize) {
    let start = out.len();
    out.extend(text.chars().take(len).map(ascii_byte));
    out.resize(start + len, 0);
}

fn ascii_byte(c: char) -> u8 {
    match c {
        ' '..='~' => c as u8,
        '\t' => b' ',
        _ => b'?',
    }
}

/// Free text as ASCII lines each ending in CR LF.
fn crlf_text(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + 2);
    for line in text.lines() {
        out.extend(line.chars().map(ascii_byte));
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// Checks `yyyy-mm-dd` (EBU also allows `_`, `:`, ` ` or `.` as separators).
fn checked_date<'a>(what: &str, date: &'a str) -> io::Result<&'a str> {
    check_pattern(what, date, "yyyy-mm-dd", &[4, 2, 2])
}

fn checked_time<'a>(what: &str, time: &'a str) -> io::Result<&'a str> {
    check_pattern(what, time, "hh:mm:ss", &[2, 2, 2])
}

fn check_pattern<'a>(
    what: &str,
    value: &'a str,
    pattern: &str,
    groups: &[usize],
) -> io::Result<&'a str> {
    if value.is_empty() {
        return Ok(value);
    }
    let bytes = value.as_bytes();
    let mut at = 0;
    let mut ok = bytes.len() == pattern.len();
    for (i, &len) in groups.iter().enumerate() {
        if !ok {
            break;
        }
        if i > 0 {
            ok = matches!(bytes[at], b'-' | b'_' | b':' | b' ' | b'.');
            at += 1;
        }
        ok = ok && bytes[at..at + len].iter().all(u8::is_ascii_digit);
        at += len;
    }
    if ok {
        Ok(value)
    } else {
        Err(invalid(format!("{what} {value:?} is not {pattern}")))
    }
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// The bytes before the samples, for `data_bytes` of audio: RIFF or RF64 header,
/// `JUNK` or `ds64`, `fmt `, `bext`, `cart`, `data` header. Its length does not depend
/// on `data_bytes`.
fn header(
    format: &WavFormat,
    bext: &[u8],
    cart: &[u8],
    data_bytes: u64,
    riff_limit: u64,
) -> Vec<u8> {
    let chunk_len = |payload: usize| 8 + payload as u64 + (payload as u64 & 1);
    let header_len = 12
        + chunk_len(DS64_LEN)
        + chunk_len(FMT_LEN)
        + if bext.is_empty() {
            0
        } else {
            chunk_len(bext.len())
        }
        + if cart.is_empty() {
            0
        } else {
            chunk_len(cart.len())
        }
        + 8;
    let riff_size = header_len + data_bytes + (data_bytes & 1) - 8;
    let rf64 = riff_size > riff_limit;
    let frames = data_bytes / u64::from(format.block_align().max(1));

    let mut h = Vec::with_capacity(header_len as usize);
    let chunk = |h: &mut Vec<u8>, id: &[u8; 4], payload: &[u8]| {
        h.extend_from_slice(id);
        h.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        h.extend_from_slice(payload);
        if payload.len() % 2 == 1 {
            h.push(0);
        }
    };
    if rf64 {
        h.extend_from_slice(b"RF64");
        h.extend_from_slice(&u32::MAX.to_le_bytes());
    } else {
        h.extend_from_slice(b"RIFF");
        h.extend_from_slice(&(riff_size as u32).to_le_bytes());
    }
    h.extend_from_slice(b"WAVE");
    if rf64 {
        let mut ds64 = Vec::with_capacity(DS64_LEN);
        ds64.extend_from_slice(&riff_size.to_le_bytes());
        ds64.extend_from_slice(&data_bytes.to_le_bytes());
        ds64.extend_from_slice(&frames.to_le_bytes());
        ds64.extend_from_slice(&0u32.to_le_bytes()); // no table
        chunk(&mut h, b"ds64", &ds64);
    } else {
        chunk(&mut h, b"JUNK", &[0; DS64_LEN]);
    }
    let mut fmt = Vec::with_capacity(FMT_LEN);
    fmt.extend_from_slice(&1u16.to_le_bytes()); // WAVE_FORMAT_PCM
    fmt.extend_from_slice(&format.spec.channels.to_le_bytes());
    fmt.extend_from_slice(&format.spec.sample_rate.to_le_bytes());
    let byte_rate = format.spec.sample_rate * u32::from(format.block_align());
    fmt.extend_from_slice(&byte_rate.to_le_bytes());
    fmt.extend_from_slice(&format.block_align().to_le_bytes());
    fmt.extend_from_slice(&format.bits.to_le_bytes());
    chunk(&mut h, b"fmt ", &fmt);
    if !bext.is_empty() {
        chunk(&mut h, b"bext", bext);
    }
    if !cart.is_empty() {
        chunk(&mut h, b"cart", cart);
    }
    h.extend_from_slice(b"data");
    let data_size = if rf64 { u32::MAX } else { data_bytes as u32 };
    h.extend_from_slice(&data_size.to_le_bytes());
    debug_assert_eq!(h.len() as u64, header_len);
    h
}

/// Float samples to little-endian PCM, clamped to full scale (scaled by 2^(bits-1) - 1
/// and rounded), with optional TPDF dither.
struct Encoder {
    bits: u16,
    dither: Option<u64>,
}

impl Encoder {
    fn encode(&mut self, samples: &[f32], out: &mut Vec<u8>) {
        let scale = f64::from((1u32 << (self.bits - 1)) - 1);
        if self.dither.is_none() && self.bits == 16 {
            // The common case, in a loop the compiler can keep tight. Adding
            // ±0.5 and truncating rounds half away from zero, as `round` does,
            // exactly: a clamped f32 times 32767 has too few bits for the sum
            // to round on its own.
            let start = out.len();
            out.resize(start + samples.len() * 2, 0);
            for (bytes, &s) in out[start..].chunks_exact_mut(2).zip(samples) {
                let s = if s.is_finite() {
                    s.clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                let v = f64::from(s) * scale;
                let v = (v + if v >= 0.0 { 0.5 } else { -0.5 }) as i16;
                bytes.copy_from_slice(&v.to_le_bytes());
            }
            return;
        }
        for &s in samples {
            let s = if s.is_finite() {
                f64::from(s).clamp(-1.0, 1.0)
            } else {
                0.0
            };
            let mut v = s * scale;
            if let Some(state) = self.dither.as_mut() {
                // Triangular noise of ±1 LSB: the sum of two uniform ±0.5 LSB values.
                v += uniform(state) + uniform(state) - 1.0;
            }
            let v = v.round().clamp(-scale, scale) as i32;
            if self.bits == 16 {
                out.extend_from_slice(&(v as i16).to_le_bytes());
            } else {
                out.extend_from_slice(&v.to_le_bytes()[..3]);
            }
        }
    }
}

/// xorshift64*: a uniform value in [0, 1). Dither needs no better randomness, and a
/// seeded generator keeps output reproducible.
fn uniform(state: &mut u64) -> f64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
}

/// Writes a Broadcast Wave file sample by sample, then patches its sizes.
pub struct BwfWriter<W: Write + Seek> {
    w: W,
    format: WavFormat,
    bext: Vec<u8>,
    cart: Vec<u8>,
    start: u64,
    header_len: u64,
    samples: u64,
    riff_limit: u64,
    encoder: Encoder,
    buf: Vec<u8>,
}

impl<W: Write + Seek> BwfWriter<W> {
    /// Writes the header at `w`'s current position. Fails on a format other than 16- or
    /// 24-bit mono or stereo, or on a malformed date or time.
    pub fn new(
        w: W,
        format: WavFormat,
        bext: Option<&Bext>,
        cart: Option<&Cart>,
    ) -> io::Result<BwfWriter<W>> {
        BwfWriter::with_riff_limit(w, format, bext, cart, RIFF_LIMIT)
    }

    /// `new` with the RIFF size past which the file becomes RF64, so that tests can
    /// reach RF64 without writing 4 GiB.
    fn with_riff_limit(
        mut w: W,
        format: WavFormat,
        bext: Option<&Bext>,
        cart: Option<&Cart>,
        riff_limit: u64,
    ) -> io::Result<BwfWriter<W>> {
        format.validate()?;
        let bext = bext.map(Bext::encode).transpose()?.unwrap_or_default();
        let cart = cart.map(Cart::encode).transpose()?.unwrap_or_default();
        let start = w.stream_position()?;
        let h = header(&format, &bext, &cart, 0, riff_limit);
        w.write_all(&h)?;
        Ok(BwfWriter {
            w,
            format,
            bext,
            cart,
            start,
            header_len: h.len() as u64,
            samples: 0,
            riff_limit,
            encoder: Encoder {
                bits: format.bits,
                dither: None,
            },
            buf: Vec::new(),
        })
    }

    /// Adds TPDF dither before quantising, from a generator seeded with `seed` (so the
    /// same seed gives the same file). Off by default.
    pub fn with_dither(mut self, seed: u64) -> BwfWriter<W> {
        // xorshift must not start at zero.
        self.encoder.dither = Some(seed | 1);
        self
    }

    /// Appends interleaved samples; frames may be split across calls.
    pub fn write_samples(&mut self, samples: &[f32]) -> io::Result<()> {
        for chunk in samples.chunks(CHUNK_SAMPLES) {
            self.buf.clear();
            self.encoder.encode(chunk, &mut self.buf);
            self.w.write_all(&self.buf)?;
        }
        self.samples += samples.len() as u64;
        Ok(())
    }

    /// Pads the data to an even length, rewrites the header with the final sizes (as
    /// RF64 when needed) and leaves `w` positioned at the end of the file.
    pub fn finish(mut self) -> io::Result<W> {
        let channels = u64::from(self.format.spec.channels);
        if !self.samples.is_multiple_of(channels) {
            return Err(invalid(format!(
                "{} samples are not a whole number of {channels}-channel frames",
                self.samples
            )));
        }
        let data_bytes = self.samples * self.format.bytes_per_sample() as u64;
        if data_bytes % 2 == 1 {
            self.w.write_all(&[0])?;
        }
        let end = self.start + self.header_len + data_bytes + (data_bytes & 1);
        let h = header(
            &self.format,
            &self.bext,
            &self.cart,
            data_bytes,
            self.riff_limit,
        );
        self.w.seek(SeekFrom::Start(self.start))?;
        self.w.write_all(&h)?;
        self.w.seek(SeekFrom::Start(end))?;
        self.w.flush()?;
        Ok(self.w)
    }
}

/// Writes `clip` as a Broadcast Wave file of `bits` (16 or 24) in one go, to a stream
/// that need not seek (the sizes are known up front). No dither, so identical input
/// gives identical files. (Tests: the program streams through [`BwfWriter`].)
#[cfg(test)]
pub fn write_bwf(
    clip: &Clip,
    bits: u16,
    bext: Option<&Bext>,
    cart: Option<&Cart>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let format = WavFormat {
        bits,
        spec: clip.spec(),
    };
    format.validate()?;
    let bext = bext.map(Bext::encode).transpose()?.unwrap_or_default();
    let cart = cart.map(Cart::encode).transpose()?.unwrap_or_default();
    let data_bytes = clip.samples().len() as u64 * format.bytes_per_sample() as u64;
    out.write_all(&header(&format, &bext, &cart, data_bytes, RIFF_LIMIT))?;
    let mut encoder = Encoder { bits, dither: None };
    let mut buf = Vec::with_capacity(CHUNK_SAMPLES * 3);
    for chunk in clip.samples().chunks(CHUNK_SAMPLES) {
        buf.clear();
        encoder.encode(chunk, &mut buf);
        out.write_all(&buf)?;
    }
    if data_bytes % 2 == 1 {
        out.write_all(&[0])?;
    }
    Ok(())
}

/// Writes the loudness fields of the `bext` chunk of the WAV file `file` in
/// place: the figures describe the finished audio, known only after it is written.
pub fn patch_bext_loudness<F: Read + Write + Seek>(
    file: &mut F,
    loudness: &crate::audio::Loudness,
) -> io::Result<()> {
    file.seek(SeekFrom::Start(12))?;
    loop {
        let mut head = [0u8; 8];
        file.read_exact(&mut head)?;
        let size = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]));
        if &head[..4] == b"bext" {
            // description 256, originator 32, reference 32, date 10, time 8,
            // time reference 8, version 2, UMID 64: the loudness fields follow.
            file.seek(SeekFrom::Current(412))?;
            for value in [
                loudness.integrated(),
                loudness.range(),
                loudness.true_peak(),
                loudness.max_momentary(),
                loudness.max_short_term(),
            ] {
                file.write_all(&loudness_field(value).to_le_bytes())?;
            }
            return Ok(());
        }
        if &head[..4] == b"data" {
            return Err(io::Error::other("no bext chunk before the audio data"));
        }
        file.seek(SeekFrom::Current((size + size % 2) as i64))?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::path::Path;
    use std::process::Command;

    #[test]
    fn the_16_bit_fast_path_rounds_exactly_as_round_does() {
        let mut values: Vec<f32> = (-70_000..=70_000).map(|i| i as f32 / 65_534.0).collect();
        values.extend([
            1.0,
            -1.0,
            1.5,
            -3.0,
            f32::NAN,
            f32::INFINITY,
            f32::NEG_INFINITY,
            0.0,
            -0.0,
        ]);
        values.extend((0..10_000).map(|i| ((i as f32) * 0.618).sin()));
        let mut fast = Vec::new();
        Encoder {
            bits: 16,
            dither: None,
        }
        .encode(&values, &mut fast);
        let reference: Vec<u8> = values
            .iter()
            .flat_map(|&s| {
                let s = if s.is_finite() {
                    f64::from(s).clamp(-1.0, 1.0)
                } else {
                    0.0
                };
                ((s * 32767.0).round() as i16).to_le_bytes()
            })
            .collect();
        assert_eq!(fast, reference);
    }

    const MONO_48K: AudioSpec = AudioSpec {
        sample_rate: 48_000,
        channels: 1,
    };
    const STEREO_44K: AudioSpec = AudioSpec {
        sample_rate: 44_100,
        channels: 2,
    };

    /// A RIFF/RF64 reader written from the specs, independent of the writer: the form,
    /// each chunk's payload by id, and the data size (from `ds64` for RF64).
    struct Parsed {
        form: [u8; 4],
        riff_size: u64,
        chunks: Vec<([u8; 4], Vec<u8>)>,
        data_len: u64,
    }

    impl Parsed {
        fn chunk(&self, id: &[u8; 4]) -> Option<&[u8]> {
            self.chunks
                .iter()
                .find(|(i, _)| i == id)
                .map(|(_, p)| p.as_slice())
        }
    }

    fn u16_at(b: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(b[at..at + 2].try_into().unwrap())
    }
    fn i16_at(b: &[u8], at: usize) -> i16 {
        i16::from_le_bytes(b[at..at + 2].try_into().unwrap())
    }
    fn u32_at(b: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
    }
    fn u64_at(b: &[u8], at: usize) -> u64 {
        u64::from_le_bytes(b[at..at + 8].try_into().unwrap())
    }
    fn text_at(b: &[u8], at: usize, len: usize) -> String {
        let field = &b[at..at + len];
        let end = field.iter().position(|&c| c == 0).unwrap_or(len);
        String::from_utf8(field[..end].to_vec()).unwrap()
    }

    fn parse(bytes: &[u8]) -> Parsed {
        let form: [u8; 4] = bytes[..4].try_into().unwrap();
        assert_eq!(&bytes[8..12], b"WAVE");
        let mut riff_size = u64::from(u32_at(bytes, 4));
        let mut chunks = Vec::new();
        let mut data_len = 0;
        let mut ds64_data = None;
        let mut at = 12;
        while at + 8 <= bytes.len() {
            let id: [u8; 4] = bytes[at..at + 4].try_into().unwrap();
            let mut len = u64::from(u32_at(bytes, at + 4));
            if &id == b"ds64" {
                riff_size = u64_at(bytes, at + 8);
                ds64_data = Some(u64_at(bytes, at + 16));
            }
            if &id == b"data" && len == u64::from(u32::MAX) {
                len = ds64_data.expect("ds64 before data");
            }
            let body = at + 8;
            let end = body + len as usize;
            if &id == b"data" {
                data_len = len;
            }
            chunks.push((id, bytes[body..end.min(bytes.len())].to_vec()));
            at = end + (len as usize & 1);
        }
        Parsed {
            form,
            riff_size,
            chunks,
            data_len,
        }
    }

    fn tone(spec: AudioSpec, frames: usize) -> Vec<f32> {
        (0..frames * usize::from(spec.channels))
            .map(|i| ((i as f32) * 0.05).sin() * 0.5)
            .collect()
    }

    fn bext_example() -> Bext {
        Bext {
            description: "Morning bulletin, 7 o'clock — three stories".to_owned(),
            originator: "bulletin".to_owned(),
            originator_reference: "BUL20250102T0700".to_owned(),
            origination_date: "2025-01-02".to_owned(),
            origination_time: "06:58:30".to_owned(),
            time_reference: 48_000 * 3600 * 7,
            loudness_value: Some(-23.04),
            loudness_range: Some(5.2),
            max_true_peak_level: Some(-1.1),
            max_momentary_loudness: Some(-17.5),
            max_short_term_loudness: None,
            coding_history: Bext::coding_history_line(
                &WavFormat {
                    bits: 24,
                    spec: MONO_48K,
                },
                "bulletin 0.1.0",
            ),
        }
    }

    fn cart_example() -> Cart {
        let mut post_timers = [CartTimer::default(); 8];
        post_timers[0] = CartTimer {
            usage: *b"SEC1",
            value: 48_000,
        };
        post_timers[1] = CartTimer {
            usage: *b"EOD ",
            value: 480_000,
        };
        Cart {
            title: "News 07:00".to_owned(),
            artist: "Newsroom".to_owned(),
            cut_id: "NEWS0700".to_owned(),
            client_id: "station".to_owned(),
            category: "NEWS".to_owned(),
            classification: "bulletin".to_owned(),
            out_cue: "...for the newsroom.".to_owned(),
            start_date: "2025-01-02".to_owned(),
            start_time: "07:00:00".to_owned(),
            end_date: "2025-01-02".to_owned(),
            end_time: "07:59:59".to_owned(),
            producer_app_id: "bulletin".to_owned(),
            producer_app_version: "0.1.0".to_owned(),
            user_def: "user".to_owned(),
            level_reference: 32_768,
            post_timers,
            url: "https://example.org/news/0700".to_owned(),
            tag_text: "first line\nsecond line".to_owned(),
            ..Cart::default()
        }
    }

    fn write_to_vec(
        format: WavFormat,
        samples: &[f32],
        bext: Option<&Bext>,
        cart: Option<&Cart>,
    ) -> Vec<u8> {
        let mut w = BwfWriter::new(Cursor::new(Vec::new()), format, bext, cart).unwrap();
        // Odd-sized pieces, splitting frames.
        for piece in samples.chunks(1001) {
            w.write_samples(piece).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn hound_reads_16_and_24_bit_with_format_tag_1() {
        for (bits, spec) in [(16, MONO_48K), (24, STEREO_44K), (24, MONO_48K)] {
            let samples = tone(spec, 4_801); // odd: 24-bit mono data needs a pad byte
            let bytes = write_to_vec(
                WavFormat { bits, spec },
                &samples,
                Some(&bext_example()),
                Some(&cart_example()),
            );
            let parsed = parse(&bytes);
            assert_eq!(&parsed.form, b"RIFF");
            assert_eq!(parsed.riff_size, bytes.len() as u64 - 8);
            let fmt = parsed.chunk(b"fmt ").unwrap();
            assert_eq!(fmt.len(), 16);
            assert_eq!(u16_at(fmt, 0), 1, "format tag PCM, not 0xFFFE");
            assert_eq!(u16_at(fmt, 14), bits);

            let mut reader = hound::WavReader::new(Cursor::new(&bytes)).unwrap();
            assert_eq!(reader.spec().bits_per_sample, bits);
            assert_eq!(reader.spec().channels, spec.channels);
            assert_eq!(reader.spec().sample_rate, spec.sample_rate);
            assert_eq!(reader.spec().sample_format, hound::SampleFormat::Int);
            let scale = f64::from((1i32 << (bits - 1)) - 1);
            let read: Vec<i32> = reader.samples::<i32>().map(Result::unwrap).collect();
            assert_eq!(read.len(), samples.len());
            for (r, s) in read.iter().zip(&samples) {
                assert_eq!(*r, (f64::from(*s) * scale).round() as i32);
            }
        }
    }

    #[test]
    fn one_shot_and_streaming_writers_agree() {
        let samples = tone(STEREO_44K, 1_000);
        let clip = Clip::new(STEREO_44K, samples.clone());
        let mut one_shot = Vec::new();
        write_bwf(&clip, 24, Some(&bext_example()), None, &mut one_shot).unwrap();
        let streamed = write_to_vec(
            WavFormat {
                bits: 24,
                spec: STEREO_44K,
            },
            &samples,
            Some(&bext_example()),
            None,
        );
        assert_eq!(one_shot, streamed);
    }

    #[test]
    fn bext_fields_read_back() {
        let bext = bext_example();
        let bytes = write_to_vec(
            WavFormat {
                bits: 16,
                spec: MONO_48K,
            },
            &tone(MONO_48K, 100),
            Some(&bext),
            None,
        );
        let parsed = parse(&bytes);
        let b = parsed.chunk(b"bext").unwrap();
        assert_eq!(
            text_at(b, 0, 256),
            "Morning bulletin, 7 o'clock ? three stories"
        );
        assert_eq!(text_at(b, 256, 32), "bulletin");
        assert_eq!(text_at(b, 288, 32), "BUL20250102T0700");
        assert_eq!(text_at(b, 320, 10), "2025-01-02");
        assert_eq!(text_at(b, 330, 8), "06:58:30");
        let time_ref = u64::from(u32_at(b, 338)) | u64::from(u32_at(b, 342)) << 32;
        assert_eq!(time_ref, bext.time_reference);
        assert_eq!(u16_at(b, 346), 2);
        assert!(b[348..412].iter().all(|&c| c == 0), "UMID");
        assert_eq!(i16_at(b, 412), -2304);
        assert_eq!(i16_at(b, 414), 520);
        assert_eq!(i16_at(b, 416), -110);
        assert_eq!(i16_at(b, 418), -1750);
        assert_eq!(i16_at(b, 420), 0x7FFF);
        assert!(b[422..602].iter().all(|&c| c == 0), "reserved");
        assert_eq!(&b[602..], b"A=PCM,F=48000,W=24,M=mono,T=bulletin 0.1.0\r\n");
    }

    #[test]
    fn cart_fields_read_back_per_aes46() {
        let cart = cart_example();
        let bytes = write_to_vec(
            WavFormat {
                bits: 24,
                spec: STEREO_44K,
            },
            &tone(STEREO_44K, 100),
            None,
            Some(&cart),
        );
        let parsed = parse(&bytes);
        let c = parsed.chunk(b"cart").unwrap();
        // Offsets from the AES46-2002 layout.
        let fields = [
            (0, 4, "0101"),
            (4, 64, "News 07:00"),
            (68, 64, "Newsroom"),
            (132, 64, "NEWS0700"),
            (196, 64, "station"),
            (260, 64, "NEWS"),
            (324, 64, "bulletin"),
            (388, 64, "...for the newsroom."),
            (452, 10, "2025-01-02"),
            (462, 8, "07:00:00"),
            (470, 10, "2025-01-02"),
            (480, 8, "07:59:59"),
            (488, 64, "bulletin"),
            (552, 64, "0.1.0"),
            (616, 64, "user"),
        ];
        for (at, len, want) in fields {
            assert_eq!(text_at(c, at, len), want, "field at {at}");
        }
        assert_eq!(u32_at(c, 680) as i32, 32_768);
        assert_eq!(&c[684..688], b"SEC1");
        assert_eq!(u32_at(c, 688), 48_000);
        assert_eq!(&c[692..696], b"EOD ");
        assert_eq!(u32_at(c, 696), 480_000);
        assert!(c[700..748].iter().all(|&b| b == 0), "unused timers");
        assert!(c[748..1024].iter().all(|&b| b == 0), "reserved");
        assert_eq!(text_at(c, 1024, 1024), "https://example.org/news/0700");
        assert_eq!(&c[2048..], b"first line\r\nsecond line\r\n\0");
    }

    #[test]
    fn rf64_past_the_size_limit() {
        let format = WavFormat {
            bits: 24,
            spec: MONO_48K,
        };
        let samples = tone(MONO_48K, 1_001);
        let mut w = BwfWriter::with_riff_limit(
            Cursor::new(Vec::new()),
            format,
            Some(&bext_example()),
            None,
            2_000,
        )
        .unwrap();
        w.write_samples(&samples).unwrap();
        let bytes = w.finish().unwrap().into_inner();
        let parsed = parse(&bytes);
        assert_eq!(&parsed.form, b"RF64");
        assert_eq!(u32_at(&bytes, 4), u32::MAX);
        assert_eq!(&parsed.chunks[0].0, b"ds64", "JUNK became ds64 in place");
        let ds64 = parsed.chunk(b"ds64").unwrap();
        assert_eq!(ds64.len(), 28);
        assert_eq!(u64_at(ds64, 0), bytes.len() as u64 - 8);
        assert_eq!(u64_at(ds64, 8), 3_003);
        assert_eq!(u64_at(ds64, 16), 1_001);
        assert_eq!(u32_at(ds64, 24), 0);
        assert_eq!(parsed.data_len, 3_003);
        assert_eq!(bytes.len() % 2, 0);
        if let Some(probe) = ffprobe(&write_temp(&bytes)) {
            let json: serde_json::Value = serde_json::from_str(&probe).unwrap();
            assert_eq!(json["format"]["format_name"], "wav");
            assert_eq!(json["streams"][0]["duration_ts"], 1001);
        }

        // Just under the limit it stays RIFF, with a JUNK chunk.
        let mut w =
            BwfWriter::with_riff_limit(Cursor::new(Vec::new()), format, None, None, 100_000)
                .unwrap();
        w.write_samples(&samples).unwrap();
        let parsed = parse(&w.finish().unwrap().into_inner());
        assert_eq!(&parsed.form, b"RIFF");
        assert_eq!(&parsed.chunks[0].0, b"JUNK");
    }

    #[test]
    fn bad_input_is_an_error_not_a_panic() {
        let ok = WavFormat {
            bits: 16,
            spec: MONO_48K,
        };
        let new = |format, bext: Option<&Bext>, cart: Option<&Cart>| {
            BwfWriter::new(Cursor::new(Vec::new()), format, bext, cart).err()
        };
        for format in [
            WavFormat { bits: 8, ..ok },
            WavFormat { bits: 32, ..ok },
            WavFormat {
                spec: AudioSpec {
                    sample_rate: 48_000,
                    channels: 6,
                },
                ..ok
            },
            WavFormat {
                spec: AudioSpec {
                    sample_rate: 0,
                    channels: 1,
                },
                ..ok
            },
        ] {
            let err = new(format, None, None).expect("rejected");
            assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
        }
        for date in ["2025/1/2", "02-01-2025", "2025-01-0x", "２０２５-01-02"] {
            let bext = Bext {
                origination_date: date.to_owned(),
                ..Bext::default()
            };
            let err = new(ok, Some(&bext), None).expect("rejected");
            assert_eq!(
                err.to_string(),
                format!("bext origination date {date:?} is not yyyy-mm-dd")
            );
        }
        let cart = Cart {
            end_time: "7pm".to_owned(),
            ..Cart::default()
        };
        assert!(new(ok, None, Some(&cart)).is_some());

        let stereo = WavFormat {
            spec: STEREO_44K,
            ..ok
        };
        let mut w = BwfWriter::new(Cursor::new(Vec::new()), stereo, None, None).unwrap();
        w.write_samples(&[0.1, 0.2, 0.3]).unwrap();
        let err = w.finish().err().unwrap();
        assert_eq!(
            err.to_string(),
            "3 samples are not a whole number of 2-channel frames"
        );
        // Overlong text is cut, non-finite samples are silence.
        let long = Bext {
            description: "x".repeat(1000),
            ..Bext::default()
        };
        let bytes = write_to_vec(ok, &[f32::NAN, f32::INFINITY, -9.0], Some(&long), None);
        let parsed = parse(&bytes);
        assert_eq!(parsed.chunk(b"bext").unwrap().len(), 602);
        let data = parsed.chunk(b"data").unwrap();
        assert_eq!(data, [0, 0, 0, 0, 1, 0x80]); // 0, 0, -32767
    }

    #[test]
    fn dither_is_seeded_and_small() {
        let format = WavFormat {
            bits: 16,
            spec: MONO_48K,
        };
        let samples = tone(MONO_48K, 10_000);
        let dithered = |seed| {
            let mut w = BwfWriter::new(Cursor::new(Vec::new()), format, None, None)
                .unwrap()
                .with_dither(seed);
            w.write_samples(&samples).unwrap();
            w.finish().unwrap().into_inner()
        };
        let plain = write_to_vec(format, &samples, None, None);
        assert_eq!(dithered(7), dithered(7));
        assert_ne!(dithered(7), plain);
        let a = parse(&dithered(7));
        let b = parse(&plain);
        let (a, b) = (a.chunk(b"data").unwrap(), b.chunk(b"data").unwrap());
        for (x, y) in a.chunks_exact(2).zip(b.chunks_exact(2)) {
            let diff = i16_at(x, 0) as i32 - i16_at(y, 0) as i32;
            assert!(diff.abs() <= 1, "{diff}");
        }
    }

    fn write_temp(bytes: &[u8]) -> tempfile::TempPath {
        let mut file = tempfile::Builder::new().suffix(".wav").tempfile().unwrap();
        file.write_all(bytes).unwrap();
        file.into_temp_path()
    }

    fn ffprobe(path: &Path) -> Option<String> {
        match Command::new("ffprobe")
            .args([
                "-v",
                "error",
                "-show_format",
                "-show_streams",
                "-of",
                "json",
            ])
            .arg(path)
            .output()
        {
            Ok(out) => {
                assert!(
                    out.status.success(),
                    "{}",
                    String::from_utf8_lossy(&out.stderr)
                );
                Some(String::from_utf8(out.stdout).unwrap())
            }
            Err(_) => {
                eprintln!("note: ffprobe not on PATH; skipping the ffprobe check");
                None
            }
        }
    }

    #[test]
    fn ffprobe_reads_format_duration_and_bext() {
        let spec = AudioSpec {
            sample_rate: 48_000,
            channels: 2,
        };
        let clip = Clip::new(spec, tone(spec, 48_000 * 3 / 2));
        let mut bytes = Vec::new();
        write_bwf(
            &clip,
            24,
            Some(&bext_example()),
            Some(&cart_example()),
            &mut bytes,
        )
        .unwrap();
        let Some(probe) = ffprobe(&write_temp(&bytes)) else {
            return;
        };
        let json: serde_json::Value = serde_json::from_str(&probe).unwrap();
        let format = &json["format"];
        assert_eq!(format["format_name"], "wav");
        assert_eq!(format["duration"], "1.500000");
        let tags = &format["tags"];
        // ffprobe shows the bext description as the comment.
        assert_eq!(
            tags["comment"],
            "Morning bulletin, 7 o'clock ? three stories"
        );
        assert_eq!(tags["encoded_by"], "bulletin");
        assert_eq!(tags["originator_reference"], "BUL20250102T0700");
        let stream = &json["streams"][0];
        assert_eq!(stream["codec_name"], "pcm_s24le");
        assert_eq!(stream["sample_rate"], "48000");
        assert_eq!(stream["channels"], 2);
    }

    #[test]
    fn mediainfo_shows_bext_and_loudness() {
        let clip = Clip::new(MONO_48K, tone(MONO_48K, 48_000));
        let mut bytes = Vec::new();
        write_bwf(&clip, 16, Some(&bext_example()), None, &mut bytes).unwrap();
        let path = write_temp(&bytes);
        let out = match Command::new("mediainfo").arg("--Full").arg(&*path).output() {
            Ok(out) => String::from_utf8_lossy(&out.stdout).into_owned(),
            Err(_) => {
                eprintln!("note: mediainfo not installed (apt-get install mediainfo); skipping");
                return;
            }
        };
        assert!(
            out.contains("Morning bulletin, 7 o'clock ? three stories"),
            "{out}"
        );
        assert!(out.contains("bulletin"), "{out}");
        assert!(out.contains("BUL20250102T0700"), "{out}");
        assert!(out.contains("-23.04"), "loudness value: {out}");
        assert!(out.contains("-1.10"), "true peak: {out}");
    }
}
