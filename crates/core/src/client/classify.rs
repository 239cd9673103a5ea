//! Turns an HTTP response that is not a success, or an attempt that got no
//! answer, into a typed [`Error`].

use crate::client::retry::parse_retry_after;
use crate::types::error::{Error, ErrorCode};
use crate::types::http::{HttpResponse, Method, Transport};
use crate::types::json::{self, Value};

/// Longest service message kept in an error, in characters.
const MAX_MESSAGE_CHARS: usize = 300;

/// The error for a response with a non-2xx status. Providers whose bodies
/// carry their own codes (Kling) refine the result.
pub fn status_error(response: &HttpResponse, unix_ms: u64) -> Error {
    status_error_of(response, json::parse(&response.body).ok().as_ref(), unix_ms)
}

/// [`status_error`] for a body already parsed (`None`: not JSON), so no
/// answer is parsed twice.
pub fn status_error_of(response: &HttpResponse, document: Option<&Value>, unix_ms: u64) -> Error {
    let status = response.status;
    let code = match status {
        401 => ErrorCode::Unauthorized,
        402 => ErrorCode::InsufficientCredits,
        403 => ErrorCode::Forbidden,
        404 | 410 => ErrorCode::NotFound,
        408 => ErrorCode::Timeout,
        429 => ErrorCode::RateLimited,
        400..=499 => ErrorCode::InvalidRequest,
        500..=599 => ErrorCode::ServerError,
        _ => ErrorCode::BadResponse,
    };
    let message = match document.and_then(body_message) {
        Some(detail) => format!("HTTP {status}: {detail}"),
        None => format!("HTTP {status} with {}", describe_body(response, document)),
    };
    let mut error = Error {
        status: Some(status),
        request_id: response.header("x-request-id").map(clean),
        retry_after_ms: response.header("retry-after").and_then(|v| parse_retry_after(v, unix_ms)),
        ..Error::new(code, message).retryable(matches!(status, 408 | 429 | 500 | 502 | 503 | 504))
    };
    if let Some(field) = document.and_then(body_field) {
        error.field = Some(field);
    }
    error
}

/// A 2xx response whose body is not the document expected.
pub fn bad_body(response: &HttpResponse, why: &str) -> Error {
    Error {
        status: Some(response.status),
        request_id: response.header("x-request-id").map(clean),
        ..Error::new(ErrorCode::BadResponse, format!("HTTP {} with {why}", response.status))
    }
}

/// Parses a 2xx body as JSON, or says what it was instead.
pub fn json_body(response: &HttpResponse) -> Result<Value, Error> {
    json::parse(&response.body).map_err(|_| bad_body(response, &describe_body(response, None)))
}

/// What a body is, for messages that cannot quote it; `document` is the
/// body parsed, `None` when it is not JSON.
pub fn describe_body(response: &HttpResponse, document: Option<&Value>) -> String {
    let content_type = response.header("content-type").unwrap_or("").to_ascii_lowercase();
    let start = response.body.iter().position(|b| !b.is_ascii_whitespace());
    // The first bytes tell an HTML page; the rest is never decoded.
    let head = start.map_or(&[][..], |at| &response.body[at..response.body.len().min(at + 15)]).to_ascii_lowercase();
    if start.is_none() {
        "an empty body".into()
    } else if content_type.contains("html") || head.starts_with(b"<!doctype html") || head.starts_with(b"<html") {
        "an HTML page instead of JSON".into()
    } else if document.is_some() {
        "an unexpected JSON document".into()
    } else {
        "a body that is not valid JSON".into()
    }
}

/// The human message in a JSON error body, in the shapes services use.
fn body_message(doc: &Value) -> Option<String> {
    let error = doc.get("error");
    let text = error
        .and_then(|e| e.get("message"))
        .or(error.filter(|e| e.as_str().is_some()))
        .or(doc.get("message"))
        .or(doc.get("detail"))
        .or(doc.get("msg"))?
        .as_str()?;
    let text = clean(text);
    (!text.is_empty()).then_some(text)
}

/// `error.field` of an error body: a `createProxy` in front of the service
/// names the field its validation refused.
fn body_field(doc: &Value) -> Option<String> {
    doc.get("error")?.get("field")?.as_str().map(clean)
}

/// Collapses white space, drops control characters and bounds the length, so
/// a hostile body cannot forge log lines or flood a message.
pub fn clean(text: &str) -> String {
    let mut joined = String::with_capacity(text.len());
    let mut gap = false;
    // In one pass rather than `split_whitespace` and `join`, which cost wasm.
    for c in text.trim().chars() {
        if c.is_whitespace() {
            gap = true;
            continue;
        }
        if gap {
            joined.push(' ');
            gap = false;
        }
        if !c.is_control() {
            joined.push(c);
        }
    }
    if let Some((cut, _)) = joined.char_indices().nth(MAX_MESSAGE_CHARS) {
        joined.truncate(cut);
        joined.push('…');
    }
    joined
}

