//! tts: the synthesis engine. Owns one slot per backend (its implementation,
//! a semaphore capping concurrency, its retry policy) and turns a voice name and
//! a text into a decoded clip, retrying transient failures.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use crate::audio::{self, Clip, PrepareSettings, Prepared};

use super::attempt::AttemptError;
use super::backend::Backend;
use super::budget::{AnswerRoom, MemoryBudget, Reservation};
use super::cache::{ClipCache, ClipKey};
use super::command::CommandBackend;
use super::http::HttpBackend;
use super::retry::{RetryPolicy, RetryState};
use super::spec::{SpeechRequest, Transport};
use super::template::{scrub, Secret};
use super::voices::{VoiceBinding, Voices};
use super::worker::WorkerBackend;

struct Slot {
    backend: Box<dyn Backend>,
    permits: Arc<Semaphore>,
    pacer: Option<Pacer>,
    retry: RetryPolicy,
    secrets: Vec<Secret>,
}

/// Spaces request starts evenly to honour a requests-per-minute cap.
struct Pacer {
    interval: Duration,
    next: std::sync::Mutex<tokio::time::Instant>,
}

impl Pacer {
    fn per_minute(n: std::num::NonZeroU32) -> Pacer {
        Pacer {
            interval: Duration::from_secs(60) / n.get(),
            next: std::sync::Mutex::new(tokio::time::Instant::now()),
        }
    }

    async fn wait(&self) {
        let slot = {
            let mut next = self.next.lock().expect("pacer lock is never poisoned");
            let slot = (*next).max(tokio::time::Instant::now());
            *next = slot + self.interval;
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

pub struct Engine {
    slots: BTreeMap<String, Slot>,
    voices: BTreeMap<String, VoiceBinding>,
    cache: Option<Arc<ClipCache>>,
    prepare: Arc<PrepareSettings>,
    /// `prepare`'s fingerprint: the format of prepared clips in the cache.
    format: String,
    /// Room for decoded audio, reserved before a clip is decoded and held
    /// by the [`Synthesized`] until its consumer drops it.
    budget: MemoryBudget,
    /// Fallbacks already warned about (voice, error): a voice that cannot
    /// run at all (a worker not installed) warns once, not once a segment.
    warned: std::sync::Mutex<std::collections::BTreeSet<(String, String)>>,
}

/// The budget of an engine not given one: ample for any sane clip, bounded
/// nonetheless.
pub const DEFAULT_MEMORY_MIB: u32 = 16;

/// Quieter than this (LUFS, measured on the trimmed clip) is not speech: a
/// backend's hiss, a voice 60 dB down, or a broken gain stage. Real voices at
/// any sane level measure -40 to -10 LUFS.
pub const MIN_SPEECH_LUFS: f64 = -50.0;

/// A clip and how it was obtained.
#[derive(Debug)]
pub struct Synthesized {
    /// The clip prepared for the bulletin (format, trimmed, levelled, faded),
    /// judged to be speech of a plausible length for its text.
    pub clip: Clip,
    pub meta: ClipMeta,
    /// The clip's room in the memory budget, given back when this is dropped.
    pub room: Reservation,
}

/// How a clip was obtained: what the manifest and logs say about it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClipMeta {
    /// The format the backend sent (or the cache held) before preparation.
    pub source_spec: audio::AudioSpec,
    /// The voice that spoke: the one asked for, or its fallback.
    pub voice: String,
    /// That voice's speed, by which the clip's length was judged.
    pub speed: f32,
    pub backend: String,
    /// Requests made (0 when the clip came from the cache).
    pub attempts: u32,
    pub cached: bool,
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

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("could not set up the HTTP client: {0}")]
    Client(String),
}

impl Engine {
    /// An engine for `voices` whose clips come out prepared by `prepare`.
    pub fn new(voices: &Voices, prepare: PrepareSettings) -> Result<Engine, EngineError> {
        // The HTTP backend follows redirects itself, by its own policy.
        let client = super::transfer::client().map_err(EngineError::Client)?;
        let slots = voices
            .backends()
            .iter()
            .cloned()
            .map(|spec| {
                let secrets = spec.secrets();
                let backend: Box<dyn Backend> = match spec.transport {
                    Transport::Http(http) => Box::new(HttpBackend::new(
                        client.clone(),
                        http,
                        spec.timeout,
                        spec.max_response_bytes,
                        secrets.clone(),
                    )),
                    Transport::Command(cmd) => Box::new(CommandBackend::new(
                        cmd,
                        spec.timeout,
                        spec.max_response_bytes,
                    )),
                    Transport::Worker(worker) => Box::new(WorkerBackend::new(
                        &spec.name,
                        worker,
                        spec.timeout,
                        spec.max_response_bytes,
                    )),
                };
                let slot = Slot {
                    backend,
                    permits: Arc::new(Semaphore::new(spec.concurrency.get())),
                    pacer: spec.requests_per_minute.map(Pacer::per_minute),
                    retry: spec.retry,
                    secrets,
                };
                (spec.name, slot)
            })
            .collect();
        Ok(Engine::with_slots(
            slots,
            voices.bindings().cloned().collect(),
            prepare,
        ))
    }

