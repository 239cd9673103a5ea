//! `parseWebhook`: a delivery's body in, a `Job` out, as JSON text (in every
//! build; the signature check is the server build's, `signature.rs`).

use super::convert::args;
use crate::core::types::error::{Error, Result};
use crate::core::types::job::Job;
use crate::core::types::json::{self, Value};
use crate::core::webhook::WebhookOptions;
use crate::providers::parse_webhook as parse_job;

/// `[body, options]`: `body` is the delivery's JSON text as a string, or a
/// caller's parsed object.
pub fn parse(text: &str) -> Result<Job> {
    let [body, options] = args(text)?;
    let options = WebhookOptions::from_value(&options)?;
    let doc = match body {
        Value::String(text) => json::parse(text.as_bytes()).map_err(|_| Error::invalid("body", "is not JSON"))?,
        parsed => parsed,
    };
    parse_job(doc, options.provider)
}
