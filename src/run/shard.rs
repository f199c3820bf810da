//! run: `bulletin build --shard K/N`: a worker's share of the segments,
//! chosen by each segment's clip cache key, so that N workers (a Kubernetes
//! Indexed Job) split a bulletin without talking to each other, and a final
//! plain build finds every clip in the shared cache.

use std::fmt;
use std::num::NonZeroU32;

/// Worker `index` (from 0, as `JOB_COMPLETION_INDEX`) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: NonZeroU32,
}

impl Shard {
    /// `K/N` with 0 ≤ K < N ≤ 10000.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let bad = || format!("`{text}` is not a shard: use K/N, K from 0 to N-1 (e.g. 0/4 … 3/4)");
        let (k, n) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = k.trim().parse().map_err(|_| bad())?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        let count = NonZeroU32::new(count)
            .filter(|c| c.get() <= 10_000)
            .ok_or_else(|| format!("`{text}`: N must be 1 to 10000"))?;
        if index >= count.get() {
            return Err(format!(
                "`{text}`: K must be less than N (shards are numbered from 0, as JOB_COMPLETION_INDEX)"
            ));
        }
        Ok(Shard { index, count })
    }

    /// The shard a clip cache key (64 hex digits) belongs to: its first 64
    /// bits modulo N. SHA-256 spreads keys evenly, and the key is the same
    /// on every machine, so the split is too.
    pub fn of(digest: &str, count: NonZeroU32) -> u32 {
        let head = digest.get(..16).unwrap_or(digest);
        let value = u64::from_str_radix(head, 16).unwrap_or_else(|_| {
            // Not hex (never, for a SHA-256 digest): still a stable choice.
            head.bytes()
                .fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))
        });
        (value % u64::from(count.get())) as u32
    }

    /// Whether the clip with this key is this worker's to make.
    pub fn owns(&self, digest: &str) -> bool {
        Shard::of(digest, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    fn digest(i: u32) -> String {
        Sha256::digest(format!("segment {i}").as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[test]
    fn shards_parse_from_zero_to_n_minus_one() {
        let s = Shard::parse("2/4").unwrap();
        assert_eq!((s.index, s.count.get()), (2, 4));
        assert_eq!(s.to_string(), "2/4");
        assert!(Shard::parse("0/1").is_ok());
        for bad in ["4/4", "1/0", "-1/4", "a/b", "3", "", "1/10001"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_key_is_in_exactly_one_shard_and_the_shares_are_even() {
        for n in [1u32, 2, 3, 7, 16] {
            let count = NonZeroU32::new(n).unwrap();
            let shards: Vec<Shard> = (0..n).map(|index| Shard { index, count }).collect();
            let mut sizes = vec![0usize; n as usize];
            for i in 0..2000 {
                let d = digest(i);
                let owners: Vec<u32> = shards
                    .iter()
                    .filter(|s| s.owns(&d))
                    .map(|s| s.index)
                    .collect();
                assert_eq!(owners.len(), 1, "key {i} with {n} shards: {owners:?}");
                sizes[owners[0] as usize] += 1;
            }
            let even = 2000 / n as usize;
            assert!(
                sizes.iter().all(|&s| s > even * 3 / 4 && s < even * 5 / 4),
                "{n} shards: {sizes:?}"
            );
        }
    }

    #[test]
    fn the_split_is_a_pure_function_of_the_key() {
        // Fixed values: the same on every machine and every run (a change here
        // would send a fleet's workers to different shares mid-bulletin).
        let four = NonZeroU32::new(4).unwrap();
        let d = "00000000000000050000000000000000000000000000000000000000000000ff";
        assert_eq!(Shard::of(d, four), 1);
        assert_eq!(Shard::of(&"f".repeat(64), four), 3);
        let d = digest(42);
        assert_eq!(Shard::of(&d, four), Shard::of(&d.clone(), four));
        assert_eq!(
            Shard::of(&d, four),
            (u64::from_str_radix(&d[..16], 16).unwrap() % 4) as u32
        );
    }
}
