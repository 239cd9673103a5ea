//! The platform's timers and clocks as the client's [`Runtime`].

use super::timer::{Timer, MAX_DELAY_MS};
use super::PERFORMANCE;
use crate::runtime::{BoxFuture, Runtime};
use std::time::Duration;

/// The JS platform's timers and clocks (browsers, Node, Deno, Cloudflare
/// workerd): waits on `setTimeout`, cleared when dropped; the monotonic
/// clock from `performance.now()`, or `Date.now()` where there is no
/// `performance`; the wall clock from `Date.now()`. With the `fetch`
/// feature it is the default [`Runtime`] on wasm32.
///
/// ```no_run
/// # fn demo() -> Result<kling_extend_client::Client, kling_extend_client::Error> {
/// use kling_extend_client::{Client, FetchClient, JsRuntime, Provider};
///
/// // What `build` picks by itself on wasm32, spelled out.
/// Client::builder(Provider::Trinetra)
///     .base_url("https://example.com/kling")
///     .api_key("sk-…")
///     .http_client(FetchClient::new())
///     .runtime(JsRuntime::new())
///     .build()
/// # }
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct JsRuntime {
    _private: (),
}

impl JsRuntime {
    /// The platform's timers and clocks.
    pub fn new() -> Self {
        JsRuntime::default()
    }
}

impl Runtime for JsRuntime {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async move {
            // Past `setTimeout`'s range, one timer after another.
            let mut left = u64::try_from(duration.as_millis()).unwrap_or(u64::MAX);
            while left > 0 {
                let ms = left.min(MAX_DELAY_MS);
                Timer::new(ms).await;
                left -= ms;
            }
        })
    }

    fn monotonic_ms(&self) -> u64 {
        // One source for the runtime's life: `performance` is there or not.
        let since_origin = PERFORMANCE.with(|performance| performance.as_ref().map(|performance| performance.now()));
        // `as` takes NaN and negatives to 0, which the driver's clock counts as no time passing.
        since_origin.unwrap_or_else(js_sys::Date::now) as u64
    }

    fn unix_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}
