//! The one error type every failure becomes: the contract's `KlingExtendError`.

use super::job::Job;
use serde::Serialize;

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

impl Serialize for ErrorCode {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A failure with everything a caller needs to decide what to do next.
///
/// Messages are written by this crate or taken (trimmed) from a service's error
/// body; credentials never reach them because requests are not echoed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    /// Whether the same call may succeed if made again later.
    pub retryable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub job: Option<Box<Job>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub maybe_submitted: Option<bool>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            retryable: false,
            status: None,
            provider_code: None,
            request_id: None,
            retry_after_ms: None,
            field: None,
            job: None,
            maybe_submitted: None,
        }
    }

    /// Bad input from the caller: names the field and why.
    pub fn invalid(field: &str, why: impl std::fmt::Display) -> Self {
        Error { field: Some(field.to_owned()), ..Error::new(ErrorCode::InvalidRequest, format!("{field} {why}")) }
    }

    pub fn retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }

    pub fn with_job(mut self, job: Job) -> Self {
        self.job = Some(Box::new(job));
        self
    }

    pub fn maybe_submitted(mut self, maybe: bool) -> Self {
        self.maybe_submitted = Some(maybe);
        self
    }

    /// Replaces every occurrence of a credential in the message: the last
    /// line of defence against a service that echoes what it was sent.
    pub fn redact(mut self, secrets: &[&str]) -> Self {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            self.message = self.message.replace(secret, "[redacted]");
        }
        self
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
