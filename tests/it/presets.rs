//! Each preset against a loopback server that speaks exactly that service's
//! shape: the request it sends (method, path, query, headers, body) and the
//! response it decodes, quirks included.

use std::sync::Arc;

use base64::Engine as _;

use crate::fake_tts::{pcm_for, wav_for, FakeTts, Recorded, Reply, Shape};
use crate::harness::{Outcome, Workspace};

const KEY: &str = "test-key-5f3a9";
const EN_PHRASE: &str = "This is a test of the bulletin voice.";
const ZH_PHRASE: &str = "这是一条测试语音。";

/// Runs `bulletin voices --check` with one voice on `backend_toml`.
fn check(backend_toml: &str, voice: &str, lang: &str) -> Outcome {
    let ws = Workspace::new();
    ws.write(
        "voices.toml",
        format!(
            "[languages]\nen = \"v\"\n\n[voices.v]\nbackend = \"svc\"\nvoice = \"{voice}\"\nlang = \"{lang}\"\n\n[backends.svc]\n{backend_toml}\n"
        ),
    );
    ws.bulletin()
        .args(["voices", "--check", "-c", "voices.toml"])
        .env("SVC_KEY", KEY)
        .output()
}

/// The row of the check table for the voice: ok and the sample rate decoded.
#[track_caller]
fn assert_ok_at(outcome: &Outcome, rate: u32) {
    assert_eq!(
        outcome.code(),
        0,
        "stdout:\n{}\nstderr:\n{}",
        outcome.stdout(),
        outcome.stderr()
    );
    let row = outcome
        .stdout()
        .lines()
        .find(|l| l.starts_with("v "))
        .unwrap_or_default()
        .to_owned();
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells.get(2), Some(&"ok"), "{row}");
    assert_eq!(cells.get(4), Some(&rate.to_string().as_str()), "{row}");
}

fn only_request(server: &FakeTts) -> Recorded {
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "{requests:?}");
    requests.into_iter().next().unwrap()
}

#[test]
fn openai_sends_its_json_shape_and_decodes_streaming_wav() {
    let server = FakeTts::with(Arc::new(|r, _| {
        Reply::Wav(if r.text.is_empty() {
            Shape::Plain16(1)
        } else {
            Shape::OpenAiStream
        })
    }));
    let out = check(
        &format!(
            "preset = \"openai\"\nurl = \"{}\"\napi_key_env = \"SVC_KEY\"",
            server.url()
        ),
        "alloy",
        "en",
    );
    assert_ok_at(&out, 24000);
    let r = only_request(&server);
    assert_eq!(
        (r.method.as_str(), r.path.as_str(), r.query.as_deref()),
        ("POST", "/v1/audio/speech", None)
    );
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json(),
        serde_json::json!({"model": "tts-1", "input": EN_PHRASE, "voice": "alloy", "response_format": "wav", "speed": 1.0})
    );
}

#[test]
fn elevenlabs_puts_the_voice_in_the_path_and_reads_raw_pcm_after_a_busy_answer() {
    let server = FakeTts::with(Arc::new(|r, n| {
        if n == 0 {
            return Reply::Raw {
                status: 429,
                headers: vec![("content-type", "application/json".into())],
                body: br#"{"detail":{"status":"too_many_concurrent_requests","message":"busy"}}"#
                    .to_vec(),
            };
        }
        Reply::Raw {
            status: 200,
            headers: vec![("content-type", "audio/pcm".into())],
            body: pcm_for(&r.text, 24000),
        }
    }));
    let out = check(
        &format!("preset = \"elevenlabs\"\nurl = \"{}/v1/text-to-speech/{{voice}}\"\napi_key_env = \"SVC_KEY\"\nretries = 2", server.base()),
        "21m00Tcm4TlvDq8ikWAM",
        "en",
    );
    assert_ok_at(&out, 24000);
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "the busy answer was retried");
    let r = &requests[1];
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/text-to-speech/21m00Tcm4TlvDq8ikWAM")
    );
    assert_eq!(
        r.query_pairs(),
        vec![("output_format".to_owned(), "pcm_24000".to_owned())]
    );
    assert_eq!(r.header("xi-api-key"), Some(KEY));
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        serde_json::json!({"text": EN_PHRASE, "model_id": "eleven_multilingual_v2", "voice_settings": {"speed": 1.0}})
    );
}

