//! Broadcast-grade output, checked with independent tools where installed
//! (ffmpeg's ebur128 filter, ffprobe, mediainfo, wavinfo) and with chunk
//! readers written here from the specifications.

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use crate::fake_tts::{tone_hz, wav_for, FakeTts, Reply, Shape};
use crate::harness::{examples, read_wav, Workspace};
use crate::listen::{dominant_hz, rms};

/// Two backends whose voices differ by 12 dB (0.5 and 0.125 full scale).
fn two_level_config(ws: &Workspace, loud: &FakeTts, quiet: &FakeTts, extra: &str) {
    ws.write(
        "voices.toml",
        format!(
            "[bulletin]\n{extra}\n[languages]\nzh = \"zh\"\nen = \"en\"\n\
             [voices.zh]\nbackend = \"loud\"\nvoice = \"a\"\n[voices.en]\nbackend = \"quiet\"\nvoice = \"b\"\n\
             [backends.loud]\npreset = \"openai\"\nurl = \"{}\"\n[backends.quiet]\npreset = \"openai\"\nurl = \"{}\"\n",
            loud.url(),
            quiet.url()
        ),
    );
}

fn quiet_server() -> FakeTts {
    FakeTts::with(Arc::new(|r, _| {
        let wav = wav_for(&r.text, Shape::Plain16(24000));
        // Scale the 16-bit samples by a quarter: 12 dB down.
        let data = wav.windows(4).position(|w| w == b"data").unwrap() + 8;
        let mut out = wav[..data].to_vec();
        for pair in wav[data..].chunks_exact(2) {
            out.extend_from_slice(&(i16::from_le_bytes([pair[0], pair[1]]) / 4).to_le_bytes());
        }
        Reply::Raw {
            status: 200,
            headers: vec![],
            body: out,
        }
    }))
}

/// One English voice on an OpenAI-compatible server, with `[bulletin]` lines `bulletin`.
fn one_voice_config(url: &str, bulletin: &str) -> String {
    format!(
        "[bulletin]\n{bulletin}\n[languages]\nen = \"en\"\nzh = \"en\"\n[voices.en]\nbackend = \"svc\"\nvoice = \"a\"\n\
         [backends.svc]\npreset = \"openai\"\nurl = \"{url}\"\n"
    )
}

fn manifest(ws: &Workspace, name: &str) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(ws.path(&format!("out/{name}.json"))).unwrap()).unwrap()
}

