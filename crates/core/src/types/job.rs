//! The contract's `Job` and `Submission`, the same for every provider.

use crate::types::json::{Keep, ParseError, Value, object, parse_only};
use crate::types::provider::ProviderName;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl Status {
    /// Maps a service's status word. A word nobody knows is reported as
    /// `Running` (the document keeps the original in `raw`), so a new state on
    /// the service side never breaks a waiting client.
    pub fn from_wire(word: &str) -> Status {
        match word.to_ascii_lowercase().as_str() {
            "queued" | "pending" | "submitted" | "created" => Status::Queued,
            "succeeded" | "succeed" | "success" | "completed" => Status::Succeeded,
            "failed" | "error" => Status::Failed,
            "canceled" | "cancelled" => Status::Canceled,
            _ => Status::Running,
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }

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

#[derive(Clone, Debug, PartialEq)]
pub struct Video {
    pub url: String,
    /// Written as `type`, a word Rust reserves.
    pub kind: &'static str,
    pub id: Option<String>,
    pub duration: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Output {
    pub outputs: Vec<Video>,
}

/// The member a job's value carries its document's text in, as received
/// (`Raw::Text`): the I/O layer makes `raw` of it, and redaction reads it as
/// the document it is (`Redact for Value`).
pub const RAW_TEXT: &str = "rawText";

/// The contract's `model` of every job: the one operation the package does.
pub const MODEL: &str = "kling-extend-video";

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub model: String,
    pub status: Status,
    pub output: Option<Output>,
    pub charged: Option<Charge>,
    /// Kling: money taken from the account's balance, when Kling reports it.
    pub money_charged: Option<Money>,
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
#[derive(Clone, Debug, PartialEq)]
pub enum Raw {
    /// As received: `text`, and `read`, the part of it a provider reads.
    Text { text: String, read: Value },
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
    pub fn from_text(bytes: &[u8], keep: &Keep) -> Result<Raw, ParseError> {
        let read = parse_only(bytes, keep)?;
        // A byte order mark is no part of the document. What parsed is UTF-8
        // (strings are checked, the rest is ASCII), so the check cannot fail.
        let text = std::str::from_utf8(bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)).unwrap_or_default();
        Ok(Raw::Text { text: text.to_owned(), read })
    }

    /// What a provider reads of the document.
    pub fn read(&self) -> &Value {
        match self {
            Raw::Text { read, .. } => read,
            Raw::Value(document) => document,
        }
    }
}

/// A Standard Webhooks delivery's identity: its `webhook-id` (the same for
/// every retry of one message) and `webhook-timestamp` (Unix seconds).
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub id: String,
    pub timestamp: u64,
}

/// `{ id, timestamp }`.
impl From<Delivery> for Value {
    fn from(delivery: Delivery) -> Value {
        object([("id", Some(delivery.id.into())), ("timestamp", Some(Value::Number(delivery.timestamp as f64)))])
    }
}

/// What a job cost, in the unit its service bills.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Charge {
    /// Trinetra's credits, which are rupees (`credits_charged`).
    Credits(f64),
    /// Kling's resource-pack units, its `final_unit_deduction` (`units_charged`).
    Units(f64),
}

/// An amount of money a service reports, in its currency when it names one.
#[derive(Clone, Debug, PartialEq)]
pub struct Money {
    pub amount: f64,
    pub currency: Option<String>,
}

/// `{ amount, currency? }`.
impl From<Money> for Value {
    fn from(money: Money) -> Value {
        object([("amount", Some(money.amount.into())), ("currency", money.currency.map(Value::from))])
    }
}

/// What a successful submit resolves with.
#[derive(Clone, Debug, PartialEq)]
pub struct Submission {
    pub job_id: String,
    pub status: Status,
    pub provider: ProviderName,
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
