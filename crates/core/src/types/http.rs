//! Plain HTTP values exchanged between the sans-IO core and whatever does I/O.
//!
//! The core hands a driver an [`HttpRequest`] to send; the driver hands back
//! an [`HttpResponse`] with only the [`RESPONSE_HEADERS`], or a [`Transport`]
//! failure when no response came:
//!
//! ```
//! use kling_extend_core::types::http::{HttpResponse, RESPONSE_HEADERS, Transport};
//!
//! // What a driver's HTTP library gave it, headers in any case.
//! let (status, headers, body) = (200, [("Content-Type", "application/json"), ("Set-Cookie", "a=1")], b"{}");
//! let response = HttpResponse {
//!     status,
//!     headers: headers
//!         .iter()
//!         .map(|(name, value)| (name.to_ascii_lowercase(), value.to_string()))
//!         .filter(|(name, _)| RESPONSE_HEADERS.contains(&name.as_str()))
//!         .collect(),
//!     body: body.to_vec(),
//! };
//! assert_eq!(response.headers, [("content-type".to_owned(), "application/json".to_owned())]);
//!
//! // Or, when the request failed, what the platform said of it.
//! assert_eq!(Transport::from_cause_code(Some("ECONNREFUSED")), Transport::ConnectFailed);
//! ```

use crate::types::json::Value;
use std::fmt;

/// The HTTP methods the services are called with.
///
/// ```
/// use kling_extend_core::types::http::Method;
///
/// assert_ne!(Method::Get, Method::Post);
/// assert_eq!(Method::Post.as_str(), "POST");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// Reads a job.
    Get,
    /// Submits a job.
    Post,
}

impl Method {
    /// The method's name as HTTP writes it, upper case.
    ///
    /// ```
    /// use kling_extend_core::types::http::Method;
    ///
    /// assert_eq!(Method::Get.as_str(), "GET");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A credential. Its `Debug` never shows the value, so logging a request or a
/// config cannot leak it.
///
/// ```
/// use kling_extend_core::types::http::Secret;
///
/// let key = Secret::new("sk_live_123".to_owned());
/// assert_eq!(format!("{key:?}"), "Secret([redacted])");
/// assert_eq!(key.expose(), "sk_live_123");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Holds `value` as a credential.
    ///
    /// ```
    /// use kling_extend_core::types::http::{HeaderValue, Secret};
    ///
    /// let header = HeaderValue::Secret(Secret::new("tk_1".to_owned()));
    /// assert!(!format!("{header:?}").contains("tk_1"));
    /// ```
    pub fn new(value: String) -> Self {
        Secret(value)
    }

    /// The credential itself, for the wire only: named so that every place
    /// that reads it stands out.
    ///
    /// ```
    /// use kling_extend_core::types::http::Secret;
    ///
    /// assert_eq!(Secret::new("tk_1".to_owned()).expose(), "tk_1");
    /// ```
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// A header value that is either plain or a credential.
///
/// ```
/// use kling_extend_core::types::http::{HeaderValue, Secret};
///
/// let plain = HeaderValue::Plain("application/json".to_owned());
/// let secret = HeaderValue::Secret(Secret::new("sk_1".to_owned()));
/// assert!(format!("{plain:?}").contains("application/json"));
/// assert!(!format!("{secret:?}").contains("sk_1"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    /// A value anyone may see (`content-type`).
    Plain(String),
    /// A credential (`x-api-key`, `authorization`), hidden from `Debug`.
    Secret(Secret),
}

impl HeaderValue {
    /// The value to send, a credential's too: what a driver puts on the wire.
    ///
    /// ```
    /// use kling_extend_core::types::http::{HeaderValue, Secret};
    ///
    /// assert_eq!(HeaderValue::Plain("1".to_owned()).as_str(), "1");
    /// assert_eq!(HeaderValue::Secret(Secret::new("sk_1".to_owned())).as_str(), "sk_1");
    /// ```
    pub fn as_str(&self) -> &str {
        match self {
            HeaderValue::Plain(v) => v,
            HeaderValue::Secret(s) => s.expose(),
        }
    }
}