/// ffmpeg's own EBU R128 reading: (integrated LUFS, true peak dBTP).
fn ffmpeg_loudness(path: &Path) -> Option<(f64, f64)> {
    let out = Command::new("ffmpeg")
        .args(["-nostats", "-hide_banner", "-i"])
        .arg(path)
        .args(["-filter_complex", "ebur128=peak=true", "-f", "null", "-"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stderr);
    let summary = &text[text.rfind("Summary:")?..];
    let value = |key: &str| -> Option<f64> {
        let at = summary.find(key)? + key.len();
        summary[at..].split_whitespace().next()?.parse().ok()
    };
    Some((value("I:")?, value("Peak:")?))
}

#[test]
fn two_backends_12_db_apart_come_out_at_the_target_loudness() {
    let (loud, quiet) = (FakeTts::start(), quiet_server());
    for (profile, target) in [("broadcast", -23.0), ("podcast", -16.0)] {
        let ws = Workspace::new();
        two_level_config(&ws, &loud, &quiet, &format!("loudness = \"{profile}\""));
        ws.bulletin()
            .args(["build", "-n", "b"])
            .arg_path(&examples().join("01-zh-river-park.txt"))
            .arg_path(&examples().join("03-en-harbour-ferry.txt"))
            .output()
            .success();
        let m = manifest(&ws, "b");
        let crate_i = m["loudness"]["output"]["integrated_lufs"].as_f64().unwrap();
        let crate_tp = m["loudness"]["output"]["true_peak_dbtp"].as_f64().unwrap();
        assert!((crate_i - target).abs() <= 0.5, "{profile}: {crate_i} LUFS");
        assert!(crate_tp <= -1.0, "{profile}: true peak {crate_tp}");
        if let Some((i, peak)) = ffmpeg_loudness(&ws.path("out/b.wav")) {
            assert!(
                (i - target).abs() <= 0.5,
                "{profile}: ffmpeg reads {i} LUFS"
            );
            assert!(
                peak <= -1.0 + 0.05,
                "{profile}: ffmpeg reads true peak {peak} dBTP"
            );
        } else {
            eprintln!("note: ffmpeg not installed; checked with the ebur128 crate only");
        }
        // Per-clip levelling: the two voices no longer differ by 12 dB.
        let (rate, channels, samples) = read_wav(&ws.path("out/b.wav"));
        let level = |lang: &str| -> f32 {
            let segs: Vec<&serde_json::Value> = m["segments"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|s| s["lang"] == lang)
                .collect();
            let per: Vec<f32> = segs
                .iter()
                .map(|s| {
                    let at = |ms: u64| (ms * u64::from(rate) / 1000) as usize * channels as usize;
                    let end = at(s["end_ms"].as_u64().unwrap()).min(samples.len());
                    rms(&samples[at(s["start_ms"].as_u64().unwrap())..end])
                })
                .collect();
            20.0 * (per.iter().sum::<f32>() / per.len() as f32).log10()
        };
        let gap = (level("zh") - level("en")).abs();
        assert!(
            gap < 1.5,
            "{profile}: voices differ by {gap:.1} dB after levelling"
        );
    }
}

#[test]
fn joins_do_not_step_more_than_the_clips_themselves() {
    let (loud, quiet) = (FakeTts::start(), quiet_server());
    let ws = Workspace::new();
    two_level_config(&ws, &loud, &quiet, "");
    ws.bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&examples().join("02-zh-library-hours.txt"))
        .arg_path(&examples().join("04-en-school-meals.md"))
        .output()
        .success();
    let m = manifest(&ws, "b");
    let (rate, _, s) = read_wav(&ws.path("out/b.wav"));
    let at = |ms: u64| (ms * u64::from(rate) / 1000) as usize;
    let step = |range: std::ops::Range<usize>| -> f32 {
        s[range.start.max(1)..range.end.min(s.len())]
            .iter()
            .zip(&s[range.start.max(1) - 1..])
            .map(|(a, b)| (a - b).abs())
            .fold(0.0, f32::max)
    };
    let mut inside = 0.0f32;
    let mut at_joins = 0.0f32;
    for seg in m["segments"].as_array().unwrap() {
        let (start, end) = (
            at(seg["start_ms"].as_u64().unwrap()),
            at(seg["end_ms"].as_u64().unwrap()),
        );
        // Inside: the clip without its 5 ms fades; a join: 2 ms either side of the boundary.
        let (fade, join) = ((rate / 200) as usize, (rate / 500) as usize);
        inside = inside.max(step(start + fade..end.saturating_sub(fade)));
        at_joins = at_joins
            .max(step(start.saturating_sub(join)..start + join))
            .max(step(end.saturating_sub(join)..end + join));
    }
    assert!(
        at_joins <= inside,
        "largest step at a join {at_joins} vs inside clips {inside}"
    );
    let mean = s.iter().map(|&x| f64::from(x)).sum::<f64>() / s.len() as f64;
    assert!(mean.abs() < 1e-3, "no DC offset: {mean}");
}

/// The chunks of a RIFF file: (id, body).
fn chunks(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 12;
    while at + 8 <= bytes.len() {
        let id = String::from_utf8_lossy(&bytes[at..at + 4]).into_owned();
        let size = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().unwrap()) as usize;
        let end = (at + 8 + size).min(bytes.len());
        out.push((id, bytes[at + 8..end].to_vec()));
        at = at + 8 + size + size % 2;
    }
    out
}

fn text(field: &[u8]) -> String {
    String::from_utf8_lossy(field)
        .trim_end_matches('\0')
        .to_owned()
}

