//! The client on wasm32 through the platform's `fetch` and timers (the
//! `fetch` feature's defaults), against the package's mock over HTTP on
//! 127.0.0.1: in Node, and in headless Chromium, where the test page is
//! another origin and the mock allows it by CORS. Run by
//! `scripts/test-client-wasm.sh`, which starts the mock first.
#![cfg(all(target_arch = "wasm32", feature = "fetch"))]

mod mock;

use kling_extend_client::{
    BoxFuture, Client, ErrorCode, Event, ExtendRequest, FetchClient, HttpClient, HttpRequest, HttpResponse, JsRuntime,
    Provider, Runtime, Status, TransportError,
};
use serde_json::json;
use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::rc::Rc;
use std::task::Poll;
use std::time::Duration;
use wasm_bindgen_test::wasm_bindgen_test;

#[wasm_bindgen_test]
async fn a_submitted_job_is_read_with_its_document() {
    mock::reset().await;
    let client = mock::client();
    let submission = client.extend_video(ExtendRequest::video("v1").prompt("the camera pulls back")).await.unwrap();
    assert_eq!((submission.provider.as_str(), submission.status), ("trinetra", Status::Queued));
    let job = client.get_job(&submission.job_id).await.unwrap();
    assert_eq!((job.id.as_str(), job.status), (submission.job_id.as_str(), Status::Queued));
    assert_eq!(job.raw.to_value().unwrap()["id"], submission.job_id.as_str(), "raw is the service's document");
    let sent = mock::requests("POST", "/v1/video/").await;
    assert_eq!(sent[0]["headers"]["x-api-key"], "[redacted]", "the key went as X-API-Key: {sent:?}");
}

#[wasm_bindgen_test]
async fn a_refused_key_is_unauthorized_with_the_services_request_id() {
    mock::reset().await;
    let client = Client::builder(Provider::Trinetra)
        .api_key("wrong-key")
        .base_url(mock::url())
        .dangerously_allow_browser()
        .build()
        .unwrap();
    let error = client.get_job("job_1").await.unwrap_err();
    assert_eq!((error.code(), error.status(), error.is_retryable()), (ErrorCode::Unauthorized, Some(401), false));
    // A response header, through fetch (and, in a page, the mock's CORS exposure).
    assert!(error.request_id().is_some_and(|id| id.starts_with("req_")), "{:?}", error.request_id());
    assert!(!format!("{error:?}").contains("wrong-key"), "the credential is redacted: {error:?}");
}

#[wasm_bindgen_test]
async fn a_run_submits_then_waits_on_the_platforms_timers_until_the_video() {
    mock::reset().await;
    let events = Rc::new(RefCell::new(Vec::new()));
    // Rc: on wasm32 a callback need not be Send.
    let seen = Rc::clone(&events);
    let job = mock::client()
        .run(ExtendRequest::video("v1").prompt("the camera pulls back"))
        .on_event(move |event| seen.borrow_mut().push(event))
        .await
        .unwrap();
    assert_eq!(job.status, Status::Succeeded);
    assert!(job.output.as_ref().is_some_and(|output| output.outputs[0].url.starts_with("http")), "{job:?}");
    let events = events.take();
    assert!(matches!(&events[0], Event::Submitted(submission) if submission.job_id == job.id), "{events:?}");
    assert!(matches!(events.last(), Some(Event::Updated(last)) if last.status == Status::Succeeded));
    assert_eq!(mock::requests("GET", "/v1/jobs/").await.len(), 3, "queued, running, succeeded");
}

#[wasm_bindgen_test]
async fn a_kling_job_signed_by_the_platforms_wall_clock_runs_to_its_end() {
    mock::reset().await;
    // The mock checks each JWT's `exp` and `nbf` against its own clock, to
    // the second: a wrong `unix_ms` would be refused as 1003 or 1004.
    let (access, secret) = mock::KLING_KEYS;
    let client = Client::builder(Provider::Kling)
        .kling_keys(access, secret)
        .base_url(mock::url())
        .dangerously_allow_browser()
        .poll_interval(Duration::from_millis(10))
        .build()
        .unwrap();
    let job = client.run(ExtendRequest::video("v1").prompt("more")).await.unwrap();
    assert_eq!(job.status, Status::Succeeded);
    assert!(job.raw.to_value().unwrap()["data"]["task_id"].is_string(), "a Kling task: {:?}", job.raw);
    assert!(mock::requests("GET", "/v1/videos/video-extend/").await.len() >= 2, "polled with fresh tokens");
}

#[wasm_bindgen_test]
async fn a_timed_out_exchange_is_aborted_not_left_running() {
    mock::reset().await;
    mock::fault(json!({ "method": "GET", "path": "/v1/jobs/", "delayMs": 5000, "times": 1 })).await;
    let client = Client::builder(Provider::Trinetra)
        .api_key(mock::KEY)
        .base_url(mock::url())
        .dangerously_allow_browser()
        .timeout(Duration::from_millis(200))
        .max_retries(0)
        .build()
        .unwrap();
    let clock = JsRuntime::new();
    let started = clock.monotonic_ms();
    let error = client.get_job("job_1").await.unwrap_err();
    let took = clock.monotonic_ms() - started;
    assert_eq!(error.code(), ErrorCode::Timeout, "{error}");
    assert!((200..2_000).contains(&took), "cut at the timeout, by the platform's timer: {took} ms");
    assert_eq!(outcome("GET", "/v1/jobs/").await, "aborted", "the mock saw the client leave during its delay");
}

