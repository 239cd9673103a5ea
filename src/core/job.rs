//! The contract's `Job` and `Submission`, the same for every provider.

use super::error::{Error, Result};
use super::fields::Fields;
use super::json::{object, Value};
use super::url::encode_segment;

/// Which service a document came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderName {
    Trinetra,
    Kling,
}

impl ProviderName {
    /// The `provider` member of `f`; Trinetra, the default, when absent.
    pub fn from_fields(f: &Fields) -> Result<ProviderName> {
        Ok(Self::optional(f)?.unwrap_or(ProviderName::Trinetra))
    }

    /// The `provider` member of `f`, if given.
    pub fn optional(f: &Fields) -> Result<Option<ProviderName>> {
        match f.string("provider")? {
            None => Ok(None),
            Some("trinetra") => Ok(Some(ProviderName::Trinetra)),
            Some("kling") => Ok(Some(ProviderName::Kling)),
            Some(_) => Err(Error::invalid("provider", "must be \"trinetra\" or \"kling\"")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Trinetra => "trinetra",
            ProviderName::Kling => "kling",
        }
    }
}

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

#[derive(Clone, Debug, PartialEq)]
pub struct Job {
    pub id: String,
    pub model: String,
    pub status: Status,
    pub output: Option<Output>,
    pub credits_charged: Option<f64>,
    pub error: Option<String>,
    /// The service's document exactly as received.
    pub raw: Value,
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
            ("credits_charged", job.credits_charged.map(Value::from)),
            ("error", job.error.map(Value::from)),
            ("raw", Some(job.raw)),
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

/// A job id fit to be a URL path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobId(String);

impl JobId {
    pub fn parse(id: &Value) -> Result<JobId> {
        let Some(text) = id.as_str() else {
            return Err(Error::invalid("jobId", &format!("must be a string, not {}", id.kind())));
        };
        if text.trim().is_empty() || text.len() > 512 {
            return Err(Error::invalid("jobId", "must be a non-empty string of at most 512 bytes"));
        }
        // "." and ".." would be resolved away by URL parsers and change the route.
        if text.bytes().all(|b| b == b'.') {
            return Err(Error::invalid("jobId", "is not a valid id"));
        }
        Ok(JobId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segment(&self) -> String {
        encode_segment(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    #[test]
    fn jobs_and_submissions_keep_the_services_keys() {
        let video = Video { url: "u".into(), kind: "video", id: None, duration: Some(5.1) };
        let job = Job {
            id: "j1".into(),
            model: "m".into(),
            status: Status::Succeeded,
            output: Some(Output { outputs: vec![video] }),
            credits_charged: Some(95.0),
            error: None,
            raw: parse(br#"{"id":"j1","n":[1,null]}"#).unwrap(),
        };
        let text = r#"{"id":"j1","model":"m","status":"succeeded","output":{"outputs":[{"url":"u","type":"video","duration":5.1}]},"credits_charged":95,"raw":{"id":"j1","n":[1,null]}}"#;
        assert_eq!(Value::from(job).to_json(), text);
        let submission =
            Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Kling, request_id: None };
        assert_eq!(Value::from(submission).to_json(), r#"{"job_id":"j1","status":"queued","provider":"kling"}"#);
    }

    #[test]
    fn job_ids_cannot_change_the_route() {
        assert_eq!(JobId::parse(&Value::String("a/../b".into())).unwrap().segment(), "a%2F..%2Fb");
        for bad in [r#""""#, r#"" ""#, r#"".""#, r#""..""#, "7", "null"] {
            assert!(JobId::parse(&parse(bad.as_bytes()).unwrap()).is_err(), "{bad}");
        }
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
