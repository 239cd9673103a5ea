//! Values across the JS boundary, as JSON text both ways: `src/js/lib/boundary.js`
//! writes the caller's data, and every answer is `{"ok":…}` or `{"error":…}`.
//! One string each way is the whole protocol, so the wasm needs no JS object
//! glue and no serializer.

use crate::core::types::error::{Error, Result};
use crate::core::types::json::{self, object, Value};

/// One argument, as `boundary.js` wrote it.
pub fn arg(text: &str) -> Result<Value> {
    json::parse(text.as_bytes()).map_err(|_| Error::invalid("arguments", "are not JSON"))
}

/// A list of `N` arguments.
pub fn args<const N: usize>(text: &str) -> Result<[Value; N]> {
    match arg(text)? {
        Value::Array(items) => items.try_into().map_err(|_| Error::invalid("arguments", "are too few or too many")),
        _ => Err(Error::invalid("arguments", "must be a list")),
    }
}

/// `{"ok":value}` or `{"error":error}`, as `boundary.js`'s `answer` reads it.
pub fn answer(result: Result<Value>) -> String {
    match result {
        Ok(value) => object([("ok", Some(value))]),
        Err(error) => object([("error", Some(error.into()))]),
    }
    .to_json()
}
