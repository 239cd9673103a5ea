//! The package's mock (`src/mock/`), started by `scripts/test-client-wasm.sh`
//! before the tests are built: its URL comes at build time, as a page or a
//! Worker would be configured. The tests drive it through its control API
//! (`/__mock/...`) with the platform's own `fetch`, as the JS suite's
//! browser tests do, not with the client under test.

use kling_extend_client::{Client, Provider};
use serde_json::Value;
use std::time::Duration;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, Response};

/// Trinetra's key the mock takes (`--api-key`).
pub const KEY: &str = "test-key";
/// Kling's access key and secret key the mock takes (`--kling-key ak:sk`).
pub const KLING_KEYS: (&str, &str) = ("ak", "sk");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn plain_fetch(url: &str, init: &RequestInit) -> js_sys::Promise;
}

/// The mock's base URL.
pub fn url() -> &'static str {
    match option_env!("KLING_EXTEND_MOCK_URL") {
        Some(url) => url,
        None => {
            panic!("run these through scripts/test-client-wasm.sh: it starts the mock and sets KLING_EXTEND_MOCK_URL")
        }
    }
}

/// A Trinetra client of the mock, polling every 10 ms, on the defaults the
/// `fetch` feature gives `build` on wasm32.
pub fn client() -> Client {
    Client::builder(Provider::Trinetra)
        .api_key(KEY)
        .base_url(url())
        .dangerously_allow_browser()
        .poll_interval(Duration::from_millis(10))
        .build()
        .expect("valid options")
}

/// A control request: its status and its body's JSON (null for none).
async fn control(method: &str, route: &str, body: Option<Value>) -> (u16, Value) {
    let init = RequestInit::new();
    init.set_method(method);
    if let Some(body) = body {
        init.set_body(&JsValue::from_str(&body.to_string()));
    }
    let answer = JsFuture::from(plain_fetch(&format!("{}/__mock/{route}", url()), &init)).await;
    let response: Response = answer.expect("the mock answers").unchecked_into();
    let text = JsFuture::from(response.text().expect("a body")).await.expect("its text");
    let text = text.as_string().unwrap_or_default();
    (response.status(), serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Forgets every job, fault and logged request: each test starts afresh.
pub async fn reset() {
    assert_eq!(control("POST", "reset", None).await.0, 204);
}

/// Queues `fault` (the mock's JSON shape) for the next matching requests.
pub async fn fault(fault: Value) {
    let (status, answer) = control("POST", "faults", Some(fault)).await;
    assert_eq!(status, 201, "the mock took the fault: {answer}");
}

/// The requests the mock got of `method` whose path starts with `path`, oldest first.
pub async fn requests(method: &str, path: &str) -> Vec<Value> {
    let (_, log) = control("GET", "log", None).await;
    let sent =
        |entry: &&Value| entry["method"] == method && entry["path"].as_str().is_some_and(|p| p.starts_with(path));
    log.as_array().map(|log| log.iter().filter(sent).cloned().collect()).unwrap_or_default()
}

/// Whether this runs in a page (Chromium) rather than in Node.
pub fn in_page() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("document")).unwrap_or(false)
}
