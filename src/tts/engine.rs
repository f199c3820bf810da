//! tts: the synthesis engine. Owns one slot per backend (its implementation,
//! a semaphore capping concurrency, its retry policy) and turns a voice name and
//! a text into a decoded clip, retrying transient failures.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, Semaphore};

use crate::audio::Clip;

use super::attempt::AttemptError;
use super::backend::Backend;
use super::command::CommandBackend;
use super::http::HttpBackend;
use super::retry::RetryPolicy;
use super::spec::{BackendSpec, SpeechRequest, Transport};
use super::template::Secret;

/// A named voice: which backend speaks it and how.
#[derive(Debug, Clone, PartialEq)]
pub struct VoiceBinding {
    pub name: String,
    pub backend: String,
    /// The backend's own voice id.
    pub voice: String,
    pub speed: f32,
    pub lang: String,
}

struct Slot {
    backend: Box<dyn Backend>,
    permits: Arc<Semaphore>,
    retry: RetryPolicy,
    secrets: Vec<Secret>,
}

pub struct Engine {
    slots: BTreeMap<String, Slot>,
    voices: BTreeMap<String, VoiceBinding>,
}

/// A clip and how it was obtained.
#[derive(Debug)]
pub struct Synthesized {
    pub clip: Clip,
    pub voice: String,
    pub backend: String,
    pub attempts: u32,
    pub elapsed: Duration,
}

/// A segment that could not be synthesized, with what a person needs to act.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentFailure {
    pub voice: String,
    pub backend: String,
    pub attempts: u32,
    pub elapsed: Duration,
    pub error: AttemptError,
}

impl fmt::Display for SegmentFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let retries = self.attempts.saturating_sub(1);
        write!(
            f,
            "backend `{}` (voice `{}`) failed after {} {} in {:.1}s: {}",
            self.backend,
            self.voice,
            retries,
            if retries == 1 { "retry" } else { "retries" },
            self.elapsed.as_secs_f64(),
            self.error
        )
    }
}

impl std::error::Error for SegmentFailure {}

/// One unit of work for `synthesize_all`.
#[derive(Debug, Clone)]
pub struct Job {
    pub index: usize,
    pub voice: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
    #[error("voice `{voice}` names backend `{backend}`, which is not configured")]
    UnknownBackend { voice: String, backend: String },
}