#[wasm_bindgen_test]
async fn a_dropped_call_aborts_its_exchange() {
    mock::reset().await;
    mock::fault(json!({ "method": "GET", "path": "/v1/jobs/", "delayMs": 5000, "times": 1 })).await;
    let client = mock::client();
    let finished = within(Duration::from_millis(200), client.get_job("job_1")).await;
    assert!(finished.is_none(), "still waiting for the delayed answer");
    assert_eq!(outcome("GET", "/v1/jobs/").await, "aborted");
}

#[wasm_bindgen_test]
async fn a_redirect_is_reported_and_never_followed() {
    mock::reset().await;
    let elsewhere = format!("{}/v1/jobs/elsewhere", mock::url());
    mock::fault(json!({ "method": "GET", "path": "/v1/jobs/", "status": 302, "headers": { "location": elsewhere }, "times": 1 })).await;
    let error = mock::client().get_job("job_1").await.unwrap_err();
    assert_eq!((error.code(), error.is_retryable()), (ErrorCode::BadResponse, false), "{error}");
    assert!(error.to_string().contains("redirect"), "{error}");
    // A page's fetch hides a redirect's status (an opaque redirect); Node's gives it.
    let status = if mock::in_page() { None } else { Some(302) };
    assert_eq!(error.status(), status);
    let reads = mock::requests("GET", "/v1/jobs/").await;
    assert_eq!(reads.len(), 1, "neither followed nor retried: {reads:?}");
}

#[wasm_bindgen_test]
async fn a_body_past_the_limit_is_refused_and_one_at_it_is_read() {
    mock::reset().await;
    let document =
        |padding: usize| json!({ "id": "job_1", "status": "queued", "pad": "x".repeat(padding) }).to_string();
    let limit = document(100).len() as u32;
    for padding in [100, 101, 600_000] {
        mock::fault(
            json!({ "method": "GET", "path": "/v1/jobs/", "status": 200, "body": document(padding), "times": 1 }),
        )
        .await;
        let client = Client::builder(Provider::Trinetra)
            .api_key(mock::KEY)
            .base_url(mock::url())
            .dangerously_allow_browser()
            .http_client(Limited(FetchClient::new(), limit))
            .build()
            .unwrap();
        let read = client.get_job("job_1").await;
        if padding == 100 {
            assert_eq!(read.unwrap().id, "job_1", "a body of exactly the limit is read");
        } else {
            let error = read.unwrap_err();
            assert_eq!((error.code(), error.is_retryable()), (ErrorCode::BadResponse, false), "{error}");
            assert!(error.to_string().contains("larger than maxResponseBytes"), "{error}");
        }
    }
    assert_eq!(mock::requests("GET", "/v1/jobs/").await.len(), 3, "a body too large is not asked for again");
}

#[wasm_bindgen_test]
async fn a_request_the_runtime_refuses_to_send_is_not_maybe_submitted_in_node() {
    // Port 1 is on Node's and Chromium's list of ports fetch refuses. Node
    // says why (nothing was sent); a page's fetch says nothing, so a submit
    // there may have been taken.
    let client = Client::builder(Provider::Trinetra)
        .api_key(mock::KEY)
        .base_url("http://127.0.0.1:1")
        .dangerously_allow_browser()
        .max_retries(0);
    let error = client.build().unwrap().extend_video(ExtendRequest::video("v1")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NetworkError, "{error}");
    assert_eq!(error.maybe_submitted(), mock::in_page(), "{error}");
}

#[wasm_bindgen_test]
async fn the_runtime_waits_on_the_platforms_timer_and_reads_its_clocks() {
    let clock = JsRuntime::new();
    let (monotonic, unix) = (clock.monotonic_ms(), clock.unix_ms());
    clock.sleep(Duration::from_millis(100)).await;
    let waited = clock.monotonic_ms() - monotonic;
    assert!((99..1_000).contains(&waited), "{waited} ms");
    assert!(unix > 1_700_000_000_000 && clock.unix_ms() >= unix + 99, "Date.now(): {unix}");
}

/// The platform's fetch with a lower body limit than the client's (8 MiB,
/// more than the mock can be made to send).
struct Limited(FetchClient, u32);

impl HttpClient for Limited {
    fn send(&self, mut request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        request.max_bytes = self.1;
        self.0.send(request)
    }
}

/// `work`'s output if it ends within `time`; else it is dropped unfinished.
async fn within<T>(time: Duration, work: impl Future<Output = T>) -> Option<T> {
    let (mut work, mut timer) = (pin!(work), pin!(JsRuntime::new().sleep(time)));
    poll_fn(|context| match work.as_mut().poll(context) {
        Poll::Ready(value) => Poll::Ready(Some(value)),
        Poll::Pending => timer.as_mut().poll(context).map(|()| None),
    })
    .await
}

