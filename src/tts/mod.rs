//! tts: turn segment text into decoded clips through the configured backends.

mod attempt;
mod backend;
mod cache;
mod command;
mod engine;
mod http;
mod location;
mod pool;
mod retry;
mod s3;
mod spec;
mod store;
mod synthesis;
mod template;
mod voices;

pub use attempt::AttemptError;
pub use backend::Backend;
pub use cache::{CacheStats, ClipCache, ClipKey, Pruned};
pub use engine::{
    plausible_seconds, ClipMeta, Engine, EngineError, SegmentFailure, Synthesized, MIN_SPEECH_LUFS,
    MIN_SPOKEN_SECONDS,
};
pub use http::error_message;
pub use location::{CacheSettings, CacheStore};
pub use retry::{parse_retry_after, RetryPolicy, RetryState};
pub use s3::{S3Settings, S3Store, S3_RETRIES, S3_RETRY_WITHIN};
pub use spec::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, RedirectPolicy, ResponseSpec, SpeechRequest, Transport,
};
pub use store::{Entry, LocalStore, Object, Store, StoreError};
pub use synthesis::{synthesize_all, Delivery, Job};
pub use template::{escape_xml, scrub, Secret, Template, TemplateError, Var, Vars};
pub use voices::{VoiceBinding, Voices, VoicesError};
