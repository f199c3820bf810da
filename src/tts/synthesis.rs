//! tts: the synthesis stage's fan-out: every job (a text for a voice, or a
//! station sound) started at once, each backend capping its own concurrency,
//! results delivered as they finish to the one consumer that owns ordering and
//! output. Each delivered clip carries its room in the engine's memory budget,
//! so the audio in memory (being made or waiting for the consumer) stays
//! bounded in bytes.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::mpsc;

use super::engine::{Engine, SegmentFailure, Synthesized};

/// What to make one clip from.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Speech { voice: String, text: String },
    Sound { path: PathBuf },
}

/// One finished job. Dropping its clip (once stored) frees its room for
/// another.
pub struct Delivery<K> {
    pub key: K,
    pub result: Result<Synthesized, SegmentFailure>,
}

/// Starts every job on the current runtime; the receiver yields them as they
/// finish, in any order, and closes after the last. The engine's memory
/// budget bounds the clips being made or waiting to be taken.
pub fn synthesize_all<K: Send + 'static>(
    engine: Arc<Engine>,
    jobs: Vec<(K, Job)>,
) -> mpsc::UnboundedReceiver<Delivery<K>> {
    let (tx, rx) = mpsc::unbounded_channel();
    for (key, job) in jobs {
        let (engine, tx) = (Arc::clone(&engine), tx.clone());
        tokio::spawn(async move {
            let result = match &job {
                Job::Speech { voice, text } => engine.synthesize(voice, text).await,
                Job::Sound { path } => engine.load_sound(path).await,
            };
            // A receiver gone (an interrupted run) has no use for the clip.
            let _ = tx.send(Delivery { key, result });
        });
    }
    rx
}
