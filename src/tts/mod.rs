//! tts: turn segment text into decoded clips through the configured backends.
//! `transfer` is the HTTP plumbing the input fetcher (`crate::fetch`) shares.

mod attempt;
mod backend;
mod budget;
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
mod transfer;
mod voices;
mod worker;

pub use attempt::AttemptError;
pub use backend::Backend;
pub use budget::{AnswerRoom, MemoryBudget, Reservation};
pub use cache::{CacheStats, ClipCache, ClipKey, Pruned};
pub use engine::{
    plausible_seconds, ClipMeta, Engine, EngineError, SegmentFailure, Synthesized,
    DEFAULT_MEMORY_MIB, MIN_SPEECH_LUFS, MIN_SPOKEN_SECONDS,
};
pub use http::error_message;
pub use location::{CacheSettings, CacheStore};
pub use retry::{parse_retry_after, RetryPolicy, RetryState};
pub use s3::{S3Settings, S3Store, S3_RETRIES, S3_RETRY_WITHIN};
pub use spec::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, RedirectPolicy, ResponseSpec, SpeechRequest, Transport, WorkerSpec,
};
pub use store::{Entry, LocalStore, Object, Store, StoreError};
pub use synthesis::{synthesize_all, Delivery, Job};
pub use template::{escape_xml, scrub, Secret, Template, TemplateError, Var, Vars};
pub use transfer::{
    client, read_limited, source_chain, transport_error, BodyError, MAX_REDIRECTS, USER_AGENT,
};
pub use voices::{VoiceBinding, Voices, VoicesError};
pub use worker::PROTOCOL as WORKER_PROTOCOL;
