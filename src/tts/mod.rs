//! tts: turn segment text into decoded clips through the configured backends.
//! `transfer` is the HTTP plumbing the input fetcher (`crate::fetch`) shares.

mod attempt;
mod backend;
mod budget;
mod cache;
mod command;
mod engine;
mod http;
mod pool;
mod retry;
mod spec;
mod synthesis;
mod template;
mod transfer;
mod voices;

pub use attempt::AttemptError;
pub use backend::Backend;
pub use budget::{MemoryBudget, Reservation};
pub use cache::{CacheStats, ClipCache, ClipKey};
pub use engine::{
    plausible_seconds, ClipMeta, Engine, EngineError, SegmentFailure, Synthesized,
    DEFAULT_MEMORY_MIB, MIN_SPEECH_LUFS, MIN_SPOKEN_SECONDS,
};
pub use http::error_message;
pub use retry::{parse_retry_after, RetryPolicy, RetryState};
pub use spec::{
    AudioFormat, BackendSpec, BodySpec, CommandInput, CommandOutput, CommandSpec, HttpSpec,
    JsonTemplate, RedirectPolicy, ResponseSpec, SpeechRequest, Transport,
};
pub use synthesis::{synthesize_all, Delivery, Job};
pub use template::{escape_xml, scrub, Secret, Template, TemplateError, Var, Vars};
pub use transfer::{
    client, read_limited, source_chain, transport_error, BodyError, MAX_REDIRECTS, USER_AGENT,
};
pub use voices::{VoiceBinding, Voices, VoicesError};
