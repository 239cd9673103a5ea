//! What a rejected `fetch` means for the core: whether the request may have
//! left. The platform says it in its error's `cause.code` (Node's socket
//! errors), which the core classifies; browsers say nothing, so their
//! failures stay ambiguous (`Network`), as a submit must assume.

use crate::transport::{TransportError, TransportErrorKind};
use kling_extend_core::types::http::Transport;
use std::fmt;
use wasm_bindgen::JsValue;

/// Errors by which a runtime refuses to send at all: Deno's missing
/// permissions (the npm package's driver knows the same names).
const REFUSED_BY_RUNTIME: [&str; 2] = ["PermissionDenied", "NotCapable"];

/// A JS error's description, as the transport error's source: its name,
/// message and cause code. It is made only of what `fetch` rejected with
/// after the request was built, so no header value (a credential) is in it.
#[derive(Debug)]
pub(super) struct FetchError(String);

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FetchError {}

/// `fetch`'s rejection as a transport error of the kind the core gives its cause code.
pub(super) fn rejected(error: &JsValue) -> TransportError {
    let cause = member(error, "cause");
    let code = cause.as_ref().and_then(|cause| text(cause, "code"));
    let refused = [Some(error), cause.as_ref()]
        .into_iter()
        .flatten()
        .any(|error| text(error, "name").is_some_and(|name| REFUSED_BY_RUNTIME.contains(&name.as_str())))
        || cause.as_ref().and_then(|cause| text(cause, "message")).as_deref() == Some("bad port");
    let code = if refused { Some(Transport::NOT_SENT.to_owned()) } else { code };
    let kind = match Transport::from_cause_code(code.as_deref()) {
        Transport::ConnectFailed => TransportErrorKind::ConnectFailed,
        Transport::NeverSent => TransportErrorKind::NeverSent,
        _ => TransportErrorKind::Network,
    };
    TransportError::new(kind).with_source(describe(error, code.as_deref()))
}

/// A `fetch` that threw instead of answering a promise (none is there, or a
/// caller's fetcher has no `fetch` method): nothing was sent.
pub(super) fn thrown(error: &JsValue) -> TransportError {
    TransportError::new(TransportErrorKind::NeverSent).with_source(describe(error, None))
}

/// A failure while the answer was read (a reset, an abort): the request had left.
pub(super) fn network(error: JsValue) -> TransportError {
    TransportError::new(TransportErrorKind::Network).with_source(describe(&error, None))
}

fn describe(error: &JsValue, code: Option<&str>) -> FetchError {
    let name = text(error, "name").unwrap_or_else(|| "Error".to_owned());
    let message = text(error, "message").or_else(|| error.as_string()).unwrap_or_default();
    match code {
        Some(code) => FetchError(format!("{name}: {message} ({code})")),
        None => FetchError(format!("{name}: {message}")),
    }
}

/// `value[name]`, when `value` is an object that has it.
fn member(value: &JsValue, name: &str) -> Option<JsValue> {
    if !value.is_object() {
        return None;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(name)).ok().filter(|member| !member.is_undefined())
}

/// `value[name]`, when it is a string.
fn text(value: &JsValue, name: &str) -> Option<String> {
    member(value, name)?.as_string()
}
