//! Kling's response envelope: `{code, message, request_id, data}`. `code` 0
//! is success; anything else is an error, whatever the HTTP status says.

use super::codes::{self, classify};
use crate::client::classify::{bad_body, clean, describe_body, status_error, status_error_of};
use crate::types::error::{Error, Result};
use crate::types::http::HttpResponse;
use crate::types::job::Raw;
use crate::types::json::{Keep, Value};

/// What is read of an answer: the envelope, what an error body says, and
/// the task in `data`; the rest goes on as text.
const ENVELOPE: Keep = Keep::Members(&[
    ("code", Keep::All),
    ("message", Keep::All),
    ("request_id", Keep::All),
    ("error", Keep::All),
    ("detail", Keep::All),
    ("msg", Keep::All),
    ("data", super::task::TASK),
]);

/// An opened envelope: its `data` and the whole document (for `raw`).
pub struct Opened {
    pub data: Value,
    pub raw: Raw,
    pub request_id: Option<String>,
}

pub fn open(response: &HttpResponse, unix_ms: u64) -> Result<Opened> {
    let success = (200..300).contains(&response.status);
    let raw = match Raw::from_text(&response.body, &ENVELOPE) {
        Ok(raw) => raw,
        Err(_) if success => return Err(bad_body(response, &describe_body(response, None))),
        Err(_) => return Err(status_error(response, unix_ms)),
    };
    let document = raw.read();
    let request_id = document
        .get("request_id")
        .and_then(Value::as_str)
        .map(clean)
        .or_else(|| response.header("x-request-id").map(clean));
    let code = document.get("code").and_then(Value::as_f64);
    match code {
        Some(code) if code != 0.0 => Err(Error { request_id, ..code_error(code as i64, document, response, unix_ms) }),
        Some(_) if success => match document.get("data") {
            Some(data @ Value::Object(_)) => Ok(Opened { data: data.clone(), raw, request_id }),
            _ => Err(bad_body(response, "a Kling answer without data")),
        },
        _ if success => Err(bad_body(response, "an answer without Kling's envelope")),
        _ => Err(Error { request_id, ..status_error_of(response, Some(document), unix_ms) }),
    }
}

fn code_error(code: i64, document: &Value, response: &HttpResponse, unix_ms: u64) -> Error {
    let by_status = status_error_of(response, Some(document), unix_ms);
    let message = document.get("message").and_then(Value::as_str).map(clean).unwrap_or_default();
    let (error_code, retryable) = classify(code).unwrap_or((by_status.code, by_status.retryable));
    // Kling asks clients over its rate or concurrency limit to wait at least a second.
    let retry_after_ms = match code {
        codes::RATE_LIMITED | codes::CONCURRENCY_LIMITED => Some(by_status.retry_after_ms.unwrap_or(0).max(1000)),
        _ => by_status.retry_after_ms,
    };
    Error {
        code: error_code,
        retryable,
        retry_after_ms,
        provider_code: Some(code),
        message: format!("Kling {} (HTTP {}): {message}", code, response.status),
        ..by_status
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testing;
    use crate::types::error::ErrorCode;

    /// An answer that asks for a wait of 2 s.
    fn response(status: u16, body: &str) -> HttpResponse {
        testing::response(status, &[("retry-after", "2")], body)
    }

    #[test]
    fn code_zero_opens_to_its_data() {
        let opened = open(&response(200, r#"{"code":0,"message":"ok","request_id":"r1","data":{"task_id":"t"}}"#), 0);
        let opened = opened.ok().unwrap();
        assert_eq!(opened.data.get("task_id").and_then(Value::as_str), Some("t"));
        assert_eq!(opened.request_id.as_deref(), Some("r1"));
    }

    #[test]
    fn a_code_is_an_error_even_with_http_200() {
        let e = open(&response(200, r#"{"code":1201,"message":"bad prompt","request_id":"r2"}"#), 0).err().unwrap();
        assert_eq!(
            (e.code, e.provider_code, e.request_id.as_deref()),
            (ErrorCode::InvalidRequest, Some(1201), Some("r2"))
        );
        assert_eq!(e.message, "Kling 1201 (HTTP 200): bad prompt");
    }

    #[test]
    fn a_429_for_money_is_not_retryable_but_one_for_speed_is() {
        let e = open(&response(429, r#"{"code":1102,"message":"resource pack exhausted"}"#), 0).err().unwrap();
        assert_eq!((e.code, e.retryable), (ErrorCode::InsufficientCredits, false));
        let e = open(&response(429, r#"{"code":1302,"message":"too fast"}"#), 0).err().unwrap();
        assert_eq!((e.code, e.retryable, e.retry_after_ms), (ErrorCode::RateLimited, true, Some(2000)));
    }

    #[test]
    fn rate_and_concurrency_limits_ask_for_a_wait_of_at_least_a_second() {
        for code in [1302, 1303] {
            let e = open(&response(429, &format!(r#"{{"code":{code},"message":"slow"}}"#)), 0).err().unwrap();
            assert_eq!((e.retryable, e.retry_after_ms), (true, Some(2000)), "Retry-After: 2 is longer");
            let quiet = testing::response(429, &[], &format!(r#"{{"code":{code}}}"#));
            assert_eq!(open(&quiet, 0).err().unwrap().retry_after_ms, Some(1000), "{code}");
        }
    }

    #[test]
    fn what_is_not_an_envelope_is_typed_by_status() {
        assert_eq!(open(&response(200, r#"{"task_id":"t"}"#), 0).err().unwrap().code, ErrorCode::BadResponse);
        assert_eq!(open(&response(200, "{\"code\": "), 0).err().unwrap().code, ErrorCode::BadResponse);
        assert_eq!(open(&response(502, "<html></html>"), 0).err().unwrap().code, ErrorCode::ServerError);
        assert_eq!(open(&response(404, r#"{"error":"nope"}"#), 0).err().unwrap().code, ErrorCode::NotFound);
    }
}
