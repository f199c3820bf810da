//! output: the bulletin as a 16-bit PCM WAV file. Written by hand (a small
//! RIFF writer) because broadcast chunks such as `bext` will follow `fmt `.

use std::io::{self, Write};

use crate::audio::Clip;

/// Writes `clip` as 16-bit PCM WAV. Samples are clamped to full scale and
/// rounded; no dither, so identical input gives identical files.
pub fn write_wav16(clip: &Clip, out: &mut dyn Write) -> io::Result<()> {
    let spec = clip.spec();
    let channels = u32::from(spec.channels);
    let data_len = clip.samples().len() as u64 * 2;
    let riff_len = 4 + (8 + 16) + (8 + data_len);
    if riff_len > u64::from(u32::MAX) {
        return Err(io::Error::other(
            "the bulletin is longer than a WAV file can hold (4 GiB)",
        ));
    }
    out.write_all(b"RIFF")?;
    out.write_all(&(riff_len as u32).to_le_bytes())?;
    out.write_all(b"WAVE")?;
    out.write_all(b"fmt ")?;
    out.write_all(&16u32.to_le_bytes())?;
    out.write_all(&1u16.to_le_bytes())?; // PCM
    out.write_all(&spec.channels.to_le_bytes())?;
    out.write_all(&spec.sample_rate.to_le_bytes())?;
    out.write_all(&(spec.sample_rate * channels * 2).to_le_bytes())?;
    out.write_all(&((channels * 2) as u16).to_le_bytes())?;
    out.write_all(&16u16.to_le_bytes())?;
    out.write_all(b"data")?;
    out.write_all(&(data_len as u32).to_le_bytes())?;
    let mut buf = Vec::with_capacity(64 * 1024);
    for chunk in clip.samples().chunks(32 * 1024) {
        buf.clear();
        for &s in chunk {
            buf.extend_from_slice(&to_i16(s).to_le_bytes());
        }
        out.write_all(&buf)?;
    }
    Ok(())
}

fn to_i16(s: f32) -> i16 {
    let s = if s.is_finite() {
        s.clamp(-1.0, 1.0)
    } else {
        0.0
    };
    (s * 32767.0).round() as i16
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSpec;

    #[test]
    fn hound_reads_back_what_we_write() {
        let clip = Clip::new(
            AudioSpec {
                sample_rate: 48000,
                channels: 1,
            },
            vec![0.0, 0.5, -1.0, 1.5, f32::NAN],
        );
        let mut bytes = Vec::new();
        write_wav16(&clip, &mut bytes).unwrap();
        let reader = hound::WavReader::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(reader.spec().sample_rate, 48000);
        assert_eq!(reader.spec().bits_per_sample, 16);
        let samples: Vec<i16> = reader.into_samples().map(Result::unwrap).collect();
        assert_eq!(samples, vec![0, 16384, -32767, 32767, 0]);
    }
}
