//! The contract's `Job` and `Submission`, the same for every provider.
//!
//! Both leave the crate as values, with the services' keys:
//!
//! ```
//! use kling_extend_core::types::job::{Job, Status, Submission};
//! use kling_extend_core::types::json::Value;
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let submission =
//!     Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Kling, request_id: None };
//! let job = Job::accepted(&submission);
//! assert_eq!(Value::from(submission).to_json(), r#"{"job_id":"j1","status":"queued","provider":"kling"}"#);
//! assert_eq!(Value::from(job).to_json(), r#"{"id":"j1","model":"kling-extend-video","status":"queued","raw":null}"#);
//! ```

use crate::types::json::{Keep, ParseError, Value, object, parse_only};
use crate::types::provider::ProviderName;

/// Where a job is, in the contract's five words whatever the service said.
///
/// ```
/// use kling_extend_core::types::job::Status;
///
/// let status = Status::from_wire("succeed");
/// assert_eq!(status, Status::Succeeded);
/// assert!(status.is_terminal());
/// assert_eq!(status.as_str(), "succeeded");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Accepted, not yet started.
    Queued,
    /// Being made (or in a state the service named and nobody knows).
    Running,
    /// Done: the output is ready.
    Succeeded,
    /// Ended without an output; `Job::error` may say why.
    Failed,
    /// Stopped before it ended.
    Canceled,
}

impl Status {
    /// Maps a service's status word. A word nobody knows is reported as
    /// `Running` (the document keeps the original in `raw`), so a new state on
    /// the service side never breaks a waiting client.
    ///
    /// ```
    /// use kling_extend_core::types::job::Status;
    ///
    /// assert_eq!(Status::from_wire("submitted"), Status::Queued);
    /// assert_eq!(Status::from_wire("CANCELLED"), Status::Canceled);
    /// assert_eq!(Status::from_wire("paused_for_review"), Status::Running);
    /// ```
    pub fn from_wire(word: &str) -> Status {
        match word.to_ascii_lowercase().as_str() {
            "queued" | "pending" | "submitted" | "created" => Status::Queued,
            "succeeded" | "succeed" | "success" | "completed" => Status::Succeeded,
            "failed" | "error" => Status::Failed,
            "canceled" | "cancelled" => Status::Canceled,
            _ => Status::Running,
        }
    }

    /// Whether the job has ended: succeeded, failed or canceled. A poll
    /// stops here; nothing about the job changes after.
    ///
    /// ```
    /// use kling_extend_core::types::job::Status;
    ///
    /// assert!(Status::Failed.is_terminal());
    /// assert!(!Status::Running.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }

    /// The contract's word (`"succeeded"`), whatever word the service used.
    ///
    /// ```
    /// use kling_extend_core::types::job::Status;
    ///
    /// assert_eq!(Status::from_wire("success").as_str(), "succeeded");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Running => "running",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
        }
    }
}

/// One video a job made.
///
/// ```
/// use kling_extend_core::types::job::Video;
/// use kling_extend_core::types::json::Value;
///
/// let video = Video { url: "https://cdn.example.test/v.mp4".into(), kind: "video", id: None, duration: Some(10.1) };
/// assert_eq!(Value::from(video).to_json(), r#"{"url":"https://cdn.example.test/v.mp4","type":"video","duration":10.1}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Video {
    /// Where to download it.
    pub url: String,
    /// Written as `type`, a word Rust reserves.
    /// Always `"video"`: an output of another type (an image, audio) stays
    /// in the job's `raw`.
    pub kind: &'static str,
    /// The service's id of the video, when it gives one.
    pub id: Option<String>,
    /// Its length in seconds, when the service says.
    pub duration: Option<f64>,
}

