//! The bindings, run in a real JS engine (Node) by wasm-bindgen-test: the
//! JSON text protocol of the exports and of a `Task`, step by step.

use super::call;
use super::task::Task;
use crate::core::types::json::{parse, Value};
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

#[wasm_bindgen_test]
fn quotes_answer_ok_or_an_error_naming_the_field() {
    let q = call("quote", r#"[{"seconds":10,"resolution":"1080p"}]"#);
    assert_eq!(at(&q, "ok.formatted"), text("₹300.00"));
    assert_eq!(at(&q, "ok.credits"), Value::Number(300.0));
    assert_eq!(
        at(&call("quoteChain", r#"[{"sourceSeconds":5,"extensions":2}]"#), "ok.steps.1.index"),
        Value::Number(2.0)
    );
    let negative = call("quote", r#"[{"seconds":-1}]"#);
    assert_eq!((at(&negative, "error.code"), at(&negative, "error.field")), (text("invalid_request"), text("seconds")));
    assert_eq!(at(&call("quote", "[{"), "error.field"), text("arguments"));
    assert_eq!(at(&call("quote", "[]"), "error.field"), text("arguments"));
    assert_eq!(at(&call("deleteJob", "[]"), "error.field"), text("name"));
}

#[wasm_bindgen_test]
fn validation_answers_null_when_the_request_is_good() {
    let pro = r#"{"video_id":"v","mode":"pro"}"#;
    assert_eq!(call("validateRequest", &format!(r#"[{pro},{{"provider":"kling"}}]"#)), r#"{"ok":null}"#);
    let trinetra = call("validateRequest", &format!("[{pro},null]"));
    assert_eq!((at(&trinetra, "error.code"), at(&trinetra, "error.field")), (text("invalid_request"), text("mode")));
}

#[wasm_bindgen_test]
fn a_task_asks_for_a_request_then_ends_with_the_job() {
    let mut task = Task::new("getJob", &format!(r#"["job 1",{OPTIONS}]"#), false, "null", &[1; 24]);
    let send = task.event("start", "", 0.0);
    assert_eq!(at(&send, "send.url"), text("http://127.0.0.1:9/v1/jobs/job%201"));
    assert_eq!(at(&send, "send.method"), text("GET"));
    assert_eq!(at(&send, "send.read"), parse(br#"["content-type","retry-after","x-request-id"]"#).unwrap());
    let body = br#"{"id":"job 1","status":"processing"}"#;
    let done = task.response(200.0, r#"["application/json",null,"req_9"]"#, body, 10.0);
    assert_eq!((at(&done, "done.id"), at(&done, "done.status")), (text("job 1"), text("running")));
    assert_eq!(at(&done, "updates"), Value::Array(Vec::new()));
}

#[wasm_bindgen_test]
fn a_task_retries_a_refused_connection_and_honours_an_abort() {
    let mut task = Task::new("getJob", &format!(r#"["job_1",{OPTIONS}]"#), false, "null", &[1; 24]);
    task.event("start", "", 0.0);
    let wait = task.event("failed", "ECONNREFUSED", 5.0);
    assert!(at(&wait, "wait").as_f64().is_some_and(|ms| ms > 0.0), "{wait}");
    let aborted = task.event("aborted", "", 6.0);
    assert_eq!(at(&aborted, "error.code"), text("aborted"));
}

#[wasm_bindgen_test]
fn a_poll_reports_each_new_status_as_an_update() {
    let mut task = Task::new("pollJob", &format!(r#"["job_1",{OPTIONS}]"#), false, "null", &[1; 24]);
    task.event("start", "", 0.0);
    let step = task.response(200.0, "[null,null,null]", br#"{"id":"job_1","status":"queued"}"#, 1.0);
    assert_eq!(at(&step, "updates.0.onUpdate.status"), text("queued"));
    assert!(at(&step, "wait").as_f64().is_some(), "{step}");
}

#[wasm_bindgen_test]
fn a_task_refused_up_front_answers_its_error_at_start() {
    let bad_request = Task::new("extendVideo", &format!(r#"[{{"prompt":"p"}},{OPTIONS}]"#), false, "null", &[1; 24])
        .event("start", "", 0.0);
    assert_eq!(at(&bad_request, "error.field"), text("video_id"));
    let key_in_page =
        Task::new("getJob", &format!(r#"["j",{OPTIONS}]"#), true, "null", &[1; 24]).event("start", "", 0.0);
    assert_eq!(at(&key_in_page, "error.field"), text("apiKey"));
    assert!(!key_in_page.contains("sk_test_1"), "no key in an error: {key_in_page}");
    let mut task = Task::new("getJob", &format!(r#"["j",{OPTIONS}]"#), false, "null", &[1; 24]);
    assert_eq!(at(&task.event("nudged", "", 0.0), "error.field"), text("event"));
    assert_eq!(
        at(&Task::new("deleteJob", "[]", false, "null", &[1; 24]).event("start", "", 0.0), "error.field"),
        text("kind")
    );
}
