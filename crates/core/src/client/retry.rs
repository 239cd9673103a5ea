//! When to try again: exponential backoff with jitter, and `Retry-After`.
//! A call waits out a service's hint of up to a minute; a longer one ends
//! the call, the hint in its error for the caller to act on:
//!
//! ```
//! use kling_extend_core::client::call::Call;
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
//! let busy = |seconds: &str| HttpResponse {
//!     status: 429,
//!     headers: vec![("retry-after".into(), seconds.into())],
//!     body: b"{}".to_vec(),
//! };
//! let mut read = Call::read(config.clone(), JobId::new("j1").unwrap(), 7);
//! read.start(Time::at(0));
//! let step = read.handle(Event::Response(busy("20")), Time::at(10));
//! assert!(matches!(step, Step::Wait { ms: 20_000, .. }), "{step:?}");
//!
//! let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
//! read.start(Time::at(0));
//! let Step::Done(Err(error)) = read.handle(Event::Response(busy("120")), Time::at(10)) else { panic!() };
//! assert_eq!((error.retryable, error.retry_after_ms), (true, Some(120_000)));
//! ```

/// First backoff step; each retry doubles it, up to [`BACKOFF_CAP_MS`].
pub(crate) const BACKOFF_BASE_MS: u64 = 500;
pub(crate) const BACKOFF_CAP_MS: u64 = 8_000;
/// A `Retry-After` longer than this is not waited out: the call fails with
/// `retryAfterMs` set, and the caller decides (a minute-long stall inside one
/// call surprises more than it helps).
pub(crate) const MAX_RETRY_AFTER_MS: u64 = 60_000;

/// The wait before retry number `retry` (0 for the first), with "equal
/// jitter": half the step is fixed, half random, so clients that failed
/// together do not come back together, yet never retry at once.
pub(crate) fn backoff_ms(retry: u32, rng: &mut Rng) -> u64 {
    let step = BACKOFF_BASE_MS.saturating_mul(1u64 << retry.min(20)).min(BACKOFF_CAP_MS);
    step / 2 + rng.below(step / 2 + 1)
}

/// The wait to use after a failure that may carry a server hint. A hint
/// only ever lengthens the backoff: a `Retry-After: 0`, a tiny value or a
/// date in the past must not turn retries into a busy loop.
pub(crate) fn delay_ms(retry: u32, retry_after_ms: Option<u64>, rng: &mut Rng) -> u64 {
    let backoff = backoff_ms(retry, rng);
    retry_after_ms.map_or(backoff, |hint| hint.max(backoff))
}

/// Parses a `Retry-After` value: delta-seconds (decimals tolerated) or an
/// HTTP date, relative to `unix_ms` (Unix milliseconds). `None` for what
/// is neither.
///
/// ```
/// use kling_extend_core::client::retry::parse_retry_after;
///
/// assert_eq!(parse_retry_after("2", 0), Some(2_000));
/// assert_eq!(parse_retry_after("1.5", 0), Some(1_500));
/// let now = 784_111_774_000; // 3 s before this date
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(3_000));
/// assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 60_000), Some(0), "past");
/// assert_eq!(parse_retry_after("soon", 0), None);
/// ```
pub fn parse_retry_after(value: &str, unix_ms: u64) -> Option<u64> {
    let value = value.trim();
    if value.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        let seconds = crate::types::json::parse_number(value)?;
        return (seconds.is_finite() && seconds <= 1e9).then(|| (seconds * 1000.0).round() as u64);
    }
    let at_ms = parse_http_date(value)?;
    Some(at_ms.saturating_sub(unix_ms))
}

/// An HTTP date (IMF-fixdate, or the two obsolete forms HTTP allows) →
/// Unix milliseconds.
fn parse_http_date(value: &str) -> Option<u64> {
    let at = httpdate::parse_http_date(value).ok()?;
    let since_epoch = at.duration_since(std::time::UNIX_EPOCH).ok()?;
    u64::try_from(since_epoch.as_millis()).ok()
}

/// A small, seedable generator for jitter (xorshift64*). Jitter needs no
/// cryptographic quality, and a seed makes schedules reproducible in tests.
#[derive(Clone, Debug)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        Rng(seed | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number in `0..bound` (0 when `bound` is 0).
    pub(crate) fn below(&mut self, bound: u64) -> u64 {
        if bound == 0 { 0 } else { self.next() % bound }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_within_jitter_and_caps() {
        let mut rng = Rng::new(7);
        for (retry, step) in [(0, 500), (1, 1000), (2, 2000), (3, 4000), (4, 8000), (9, 8000), (60, 8000)] {
            for _ in 0..50 {
                let d = backoff_ms(retry, &mut rng);
                assert!(d >= step / 2 && d <= step, "retry {retry}: {d}");
            }
        }
    }

    #[test]
    fn jitter_spreads_clients() {
        let mut rng = Rng::new(42);
        let waits: std::collections::BTreeSet<u64> = (0..20).map(|_| backoff_ms(3, &mut rng)).collect();
        assert!(waits.len() > 10);
    }

    #[test]
    fn retry_after_in_seconds_or_as_a_date() {
        assert_eq!(parse_retry_after("2", 0), Some(2000));
        assert_eq!(parse_retry_after(" 0.25 ", 0), Some(250));
        let now = 784_111_777_000 - 3_000; // 3 s before Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now), Some(3_000));
        assert_eq!(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", now + 10_000), Some(0));
        for bad in ["", "soon", "-1", "1.2.3", "Sun, 06 Nov 1994 08:49:37 PST", "Sun, 32 Nov 1994 08:49:37 GMT"] {
            assert_eq!(parse_retry_after(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn a_server_hint_never_shortens_the_backoff() {
        let mut rng = Rng::new(3);
        for hint in [Some(0), Some(1), None] {
            for retry in 0..5 {
                let floor = BACKOFF_BASE_MS.saturating_mul(1 << retry).min(BACKOFF_CAP_MS) / 2;
                assert!(delay_ms(retry, hint, &mut rng) >= floor, "{hint:?} at retry {retry}");
            }
        }
        assert_eq!(delay_ms(0, Some(30_000), &mut rng), 30_000);
    }
}