/// What a succeeded job made.
///
/// ```
/// use kling_extend_core::types::job::{Output, Video};
/// use kling_extend_core::types::json::Value;
///
/// let video = Video { url: "u".into(), kind: "video", id: Some("v2".into()), duration: None };
/// let output = Output { outputs: vec![video] };
/// assert_eq!(Value::from(output).to_json(), r#"{"outputs":[{"url":"u","type":"video","id":"v2"}]}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    /// The videos, in the service's order.
    pub outputs: Vec<Video>,
}

/// The member a job's value carries its document's text in, as received
/// (`Raw::Text`): the I/O layer makes `raw` of it, and redaction reads it as
/// the document it is (`Redact for Value`).
///
/// ```
/// use kling_extend_core::types::job::{Job, RAW_TEXT, Raw, Status, Submission};
/// use kling_extend_core::types::json::{Keep, Value};
/// use kling_extend_core::types::provider::ProviderName;
///
/// # let submission = Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Trinetra, request_id: None };
/// let raw = Raw::from_text(br#"{"id":"j1","status":"queued"}"#, &Keep::All).unwrap();
/// let value = Value::from(Job { raw, ..Job::accepted(&submission) });
/// // The I/O layer parses this text into the job's `raw`.
/// assert_eq!(value.get(RAW_TEXT).and_then(Value::as_str), Some(r#"{"id":"j1","status":"queued"}"#));
/// assert_eq!(value.get("raw"), None);
/// ```
pub const RAW_TEXT: &str = "rawText";

/// The contract's `model` of every job: the one operation the package does.
///
/// ```
/// use kling_extend_core::types::job::{Job, MODEL, Status, Submission};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let submission = Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Kling, request_id: None };
/// assert_eq!(Job::accepted(&submission).model, MODEL);
/// assert_eq!(MODEL, "kling-extend-video");
/// ```
pub const MODEL: &str = "kling-extend-video";

/// A job as a read of it found it, the same for both services.
///
/// ```
/// use kling_extend_core::types::job::{Charge, Job, Output, Status, Submission, Video};
/// use kling_extend_core::types::json::Value;
/// use kling_extend_core::types::provider::ProviderName;
///
/// # let submission = Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Trinetra, request_id: None };
/// let video = Video { url: "u".into(), kind: "video", id: None, duration: None };
/// let job = Job {
///     status: Status::Succeeded,
///     output: Some(Output { outputs: vec![video] }),
///     charged: Some(Charge::Credits(95.0)),
///     ..Job::accepted(&submission)
/// };
/// let value = Value::from(job);
/// assert_eq!(value.get("status").and_then(Value::as_str), Some("succeeded"));
/// assert_eq!(value.get("credits_charged").and_then(Value::as_f64), Some(95.0));
/// assert_eq!(value.get("units_charged"), None, "a charge in credits is no charge in units");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    /// The service's id of the job: what a read or a poll of it takes.
    pub id: String,
    /// Always [`MODEL`].
    pub model: String,
    /// Where the job is.
    pub status: Status,
    /// What it made, once it succeeded.
    pub output: Option<Output>,
    /// What it cost, in the unit its service bills, when the service says.
    pub charged: Option<Charge>,
    /// Kling: money taken from the account's balance, when Kling reports it.
    pub money_charged: Option<Money>,
    /// The service's reason, for a job that failed.
    pub error: Option<String>,
    /// The service's document exactly as received.
    pub raw: Raw,
    /// The signed delivery that carried this document (`verifyWebhook`
    /// only), so a handler can drop a replayed one.
    pub webhook: Option<Delivery>,
}

impl Job {
    /// The job as its submit was accepted, before any read of it (`raw` is
    /// null: no document was read): what an error names when the call ends
    /// before a read, so the paid job is never lost.
    ///
    /// ```
    /// use kling_extend_core::types::job::{Job, Raw, Status, Submission};
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let submission =
    ///     Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Trinetra, request_id: None };
    /// let job = Job::accepted(&submission);
    /// assert_eq!((job.id.as_str(), job.status), ("j1", Status::Queued));
    /// assert_eq!((job.output, job.charged, job.raw), (None, None, Raw::default()));
    /// ```
    pub fn accepted(submission: &Submission) -> Job {
        Job {
            id: submission.job_id.clone(),
            model: MODEL.to_owned(),
            status: submission.status,
            output: None,
            charged: None,
            money_charged: None,
            error: None,
            raw: Raw::default(),
            webhook: None,
        }
    }
}

