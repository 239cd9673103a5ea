//! The one error type every failure becomes: the contract's `KlingExtendError`.
//!
//! A driver hands it on as a value, whose keys are the contract's:
//!
//! ```
//! use kling_extend_core::types::error::Error;
//! use kling_extend_core::types::json::Value;
//!
//! let error = Error::invalid("prompt", "is too long");
//! assert_eq!(
//!     Value::from(error).to_json(),
//!     r#"{"code":"invalid_request","message":"prompt is too long","retryable":false,"field":"prompt"}"#
//! );
//! ```

use crate::types::job::Job;
use crate::types::json::{Value, object};

/// The contract's error codes; callers branch on these, never on messages.
///
/// ```
/// use kling_extend_core::types::error::{Error, ErrorCode};
///
/// let error = Error::invalid("video_id", "is required");
/// match error.code {
///     ErrorCode::InvalidRequest => assert_eq!(error.field.as_deref(), Some("video_id")),
///     other => panic!("unexpected {other:?}"),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorCode {
    /// The request broke a rule, here or at the service (`field` says where).
    InvalidRequest,
    /// The credential was refused (HTTP 401, or the service's code for it).
    Unauthorized,
    /// The credential may not do this (HTTP 403, or the service's code for it).
    Forbidden,
    /// The account cannot pay for the job (HTTP 402).
    InsufficientCredits,
    /// No such job, or no such route (HTTP 404, 410, or the service's code).
    NotFound,
    /// Too many requests (HTTP 429); `retry_after_ms` says when to come back.
    RateLimited,
    /// The service refused the content (Kling's codes 1300, 1301).
    ContentPolicy,
    /// The service failed (HTTP 5xx).
    ServerError,
    /// No response arrived: the connection failed or was dropped.
    NetworkError,
    /// No answer in time: an attempt's timeout, or a wait for a job.
    Timeout,
    /// The caller stopped the call.
    Aborted,
    /// The job ended in failure; `job` holds it.
    JobFailed,
    /// The job was canceled; `job` holds it.
    JobCanceled,
    /// The service answered with something that is not what it promised.
    BadResponse,
}

impl ErrorCode {
    /// Every code, in the contract's order (`src/js/lib/contract.js` lists them so).
    ///
    /// ```
    /// use kling_extend_core::types::error::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::ALL.len(), 14);
    /// assert_eq!(ErrorCode::ALL[0], ErrorCode::InvalidRequest);
    /// assert_eq!(ErrorCode::ALL.iter().filter(|c| c.as_str() == "timeout").count(), 1);
    /// ```
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

    /// The contract's name of the code, in snake case (`"rate_limited"`).
    ///
    /// ```
    /// use kling_extend_core::types::error::ErrorCode;
    ///
    /// assert_eq!(ErrorCode::RateLimited.as_str(), "rate_limited");
    /// assert_eq!(ErrorCode::InsufficientCredits.as_str(), "insufficient_credits");
    /// ```
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
///
/// ```
/// use kling_extend_core::types::error::{Error, ErrorCode};
///
/// let error = Error::invalid("cfg_scale", "must be between 0 and 1");
/// assert_eq!(error.code, ErrorCode::InvalidRequest);
/// assert!(!error.retryable, "the same request fails the same way");
/// assert_eq!(error.to_string(), "cfg_scale must be between 0 and 1");
/// assert_eq!((error.status, error.job), (None, None), "no service was asked");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    /// What went wrong, for callers to branch on.
    pub code: ErrorCode,
    /// What went wrong, for people; also the error's `Display`.
    pub message: String,
    /// Whether the same call may succeed if made again later.
    pub retryable: bool,
    /// The HTTP status of the service's answer, when there was one.
    pub status: Option<u16>,
    /// The service's own error code (Kling's `code`), when it gave one.
    pub provider_code: Option<i64>,
    /// The service's id of the request, for its support.
    pub request_id: Option<String>,
    /// How long the service asked to wait before trying again.
    pub retry_after_ms: Option<u64>,
    /// The field of the request at fault (always set for `invalid_request`).
    pub field: Option<String>,
    /// The job the error is about: a failed or canceled one, or one
    /// submitted before the call failed, so the paid job is never lost.
    pub job: Option<Box<Job>>,
    /// For a submit: whether the service may have received it, so that
    /// trying again could start a second job (`None`: not a submit).
    pub maybe_submitted: Option<bool>,
}

/// A result whose error is the core's [`Error`].
///
/// ```
/// use kling_extend_core::types::error::{Error, Result};
///
/// fn seconds(n: f64) -> Result<u64> {
///     if n >= 1.0 { Ok(n as u64) } else { Err(Error::invalid("seconds", "must be at least 1")) }
/// }
/// assert_eq!(seconds(5.0).unwrap(), 5);
/// assert_eq!(seconds(0.0).unwrap_err().field.as_deref(), Some("seconds"));
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The longest job id a message names; a longer one is only in `job`.
const MAX_NAMED_ID: usize = 256;

impl Error {
    /// An `invalid_request` always names a field: "request" (the whole of
    /// it) until something more precise is known, as when a service refuses
    /// a request without saying which part.
    pub(crate) fn new(code: ErrorCode, message: impl Into<String>) -> Self {
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

    /// Bad input from the caller: names the field and why. The message is
    /// the field's name followed by `why`.
    ///
    /// ```
    /// use kling_extend_core::types::error::{Error, ErrorCode};
    ///
    /// let error = Error::invalid("options.timeoutMs", "must be a whole number");
    /// assert_eq!(error.code, ErrorCode::InvalidRequest);
    /// assert_eq!(error.field.as_deref(), Some("options.timeoutMs"));
    /// assert_eq!(error.message, "options.timeoutMs must be a whole number");
    /// ```
    pub fn invalid(field: &str, why: &str) -> Self {
        Error { field: Some(field.to_owned()), ..Error::new(ErrorCode::InvalidRequest, field.to_owned() + " " + why) }
    }

    pub(crate) fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    /// Attaches the job the error is about and names it in the message, so
    /// a log of messages alone still finds the job: an id too long to read
    /// is left to `job`.
    pub(crate) fn with_job(mut self, job: Job) -> Self {
        let id = if job.id.len() <= MAX_NAMED_ID { job.id.as_str() } else { "in error.job" };
        self.message.push_str(" (job ");
        // Without control characters: a hostile id cannot forge a log line.
        self.message.extend(id.chars().filter(|c| !c.is_control()));
        self.message.push(')');
        self.job = Some(Box::new(job));
        self
    }

    pub(crate) fn maybe_submitted(mut self, maybe: bool) -> Self {
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
