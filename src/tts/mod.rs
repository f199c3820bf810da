//! tts: turn segment text into decoded clips through the configured backends.

mod attempt;
mod backend;
mod cache;
mod command;
mod engine;
mod http;
mod pool;
mod retry;
mod spec;
mod synthesis;
mod template;
mod voices;
mod worker;

pub use attempt::AttemptError;
pub use backend::Backend;
pub use cache::{CacheStats, ClipCache, ClipKey};
pub use engine::{
    plausible_seconds, ClipMeta, Engine, EngineError, SegmentFailure, Synthesized, MIN_SPEECH_LUFS,
    MIN_SPOKEN_SECONDS,
};
pub use http::error_message;
pub use retry::{parse_retry_after, RetryPolicy, RetryState};
pub use spec::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, RedirectPolicy, ResponseSpec, SpeechRequest, Transport, WorkerSpec,
};
pub use synthesis::{synthesize_all, Delivery, Job};
pub use template::{escape_xml, scrub, Secret, Template, TemplateError, Var, Vars};
pub use voices::{VoiceBinding, Voices, VoicesError};
pub use worker::PROTOCOL as WORKER_PROTOCOL;