/// The service's document behind a job. A large answer is passed on as the
/// text it came as, never built whole: only what the providers read of it
/// is parsed (`parse_only`), and the caller's `JSON.parse` makes the rest,
/// when `job.raw` is first read.
///
/// ```
/// use kling_extend_core::types::job::Raw;
/// use kling_extend_core::types::json::{Keep, Value};
///
/// // A provider reads the status; the large `logs` is checked, never built.
/// const READ: Keep = Keep::Members(&[("status", Keep::All)]);
/// let raw = Raw::from_text(br#"{"status":"running","logs":[1,2,3]}"#, &READ).unwrap();
/// assert_eq!(raw.read().get("status").and_then(Value::as_str), Some("running"));
/// assert_eq!(raw.read().get("logs"), None);
/// assert!(matches!(&raw, Raw::Text { text, .. } if text.contains("logs")), "the text goes on whole");
/// assert_eq!(Raw::default(), Raw::Value(Value::Null), "no read came yet");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// As received: `text`, and `read`, the part of it a provider reads.
    Text {
        /// The document's text, a byte order mark left out.
        text: String,
        /// The members a provider reads, built; the rest read through.
        read: Value,
    },
    /// A document built: one a caller gave as an object, one that had to
    /// change (a credential taken out), or none (`Null`: no read came yet).
    Value(Value),
}

impl Default for Raw {
    fn default() -> Self {
        Raw::Value(Value::Null)
    }
}

impl Raw {
    /// A document's bytes, of which the parts `keep` names are read.
    /// Fails when the bytes are not one JSON document (the parts not kept
    /// are checked too).
    ///
    /// ```
    /// use kling_extend_core::types::job::Raw;
    /// use kling_extend_core::types::json::Keep;
    ///
    /// let raw = Raw::from_text(b"\xEF\xBB\xBF{\"id\":\"j1\"}", &Keep::All).unwrap();
    /// assert!(matches!(raw, Raw::Text { text, .. } if text == r#"{"id":"j1"}"#), "no byte order mark");
    /// assert!(Raw::from_text(br#"{"id":"j1","x":[1,]}"#, &Keep::Nothing).is_err());
    /// ```
    pub fn from_text(bytes: &[u8], keep: &Keep) -> Result<Raw, ParseError> {
        let read = parse_only(bytes, keep)?;
        // A byte order mark is no part of the document. What parsed is UTF-8
        // (strings are checked, the rest is ASCII), so the check cannot fail.
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap_or_default();
        Ok(Raw::Text { text: text.to_owned(), read })
    }

    /// What a provider reads of the document.
    /// The parts kept of a text, or a built document whole.
    ///
    /// ```
    /// use kling_extend_core::types::job::Raw;
    /// use kling_extend_core::types::json::{Keep, Value};
    ///
    /// let built = Raw::Value(Value::from("whole"));
    /// assert_eq!(built.read(), &Value::from("whole"));
    /// let text = Raw::from_text(br#"{"id":"j1"}"#, &Keep::Nothing).unwrap();
    /// assert_eq!(text.read(), &Value::Null, "nothing was kept");
    /// ```
    pub fn read(&self) -> &Value {
        match self {
            Raw::Text { read, .. } => read,
            Raw::Value(document) => document,
        }
    }
}

/// A Standard Webhooks delivery's identity: its `webhook-id` (the same for
/// every retry of one message) and `webhook-timestamp` (Unix seconds).
///
/// ```
/// use kling_extend_core::types::job::Delivery;
/// use kling_extend_core::types::json::Value;
///
/// let delivery = Delivery { id: "msg_1".into(), timestamp: 1_700_000_000 };
/// assert_eq!(Value::from(delivery).to_json(), r#"{"id":"msg_1","timestamp":1700000000}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    /// The `webhook-id` header: a handler that saw it already drops the delivery.
    pub id: String,
    /// The `webhook-timestamp` header, in Unix seconds.
    pub timestamp: u64,
}

