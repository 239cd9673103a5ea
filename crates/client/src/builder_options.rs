//! The npm package's client options that the builder's first methods left
//! out: a ready Kling token, extra headers, the longest wait between two
//! reads, the largest answer read. Each is checked by the core in
//! [`build`](ClientBuilder::build), as the npm package checks its options.

use crate::client::{millis, set_option, ClientBuilder};
use kling_extend_core::types::json::Value;
use std::time::Duration;

impl ClientBuilder {
    /// Lets a page hold a credential (`dangerouslyAllowBrowser`). In a page
    /// (wasm32 with the `fetch` feature, where there is a `document`),
    /// [`build`](ClientBuilder::build) refuses an API key or secret key
    /// without it: every visitor can read what a page holds. Point
    /// [`base_url`](ClientBuilder::base_url) at a proxy that holds the key
    /// instead (the npm package's `createProxy`); allow it only for a tool
    /// that runs on the key owner's own machine.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    ///
    /// let builder = Client::builder(Provider::Trinetra).api_key("sk-…").dangerously_allow_browser();
    /// ```
    pub fn dangerously_allow_browser(self) -> Self {
        self.option("dangerouslyAllowBrowser", Value::Bool(true))
    }

    /// A ready Kling token (`token`), sent as the bearer token as it is:
    /// one your server signed for a client that must not hold the keys.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    ///
    /// let builder = Client::builder(Provider::Kling).token("eyJhbGciOi…");
    /// ```
    pub fn token(self, token: impl Into<String>) -> Self {
        self.option("token", token.into())
    }

    /// One more header on every request (`headers`), such as a tracing id
    /// or a proxy's own key. It never replaces a header the client sets
    /// itself (the credential, `Accept`, `Content-Type`); the value of one
    /// that carries a credential (`Authorization`, `X-API-Key`, `Cookie`)
    /// is kept out of errors and log lines as the keys are.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    ///
    /// let builder = Client::builder(Provider::Trinetra).api_key("sk-…").header("x-trace", "42");
    /// ```
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let mut headers = match self.options.iter().find(|(known, _)| *known == "headers") {
            Some((_, Value::Object(members))) => members.clone(),
            _ => Vec::new(),
        };
        let name = name.into();
        headers.retain(|(known, _)| !known.eq_ignore_ascii_case(&name));
        headers.push((name, Value::String(value.into())));
        set_option(&mut self.options, "headers", Value::Object(headers));
        self
    }

    /// The longest wait between two reads of a job being polled
    /// (`maxIntervalMs`; 10 s by default): waits grow from the poll
    /// interval up to it.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    /// use std::time::Duration;
    ///
    /// let builder = Client::builder(Provider::Trinetra).max_poll_interval(Duration::from_secs(5));
    /// ```
    pub fn max_poll_interval(self, interval: Duration) -> Self {
        self.option("maxIntervalMs", millis(interval))
    }

    /// The largest answer read, in bytes (`maxResponseBytes`); a larger
    /// one fails the attempt (8 MiB by default, at most 64 MiB).
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    ///
    /// let builder = Client::builder(Provider::Trinetra).max_response_bytes(1 << 20);
    /// ```
    pub fn max_response_bytes(self, bytes: u32) -> Self {
        self.option("maxResponseBytes", f64::from(bytes))
    }
}
