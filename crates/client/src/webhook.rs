//! A job's end, as a service posts it: the npm package's `verifyWebhook`
//! (a Standard Webhooks signature checked by the core, then the body read) and
//! `parseWebhook` (the body read alone). Nothing here does I/O: the caller's
//! server hands over the raw body and the headers it received.
//!
//! The options cross as the JS options object and are checked by the core's
//! own reader, so a refusal names the same field as in JS.

use crate::client::Provider;
use crate::error::Error;
use crate::types::Job;
use kling_extend_core::providers;
use kling_extend_core::types::job::Delivery;
use kling_extend_core::types::json::{object, Value};
use kling_extend_core::webhook::{self as core, Signed};
use serde::{Deserialize, Serialize};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The three headers that sign a Standard Webhooks delivery. A header that
/// is absent is empty here, and refused by name when verified.
///
/// ```
/// use kling_extend_client::WebhookHeaders;
/// use std::collections::HashMap;
///
/// let received = HashMap::from([("webhook-id", "msg_1"), ("webhook-timestamp", "1700000000")]);
/// // Any header map: look each name up (axum's `HeaderMap::get(name)` too).
/// let headers = WebhookHeaders::from_fn(|name| received.get(name).copied());
/// assert_eq!(headers, WebhookHeaders::new("msg_1", "1700000000", ""));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WebhookHeaders {
    id: String,
    timestamp: String,
    signature: String,
}

impl WebhookHeaders {
    /// The signed headers' names, as `from_fn` asks for them.
    ///
    /// ```
    /// assert_eq!(kling_extend_client::WebhookHeaders::NAMES[2], "webhook-signature");
    /// ```
    pub const NAMES: [&'static str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

    /// `webhook-id`, `webhook-timestamp` and `webhook-signature` as received.
    ///
    /// ```
    /// let headers = kling_extend_client::WebhookHeaders::new("msg_1", "1700000000", "v1,c2lnbmF0dXJl");
    /// ```
    pub fn new(id: impl Into<String>, timestamp: impl Into<String>, signature: impl Into<String>) -> Self {
        WebhookHeaders { id: id.into(), timestamp: timestamp.into(), signature: signature.into() }
    }

    /// Each header by its lower-case name from `header` (`None` when absent),
    /// so any server's header map can be read without this crate naming it.
    ///
    /// ```
    /// # use kling_extend_client::WebhookHeaders;
    /// let none = WebhookHeaders::from_fn(|_| None::<&str>);
    /// assert_eq!(none, WebhookHeaders::default());
    /// ```
    pub fn from_fn<S: Into<String>>(mut header: impl FnMut(&str) -> Option<S>) -> Self {
        let [id, timestamp, signature] = Self::NAMES.map(|name| header(name).map(Into::into).unwrap_or_default());
        WebhookHeaders { id, timestamp, signature }
    }
}

/// How a delivery is read and checked: the npm package's `WebhookOptions`.
///
/// ```
/// use kling_extend_client::{Provider, WebhookOptions};
/// use std::time::{Duration, SystemTime};
///
/// let options = WebhookOptions::default()
///     .provider(Provider::Kling)
///     .tolerance(Duration::from_secs(600))
///     .now(SystemTime::now());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[must_use]
pub struct WebhookOptions {
    provider: Option<Provider>,
    tolerance: Option<Duration>,
    now: Option<SystemTime>,
}

impl WebhookOptions {
    /// Which service sent the body; guessed from its shape otherwise.
    ///
    /// ```
    /// # use kling_extend_client::{parse_webhook, Provider, WebhookOptions};
    /// let trinetra_body = br#"{"id":"j1","status":"queued"}"#;
    /// let as_kling = parse_webhook(trinetra_body, WebhookOptions::default().provider(Provider::Kling));
    /// assert_eq!(as_kling.unwrap_err().field(), Some("body"));
    /// ```
    pub fn provider(mut self, provider: Provider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// How far `webhook-timestamp` may be from now, either way: whole
    /// seconds up to a day (300 s by default). Past it a delivery is refused
    /// as a replay or a clock that is off.
    ///
    /// ```
    /// # use kling_extend_client::WebhookOptions;
    /// let options = WebhookOptions::default().tolerance(std::time::Duration::from_secs(60));
    /// ```
    pub fn tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance);
        self
    }

