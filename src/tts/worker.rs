//! tts: the worker backend, for voices whose model is expensive to load. The
//! program is started once per run (lazily, on its first request; one process
//! per pool member), kept loaded across segments, and spoken to in "bulletin
//! worker protocol 1": JSON lines over its stdin and stdout.
//!
//! ```text
//! worker → {"ready": true, "protocol": 1, ...}              once, when loaded
//! bulletin → {"id": 7, "text": "...", "voice": "...", "lang": "en", "speed": 1.0, "out": "/tmp/…/clip-7.wav"}
//! worker → {"id": 7, "ok": true}                            the WAV is at `out`
//! worker → {"id": 7, "ok": false, "error": "...", "retry": false}
//! ```
//!
//! One request at a time per process; stdout carries protocol lines only, and
//! stderr goes to the log. A worker that dies, hangs past the attempt's time
//! limit, or answers out of turn is a failed attempt (transient) and is killed;
//! the next attempt starts a fresh one. A worker that cannot start or get
//! ready (missing program, missing model) is a fatal failure, remembered for
//! the rest of the run so the voice's fallback takes over at once. Every
//! worker runs in its own process group, which is killed when the backend is
//! dropped: at the end of the run, on an error, a panic or a signal.

use std::collections::VecDeque;
use std::path::Path;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::process::{Child, ChildStdin, ChildStdout, Command};
use tokio::task::JoinHandle;

use crate::audio::{self, Clip};

use super::attempt::AttemptError;
use super::backend::Backend;
use super::budget::AnswerRoom;
use super::spec::{SpeechRequest, WorkerSpec};

/// The protocol version this side speaks; a worker announcing another is refused.
pub const PROTOCOL: u64 = 1;

/// Longest protocol line read from a worker; longer is a broken worker.
const MAX_LINE: u64 = 64 * 1024;

/// Lines of a worker's stderr kept for the message when it fails.
const STDERR_TAIL: usize = 12;

pub struct WorkerBackend {
    name: String,
    spec: WorkerSpec,
    timeout: Duration,
    max_output_bytes: usize,
    members: Vec<tokio::sync::Mutex<Member>>,
    /// The private folder the workers write their clips into.
    dir: Result<tempfile::TempDir, String>,
    next_id: AtomicU64,
    /// Set when a worker could not start or get ready: every later attempt
    /// fails the same way at once, so the run moves to the fallback voice.
    unavailable: Mutex<Option<AttemptError>>,
}

#[derive(Default)]
struct Member {
    worker: Option<Worker>,
    /// Workers started so far, for the log.
    starts: u32,
}

/// One running worker process.
struct Worker {
    child: Child,
    pid: Option<u32>,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    stderr_task: Option<JoinHandle<()>>,
    /// A request was sent and its answer not read (the attempt was dropped
    /// half-way): the stream is out of step and the worker must not be reused.
    in_flight: bool,
}

impl Drop for Worker {
    fn drop(&mut self) {
        // Closing stdin asks it to stop; killing the group makes sure,
        // grandchildren included. The group leader is not yet reaped here, so
        // its id cannot have been reused.
        self.stdin.take();
        if let Some(pid) = self.pid.and_then(|p| i32::try_from(p).ok()) {
            if let Some(pid) = rustix::process::Pid::from_raw(pid) {
                let _ = rustix::process::kill_process_group(pid, rustix::process::Signal::KILL);
            }
        }
        let _ = self.child.start_kill();
        if let Some(task) = self.stderr_task.take() {
            task.abort();
        }
    }
}

/// What became of the worker after an attempt.
enum Fate {
    Keep,
    Discard,
}

impl WorkerBackend {
    pub fn new(
        name: &str,
        spec: WorkerSpec,
        timeout: Duration,
        max_output_bytes: usize,
    ) -> WorkerBackend {
        let dir = tempfile::Builder::new()
            .prefix("bulletin-worker-")
            .tempdir()
            .map_err(|e| format!("could not create a temporary folder for its clips: {e}"));
        let members = (0..spec.pool.get())
            .map(|_| tokio::sync::Mutex::new(Member::default()))
            .collect();
        WorkerBackend {
            name: name.to_owned(),
            spec,
            timeout,
            max_output_bytes,
            members,
            dir,
            next_id: AtomicU64::new(1),
            unavailable: Mutex::new(None),
        }
    }