#[test]
fn broadcast_wave_carries_bext_loudness_and_a_cart_chunk_that_expires() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        one_voice_config(
            &server.url(),
            "bits = 24\nchannels = 2\nsample_rate = 44100\n\
             [bulletin.bwf]\ndescription = \"Morning news\"\noriginator = \"Radio Harbour\"\n\
             [bulletin.cart]\ntitle = \"NEWS 0600\"\ncategory = \"NEWS\"\nvalid_for = \"2h\"",
        ),
    );
    ws.bulletin()
        .args(["build", "-n", "news"])
        .arg_path(&examples().join("04-en-school-meals.md"))
        .output()
        .success();
    let bytes = std::fs::read(ws.path("out/news.wav")).unwrap();
    let all = chunks(&bytes);
    let ids: Vec<&str> = all.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, vec!["JUNK", "fmt ", "bext", "cart", "data"]);
    let fmt = &all[1].1;
    assert_eq!(
        u16::from_le_bytes([fmt[0], fmt[1]]),
        1,
        "format tag 1 (PCM), not EXTENSIBLE"
    );
    assert_eq!(u16::from_le_bytes([fmt[2], fmt[3]]), 2);
    assert_eq!(u32::from_le_bytes(fmt[4..8].try_into().unwrap()), 44100);
    assert_eq!(u16::from_le_bytes([fmt[14], fmt[15]]), 24);

    // bext (EBU Tech 3285 v2): loudness at offset 412, ×100 as i16.
    let bext = &all[2].1;
    assert_eq!(text(&bext[0..256]), "Morning news");
    assert_eq!(text(&bext[256..288]), "Radio Harbour");
    assert_eq!(
        u16::from_le_bytes([bext[346], bext[347]]),
        2,
        "bext version 2"
    );
    let field = |at: usize| f64::from(i16::from_le_bytes([bext[at], bext[at + 1]])) / 100.0;
    let m = manifest(&ws, "news");
    assert_eq!(
        field(412),
        m["loudness"]["output"]["integrated_lufs"].as_f64().unwrap()
    );
    assert!((field(412) + 23.0).abs() <= 0.5);
    assert!(field(416) <= -1.0, "max true peak {}", field(416));

    // cart (AES46-2002): title at 4, category at 260, start/end date and time at 452.
    let cart = &all[3].1;
    assert_eq!(text(&cart[0..4]), "0101");
    assert_eq!(text(&cart[4..68]), "NEWS 0600");
    assert_eq!(text(&cart[260..324]), "NEWS");
    let start = format!("{} {}", text(&cart[452..462]), text(&cart[462..470]));
    let end = format!("{} {}", text(&cart[470..480]), text(&cart[480..488]));
    assert_eq!(text(&cart[488..552]), "bulletin", "producer app id");
    let parse = |s: &str| chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap();
    assert_eq!(
        (parse(&end) - parse(&start)).num_minutes(),
        120,
        "{start} .. {end}"
    );

    if let Ok(out) = Command::new("mediainfo")
        .arg(ws.path("out/news.wav"))
        .output()
    {
        let info = String::from_utf8_lossy(&out.stdout);
        assert!(info.contains("Morning news"), "{info}");
        assert!(
            info.contains(&format!(
                "LoudnessValue                            : {:.2}",
                field(412)
            )),
            "{info}"
        );
    } else {
        assert!(
            std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
            "mediainfo is required"
        );
        eprintln!("note: mediainfo not installed; skipping its check");
    }
    match std::env::var("BULLETIN_WAVINFO") {
        Ok(wavinfo) => {
            let out = Command::new(wavinfo)
                .arg(ws.path("out/news.wav"))
                .output()
                .unwrap();
            let info: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(info["scopes"]["bext"]["description"], "Morning news");
            assert_eq!(
                info["scopes"]["bext"]["loudness_value"].as_f64(),
                Some(field(412))
            );
            assert_eq!(info["scopes"]["fmt"]["bits_per_sample"], 24);
        }
        Err(_) => {
            assert!(
                std::env::var_os("BULLETIN_REQUIRE_TOOLS").is_none(),
                "BULLETIN_WAVINFO is required"
            );
            eprintln!("note: BULLETIN_WAVINFO not set; skipping the wavinfo check");
        }
    }
}

#[test]
fn mp3_has_one_chapter_per_article_at_its_start() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        crate::harness::openai_config(&server.url(), ""),
    );
    ws.bulletin()
        .args(["build", "-n", "b", "--format", "wav,mp3"])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    let m = manifest(&ws, "b");
    let files: Vec<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        files,
        vec!["b.wav", "b.mp3", "b.vtt"],
        "every file of the generation"
    );
    let Ok(out) = Command::new("ffprobe")
        .args(["-v", "error", "-show_chapters", "-of", "json"])
        .arg(ws.path("out/b.mp3"))
        .output()
    else {
        eprintln!("note: ffprobe not installed; skipping");
        return;
    };
    let probe: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let chapters = probe["chapters"].as_array().unwrap();
    let articles = m["articles"].as_array().unwrap();
    assert_eq!(chapters.len(), articles.len());
    for (c, a) in chapters.iter().zip(articles) {
        assert_eq!(c["tags"]["title"], a["title"]);
        assert_eq!(c["start"].as_u64(), a["start_ms"].as_u64());
        assert_eq!(c["end"].as_u64(), a["end_ms"].as_u64());
    }
}

