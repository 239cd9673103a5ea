//! The bindings, run in a real JS engine (Node) by wasm-bindgen-test: what
//! crosses the boundary, in both directions.

use super::convert::{split_options, to_value};
use super::{quote, quote_chain};
use crate::core::error::Error;
use crate::core::json::Value;
use js_sys::{Function, Reflect, Symbol, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::wasm_bindgen_test;

fn js(source: &str) -> JsValue {
    Function::new_no_args(&format!("return ({source});")).call0(&JsValue::NULL).unwrap()
}

fn field(error: Error) -> Option<String> {
    error.field
}

#[wasm_bindgen_test]
fn plain_data_becomes_a_value() {
    let v = to_value(&js(r#"{ a: [1, "x", true, null, undefined], b: { c: 0.5 } }"#), "input").unwrap();
    let expected = Value::Object(vec![
        (
            "a".into(),
            Value::Array(vec![
                Value::Number(1.0),
                Value::String("x".into()),
                Value::Bool(true),
                Value::Null,
                Value::Null,
            ]),
        ),
        ("b".into(), Value::Object(vec![("c".into(), Value::Number(0.5))])),
    ]);
    assert_eq!(v, expected);
}

#[wasm_bindgen_test]
fn what_is_not_data_is_refused_by_its_path() {
    let e = to_value(&js("{ headers: { x: () => 1 } }"), "options").unwrap_err();
    assert_eq!(field(e).as_deref(), Some("options.headers.x"));
    assert!(to_value(&js("Symbol('s')"), "v").is_err());
    assert!(to_value(&js("10n"), "v").is_err());
    let cyclic = js("(() => { const o = {}; o.self = o; return o; })()");
    assert!(to_value(&cyclic, "v").unwrap_err().message.contains("nested too deeply"));
}

#[wasm_bindgen_test]
fn hooks_are_taken_out_of_the_options() {
    let options = js("{ fetch: globalThis.fetch, signal: new AbortController().signal, onUpdate() {}, timeoutMs: 5 }");
    let (data, hooks) = split_options(&options).unwrap();
    assert_eq!(data, Value::Object(vec![("timeoutMs".into(), Value::Number(5.0))]));
    assert!(hooks.fetch.is_some() && hooks.signal.is_some() && hooks.on_update.is_some());
    assert_eq!(field(split_options(&js("{ fetch: 'x' }")).err().unwrap()).as_deref(), Some("fetch"));
    assert_eq!(field(split_options(&js("{ signal: {} }")).err().unwrap()).as_deref(), Some("signal"));
    assert!(split_options(&js("[1]")).is_err());
    assert!(split_options(&JsValue::UNDEFINED).is_ok());
}

#[wasm_bindgen_test]
fn errors_carry_the_brand_and_only_the_fields_they_have() {
    let e = JsValue::from(Error::invalid("prompt", "is too long"));
    assert_eq!(Reflect::get(&e, &Symbol::for_("kling-extend.error")).unwrap(), JsValue::TRUE);
    let text = JSON::stringify(&e).unwrap().as_string().unwrap();
    assert_eq!(text, r#"{"code":"invalid_request","message":"prompt is too long","retryable":false,"field":"prompt"}"#);
}

#[wasm_bindgen_test]
fn quotes_cross_as_plain_objects() {
    let q = quote(js("{ seconds: 10, resolution: '1080p' }")).unwrap();
    assert_eq!(Reflect::get(&q, &"formatted".into()).unwrap(), "₹300.00");
    assert_eq!(Reflect::get(&q, &"credits".into()).unwrap(), 300.0);
    let chain = quote_chain(js("{ sourceSeconds: 5, extensions: 2 }")).unwrap();
    let steps = Reflect::get(&chain, &"steps".into()).unwrap();
    assert_eq!(Reflect::get(&steps, &"length".into()).unwrap(), 2.0);
    assert!(quote(js("{ seconds: NaN }")).is_err());
}