    /// The process ids of the workers running now (for tests and logs).
    #[cfg(test)]
    async fn pids(&self) -> Vec<u32> {
        let mut pids = Vec::new();
        for m in &self.members {
            if let Some(pid) = m.lock().await.worker.as_ref().and_then(|w| w.pid) {
                pids.push(pid);
            }
        }
        pids
    }

    async fn run(
        &self,
        req: &SpeechRequest,
        room: &mut AnswerRoom<'_>,
    ) -> Result<Clip, AttemptError> {
        if let Some(e) = self.unavailable_error() {
            return Err(e);
        }
        let mut member = self.free_member().await;
        if member.worker.as_ref().is_some_and(|w| w.in_flight) {
            tracing::debug!(backend = %self.name, "discarding a worker left half-way through a request");
            member.worker = None;
        }
        if member.worker.is_none() {
            member.starts += 1;
            match self.start().await {
                Ok(w) => {
                    if member.starts > 1 {
                        tracing::info!(backend = %self.name, pid = w.pid, "worker restarted");
                    }
                    member.worker = Some(w);
                }
                Err(e) => {
                    if !e.transient {
                        *self.unavailable.lock().expect("never poisoned") = Some(e.clone());
                    }
                    return Err(e);
                }
            }
        }
        let worker = member.worker.as_mut().expect("started above");
        let (result, fate) = self.speak(worker, req, room).await;
        if let Fate::Discard = fate {
            member.worker = None;
        }
        result
    }

    fn unavailable_error(&self) -> Option<AttemptError> {
        self.unavailable.lock().expect("never poisoned").clone()
    }

