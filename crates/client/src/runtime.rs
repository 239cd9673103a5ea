//! Time, as the driver needs it: waits and both clocks. The core reads no
//! clock; the driver hands it the time with every event.

use crate::send::{MaybeSend, MaybeSync};
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

/// A boxed future that can move between threads, as the traits return.
///
/// ```
/// use kling_extend_client::BoxFuture;
///
/// fn answer() -> BoxFuture<'static, u32> {
///     Box::pin(async { 42 })
/// }
/// ```
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A boxed future, as the traits return: on wasm32 it need not be `Send`,
/// as a JS promise's future is not.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// The timers and clocks of the async runtime the client runs on.
///
/// ```
/// use kling_extend_client::{BoxFuture, Runtime};
/// use std::time::Duration;
///
/// /// A runtime whose waits end at once, with a clock that stands still.
/// struct Instant;
///
/// impl Runtime for Instant {
///     fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
///         Box::pin(async {})
///     }
///     fn monotonic_ms(&self) -> u64 {
///         0
///     }
///     fn unix_ms(&self) -> u64 {
///         1_700_000_000_000
///     }
/// }
/// ```
pub trait Runtime: MaybeSend + MaybeSync + 'static {
    /// A future that completes after `duration`; dropping it cancels the wait.
    ///
    /// ```
    /// # use kling_extend_client::{BoxFuture, Runtime};
    /// # use std::time::Duration;
    /// # struct Tokio;
    /// impl Runtime for Tokio {
    ///     fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
    ///         Box::pin(tokio::time::sleep(duration))
    ///     }
    ///     // …
    /// #   fn monotonic_ms(&self) -> u64 { 0 }
    /// #   fn unix_ms(&self) -> u64 { 0 }
    /// }
    /// ```
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()>;

    /// Milliseconds from any fixed origin, never going back: deadlines,
    /// waits and durations run on this clock.
    ///
    /// ```
    /// # use kling_extend_client::{BoxFuture, Runtime};
    /// # use std::time::Duration;
    /// /// Time since the runtime was made.
    /// struct Monotonic(std::time::Instant);
    ///
    /// impl Runtime for Monotonic {
    ///     fn monotonic_ms(&self) -> u64 {
    ///         self.0.elapsed().as_millis() as u64
    ///     }
    ///     // …
    /// #   fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> { Box::pin(async {}) }
    /// #   fn unix_ms(&self) -> u64 { 0 }
    /// }
    /// ```
    fn monotonic_ms(&self) -> u64;

    /// Unix milliseconds: compared with the service's clock only (a token's
    /// lifetime, an HTTP date in `Retry-After`).
    ///
    /// ```
    /// # use kling_extend_client::{BoxFuture, Runtime};
    /// # use std::time::{Duration, SystemTime, UNIX_EPOCH};
    /// # struct System;
    /// impl Runtime for System {
    ///     fn unix_ms(&self) -> u64 {
    ///         SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_millis() as u64)
    ///     }
    ///     // …
    /// #   fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> { Box::pin(async {}) }
    /// #   fn monotonic_ms(&self) -> u64 { 0 }
    /// }
    /// ```
    fn unix_ms(&self) -> u64;
}

/// tokio's timers (`tokio::time`, so a test's paused clock holds for it too).
///
/// ```
/// use kling_extend_client::{Client, Provider, TokioRuntime};
///
/// // The default with the `tokio` feature; name it to be explicit.
/// let builder = Client::builder(Provider::Trinetra).api_key("sk-…").runtime(TokioRuntime::default());
/// ```
#[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
#[derive(Clone, Copy, Debug)]
pub struct TokioRuntime {
    origin: tokio::time::Instant,
}

#[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
impl Default for TokioRuntime {
    fn default() -> Self {
        TokioRuntime { origin: tokio::time::Instant::now() }
    }
}

#[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
impl Runtime for TokioRuntime {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }

    fn monotonic_ms(&self) -> u64 {
        self.origin.elapsed().as_millis() as u64
    }

    fn unix_ms(&self) -> u64 {
        system_unix_ms()
    }
}

/// The system's wall clock in Unix milliseconds (0 before 1970).
#[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
fn system_unix_ms() -> u64 {
    let since = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
    since.map_or(0, |elapsed| elapsed.as_millis() as u64)
}