/// `{ id, timestamp }`.
impl From<Delivery> for Value {
    fn from(delivery: Delivery) -> Value {
        object([("id", Some(delivery.id.into())), ("timestamp", Some(Value::Number(delivery.timestamp as f64)))])
    }
}

/// What a job cost, in the unit its service bills.
///
/// ```
/// use kling_extend_core::types::job::{Charge, Job, Status, Submission};
/// use kling_extend_core::types::json::Value;
/// use kling_extend_core::types::provider::ProviderName;
///
/// # let submission = Submission { job_id: "t1".into(), status: Status::Succeeded, provider: ProviderName::Kling, request_id: None };
/// let job = Job { charged: Some(Charge::Units(3.5)), ..Job::accepted(&submission) };
/// assert_eq!(Value::from(job).get("units_charged").and_then(Value::as_f64), Some(3.5));
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Charge {
    /// Trinetra's credits, which are rupees (`credits_charged`).
    Credits(f64),
    /// Kling's resource-pack units, its `final_unit_deduction` (`units_charged`).
    Units(f64),
}

/// An amount of money a service reports, in its currency when it names one.
///
/// ```
/// use kling_extend_core::types::job::Money;
/// use kling_extend_core::types::json::Value;
///
/// let money = Money { amount: 0.49, currency: Some("USD".into()) };
/// assert_eq!(Value::from(money).to_json(), r#"{"amount":0.49,"currency":"USD"}"#);
/// assert_eq!(Value::from(Money { amount: 2.0, currency: None }).to_json(), r#"{"amount":2}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Money {
    /// The amount, in the currency's units (not cents).
    pub amount: f64,
    /// The currency's code (`USD`), when the service names it.
    pub currency: Option<String>,
}

/// `{ amount, currency? }`.
impl From<Money> for Value {
    fn from(money: Money) -> Value {
        object([("amount", Some(money.amount.into())), ("currency", money.currency.map(Value::from))])
    }
}

/// What a successful submit resolves with.
///
/// ```
/// use kling_extend_core::types::job::{Status, Submission};
/// use kling_extend_core::types::json::Value;
/// use kling_extend_core::types::provider::ProviderName;
///
/// let submission = Submission {
///     job_id: "j1".into(),
///     status: Status::Queued,
///     provider: ProviderName::Trinetra,
///     request_id: Some("r1".into()),
/// };
/// let value = Value::from(submission);
/// assert_eq!(value.to_json(), r#"{"job_id":"j1","status":"queued","provider":"trinetra","request_id":"r1"}"#);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    /// The job's id, to read or poll it by.
    pub job_id: String,
    /// Where the job was when the submit was answered (usually queued).
    pub status: Status,
    /// The service that took the job.
    pub provider: ProviderName,
    /// The service's id of the submit request, for its support.
    pub request_id: Option<String>,
}

/// `{ url, type, id?, duration? }`.
impl From<Video> for Value {
    fn from(video: Video) -> Value {
        object([
            ("url", Some(video.url.into())),
            ("type", Some(video.kind.into())),
            ("id", video.id.map(Value::from)),
            ("duration", video.duration.map(Value::from)),
        ])
    }
}

impl From<Output> for Value {
    fn from(output: Output) -> Value {
        object([("outputs", Some(output.outputs.into()))])
    }
}

