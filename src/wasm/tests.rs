//! The bindings, run in a real JS engine (Node) by wasm-bindgen-test: the
//! JSON text protocol of the exports and of a call's machine, step by step,
//! and the calculator's numbers.

use super::calculator::{asks, price, price_value};
use super::client::call;
use super::settings::Settings;
use super::task::{task_event, task_response};
use kling_extend_core::types::json::{parse, Value};
use wasm_bindgen_test::wasm_bindgen_test;

/// The answer or step, parsed, and the member at `path` ("error.field").
fn at(text: &str, path: &str) -> Value {
    let doc = parse(text.as_bytes()).expect("the bindings write JSON");
    path.split('.').fold(doc, |value, key| match key.parse::<usize>() {
        Ok(i) => value.as_array().and_then(|items| items.get(i)).cloned().unwrap_or(Value::Null),
        Err(_) => value.get(key).cloned().unwrap_or(Value::Null),
    })
}

fn text(value: &str) -> Value {
    Value::String(value.into())
}

const OPTIONS: &str = r#"{"apiKey":"sk_test_1","baseUrl":"http://127.0.0.1:9"}"#;

/// The answer at `at`, its first `n` numbers.
fn answer(at: *const f64, n: usize) -> Vec<f64> {
    // SAFETY: the calculator's answer stays in place until its next call, and holds at least `n` numbers here.
    unsafe { std::slice::from_raw_parts(at, n) }.to_vec()
}

/// `text` as the calculator writes it: its length, then its UTF-16 units.
fn units(text: &str) -> Vec<f64> {
    let units: Vec<f64> = text.encode_utf16().map(f64::from).collect();
    [vec![units.len() as f64], units].concat()
}

