//! The JS face of the crate: every export takes and answers JSON text
//! (`convert.rs`), and network calls are `Task`s that `src/js/lib/driver.js`
//! performs. `src/js/lib/api.js` wraps these exports into the public API.

mod convert;
#[cfg(feature = "server")]
mod proxy;
#[cfg(feature = "server")]
mod signature;
mod task;
mod webhook;

#[cfg(test)]
mod tests;

use crate::core::error::Result;
use crate::core::fields::Fields;
use crate::core::job::ProviderName;
use crate::core::json::Value;
use crate::core::quote;
use crate::core::request::ExtendRequest;
use crate::providers::kling::jwt;
use convert::{answer, arg, args};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub fn quote(input: &str) -> String {
    answer(arg(input).and_then(|input| quote::quote(&input)).map(Value::from))
}

#[wasm_bindgen(js_name = quoteChain)]
pub fn quote_chain(input: &str) -> String {
    answer(arg(input).and_then(|input| quote::quote_chain(&input)).map(Value::from))
}

/// The request rules `extendVideo` applies; `options.provider` picks the
/// service (default Trinetra).
#[wasm_bindgen(js_name = validateRequest)]
pub fn validate_request(request: &str, options: &str) -> String {
    answer(validate(request, options).map(|()| Value::Null))
}

fn validate(request: &str, options: &str) -> Result<()> {
    let provider = match arg(options)? {
        Value::Null => ProviderName::Trinetra,
        options => ProviderName::from_fields(&Fields::of(&options, "options")?)?,
    };
    ExtendRequest::from_value(&arg(request)?, provider).map(drop)
}

/// The Kling JWT from `[accessKey, secretKey, nowSeconds]`.
#[wasm_bindgen(js_name = signKlingToken)]
pub fn sign_kling_token(input: &str) -> String {
    answer(args(input).and_then(|[access_key, secret_key, now]| {
        let text = |value: Value| value.as_str().map(str::to_owned);
        jwt::sign_checked(text(access_key), text(secret_key), now.as_f64().unwrap_or(f64::NAN)).map(Value::String)
    }))
}

// SAFETY: wasm32-unknown-unknown without atomics has one thread.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