#[test]
fn station_sounds_sit_in_the_timeline_and_per_article_files_are_levelled() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    // Jingles in another rate and layout than the bulletin: 44.1 kHz stereo float.
    let jingle = |hz: f32, secs: f32| {
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 44100,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        let mut c = std::io::Cursor::new(Vec::new());
        let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
        for i in 0..(44100.0 * secs) as usize {
            let v = (i as f32 * hz * std::f32::consts::TAU / 44100.0).sin() * 0.3;
            w.write_sample(v).unwrap();
            w.write_sample(v).unwrap();
        }
        w.finalize().unwrap();
        c.into_inner()
    };
    ws.write("sounds/intro.wav", jingle(2900.0, 1.5));
    ws.write("sounds/sting.wav", jingle(2800.0, 0.5));
    ws.write(
        "voices.toml",
        one_voice_config(
            &server.url(),
            "loudness = \"off\"\n[bulletin.sounds]\nintro = \"sounds/intro.wav\"\nseparator = \"sounds/sting.wav\"",
        ),
    );
    let inputs = [
        examples().join("03-en-harbour-ferry.txt"),
        examples().join("04-en-school-meals.md"),
    ];
    ws.bulletin()
        .args(["build", "-n", "b", "--per-article"])
        .args(&inputs)
        .output()
        .success();
    let m = manifest(&ws, "b");
    let sounds: Vec<&serde_json::Value> = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["kind"] == "sound")
        .collect();
    assert_eq!(
        sounds
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        vec!["sound-intro", "sound-a2"]
    );
    let (rate, _, samples) = read_wav(&ws.path("out/b.wav"));
    for (s, hz) in sounds.iter().zip([2900.0, 2800.0]) {
        let (start, end) = (
            s["start_ms"].as_u64().unwrap(),
            s["end_ms"].as_u64().unwrap(),
        );
        let clip = &samples[(start * 48) as usize..((end * 48) as usize).min(samples.len())];
        assert_eq!(
            dominant_hz(clip, rate),
            hz,
            "{} plays its own sound",
            s["id"]
        );
    }
    assert_eq!(sounds[0]["start_ms"], 0);
    let vtt = std::fs::read_to_string(ws.path("out/b.vtt")).unwrap();
    assert!(
        !vtt.contains("sound-"),
        "the transcript holds spoken segments only"
    );
    let first_title = m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "a1-title")
        .unwrap();
    let clip = &samples[(first_title["start_ms"].as_u64().unwrap() * 48) as usize
        ..(first_title["end_ms"].as_u64().unwrap() * 48) as usize];
    assert_eq!(
        dominant_hz(clip, rate),
        tone_hz(first_title["text"].as_str().unwrap())
    );

    // Per-article files, each at the loudness target of its own.
    let ws2 = Workspace::new();
    ws2.write(
        "voices.toml",
        crate::harness::openai_config(&server.url(), ""),
    );
    ws2.bulletin()
        .args(["build", "-n", "b", "--per-article"])
        .args(&inputs)
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    assert_eq!(
        ws2.files("out"),
        vec!["b-a1.wav", "b-a2.wav", "b.json", "b.vtt", "b.wav"]
    );
    for f in ["b-a1.wav", "b-a2.wav"] {
        if let Some((i, peak)) = ffmpeg_loudness(&ws2.path(&format!("out/{f}"))) {
            assert!(
                (i + 23.0).abs() <= 0.5 && peak <= -0.95,
                "{f}: {i} LUFS, {peak} dBTP"
            );
        }
    }
}