impl Engine {
    pub fn new(
        backends: Vec<BackendSpec>,
        voices: Vec<VoiceBinding>,
    ) -> Result<Engine, EngineError> {
        let client = reqwest::Client::builder()
            .user_agent(concat!("bulletin/", env!("CARGO_PKG_VERSION")))
            .use_rustls_tls()
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| EngineError::Client(e.to_string()))?;
        let slots = backends
            .into_iter()
            .map(|spec| {
                let secrets = spec.secrets();
                let backend: Box<dyn Backend> = match spec.transport {
                    Transport::Http(http) => Box::new(HttpBackend::new(
                        client.clone(),
                        http,
                        spec.timeout,
                        spec.max_response_bytes,
                    )),
                    Transport::Command(cmd) => Box::new(CommandBackend::new(
                        cmd,
                        spec.timeout,
                        spec.max_response_bytes,
                    )),
                };
                let slot = Slot {
                    backend,
                    permits: Arc::new(Semaphore::new(spec.concurrency.get())),
                    retry: spec.retry,
                    secrets,
                };
                (spec.name, slot)
            })
            .collect();
        Engine::with_slots(slots, voices)
    }

    fn with_slots(
        slots: BTreeMap<String, Slot>,
        voices: Vec<VoiceBinding>,
    ) -> Result<Engine, EngineError> {
        for v in &voices {
            if !slots.contains_key(&v.backend) {
                return Err(EngineError::UnknownBackend {
                    voice: v.name.clone(),
                    backend: v.backend.clone(),
                });
            }
        }
        let voices = voices.into_iter().map(|v| (v.name.clone(), v)).collect();
        Ok(Engine { slots, voices })
    }

    pub fn voice(&self, name: &str) -> Option<&VoiceBinding> {
        self.voices.get(name)
    }

    /// Speaks `text` with the named voice, retrying transient failures by the
    /// backend's policy. The concurrency permit is held only while a request is
    /// in flight, not while backing off.
    pub async fn synthesize(&self, voice: &str, text: &str) -> Result<Synthesized, SegmentFailure> {
        let started = Instant::now();
        let fail = |backend: &str, attempts, error| SegmentFailure {
            voice: voice.to_owned(),
            backend: backend.to_owned(),
            attempts,
            elapsed: started.elapsed(),
            error,
        };
        let Some(binding) = self.voices.get(voice) else {
            return Err(fail(
                "?",
                0,
                AttemptError::fatal(format!("voice `{voice}` is not configured")),
            ));
        };
        let Some(slot) = self.slots.get(&binding.backend) else {
            return Err(fail(
                &binding.backend,
                0,
                AttemptError::fatal("backend is not configured"),
            ));
        };
        let request = SpeechRequest {
            text: text.to_owned(),
            voice: binding.voice.clone(),
            lang: binding.lang.clone(),
            speed: binding.speed,
        };
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let outcome = {
                let _permit = slot
                    .permits
                    .acquire()
                    .await
                    .expect("semaphore is never closed");
                slot.backend.attempt(&request).await
            };
            let outcome = outcome.and_then(check_plausible);
            match outcome {
                Ok(clip) => {
                    return Ok(Synthesized {
                        clip,
                        voice: voice.to_owned(),
                        backend: binding.backend.clone(),
                        attempts,
                        elapsed: started.elapsed(),
                    })
                }
                Err(mut error) => {
                    error.message = scrub(&error.message, &slot.secrets);
                    if !error.transient || attempts > slot.retry.retries {
                        return Err(fail(&binding.backend, attempts, error));
                    }
                    let delay =
                        slot.retry
                            .delay(attempts - 1, error.retry_after, &mut rand::thread_rng());
                    tracing::warn!(
                        backend = %binding.backend,
                        voice,
                        attempt = attempts,
                        delay_ms = delay.as_millis() as u64,
                        "retrying after: {error}"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// Starts every job at once (each backend's semaphore does the pacing) and
    /// hands results back as they finish; the receiver puts them in order.
    pub fn synthesize_all(
        self: &Arc<Self>,
        jobs: Vec<Job>,
    ) -> mpsc::UnboundedReceiver<(usize, Result<Synthesized, SegmentFailure>)> {
        let (tx, rx) = mpsc::unbounded_channel();
        for job in jobs {
            let engine = Arc::clone(self);
            let tx = tx.clone();
            tokio::spawn(async move {
                let result = engine.synthesize(&job.voice, &job.text).await;
                // The receiver is gone only when the run is being abandoned.
                let _ = tx.send((job.index, result));
            });
        }
        rx
    }
}

/// A clip must contain sound: an empty or silent answer is a failed attempt,
/// never a silent gap in the bulletin.
fn check_plausible(clip: Clip) -> Result<Clip, AttemptError> {
    if clip.is_empty() {
        return Err(AttemptError::transient("backend returned an empty clip"));
    }
    // -80 dBFS: below anything a voice produces, above dithered digital silence.
    if clip.peak() < 1e-4 {
        return Err(AttemptError::transient(format!(
            "backend returned {:.2}s of silence",
            clip.duration().as_secs_f64()
        )));
    }
    Ok(clip)
}

fn scrub(message: &str, secrets: &[Secret]) -> String {
    let mut out = message.to_owned();
    for s in secrets {
        if !s.expose().is_empty() {
            out = out.replace(s.expose(), &format!("${{{}}}", s.name()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::AudioSpec;
    use futures::future::BoxFuture;
    use std::sync::Mutex;

    /// A backend double for the engine's own logic (retries, ordering); the
    /// HTTP path itself is tested against real servers in `tests/`.
    struct Scripted {
        answers: Mutex<Vec<Result<Clip, AttemptError>>>,
        calls: Mutex<u32>,
    }

    impl Backend for Scripted {
        fn attempt<'a>(
            &'a self,
            _: &'a SpeechRequest,
        ) -> BoxFuture<'a, Result<Clip, AttemptError>> {
            *self.calls.lock().unwrap() += 1;
            let next = self.answers.lock().unwrap().remove(0);
            Box::pin(async move { next })
        }
    }

    fn tone() -> Clip {
        let spec = AudioSpec {
            sample_rate: 8000,
            channels: 1,
        };
        Clip::new(
            spec,
            (0..800).map(|i| (i as f32 * 0.3).sin() * 0.5).collect(),
        )
    }

    fn engine(answers: Vec<Result<Clip, AttemptError>>, retries: u32) -> Engine {
        let slot = Slot {
            backend: Box::new(Scripted {
                answers: Mutex::new(answers),
                calls: Mutex::new(0),
            }),
            permits: Arc::new(Semaphore::new(1)),
            retry: RetryPolicy {
                retries,
                ..RetryPolicy::default()
            },
            secrets: vec![Secret::new("KEY", "sk-secret")],
        };
        let voice = VoiceBinding {
            name: "v".into(),
            backend: "b".into(),
            voice: "x".into(),
            speed: 1.0,
            lang: "en".into(),
        };
        Engine::with_slots(BTreeMap::from([("b".to_owned(), slot)]), vec![voice]).unwrap()
    }

    #[tokio::test(start_paused = true)]
    async fn transient_failures_are_retried_after_retry_after() {
        let e = engine(
            vec![
                Err(AttemptError::transient("busy")
                    .with_status(429)
                    .with_retry_after(Some(Duration::from_secs(30)))),
                Ok(tone()),
            ],
            3,
        );
        let started = tokio::time::Instant::now();
        let done = e.synthesize("v", "hi").await.unwrap();
        assert_eq!(done.attempts, 2);
        assert!(
            started.elapsed() >= Duration::from_secs(30),
            "waited only {:?}",
            started.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn fatal_failures_are_not_retried_and_secrets_are_scrubbed() {
        let e = engine(
            vec![
                Err(AttemptError::fatal("key sk-secret rejected").with_status(401)),
                Ok(tone()),
            ],
            3,
        );
        let err = e.synthesize("v", "hi").await.unwrap_err();
        assert_eq!(err.attempts, 1);
        assert_eq!(err.error.message, "key ${KEY} rejected");
        assert!(
            err.to_string()
                .starts_with("backend `b` (voice `v`) failed after 0 retries"),
            "{err}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn retries_run_out_and_silence_is_a_failure() {
        let silent = Clip::new(
            AudioSpec {
                sample_rate: 8000,
                channels: 1,
            },
            vec![0.0; 800],
        );
        let e = engine(vec![Ok(silent.clone()), Ok(silent.clone()), Ok(silent)], 2);
        let err = e.synthesize("v", "hi").await.unwrap_err();
        assert_eq!(err.attempts, 3);
        assert!(err.error.message.contains("silence"), "{err}");
    }

    #[tokio::test(start_paused = true)]
    async fn unknown_voice_is_reported() {
        let e = engine(vec![], 0);
        let err = e.synthesize("nope", "hi").await.unwrap_err();
        assert!(err.error.message.contains("voice `nope` is not configured"));
    }
}