#[wasm_bindgen_test]
fn quotes_cross_as_numbers_and_text_as_code_units() {
    // { seconds: 10, resolution: "1080p" } in the fast path's slots.
    ask(&[0.0, 1.0, f64::NAN, 10.0]);
    let numbers = [1.0, 0.0, 1.0, 10.0, 10.0, 30.0, 300.0, 0.0, 300.0, 300.0];
    let expected = [&numbers[..], &units("₹300.00")].concat();
    assert_eq!(answer(price(false), expected.len()), expected);
    // The same object through the validating path.
    let json = r#"{"seconds":10,"resolution":"1080p"}"#;
    assert_eq!(answer(price_value(false, json), expected.len()), expected);
    // Refused, naming the field.
    let message = "seconds must be from 0 to 10000000 seconds";
    let refused = [vec![2.0], units("invalid_request"), units(message), vec![0.0, 1.0], units("seconds")].concat();
    assert_eq!(answer(price_value(false, r#"{"seconds":-1}"#), refused.len()), refused);
    // A chain: its status, basis and output seconds first.
    let chain = answer(price_value(true, r#"{"sourceSeconds":5,"extensions":1}"#), 4);
    assert_eq!(chain, [1.0, 0.0, 9.0, 10.0]);
}

/// Writes `given` into the fast path's slots, NaN past them (not given).
fn ask(given: &[f64]) {
    let mut slots = [f64::NAN; 15];
    slots[..given.len()].copy_from_slice(given);
    // SAFETY: `asks` has fifteen slots, written between calls as JS writes them.
    unsafe { asks().copy_from(slots.as_ptr(), slots.len()) };
}

#[wasm_bindgen_test]
fn a_unit_price_crosses_with_its_currency_as_code_units() {
    let usd = [85.0, 83.0, 68.0];
    // { provider: "kling", seconds: 5, unitPrice: { amount: 1, currency } }
    let kling = |currency: [f64; 3]| [&[1.0, f64::NAN, f64::NAN, 5.0][..], &[f64::NAN; 7], &[1.0], &currency].concat();
    ask(&kling(usd));
    let priced = answer(price(false), 14);
    assert_eq!(priced[..2], [1.0, 1.0], "priced, a Kling quote");
    assert_eq!(priced[11..], [1.0, 1.0, 3.0], "with a price of 1 (one unit), its currency three units long");
    // A lone surrogate, a unit past ASCII and a currency not given are
    // declined, for the validating path to name.
    for currency in [[55296.0, 83.0, 68.0], [321.0, 83.0, 68.0], [f64::NAN; 3]] {
        ask(&kling(currency));
        assert_eq!(answer(price(false), 1), [0.0], "{currency:?} declined");
    }
}

#[wasm_bindgen_test]
fn validation_answers_null_when_the_request_is_good() {
    let pro = r#"{"video_id":"v","mode":"pro"}"#;
    assert_eq!(call("validateRequest", &format!(r#"[{pro},{{"provider":"kling"}}]"#), ""), r#"{"ok":null}"#);
    let trinetra = call("validateRequest", &format!("[{pro},null]"), "");
    assert_eq!((at(&trinetra, "error.code"), at(&trinetra, "error.field")), (text("invalid_request"), text("mode")));
    // Quotes do not cross as JSON (calculator.rs).
    assert_eq!(at(&call("quote", "[]", ""), "error.field"), text("name"));
}

/// Starts the call `kind` of `args` by a client made with `OPTIONS`: its first step.
fn start(kind: &str, args: &str, browser: bool) -> String {
    Settings::new(OPTIONS, browser, "null").start(kind, args, &[1; 24], 0.0, 0.0)
}

/// A job's `rawText` when its document is `body` as received: `true` in the
/// server build, whose JS holds the body; the text in a page's.
fn body_as_received(body: &[u8]) -> Value {
    if cfg!(feature = "server") {
        Value::Bool(true)
    } else {
        text(std::str::from_utf8(body).unwrap())
    }
}

/// The number of the machine a first step names.
fn number(step: &str) -> u32 {
    at(step, "task").as_f64().expect("a machine under way") as u32
}

#[wasm_bindgen_test]
fn options_are_refused_when_the_client_is_made() {
    let refused = Settings::new(r#"{"apiKey":"k","timeoutMS":5}"#, false, "null");
    assert_eq!(at(&refused.refusal().unwrap(), "error.field"), text("timeoutMS"));
    // Its calls end with that error too, before any I/O.
    let step = refused.start("getJob", r#"["j"]"#, &[1; 24], 0.0, 0.0);
    assert_eq!(at(&step, "error.field"), text("timeoutMS"));
    assert_eq!(at(&step, "task"), Value::Null, "no machine is kept for it");
    assert_eq!(Settings::new(OPTIONS, false, "null").refusal(), None);
}

#[wasm_bindgen_test]
fn a_task_asks_for_a_request_then_ends_with_the_job() {
    let send = start("getJob", r#"["job 1"]"#, false);
    assert_eq!(at(&send, "send.url"), text("http://127.0.0.1:9/v1/jobs/job%201"));
    assert_eq!(at(&send, "send.method"), text("GET"));
    assert_eq!(at(&send, "send.read"), parse(br#"["content-type","retry-after","x-request-id"]"#).unwrap());
    assert_eq!(at(&send, "updates"), Value::Null, "no updates, no member");
    let task = number(&send);
    let body = br#"{"id":"job 1","status":"processing"}"#;
    let done = task_response(task, 200.0, r#"["application/json",null,"req_9"]"#, body.to_vec(), 10.0, 10.0);
    assert_eq!((at(&done, "done.id"), at(&done, "done.status")), (text("job 1"), text("running")));
    // The server build marks a document that is the body as received; a page's passes its text.
    assert_eq!(at(&done, "done.rawText"), body_as_received(body), "{done}");
    assert_eq!(at(&done, "task"), Value::Null);
    // Its last step dropped the machine: its number names none now.
    let gone = task_event(task, "waited", "", 11.0, 11.0);
    assert_eq!(at(&gone, "error.field"), text("task"));
}

#[wasm_bindgen_test]
fn a_document_that_is_not_the_body_as_received_goes_as_its_text() {
    // A byte order mark is no part of the document: the body is still the document.
    let task = number(&start("getJob", r#"["j1"]"#, false));
    let body = b"\xEF\xBB\xBF{\"id\":\"j1\",\"status\":\"queued\"}";
    let done = task_response(task, 200.0, "[null,null,null]", body.to_vec(), 1.0, 1.0);
    assert_eq!(at(&done, "done.rawText"), body_as_received(&body[3..]), "{done}");
    // A key echoed in the document: the document is the redacted one, built.
    let task = number(&start("getJob", r#"["j1"]"#, false));
    let body = br#"{"id":"j1","status":"queued","note":"key sk_test_1"}"#;
    let done = task_response(task, 200.0, "[null,null,null]", body.to_vec(), 1.0, 1.0);
    assert_eq!(at(&done, "done.rawText"), Value::Null, "{done}");
    assert_eq!(at(&done, "done.raw.note"), text("key [redacted]"), "{done}");
    // A service's own member named as the core names a job's text is a member like any other.
    let task = number(&start("getJob", r#"["j1"]"#, false));
    let body = br#"{"id":"j1","status":"queued","rawText":"key sk_test_1","m":{"rawText":"sk_test_1"}}"#;
    let done = task_response(task, 200.0, "[null,null,null]", body.to_vec(), 1.0, 1.0);
    assert_eq!(at(&done, "done.raw.rawText"), text("key [redacted]"), "{done}");
    assert_eq!(at(&done, "done.raw.m.rawText"), text("[redacted]"), "{done}");
}

#[wasm_bindgen_test]
fn a_task_retries_a_refused_connection_and_honours_an_abort() {
    let task = number(&start("getJob", r#"["job_1"]"#, false));
    let wait = task_event(task, "failed", "ECONNREFUSED", 5.0, 5.0);
    assert!(at(&wait, "wait").as_f64().is_some_and(|ms| ms > 0.0), "{wait}");
    let aborted = task_event(task, "aborted", "", 6.0, 6.0);
    assert_eq!(at(&aborted, "error.code"), text("aborted"));
}

#[wasm_bindgen_test]
fn a_poll_reports_each_new_status_as_an_update() {
    let task = number(&start("pollJob", r#"["job_1"]"#, false));
    let step =
        task_response(task, 200.0, "[null,null,null]", br#"{"id":"job_1","status":"queued"}"#.to_vec(), 1.0, 1.0);
    assert_eq!(at(&step, "updates.0.onUpdate.status"), text("queued"));
    assert_eq!(at(&step, "updates.0.onUpdate.rawText"), body_as_received(br#"{"id":"job_1","status":"queued"}"#));
    assert!(at(&step, "wait").as_f64().is_some(), "{step}");
    assert_eq!(at(&task_event(task, "end", "", 2.0, 2.0), "error.field"), text("event"), "ended by JS");
    assert_eq!(at(&task_event(task, "waited", "", 2.0, 2.0), "error.field"), text("task"), "its machine is gone");
}

#[wasm_bindgen_test]
fn a_task_refused_up_front_answers_its_error_at_start() {
    let bad_request = start("extendVideo", r#"[{"prompt":"p"}]"#, false);
    assert_eq!(at(&bad_request, "error.field"), text("video_id"));
    let key_in_page = start("getJob", r#"["j"]"#, true);
    assert_eq!(at(&key_in_page, "error.field"), text("apiKey"));
    assert!(!key_in_page.contains("sk_test_1"), "no key in an error: {key_in_page}");
    let task = number(&start("getJob", r#"["j"]"#, false));
    assert_eq!(at(&task_event(task, "nudged", "", 0.0, 0.0), "error.field"), text("event"));
    assert_eq!(at(&start("deleteJob", "[]", false), "error.field"), text("kind"));
}
