//! `parseWebhook`: a delivery's body in, a `Job` out, as JSON text (in every
//! build; the signature check is the server build's, `signature.rs`).

use super::convert::args;
use kling_extend_core::providers::{parse_webhook, read_webhook};
use kling_extend_core::types::error::Result;
use kling_extend_core::types::job::{Job, Raw};
use kling_extend_core::types::json::Value;
use kling_extend_core::webhook::WebhookOptions;

/// `[body, options]`: `body` is a caller's parsed object (or its text).
pub fn parse(text: &str) -> Result<Job> {
    let [body, options] = args(text)?;
    let provider = WebhookOptions::from_value(&options)?.provider;
    match body {
        Value::String(text) => read_webhook(text.as_bytes(), "body", provider),
        parsed => parse_webhook(Raw::Value(parsed), provider),
    }
}

#[cfg(feature = "server")]
/// `parseWebhook` of a body given as text (`[options]` the arguments), which
/// crosses as itself rather than escaped into them: a delivery may be megabytes.
pub fn parse_text(body: &str, text: &str) -> Result<Job> {
    let [options] = args(text)?;
    read_webhook(body.as_bytes(), "body", WebhookOptions::from_value(&options)?.provider)
}
