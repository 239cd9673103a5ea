//! A runtime for tests on a scripted transport: waits end at once, on a
//! clock that stands still (the driver still counts each wait as asked, so
//! deadlines come). Needs no feature, unlike `common` (reqwest and tokio).

use kling_extend_client::{BoxFuture, Runtime};
use std::time::Duration;

/// Waits that end at once, on a clock that stands still.
pub struct Instant;

impl Runtime for Instant {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }

    fn monotonic_ms(&self) -> u64 {
        0
    }

    fn unix_ms(&self) -> u64 {
        1_700_000_000_000
    }
}