/// The request an attempt sent, as its failure names it: "POST https://…".
pub struct Target<'a> {
    pub method: Method,
    pub url: &'a str,
}

/// What a page's network error adds: the browser hides why a request got no
/// answer, and in a page the usual reason is an origin the service does not allow.
const IN_PAGE: &str = "; in a page, this is most often the browser's CORS check, which sends nothing: the \
                       service (for a proxy, createProxy's allowedOrigins) must allow this page's origin";

/// The error for an attempt to `target` that ended as `transport`, the
/// request named first; `in_page` adds the likely cause a browser hides.
pub fn transport_error(transport: Transport, timeout_ms: u32, target: &Target, in_page: bool) -> Error {
    let (code, why, retryable) = match transport {
        Transport::ConnectFailed => (ErrorCode::NetworkError, "could not connect to the service".to_owned(), true),
        Transport::NeverSent => (
            ErrorCode::NetworkError,
            "the request never left: the runtime refused to send it (a blocked port, a URL it will not fetch \
             or a missing network permission)"
                .to_owned(),
            false,
        ),
        Transport::Network => {
            (ErrorCode::NetworkError, "the connection failed before a response arrived".to_owned(), true)
        }
        Transport::Timeout => (ErrorCode::Timeout, format!("no response within timeoutMs ({} ms)", timeout_ms), true),
        Transport::Redirected { status } => (
            ErrorCode::BadResponse,
            format!(
                "the service answered with a redirect (HTTP {}), which is not followed: the credential would go with it",
                status
            ),
            false,
        ),
        Transport::TooLarge { limit } => (
            ErrorCode::BadResponse,
            format!("the response body is larger than maxResponseBytes ({} bytes)", limit),
            false,
        ),
    };
    let status = match transport {
        Transport::Redirected { status } if status != 0 => Some(status),
        _ => None,
    };
    let hint = if in_page && transport == Transport::Network { IN_PAGE } else { "" };
    let message = format!("{} {}: {why}{hint}", target.method.as_str(), target.url);
    Error { status, ..Error::new(code, message).retryable(retryable) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testing;

    /// An answer of `content_type` that asks for a wait of 3 s.
    fn response(status: u16, content_type: &str, body: &str) -> HttpResponse {
        testing::response(
            status,
            &[("content-type", content_type), ("retry-after", "3"), ("x-request-id", "req_9")],
            body,
        )
    }

    #[test]
    fn statuses_become_codes_and_retry_hints() {
        let e = status_error(&response(429, "application/json", r#"{"error":{"message":"slow down"}}"#), 0);
        assert_eq!((e.code, e.retryable, e.retry_after_ms), (ErrorCode::RateLimited, true, Some(3000)));
        assert_eq!(e.message, "HTTP 429: slow down");
        assert_eq!(e.request_id.as_deref(), Some("req_9"));
        for (status, code, retryable) in [
            (400, ErrorCode::InvalidRequest, false),
            (401, ErrorCode::Unauthorized, false),
            (402, ErrorCode::InsufficientCredits, false),
            (403, ErrorCode::Forbidden, false),
            (404, ErrorCode::NotFound, false),
            (408, ErrorCode::Timeout, true),
            (500, ErrorCode::ServerError, true),
            (501, ErrorCode::ServerError, false),
            (503, ErrorCode::ServerError, true),
            (302, ErrorCode::BadResponse, false),
        ] {
            let e = status_error(&response(status, "application/json", "{}"), 0);
            assert_eq!((e.code, e.retryable), (code, retryable), "{status}");
            let field = (code == ErrorCode::InvalidRequest).then_some("request");
            assert_eq!(e.field.as_deref(), field, "an invalid_request always names a field: {status}");
        }
        let named = status_error(&response(400, "application/json", r#"{"error":{"field":"prompt"}}"#), 0);
        assert_eq!(named.field.as_deref(), Some("prompt"));
    }

    #[test]
    fn html_pages_are_described_not_quoted() {
        let e = status_error(&response(502, "text/html", "<html><body>Bad gateway</body></html>"), 0);
        assert_eq!(e.message, "HTTP 502 with an HTML page instead of JSON");
        let e = bad_body(
            &response(200, "application/json", "{\"id\": "),
            &describe_body(&response(200, "", "{\"id\": "), None),
        );
        assert_eq!(
            (e.code, e.message.as_str()),
            (ErrorCode::BadResponse, "HTTP 200 with a body that is not valid JSON")
        );
    }

    #[test]
    fn service_messages_are_cleaned_and_bounded() {
        assert_eq!(clean("a\n\tb\u{7}c"), "a bc");
        assert_eq!(clean(" \u{a0}a \u{7} b\u{85}\u{3000}c  "), "a  b c");
        assert_eq!(clean(&"x".repeat(1000)).chars().count(), MAX_MESSAGE_CHARS + 1);
    }
}
