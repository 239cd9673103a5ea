//! Values across the JS boundary, as JSON text both ways: `src/js/lib/boundary.js`
//! writes the caller's data, and every answer is `{"ok":…}` or `{"error":…}`.
//! One string each way is the whole protocol, so the wasm needs no JS object
//! glue and no serializer.

use kling_extend_core::types::error::{Error, Result};
#[cfg(feature = "server")]
use kling_extend_core::types::job::RAW_TEXT;
use kling_extend_core::types::json::{self, object, Value};
#[cfg(feature = "server")]
use std::cell::RefCell;
#[cfg(feature = "server")]
use wasm_bindgen::prelude::*;

#[cfg(feature = "server")]
thread_local! {
    /// The texts of the documents the last answer passed on (see [`aside`]).
    static ASIDE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

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
    clear_aside();
    match result {
        Ok(value) => object([("ok", Some(aside(value)))]),
        Err(error) => object([("error", Some(aside(error.into())))]),
    }
    .to_json()
}

/// Forgets the texts an earlier answer set aside and JS did not take.
#[cfg(feature = "server")]
pub fn clear_aside() {
    ASIDE.with(|texts| texts.borrow_mut().clear());
}

/// Calls `each` on each job of an answer: the value itself, its items (a
/// chain's jobs), or its `job` (an error's, a step's), where
/// `lib/boundary.js`'s `withJobs` looks for their documents.
#[cfg(feature = "server")]
pub fn jobs_mut(value: &mut Value, each: &mut dyn FnMut(&mut Value)) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(each),
        job => {
            each(job);
            if let Value::Object(members) = job {
                members.iter_mut().filter(|(key, _)| key == "job").for_each(|(_, job)| each(job));
            }
        }
    }
}

/// `value` with each job's `rawText` (see [`jobs_mut`]) set aside for
/// [`take_raw`], its index in its place: a large document crosses to JS as
/// one string, not escaped into the answer's JSON and parsed out again.
#[cfg(feature = "server")]
pub fn aside(mut value: Value) -> Value {
    jobs_mut(&mut value, &mut set_aside);
    value
}

#[cfg(feature = "server")]
fn set_aside(job: &mut Value) {
    let Value::Object(members) = job else { return };
    for (key, value) in members.iter_mut() {
        // A document marked as the body as received (`"rawText": true`) stays so.
        let (RAW_TEXT, Value::String(text)) = (key.as_str(), &mut *value) else { continue };
        let text = std::mem::take(text);
        *value = ASIDE.with(|texts| {
            let mut texts = texts.borrow_mut();
            texts.push(text);
            Value::Number((texts.len() - 1) as f64)
        });
    }
}

/// The text the last answer set aside at `index`, once.
#[cfg(feature = "server")]
#[wasm_bindgen(js_name = takeRaw)]
pub fn take_raw(index: usize) -> String {
    ASIDE.with(|texts| texts.borrow_mut().get_mut(index).map(std::mem::take).unwrap_or_default())
}

/// A page's build passes a document's text inside the answer, as a string:
/// the documents a page reads are small, and setting them aside would cost
/// it 0.4 KB brotli. Servers read the megabyte ones (above).
#[cfg(not(feature = "server"))]
pub fn aside(value: Value) -> Value {
    value
}

#[cfg(not(feature = "server"))]
pub fn clear_aside() {}
