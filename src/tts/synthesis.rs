//! tts: the synthesis stage's fan-out: every job (a text for a voice, or a
//! station sound) started at once, each backend capping its own concurrency,
//! results delivered as they finish to the one consumer that owns ordering and
//! output. A permit travels with each delivered clip, so the clips in memory
//! (in flight or waiting for the consumer) stay bounded.

use std::path::PathBuf;
use std::sync::Arc;

use tokio::sync::{mpsc, OwnedSemaphorePermit, Semaphore};

use super::engine::{Engine, SegmentFailure, Synthesized};

/// What to make one clip from.
#[derive(Debug, Clone, PartialEq)]
pub enum Job {
    Speech { voice: String, text: String },
    Sound { path: PathBuf },
}

/// One finished job. Dropping it (once the clip is stored) frees room for
/// another clip.
pub struct Delivery<K> {
    pub key: K,
    pub result: Result<Synthesized, SegmentFailure>,
    pub permit: OwnedSemaphorePermit,
}

/// Starts every job on the current runtime; the receiver yields them as they
/// finish, in any order, and closes after the last. At most `in_memory`
/// clips are being made or waiting to be taken at once.
pub fn synthesize_all<K: Send + 'static>(
    engine: Arc<Engine>,
    jobs: Vec<(K, Job)>,
    in_memory: usize,
) -> mpsc::UnboundedReceiver<Delivery<K>> {
    let (tx, rx) = mpsc::unbounded_channel();
    let room = Arc::new(Semaphore::new(in_memory.max(1)));
    for (key, job) in jobs {
        let (engine, tx, room) = (Arc::clone(&engine), tx.clone(), Arc::clone(&room));
        tokio::spawn(async move {
            let permit = room.acquire_owned().await.expect("never closed");
            let result = match &job {
                Job::Speech { voice, text } => engine.synthesize(voice, text).await,
                Job::Sound { path } => engine.load_sound(path).await,
            };
            // A receiver gone (an interrupted run) has no use for the clip.
            let _ = tx.send(Delivery {
                key,
                result,
                permit,
            });
        });
    }
    rx
}
