//! tts: the `Backend` trait, one implementation per way of reaching a voice.

use futures::future::BoxFuture;

use crate::audio::Clip;

use super::attempt::AttemptError;
use super::budget::AnswerRoom;
use super::spec::SpeechRequest;

/// Makes one attempt at turning text into audio. Retries, concurrency limits
/// and ordering are the engine's business, not the backend's.
pub trait Backend: Send + Sync {
    /// The request as it would be sent for `request`, with secrets shown by
    /// name only: the part of the clip cache key that says how it was made.
    fn fingerprint(&self, request: &SpeechRequest) -> String;

    /// One request; its answer waits in `room` before it is read or decoded.
    fn attempt<'a>(
        &'a self,
        request: &'a SpeechRequest,
        room: &'a mut AnswerRoom<'_>,
    ) -> BoxFuture<'a, Result<Clip, AttemptError>>;
}
