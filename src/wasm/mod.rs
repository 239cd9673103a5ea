//! The JS face of the crate: every export takes and answers JSON text
//! (`convert.rs`); the synchronous functions share one export, `call`, and
//! network calls are `Task`s that `src/js/lib/driver.js` performs.
//! `src/js/lib/api.js` wraps these exports into the public API.

#[cfg(feature = "server")]
mod chain_steps;
mod convert;
#[cfg(feature = "server")]
mod proxy;
#[cfg(feature = "server")]
mod signature;
mod task;
mod webhook;

#[cfg(test)]
mod tests;

use crate::core::pricing::quote;
use crate::core::types::error::{Error, Result};
use crate::core::types::fields::Fields;
use crate::core::types::json::Value;
use crate::core::types::provider::ProviderName;
use crate::core::types::request::ExtendRequest;
use crate::providers::kling::jwt;
use convert::answer;
use wasm_bindgen::prelude::*;

/// Every synchronous function of the API by its name, with its arguments as
/// one JSON list (`src/js/lib/api.js`). One export for all of them: each
/// export costs a shim in the wasm and a wrapper in the glue.
#[wasm_bindgen]
pub fn call(name: &str, args: &str) -> String {
    answer(match name {
        "quote" => convert::args(args).and_then(|[input]| quote::quote(&input)).map(Value::from),
        "quoteChain" => convert::args(args).and_then(|[input]| quote::quote_chain(&input)).map(Value::from),
        "validateRequest" => validate(args).map(|()| Value::Null),
        "signKlingToken" => sign(args).map(Value::String),
        "parseWebhook" => webhook::parse(args).map(Value::from),
        #[cfg(feature = "server")]
        "chainStep" => chain_steps::advance(args),
        _ => Err(Error::invalid("name", "is not a function of this build")),
    })
}

/// The request rules `extendVideo` applies, from `[request, options]`;
/// `options.provider` picks the service (default Trinetra).
fn validate(args: &str) -> Result<()> {
    let [request, options] = convert::args(args)?;
    let provider = match options {
        Value::Null => ProviderName::Trinetra,
        options => Fields::of(&options, "options")?.provider()?.unwrap_or_default(),
    };
    ExtendRequest::from_value(&request, provider).map(drop)
}

/// The Kling JWT from `[accessKey, secretKey, nowSeconds]`.
fn sign(args: &str) -> Result<String> {
    let [access_key, secret_key, now] = convert::args(args)?;
    let text = |value: Value| value.as_str().map(str::to_owned);
    jwt::sign_checked(text(access_key), text(secret_key), now.as_f64().unwrap_or(f64::NAN))
}

// SAFETY: wasm32-unknown-unknown without atomics has one thread.
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
