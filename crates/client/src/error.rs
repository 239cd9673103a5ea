//! The one error every call fails with: the npm package's `KlingExtendError`.

use crate::driver::Cause;
use crate::types::Job;
use kling_extend_core::types::error::{Error as CoreError, ErrorCode as CoreCode};
use std::fmt;
use std::time::Duration;

/// What went wrong, to branch on (never on the message).
///
/// ```
/// use kling_extend_client::ErrorCode;
///
/// fn advice(code: ErrorCode) -> &'static str {
///     match code {
///         ErrorCode::Unauthorized | ErrorCode::Forbidden => "check the key",
///         ErrorCode::InsufficientCredits => "top up the account",
///         ErrorCode::RateLimited | ErrorCode::ServerError | ErrorCode::NetworkError => "try again later",
///         _ => "see the message",
///     }
/// }
/// ```
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
    ///
    /// ```
    /// assert_eq!(kling_extend_client::ErrorCode::RateLimited.as_str(), "rate_limited");
    /// ```
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
    ///
    /// ```
    /// use kling_extend_client::{quote, ErrorCode, Pricing};
    ///
    /// let refused = quote(Pricing::default(), f64::NAN).unwrap_err();
    /// assert_eq!(refused.code(), ErrorCode::InvalidRequest);
    /// ```
    pub fn code(&self) -> ErrorCode {
        self.inner.code.into()
    }

    /// The service's HTTP status, when it answered.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) {
    /// if let Err(error) = client.get_job("job_1").await {
    ///     eprintln!("HTTP {:?}: {error}", error.status()); // None when no answer came
    /// }
    /// # }
    /// ```
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// Whether the same call may succeed if made again later.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// // The client has retried already; a later attempt (a queue's) may still succeed.
    /// match client.get_job("job_1").await {
    ///     Err(error) if error.is_retryable() => println!("again later, after {:?}", error.retry_after()),
    ///     other => println!("{:?}", other?.status),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn is_retryable(&self) -> bool {
        self.inner.retryable
    }

    /// Whether a submit may have reached the service although the call
    /// failed: look for the job before submitting again (or pay twice).
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::ExtendRequest;
    ///
    /// match client.extend_video(ExtendRequest::video("vid_1")).await {
    ///     Ok(submission) => println!("{}", submission.job_id),
    ///     Err(error) if error.maybe_submitted() => println!("do not submit again blindly: {error}"),
    ///     Err(error) => return Err(error),
    /// }
    /// # Ok(())
    /// # }
    /// ```
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
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) {
    /// if let Err(error) = client.get_job("job_1").await {
    ///     eprintln!("{error} (request {})", error.request_id().unwrap_or("unknown"));
    /// }
    /// # }
    /// ```
    pub fn request_id(&self) -> Option<&str> {
        self.inner.request_id.as_deref()
    }

    /// How long the service asked to wait before trying again.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) {
    /// use kling_extend_client::ErrorCode;
    /// use std::time::Duration;
    ///
    /// if let Err(error) = client.get_job("job_1").await {
    ///     if error.code() == ErrorCode::RateLimited {
    ///         tokio::time::sleep(error.retry_after().unwrap_or(Duration::from_secs(1))).await;
    ///     }
    /// }
    /// # }
    /// ```
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after_ms.map(Duration::from_millis)
    }

    /// The request's field or option an `InvalidRequest` is about.
    ///
    /// ```
    /// use kling_extend_client::{quote_chain, ChainInput, Pricing};
    ///
    /// let refused = quote_chain(Pricing::default(), ChainInput::new(-5.0, 2)).unwrap_err();
    /// assert_eq!(refused.field(), Some("sourceSeconds"));
    /// ```
    pub fn field(&self) -> Option<&str> {
        self.inner.field.as_deref()
    }

    /// The job the error is about (a job that failed, or one accepted before
    /// the call failed: it was paid for).
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) {
    /// use kling_extend_client::{ErrorCode, ExtendRequest};
    ///
    /// if let Err(error) = client.run(ExtendRequest::video("vid_1")).await {
    ///     match error.job() {
    ///         Some(job) if error.code() == ErrorCode::JobFailed => eprintln!("{} failed: {:?}", job.id, job.error),
    ///         Some(job) => eprintln!("{} was accepted, then {error}: poll it later", job.id),
    ///         None => eprintln!("nothing was accepted: {error}"),
    ///     }
    /// }
    /// # }
    /// ```
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