    /// "Now" for the timestamp check, to the second (the system clock by
    /// default): for replaying stored deliveries and for tests. Give it on
    /// `wasm32-unknown-unknown` without the `fetch` feature, where std has
    /// no clock (with it, the platform's `Date.now()` is the default).
    ///
    /// ```
    /// # use kling_extend_client::WebhookOptions;
    /// use std::time::{Duration, UNIX_EPOCH};
    ///
    /// // Replaying a delivery stored with the time it came.
    /// let options = WebhookOptions::default().now(UNIX_EPOCH + Duration::from_secs(1_700_000_000));
    /// ```
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// As the JS options object, checked by the core.
    fn checked(self) -> Result<core::WebhookOptions, Error> {
        let now_seconds = self.now.map(|now| match now.duration_since(UNIX_EPOCH) {
            Ok(since) => since.as_secs() as f64,
            // Before 1970: refused by the core's range, by name.
            Err(before) => -before.duration().as_secs_f64(),
        });
        let options = object([
            ("provider", self.provider.map(|provider| provider.as_str().into())),
            ("toleranceSeconds", self.tolerance.map(|tolerance| Value::Number(tolerance.as_secs_f64()))),
            ("nowSeconds", now_seconds.map(Value::Number)),
        ]);
        Ok(core::WebhookOptions::from_value(&options)?)
    }
}

/// A delivery's identity: its `webhook-id`, the same for every retry of one
/// message (store it to drop replays), and its `webhook-timestamp`.
///
/// ```
/// use kling_extend_client::WebhookDelivery;
/// # fn seen(_: &str) -> bool { false }
///
/// fn handle(delivery: &WebhookDelivery) {
///     if seen(&delivery.id) {
///         return; // a replay
///     }
///     println!("sent at {:?}", delivery.sent_at());
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WebhookDelivery {
    /// The `webhook-id` header.
    pub id: String,
    /// The `webhook-timestamp` header, in Unix seconds.
    pub timestamp: u64,
}

impl WebhookDelivery {
    /// `timestamp` as a time, or `None` past what a `SystemTime` holds (a
    /// verified delivery is always within its tolerance of now; one read
    /// back from storage may hold anything).
    ///
    /// ```
    /// # use kling_extend_client::WebhookDelivery;
    /// let delivery: WebhookDelivery = serde_json::from_str(r#"{"id":"msg_1","timestamp":0}"#).unwrap();
    /// assert_eq!(delivery.sent_at(), Some(std::time::UNIX_EPOCH));
    /// ```
    pub fn sent_at(&self) -> Option<SystemTime> {
        UNIX_EPOCH.checked_add(Duration::from_secs(self.timestamp))
    }
}

impl From<Delivery> for WebhookDelivery {
    fn from(delivery: Delivery) -> WebhookDelivery {
        WebhookDelivery { id: delivery.id, timestamp: delivery.timestamp }
    }
}

/// What [`verify_webhook`] answers: the job the body reports, and the signed
/// delivery that carried it. Serialised as the npm package's `VerifiedJob`
/// (the job's members, and `webhook`).
///
/// ```
/// use kling_extend_client::{Status, VerifiedJob};
///
/// fn on_end(verified: &VerifiedJob) {
///     if verified.job.status == Status::Succeeded {
///         println!("{} done (delivery {})", verified.job.id, verified.webhook.id);
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VerifiedJob {
    /// The job, with the webhook secrets taken out of its document.
    #[serde(flatten)]
    pub job: Job,
    /// The delivery.
    pub webhook: WebhookDelivery,
}

