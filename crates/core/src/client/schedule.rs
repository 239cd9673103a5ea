//! The pace of `pollJob`: reads start fast and slow down, because most jobs
//! are either done quickly or take minutes.
//!
//! ```
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::schedule::{PollSchedule, reads_until};
//! use kling_extend_core::types::json::parse;
//!
//! // The defaults: 1 s, growing to 10 s.
//! let mut schedule = PollSchedule::new(&PollConfig::from_value(&parse(b"{}").unwrap()).unwrap());
//! let (reads, late_ms) = reads_until(|| schedule.next_wait(), 60_000);
//! assert!(reads <= 12 && late_ms <= 10_000, "a minute-long job: {reads} reads, seen {late_ms} ms late");
//! ```

use crate::client::options::PollConfig;

/// Each wait is this many halves of the previous one (×1.5).
const GROWTH_HALVES: u64 = 3;

/// The waits between a poll's reads: [`PollConfig::interval_ms`] first,
/// each then half again as long, up to [`PollConfig::max_interval_ms`].
///
/// ```
/// use kling_extend_core::client::options::PollConfig;
/// use kling_extend_core::client::schedule::PollSchedule;
///
/// let config = PollConfig { interval_ms: 1_000, max_interval_ms: 4_000, wait_timeout_ms: 600_000 };
/// let mut schedule = PollSchedule::new(&config);
/// let waits: Vec<u64> = (0..6).map(|_| schedule.next_wait()).collect();
/// assert_eq!(waits, [1_000, 1_500, 2_250, 3_375, 4_000, 4_000]);
/// ```
#[derive(Clone, Debug)]
pub struct PollSchedule {
    next_ms: u64,
    max_ms: u64,
}

impl PollSchedule {
    /// The schedule of `config`, before its first wait.
    ///
    /// ```
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::client::schedule::PollSchedule;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let config = PollConfig::from_value(&parse(br#"{"intervalMs":250}"#).unwrap()).unwrap();
    /// assert_eq!(PollSchedule::new(&config).next_wait(), 250);
    /// ```
    pub fn new(config: &PollConfig) -> PollSchedule {
        PollSchedule { next_ms: config.interval_ms.into(), max_ms: config.max_interval_ms.into() }
    }

    /// The wait before the next read, in milliseconds.
    ///
    /// ```
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::client::schedule::PollSchedule;
    ///
    /// // A fixed pace: the cap is the interval.
    /// let config = PollConfig { interval_ms: 500, max_interval_ms: 500, wait_timeout_ms: 10_000 };
    /// let mut schedule = PollSchedule::new(&config);
    /// assert_eq!((schedule.next_wait(), schedule.next_wait()), (500, 500));
    /// ```
    pub fn next_wait(&mut self) -> u64 {
        let wait = self.next_ms.min(self.max_ms);
        self.next_ms = (self.next_ms * GROWTH_HALVES / 2).min(self.max_ms);
        wait
    }
}

/// For a job that ends `finish_ms` after the first read, how many reads a
/// schedule makes and how late the last one sees the end (reads take no time).
/// For comparing schedules (`examples/poll_efficiency.rs`, BENCHMARKS.md).
///
/// ```
/// use kling_extend_core::client::schedule::reads_until;
///
/// // A fixed 15 s loop sees a job that ends at 20 s on its third read, 10 s late.
/// assert_eq!(reads_until(|| 15_000, 20_000), (3, 10_000));
/// assert_eq!(reads_until(|| 15_000, 0), (1, 0), "the first read saw it");
/// ```
pub fn reads_until(mut next_wait: impl FnMut() -> u64, finish_ms: u64) -> (u32, u64) {
    let (mut at, mut reads) = (0, 1);
    while at < finish_ms {
        at += next_wait().max(1);
        reads += 1;
    }
    (reads, at - finish_ms)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default_schedule() -> PollSchedule {
        PollSchedule::new(&PollConfig { interval_ms: 1_000, max_interval_ms: 10_000, wait_timeout_ms: 600_000 })
    }

    #[test]
    fn grows_by_half_and_caps() {
        let mut s = default_schedule();
        let waits: Vec<u64> = (0..8).map(|_| s.next_wait()).collect();
        assert_eq!(waits, [1_000, 1_500, 2_250, 3_375, 5_062, 7_593, 10_000, 10_000]);
    }

    #[test]
    fn a_minute_long_job_costs_few_reads_and_little_delay() {
        let mut s = default_schedule();
        let (reads, late) = reads_until(|| s.next_wait(), 60_000);
        assert!(reads <= 12 && late <= 10_000, "{reads} reads, {late} ms late");
        let mut s = default_schedule();
        let (_, late) = reads_until(|| s.next_wait(), 240_000);
        assert!(late <= 24_000, "{late} ms late");
    }
}
