//! tts: a pool of endpoint URLs for one backend, spread round-robin; a URL
//! that keeps failing is left alone for a cool-down so requests go elsewhere.

use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Failures in a row after which a URL cools down.
const FAILURES_BEFORE_COOLDOWN: u32 = 2;

#[derive(Debug)]
pub struct Pool {
    state: Mutex<State>,
    cooldown: Duration,
}

#[derive(Debug)]
struct State {
    next: usize,
    members: Vec<Member>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Member {
    failures: u32,
    cooling_until: Option<Instant>,
}

impl Pool {
    pub fn new(size: usize, cooldown: Duration) -> Pool {
        Pool {
            state: Mutex::new(State {
                next: 0,
                members: vec![Member::default(); size.max(1)],
            }),
            cooldown,
        }
    }

    /// The URL index to use next: round-robin over those not cooling down;
    /// when all are, the one whose cool-down ends first.
    pub fn pick(&self, now: Instant) -> usize {
        let mut state = self.state.lock().expect("pool lock is never poisoned");
        let n = state.members.len();
        for offset in 0..n {
            let i = (state.next + offset) % n;
            if state.members[i]
                .cooling_until
                .is_none_or(|until| until <= now)
            {
                state.next = (i + 1) % n;
                return i;
            }
        }
        let (i, _) = state
            .members
            .iter()
            .enumerate()
            .min_by_key(|(_, m)| m.cooling_until)
            .expect("a pool has at least one member");
        i
    }

    pub fn succeeded(&self, index: usize) {
        let mut state = self.state.lock().expect("pool lock is never poisoned");
        if let Some(m) = state.members.get_mut(index) {
            *m = Member::default();
        }
    }

    /// Records a failure that says something about the endpoint (connection,
    /// timeout, 5xx), not about the request.
    pub fn failed(&self, index: usize, now: Instant) {
        let mut state = self.state.lock().expect("pool lock is never poisoned");
        let cooldown = self.cooldown;
        if let Some(m) = state.members.get_mut(index) {
            m.failures += 1;
            if m.failures >= FAILURES_BEFORE_COOLDOWN {
                m.cooling_until = Some(now + cooldown);
                m.failures = 0;
                tracing::warn!(
                    url_index = index,
                    cooldown_s = cooldown.as_secs(),
                    "endpoint keeps failing; cooling down"
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_skips_a_cooling_member_until_it_recovers() {
        let pool = Pool::new(3, Duration::from_secs(30));
        let t0 = Instant::now();
        assert_eq!(
            (0..6).map(|_| pool.pick(t0)).collect::<Vec<_>>(),
            vec![0, 1, 2, 0, 1, 2]
        );
        pool.failed(1, t0);
        assert_eq!(pool.pick(t0), 0, "one failure is not enough");
        pool.failed(1, t0);
        assert_eq!(
            (0..4).map(|_| pool.pick(t0)).collect::<Vec<_>>(),
            vec![2, 0, 2, 0]
        );
        let later = t0 + Duration::from_secs(31);
        let picks: Vec<usize> = (0..3).map(|_| pool.pick(later)).collect();
        assert!(picks.contains(&1), "back after the cool-down: {picks:?}");
    }

    #[test]
    fn when_every_member_cools_the_soonest_is_used() {
        let pool = Pool::new(2, Duration::from_secs(30));
        let t0 = Instant::now();
        pool.failed(0, t0);
        pool.failed(0, t0);
        let t1 = t0 + Duration::from_secs(5);
        pool.failed(1, t1);
        pool.failed(1, t1);
        assert_eq!(pool.pick(t1), 0);
    }
}
