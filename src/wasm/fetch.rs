//! One HTTP exchange through `fetch` (the global one or the caller's).

use super::timer::{clear_timeout, set_timeout};
use crate::core::http::{HttpRequest, HttpResponse, Transport, RESPONSE_HEADERS};
use crate::core::machine::Event;
use js_sys::{Function, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal};

pub struct Fetcher {
    fetch: Function,
    /// `this` for the call: the global object for the platform's `fetch`,
    /// which refuses any other receiver in browsers and workerd.
    receiver: JsValue,
}

impl Fetcher {
    pub fn new(custom: Option<Function>) -> Result<Fetcher, JsValue> {
        match custom {
            Some(fetch) => Ok(Fetcher { fetch, receiver: JsValue::UNDEFINED }),
            None => {
                let global = js_sys::global();
                let fetch = Reflect::get(&global, &"fetch".into())?
                    .dyn_into::<Function>()
                    .map_err(|_| JsValue::from_str("this runtime has no fetch; pass options.fetch"))?;
                Ok(Fetcher { fetch, receiver: global.into() })
            }
        }
    }

    /// Sends `request`, aborting it after `timeout_ms` or when `signal` fires.
    pub async fn send(&self, request: &HttpRequest, timeout_ms: u32, signal: Option<&AbortSignal>) -> Event {
        let Ok(controller) = AbortController::new() else {
            return Event::Failed(Transport::ConnectFailed);
        };
        let abort = Reflect::get(&controller, &"abort".into())
            .ok()
            .and_then(|f| f.dyn_into::<Function>().ok())
            .map(|f| f.bind0(&controller));
        let timer = abort.as_ref().map(|f| set_timeout(f, timeout_ms.min(i32::MAX as u32) as i32));
        if let (Some(signal), Some(abort)) = (signal, &abort) {
            let _ = signal.add_event_listener_with_callback("abort", abort);
        }
        let result = self.exchange(request, &controller.signal()).await;
        if let Some(timer) = timer {
            clear_timeout(&timer);
        }
        if let (Some(signal), Some(abort)) = (signal, &abort) {
            let _ = signal.remove_event_listener_with_callback("abort", abort);
        }
        match result {
            Ok(response) => Event::Response(response),
            Err(_) if signal.is_some_and(AbortSignal::aborted) => Event::Aborted { in_flight: true },
            Err(_) if controller.signal().aborted() => Event::Failed(Transport::Timeout),
            Err(error) => Event::Failed(Transport::from_cause_code(cause_code(&error).as_deref())),
        }
    }

    async fn exchange(&self, request: &HttpRequest, signal: &AbortSignal) -> Result<HttpResponse, JsValue> {
        let headers = Object::new();
        for (name, value) in &request.headers {
            Reflect::set(&headers, &name.into(), &value.as_str().into())?;
        }
        let init = Object::new();
        Reflect::set(&init, &"method".into(), &request.method.as_str().into())?;
        Reflect::set(&init, &"headers".into(), &headers)?;
        if let Some(body) = &request.body {
            Reflect::set(&init, &"body".into(), &body.to_json().into())?;
        }
        Reflect::set(&init, &"signal".into(), signal)?;
        let pending = self.fetch.call2(&self.receiver, &request.url.as_str().into(), &init)?;
        let response = JsFuture::from(Promise::resolve(&pending)).await?;
        let status = Reflect::get(&response, &"status".into())?.as_f64().unwrap_or(0.0);
        let header_bag = Reflect::get(&response, &"headers".into())?;
        let get = Reflect::get(&header_bag, &"get".into())?.dyn_into::<Function>()?;
        let mut headers = Vec::new();
        for name in RESPONSE_HEADERS {
            if let Some(value) = get.call1(&header_bag, &name.into())?.as_string() {
                headers.push((name.to_owned(), value));
            }
        }
        let read = Reflect::get(&response, &"arrayBuffer".into())?.dyn_into::<Function>()?;
        let buffer = JsFuture::from(Promise::resolve(&read.call0(&response)?)).await?;
        Ok(HttpResponse { status: status.clamp(0.0, 999.0) as u16, headers, body: Uint8Array::new(&buffer).to_vec() })
    }
}

/// Node puts the socket error's code in `err.cause.code`.
fn cause_code(error: &JsValue) -> Option<String> {
    let cause = Reflect::get(error, &"cause".into()).ok()?;
    Reflect::get(&cause, &"code".into()).ok()?.as_string()
}