    /// An idle pool member, or (when every one is busy, which the engine's
    /// concurrency cap prevents) the first to become free.
    async fn free_member(&self) -> tokio::sync::MutexGuard<'_, Member> {
        for m in &self.members {
            if let Ok(guard) = m.try_lock() {
                return guard;
            }
        }
        let n = self.members.len();
        let i = (self.next_id.load(Ordering::Relaxed) as usize) % n;
        self.members[i].lock().await
    }

    fn describe(&self) -> String {
        format!(
            "worker `{}` of backend `{}`",
            self.program_name(),
            self.name
        )
    }

    fn program_name(&self) -> String {
        let program = Path::new(&self.spec.program)
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.spec.program.clone());
        match self.spec.args.first() {
            // `python3 worker.py`: the script says more than the interpreter.
            Some(script) if script.ends_with(".py") => {
                let script = Path::new(script)
                    .file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_else(|| script.clone());
                format!("{program} {script}")
            }
            _ => program,
        }
    }

    fn hint(&self) -> String {
        self.spec
            .install_hint
            .as_deref()
            .map(|h| format!("; {h}"))
            .unwrap_or_default()
    }

    /// Starts a worker and waits for its ready line. Failing here is fatal:
    /// a worker that cannot load will not load on the next segment either.
    async fn start(&self) -> Result<Worker, AttemptError> {
        let who = self.describe();
        let mut command = Command::new(&self.spec.program);
        command
            .args(&self.spec.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            // Its own group, so that it (and anything it starts) can be killed
            // as one, and a Ctrl-C at the terminal reaches bulletin only.
            .process_group(0);
        let mut child = command.spawn().map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                AttemptError::fatal(format!(
                    "{who}: program `{}` was not found{}",
                    self.spec.program,
                    self.hint()
                ))
            } else {
                AttemptError::fatal(format!(
                    "{who}: could not start `{}`: {e}{}",
                    self.spec.program,
                    self.hint()
                ))
            }
        })?;
        let pid = child.id();
        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            return Err(AttemptError::fatal(format!(
                "{who}: its pipes were not set up"
            )));
        };
        let tail = Arc::new(Mutex::new(VecDeque::new()));
        let stderr_task = tokio::spawn(log_stderr(
            stderr,
            Arc::clone(&tail),
            self.name.clone(),
            pid.unwrap_or(0),
        ));
        let mut worker = Worker {
            child,
            pid,
            stdin: Some(stdin),
            stdout: BufReader::new(stdout),
            stderr: tail,
            stderr_task: Some(stderr_task),
            in_flight: false,
        };
        let line = match tokio::time::timeout(
            self.spec.start_timeout,
            read_line(&mut worker.stdout),
        )
        .await
        {
            Err(_) => {
                return Err(AttemptError::fatal(format!(
                    "{who} did not say it was ready within {:.1}s{}",
                    self.spec.start_timeout.as_secs_f64(),
                    stderr_detail(&worker.stderr)
                )))
            }
            Ok(Err(e)) => {
                return Err(AttemptError::fatal(format!(
                    "{who}: reading its ready line failed: {e}"
                )))
            }
            Ok(Ok(None)) => {
                let status = exit_status(&mut worker).await;
                return Err(AttemptError::fatal(format!(
                    "{who} {status} before it was ready{}{}",
                    stderr_detail(&worker.stderr),
                    self.hint()
                )));
            }
            Ok(Ok(Some(line))) => line,
        };
        check_ready(&line).map_err(|m| AttemptError::fatal(format!("{who}: {m}")))?;
        tracing::info!(backend = %self.name, pid, "worker ready");
        Ok(worker)
    }

    /// Sends one request and reads its answer.
    async fn speak(
        &self,
        worker: &mut Worker,
        req: &SpeechRequest,
        room: &mut AnswerRoom<'_>,
    ) -> (Result<Clip, AttemptError>, Fate) {
        let who = self.describe();
        let dir = match &self.dir {
            Ok(d) => d.path(),
            Err(e) => return (Err(AttemptError::fatal(format!("{who}: {e}"))), Fate::Keep),
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let out = dir.join(format!("clip-{id}.wav"));
        let _ = std::fs::remove_file(&out);
        let mut line = serde_json::json!({
            "id": id,
            "text": req.text,
            "voice": req.voice,
            "lang": req.lang,
            "speed": req.speed,
            "out": out.to_string_lossy(),
        })
        .to_string();
        line.push('\n');
        worker.in_flight = true;
        let sent = match worker.stdin.as_mut() {
            Some(stdin) => match stdin.write_all(line.as_bytes()).await {
                Ok(()) => stdin.flush().await,
                Err(e) => Err(e),
            },
            None => Err(std::io::Error::other("its stdin is closed")),
        };
        if sent.is_err() {
            // A closed pipe: it has exited; say how.
            return (
                Err(self.died(worker, "before it read the request").await),
                Fate::Discard,
            );
        }
        let answer = match tokio::time::timeout(self.timeout, read_line(&mut worker.stdout)).await
        {
            Err(_) => {
                return (
                    Err(AttemptError::transient(format!(
                        "{who} did not answer within {:.1}s; it was stopped and is restarted for the next attempt{}",
                        self.timeout.as_secs_f64(),
                        stderr_detail(&worker.stderr)
                    ))),
                    Fate::Discard,
                )
            }
            Ok(Err(e)) => {
                return (
                    Err(AttemptError::transient(format!("{who}: {e}; it is restarted"))),
                    Fate::Discard,
                )
            }
            Ok(Ok(None)) => {
                return (Err(self.died(worker, "while speaking").await), Fate::Discard)
            }
            Ok(Ok(Some(answer))) => answer,
        };
        worker.in_flight = false;
        let reply = match parse_reply(&answer, id) {
            Ok(r) => r,
            Err(m) => {
                return (
                    Err(AttemptError::transient(format!(
                        "{who} {m}; it is restarted for the next attempt"
                    ))),
                    Fate::Discard,
                )
            }
        };
        let result = match reply {
            Reply::Ok => self.read_clip(&out, room).await,
            Reply::Failed { error, retry } => {
                let message = format!("{who} could not speak it: {error}");
                Err(if retry {
                    AttemptError::transient(message)
                } else {
                    AttemptError::fatal(message)
                })
            }
        };
        let _ = tokio::fs::remove_file(&out).await;
        (result, Fate::Keep)
    }

    async fn read_clip(&self, out: &Path, room: &mut AnswerRoom<'_>) -> Result<Clip, AttemptError> {
        let who = self.describe();
        let size = tokio::fs::metadata(out)
            .await
            .map(|m| m.len())
            .map_err(|e| {
                AttemptError::transient(format!(
                    "{who} answered ok but wrote no file at {}: {e}",
                    out.display()
                ))
            })?;
        if size > self.max_output_bytes as u64 {
            return Err(AttemptError::transient(format!(
                "{who} wrote more than {} bytes",
                self.max_output_bytes
            )));
        }
        let bytes = tokio::fs::read(out).await.map_err(|e| {
            AttemptError::transient(format!("{who}: cannot read {}: {e}", out.display()))
        })?;
        room.make_room(Some(bytes.len() as u64)).await;
        audio::decode(&bytes).map_err(|e| {
            AttemptError::transient(format!("{who} wrote a file that is not usable audio: {e}"))
        })
    }

    /// The message for a worker that has gone: its exit status and the end of
    /// its stderr.
    async fn died(&self, worker: &mut Worker, when: &str) -> AttemptError {
        let status = exit_status(worker).await;
        if let Some(task) = worker.stderr_task.take() {
            // The pipe closes with the process; what it said last is wanted.
            let _ = tokio::time::timeout(Duration::from_millis(500), task).await;
        }
        AttemptError::transient(format!(
            "{} {status} {when}{}; it is restarted for the next attempt",
            self.describe(),
            stderr_detail(&worker.stderr)
        ))
    }
}

