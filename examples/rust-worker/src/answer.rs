//! The Worker's error answers: `{"error": {"code", "message", "field"?}}`,
//! the npm package's proxy's shape, with the client's code and message
//! (which never hold a credential).

use kling_extend_client::{Error, ErrorCode};
use serde::Serialize;
use worker::{Response, Result};

#[derive(Serialize)]
struct Body<'a> {
    error: Refusal<'a>,
}

#[derive(Serialize)]
struct Refusal<'a> {
    code: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<&'a str>,
}

/// An answer of `status` with the error `code` and `message`.
pub fn refused(status: u16, code: &str, message: &str) -> Result<Response> {
    let body = Body { error: Refusal { code, message, field: None } };
    Ok(Response::from_json(&body)?.with_status(status))
}

/// A call's failure as the Worker's answer: the caller's own mistakes (a
/// request the client refused, a job that does not exist) by their status,
/// the service's failures as a bad gateway.
pub fn failed(error: &Error) -> Result<Response> {
    let status = match error.code() {
        ErrorCode::InvalidRequest => 400,
        ErrorCode::NotFound => 404,
        ErrorCode::RateLimited => 429,
        ErrorCode::Timeout => 504,
        _ => 502,
    };
    with_status(error, status)
}

/// `error` as an answer of `status`, naming the field at fault if any.
pub fn with_status(error: &Error, status: u16) -> Result<Response> {
    let message = error.to_string();
    let refusal = Refusal { code: error.code().as_str(), message: &message, field: error.field() };
    Ok(Response::from_json(&Body { error: refusal })?.with_status(status))
}
