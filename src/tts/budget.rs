//! tts: the memory budget. Decoded audio is the one thing whose size grows
//! with the bulletin, so every clip reserves room in a budget of bytes before
//! it is decoded (from the network, the cache or a sound file) and keeps it
//! until the consumer has spooled it to disk. Work waits for room the way
//! requests wait for a backend's concurrency, so the audio alive at once is
//! bounded by the budget whatever the cache state, concurrency or clip sizes.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The budget's unit: room is counted in KiB so that any budget fits the
/// semaphore and one clip's reservation fits a `u32`.
const UNIT: u64 = 1024;

/// A budget of bytes shared by every job of a run.
#[derive(Debug, Clone)]
pub struct MemoryBudget {
    room: Arc<Semaphore>,
    units: u32,
}

/// Room held by one clip; given back when dropped.
#[derive(Debug)]
pub struct Reservation {
    room: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    limit: u32,
}

impl MemoryBudget {
    /// A budget of `bytes` (at least 1 KiB).
    pub fn new(bytes: u64) -> MemoryBudget {
        let units = u32::try_from(bytes.div_ceil(UNIT))
            .unwrap_or(u32::MAX)
            .max(1);
        MemoryBudget {
            room: Arc::new(Semaphore::new(units as usize)),
            units,
        }
    }

    /// A budget of `mib` mebibytes.
    pub fn mib(mib: u32) -> MemoryBudget {
        MemoryBudget::new(u64::from(mib) << 20)
    }

    pub fn bytes(&self) -> u64 {
        u64::from(self.units) * UNIT
    }

    /// An empty reservation, to be grown.
    pub fn none(&self) -> Reservation {
        Reservation {
            room: Arc::clone(&self.room),
            permit: None,
            limit: self.units,
        }
    }

    /// Waits for room for `bytes` (a clip larger than the whole budget gets
    /// the whole budget, and is then alone in memory).
    pub async fn reserve(&self, bytes: u64) -> Reservation {
        let mut reservation = self.none();
        reservation.grow_to(bytes).await;
        reservation
    }
}

impl Reservation {
    /// The bytes held.
    pub fn bytes(&self) -> u64 {
        u64::from(self.units()) * UNIT
    }

    fn units(&self) -> u32 {
        self.permit.as_ref().map_or(0, |p| p.num_permits() as u32)
    }

    /// Holds room for `bytes` in all, waiting if it is not free. Room is never
    /// waited for while other room is held: what this reservation holds is
    /// given back first and the whole amount waited for in turn, so two clips
    /// growing at once cannot each wait on the other's room.
    pub async fn grow_to(&mut self, bytes: u64) {
        let want = units(bytes).min(self.limit);
        let have = self.units();
        if want <= have {
            return;
        }
        let extra = want - have;
        if let Ok(more) = Arc::clone(&self.room).try_acquire_many_owned(extra) {
            self.merge(more);
            return;
        }
        self.permit = None;
        let permit = Arc::clone(&self.room)
            .acquire_many_owned(want)
            .await
            .expect("the budget is never closed");
        self.permit = Some(permit);
    }

    /// Gives back all but `bytes` (the clip came out smaller than reserved).
    pub fn shrink_to(&mut self, bytes: u64) {
        let keep = units(bytes);
        if let Some(permit) = &mut self.permit {
            let have = permit.num_permits() as u32;
            if keep < have {
                drop(permit.split((have - keep) as usize));
            }
        }
    }

    fn merge(&mut self, more: OwnedSemaphorePermit) {
        match &mut self.permit {
            Some(permit) => permit.merge(more),
            None => self.permit = Some(more),
        }
    }
}

/// Where an answer waits for room: once it has begun to come, before its
/// body is read (an HTTP answer: the rest stays in the socket meanwhile) or
/// decoded. A request in flight holds no room, so every permit of a backend
/// can be in use however small the budget, while the audio in memory stays
/// within it.
pub struct AnswerRoom<'r> {
    room: Option<&'r mut Reservation>,
    expected: u64,
}

impl<'r> AnswerRoom<'r> {
    /// Room in `room` for an answer expected to need `expected` bytes
    /// decoded and prepared.
    pub fn new(room: &'r mut Reservation, expected: u64) -> AnswerRoom<'r> {
        AnswerRoom {
            room: Some(room),
            expected,
        }
    }

    /// No budget: answers are read and decoded at once.
    pub fn unbudgeted() -> AnswerRoom<'static> {
        AnswerRoom {
            room: None,
            expected: 0,
        }
    }

    /// Waits for room for an answer of `bytes` (when known): what it was
    /// expected to need, or three times its bytes (the bytes, and 16-bit
    /// samples as 32-bit floats) if that is more. Returns the time waited,
    /// which is the budget's, not the backend's.
    pub async fn make_room(&mut self, bytes: Option<u64>) -> std::time::Duration {
        let started = std::time::Instant::now();
        if let Some(room) = &mut self.room {
            let bytes = bytes.unwrap_or(0).saturating_mul(3);
            room.grow_to(self.expected.max(bytes)).await;
        }
        started.elapsed()
    }
}

fn units(bytes: u64) -> u32 {
    u32::try_from(bytes.div_ceil(UNIT)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn room_is_waited_for_and_given_back() {
        let budget = MemoryBudget::new(10 * 1024);
        let a = budget.reserve(6 * 1024).await;
        assert_eq!(a.bytes(), 6 * 1024);
        let waiting = tokio::spawn({
            let budget = budget.clone();
            async move { budget.reserve(6 * 1024).await }
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(
            !waiting.is_finished(),
            "no room until the first is given back"
        );
        drop(a);
        let b = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(b.bytes(), 6 * 1024);
    }

    #[tokio::test]
    async fn a_clip_larger_than_the_budget_gets_all_of_it() {
        let budget = MemoryBudget::new(4 * 1024);
        let big = budget.reserve(1 << 30).await;
        assert_eq!(big.bytes(), 4 * 1024);
        assert_eq!(budget.room.available_permits(), 0);
    }

    #[tokio::test]
    async fn shrinking_frees_room_for_others() {
        let budget = MemoryBudget::new(8 * 1024);
        let mut a = budget.reserve(8 * 1024).await;
        a.shrink_to(3 * 1024);
        assert_eq!(a.bytes(), 3 * 1024);
        let b = tokio::time::timeout(Duration::from_secs(5), budget.reserve(5 * 1024))
            .await
            .expect("room was given back");
        assert_eq!(b.bytes(), 5 * 1024);
        drop((a, b));
        assert_eq!(budget.room.available_permits(), 8);
    }

    /// Many clips each holding room and each needing more cannot deadlock:
    /// a grower gives back what it holds before it waits.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn growers_do_not_wait_on_each_other() {
        let budget = MemoryBudget::new(16 * 1024);
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let budget = budget.clone();
                tokio::spawn(async move {
                    let mut r = budget.reserve(4 * 1024).await;
                    tokio::task::yield_now().await;
                    r.grow_to(10 * 1024).await;
                    assert_eq!(r.bytes(), 10 * 1024);
                    tokio::time::sleep(Duration::from_millis(1)).await;
                })
            })
            .collect();
        tokio::time::timeout(Duration::from_secs(20), futures::future::join_all(tasks))
            .await
            .expect("no deadlock")
            .into_iter()
            .for_each(|r| r.unwrap());
        assert_eq!(budget.room.available_permits(), 16);
    }
}