impl Backend for WorkerBackend {
    fn fingerprint(&self, req: &SpeechRequest) -> String {
        let mut parts = vec![
            format!("worker protocol {PROTOCOL}"),
            self.spec.program.clone(),
        ];
        parts.extend(self.spec.args.iter().cloned());
        parts.push(format!("voice: {}", req.voice));
        parts.push(format!("lang: {}", req.lang));
        parts.push(format!("speed: {}", req.speed));
        parts.push(format!("text: {}", req.text));
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

/// One line of the worker's stdout, without its newline; `None` at EOF.
async fn read_line(stdout: &mut BufReader<ChildStdout>) -> Result<Option<String>, String> {
    let mut buf = Vec::new();
    let n = (&mut *stdout)
        .take(MAX_LINE)
        .read_until(b'\n', &mut buf)
        .await
        .map_err(|e| format!("reading its answer failed: {e}"))?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        if n as u64 >= MAX_LINE {
            return Err(format!("sent a line longer than {MAX_LINE} bytes"));
        }
        // EOF in the middle of a line: it died while writing.
        return Ok(None);
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    String::from_utf8(buf)
        .map(Some)
        .map_err(|_| "sent a line that is not UTF-8".to_owned())
}

fn check_ready(line: &str) -> Result<(), String> {
    let shown = shorten(line);
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|_| format!("its first line is not a ready line: `{shown}`"))?;
    let ready = match value.get("ready") {
        Some(serde_json::Value::Bool(b)) => *b,
        Some(serde_json::Value::Number(n)) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    };
    if !ready {
        return Err(format!("its first line is not a ready line: `{shown}`"));
    }
    match value.get("protocol") {
        None => Ok(()),
        Some(p) if p.as_u64() == Some(PROTOCOL) => Ok(()),
        Some(p) => Err(format!(
            "it speaks worker protocol {p}, and bulletin speaks protocol {PROTOCOL}"
        )),
    }
}

#[derive(Debug, PartialEq)]
enum Reply {
    Ok,
    Failed { error: String, retry: bool },
}

/// An answer to request `id`, or what is wrong with it.
fn parse_reply(line: &str, id: u64) -> Result<Reply, String> {
    let shown = shorten(line);
    let value: serde_json::Value = serde_json::from_str(line)
        .map_err(|_| format!("sent a line that is not a protocol answer: `{shown}`"))?;
    let Some(object) = value.as_object() else {
        return Err(format!(
            "sent a line that is not a protocol answer: `{shown}`"
        ));
    };
    if object.get("id").and_then(serde_json::Value::as_u64) != Some(id) {
        return Err(format!(
            "answered out of turn (expected id {id}): `{shown}`"
        ));
    }
    match object.get("ok") {
        Some(serde_json::Value::Bool(true)) => Ok(Reply::Ok),
        Some(serde_json::Value::Bool(false)) => Ok(Reply::Failed {
            error: object
                .get("error")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("no reason given")
                .to_owned(),
            retry: object
                .get("retry")
                .and_then(serde_json::Value::as_bool)
                .unwrap_or(false),
        }),
        _ => Err(format!("sent an answer without `ok`: `{shown}`")),
    }
}

fn shorten(line: &str) -> String {
    const MAX: usize = 200;
    if line.chars().count() <= MAX {
        line.to_owned()
    } else {
        format!("{}…", line.chars().take(MAX).collect::<String>())
    }
}

/// "exited with status 3", "was killed by signal 9", or "stopped answering".
async fn exit_status(worker: &mut Worker) -> String {
    worker.stdin.take();
    match tokio::time::timeout(Duration::from_secs(2), worker.child.wait()).await {
        Ok(Ok(status)) => match status.code() {
            Some(code) => format!("exited with status {code}"),
            None => {
                use std::os::unix::process::ExitStatusExt;
                match status.signal() {
                    Some(sig) => format!("was killed by signal {sig}"),
                    None => "was killed".to_owned(),
                }
            }
        },
        _ => "closed its output".to_owned(),
    }
}

fn stderr_detail(tail: &Mutex<VecDeque<String>>) -> String {
    let tail = tail.lock().expect("never poisoned");
    if tail.is_empty() {
        String::new()
    } else {
        let lines: Vec<&str> = tail.iter().map(String::as_str).collect();
        format!(" (stderr: {})", lines.join(" | "))
    }
}

/// Passes the worker's stderr to the log, keeping its last lines for messages.
async fn log_stderr(
    stderr: tokio::process::ChildStderr,
    tail: Arc<Mutex<VecDeque<String>>>,
    backend: String,
    pid: u32,
) {
    let mut lines = BufReader::new(stderr).lines();
    while let Ok(Some(line)) = lines.next_line().await {
        let line = line.trim_end().to_owned();
        if line.is_empty() {
            continue;
        }
        tracing::debug!(backend = %backend, pid, "worker: {line}");
        let mut tail = tail.lock().expect("never poisoned");
        if tail.len() == STDERR_TAIL {
            tail.pop_front();
        }
        tail.push_back(line);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::num::NonZeroUsize;

    fn fake(args: &[&str], timeout: Duration) -> WorkerBackend {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fake_worker.py");
        let mut all = vec![script.to_string_lossy().into_owned()];
        all.extend(args.iter().map(|a| a.to_string()));
        WorkerBackend::new(
            "fake",
            WorkerSpec {
                program: "python3".into(),
                args: all,
                pool: NonZeroUsize::new(1).unwrap(),
                start_timeout: Duration::from_secs(20),
                install_hint: Some("install it with `make fake`".into()),
            },
            timeout,
            1 << 20,
        )
    }

    impl WorkerBackend {
        /// One request for `text`, with no budget to wait on.
        async fn say(&self, text: &str) -> Result<Clip, AttemptError> {
            self.run(&req(text), &mut AnswerRoom::unbudgeted()).await
        }
    }

    fn req(text: &str) -> SpeechRequest {
        SpeechRequest {
            text: text.into(),
            voice: "v".into(),
            lang: "en".into(),
            speed: 1.0,
        }
    }

    /// Gone, or a zombie waiting to be reaped: either way no longer running.
    fn running(pid: u32) -> bool {
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Err(_) => false,
            Ok(stat) => {
                let state = stat.rsplit(')').next().unwrap_or("").trim_start();
                !state.starts_with('Z') && !state.starts_with('X')
            }
        }
    }

    async fn gone(pid: u32) -> bool {
        for _ in 0..100 {
            if !running(pid) {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        false
    }

    #[tokio::test]
    async fn one_worker_speaks_every_request_and_is_started_lazily() {
        let b = fake(&[], Duration::from_secs(20));
        assert!(
            b.pids().await.is_empty(),
            "nothing runs before the first request"
        );
        let clip = b.say("hello there").await.unwrap();
        assert_eq!(clip.spec().sample_rate, 16000);
        assert!((clip.duration().as_secs_f64() - 0.66).abs() < 0.01);
        let pid = b.pids().await;
        assert_eq!(pid.len(), 1);
        for text in ["second", "third one"] {
            b.say(text).await.unwrap();
        }
        assert_eq!(b.pids().await, pid, "the same process spoke every request");
        let leftovers = std::fs::read_dir(b.dir.as_ref().unwrap().path())
            .unwrap()
            .count();
        assert_eq!(leftovers, 0, "clips are removed once read");
    }

    #[tokio::test]
    async fn refusals_are_fatal_or_transient_as_the_worker_says() {
        let b = fake(&[], Duration::from_secs(20));
        let e = b.say("refuse").await.unwrap_err();
        assert!(!e.transient, "{e}");
        assert_eq!(
            e.message,
            "worker `python3 fake_worker.py` of backend `fake` could not speak it: \
             characters this voice cannot read: 'A'"
        );
        let e = b.say("busy").await.unwrap_err();
        assert!(e.transient && e.message.ends_with("out of memory"), "{e}");
        let pid = b.pids().await;
        b.say("still fine").await.unwrap();
        assert_eq!(b.pids().await, pid, "a refusal does not cost the worker");
    }

    #[tokio::test]
    async fn a_crash_is_a_failed_attempt_and_the_next_attempt_restarts_it() {
        let b = fake(&[], Duration::from_secs(20));
        b.say("warm up").await.unwrap();
        let first = b.pids().await[0];
        let e = b.say("crash").await.unwrap_err();
        assert!(e.transient, "{e}");
        assert!(
            e.message
                .contains("of backend `fake` exited with status 3 while speaking")
                && e.message.contains("segmentation fault (pretend)")
                && e.message.contains("restarted for the next attempt"),
            "{e}"
        );
        assert!(gone(first).await);
        b.say("after the crash").await.unwrap();
        let second = b.pids().await[0];
        assert_ne!(first, second);
    }

    #[tokio::test]
    async fn a_hung_worker_times_out_is_killed_and_replaced() {
        let b = fake(&[], Duration::from_millis(700));
        b.say("warm up").await.unwrap();
        let hung = b.pids().await[0];
        let started = std::time::Instant::now();
        let e = b.say("hang").await.unwrap_err();
        assert!(
            e.transient && e.message.contains("did not answer within 0.7s"),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
        assert!(gone(hung).await, "the hung worker is killed");
        b.say("next one").await.unwrap();
    }

    #[tokio::test]
    async fn malformed_and_out_of_turn_answers_restart_the_worker() {
        let b = fake(&[], Duration::from_secs(20));
        for (text, expect) in [
            (
                "garbage",
                "sent a line that is not a protocol answer: `this is not json`",
            ),
            ("wrong-id", "answered out of turn"),
        ] {
            b.say("warm up").await.unwrap();
            let pid = b.pids().await[0];
            let e = b.say(text).await.unwrap_err();
            assert!(e.transient && e.message.contains(expect), "{text}: {e}");
            assert!(gone(pid).await, "{text}: the worker out of step is killed");
        }
        let e = b.say("no-file").await.unwrap_err();
        assert!(
            e.transient && e.message.contains("answered ok but wrote no file"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn a_worker_that_cannot_get_ready_is_fatal_once_for_the_run() {
        let b = fake(&["--no-ready"], Duration::from_secs(20));
        let e = b.say("hello").await.unwrap_err();
        assert!(!e.transient, "{e}");
        assert!(
            e.message
                .contains("exited with status 2 before it was ready")
                && e.message.contains("cannot load model /nowhere/model.onnx")
                && e.message.contains("install it with `make fake`"),
            "{e}"
        );
        let again = b.say("hello").await.unwrap_err();
        assert_eq!(again, e, "not started again");

        let missing = WorkerBackend::new(
            "gone",
            WorkerSpec {
                program: "/nowhere/bin/python".into(),
                args: vec!["/nowhere/piper_worker.py".into()],
                pool: NonZeroUsize::new(1).unwrap(),
                start_timeout: Duration::from_secs(5),
                install_hint: Some("install it with `scripts/deps.sh`".into()),
            },
            Duration::from_secs(5),
            1 << 20,
        );
        let e = missing.say("hello").await.unwrap_err();
        assert_eq!(
            e.message,
            "worker `python piper_worker.py` of backend `gone`: program `/nowhere/bin/python` \
             was not found; install it with `scripts/deps.sh`"
        );
    }

    #[tokio::test]
    async fn ready_lines_are_checked() {
        let b = fake(&["--protocol", "2"], Duration::from_secs(20));
        let e = b.say("hello").await.unwrap_err();
        assert!(e.message.contains("speaks worker protocol 2"), "{e}");
        let b = fake(&["--noise"], Duration::from_secs(20));
        let e = b.say("hello").await.unwrap_err();
        assert!(
            e.message
                .contains("its first line is not a ready line: `Loading model...`"),
            "{e}"
        );
        let mut b = fake(&["--never-ready"], Duration::from_secs(20));
        b.spec.start_timeout = Duration::from_millis(500);
        let e = b.say("hello").await.unwrap_err();
        assert!(
            e.message.contains("did not say it was ready within 0.5s"),
            "{e}"
        );
    }

    #[tokio::test]
    async fn dropping_the_backend_kills_its_workers_and_their_children() {
        let dir = tempfile::tempdir().unwrap();
        let grandchild = dir.path().join("grandchild");
        let b = fake(
            &["--grandchild", grandchild.to_str().unwrap()],
            Duration::from_secs(20),
        );
        b.say("hello").await.unwrap();
        let worker = b.pids().await[0];
        let sleeper: u32 = std::fs::read_to_string(&grandchild)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(running(worker) && running(sleeper));
        let folder = b.dir.as_ref().unwrap().path().to_owned();
        drop(b);
        assert!(gone(worker).await, "worker {worker} still runs");
        assert!(gone(sleeper).await, "its child {sleeper} still runs");
        assert!(!folder.exists(), "the clip folder is removed");
    }

    #[tokio::test]
    async fn an_abandoned_request_does_not_leave_its_answer_for_the_next() {
        let b = fake(&[], Duration::from_secs(20));
        b.say("warm up").await.unwrap();
        let first = b.pids().await[0];
        // Cancelled half-way (as a signal does): the answer is never read.
        let abandoned = tokio::time::timeout(Duration::from_millis(300), b.say("hang")).await;
        assert!(abandoned.is_err());
        let clip = b.say("the next text").await.unwrap();
        assert!((clip.duration().as_secs_f64() - 0.78).abs() < 0.01);
        assert_ne!(b.pids().await[0], first);
        assert!(gone(first).await);
    }

    #[test]
    fn replies_are_parsed_strictly() {
        assert_eq!(
            parse_reply(r#"{"id":3,"ok":true,"seconds":1.2}"#, 3),
            Ok(Reply::Ok)
        );
        assert_eq!(
            parse_reply(r#"{"id":3,"ok":false,"error":"no","retry":true}"#, 3),
            Ok(Reply::Failed {
                error: "no".into(),
                retry: true
            })
        );
        assert_eq!(
            parse_reply(r#"{"id":3,"ok":false}"#, 3),
            Ok(Reply::Failed {
                error: "no reason given".into(),
                retry: false
            })
        );
        assert!(parse_reply(r#"{"id":4,"ok":true}"#, 3).is_err());
        assert!(parse_reply(r#"{"id":3}"#, 3).is_err());
        assert!(parse_reply(r#"[3, true]"#, 3).is_err());
        assert!(check_ready(r#"{"ready":true,"protocol":1}"#).is_ok());
        assert!(check_ready(r#"{"ready":1}"#).is_ok());
        assert!(check_ready(r#"{"ready":false}"#).is_err());
        assert!(check_ready(r#"{"id":1,"ok":true}"#).is_err());
    }
}
