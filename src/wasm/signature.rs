//! `verifyWebhook`: a raw body and the signed headers in, a `Job` out, as
//! JSON text. `src/js/lib/signature.js` turns a caller's raw body into bytes and a
//! header bag into a plain record first.

use super::convert::{answer, arg};
use kling_extend_core::providers;
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::job::Job;
use kling_extend_core::types::json::Value;
use kling_extend_core::webhook::{Signed, WebhookOptions};
use wasm_bindgen::prelude::*;

const SIGNED_HEADERS: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

/// `headers`: a plain record (names in any case); `secret`: one or a list.
#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(raw_body: &[u8], headers: &str, secret: &str, options: &str, now_s: f64) -> String {
    answer(verified(raw_body, headers, secret, options, now_s).map(Value::from))
}

fn verified(body: &[u8], headers: &str, secret: &str, options: &str, now_s: f64) -> Result<Job> {
    let options = WebhookOptions::from_value(&arg(options)?)?;
    let headers = arg(headers)?;
    let [id, timestamp, signature] = SIGNED_HEADERS.map(|name| header(&headers, name));
    let secrets = secrets(arg(secret)?)?;
    let signed = Signed { id, timestamp, signature };
    let now_s = options.now_s.unwrap_or(now_s as u64);
    let (job, delivery) = providers::verify_webhook(body, &signed, &secrets, now_s, &options)?;
    Ok(Job { webhook: Some(delivery), ..job })
}

/// A header's value by its name in any case; "" when absent or not a string.
fn header<'a>(headers: &'a Value, name: &str) -> &'a str {
    let members = headers.as_object().unwrap_or_default();
    let value = members.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).and_then(|(_, v)| v.as_str());
    value.unwrap_or_default()
}

/// One secret or a list of them (during a rotation).
fn secrets(secret: Value) -> Result<Vec<String>> {
    let refused = || Error::invalid("secret", "must be a string or a list of strings");
    match secret {
        Value::String(one) => Ok(vec![one]),
        Value::Array(list) => {
            list.into_iter().map(|item| item.as_str().map(str::to_owned).ok_or_else(refused)).collect()
        }
        _ => Err(refused()),
    }
}
