//! The client's synchronous functions (every build but kling-extend/quote's):
//! one export, `call`, taking and answering JSON text.

use super::convert::{self, answer};
use super::webhook;
use kling_extend_core::providers::kling::jwt;
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::fields::Fields;
use kling_extend_core::types::json::Value;
use kling_extend_core::types::provider::ProviderName;
use kling_extend_core::types::request::ExtendRequest;
use wasm_bindgen::prelude::*;

/// Every synchronous function of the API but the calculator's by its name,
/// with its arguments as one JSON list (`src/js/lib/api.js`), and `text`, a
/// large text argument that crosses as itself rather than escaped into the
/// list ("" for the others). One export for all of them: each export costs a
/// shim in the wasm and a wrapper in the glue.
#[wasm_bindgen]
pub fn call(name: &str, args: &str, #[cfg_attr(not(feature = "server"), allow(unused))] text: &str) -> String {
    answer(match name {
        "validateRequest" => validate(args).map(|()| Value::Null),
        "signKlingToken" => sign(args).map(Value::String),
        "parseWebhook" => webhook::parse(args).map(Value::from),
        // A page's build reads deliveries, which it rarely gets, from `args` (0.25 KB brotli).
        #[cfg(feature = "server")]
        "parseWebhookText" => webhook::parse_text(text, args).map(Value::from),
        #[cfg(feature = "server")]
        "chainStep" => super::chain_steps::chain_step(args),
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