    fn with_slots(
        slots: BTreeMap<String, Slot>,
        voices: Vec<VoiceBinding>,
        prepare: PrepareSettings,
    ) -> Engine {
        let voices = voices.into_iter().map(|v| (v.name.clone(), v)).collect();
        Engine {
            slots,
            voices,
            cache: None,
            budget: MemoryBudget::mib(DEFAULT_MEMORY_MIB),
            warned: Default::default(),
            format: prepare.fingerprint(),
            prepare: Arc::new(prepare),
        }
    }

    /// Bounds the decoded audio alive at once by `budget`.
    pub fn with_budget(mut self, budget: MemoryBudget) -> Engine {
        self.budget = budget;
        self
    }

    /// Serves and stores clips through `cache`.
    pub fn with_cache(mut self, cache: Option<ClipCache>) -> Engine {
        self.cache = cache.map(Arc::new);
        self
    }

    /// The cache this engine serves and stores clips through, to read its
    /// counters once the engine has been handed to the synthesis stage.
    pub fn cache(&self) -> Option<Arc<ClipCache>> {
        self.cache.clone()
    }

    /// The cache key's digest of `text` spoken by `voice` (its own voice, not
    /// a fallback): the same on every machine for the same config and text,
    /// so shard workers agree on a split without talking.
    pub fn clip_digest(&self, voice: &str, text: &str) -> Option<String> {
        let binding = self.voices.get(voice)?;
        let slot = self.slots.get(&binding.backend)?;
        let request = SpeechRequest {
            text: text.to_owned(),
            voice: binding.voice.clone(),
            lang: binding.lang.clone(),
            speed: binding.speed,
        };
        let fingerprint = slot.backend.fingerprint(&request);
        Some(ClipKey::new(&fingerprint, &binding.voice, binding.speed).digest())
    }

    pub fn voice(&self, name: &str) -> Option<&VoiceBinding> {
        self.voices.get(name)
    }

    /// Speaks `text` with the named voice; when its backend is exhausted, with
    /// its fallback voice (and that one's fallback), each voice tried once.
    pub async fn synthesize(&self, voice: &str, text: &str) -> Result<Synthesized, SegmentFailure> {
        let mut tried = vec![voice.to_owned()];
        let mut result = self.synthesize_one(voice, text).await;
        while let Err(failure) = &result {
            let next = self
                .voices
                .get(tried.last().map(String::as_str).unwrap_or(voice))
                .and_then(|v| v.fallback.clone());
            let Some(next) = next.filter(|n| !tried.contains(n)) else {
                break;
            };
            let from = &tried[tried.len() - 1];
            let first = self
                .warned
                .lock()
                .expect("never poisoned")
                .insert((from.clone(), failure.error.message.clone()));
            if first {
                tracing::warn!(voice = %from, fallback = %next, "voice failed; trying its fallback: {failure}");
            } else {
                tracing::debug!(voice = %from, fallback = %next, "voice failed again the same way; trying its fallback");
            }
            let attempts_before = failure.attempts;
            result = self.synthesize_one(&next, text).await.map_err(|mut f| {
                f.error.message = format!(
                    "{} (after voice `{}` failed: {})",
                    f.error.message,
                    tried[tried.len() - 1],
                    failure.error
                );
                f.attempts += attempts_before;
                f
            });
            tried.push(next);
        }
        result
    }

