//! Plain HTTP values exchanged between the sans-IO core and whatever does I/O.

use crate::types::json::Value;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A credential. Its `Debug` never shows the value, so logging a request or a
/// config cannot leak it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Secret(value)
    }

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderValue {
    Plain(String),
    Secret(Secret),
}

impl HeaderValue {
    pub fn as_str(&self) -> &str {
        match self {
            HeaderValue::Plain(v) => v,
            HeaderValue::Secret(s) => s.expose(),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct HttpRequest {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(String, HeaderValue)>,
    /// A JSON document; the I/O layer serialises it (`JSON.stringify` in JS
    /// is smaller than shipping a float formatter).
    pub body: Option<Value>,
}

impl HttpRequest {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The response headers the core reads; the I/O layer copies only these.
pub const RESPONSE_HEADERS: [&str; 3] = ["content-type", "retry-after", "x-request-id"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HttpResponse {
    pub status: u16,
    /// Lower-case names; see [`RESPONSE_HEADERS`].
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// How an HTTP attempt ended without a response the core can read. The
/// distinction matters for submits: only a request that never left, or a
/// connection that never opened, proves nothing was sent.
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
    Redirected { status: u16 },
    /// The body passed `maxResponseBytes`; the driver stopped reading it.
    TooLarge { limit: u32 },
}

impl Transport {
    /// The code a driver reports for a request the runtime refused to send
    /// (a blocked port, a URL it will not fetch), which has no cause code of its own.
    pub const NOT_SENT: &'static str = "ENOTSENT";

    /// Whether the service certainly saw nothing of the request.
    pub fn nothing_sent(self) -> bool {
        matches!(self, Transport::ConnectFailed | Transport::NeverSent)
    }

    /// Classifies a network failure by the platform's error code, when it gives
    /// one (Node's `err.cause.code`); browsers give none, so it stays ambiguous.
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
