//! The platform's `fetch` as the client's [`HttpClient`].

use super::body::read_limited;
use super::failure::{network, rejected, thrown};
use super::global_fetch;
use crate::runtime::BoxFuture;
use crate::transport::{HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
use js_sys::Uint8Array;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, AbortSignal, Headers, Request, RequestInit, RequestRedirect, Response, ResponseType};

/// The platform's global `fetch` as the client's transport, on wasm32: in
/// pages, Web Workers, Node, Deno and Cloudflare workerd (where there is
/// no `window`). With the `fetch` feature it is the default
/// [`HttpClient`] on wasm32.
///
/// Each exchange is made with `redirect: "manual"`, so a redirect is
/// reported and never followed (the credential would go with it; a page
/// sees it as an opaque redirect, status 0), and with an `AbortController`
/// that aborts it when its future is dropped: when the client's timeout
/// ends it, or when the caller drops the call. The body is read chunk by
/// chunk and no further than the limit the client gives. Header values are
/// as `fetch` gives them (Latin-1 characters for the bytes past ASCII).
///
/// In a page, the service must allow the page's origin (CORS), and its
/// answer's `retry-after` and `x-request-id` reach the client only when it
/// exposes them (`Access-Control-Expose-Headers`).
///
/// ```no_run
/// # fn demo() -> Result<kling_extend_client::Client, kling_extend_client::Error> {
/// use kling_extend_client::{Client, FetchClient, Provider};
///
/// Client::builder(Provider::Trinetra)
///     .base_url("https://example.com/kling") // a proxy that holds the key
///     .http_client(FetchClient::new())
///     .build()
/// # }
/// ```
#[derive(Clone, Debug, Default)]
pub struct FetchClient {
    /// Whose `fetch` sends: `None`, the global one.
    fetcher: Option<JsValue>,
}

impl FetchClient {
    /// The global `fetch`, looked up at each exchange.
    ///
    /// ```no_run
    /// # use kling_extend_client::FetchClient;
    /// let http = FetchClient::new();
    /// ```
    pub fn new() -> Self {
        FetchClient::default()
    }

    /// The `fetch` method of `fetcher` instead of the global one: a
    /// Cloudflare service binding (workers-rs's `Fetcher`, which converts
    /// into a `JsValue`), so a Worker reaches another Worker (a proxy that
    /// holds the key) without a trip through the internet, or any object
    /// whose `fetch(request)` answers as `fetch` does. The request's host is
    /// then the bound Worker's business: give the client any base URL.
    ///
    /// ```no_run
    /// # fn demo(proxy: wasm_bindgen::JsValue) -> Result<kling_extend_client::Client, kling_extend_client::Error> {
    /// use kling_extend_client::{Client, FetchClient, Provider};
    ///
    /// // `proxy`: in a workers-rs Worker, `env.service("KLING_PROXY")?` (a
    /// // `[[services]]` binding in wrangler.toml), which converts into a JsValue.
    /// Client::builder(Provider::Trinetra)
    ///     .base_url("https://kling-proxy.internal")
    ///     .http_client(FetchClient::with_fetcher(proxy))
    ///     .build()
    /// # }
    /// ```
    pub fn with_fetcher(fetcher: impl Into<JsValue>) -> Self {
        FetchClient { fetcher: Some(fetcher.into()) }
    }
}

impl HttpClient for FetchClient {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        Box::pin(exchange(request, self.fetcher.as_ref()))
    }
}

/// `fetch(request)`: the global one, or `fetcher`'s method (called on it, as
/// a binding requires). Only what fails before anything is called is a
/// request never sent (no global `fetch`, a fetcher without a `fetch`
/// method): once a caller's method runs, it may have sent the request
/// whatever it then does, so its throw is a failure after sending, and what
/// it answers is awaited as `await` takes it (a thenable, another realm's
/// promise, a response itself).
fn send(fetcher: Option<&JsValue>, request: &Request) -> Result<js_sys::Promise, TransportError> {
    let Some(fetcher) = fetcher else {
        return global_fetch(request).map_err(|error| thrown(&error));
    };
    let method = js_sys::Reflect::get(fetcher, &JsValue::from_str("fetch")).ok();
    let Some(method) = method.and_then(|method| method.dyn_into::<js_sys::Function>().ok()) else {
        return Err(thrown(&js_sys::TypeError::new("the fetcher given to FetchClient has no fetch method").into()));
    };
    let answered = method.call1(fetcher, request).map_err(|error| rejected(&error))?;
    Ok(js_sys::Promise::resolve(&answered))
}

/// Aborts the exchange when dropped, at whatever point it is: a pending
/// `fetch` rejects, a body being read stops and its connection is let go.
/// After a whole answer was read, aborting changes nothing.
struct AbortOnDrop(AbortController);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

async fn exchange(request: HttpRequest, fetcher: Option<&JsValue>) -> Result<HttpResponse, TransportError> {
    let never_sent = || TransportError::new(TransportErrorKind::NeverSent);
    let abort = AbortOnDrop(AbortController::new().map_err(|_| never_sent())?);
    let outgoing = outgoing(&request, &abort.0.signal()).ok_or_else(never_sent)?;
    let promise = send(fetcher, &outgoing)?;
    let answer = JsFuture::from(promise).await.map_err(|error| rejected(&error))?;
    // Only a stand-in set on `globalThis` could answer something else.
    let response: Response = answer.dyn_into().map_err(network)?;
    let headers = headers(&response.headers());
    // A page's opaque redirect hides its status: 0, which the client reports as a redirect.
    let status = if response.type_() == ResponseType::Opaqueredirect { 0 } else { response.status() };
    if status == 0 || (300..400).contains(&status) {
        // Reported as it is, its body unread (`abort` lets it go).
        return Ok(HttpResponse { status, headers, body: Vec::new() });
    }
    let body = read_limited(response.body(), request.max_bytes).await?;
    Ok(HttpResponse { status, headers, body })
}

/// The request as `fetch` takes it, or `None` for one it refuses to make (a
/// URL or header value it cannot send): then nothing was sent. The reason is
/// not kept: the platform's message may quote the header value, a credential.
fn outgoing(request: &HttpRequest, signal: &AbortSignal) -> Option<Request> {
    let headers = Headers::new().ok()?;
    for (name, value) in &request.headers {
        headers.append(name, value).ok()?;
    }
    let init = RequestInit::new();
    init.set_method(request.method);
    init.set_headers(&headers);
    init.set_redirect(RequestRedirect::Manual);
    init.set_signal(Some(signal));
    if let Some(body) = &request.body {
        init.set_body(&Uint8Array::from(body.as_slice()));
    }
    Request::new_with_str_and_init(&request.url, &init).ok()
}

/// The answer's headers, names in lower case as `fetch` gives them.
fn headers(headers: &Headers) -> Vec<(String, String)> {
    let pairs = headers.entries().into_iter().filter_map(Result::ok);
    pairs
        .filter_map(|pair| {
            let pair: js_sys::Array = pair.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}