/// Keys as the services name them (`credits_charged`), like [`Submission`]'s.
impl From<Job> for Value {
    fn from(job: Job) -> Value {
        object([
            ("id", Some(job.id.into())),
            ("model", Some(job.model.into())),
            ("status", Some(job.status.as_str().into())),
            ("output", job.output.map(Value::from)),
            (
                "credits_charged",
                match job.charged {
                    Some(Charge::Credits(credits)) => Some(credits.into()),
                    _ => None,
                },
            ),
            (
                "units_charged",
                match job.charged {
                    Some(Charge::Units(units)) => Some(units.into()),
                    _ => None,
                },
            ),
            ("money_charged", job.money_charged.map(Value::from)),
            ("error", job.error.map(Value::from)),
            // The text of a document as received, for the I/O layer to make
            // `raw` of (lib/boundary.js); a built one as itself.
            match job.raw {
                Raw::Text { text, .. } => (RAW_TEXT, Some(Value::String(text))),
                Raw::Value(document) => ("raw", Some(document)),
            },
            ("webhook", job.webhook.map(Value::from)),
        ])
    }
}

impl From<Submission> for Value {
    fn from(submission: Submission) -> Value {
        object([
            ("job_id", Some(submission.job_id.into())),
            ("status", Some(submission.status.as_str().into())),
            ("provider", Some(submission.provider.as_str().into())),
            ("request_id", submission.request_id.map(Value::from)),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    fn kling_job() -> Job {
        Job {
            id: "t1".into(),
            model: "kling-extend-video".into(),
            status: Status::Succeeded,
            output: None,
            charged: None,
            money_charged: None,
            error: None,
            raw: Raw::default(),
            webhook: None,
        }
    }

    #[test]
    fn jobs_and_submissions_keep_the_services_keys() {
        let video = Video { url: "u".into(), kind: "video", id: None, duration: Some(5.1) };
        let job = Job {
            id: "j1".into(),
            model: "m".into(),
            status: Status::Succeeded,
            output: Some(Output { outputs: vec![video] }),
            charged: Some(Charge::Credits(95.0)),
            money_charged: None,
            error: None,
            raw: Raw::Value(parse(br#"{"id":"j1","n":[1,null]}"#).unwrap()),
            webhook: None,
        };
        let text = r#"{"id":"j1","model":"m","status":"succeeded","output":{"outputs":[{"url":"u","type":"video","duration":5.1}]},"credits_charged":95,"raw":{"id":"j1","n":[1,null]}}"#;
        assert_eq!(Value::from(job).to_json(), text);
        let kling = Job {
            charged: Some(Charge::Units(3.5)),
            money_charged: Some(Money { amount: 0.49, currency: Some("USD".into()) }),
            output: None,
            ..kling_job()
        };
        let text = Value::from(kling).to_json();
        assert!(text.contains(r#""units_charged":3.5,"money_charged":{"amount":0.49,"currency":"USD"}"#), "{text}");
        assert!(!text.contains("credits_charged"), "{text}");
        let received = Raw::from_text(br#"{"id":"j1","x":[1]}"#, &Keep::Members(&[("id", Keep::All)])).unwrap();
        assert_eq!(received.read().to_json(), r#"{"id":"j1"}"#, "only what is read is built");
        let text = Value::from(Job { raw: received, ..kling_job() }).to_json();
        assert!(
            text.ends_with(r#""rawText":"{\"id\":\"j1\",\"x\":[1]}"}"#),
            "the document goes on as its text: {text}"
        );
        let submission =
            Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Kling, request_id: None };
        assert_eq!(Value::from(submission).to_json(), r#"{"job_id":"j1","status":"queued","provider":"kling"}"#);
    }

    #[test]
    fn maps_both_services_words_and_keeps_unknown_ones_running() {
        assert_eq!(Status::from_wire("submitted"), Status::Queued);
        assert_eq!(Status::from_wire("processing"), Status::Running);
        assert_eq!(Status::from_wire("succeed"), Status::Succeeded);
        assert_eq!(Status::from_wire("cancelled"), Status::Canceled);
        assert_eq!(Status::from_wire("paused_for_review"), Status::Running);
        assert!(!Status::from_wire("paused_for_review").is_terminal());
    }
}
