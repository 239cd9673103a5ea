//! The one error type every failure becomes: the contract's `KlingExtendError`.

use crate::types::job::Job;
use crate::types::json::{Value, object};

/// The contract's error codes; callers branch on these, never on messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    InvalidRequest,
    Unauthorized,
    Forbidden,
    InsufficientCredits,
    NotFound,
    RateLimited,
    ContentPolicy,
    ServerError,
    NetworkError,
    Timeout,
    Aborted,
    JobFailed,
    JobCanceled,
    BadResponse,
}

impl ErrorCode {
    /// Every code, in the contract's order (`src/js/lib/contract.js` lists them so).
    pub const ALL: [ErrorCode; 14] = [
        ErrorCode::InvalidRequest,
        ErrorCode::Unauthorized,
        ErrorCode::Forbidden,
        ErrorCode::InsufficientCredits,
        ErrorCode::NotFound,
        ErrorCode::RateLimited,
        ErrorCode::ContentPolicy,
        ErrorCode::ServerError,
        ErrorCode::NetworkError,
        ErrorCode::Timeout,
        ErrorCode::Aborted,
        ErrorCode::JobFailed,
        ErrorCode::JobCanceled,
        ErrorCode::BadResponse,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidRequest => "invalid_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::InsufficientCredits => "insufficient_credits",
            ErrorCode::NotFound => "not_found",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::ContentPolicy => "content_policy",
            ErrorCode::ServerError => "server_error",
            ErrorCode::NetworkError => "network_error",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Aborted => "aborted",
            ErrorCode::JobFailed => "job_failed",
            ErrorCode::JobCanceled => "job_canceled",
            ErrorCode::BadResponse => "bad_response",
        }
    }
}

/// A failure with everything a caller needs to decide what to do next.
///
/// Messages are written by this crate or taken (trimmed) from a service's error
/// body; credentials never reach them because requests are not echoed.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// Whether the same call may succeed if made again later.
    pub retryable: bool,
    pub status: Option<u16>,
    pub provider_code: Option<i64>,
    pub request_id: Option<String>,
    pub retry_after_ms: Option<u64>,
    pub field: Option<String>,
    pub job: Option<Box<Job>>,
    pub maybe_submitted: Option<bool>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest job id a message names; a longer one is only in `job`.
const MAX_NAMED_ID: usize = 256;

impl Error {
    /// An `invalid_request` always names a field: "request" (the whole of
    /// it) until something more precise is known, as when a service refuses
    /// a request without saying which part.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            retryable: false,
            status: None,
            provider_code: None,
            request_id: None,
            retry_after_ms: None,
            field: (code == ErrorCode::InvalidRequest).then(|| "request".to_owned()),
            job: None,
            maybe_submitted: None,
        }
    }

    /// Bad input from the caller: names the field and why.
    pub fn invalid(field: &str, why: &str) -> Self {
        Error { field: Some(field.to_owned()), ..Error::new(ErrorCode::InvalidRequest, field.to_owned() + " " + why) }
    }

    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Attaches the job the error is about and names it in the message, so
    /// a log of messages alone still finds the job: an id too long to read
    /// is left to `job`.
    pub fn with_job(mut self, job: Job) -> Self {
        let id = if job.id.len() <= MAX_NAMED_ID { job.id.as_str() } else { "in error.job" };
        self.message.push_str(" (job ");
        // Without control characters: a hostile id cannot forge a log line.
        self.message.extend(id.chars().filter(|c| !c.is_control()));
        self.message.push(')');
        self.job = Some(Box::new(job));
        self
    }

    pub fn maybe_submitted(mut self, maybe: bool) -> Self {
        self.maybe_submitted = Some(maybe);
        self
    }
}

/// The contract's keys are camelCase; absent members are left out.
impl From<Error> for Value {
    fn from(error: Error) -> Value {
        object([
            ("code", Some(error.code.as_str().into())),
            ("message", Some(error.message.into())),
            ("retryable", Some(error.retryable.into())),
            ("status", error.status.map(|s| Value::Number(s.into()))),
            ("providerCode", error.provider_code.map(|c| Value::Number(c as f64))),
            ("requestId", error.request_id.map(Value::from)),
            ("retryAfterMs", error.retry_after_ms.map(Value::from)),
            ("field", error.field.map(Value::from)),
            ("job", error.job.map(|job| Value::from(*job))),
            ("maybeSubmitted", error.maybe_submitted.map(Value::from)),
        ])
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::job::Status;

    #[test]
    fn errors_keep_their_camel_case_keys_and_leave_out_what_they_lack() {
        let plain = Error::invalid("prompt", "is too long");
        let text = r#"{"code":"invalid_request","message":"prompt is too long","retryable":false,"field":"prompt"}"#;
        assert_eq!(Value::from(plain).to_json(), text);
        let full = Error {
            status: Some(429),
            provider_code: Some(1302),
            request_id: Some("r1".into()),
            retry_after_ms: Some(1500),
            ..Error::new(ErrorCode::RateLimited, "slow down").retryable(true).maybe_submitted(false)
        };
        let text = r#"{"code":"rate_limited","message":"slow down","retryable":true,"status":429,"providerCode":1302,"requestId":"r1","retryAfterMs":1500,"maybeSubmitted":false}"#;
        assert_eq!(Value::from(full).to_json(), text);
    }

    #[test]
    fn a_failed_job_travels_with_its_error() {
        let job = Job {
            id: "j1".into(),
            model: "m".into(),
            status: Status::Failed,
            output: None,
            charged: None,
            money_charged: None,
            error: Some("boom".into()),
            raw: crate::types::job::Raw::default(),
            webhook: None,
        };
        let error = Value::from(Error::new(ErrorCode::JobFailed, "boom").with_job(job.clone()));
        let text = r#"{"id":"j1","model":"m","status":"failed","error":"boom","raw":null}"#;
        assert_eq!(error.get("job").map(Value::to_json).as_deref(), Some(text));
        assert_eq!(error.get("message").and_then(Value::as_str), Some("boom (job j1)"));
        let forged = Job { id: "j1\n[kling-extend] forged\u{1b}[31m".into(), ..job.clone() };
        let named = Error::new(ErrorCode::JobFailed, "boom").with_job(forged).message;
        assert_eq!(named, "boom (job j1[kling-extend] forged[31m)", "no control character from the id");
        let long = Job { id: "j".repeat(MAX_NAMED_ID + 1), ..job };
        assert_eq!(Error::new(ErrorCode::JobFailed, "boom").with_job(long).message, "boom (job in error.job)");
    }
}