#[test]
fn azure_sends_escaped_ssml_with_its_required_headers() {
    let server = FakeTts::with(Arc::new(|r, _| {
        Reply::Wav(if r.text.is_empty() {
            Shape::Plain16(1)
        } else {
            Shape::Plain16(24000)
        })
    }));
    let out = check(
        &format!(
            "preset = \"azure\"\nurl = \"{}/cognitiveservices/v1\"\napi_key_env = \"SVC_KEY\"",
            server.base()
        ),
        "zh-CN-XiaoxiaoNeural",
        "zh-CN",
    );
    assert_ok_at(&out, 24000);
    let r = only_request(&server);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/cognitiveservices/v1")
    );
    assert_eq!(r.header("ocp-apim-subscription-key"), Some(KEY));
    assert_eq!(r.header("content-type"), Some("application/ssml+xml"));
    assert_eq!(
        r.header("x-microsoft-outputformat"),
        Some("riff-24khz-16bit-mono-pcm")
    );
    assert!(r
        .header("user-agent")
        .is_some_and(|ua| ua.starts_with("bulletin/")));
    assert_eq!(
        String::from_utf8(r.body.clone()).unwrap(),
        format!("<speak version='1.0' xmlns='http://www.w3.org/2001/10/synthesis' xml:lang='zh-CN'><voice name='zh-CN-XiaoxiaoNeural'><prosody rate='1'>{ZH_PHRASE}</prosody></voice></speak>")
    );
}