/// A request for a driver to send exactly as it is: the core has already
/// chosen the URL, the headers and the body.
///
/// ```
/// use kling_extend_core::types::http::{HeaderValue, HttpRequest, Method, Secret};
/// use kling_extend_core::types::json::{Value, object};
///
/// let request = HttpRequest {
///     method: Method::Post,
///     url: "https://api.example.test/v1/extend".to_owned(),
///     headers: vec![("x-api-key".to_owned(), HeaderValue::Secret(Secret::new("sk_1".to_owned())))],
///     body: Some(object([("video_id", Some(Value::from("v1")))])),
/// };
/// // What a driver sends: the body serialised, the credential exposed.
/// let body = request.body.as_ref().map(Value::to_json);
/// assert_eq!(body.as_deref(), Some(r#"{"video_id":"v1"}"#));
/// assert_eq!(request.header("X-API-Key"), Some("sk_1"));
/// assert!(!format!("{request:?}").contains("sk_1"), "a logged request shows no credential");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    /// The method to send with.
    pub method: Method,
    /// The absolute URL, path segments already percent-encoded.
    pub url: String,
    /// Each header once, names as the core writes them.
    pub headers: Vec<(String, HeaderValue)>,
    /// A JSON document; the I/O layer serialises it (`JSON.stringify` in JS
    /// is smaller than shipping a float formatter).
    pub body: Option<Value>,
}

impl HttpRequest {
    /// The value of the header `name` (in any case), a credential's too.
    ///
    /// ```
    /// use kling_extend_core::types::http::{HeaderValue, HttpRequest, Method};
    ///
    /// let request = HttpRequest {
    ///     method: Method::Get,
    ///     url: "https://api.example.test/v1/jobs/j1".to_owned(),
    ///     headers: vec![("Accept".to_owned(), HeaderValue::Plain("application/json".to_owned()))],
    ///     body: None,
    /// };
    /// assert_eq!(request.header("accept"), Some("application/json"));
    /// assert_eq!(request.header("authorization"), None);
    /// ```
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The response headers the core reads; the I/O layer copies only these.
///
/// ```
/// use kling_extend_core::types::http::RESPONSE_HEADERS;
///
/// let received = [("Retry-After", "3"), ("Set-Cookie", "session=1"), ("X-Request-Id", "r1")];
/// let kept: Vec<(String, &str)> = received
///     .iter()
///     .map(|(name, value)| (name.to_ascii_lowercase(), *value))
///     .filter(|(name, _)| RESPONSE_HEADERS.contains(&name.as_str()))
///     .collect();
/// assert_eq!(kept, [("retry-after".to_owned(), "3"), ("x-request-id".to_owned(), "r1")]);
/// ```
pub const RESPONSE_HEADERS: [&str; 3] = ["content-type", "retry-after", "x-request-id"];

/// A service's answer as a driver received it, for the core to read.
///
/// ```
/// use kling_extend_core::types::http::HttpResponse;
///
/// let response = HttpResponse {
///     status: 429,
///     headers: vec![("retry-after".to_owned(), "3".to_owned())],
///     body: br#"{"message":"slow down"}"#.to_vec(),
/// };
/// assert_eq!(response.headers[0].1, "3");
/// assert_eq!(HttpResponse::default().status, 0, "the default is an empty answer");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    /// The HTTP status code.
    pub status: u16,
    /// Lower-case names; see [`RESPONSE_HEADERS`].
    pub headers: Vec<(String, String)>,
    /// The body's bytes, as received (not decoded as text).
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How an HTTP attempt ended without a response the core can read. The
/// distinction matters for submits: only a request that never left, or a
/// connection that never opened, proves nothing was sent.
///
/// ```
/// use kling_extend_core::types::http::Transport;
///
/// // A driver reports each failure as what it knows of it.
/// let failures = [
///     Transport::from_cause_code(Some("ENOTFOUND")),
///     Transport::from_cause_code(None),
///     Transport::Timeout,
///     Transport::Redirected { status: 302 },
///     Transport::TooLarge { limit: 1 << 20 },
/// ];
/// assert_eq!(failures[0], Transport::ConnectFailed);
/// assert_eq!(failures[1], Transport::Network, "without a code, it may have been sent");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// The connection was never established (refused, DNS): nothing was sent.
    ConnectFailed,
    /// The runtime refused to send the request at all (a blocked port, a URL
    /// it will not fetch, a missing permission): nothing was sent, and trying
    /// again cannot help.
    NeverSent,
    /// Failed after the request may have left (reset, dropped, CORS, unknown).
    Network,
    /// The per-attempt timeout fired.
    Timeout,
    /// The service answered with a redirect (`status`; 0 when a browser hides
    /// it). Redirects are not followed: the credential would go with them.
    Redirected {
        /// The redirect's status (301, 302, 307...), or 0.
        status: u16,
    },
    /// The body passed `maxResponseBytes`; the driver stopped reading it.
    TooLarge {
        /// The `maxResponseBytes` it passed.
        limit: u32,
    },
}

