//! The one error every call fails with: the npm package's `KlingExtendError`.

use crate::driver::Cause;
use crate::types::Job;
use kling_extend_core::types::error::{Error as CoreError, ErrorCode as CoreCode};
use std::fmt;
use std::time::Duration;

/// What went wrong, to branch on (never on the message).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorCode {
    /// A request or option the core refused; [`Error::field`] names it.
    InvalidRequest,
    /// The credential was refused.
    Unauthorized,
    /// The credential may not do this.
    Forbidden,
    /// The account cannot pay for the job.
    InsufficientCredits,
    /// No such job or video.
    NotFound,
    /// Too many requests; retried by the client as far as it may.
    RateLimited,
    /// The service refused the content.
    ContentPolicy,
    /// The service failed.
    ServerError,
    /// The network failed.
    NetworkError,
    /// An attempt or a wait took too long.
    Timeout,
    /// The call was stopped.
    Aborted,
    /// The job failed.
    JobFailed,
    /// The job was canceled.
    JobCanceled,
    /// The service's answer could not be read.
    BadResponse,
}

impl ErrorCode {
    /// The code's name in the npm package's contract (`"rate_limited"`).
    pub fn as_str(self) -> &'static str {
        // The core's list is the contract's: each code maps to one of it.
        CoreCode::ALL.into_iter().find(|core| ErrorCode::from(*core) == self).map_or("", CoreCode::as_str)
    }
}

impl From<CoreCode> for ErrorCode {
    fn from(code: CoreCode) -> ErrorCode {
        match code {
            CoreCode::InvalidRequest => ErrorCode::InvalidRequest,
            CoreCode::Unauthorized => ErrorCode::Unauthorized,
            CoreCode::Forbidden => ErrorCode::Forbidden,
            CoreCode::InsufficientCredits => ErrorCode::InsufficientCredits,
            CoreCode::NotFound => ErrorCode::NotFound,
            CoreCode::RateLimited => ErrorCode::RateLimited,
            CoreCode::ContentPolicy => ErrorCode::ContentPolicy,
            CoreCode::ServerError => ErrorCode::ServerError,
            CoreCode::NetworkError => ErrorCode::NetworkError,
            CoreCode::Timeout => ErrorCode::Timeout,
            CoreCode::Aborted => ErrorCode::Aborted,
            CoreCode::JobFailed => ErrorCode::JobFailed,
            CoreCode::JobCanceled => ErrorCode::JobCanceled,
            CoreCode::BadResponse => ErrorCode::BadResponse,
        }
    }
}

/// A call's failure, with what a caller needs to decide what to do next.
///
/// ```
/// use kling_extend_client::{Error, ErrorCode};
///
/// fn retry_later(error: &Error) -> bool {
///     error.is_retryable() && error.code() != ErrorCode::InvalidRequest
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Error {
    /// Boxed: a `Result` of it stays two words wide.
    inner: Box<CoreError>,
    source: Cause,
}

impl Error {
    pub(crate) fn new(inner: CoreError, source: Cause) -> Self {
        Error { inner: Box::new(inner), source }
    }

    /// What went wrong.
    pub fn code(&self) -> ErrorCode {
        self.inner.code.into()
    }

    /// The service's HTTP status, when it answered.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Whether the same call may succeed if made again later.
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// Whether a submit may have reached the service although the call
    /// failed: look for the job before submitting again (or pay twice).
    pub fn maybe_submitted(&self) -> bool {
        self.inner.maybe_submitted == Some(true)
    }

    /// The service's own code for the failure, when it sent one: Kling's
    /// envelope `code` (`1102`, the account's resource pack is used up),
    /// which says more than the HTTP status.
    ///
    /// ```
    /// use kling_extend_client::Error;
    ///
    /// fn out_of_credits(error: &Error) -> bool {
    ///     error.provider_code() == Some(1102)
    /// }
    /// ```
    pub fn provider_code(&self) -> Option<i64> {
        self.inner.provider_code
    }

    /// The service's id of the request, for its support.
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// How long the service asked to wait before trying again.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after_ms.map(Duration::from_millis)
    }

    /// The request's field or option an `InvalidRequest` is about.
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The job the error is about (a job that failed, or one accepted before
    /// the call failed: it was paid for).
    pub fn job(&self) -> Option<Job> {
        self.inner.job.as_deref().cloned().map(Job::from)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.inner.code.as_str(), self.inner.message)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as _)
    }
}

impl From<CoreError> for Error {
    fn from(inner: CoreError) -> Self {
        Error::new(inner, None)
    }
}
