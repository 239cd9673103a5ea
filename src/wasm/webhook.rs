//! `parseWebhook`: a delivery's body in, a `Job` out, as JSON text (in every
//! build; the signature check is the server build's, `signature.rs`).

use super::convert::args;
use kling_extend_core::providers::{parse_webhook as parse_job, WEBHOOK};
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::job::{Job, Raw};
use kling_extend_core::types::json::Value;
use kling_extend_core::webhook::WebhookOptions;

/// `[body, options]`: `body` is a caller's parsed object (or its text).
pub fn parse(text: &str) -> Result<Job> {
    let [body, options] = args(text)?;
    let raw = match body {
        Value::String(text) => read(&text)?,
        parsed => Raw::Value(parsed),
    };
    parse_job(raw, WebhookOptions::from_value(&options)?.provider)
}

#[cfg(feature = "server")]
/// `parseWebhook` of a body given as text (`[options]` the arguments), which
/// crosses as itself rather than escaped into them: a delivery may be megabytes.
pub fn parse_text(body: &str, text: &str) -> Result<Job> {
    let [options] = args(text)?;
    let options = WebhookOptions::from_value(&options)?;
    parse_job(read(body)?, options.provider)
}

/// The body's text, of which what the providers read is parsed.
fn read(body: &str) -> Result<Raw> {
    Raw::from_text(body.as_bytes(), &WEBHOOK).map_err(|_| Error::invalid("body", "is not JSON"))
}