#[test]
fn google_sends_nested_json_and_reads_base64_audio() {
    let server = FakeTts::with(Arc::new(|r, _| {
        let wav = wav_for(&r.text, Shape::Plain16(24000));
        let body = serde_json::json!({"audioContent": base64::engine::general_purpose::STANDARD.encode(wav)});
        Reply::Raw {
            status: 200,
            headers: vec![("content-type", "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }));
    let out = check(
        &format!(
            "preset = \"google\"\nurl = \"{}/v1/text:synthesize\"\napi_key_env = \"SVC_KEY\"",
            server.base()
        ),
        "cmn-CN-Wavenet-A",
        "cmn-CN",
    );
    assert_ok_at(&out, 24000);
    let r = only_request(&server);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/v1/text:synthesize")
    );
    assert_eq!(r.header("x-goog-api-key"), Some(KEY));
    assert_eq!(
        r.json(),
        serde_json::json!({
            "input": {"text": ZH_PHRASE},
            "voice": {"languageCode": "cmn-CN", "name": "cmn-CN-Wavenet-A"},
            "audioConfig": {"audioEncoding": "LINEAR16", "sampleRateHertz": 24000, "speakingRate": 1.0}
        })
    );
}

#[test]
fn piper_posts_json_and_accepts_wav_labelled_as_html() {
    let server = FakeTts::with(Arc::new(|r, _| Reply::Raw {
        status: 200,
        headers: vec![("content-type", "text/html; charset=utf-8".into())],
        body: wav_for(&r.text, Shape::Plain16(22050)),
    }));
    let out = check(
        &format!("preset = \"piper\"\nurl = \"{}/synthesize\"", server.base()),
        "",
        "en",
    );
    assert_ok_at(&out, 22050);
    let r = only_request(&server);
    assert_eq!(
        (r.method.as_str(), r.path.as_str()),
        ("POST", "/synthesize")
    );
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(r.json(), serde_json::json!({"text": EN_PHRASE}));
}

#[test]
fn opentts_mimic3_and_coqui_use_get_with_query_parameters() {
    for (preset, voice_param) in [
        ("opentts", "voice"),
        ("mimic3", "voice"),
        ("coqui", "speaker_id"),
    ] {
        let server = FakeTts::with(Arc::new(|r, _| {
            Reply::Wav(if r.text.is_empty() {
                Shape::Plain16(1)
            } else {
                Shape::Plain16(22050)
            })
        }));
        let out = check(
            &format!("preset = \"{preset}\"\nurl = \"{}/api/tts\"", server.base()),
            "en_US/vctk_low#p236",
            "en",
        );
        assert_ok_at(&out, 22050);
        let r = only_request(&server);
        assert_eq!(
            (r.method.as_str(), r.path.as_str()),
            ("GET", "/api/tts"),
            "{preset}"
        );
        assert!(r.body.is_empty(), "{preset}");
        let mut pairs = r.query_pairs();
        pairs.sort();
        let mut expected = vec![
            (voice_param.to_owned(), "en_US/vctk_low#p236".to_owned()),
            ("text".to_owned(), EN_PHRASE.to_owned()),
        ];
        expected.sort();
        assert_eq!(pairs, expected, "{preset}");
    }
}

#[test]
fn marytts_posts_a_form() {
    let server = FakeTts::with(Arc::new(|r, _| {
        Reply::Wav(if r.text.is_empty() {
            Shape::Plain16(1)
        } else {
            Shape::Plain16(16000)
        })
    }));
    let out = check(
        &format!("preset = \"marytts\"\nurl = \"{}/process\"", server.base()),
        "cmu-slt-hsmm",
        "en_US",
    );
    assert_ok_at(&out, 16000);
    let r = only_request(&server);
    assert_eq!((r.method.as_str(), r.path.as_str()), ("POST", "/process"));
    assert_eq!(
        r.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let mut pairs = r.form_pairs();
    pairs.sort();
    let mut expected: Vec<(String, String)> = [
        ("AUDIO", "WAVE_FILE"),
        ("INPUT_TEXT", EN_PHRASE),
        ("INPUT_TYPE", "TEXT"),
        ("LOCALE", "en_US"),
        ("OUTPUT_TYPE", "AUDIO"),
        ("VOICE", "cmu-slt-hsmm"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    expected.sort();
    assert_eq!(pairs, expected);
}

#[test]
fn a_200_with_an_html_page_fails_with_the_pages_message() {
    let server = FakeTts::with(Arc::new(|_, _| Reply::Raw {
        status: 200,
        headers: vec![("content-type", "text/html".into())],
        body: b"<html><body><h1>Gateway login required</h1></body></html>".to_vec(),
    }));
    let out = check(
        &format!(
            "preset = \"piper\"\nurl = \"{}/synthesize\"\nretries = 1",
            server.base()
        ),
        "",
        "en",
    );
    assert_eq!(out.code(), 5, "{}", out.stdout());
    assert!(out.stdout().contains("FAIL"), "{}", out.stdout());
    assert!(
        out.stdout().contains("Gateway login required"),
        "{}",
        out.stdout()
    );
    assert_eq!(server.requests().len(), 2, "retried once, then failed");
}

/// Article text that tries to break out of its place in every request shape.
const NASTY: &str = "He said \"stop\" & <b>left</b> {text} ${SVC_KEY} ]]> now.";

#[test]
fn article_text_cannot_break_out_of_any_request_shape() {
    for preset in ["openai", "azure", "marytts", "opentts"] {
        let server = FakeTts::with(Arc::new(|r, _| {
            Reply::Wav(if r.text.is_empty() {
                Shape::Plain16(1)
            } else {
                Shape::Plain16(24000)
            })
        }));
        let ws = Workspace::new();
        let url = match preset {
            "openai" => server.url(),
            "azure" => format!("{}/cognitiveservices/v1", server.base()),
            "marytts" => format!("{}/process", server.base()),
            _ => format!("{}/api/tts", server.base()),
        };
        ws.write(
            "voices.toml",
            format!("[languages]\nen = \"v\"\n[voices.v]\nbackend = \"svc\"\nvoice = \"x\"\n[backends.svc]\npreset = \"{preset}\"\nurl = \"{url}\"\n"),
        );
        ws.write("a.txt", format!("Title line\n\n{NASTY}\nNext line.\n"));
        ws.bulletin()
            .args(["build", "-c", "voices.toml", "-n", "b", "a.txt"])
            .env("SVC_KEY", KEY)
            .output()
            .success();
        let texts: Vec<String> = server.requests().into_iter().map(|r| r.text).collect();
        assert!(
            texts.contains(&format!("{NASTY} Next line.")) || texts.contains(&NASTY.to_owned()),
            "{preset}: {texts:?}"
        );
        assert!(
            texts.iter().all(|t| !t.contains(KEY)),
            "{preset}: a ${{VAR}} in article text is never expanded"
        );
    }
}
