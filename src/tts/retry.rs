//! tts: retries as data. A `RetryPolicy` says how often and how long to wait;
//! the delay honours what the backend asked for (Retry-After) and adds jitter so
//! that parallel requests do not retry in lockstep.

use std::time::Duration;

use rand::Rng;

use super::attempt::AttemptError;

#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub retries: u32,
    /// Backoff before the first retry; doubled for each one after it.
    pub base: Duration,
    /// Longest backoff we choose ourselves.
    pub max_backoff: Duration,
    /// Longest wait we accept from a backend's Retry-After.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            retries: 4,
            base: Duration::from_millis(500),
            max_backoff: Duration::from_secs(20),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first retry): exponential
    /// backoff with "equal jitter" (half fixed, half random), but never shorter
    /// than what the backend asked for.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, rng: &mut impl Rng) -> Duration {
        let exp = self
            .base
            .saturating_mul(1u32 << retry.min(20))
            .min(self.max_backoff);
        let half = exp / 2;
        let jitter = if half.is_zero() {
            Duration::ZERO
        } else {
            Duration::from_nanos(rng.gen_range(0..=half.as_nanos() as u64))
        };
        let ours = half + jitter;
        match retry_after {
            Some(asked) => ours.max(asked.min(self.max_retry_after)),
            None => ours,
        }
    }
}

/// The retry state of one request: how many attempts were made, and whether
/// (and when) to make another.
#[derive(Debug)]
pub struct RetryState<'p> {
    policy: &'p RetryPolicy,
    attempts: u32,
}

impl<'p> RetryState<'p> {
    pub fn new(policy: &'p RetryPolicy) -> RetryState<'p> {
        RetryState {
            policy,
            attempts: 0,
        }
    }

    /// Counts an attempt about to be made; returns its number (1 for the first).
    pub fn start(&mut self) -> u32 {
        self.attempts += 1;
        self.attempts
    }

    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// After a failed attempt: the wait before the next one, or `None` when
    /// the failure is fatal or the retries are spent.
    pub fn after(&self, error: &AttemptError, rng: &mut impl Rng) -> Option<Duration> {
        if !error.transient || self.attempts > self.policy.retries {
            return None;
        }
        Some(
            self.policy
                .delay(self.attempts.saturating_sub(1), error.retry_after, rng),
        )
    }
}

/// Parses the headers a backend uses to ask for a pause: `retry-after-ms`
/// (OpenAI), then `Retry-After` as seconds or an HTTP date.
pub fn parse_retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    if let Some(ms) = headers.get("retry-after-ms").and_then(|v| v.to_str().ok()) {
        if let Ok(ms) = ms.trim().parse::<f64>() {
            if ms.is_finite() && ms >= 0.0 {
                return Some(Duration::from_secs_f64(ms / 1000.0));
            }
        }
    }
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = value.parse::<f64>() {
        return (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        for retry in 0..10 {
            let exp = policy
                .base
                .saturating_mul(1 << retry)
                .min(policy.max_backoff);
            let d = policy.delay(retry, None, &mut rng);
            assert!(
                d >= exp / 2 && d <= exp,
                "retry {retry}: {d:?} not in [{:?}, {exp:?}]",
                exp / 2
            );
        }
    }

    #[test]
    fn retry_after_is_a_floor_but_capped() {
        let policy = RetryPolicy::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        assert!(policy.delay(0, Some(Duration::from_secs(7)), &mut rng) >= Duration::from_secs(7));
        assert_eq!(
            policy.delay(0, Some(Duration::from_secs(100_000)), &mut rng),
            policy.max_retry_after
        );
    }

    #[test]
    fn a_retry_state_sorts_transient_from_fatal_and_counts() {
        let policy = RetryPolicy {
            retries: 2,
            ..RetryPolicy::default()
        };
        let mut rng = rand::rngs::StdRng::seed_from_u64(1);
        let mut state = RetryState::new(&policy);
        let busy = AttemptError::transient("busy").with_retry_after(Some(Duration::from_secs(3)));
        assert_eq!(state.start(), 1);
        assert!(state.after(&busy, &mut rng).unwrap() >= Duration::from_secs(3));
        assert_eq!(state.start(), 2);
        assert!(state
            .after(&AttemptError::fatal("bad key"), &mut rng)
            .is_none());
        assert!(state.after(&busy, &mut rng).is_some());
        assert_eq!(state.start(), 3);
        assert!(state.after(&busy, &mut rng).is_none(), "retries spent");
        assert_eq!(state.attempts(), 3);
    }

    #[test]
    fn parses_retry_after_forms() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut h = HeaderMap::new();
        h.insert("retry-after", HeaderValue::from_static("3"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_secs(3)));
        h.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(parse_retry_after(&h), Some(Duration::from_millis(250)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(parse_retry_after(&h), Some(Duration::ZERO));
        h.insert("retry-after", HeaderValue::from_static("soon"));
        assert_eq!(parse_retry_after(&h), None);
    }
}
