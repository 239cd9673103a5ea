//! The `fetch` feature, for wasm32: the platform's own HTTP client and
//! timers, as every JS runtime has them (browsers and their workers, Node,
//! Deno, Cloudflare workerd). Each is reached through the global object's
//! bindings (`fetch`, `setTimeout`, `performance`), never through `window`,
//! which a Worker or Node does not have.

mod body;
mod client;
mod failure;
mod runtime;
mod timer;

pub use client::FetchClient;
pub use runtime::JsRuntime;

/// Whether this runs in a page (a global `document`): there every visitor
/// can read a credential, which the core then refuses unless the builder
/// says, by name, that it knows (`dangerously_allow_browser`), as the npm
/// package does. A Worker, Node or workerd has no `document`.
pub(crate) fn in_page() -> bool {
    js_sys::Reflect::has(&js_sys::global(), &JsValue::from_str("document")).unwrap_or(false)
}

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch`, looked up at each call (a polyfill or a test's
    /// stand-in set on `globalThis` later is used too) and called as a plain
    /// function, as browsers and workerd require. It throws only where the
    /// runtime has no `fetch` at all.
    #[wasm_bindgen(catch, js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Result<js_sys::Promise, JsValue>;

    /// The global `setTimeout`: its handle is a number in browsers and
    /// workerd, an object in Node, so it is kept as it is for `clearTimeout`.
    #[wasm_bindgen(catch, js_name = setTimeout)]
    fn set_timeout(handler: &js_sys::Function, ms: f64) -> Result<JsValue, JsValue>;

    /// The global `clearTimeout`, for a handle `setTimeout` gave.
    #[wasm_bindgen(js_name = clearTimeout)]
    fn clear_timeout(handle: &JsValue);

    /// What `performance` is, for its monotonic clock.
    type Performance;

    /// The global `performance`, where the runtime has one.
    #[wasm_bindgen(thread_local_v2, js_name = performance)]
    static PERFORMANCE: Option<Performance>;

    /// Milliseconds since the time origin, never going back.
    #[wasm_bindgen(method)]
    fn now(this: &Performance) -> f64;
}
