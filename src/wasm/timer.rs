//! Abortable waits on the platform's own timer.

use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub fn set_timeout(handler: &Function, ms: i32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub fn clear_timeout(id: &JsValue);
}

/// Sleeps `ms`, or less if `signal` fires; returns false when it did. The
/// promise's own `resolve` serves as both timer and abort listener, so no
/// Rust closure outlives the wait.
pub async fn sleep(ms: u64, signal: Option<&AbortSignal>) -> bool {
    if signal.is_some_and(AbortSignal::aborted) {
        return false;
    }
    let mut resolve = None;
    let promise = Promise::new(&mut |res, _rej| resolve = Some(res));
    let Some(resolve) = resolve else { return false };
    let timer = set_timeout(&resolve, ms.min(i32::MAX as u64) as i32);
    if let Some(signal) = signal {
        let _ = signal.add_event_listener_with_callback("abort", &resolve);
    }
    let _ = JsFuture::from(promise).await;
    clear_timeout(&timer);
    if let Some(signal) = signal {
        let _ = signal.remove_event_listener_with_callback("abort", &resolve);
    }
    !signal.is_some_and(AbortSignal::aborted)
}