/// Checks a Standard Webhooks delivery, then reads its body as
/// [`parse_webhook`] does: the headers are there, the timestamp is within
/// the tolerance of now, and a `v1` signature of `webhook-signature` (one of
/// several, space-separated) is the HMAC-SHA256 of
/// `{webhook-id}.{webhook-timestamp}.{raw_body}` under one of `secrets`
/// (`whsec_` and base64, several during a rotation).
///
/// `raw_body` is the body exactly as received: a parsed and re-serialised
/// one no longer matches its signature. Every failure is an `InvalidRequest`
/// whose field names what is at fault (`headers.webhook-signature`,
/// `headers.webhook-timestamp`, `headers.webhook-id`, `secret`, `rawBody`,
/// `toleranceSeconds`, …) and whose message says which check failed; no
/// message holds a secret.
///
/// ```no_run
/// use kling_extend_client::{verify_webhook, WebhookHeaders, WebhookOptions};
/// # fn demo(raw_body: &[u8], received: &std::collections::HashMap<String, String>)
/// #     -> Result<(), kling_extend_client::Error> {
/// let secret = std::env::var("WEBHOOK_SECRET").unwrap_or_default();
/// let headers = WebhookHeaders::from_fn(|name| received.get(name).cloned());
/// let verified = verify_webhook(raw_body, &headers, &[secret], WebhookOptions::default())?;
/// println!("{} is {:?}", verified.job.id, verified.job.status);
/// # Ok(())
/// # }
/// ```
pub fn verify_webhook<S: AsRef<str>>(
    raw_body: &[u8],
    headers: &WebhookHeaders,
    secrets: &[S],
    options: WebhookOptions,
) -> Result<VerifiedJob, Error> {
    let checked = options.checked()?;
    let secrets: Vec<String> = secrets.iter().map(|secret| secret.as_ref().to_owned()).collect();
    let signed = Signed { id: &headers.id, timestamp: &headers.timestamp, signature: &headers.signature };
    let now_s = match checked.now_s {
        Some(now_s) => now_s,
        None => clock()?,
    };
    let (job, delivery) = providers::verify_webhook(raw_body, &signed, &secrets, now_s, &checked)?;
    Ok(VerifiedJob { job: job.into(), webhook: delivery.into() })
}

/// Reads a Trinetra job document or a Kling callback body (bare, in its
/// envelope, or Kling's newer document) into a [`Job`], without checking who
/// sent it: for a body from a source already trusted. The provider is
/// guessed from the body's shape unless the options name it; a body that is
/// neither service's is an `InvalidRequest` naming `body`.
///
/// ```
/// use kling_extend_client::{parse_webhook, Status, WebhookOptions};
///
/// let body = br#"{"task_id":"task_9","task_status":"succeed","task_result":{"videos":[{"id":"v9","url":"https://cdn.test/9.mp4","duration":"10.1"}]}}"#;
/// let job = parse_webhook(body, WebhookOptions::default())?;
/// assert_eq!((job.id.as_str(), job.status), ("task_9", Status::Succeeded));
/// assert_eq!(job.output.map(|o| o.outputs[0].duration), Some(Some(10.1)));
/// # Ok::<(), kling_extend_client::Error>(())
/// ```
pub fn parse_webhook(body: &[u8], options: WebhookOptions) -> Result<Job, Error> {
    let checked = options.checked()?;
    Ok(providers::read_webhook(body, "body", checked.provider)?.into())
}

/// The system clock in Unix seconds, as JS's `Date.now()` gives it.
#[cfg(not(all(target_arch = "wasm32", target_os = "unknown")))]
fn clock() -> Result<u64, Error> {
    Ok(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs()))
}

/// std's clock panics here: the platform's wall clock (`Date.now()`), the
/// one [`JsRuntime`](crate::JsRuntime) reads.
#[cfg(all(target_arch = "wasm32", target_os = "unknown", feature = "fetch"))]
fn clock() -> Result<u64, Error> {
    use crate::Runtime;
    Ok(crate::JsRuntime::new().unix_ms() / 1000)
}

/// std's clock panics here, and without the `fetch` feature the platform's
/// is not bound: the caller gives the time instead.
#[cfg(all(target_arch = "wasm32", target_os = "unknown", not(feature = "fetch")))]
fn clock() -> Result<u64, Error> {
    let why = "is required on wasm32-unknown-unknown, where std has no clock: give WebhookOptions::now";
    Err(kling_extend_core::types::error::Error::invalid("nowSeconds", why).into())
}