impl Transport {
    /// The code a driver reports for a request the runtime refused to send
    /// (a blocked port, a URL it will not fetch), which has no cause code of its own.
    ///
    /// ```
    /// use kling_extend_core::types::http::Transport;
    ///
    /// assert_eq!(Transport::from_cause_code(Some(Transport::NOT_SENT)), Transport::NeverSent);
    /// ```
    pub const NOT_SENT: &'static str = "ENOTSENT";

    /// Whether the service certainly saw nothing of the request.
    pub(crate) fn nothing_sent(self) -> bool {
        matches!(self, Transport::ConnectFailed | Transport::NeverSent)
    }

    /// Classifies a network failure by the platform's error code, when it gives
    /// one (Node's `err.cause.code`); browsers give none, so it stays ambiguous.
    ///
    /// ```
    /// use kling_extend_core::types::http::Transport;
    ///
    /// assert_eq!(Transport::from_cause_code(Some("ECONNREFUSED")), Transport::ConnectFailed);
    /// assert_eq!(Transport::from_cause_code(Some("ECONNRESET")), Transport::Network);
    /// assert_eq!(Transport::from_cause_code(None), Transport::Network);
    /// ```
    pub fn from_cause_code(code: Option<&str>) -> Transport {
        match code {
            Some(
                "ECONNREFUSED" | "ENOTFOUND" | "EAI_AGAIN" | "UND_ERR_CONNECT_TIMEOUT" | "EHOSTUNREACH" | "ENETUNREACH",
            ) => Transport::ConnectFailed,
            Some(Transport::NOT_SENT) => Transport::NeverSent,
            _ => Transport::Network,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let request = HttpRequest {
            method: Method::Post,
            url: "https://example.test/v1".into(),
            headers: vec![("X-API-Key".into(), HeaderValue::Secret(Secret::new("sk_live_123".into())))],
            body: None,
        };
        assert!(!format!("{request:?}").contains("sk_live_123"));
        assert_eq!(request.header("x-api-key"), Some("sk_live_123"));
    }

    #[test]
    fn only_a_connection_that_never_opened_is_certain() {
        assert_eq!(Transport::from_cause_code(Some("ECONNREFUSED")), Transport::ConnectFailed);
        assert_eq!(Transport::from_cause_code(Some("ECONNRESET")), Transport::Network);
        assert_eq!(Transport::from_cause_code(None), Transport::Network);
        assert_eq!(Transport::from_cause_code(Some("ENOTSENT")), Transport::NeverSent);
    }
}