/// How the mock's last request of `method` to `path` ended, once it has
/// (waiting up to 2 s for it to notice a client that left).
async fn outcome(method: &str, path: &str) -> String {
    for _ in 0..40 {
        let requests = mock::requests(method, path).await;
        match requests.last().map(|last| &last["outcome"]) {
            Some(serde_json::Value::String(outcome)) => return outcome.clone(),
            Some(status) if !status.is_null() => return status.to_string(),
            _ => {}
        }
        JsRuntime::new().sleep(Duration::from_millis(50)).await;
    }
    "still in flight".to_owned()
}

/// In a page the core refuses a credential unless the builder allowed it, as
/// the npm package does; a Worker or Node has no `document` and takes it.
#[wasm_bindgen_test]
fn a_page_refuses_a_key_it_was_not_allowed_to_hold() {
    let in_page = js_sys::Reflect::has(&js_sys::global(), &"document".into()).unwrap_or(false);
    let refused = Client::builder(Provider::Trinetra).api_key(mock::KEY).base_url(mock::url()).build();
    assert_eq!(refused.is_err(), in_page, "{:?}", refused.as_ref().err());
    if let Err(error) = refused {
        assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("apiKey")));
        assert!(error.to_string().contains("browser"), "{error}");
    }
    let (access, secret) = mock::KLING_KEYS;
    let refused = Client::builder(Provider::Kling).kling_keys(access, secret).build();
    assert_eq!(refused.is_err(), in_page);
    assert!(Client::builder(Provider::Trinetra).api_key(mock::KEY).dangerously_allow_browser().build().is_ok());
}

/// A caller's fetcher (a Worker's service binding has this shape: an object
/// whose `fetch` method must be called on it) sends every exchange.
#[wasm_bindgen_test]
async fn a_fetcher_of_the_callers_sends_the_exchanges_as_its_own_method() {
    mock::reset().await;
    let fetcher = js_sys::Object::new();
    let method = js_sys::Function::new_with_args(
        "request",
        "if (this.calls === undefined) throw new Error('called without its object'); \
         this.calls += 1; return fetch(request);",
    );
    js_sys::Reflect::set(&fetcher, &"fetch".into(), &method).unwrap();
    js_sys::Reflect::set(&fetcher, &"calls".into(), &0.into()).unwrap();
    let client = Client::builder(Provider::Trinetra)
        .api_key(mock::KEY)
        .base_url(mock::url())
        .dangerously_allow_browser()
        .http_client(FetchClient::with_fetcher(fetcher.clone()))
        .build()
        .unwrap();
    let submission = client.extend_video(ExtendRequest::video("v1")).await.unwrap();
    client.get_job(&submission.job_id).await.unwrap();
    assert_eq!(js_sys::Reflect::get(&fetcher, &"calls".into()).unwrap().as_f64(), Some(2.0));

    let no_method = Client::builder(Provider::Trinetra)
        .api_key(mock::KEY)
        .base_url(mock::url())
        .dangerously_allow_browser()
        .max_retries(0)
        .http_client(FetchClient::with_fetcher(js_sys::Object::new()))
        .build()
        .unwrap();
    let error = no_method.get_job("job_1").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NetworkError, "a fetcher without fetch: {error:?}");
    let submit = no_method.extend_video(ExtendRequest::video("v1")).await.unwrap_err();
    assert!(!submit.maybe_submitted(), "nothing was sent: {submit:?}");
}

/// Once a caller's fetcher runs, it may have sent the request, whatever it
/// then does: a throw is a failure after sending (a submit maybe taken, never
/// sent again blindly), and an answer that is no native promise (a thenable)
/// is awaited as `await` takes it (the second adversarial review).
#[wasm_bindgen_test]
async fn a_callers_fetcher_that_ran_may_have_sent() {
    mock::reset().await;
    let fetcher = |body: &str| {
        let fetcher = js_sys::Object::new();
        let method = js_sys::Function::new_with_args("request", body);
        js_sys::Reflect::set(&fetcher, &"fetch".into(), &method).unwrap();
        let client = Client::builder(Provider::Trinetra)
            .api_key(mock::KEY)
            .base_url(mock::url())
            .dangerously_allow_browser()
            .max_retries(0)
            .http_client(FetchClient::with_fetcher(fetcher));
        client.build().unwrap()
    };
    let sends_then_throws = fetcher("fetch(request.clone()).catch(() => {}); throw new Error('after sending');");
    let error = sends_then_throws.extend_video(ExtendRequest::video("v1")).await.unwrap_err();
    assert!(error.maybe_submitted(), "it may have been taken: {error:?}");
    let thenable = fetcher("const answer = fetch(request); return { then: (ok, fail) => answer.then(ok, fail) };");
    let submission = thenable.extend_video(ExtendRequest::video("v1")).await.unwrap();
    assert_eq!(submission.status, Status::Queued);
}