    /// Speaks `text` with one voice, retrying transient failures by its
    /// backend's policy. The concurrency permit is held only while a request is
    /// in flight, not while backing off.
    async fn synthesize_one(&self, voice: &str, text: &str) -> Result<Synthesized, SegmentFailure> {
        let started = Instant::now();
        let fail = |backend: &str, attempts, error| SegmentFailure {
            voice: voice.to_owned(),
            backend: backend.to_owned(),
            attempts,
            elapsed: started.elapsed(),
            error,
        };
        // Voices were resolved to backends when the configuration was read;
        // a name from elsewhere is a caller's mistake, reported, not a panic.
        let (Some(binding), Some(slot)) = (
            self.voices.get(voice),
            self.voices
                .get(voice)
                .and_then(|b| self.slots.get(&b.backend)),
        ) else {
            return Err(fail(
                "?",
                0,
                AttemptError::fatal(format!("voice `{voice}` is not configured")),
            ));
        };
        let request = SpeechRequest {
            text: text.to_owned(),
            voice: binding.voice.clone(),
            lang: binding.lang.clone(),
            speed: binding.speed,
        };
        let fingerprint = self
            .cache
            .as_ref()
            .map(|_| slot.backend.fingerprint(&request));
        let key = fingerprint
            .as_deref()
            .map(|f| ClipKey::new(f, &binding.voice, binding.speed));
        let meta = |source_spec, attempts, cached| ClipMeta {
            source_spec,
            voice: voice.to_owned(),
            speed: binding.speed,
            backend: binding.backend.clone(),
            attempts,
            cached,
            elapsed: started.elapsed(),
        };
        let mut room = self.budget.none();
        if let Some(key) = &key {
            if let Some((clip, spec)) = self.cached(key, text, binding, &mut room).await {
                return Ok(Synthesized {
                    clip,
                    meta: meta(spec, 0, true),
                    room,
                });
            }
            // Room is held only for work under way: a request waiting for its
            // backend's permit must hold none, or the one holding the permit
            // could wait on it for ever.
            room.shrink_to(0);
        }
        let mut retry = RetryState::new(&slot.retry);
        loop {
            let attempt = retry.start();
            let outcome = match self
                .attempt(slot, &request, binding, key.as_ref(), &mut room)
                .await
            {
                Ok(trimmed) => {
                    let spec = trimmed.clip.spec();
                    self.finish(trimmed, key.as_ref(), &mut room)
                        .await
                        .map(|clip| (clip, spec))
                }
                Err(e) => Err(e),
            };
            match outcome {
                Ok((clip, spec)) => {
                    return Ok(Synthesized {
                        clip,
                        meta: meta(spec, attempt, false),
                        room,
                    })
                }
                Err(mut error) => {
                    room.shrink_to(0);
                    error.message = scrub(&error.message, &slot.secrets);
                    let Some(delay) = retry.after(&error, &mut rand::thread_rng()) else {
                        return Err(fail(&binding.backend, attempt, error));
                    };
                    tracing::warn!(
                        backend = %binding.backend,
                        voice,
                        attempt,
                        delay_ms = delay.as_millis() as u64,
                        "retrying after: {error}"
                    );
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }

    /// The clip for `key` from the cache: the prepared entry for this
    /// bulletin's format when there is one (no audio work at all), else the
    /// stored clip judged and prepared again. An entry that fails is removed.
    async fn cached(
        &self,
        key: &ClipKey<'_>,
        text: &str,
        binding: &VoiceBinding,
        room: &mut Reservation,
    ) -> Option<(Clip, audio::AudioSpec)> {
        let cache = self.cache.as_ref()?;
        // Reading an entry holds its bytes, then its samples: room for the
        // clip its text should make, then for the clip it is.
        room.grow_to(self.room_for_text(text, binding.speed)).await;
        if let Some(clip) = cache.get_prepared(key, &self.format).await {
            room.grow_to(clip_bytes(&clip)).await;
            room.shrink_to(clip_bytes(&clip));
            // Judged when it was made; its length is checked again, cheaply.
            let (shortest, longest) = plausible_seconds(text, binding.speed);
            let secs = clip.duration().as_secs_f64();
            if (shortest..=longest).contains(&secs) {
                let spec = clip.spec();
                return Some((clip, spec));
            }
            cache.remove_prepared(key, &self.format).await;
        }
        room.grow_to(self.room_for_text(text, binding.speed)).await;
        let raw = cache.get(key).await?;
        let spec = raw.spec();
        room.grow_to(self.room_to_prepare(&raw)).await;
        let judged = self.trim_and_judge(raw, text, binding.speed).await;
        match judged {
            Ok(trimmed) => self
                .finish(trimmed, Some(key), room)
                .await
                .ok()
                .map(|clip| (clip, spec)),
            Err(e) => {
                tracing::warn!(voice = %binding.name, "discarding a cached clip: {e}");
                cache.remove(key).await;
                None
            }
        }
    }

    /// One request, the clip it brings trimmed, judged and (when fit to air)
    /// cached. The permit is held until the clip is stored, so a run killed
    /// at any moment has at most `concurrency` requests to redo; the rest of
    /// the preparation happens after it is given back. A request in flight
    /// holds no room: its answer waits for room before it is decoded, so a
    /// backend's every permit can be in use whatever the budget (reserving
    /// before the request let a 16 MiB budget keep two 15-second sentences
    /// in flight, whatever the concurrency).
    async fn attempt(
        &self,
        slot: &Slot,
        request: &SpeechRequest,
        binding: &VoiceBinding,
        key: Option<&ClipKey<'_>>,
        room: &mut Reservation,
    ) -> Result<audio::Prepared, AttemptError> {
        let _permit = slot
            .permits
            .acquire()
            .await
            .expect("semaphore is never closed");
        if let Some(pacer) = &slot.pacer {
            pacer.wait().await;
        }
        let expected = self.room_for_text(&request.text, binding.speed);
        let raw = slot
            .backend
            .attempt(request, &mut AnswerRoom::new(room, expected))
            .await?;
        room.grow_to(self.room_to_prepare(&raw)).await;
        let trimmed = self
            .trim_and_judge(raw, &request.text, binding.speed)
            .await?;
        // Only a clip judged fit to air is cached: a bad answer must not
        // outlive the backend's recovery.
        // A full disk or a store gone away must not cost the bulletin: the
        // cache warns, and the next run re-synthesizes.
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.put(key, &trimmed.clip).await;
        }
        Ok(trimmed)
    }

    /// Trims and measures a clip off the async workers (it is CPU work) and
    /// judges what will be aired.
    async fn trim_and_judge(
        &self,
        raw: Clip,
        text: &str,
        speed: f32,
    ) -> Result<audio::Prepared, AttemptError> {
        let settings = Arc::clone(&self.prepare);
        let trimmed = tokio::task::spawn_blocking(move || audio::trim(raw, &settings.trim))
            .await
            .map_err(|e| AttemptError::fatal(format!("preparing the clip failed: {e}")))?;
        judge(trimmed, text, speed)
    }

    /// Brings a judged clip to the bulletin's format and stores the result
    /// as the prepared entry for that format.
    async fn finish(
        &self,
        trimmed: audio::Prepared,
        key: Option<&ClipKey<'_>>,
        room: &mut Reservation,
    ) -> Result<Clip, AttemptError> {
        let settings = Arc::clone(&self.prepare);
        let clip = tokio::task::spawn_blocking(move || audio::finish(trimmed, &settings))
            .await
            .map_err(|e| AttemptError::fatal(format!("preparing the clip failed: {e}")))?;
        room.shrink_to(clip_bytes(&clip));
        if let (Some(cache), Some(key)) = (&self.cache, key) {
            cache.put_prepared(key, &self.format, &clip).await;
        }
        Ok(clip)
    }

    /// A station sound from its file, in any format the decoder reads,
    /// converted to the bulletin's format and faded at its edges; sounds are
    /// mastered, so they are not trimmed or levelled.
    pub async fn load_sound(&self, path: &std::path::Path) -> Result<Synthesized, SegmentFailure> {
        let started = Instant::now();
        let fail = |message: String| SegmentFailure {
            voice: String::new(),
            backend: SOUND_FILE.into(),
            attempts: 1,
            elapsed: started.elapsed(),
            error: AttemptError::fatal(message),
        };
        let size = tokio::fs::metadata(path).await.map_or(0, |m| m.len());
        // The file's bytes, then its samples (twice a 16-bit file's size).
        let mut room = self.budget.reserve(3 * size).await;
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
        let clip = audio::decode(&bytes).map_err(|e| fail(format!("{}: {e}", path.display())))?;
        drop(bytes);
        room.grow_to(self.room_to_prepare(&clip)).await;
        let source_spec = clip.spec();
        let settings = Arc::clone(&self.prepare);
        let clip = tokio::task::spawn_blocking(move || {
            let mut clip = audio::convert(clip, settings.spec);
            audio::fade_edges(&mut clip, settings.fade);
            clip
        })
        .await
        .map_err(|e| fail(format!("{}: converting failed: {e}", path.display())))?;
        room.shrink_to(clip_bytes(&clip));
        Ok(Synthesized {
            clip,
            room,
            meta: ClipMeta {
                source_spec,
                voice: String::new(),
                speed: 1.0,
                backend: SOUND_FILE.into(),
                attempts: 0,
                cached: false,
                elapsed: started.elapsed(),
            },
        })
    }
}

impl Engine {
    /// Room to ask for before a request for `text`: the clip as it comes
    /// (at most the bulletin's rate, decoded) and prepared, at a newsreader's
    /// pace with a margin. A clip that comes out longer asks for more.
    fn room_for_text(&self, text: &str, speed: f32) -> u64 {
        2 * seconds_bytes(newsreader_seconds(text, speed) + 1.0, self.prepare.spec)
    }

    /// Room to prepare `raw`: itself, its trimmed copy or its prepared copy
    /// beside it, whichever is larger.
    fn room_to_prepare(&self, raw: &Clip) -> u64 {
        let prepared = seconds_bytes(raw.duration().as_secs_f64(), self.prepare.spec);
        clip_bytes(raw) + clip_bytes(raw).max(prepared)
    }
}

fn clip_bytes(clip: &Clip) -> u64 {
    std::mem::size_of_val(clip.samples()) as u64
}

fn seconds_bytes(seconds: f64, spec: audio::AudioSpec) -> u64 {
    (seconds.max(0.0)
        * f64::from(spec.sample_rate)
        * f64::from(spec.channels)
        * std::mem::size_of::<f32>() as f64)
        .ceil() as u64
}

/// The backend name a station sound is reported under.
const SOUND_FILE: &str = "sound file";

/// A clip must be speech of a length its text could take, judged on what will
/// actually be aired (after trimming): an empty, silent, hissing, whisper-quiet,
/// truncated or runaway answer is a failed attempt (and retried), never a
/// silent gap or garbage in the bulletin.
fn judge(prepared: Prepared, text: &str, speed: f32) -> Result<Prepared, AttemptError> {
    let Prepared {
        clip,
        speech_lufs,
        peak_dbfs,
        untrimmed,
    } = &prepared;
    if untrimmed.is_zero() {
        return Err(AttemptError::transient("backend returned an empty clip"));
    }
    if clip.is_empty() {
        return Err(AttemptError::transient(format!(
            "backend returned {:.2}s of silence: nothing above the trim floor (peak {})",
            untrimmed.as_secs_f64(),
            dbfs(*peak_dbfs)
        )));
    }
    if *speech_lufs < MIN_SPEECH_LUFS {
        return Err(AttemptError::transient(format!(
            "backend returned no speech: {:.2}s of sound at {} after trimming \
             (speech is at least {MIN_SPEECH_LUFS} LUFS)",
            clip.duration().as_secs_f64(),
            if speech_lufs.is_finite() {
                format!("{speech_lufs:.1} LUFS")
            } else {
                "silence".to_owned()
            }
        )));
    }
    let (shortest, longest) = plausible_seconds(text, speed);
    let secs = clip.duration().as_secs_f64();
    if secs < shortest {
        return Err(AttemptError::transient(format!(
            "clip is {secs:.2}s of sound ({:.2}s with its padding), too short for {} characters \
             (expected at least {shortest:.2}s)",
            untrimmed.as_secs_f64(),
            text.chars().count()
        )));
    }
    if secs > longest {
        return Err(AttemptError::transient(format!(
            "clip is {secs:.1}s, too long for {} characters (expected at most {longest:.1}s)",
            text.chars().count()
        )));
    }
    Ok(prepared)
}

fn dbfs(value: f64) -> String {
    if value.is_finite() {
        format!("{value:.1} dBFS")
    } else {
        "digital silence".to_owned()
    }
}

/// The shortest sound any spoken text takes: a single syllable.
pub const MIN_SPOKEN_SECONDS: f64 = 0.12;

/// Generous bounds on how long `text` can take to say. CJK characters are
/// spoken at 2 to 9 a second, other letters and digits at 5 to 30; the bounds
/// are widened further so that only clearly broken clips fail.
/// How long a newsreader takes over `text`: 5 Chinese characters, or 15
/// other letters and digits, a second.
fn newsreader_seconds(text: &str, speed: f32) -> f64 {
    let syllable = crate::text::is_syllable_char;
    let cjk = text.chars().filter(|&c| syllable(c)).count() as f64;
    let other = text
        .chars()
        .filter(|&c| c.is_alphanumeric() && !syllable(c))
        .count() as f64;
    (cjk / 5.0 + other / 15.0) / f64::from(speed.max(0.1))
}

pub fn plausible_seconds(text: &str, speed: f32) -> (f64, f64) {
    let syllable = crate::text::is_syllable_char;
    let cjk = text.chars().filter(|&c| syllable(c)).count() as f64;
    let other = text
        .chars()
        .filter(|&c| c.is_alphanumeric() && !syllable(c))
        .count() as f64;
    let speed = f64::from(speed.max(0.1));
    let shortest = ((cjk / 9.0 + other / 30.0) / speed * 0.5 - 0.2).max(MIN_SPOKEN_SECONDS);
    let longest = (cjk / 2.0 + other / 5.0) / speed * 2.0 + 3.0;
    (shortest, longest)
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
        fn fingerprint(&self, request: &SpeechRequest) -> String {
            request.text.clone()
        }

        fn attempt<'a>(
            &'a self,
            _: &'a SpeechRequest,
            _: &'a mut AnswerRoom<'_>,
        ) -> BoxFuture<'a, Result<Clip, AttemptError>> {
            *self.calls.lock().unwrap() += 1;
            let next = self.answers.lock().unwrap().remove(0);
            Box::pin(async move { next })
        }
    }