#[test]
fn max_duration_drops_the_lowest_priority_articles_whole() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        crate::harness::openai_config(&server.url(), ""),
    );
    ws.bulletin()
        .args(["build", "-n", "full"])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    let m = manifest(&ws, "full");
    let ends: Vec<u64> = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["end_ms"].as_u64().unwrap())
        .collect();
    // A slot that holds the first two articles and a bit.
    let slot_ms = ends[1] + 500;
    ws.bulletin()
        .args([
            "build",
            "-n",
            "short",
            "--max-duration",
            &format!("{}ms", slot_ms),
        ])
        .arg_path(&examples())
        .env("FAKE_TTS_KEY", "k")
        .output()
        .success();
    let m = manifest(&ws, "short");
    assert!(m["audio"]["duration_ms"].as_u64().unwrap() <= slot_ms);
    let kept: Vec<&str> = m["articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["origin"].as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 2);
    assert!(
        kept[0].ends_with("01-zh-river-park.txt") && kept[1].ends_with("02-zh-library-hours.txt")
    );
    let dropped: Vec<&str> = m["dropped_articles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reason"].as_str().unwrap())
        .collect();
    assert_eq!(dropped.len(), 2);
    assert!(
        dropped.iter().all(|r| r.contains("--max-duration")),
        "{dropped:?}"
    );
    assert!(m["segments"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["article"].as_u64().is_some_and(|a| a < 2)));
}

#[test]
fn a_music_bed_plays_under_the_spoken_intro_and_ducks_under_the_voice() {
    let server = FakeTts::start();
    let ws = Workspace::new();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 22050,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut c = std::io::Cursor::new(Vec::new());
    let mut w = hound::WavWriter::new(&mut c, spec).unwrap();
    for i in 0..22050 * 20 {
        w.write_sample(
            ((i as f32 * 3000.0 * std::f32::consts::TAU / 22050.0).sin() * 0.3 * 32767.0) as i16,
        )
        .unwrap();
    }
    w.finalize().unwrap();
    ws.write("bed.wav", c.into_inner());
    ws.write(
        "voices.toml",
        one_voice_config(
            &server.url(),
            "loudness = \"off\"\nintro = \"Good morning. This is the news.\"\n\
             [bulletin.sounds]\nbed = \"bed.wav\"\nbed_lead = \"2s\"\nbed_duck_db = 20\nbed_tail = \"1s\"",
        ),
    );
    ws.bulletin()
        .args(["build", "-n", "b"])
        .arg_path(&examples().join("04-en-school-meals.md"))
        .output()
        .success();
    let m = manifest(&ws, "b");
    let seg = |id: &str| {
        m["segments"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let (bed, intro) = (seg("sound-bed"), seg("intro"));
    assert_eq!(bed["kind"], "sound");
    assert_eq!(bed["start_ms"], 0);
    assert_eq!(
        intro["start_ms"], 2000,
        "the voice comes in after the bed's lead-in"
    );
    assert_eq!(
        bed["end_ms"].as_u64().unwrap(),
        intro["end_ms"].as_u64().unwrap() + 1000,
        "faded out a second after"
    );
    let (rate, _, s) = read_wav(&ws.path("out/b.wav"));
    let window = |from_ms: u64, to_ms: u64| &s[(from_ms * 48) as usize..(to_ms * 48) as usize];
    let lead = window(500, 1500);
    assert_eq!(dominant_hz(lead, rate), 3000.0, "the bed alone first");
    assert!(
        (rms(lead) - 0.3 / 2f32.sqrt()).abs() < 0.02,
        "at full level: {}",
        rms(lead)
    );
    let (is, ie) = (
        intro["start_ms"].as_u64().unwrap(),
        intro["end_ms"].as_u64().unwrap(),
    );
    let under = window(is + 300, ie - 300);
    assert_eq!(
        dominant_hz(under, rate),
        tone_hz(intro["text"].as_str().unwrap()),
        "the voice on top"
    );
    let bed_level = crate::listen::goertzel(under, rate, 3000.0).sqrt();
    let lead_level = crate::listen::goertzel(lead, rate, 3000.0).sqrt();
    let duck_db = 20.0 * (bed_level / lead_level).log10();
    assert!((duck_db + 20.0).abs() < 1.0, "ducked by {duck_db:.1} dB");
    let title = seg("a1-title");
    let after = window(
        title["start_ms"].as_u64().unwrap(),
        title["end_ms"].as_u64().unwrap(),
    );
    assert!(
        crate::listen::goertzel(after, rate, 3000.0).sqrt() < lead_level / 1000.0,
        "no bed under the articles"
    );
}
