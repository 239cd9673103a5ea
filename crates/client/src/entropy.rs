//! The client's randomness: a submit's key from the operating system, the
//! retry delays' jitter from a sequence seeded once per client.

use crate::error::Error;
use kling_extend_core::types::error::Error as CoreError;
use std::sync::atomic::{AtomicU64, Ordering};

/// 16 bytes from the operating system's random source that make a submit's
/// idempotency key (Kling's findable id): a guessable key would let another
/// client claim the job.
pub(crate) fn submit_key() -> Result<[u8; 16], Error> {
    let mut key = [0; 16];
    draw(&mut key)?;
    Ok(key)
}

/// Seeds for the retry delays' jitter, one per call: steps of the golden
/// ratio (a Weyl sequence, every seed distinct for 2^64 calls) from a start
/// drawn from the operating system when the client is built, so a read
/// costs no system call. The core's jitter generator scrambles each seed;
/// jitter only spreads clients' retries apart and guards nothing, so a
/// sequence serves it as well as fresh randomness.
pub(crate) struct JitterSeeds(AtomicU64);

impl JitterSeeds {
    /// A sequence that starts where the operating system's random source says.
    pub(crate) fn new() -> Result<Self, Error> {
        let mut start = [0; 8];
        draw(&mut start)?;
        Ok(JitterSeeds(AtomicU64::new(u64::from_le_bytes(start))))
    }

    /// The next seed: one step each, so concurrent calls never share one.
    pub(crate) fn next(&self) -> u64 {
        const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;
        self.0.fetch_add(GOLDEN, Ordering::Relaxed)
    }
}

fn draw(bytes: &mut [u8]) -> Result<(), Error> {
    getrandom::getrandom(bytes).map_err(|error| {
        let refused = CoreError::invalid("entropy", "could not be drawn from the operating system's random source");
        Error::new(refused, Some(Box::new(error)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn seeds_differ_call_to_call_and_client_to_client() {
        let (one, other) = (JitterSeeds::new().unwrap(), JitterSeeds::new().unwrap());
        let seeds: HashSet<u64> = (0..1_000).flat_map(|_| [one.next(), other.next()]).collect();
        assert_eq!(seeds.len(), 2_000);
        let ones = seeds.iter().map(|seed| seed.count_ones()).sum::<u32>() as f64 / 2_000.0;
        assert!((28.0..36.0).contains(&ones), "spread: {ones} bits of 64 set on average");
        assert_ne!(submit_key().unwrap(), submit_key().unwrap());
    }
}
