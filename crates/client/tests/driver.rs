//! The driver's own duties, on a scripted transport and a runtime whose
//! waits end at once: a redirect is reported, never followed; an attempt
//! past its timeout is given up (and retried as the core decides); a body
//! past the limit is too large even from a transport that read it all.

mod instant;

use instant::Instant;
use kling_extend_client::{
    BoxFuture, Client, ErrorCode, HttpClient, HttpRequest, HttpResponse, Provider, TransportError,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Answers every request with `answer` (`None`: never answers), counting them.
#[derive(Clone)]
struct Scripted {
    answer: Option<HttpResponse>,
    sent: Arc<AtomicUsize>,
}

impl HttpClient for Scripted {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        match self.answer.clone() {
            Some(answer) => Box::pin(async move { Ok(answer) }),
            None => Box::pin(std::future::pending()),
        }
    }
}

/// A client on `answer`, and the count of requests it sends.
fn client(answer: Option<HttpResponse>) -> (Client, Arc<AtomicUsize>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let http = Scripted { answer, sent: Arc::clone(&sent) };
    let client =
        Client::builder(Provider::Trinetra).api_key("k").max_retries(1).http_client(http).runtime(Instant).build();
    (client.expect("valid options"), sent)
}

fn answer(status: u16, body: &str) -> Option<HttpResponse> {
    Some(HttpResponse { status, headers: vec![], body: body.as_bytes().to_vec() })
}

#[tokio::test]
async fn a_redirect_is_reported_and_never_followed() {
    let (client, sent) = client(answer(302, ""));
    let error = client.get_job("j1").await.unwrap_err();
    assert_eq!((error.code(), error.status()), (ErrorCode::BadResponse, Some(302)));
    assert!(error.to_string().contains("not followed"), "reported as a redirect: {error}");
    assert_eq!(sent.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_attempt_past_its_timeout_is_given_up_and_retried() {
    let (client, sent) = client(None);
    let error = client.get_job("j1").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Timeout, "{error}");
    assert_eq!(sent.load(Ordering::SeqCst), 2, "the first attempt and one retry");
}

#[tokio::test]
async fn a_body_past_the_limit_is_too_large_whoever_read_it() {
    let huge = format!(r#"{{"id":"j1","status":"queued","pad":"{}"}}"#, "x".repeat(8 << 20));
    let (client, _) = client(answer(200, &huge));
    let error = client.get_job("j1").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse);
    assert!(error.to_string().contains("maxResponseBytes"), "{error}");
}

/// With the `reqwest` feature a `ReqwestClient` is the default instead.
#[cfg(not(feature = "reqwest"))]
#[test]
fn a_client_without_a_transport_is_refused_when_built() {
    let error = Client::builder(Provider::Trinetra).api_key("k").runtime(Instant).build().expect_err("refused");
    assert_eq!(error.field(), Some("httpClient"));
}

#[test]
fn an_option_is_checked_by_the_core_when_the_client_is_built() {
    let error = Client::builder(Provider::Trinetra).max_retries(11).runtime(Instant).build().expect_err("refused");
    assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("maxRetries")));
    let missing = Client::builder(Provider::Trinetra).runtime(Instant).build().expect_err("refused");
    assert_eq!(missing.field(), Some("apiKey"), "no credential, no client");
}

/// Keeps each request as its `Debug` shows it, and answers a queued job.
#[derive(Clone, Default)]
struct Shown(Arc<std::sync::Mutex<Vec<String>>>);

impl HttpClient for Shown {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        self.0.lock().expect("not poisoned").push(format!("{request:?}"));
        let body = br#"{"id":"j1","status":"queued"}"#.to_vec();
        Box::pin(async move { Ok(HttpResponse { status: 200, headers: vec![], body }) })
    }
}

#[tokio::test]
async fn a_requests_debug_shows_no_header_value() {
    let shown = Shown::default();
    let client = Client::builder(Provider::Trinetra).api_key("sk-secret-1").http_client(shown.clone()).runtime(Instant);
    client.build().expect("valid options").get_job("j1").await.expect("a job");
    let requests = shown.0.lock().expect("not poisoned").clone();
    assert_eq!(requests.len(), 1);
    assert!(requests[0].contains("x-api-key") && !requests[0].contains("sk-secret-1"), "{}", requests[0]);
}
