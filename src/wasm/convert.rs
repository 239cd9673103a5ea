//! Values across the JS boundary: plain data in as `json::Value`, results and
//! errors out as plain objects.

use crate::core::error::Error;
use crate::core::json::Value;
use js_sys::{Array, Function, Object, Reflect, Symbol, JSON};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

/// Marks the objects that `src/js/api.js` turns into `KlingExtendError`s, so
/// an exception thrown by a caller's own callback passes through untouched.
const ERROR_BRAND: &str = "kling-extend.error";

/// Nesting deeper than this in a caller's value is refused (and cycles end).
const MAX_DEPTH: usize = 32;

/// Copies a caller's plain data (JSON-like) into the core's value type;
/// `undefined` counts as absent, like `null`.
pub fn to_value(js: &JsValue, field: &str) -> Result<Value, Error> {
    from_js(js, field, 0)
}

fn from_js(js: &JsValue, field: &str, depth: usize) -> Result<Value, Error> {
    if js.is_null() || js.is_undefined() {
        return Ok(Value::Null);
    }
    if let Some(b) = js.as_bool() {
        return Ok(Value::Bool(b));
    }
    if let Some(n) = js.as_f64() {
        return Ok(Value::Number(n));
    }
    if let Some(s) = js.as_string() {
        return Ok(Value::String(s));
    }
    if depth >= MAX_DEPTH {
        return Err(Error::invalid(field, "is nested too deeply"));
    }
    if Array::is_array(js) {
        let array = Array::from(js);
        let items = array.iter().enumerate();
        let items = items.map(|(i, item)| from_js(&item, &format!("{field}[{i}]"), depth + 1));
        return items.collect::<Result<_, _>>().map(Value::Array);
    }
    if js.is_object() && !js.is_function() {
        let mut members = Vec::new();
        for entry in Object::entries(js.unchecked_ref()).iter() {
            let entry: Array = entry.unchecked_into();
            let key = entry.get(0).as_string().unwrap_or_default();
            let value = from_js(&entry.get(1), &format!("{field}.{key}"), depth + 1)?;
            members.push((key, value));
        }
        return Ok(Value::Object(members));
    }
    Err(Error::invalid(field, "must be plain data (strings, numbers, booleans, arrays, objects)"))
}

/// A result as a plain JS object, through its JSON text: one call across the
/// boundary, and no serializer in the wasm.
pub fn to_js(value: &Value) -> JsValue {
    // The writer's text is always valid JSON, so this cannot fail.
    JSON::parse(&value.to_json()).unwrap_or(JsValue::UNDEFINED)
}

/// Lets `?` turn a core error into the branded object JS receives.
impl From<Error> for JsValue {
    fn from(error: Error) -> JsValue {
        let object = to_js(&error.into());
        let _ = Reflect::set(&object, &Symbol::for_(ERROR_BRAND), &JsValue::TRUE);
        object
    }
}

/// The options that are not data: they stay JS objects.
#[derive(Default)]
pub struct Hooks {
    pub fetch: Option<Function>,
    pub signal: Option<AbortSignal>,
    pub on_update: Option<Function>,
    pub on_step: Option<Function>,
}

/// Splits the options object into data for the core and hooks for the driver.
pub fn split_options(options: &JsValue) -> Result<(Value, Hooks), Error> {
    let mut hooks = Hooks::default();
    let mut data = Vec::new();
    if options.is_undefined() || options.is_null() {
        return Ok((Value::Object(data), hooks));
    }
    if !options.is_object() || Array::is_array(options) {
        return Err(Error::invalid("options", "must be an object"));
    }
    for entry in Object::entries(options.unchecked_ref()).iter() {
        let entry: Array = entry.unchecked_into();
        let (key, value) = (entry.get(0).as_string().unwrap_or_default(), entry.get(1));
        if value.is_undefined() {
            continue;
        }
        match key.as_str() {
            "fetch" => hooks.fetch = Some(function(value, "fetch")?),
            "onUpdate" => hooks.on_update = Some(function(value, "onUpdate")?),
            "onStep" => hooks.on_step = Some(function(value, "onStep")?),
            "signal" => hooks.signal = Some(signal(value)?),
            _ => {
                let item = to_value(&value, &key)?;
                data.push((key, item));
            }
        }
    }
    Ok((Value::Object(data), hooks))
}

fn function(value: JsValue, field: &str) -> Result<Function, Error> {
    value.dyn_into().map_err(|_| Error::invalid(field, "must be a function"))
}

/// Any object shaped like an `AbortSignal` (polyfills included).
fn signal(value: JsValue) -> Result<AbortSignal, Error> {
    let has = |name: &str| Reflect::get(&value, &JsValue::from_str(name)).ok();
    let aborted = has("aborted").is_some_and(|v| v.as_bool().is_some());
    let listens = has("addEventListener").is_some_and(|v| v.is_function());
    if aborted && listens {
        Ok(value.unchecked_into())
    } else {
        Err(Error::invalid("signal", "must be an AbortSignal"))
    }
}