    const SPEC: AudioSpec = AudioSpec {
        sample_rate: 8000,
        channels: 1,
    };

    fn settings() -> PrepareSettings {
        PrepareSettings::new(SPEC)
    }

    /// Half a second of a tone at -6 dBFS: plausible for a short text.
    fn tone() -> Clip {
        Clip::new(
            SPEC,
            (0..4000).map(|i| (i as f32 * 0.3).sin() * 0.5).collect(),
        )
    }

    /// `tone()` scaled by `db`, between `pad` seconds of silence on each side.
    fn shaped(db: f32, sound_secs: f32, pad_secs: f32, dc: f32) -> Clip {
        let gain = 10f32.powf(db / 20.0);
        let pad = (pad_secs * 8000.0) as usize;
        let sound = (sound_secs * 8000.0) as usize;
        let mut samples = vec![0.0; pad];
        samples.extend((0..sound).map(|i| (i as f32 * 0.3).sin() * 0.5 * gain));
        samples.extend(std::iter::repeat_n(0.0, pad));
        Clip::new(SPEC, samples.into_iter().map(|s| s + dc).collect())
    }

    fn slot(answers: Vec<Result<Clip, AttemptError>>, retries: u32, pacer: Option<Pacer>) -> Slot {
        Slot {
            backend: Box::new(Scripted {
                answers: Mutex::new(answers),
                calls: Mutex::new(0),
            }),
            permits: Arc::new(Semaphore::new(4)),
            pacer,
            retry: RetryPolicy {
                retries,
                ..RetryPolicy::default()
            },
            secrets: vec![Secret::new("KEY", "sk-secret")],
        }
    }

