//! `parseWebhook`: a delivery's body in, a `Job` out, as JSON text (in every
//! build; the signature check is the server build's, `signature.rs`).

use super::convert::{answer, arg};
use crate::core::error::{Error, Result};
use crate::core::job::Job;
use crate::core::json::{self, Value};
use crate::core::webhook::WebhookOptions;
use crate::providers::parse_webhook as parse_job;
use wasm_bindgen::prelude::*;

/// `body` is the delivery's JSON text when `is_text`, else a caller's parsed
/// object as `boundary.js` wrote it.
#[wasm_bindgen(js_name = parseWebhook)]
pub fn parse_webhook(body: &str, is_text: bool, options: &str) -> String {
    answer(parse(body, is_text, options).map(Value::from))
}

fn parse(body: &str, is_text: bool, options: &str) -> Result<Job> {
    let options = WebhookOptions::from_value(&arg(options)?)?;
    let doc = match is_text {
        true => json::parse(body.as_bytes()).map_err(|_| Error::invalid("body", "is not JSON"))?,
        false => arg(body)?,
    };
    parse_job(doc, options.provider)
}
