//! The seam to the caller's HTTP client: one exchange at a time, as the
//! core asks for it. A transport never follows a redirect (the credential
//! would go with it) and stops reading a body past the limit it is given.

use crate::runtime::BoxFuture;
use crate::send::{MaybeSend, MaybeSync};
use std::fmt;

/// One HTTP request the core decided, headers and body final. Its `Debug`
/// shows header names only: their values may be credentials.
///
/// ```
/// use kling_extend_client::HttpRequest;
///
/// /// What a transport for `ureq`, `hyper` or a test would log of it.
/// fn describe(request: &HttpRequest) -> String {
///     format!("{} {} ({} bytes)", request.method, request.url, request.body.as_ref().map_or(0, Vec::len))
/// }
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct HttpRequest {
    /// `GET` or `POST`.
    pub method: &'static str,
    /// The whole URL.
    pub url: String,
    /// Names and values, in order; values may be credentials, so this type
    /// is not meant to be logged.
    pub headers: Vec<(String, String)>,
    /// A JSON document's bytes, for a `POST`.
    pub body: Option<Vec<u8>>,
    /// Stop reading the answer's body past this many bytes, and fail with
    /// [`TransportErrorKind::TooLarge`].
    pub max_bytes: u32,
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<(&str, &str)> = self.headers.iter().map(|(name, _)| (name.as_str(), "[redacted]")).collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &headers)
            .field("body", &self.body.as_ref().map(Vec::len))
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

/// The service's answer.
///
/// ```
/// use kling_extend_client::HttpResponse;
///
/// let answer = HttpResponse {
///     status: 200,
///     headers: vec![("content-type".into(), "application/json".into())],
///     body: br#"{"id":"job_1","status":"queued"}"#.to_vec(),
/// };
/// ```
#[derive(Clone, Debug, Default)]
pub struct HttpResponse {
    /// The HTTP status.
    pub status: u16,
    /// Names (any case) and values; the core reads `content-type`,
    /// `retry-after` and `x-request-id`.
    pub headers: Vec<(String, String)>,
    /// The body, at most the request's `max_bytes`.
    pub body: Vec<u8>,
}

/// Performs HTTP exchanges for a [`Client`](crate::Client). Any async HTTP
/// client can be one; the `reqwest` feature has one ready.
///
/// ```
/// use kling_extend_client::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
///
/// /// A transport for tests that refuses every request before sending it.
/// struct Offline;
///
/// impl HttpClient for Offline {
///     fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
///         Box::pin(async { Err(TransportError::new(TransportErrorKind::NeverSent)) })
///     }
/// }
/// ```
pub trait HttpClient: MaybeSend + MaybeSync + 'static {
    /// Sends `request` and reads its answer. A 3xx answer is returned as is
    /// (not followed), a browser's opaque redirect, whose status it hides,
    /// as status 0; a body past `request.max_bytes` is
    /// [`TransportErrorKind::TooLarge`]. The per-attempt timeout is the
    /// client's: it drops this future when the time is up.
    ///
    /// ```
    /// use kling_extend_client::{BoxFuture, HttpClient, HttpRequest, HttpResponse, TransportError};
    ///
    /// /// Answers every request with the same job, as a test's fixture.
    /// struct Fixed(&'static str);
    ///
    /// impl HttpClient for Fixed {
    ///     fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
    ///         let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    ///         Box::pin(async move { Ok(HttpResponse { status: 200, headers, body: self.0.as_bytes().to_vec() }) })
    ///     }
    /// }
    /// ```
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>>;
}

/// How an exchange failed without an answer; what the core makes of it
/// (whether a submit may have reached the service) depends on the kind.
///
/// ```
/// use kling_extend_client::TransportErrorKind;
///
/// /// A transport's own error, sorted: only a connection never made proves nothing was sent.
/// fn kind(error: &std::io::Error) -> TransportErrorKind {
///     match error.kind() {
///         std::io::ErrorKind::ConnectionRefused => TransportErrorKind::ConnectFailed,
///         std::io::ErrorKind::InvalidInput => TransportErrorKind::NeverSent,
///         _ => TransportErrorKind::Network,
///     }
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection was made (refused, DNS): nothing was sent.
    ConnectFailed,
    /// The request was refused before it left (a URL or header the client
    /// cannot send): nothing was sent, and trying again cannot help.
    NeverSent,
    /// Failed after the request may have left (reset, dropped, unknown).
    Network,
    /// The answer's body passed the request's `max_bytes`.
    TooLarge,
}

/// A failed exchange: its kind and, when the HTTP client gave one, its error.
///
/// ```
/// use kling_extend_client::{TransportError, TransportErrorKind};
///
/// let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
/// let error = TransportError::new(TransportErrorKind::Network).with_source(reset);
/// assert!(std::error::Error::source(&error).is_some());
/// ```
#[derive(Debug)]
pub struct TransportError {
    kind: TransportErrorKind,
    source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A failure of `kind`, without a cause.
    ///
    /// ```
    /// # use kling_extend_client::{TransportError, TransportErrorKind};
    /// let error = TransportError::new(TransportErrorKind::TooLarge);
    /// ```
    pub fn new(kind: TransportErrorKind) -> Self {
        TransportError { kind, source: None }
    }

    /// The same failure, caused by the HTTP client's `source`.
    ///
    /// ```
    /// # use kling_extend_client::{TransportError, TransportErrorKind};
    /// let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
    /// let error = TransportError::new(TransportErrorKind::ConnectFailed).with_source(refused);
    /// ```
    pub fn with_source(mut self, source: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What kind of failure it was.
    ///
    /// ```
    /// # use kling_extend_client::{TransportError, TransportErrorKind};
    /// assert_eq!(TransportError::new(TransportErrorKind::NeverSent).kind(), TransportErrorKind::NeverSent);
    /// ```
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    pub(crate) fn into_source(self) -> Option<Box<dyn std::error::Error + Send + Sync>> {
        self.source
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the HTTP exchange failed ({:?})", self.kind)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|source| source as _)
    }
}