    fn binding(name: &str, backend: &str, fallback: Option<&str>) -> VoiceBinding {
        VoiceBinding {
            name: name.into(),
            backend: backend.into(),
            voice: "x".into(),
            speed: 1.0,
            lang: "en".into(),
            fallback: fallback.map(str::to_owned),
        }
    }

    fn engine(answers: Vec<Result<Clip, AttemptError>>, retries: u32) -> Engine {
        let slots = BTreeMap::from([("b".to_owned(), slot(answers, retries, None))]);
        Engine::with_slots(slots, vec![binding("v", "b", None)], settings())
    }

    #[tokio::test(start_paused = true)]
    async fn an_exhausted_voice_hands_over_to_its_fallback() {
        let slots = BTreeMap::from([
            (
                "dead".to_owned(),
                slot(vec![Err(AttemptError::fatal("down")); 2], 0, None),
            ),
            ("live".to_owned(), slot(vec![Ok(tone())], 0, None)),
        ]);
        let voices = vec![
            binding("main", "dead", Some("backup")),
            binding("backup", "live", Some("main")),
        ];
        let e = Engine::with_slots(slots, voices, settings());
        let done = e.synthesize("main", "hi").await.unwrap();
        assert_eq!(
            (done.meta.voice.as_str(), done.meta.backend.as_str()),
            ("backup", "live")
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_fallback_chain_reports_both_and_does_not_loop() {
        let slots = BTreeMap::from([
            (
                "a".to_owned(),
                slot(vec![Err(AttemptError::fatal("a is down")); 3], 0, None),
            ),
            (
                "b".to_owned(),
                slot(vec![Err(AttemptError::fatal("b is down")); 3], 0, None),
            ),
        ]);
        let voices = vec![
            binding("one", "a", Some("two")),
            binding("two", "b", Some("one")),
        ];
        let e = Engine::with_slots(slots, voices, settings());
        let err = e.synthesize("one", "hi").await.unwrap_err();
        assert_eq!(
            (err.voice.as_str(), err.backend.as_str(), err.attempts),
            ("two", "b", 2)
        );
        assert!(
            err.error.message.contains("b is down") && err.error.message.contains("a is down"),
            "{err}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn requests_per_minute_spaces_request_starts() {
        let pacer = Pacer::per_minute(std::num::NonZeroU32::new(30).unwrap());
        let slots = BTreeMap::from([(
            "b".to_owned(),
            slot(vec![Ok(tone()), Ok(tone()), Ok(tone())], 0, Some(pacer)),
        )]);
        let e = Engine::with_slots(slots, vec![binding("v", "b", None)], settings());
        let started = tokio::time::Instant::now();
        let (a, b, c) = tokio::join!(
            e.synthesize("v", "hi"),
            e.synthesize("v", "hi"),
            e.synthesize("v", "hi")
        );
        assert!(a.is_ok() && b.is_ok() && c.is_ok());
        // 30 a minute: starts at 0 s, 2 s and 4 s.
        assert_eq!(started.elapsed(), Duration::from_secs(4));
    }

    fn judged(clip: Clip, text: &str) -> Result<Prepared, AttemptError> {
        judge(audio::trim(clip, &settings().trim), text, 1.0)
    }

    #[test]
    fn implausible_lengths_are_caught_after_trimming() {
        let long_text = "这是一个很长的句子,一共有二十多个汉字,读出来至少需要两三秒钟。";
        let blip = shaped(0.0, 0.1, 0.0, 0.0);
        let err = judged(blip, long_text).unwrap_err();
        assert!(err.transient && err.message.contains("too short"), "{err}");
        // 0.4 s of sound padded with 3 s of silence is still 0.4 s of sound.
        let padded = shaped(0.0, 0.4, 3.0, 0.0);
        let err = judged(padded, long_text).unwrap_err();
        assert!(err.message.contains("too short"), "{err}");
        let runaway = shaped(0.0, 120.0, 0.0, 0.0);
        assert!(judged(runaway, "Hi.")
            .unwrap_err()
            .message
            .contains("too long"));
        let fine = shaped(0.0, 6.0, 0.2, 0.0);
        assert!(judged(fine, long_text).is_ok());
    }

    #[test]
    fn quiet_hiss_and_offsets_are_not_speech() {
        let text = "A sentence of a few words.";
        for (what, clip) in [
            ("speech 62 dB down", shaped(-62.0, 2.0, 0.3, 0.0)),
            (
                "speech 45 dB down, above the trim floor",
                shaped(-45.0, 2.0, 0.3, 0.0),
            ),
            ("a DC level alone", Clip::new(SPEC, vec![0.4; 16000])),
            ("digital silence", Clip::new(SPEC, vec![0.0; 16000])),
        ] {
            let err = judged(clip, text).unwrap_err();
            assert!(err.transient, "{what}: {err}");
            assert!(
                err.message.contains("silence") || err.message.contains("no speech"),
                "{what}: {err}"
            );
        }
        let hiss: Vec<f32> = (0..16000u32)
            .map(|i| (((i.wrapping_mul(2654435761) >> 8) & 0xffff) as f32 / 32768.0 - 1.0) * 0.0005)
            .collect();
        assert!(
            judged(Clip::new(SPEC, hiss), text).is_err(),
            "-66 dBFS noise"
        );
        assert!(
            judged(shaped(-6.0, 2.0, 0.3, 0.1), text).is_ok(),
            "speech with an offset"
        );
        assert!(judged(Clip::new(SPEC, vec![]), text)
            .unwrap_err()
            .message
            .contains("empty"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejected_clip_is_never_cached_and_a_recovered_backend_is_used() {
        let dir = tempfile::tempdir().unwrap();
        let quiet = shaped(-65.0, 2.0, 0.2, 0.0);
        let slots = BTreeMap::from([(
            "b".to_owned(),
            slot(vec![Ok(quiet.clone()), Ok(quiet)], 1, None),
        )]);
        let e = Engine::with_slots(slots, vec![binding("v", "b", None)], settings())
            .with_cache(Some(ClipCache::new(dir.path())));
        let err = e.synthesize("v", "Hello there.").await.unwrap_err();
        assert_eq!(err.attempts, 2);
        assert_eq!(
            e.cache.as_ref().unwrap().stats().await.unwrap()[0].1.clips,
            0
        );
        let slots = BTreeMap::from([("b".to_owned(), slot(vec![Ok(tone())], 1, None))]);
        let e = Engine::with_slots(slots, vec![binding("v", "b", None)], settings())
            .with_cache(Some(ClipCache::new(dir.path())));
        let done = e.synthesize("v", "Hello there.").await.unwrap();
        assert!(!done.meta.cached && done.clip.duration().as_secs_f64() > 0.4);
        assert_eq!(
            e.cache.as_ref().unwrap().stats().await.unwrap()[0].1.clips,
            1
        );
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
        assert_eq!(done.meta.attempts, 2);
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
        let silent = Clip::new(SPEC, vec![0.0; 800]);
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
