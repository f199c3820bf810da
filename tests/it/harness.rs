//! A small fluent helper: a temporary workspace, a config, a run of the
//! binary, and assertions on its outcome.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub struct Workspace {
    pub dir: tempfile::TempDir,
}

impl Workspace {
    pub fn new() -> Workspace {
        Workspace {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    pub fn write(&self, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, content).unwrap();
        path
    }

    /// A `bulletin` command run inside the workspace.
    pub fn bulletin(&self) -> Run {
        let mut command = Command::new(env!("CARGO_BIN_EXE_bulletin"));
        // Each workspace has its own clip cache: runs never see each other's clips.
        command
            .current_dir(self.dir.path())
            .stdin(Stdio::null())
            .env_remove("BULLETIN_LOG")
            .env("BULLETIN_CACHE_DIR", self.dir.path().join("cache"));
        Run { command }
    }

    /// Names of the files in `rel`, sorted.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let mut names: Vec<String> = match std::fs::read_dir(self.path(rel)) {
            Ok(entries) => entries
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect(),
            Err(_) => Vec::new(),
        };
        names.sort();
        names
    }
}

pub struct Run {
    command: Command,
}

impl Run {
    pub fn args<I, S>(mut self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn arg_path(mut self, path: &Path) -> Run {
        self.command.arg(path);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Run {
        self.command.env(key, value);
        self
    }

    /// Starts the run in the background.
    pub fn spawn(mut self) -> std::process::Child {
        self.command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    pub fn output(mut self) -> Outcome {
        let output = self.command.output().unwrap();
        Outcome { output }
    }
}

pub struct Outcome {
    pub output: Output,
}

impl Outcome {
    pub fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }

    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }

    #[track_caller]
    pub fn success(self) -> Outcome {
        assert_eq!(
            self.code(),
            0,
            "expected success\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    #[track_caller]
    pub fn fails_with(self, code: i32) -> Outcome {
        assert_eq!(
            self.code(),
            code,
            "wrong exit code\nstdout:\n{}\nstderr:\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    #[track_caller]
    pub fn stderr_has(self, needle: &str) -> Outcome {
        assert!(
            self.stderr().contains(needle),
            "stderr lacks {needle:?}:\n{}",
            self.stderr()
        );
        self
    }
}

/// The repository's `examples/` folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// Config pointing both languages at an OpenAI-compatible server.
pub fn openai_config(url: &str, extra: &str) -> String {
    format!(
        r#"
[bulletin]
sample_rate = 48000
{extra}

[bulletin.pauses]
after_title = 700
sentence = 250
paragraph = 600
article = 1500

[languages]
zh = "zh"
en = {{ title = "anchor", body = "en", attribution = "anchor" }}

[voices.zh]
backend = "fake"
voice = "zf_xiaobei"

[voices.en]
backend = "fake"
voice = "af_heart"

[voices.anchor]
backend = "fake"
voice = "am_adam"
speed = 1.1

[backends.fake]
preset = "openai"
url = "{url}"
api_key_env = "FAKE_TTS_KEY"
concurrency = 3
retries = 1
[backends.fake.body]
model = "kokoro"
"#
    )
}

/// A 16-bit WAV read back with hound: (sample rate, channels, samples as f32).
pub fn read_wav(path: &Path) -> (u32, u16, Vec<f32>) {
    let reader = hound::WavReader::open(path).unwrap();
    let spec = reader.spec();
    assert_eq!(spec.bits_per_sample, 16);
    let samples = reader
        .into_samples::<i16>()
        .map(|s| s.unwrap() as f32 / 32768.0)
        .collect();
    (spec.sample_rate, spec.channels, samples)
}
