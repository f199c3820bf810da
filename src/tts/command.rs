//! tts: the local-program backend. Runs a program such as `espeak-ng` once per
//! segment, with the text on stdin or in an argument, and reads WAV from its
//! stdout or from a temporary file.

use std::process::Stdio;
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

use crate::audio::{self, Clip};

use super::attempt::AttemptError;
use super::backend::Backend;
use super::budget::AnswerRoom;
use super::spec::{CommandInput, CommandOutput, CommandSpec, SpeechRequest};
use super::template::Vars;

pub struct CommandBackend {
    spec: CommandSpec,
    timeout: Duration,
    max_output_bytes: usize,
}

impl CommandBackend {
    pub fn new(spec: CommandSpec, timeout: Duration, max_output_bytes: usize) -> CommandBackend {
        CommandBackend {
            spec,
            timeout,
            max_output_bytes,
        }
    }

    async fn run(
        &self,
        req: &SpeechRequest,
        room: &mut AnswerRoom<'_>,
    ) -> Result<Clip, AttemptError> {
        let out_file = match self.spec.output {
            CommandOutput::File => Some(
                tempfile::Builder::new()
                    .prefix("bulletin-clip-")
                    .suffix(".wav")
                    .tempfile()
                    .map_err(|e| {
                        AttemptError::fatal(format!("could not create a temporary file: {e}"))
                    })?,
            ),
            CommandOutput::Stdout => None,
        };
        let out_path = out_file
            .as_ref()
            .map(|f| f.path().to_string_lossy().into_owned())
            .unwrap_or_default();
        let vars = Vars {
            text: &req.text,
            voice: &req.voice,
            lang: &req.lang,
            speed: req.speed,
            out: &out_path,
        };
        let args: Vec<String> = self.spec.args.iter().map(|a| a.render(&vars)).collect();

        let mut command = Command::new(&self.spec.program);
        command
            .args(&args)
            .stdin(if self.spec.input == CommandInput::Stdin {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        let mut child = command.spawn().map_err(|e| self.spawn_error(e))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A newline ends the utterance for programs that read line by line.
            let text = format!("{}\n", req.text);
            // A program that exits without reading its input is judged by its exit status below.
            let _ = stdin.write_all(text.as_bytes()).await;
            drop(stdin);
        }
        let output = match tokio::time::timeout(self.timeout, child.wait_with_output()).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => {
                return Err(AttemptError::transient(format!(
                    "`{}` failed to run: {e}",
                    self.spec.program
                )))
            }
            Err(_) => {
                return Err(AttemptError::transient(format!(
                    "`{}` did not finish within {:.1}s",
                    self.spec.program,
                    self.timeout.as_secs_f64()
                )))
            }
        };
        let stderr = String::from_utf8_lossy(&output.stderr);
        let stderr = stderr.trim();
        if !output.status.success() {
            let how = match output.status.code() {
                Some(code) => format!("exited with status {code}"),
                None => "was killed by a signal".to_owned(),
            };
            let detail = if stderr.is_empty() {
                String::new()
            } else {
                format!(": {stderr}")
            };
            let message = format!("`{}` {how}{detail}", self.spec.program);
            // A crash may be passing; a refusal (bad voice, bad option) will not change on retry.
            return Err(if output.status.code().is_none() {
                AttemptError::transient(message)
            } else {
                AttemptError::fatal(message)
            });
        }
        let bytes = match &out_file {
            Some(file) => tokio::fs::read(file.path()).await.map_err(|e| {
                AttemptError::fatal(format!("`{}` wrote no output file: {e}", self.spec.program))
            })?,
            None => output.stdout,
        };
        if bytes.len() > self.max_output_bytes {
            return Err(AttemptError::transient(format!(
                "`{}` produced more than {} bytes",
                self.spec.program, self.max_output_bytes
            )));
        }
        room.make_room(Some(bytes.len() as u64)).await;
        audio::decode(&bytes).map_err(|e| {
            let detail = if stderr.is_empty() {
                String::new()
            } else {
                format!(" (stderr: {stderr})")
            };
            AttemptError::transient(format!(
                "`{}` output is not usable audio: {e}{detail}",
                self.spec.program
            ))
        })
    }

