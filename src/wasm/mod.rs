//! The JS face of the crate: converts arguments, runs the core, converts back.
//! `src/js/api.js` wraps these exports into the public API.

mod convert;
mod driver;
mod fetch;
#[cfg(feature = "server")]
mod proxy;
mod timer;
#[cfg(feature = "server")]
mod webhook;

#[cfg(test)]
mod tests;

use crate::core::call::Call;
use crate::core::chain::{Chain, ChainPlan};
use crate::core::fields::Fields;
use crate::core::job::{JobId, ProviderName};
use crate::core::options::{ClientConfig, PollConfig};
use crate::core::poll::Poll;
use crate::core::request::ExtendRequest;
use crate::core::{json::Value, quote};
use crate::providers::kling::jwt;
use convert::{split_options, to_js, to_value};
use driver::{nonce, seed, Driver};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;

/// The validated options of a network call, and a driver for its hooks.
fn prepare(options: &JsValue) -> Result<(ClientConfig, Value, Driver), JsValue> {
    let (data, hooks) = split_options(options)?;
    let config = ClientConfig::from_value(&data, in_browser())?;
    Ok((config, data, Driver::new(hooks)?))
}

/// A page, where a key would be visible to every visitor.
fn in_browser() -> bool {
    let global = js_sys::global();
    ["window", "document"].iter().all(|name| Reflect::has(&global, &(*name).into()).unwrap_or(false))
}

fn job_id(id: &JsValue) -> Result<JobId, JsValue> {
    Ok(JobId::parse(&to_value(id, "jobId")?)?)
}

#[wasm_bindgen(js_name = extendVideo)]
pub async fn extend_video(request: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (config, _, driver) = prepare(&options)?;
    let request = to_value(&request, "request")?;
    let request = ExtendRequest::from_value(&request, config.provider.name())?;
    Ok(to_js(&driver.run(Call::submit(config, request, seed(), nonce()?)).await?.into()))
}

#[wasm_bindgen(js_name = getJob)]
pub async fn get_job(id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (config, _, driver) = prepare(&options)?;
    let id = job_id(&id)?;
    Ok(to_js(&driver.run(Call::read(config, id, seed())).await?.into()))
}

#[wasm_bindgen(js_name = pollJob)]
pub async fn poll_job(id: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (config, data, driver) = prepare(&options)?;
    let poll = PollConfig::from_value(&data)?;
    let id = job_id(&id)?;
    Ok(to_js(&driver.run(Poll::new(config, poll, id, seed())).await?.into()))
}

#[wasm_bindgen(js_name = chainExtensions)]
pub async fn chain_extensions(video_id: JsValue, prompts: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (config, data, driver) = prepare(&options)?;
    let poll = PollConfig::from_value(&data)?;
    let video_id = to_value(&video_id, "videoId")?;
    let prompts = to_value(&prompts, "prompts")?;
    let plan = ChainPlan::from_values(&video_id, &prompts, &data, config.provider.name())?;
    let nonces = (0..plan.steps()).map(|_| nonce()).collect::<Result<_, _>>()?;
    Ok(to_js(&driver.run(Chain::new(config, poll, plan, nonces, seed())).await?.into()))
}

/// The Kling JWT for servers that mint short-lived tokens for browsers.
#[wasm_bindgen(js_name = signKlingToken)]
pub fn sign_kling_token(access_key: JsValue, secret_key: JsValue, now_seconds: JsValue) -> Result<String, JsValue> {
    let now = match now_seconds.is_undefined() {
        true => js_sys::Date::now() / 1000.0,
        false => now_seconds.as_f64().unwrap_or(f64::NAN),
    };
    Ok(jwt::sign_checked(access_key.as_string(), secret_key.as_string(), now)?)
}

/// The request rules `extendVideo` applies, for forms that check as the user
/// types; `options.provider` picks the service (default Trinetra).
#[wasm_bindgen(js_name = validateRequest)]
pub fn validate_request(request: JsValue, options: JsValue) -> Result<(), JsValue> {
    let provider = match to_value(&options, "options")? {
        Value::Null => ProviderName::Trinetra,
        options => ProviderName::from_fields(&Fields::of(&options, "options")?)?,
    };
    ExtendRequest::from_value(&to_value(&request, "request")?, provider)?;
    Ok(())
}

#[wasm_bindgen]
pub fn quote(input: JsValue) -> Result<JsValue, JsValue> {
    let input = to_value(&input, "input")?;
    Ok(to_js(&quote::quote(&input)?.into()))
}

#[wasm_bindgen(js_name = quoteChain)]
pub fn quote_chain(input: JsValue) -> Result<JsValue, JsValue> {
    let input = to_value(&input, "input")?;
    Ok(to_js(&quote::quote_chain(&input)?.into()))
}
