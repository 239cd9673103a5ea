//! `parseWebhook` and `verifyWebhook`: raw bodies and header bags in, a `Job` out.

use super::convert::{to_js, to_value};
use crate::core::error::Error;
use crate::core::json::{self, Value};
use crate::core::webhook::{verify, Signed, WebhookOptions};
use crate::providers::parse_webhook as parse_job;
use js_sys::{Array, Function, Object, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;

const SIGNED_HEADERS: [&str; 3] = ["webhook-id", "webhook-timestamp", "webhook-signature"];

#[wasm_bindgen(js_name = parseWebhook)]
pub fn parse_webhook(body: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let options = WebhookOptions::from_value(&to_value(&options, "options")?)?;
    let doc = match body.as_string() {
        Some(text) => json::parse(text.as_bytes()).map_err(|_| Error::invalid("body", "is not JSON"))?,
        None => to_value(&body, "body")?,
    };
    Ok(to_js(&parse_job(doc, options.provider)?.into()))
}

#[wasm_bindgen(js_name = verifyWebhook)]
pub fn verify_webhook(
    raw_body: JsValue,
    headers: JsValue,
    secret: JsValue,
    options: JsValue,
) -> Result<JsValue, JsValue> {
    let options = WebhookOptions::from_value(&to_value(&options, "options")?)?;
    let body = raw_bytes(&raw_body)?;
    let [id, timestamp, signature] = SIGNED_HEADERS.map(|name| header(&headers, name).unwrap_or_default());
    let secrets = secrets(&secret)?;
    let now_s = options.now_s.unwrap_or((js_sys::Date::now() / 1000.0) as u64);
    let signed = Signed { id: &id, timestamp: &timestamp, signature: &signature };
    verify(&body, &signed, &secrets, now_s, options.tolerance_s)?;
    let doc = json::parse(&body).map_err(|_| Error::invalid("rawBody", "is not JSON"))?;
    Ok(to_js(&parse_job(doc, options.provider)?.into()))
}

/// The body exactly as received: a string or bytes. A parsed object cannot be
/// verified, since its bytes are gone.
fn raw_bytes(raw: &JsValue) -> Result<Vec<u8>, Error> {
    if let Some(text) = raw.as_string() {
        return Ok(text.into_bytes());
    }
    if raw.is_instance_of::<Uint8Array>() || raw.is_instance_of::<js_sys::ArrayBuffer>() {
        return Ok(Uint8Array::new(raw).to_vec());
    }
    Err(Error::invalid("rawBody", "must be the raw body as a string or bytes, not a parsed object"))
}

/// A header from a `Headers` object or a plain record (names in any case).
fn header(headers: &JsValue, name: &str) -> Option<String> {
    if let Ok(get) = Reflect::get(headers, &"get".into()).and_then(|f| f.dyn_into::<Function>()) {
        return get.call1(headers, &name.into()).ok()?.as_string();
    }
    let entries = Object::entries(headers.dyn_ref::<Object>()?);
    entries.iter().find_map(|entry| {
        let entry: Array = entry.unchecked_into();
        let key = entry.get(0).as_string()?;
        key.eq_ignore_ascii_case(name).then(|| entry.get(1).as_string()).flatten()
    })
}

/// One secret or a list of them (during a rotation).
fn secrets(secret: &JsValue) -> Result<Vec<String>, Error> {
    match to_value(secret, "secret")? {
        Value::String(one) => Ok(vec![one]),
        Value::Array(list) => list
            .into_iter()
            .map(|item| match item {
                Value::String(s) => Ok(s),
                _ => Err(Error::invalid("secret", "must be a string or a list of strings")),
            })
            .collect(),
        _ => Err(Error::invalid("secret", "must be a string or a list of strings")),
    }
}