    fn spawn_error(&self, e: std::io::Error) -> AttemptError {
        if e.kind() == std::io::ErrorKind::NotFound {
            let hint = self
                .spec
                .install_hint
                .as_deref()
                .map(|h| format!("; {h}"))
                .unwrap_or_default();
            AttemptError::fatal(format!(
                "program `{}` was not found on PATH{hint}",
                self.spec.program
            ))
        } else {
            AttemptError::fatal(format!("could not start `{}`: {e}", self.spec.program))
        }
    }
}

impl Backend for CommandBackend {
    fn fingerprint(&self, req: &SpeechRequest) -> String {
        let vars = Vars {
            text: &req.text,
            voice: &req.voice,
            lang: &req.lang,
            speed: req.speed,
            out: "{out}",
        };
        let mut parts = vec![self.spec.program.clone()];
        parts.extend(self.spec.args.iter().map(|a| a.render_redacted(&vars)));
        if self.spec.input == CommandInput::Stdin {
            parts.push(format!("stdin: {}", req.text));
        }
        parts.join("\n")
    }

    fn attempt<'a>(
        &'a self,
        request: &'a SpeechRequest,
        room: &'a mut AnswerRoom<'_>,
    ) -> BoxFuture<'a, Result<Clip, AttemptError>> {
        Box::pin(self.run(request, room))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::template::Template;

    fn no_env(_: &str) -> Option<String> {
        None
    }

    fn spec(
        program: &str,
        args: &[&str],
        input: CommandInput,
        output: CommandOutput,
    ) -> CommandSpec {
        CommandSpec {
            program: program.into(),
            args: args
                .iter()
                .map(|a| Template::parse(a, &no_env).unwrap())
                .collect(),
            input,
            output,
            install_hint: Some("install it with `apt-get install thing`".into()),
        }
    }

    impl CommandBackend {
        /// One request for "hello", with no budget to wait on.
        async fn say(&self) -> Result<Clip, AttemptError> {
            self.run(&req(), &mut AnswerRoom::unbudgeted()).await
        }
    }

    fn req() -> SpeechRequest {
        SpeechRequest {
            text: "hello".into(),
            voice: "v".into(),
            lang: "en".into(),
            speed: 1.0,
        }
    }

    #[tokio::test]
    async fn missing_program_says_how_to_install() {
        let b = CommandBackend::new(
            spec(
                "bulletin-no-such-program",
                &[],
                CommandInput::Stdin,
                CommandOutput::Stdout,
            ),
            Duration::from_secs(5),
            1 << 20,
        );
        let err = b.say().await.unwrap_err();
        assert!(!err.transient);
        assert!(
            err.message
                .contains("bulletin-no-such-program` was not found"),
            "{err}"
        );
        assert!(err.message.contains("apt-get install thing"), "{err}");
    }

    #[tokio::test]
    async fn stderr_is_captured_into_the_error() {
        let b = CommandBackend::new(
            spec(
                "sh",
                &["-c", "echo 'voice {voice} unknown' >&2; exit 3"],
                CommandInput::Argument,
                CommandOutput::Stdout,
            ),
            Duration::from_secs(5),
            1 << 20,
        );
        let err = b.say().await.unwrap_err();
        assert_eq!(err.message, "`sh` exited with status 3: voice v unknown");
    }

    #[tokio::test]
    async fn a_hung_program_is_killed_at_the_timeout() {
        let b = CommandBackend::new(
            spec(
                "sleep",
                &["30"],
                CommandInput::Argument,
                CommandOutput::Stdout,
            ),
            Duration::from_millis(200),
            1 << 20,
        );
        let started = std::time::Instant::now();
        let err = b.say().await.unwrap_err();
        assert!(err.transient);
        assert!(err.message.contains("did not finish within 0.2s"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[tokio::test]
    async fn text_output_is_not_audio() {
        let b = CommandBackend::new(
            spec(
                "echo",
                &["{text}"],
                CommandInput::Argument,
                CommandOutput::Stdout,
            ),
            Duration::from_secs(5),
            1 << 20,
        );
        let err = b.say().await.unwrap_err();
        assert!(err.message.contains("not usable audio"), "{err}");
    }
}
