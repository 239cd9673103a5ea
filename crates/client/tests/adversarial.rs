//! Attacks on the client through its public API only, as a hostile but
//! realistic caller, runtime, transport or service would make them. Each
//! asserts what a first-class SDK must do; the ones the client fails today
//! are `#[ignore = "finding N: …"]` so the suite stays green.

mod instant;

use kling_extend_client::{
    parse_webhook, quote, quote_chain, verify_webhook, BoxFuture, ChainInput, ChainPlan, ChainProgress, Client,
    ErrorCode, Event, ExtendRequest, HttpClient, HttpRequest, HttpResponse, KlingPricing, Mode, Provider, Runtime,
    TransportError, TransportErrorKind, TrinetraPricing, WebhookDelivery, WebhookHeaders, WebhookOptions,
};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant as StdInstant, UNIX_EPOCH};

const KEY: &str = "sk_live_adversary_0123456789";

// ---------------------------------------------------------------------------
// Scripted parts: a runtime and a transport that misbehave on purpose.
// ---------------------------------------------------------------------------

// Waits that end at once, on a clock that stands still (the `Runtime`
// trait's own doc example): the tests' shared runtime.
use instant::Instant as Frozen;

/// Waits that end at once, on the system's clocks: deadlines hold.
struct Hasty(StdInstant);

impl Runtime for Hasty {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn monotonic_ms(&self) -> u64 {
        self.0.elapsed().as_millis() as u64
    }
    fn unix_ms(&self) -> u64 {
        1_700_000_000_000
    }
}

/// Waits that end at once; the monotonic clock reads `0`, then jumps to
/// `u64::MAX` (a runtime whose source wrapped or gave a sentinel).
#[derive(Default)]
struct Jumping(AtomicUsize);

impl Runtime for Jumping {
    fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
        Box::pin(async {})
    }
    fn monotonic_ms(&self) -> u64 {
        if self.0.fetch_add(1, Ordering::SeqCst) == 0 {
            0
        } else {
            u64::MAX
        }
    }
    fn unix_ms(&self) -> u64 {
        1_700_000_000_000
    }
}

/// A transport answering each request with `answer(method, url, n)` (n
/// counts from 0), keeping the requests it got.
#[derive(Clone)]
struct Scripted {
    #[allow(clippy::type_complexity)]
    answer: Arc<dyn Fn(&str, &str, usize) -> Result<HttpResponse, TransportError> + Send + Sync>,
    seen: Arc<Mutex<Vec<HttpRequest>>>,
}

impl Scripted {
    fn new(answer: impl Fn(&str, &str, usize) -> Result<HttpResponse, TransportError> + Send + Sync + 'static) -> Self {
        Scripted { answer: Arc::new(answer), seen: Arc::default() }
    }
    fn sent(&self) -> usize {
        self.seen.lock().unwrap().len()
    }
    fn posts(&self) -> usize {
        self.seen.lock().unwrap().iter().filter(|r| r.method == "POST").count()
    }
}

impl HttpClient for Scripted {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let n = {
            let mut seen = self.seen.lock().unwrap();
            seen.push(request.clone());
            seen.len() - 1
        };
        let answer = (self.answer)(request.method, &request.url, n);
        Box::pin(async move { answer })
    }
}

fn ok(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
    let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
    Ok(HttpResponse { status, headers, body: body.as_bytes().to_vec() })
}

fn trinetra(http: Scripted, runtime: impl Runtime) -> Client {
    Client::builder(Provider::Trinetra)
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .poll_interval(Duration::from_millis(10))
        .http_client(http)
        .runtime(runtime)
        .build()
        .expect("valid options")
}

/// A Trinetra service whose submit is accepted as `j1` and whose job stays running.
fn running_forever() -> Scripted {
    Scripted::new(|method, _, _| match method {
        "POST" => ok(202, r#"{"job_id":"j1","status":"queued"}"#),
        _ => ok(200, r#"{"id":"j1","model":"kling-extend-video","status":"running"}"#),
    })
}

fn assert_untold(shown: &str, secret: &str) {
    assert!(!shown.contains(secret), "the secret {secret:?} shows in: {shown}");
}

/// The whole error as a caller could show or log it: Display, Debug and each source's.
fn shown(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = format!("{error} {error:?}");
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(&format!(" | {cause} {cause:?}"));
        source = cause.source();
    }
    text
}

// ---------------------------------------------------------------------------
// A tiny HTTP/1.1 server on 127.0.0.1 (one request per connection).
// ---------------------------------------------------------------------------

struct Seen {
    method: String,
    headers: Vec<(String, String)>,
}

type Handler = dyn Fn(&Seen, usize) -> Option<Vec<u8>> + Send + Sync;

/// Serves `handler`'s raw answers (`None`: the connection is closed unanswered).
fn serve(handler: impl Fn(&Seen, usize) -> Option<Vec<u8>> + Send + Sync + 'static) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
    let (log, handler): (_, Arc<Handler>) = (Arc::clone(&seen), Arc::new(handler));
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() {
                continue;
            }
            let mut parts = line.split_whitespace();
            let (method, path) = (parts.next().unwrap_or("").to_owned(), parts.next().unwrap_or("").to_owned());
            let mut headers = Vec::new();
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).unwrap_or(0) == 0 || header.trim().is_empty() {
                    break;
                }
                if let Some((name, value)) = header.trim_end().split_once(':') {
                    headers.push((name.to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
            let length = headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok());
            let mut body = vec![0; length.unwrap_or(0)];
            let _ = reader.read_exact(&mut body);
            let _ = path;
            let request = Seen { method, headers };
            let answer = {
                let mut log = log.lock().unwrap();
                let answer = handler(&request, log.len());
                log.push(request);
                answer
            };
            if let Some(answer) = answer {
                let _ = stream.write_all(&answer);
            }
            let _ = stream.shutdown(std::net::Shutdown::Both);
        }
    });
    (url, seen)
}

fn http(status: u16, extra: &str, body: &str) -> Option<Vec<u8>> {
    let head = format!(
        "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{extra}\r\n",
        body.len()
    );
    Some([head.as_bytes(), body.as_bytes()].concat())
}

// ---------------------------------------------------------------------------
// Findings.
// ---------------------------------------------------------------------------

/// A hostile service answers the submit with the caller's own key as the
/// job id; the poll's URL then carries it, and reqwest's error (the
/// `Error`'s source, shown by its `Debug`) names the URL. The core redacts
/// the message, but the source is never redacted.
#[tokio::test]
async fn a_job_id_echoing_the_key_does_not_leak_through_the_errors_source() {
    let (url, _) = serve(|seen, _| match seen.method.as_str() {
        "POST" => http(202, "", &format!(r#"{{"job_id":"{KEY}","status":"queued"}}"#)),
        _ => None, // the read's connection closes unanswered: a network error
    });
    let client = Client::builder(Provider::Trinetra)
        .api_key(KEY)
        .base_url(url)
        .max_retries(0)
        .poll_interval(Duration::from_millis(10))
        .build()
        .unwrap();
    let call = client.run(ExtendRequest::video("v1").prompt("on")).wait_timeout(Duration::from_millis(300));
    let error = call.await.unwrap_err();
    assert!(matches!(error.code(), ErrorCode::NetworkError | ErrorCode::Timeout), "{error}");
    assert_untold(&shown(&error), KEY);
}

/// The `Runtime` doc's own example (waits that end at once, a clock that
/// stands still) makes `wait_timeout` meaningless: a job that never ends is
/// read again and again, without end. The waits the driver asked for are
/// known to it; they could count toward the deadline.
#[tokio::test]
async fn a_frozen_clock_does_not_make_a_poll_read_without_end() {
    let reads = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&reads);
    let http = Scripted::new(move |_, _, n| {
        counted.fetch_add(1, Ordering::SeqCst);
        // A bound for the test itself: the 20,000th read ends the job.
        let status = if n >= 20_000 { "failed" } else { "running" };
        ok(200, &format!(r#"{{"id":"j1","model":"kling-extend-video","status":"{status}"}}"#))
    });
    let client = trinetra(http, Frozen);
    let error = client.poll_job("j1").wait_timeout(Duration::from_secs(1)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Timeout, "after {} reads: {error}", reads.load(Ordering::SeqCst));
    assert!(reads.load(Ordering::SeqCst) <= 1_000, "{} reads in a 1 s wait", reads.load(Ordering::SeqCst));
}

/// A monotonic clock that jumps to the end of its range: the driver's clock
/// saturates (its doc says so that "one near the end of its range cannot
/// carry a deadline past it"), but the poll's deadline is `now + timeout`
/// without saturation: a debug build panics with an overflow after the
/// submit was accepted (a paid job), a release build wraps and times out.
#[tokio::test]
async fn a_monotonic_clock_at_the_end_of_its_range_neither_panics_nor_loses_the_job() {
    let http = running_forever();
    let client = trinetra(http.clone(), Jumping::default());
    let outcome = tokio::spawn(async move { client.run(ExtendRequest::video("v1").prompt("on")).await }).await;
    let result = outcome.expect("the call returns instead of panicking");
    let error = result.unwrap_err();
    assert_eq!(error.job().map(|job| job.id), Some("j1".to_owned()), "the paid job is named: {error}");
    assert_eq!(http.posts(), 1);
}

/// The job's `raw` is "the service's document as received": every
/// document the core reads (nesting up to its limit, integers past 2^53,
/// escaped surrogate pairs) keeps it, as serde_json reads them too; past
/// the core's limits the answer is a `BadResponse`, as in the npm package,
/// which runs the same core.
#[tokio::test]
async fn a_job_document_the_core_reads_keeps_its_raw_document() {
    let deep = |depth: usize| format!("{}1{}", "[".repeat(depth), "]".repeat(depth));
    for extra in [deep(126), "123456789012345678901234567890".to_owned(), r#""\ud83d\ude00""#.to_owned()] {
        let body = format!(r#"{{"id":"j1","model":"kling-extend-video","status":"running","extra":{extra}}}"#);
        let http = Scripted::new(move |_, _, _| ok(200, &body));
        let job = trinetra(http, Frozen).get_job("j1").await.expect("the core reads the job");
        assert_eq!(job.raw.to_value().unwrap()["id"], "j1", "raw lost for extra={:.20}: {:?}", extra, job.raw);
    }
    for extra in [deep(200_000), "1e400".to_owned(), r#""\ud800""#.to_owned()] {
        let body = format!(r#"{{"id":"j1","model":"kling-extend-video","status":"running","extra":{extra}}}"#);
        let http = Scripted::new(move |_, _, _| ok(200, &body));
        let error = trinetra(http, Frozen).get_job("j1").await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::BadResponse, "{error}");
    }
}

/// A delivery stored as JSON (the documented way to drop replays) and read
/// back with a timestamp past `SystemTime`'s range panics in `sent_at`.
#[test]
fn a_stored_delivery_with_a_huge_timestamp_does_not_panic() {
    let delivery: WebhookDelivery = serde_json::from_str(r#"{"id":"msg_1","timestamp":18446744073709551615}"#).unwrap();
    let shown = std::panic::catch_unwind(|| delivery.sent_at());
    assert_eq!(shown.ok(), Some(None), "no time past SystemTime's range, and no panic");
}

// ---------------------------------------------------------------------------
// Probes of surfaces that held.
// ---------------------------------------------------------------------------

/// Every absurd option is refused by name when the client is built, and no
/// refusal shows the base URL's password or a header's credential.
#[test]
fn absurd_options_are_refused_by_name_without_showing_a_secret() {
    type Build = fn() -> kling_extend_client::ClientBuilder;
    let base = || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen);
    let cases: Vec<(Build, &str)> = vec![
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).timeout(Duration::MAX), "timeoutMs"),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).timeout(Duration::ZERO), "timeoutMs"),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).wait_timeout(Duration::MAX),
            "waitTimeoutMs",
        ),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).poll_interval(Duration::ZERO),
            "intervalMs",
        ),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).max_retries(u32::MAX), "maxRetries"),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).max_response_bytes(u32::MAX),
            "maxResponseBytes",
        ),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).base_url("file:///etc/passwd"), "baseUrl"),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).base_url("javascript:alert(1)"),
            "baseUrl",
        ),
        (
            || {
                Client::builder(Provider::Trinetra)
                    .api_key(KEY)
                    .runtime(Frozen)
                    .base_url("http://u:hunter2@example.com")
            },
            "baseUrl",
        ),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).base_url("http://exa mple.com"),
            "baseUrl",
        ),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).base_url(""), "baseUrl"),
        (|| Client::builder(Provider::Trinetra).api_key(format!("{KEY}\r\nx-evil: 1")).runtime(Frozen), "apiKey"),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).header("x-trace", "a\r\nx-evil: 1"),
            "headers.x-trace",
        ),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).header("x-trace", "a\0b"),
            "headers.x-trace",
        ),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).header("x\nevil", "1"), "headers.x\nevil"),
        (|| Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).header("host", "evil.example"), ""),
        (
            || Client::builder(Provider::Trinetra).api_key(KEY).runtime(Frozen).header("transfer-encoding", "chunked"),
            "headers.transfer-encoding",
        ),
        (|| Client::builder(Provider::Kling).kling_keys("ak", "").runtime(Frozen), "secretKey"),
    ];
    for (make, field) in cases {
        let builder = make();
        let shown_builder = format!("{builder:?}");
        match builder.build() {
            Err(error) => {
                assert_eq!(error.code(), ErrorCode::InvalidRequest, "{error}");
                if !field.is_empty() {
                    assert_eq!(error.field(), Some(field), "{error}");
                }
                for secret in [KEY, "hunter2"] {
                    assert_untold(&format!("{} {shown_builder}", shown(&error)), secret);
                }
            }
            // `host` may be a header a server-side client sets; then it must not be sent as Host of another origin.
            Ok(client) => assert!(field.is_empty(), "{client:?} built with an option that must be refused ({field})"),
        }
    }
    // The header that would replace the credential does not replace it.
    let http = running_forever();
    let client = base().header("X-API-KEY", "other").http_client(http.clone()).build();
    match client {
        Err(error) => assert_eq!(error.field(), Some("headers.X-API-KEY"), "{error}"),
        Ok(client) => {
            let _ = futures_lite_block_on(client.get_job("j1"));
            let sent = http.seen.lock().unwrap();
            let keys: Vec<&str> = sent[0]
                .headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case("x-api-key"))
                .map(|(_, v)| v.as_str())
                .collect();
            assert_eq!(keys, [KEY], "one credential header, the client's");
        }
    }
}

/// Polls a future with a runtime-less executor: the scripted parts never park.
fn futures_lite_block_on<F: std::future::IntoFuture>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future.into_future());
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
            return value;
        }
    }
}

/// Bad input of every call is refused by field before anything is sent.
#[tokio::test]
async fn bad_call_input_is_refused_before_any_request() {
    let http = running_forever();
    let client = trinetra(http.clone(), Frozen);
    let huge = "x".repeat(16 << 20);
    for id in ["", huge.as_str()] {
        let error = client.get_job(id).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest, "{id:.20}: {error}");
        let error = client.poll_job(id).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest, "{id:.20}: {error}");
    }
    let error = client.poll_job("j1").wait_timeout(Duration::ZERO).await.unwrap_err();
    assert_eq!(error.field(), Some("waitTimeoutMs"));
    let error = client.run(ExtendRequest::video("v1")).wait_timeout(Duration::MAX).await.unwrap_err();
    assert_eq!(error.field(), Some("waitTimeoutMs"));
    let started = StdInstant::now();
    let requests = [
        ExtendRequest::video("v1").prompt(huge.as_str()),
        ExtendRequest::video("v1").cfg_scale(f64::NAN),
        ExtendRequest::video("v1").cfg_scale(-1.0),
        ExtendRequest::video("v1").cfg_scale(f64::INFINITY),
        ExtendRequest::video("v1").callback_url("http://u:pw@example.com/x"),
        ExtendRequest::video("v1").callback_url("javascript:alert(1)"),
        ExtendRequest::video(""),
        ExtendRequest::task("t1"), // Kling only
        ExtendRequest::video("v1").duration(u32::MAX),
    ];
    for request in requests {
        let error = client.extend_video(request.clone()).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest, "{error}");
        assert!(error.field().is_some(), "{error}");
        let error = client.run(request).await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::InvalidRequest, "{error}");
    }
    assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    assert_eq!(http.sent(), 0, "nothing is sent for refused input");
}

/// A chain of a million prompts, an empty one, or a bad last prompt is
/// refused before the first submit, quickly.
#[tokio::test]
async fn huge_and_bad_chains_are_refused_before_the_first_submit() {
    let http = running_forever();
    let client = trinetra(http.clone(), Frozen);
    let started = StdInstant::now();
    let many = ChainPlan::new("v1", std::iter::repeat_n("go on", 1_000_000));
    let error = client.chain_extensions(many).await.unwrap_err();
    assert_eq!(error.field(), Some("prompts"), "{error}");
    let none = ChainPlan::new("v1", Vec::<String>::new());
    assert_eq!(client.chain_extensions(none).await.unwrap_err().code(), ErrorCode::InvalidRequest);
    let mut prompts = vec!["fine".to_owned(); 99];
    prompts.push("x".repeat(1 << 20));
    let error = client.chain_extensions(ChainPlan::new("v1", prompts)).await.unwrap_err();
    assert_eq!(error.field(), Some("prompts[99]"), "{error}");
    for seconds in [f64::NAN, -1.0, f64::INFINITY, f64::NEG_INFINITY] {
        let plan = ChainPlan::new("v1", ["a"]).source_seconds(seconds);
        assert_eq!(client.chain_extensions(plan).await.unwrap_err().code(), ErrorCode::InvalidRequest, "{seconds}");
    }
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(http.sent(), 0);
}

/// A progress a chain reported, as stored JSON.
async fn a_real_progress(client: &Client) -> serde_json::Value {
    let mut last = None;
    let plan = ChainPlan::new("v1", ["a", "b", "c"]);
    let _ = client
        .chain_extensions(plan)
        .wait_timeout(Duration::from_millis(50))
        .on_event(|event| {
            if let Event::Progress(progress) = event {
                last = Some(serde_json::to_value(&progress).unwrap());
            }
        })
        .await;
    last.expect("a progress was reported")
}

/// Tampered progress, field by field: refused as `InvalidRequest` (or
/// taken), never a panic, never a second submit of a step already submitted.
#[tokio::test]
async fn tampered_progress_is_refused_by_field_or_taken_never_a_panic() {
    let setup = trinetra(
        Scripted::new(|method, _, _| match method {
            "POST" => ok(202, r#"{"job_id":"j1","status":"queued"}"#),
            _ => ok(
                200,
                r#"{"id":"j1","model":"kling-extend-video","status":"succeeded","output":{"outputs":[{"url":"https://cdn/x.mp4","type":"video","id":"v2","duration":10}]}}"#,
            ),
        }),
        Frozen,
    );
    let progress = a_real_progress(&setup).await;
    let serde_json::Value::Object(members) = &progress else { panic!("{progress}") };
    let mut refused = 0;
    let hostile = [
        serde_json::json!(null),
        serde_json::json!(-1),
        serde_json::json!(1e300),
        serde_json::json!(u64::MAX),
        serde_json::json!("x".repeat(1 << 20)),
        serde_json::json!([]),
        serde_json::json!({}),
        serde_json::Value::Array(vec![serde_json::json!({ "jobId": "j9" }); 1000]),
        serde_json::json!(true),
    ];
    for name in members.keys().cloned().chain(["extra".to_owned()]) {
        for value in &hostile {
            let mut tampered = members.clone();
            tampered.insert(name.clone(), value.clone());
            let stored: ChainProgress = match serde_json::from_value(serde_json::Value::Object(tampered)) {
                Ok(progress) => progress,
                Err(_) => continue,
            };
            let http = running_forever();
            let client = trinetra(http.clone(), Hasty(StdInstant::now()));
            let plan = ChainPlan::new("v1", ["a", "b", "c"]);
            let outcome = tokio::spawn(async move {
                let call = client.chain_extensions(plan).resume(stored).wait_timeout(Duration::from_millis(50));
                call.await.map(|jobs| jobs.len())
            });
            let shown = format!("{name}={value:.40}");
            let result = outcome.await.unwrap_or_else(|_| panic!("panicked on {shown}"));
            if let Err(error) = &result {
                if error.code() == ErrorCode::InvalidRequest {
                    refused += 1;
                    assert!(error.field().is_some_and(|f| f.starts_with("resume")), "{shown}: {error}");
                    assert_eq!(http.sent(), 0, "{shown}: sent after refusing");
                }
            }
        }
    }
    assert!(refused >= members.len() * 4, "only {refused} tampered progresses refused");
}

/// A callback that panics unwinds through the call; the client goes on.
#[tokio::test]
async fn a_panicking_callback_leaves_the_client_working() {
    let http = running_forever();
    let client = trinetra(http.clone(), Frozen);
    let panicking = client.clone();
    let outcome = tokio::spawn(async move {
        panicking.run(ExtendRequest::video("v1").prompt("on")).on_event(|_| panic!("a hostile callback")).await
    })
    .await;
    assert!(outcome.unwrap_err().is_panic());
    assert_eq!(http.posts(), 1, "one submit");
    let job = client.get_job("j1").await.expect("the next call works");
    assert_eq!(job.id, "j1");
}

/// A future dropped at each of its first await points leaves no call
/// behind: nothing more is sent once it is dropped, and at most one submit
/// ever left.
#[tokio::test]
async fn a_run_dropped_at_every_await_point_sends_nothing_more() {
    for polls in 1..12 {
        let http = running_forever();
        let slow = Slow(http.clone());
        let client =
            Client::builder(Provider::Trinetra).api_key(KEY).http_client(slow).runtime(Frozen).build().unwrap();
        {
            let mut future = std::pin::pin!(client.run(ExtendRequest::video("v1").prompt("on")).into_future());
            let mut context = std::task::Context::from_waker(std::task::Waker::noop());
            for _ in 0..polls {
                if future.as_mut().poll(&mut context).is_ready() {
                    break;
                }
            }
        }
        let sent = http.sent();
        tokio::task::yield_now().await;
        assert_eq!(http.sent(), sent, "nothing sent once dropped");
        assert!(http.posts() <= 1, "{polls}: {} submits", http.posts());
    }
}

use std::future::{Future, IntoFuture};

/// A transport that yields once before answering: an await point per exchange.
struct Slow(Scripted);

impl HttpClient for Slow {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let answer = self.0.send(request);
        Box::pin(async move {
            let mut yielded = false;
            std::future::poll_fn(|context| {
                if yielded {
                    return std::task::Poll::Ready(());
                }
                yielded = true;
                context.waker().wake_by_ref();
                std::task::Poll::Pending
            })
            .await;
            answer.await
        })
    }
}

/// Every status a hostile service can give a submit, and every transport
/// failure: a typed error or a job, never a panic, and never a second
/// submit (Trinetra has no idempotency key: a submit that may have been
/// taken is not sent again).
#[tokio::test]
async fn every_status_and_failure_of_a_submit_sends_it_once() {
    let mut statuses: Vec<u16> = vec![0, 100, 101, 199, 204, 301, 302, 304, 307, 308, 399, 400, 401, 402, 403, 404];
    statuses.extend([408, 409, 413, 422, 429, 499, 500, 502, 503, 504, 599, 600, 700, 999, 1000, u16::MAX]);
    for status in statuses {
        for body in ["", "{}", "null", "[]", r#"{"job_id":5}"#, r#"{"job_id":"j1"}"#, "\u{FEFF}{}", "<html>"] {
            let body = body.to_owned();
            let http = Scripted::new(move |_, _, _| {
                let headers = vec![("retry-after".to_owned(), "99999999999999999999".to_owned())];
                Ok(HttpResponse { status, headers, body: body.clone().into_bytes() })
            });
            let client = trinetra(http.clone(), Frozen);
            let result = client.extend_video(ExtendRequest::video("v1")).await;
            let (posts, error) = (http.posts(), result.err());
            let retried = matches!(status, 408 | 429 | 503);
            assert_eq!(posts, if retried { 3 } else { 1 }, "status {status}: {error:?}");
            if let Some(error) = error {
                // A status that says nothing of what became of the submit leaves it maybe taken.
                let unknown = !(400..500).contains(&status) && !retried;
                assert_eq!(error.maybe_submitted(), unknown, "status {status}: {error:?}");
            }
        }
    }
    let kinds = [
        TransportErrorKind::ConnectFailed,
        TransportErrorKind::NeverSent,
        TransportErrorKind::Network,
        TransportErrorKind::TooLarge,
    ];
    for kind in kinds {
        let http = Scripted::new(move |_, _, _| Err(TransportError::new(kind).with_source(format!("echo {KEY}"))));
        let client = trinetra(http.clone(), Frozen);
        let error = client.extend_video(ExtendRequest::video("v1")).await.unwrap_err();
        let once = matches!(kind, TransportErrorKind::Network | TransportErrorKind::TooLarge);
        assert!(!once || http.posts() == 1, "{kind:?}: {} submits", http.posts());
        assert_eq!(error.maybe_submitted(), once, "{kind:?}: {error:?}");
    }
}

/// A 3xx to another origin is reported and never followed, with reqwest
/// over real HTTP: the other origin never sees the key.
#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let (elsewhere, caught) = serve(|_, _| http(200, "", r#"{"id":"j1","status":"queued"}"#));
    for status in [301, 302, 303, 307, 308] {
        let target = format!("location: {elsewhere}/v1/jobs/j1\r\n");
        let (url, _) = serve(move |_, _| http(status, &target, ""));
        let client = Client::builder(Provider::Trinetra).api_key(KEY).base_url(url).build().unwrap();
        let error = client.get_job("j1").await.unwrap_err();
        assert_eq!(error.status(), Some(status), "{error}");
    }
    assert_eq!(caught.lock().unwrap().len(), 0, "the other origin got a request");
}

/// Kling: a service that echoes the JWT the client sent, another JWT signed
/// with the same secret key, the secret key and the access key's token in
/// every field it has shows none of them to the caller.
#[tokio::test]
async fn a_kling_service_echoing_tokens_signed_from_the_secret_shows_none() {
    const SECRET: &str = "kling_secret_key_0123456789abcdef";
    let other_token = {
        use base64ct::{Base64UrlUnpadded, Encoding};
        let input = format!(
            "{}.{}",
            Base64UrlUnpadded::encode_string(br#"{"alg":"HS256","typ":"JWT"}"#),
            Base64UrlUnpadded::encode_string(br#"{"iss":"ak","exp":1}"#)
        );
        format!(
            "{input}.{}",
            Base64UrlUnpadded::encode_string(&hmac_sha256::HMAC::mac(input.as_bytes(), SECRET.as_bytes()))
        )
    };
    let echoed = other_token.clone();
    let (url, seen) = serve(move |request, n| {
        let token =
            request.headers.iter().find(|(n, _)| n == "authorization").map(|(_, v)| v.clone()).unwrap_or_default();
        let token = token.trim_start_matches("Bearer ");
        let all = format!("{token} {echoed} {SECRET} \\u006bling_secret_key_0123456789abcdef");
        let extra = format!("x-request-id: {token}\r\n");
        if n == 0 {
            let body = format!(
                r#"{{"code":0,"message":"{all}","request_id":"{token}","data":{{"task_id":"t1","task_status":"submitted","task_status_msg":"{all}"}}}}"#
            );
            return http(200, &extra, &body);
        }
        let body = format!(
            r#"{{"code":1200,"message":"{all}","request_id":"{token}","data":{{"task_id":"t1","task_status":"failed","task_status_msg":"{all}"}}}}"#
        );
        http(400, &extra, &body)
    });
    let client = Client::builder(Provider::Kling)
        .kling_keys("ak", SECRET)
        .base_url(url)
        .max_retries(0)
        .poll_interval(Duration::from_millis(10))
        .build()
        .unwrap();
    let mut events = Vec::new();
    let result = client.run(ExtendRequest::video("v1").prompt("on")).on_event(|e| events.push(format!("{e:?}"))).await;
    let sent = seen.lock().unwrap();
    let token = sent[0].headers.iter().find(|(n, _)| n == "authorization").map(|(_, v)| v.clone()).unwrap();
    let token = token.trim_start_matches("Bearer ").to_owned();
    let mut everything = format!("{result:?} {events:?}");
    if let Err(error) = &result {
        everything.push_str(&shown(error));
        everything.push_str(&format!("{:?}", error.job().map(|job| job.raw.to_string())));
    }
    for secret in [token.as_str(), other_token.as_str(), SECRET] {
        assert_untold(&everything, secret);
    }
}

/// Verifying hostile deliveries: refused by named header field, never a
/// panic, linear in the body, whatever "now" is.
#[test]
fn hostile_webhook_deliveries_are_refused_by_field() {
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let body = br#"{"id":"j1","model":"kling-extend-video","status":"succeeded"}"#;
    let timestamps = ["", "0", "-1", "+1700000000", " 1700000000", "1e9", "17000000000000000000000", "１７"];
    let many = "v1,AAAA ".repeat(100_000);
    let signatures = ["", "v1,", "v2,abc", "v1,!!!!", many.as_str(), "v1,\u{0}"];
    let nows = [UNIX_EPOCH, UNIX_EPOCH + Duration::from_secs(1_700_000_000), UNIX_EPOCH + Duration::from_secs(1 << 40)];
    for timestamp in timestamps {
        for signature in signatures {
            for now in nows {
                let headers = WebhookHeaders::new("msg\r\n1", timestamp, signature);
                let options = WebhookOptions::default().now(now);
                let error = verify_webhook(body, &headers, &[secret], options).unwrap_err();
                assert_eq!(error.code(), ErrorCode::InvalidRequest);
                assert!(error.field().is_some_and(|f| f.starts_with("headers.") || f == "nowSeconds"), "{error}");
                assert_untold(&shown(&error), secret);
            }
        }
    }
    for tolerance in [Duration::ZERO, Duration::MAX, Duration::from_secs(86_401)] {
        let headers = WebhookHeaders::new("m", "1700000000", "v1,AAAA");
        let error = verify_webhook(body, &headers, &[secret], WebhookOptions::default().tolerance(tolerance));
        if let Err(error) = error {
            assert_untold(&shown(&error), secret);
        }
    }
    // A huge body: refused (no signature) in time linear to its size.
    let huge = vec![b'['; 64 << 20];
    let started = StdInstant::now();
    let headers = WebhookHeaders::new("m", "1700000000", "v1,AAAA");
    let _ = verify_webhook(&huge, &headers, &[secret], WebhookOptions::default().now(nows[1]));
    let _ = parse_webhook(&huge, WebhookOptions::default());
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

/// parse_webhook grows linearly with a body of many tiny objects.
#[test]
fn parse_webhook_is_linear_in_a_body_of_many_tiny_objects() {
    let time = |n: usize| {
        let pad = vec!["{}"; n].join(",");
        let body = format!(r#"{{"id":"j1","model":"m","status":"running","pad":[{pad}]}}"#);
        let started = StdInstant::now();
        let job = parse_webhook(body.as_bytes(), WebhookOptions::default()).unwrap();
        assert_eq!(job.id, "j1");
        started.elapsed()
    };
    time(1_000);
    let (one, sixty_four) = (time(20_000), time(20_000 * 64));
    assert!(sixty_four < one * 64 * 4 + Duration::from_millis(200), "{one:?} → {sixty_four:?}");
}

/// Quotes with extreme numbers: a typed refusal or an exact price, never a
/// panic or an overflowed amount.
#[test]
fn extreme_quotes_are_refused_or_exact() {
    for seconds in [f64::NAN, f64::INFINITY, -0.0, -1.0, 1e7, 1e7 + 1.0, f64::MAX, f64::MIN_POSITIVE, 4.999_999_999] {
        for pricing in [
            kling_extend_client::Pricing::from(TrinetraPricing::default().discount_percent(f64::NAN)),
            TrinetraPricing::default().rate(kling_extend_client::Resolution::P1080, 1e300).into(),
            KlingPricing::new(Mode::Professional).rate(Mode::Professional, 1e15).unit_price(1e6, "USD").into(),
            KlingPricing::new(Mode::Standard).unit_price(0.0001, "usd").into(),
            KlingPricing::default().discount_percent(100.0).into(),
        ] {
            if let Ok(q) = quote(pricing.clone(), seconds) {
                assert!(q.credits().is_finite() && q.credits() >= 0.0, "{seconds}: {q:?}");
            }
            if let Ok(chain) = quote_chain(pricing, ChainInput::new(seconds, 1_000)) {
                assert!(chain.max.credits().is_finite(), "{chain:?}");
                assert!(chain.min.credits() <= chain.max.credits());
            }
        }
    }
    let started = StdInstant::now();
    let error = quote_chain(KlingPricing::default(), ChainInput::new(5.0, u32::MAX)).unwrap_err();
    assert_eq!(error.field(), Some("extensions"));
    assert!(started.elapsed() < Duration::from_secs(1));
}

/// A transport that ignores `max_bytes` and hands back a huge body, or a
/// runtime whose unix clock is at 0 or at the end of its range: a typed
/// error, no panic.
#[tokio::test]
async fn huge_bodies_and_extreme_wall_clocks_give_typed_results() {
    let huge = format!(r#"{{"id":"j1","status":"queued","pad":"{}"}}"#, "x".repeat(70 << 20));
    let http = Scripted::new(move |_, _, _| ok(200, &huge));
    let error = trinetra(http, Frozen).get_job("j1").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse);
    struct Wall(u64);
    impl Runtime for Wall {
        fn sleep(&self, _: Duration) -> BoxFuture<'static, ()> {
            Box::pin(async {})
        }
        fn monotonic_ms(&self) -> u64 {
            0
        }
        fn unix_ms(&self) -> u64 {
            self.0
        }
    }
    for unix in [0, u64::MAX, u64::MAX / 2] {
        let http = Scripted::new(|_, _, _| {
            let headers = vec![("retry-after".to_owned(), "Sun, 06 Nov 1994 08:49:37 GMT".to_owned())];
            Ok(HttpResponse { status: 503, headers, body: vec![] })
        });
        let client = Client::builder(Provider::Kling).kling_keys("ak", "sk").http_client(http).runtime(Wall(unix));
        let error = client.max_retries(2).build().unwrap().get_job("t1").await.unwrap_err();
        assert_eq!(error.code(), ErrorCode::ServerError, "{unix}: {error}");
    }
}

/// An answer's repeated and non-ASCII headers read as `fetch` reads them,
/// so the npm package and this client agree (the second adversarial
/// review: reqwest's first value and a dropped Latin-1 value disagreed).
#[tokio::test]
async fn repeated_and_latin1_headers_read_as_fetch_reads_them() {
    let (url, _) = serve(|_, n| {
        let extra: &[u8] = match n {
            0 => b"x-request-id: req_first\r\nx-request-id: req_second\r\n",
            1 => b"x-request-id: req_\xe9t\xe9\r\n",
            _ => b"retry-after: 1\r\nretry-after: 300\r\n",
        };
        let body = r#"{"error":"nope"}"#;
        let status = if n == 2 { 429 } else { 400 };
        let head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n",
            body.len()
        );
        Some([head.as_bytes(), extra, b"\r\n", body.as_bytes()].concat())
    });
    let client = Client::builder(Provider::Trinetra).api_key(KEY).base_url(url).max_retries(0).build().unwrap();
    let joined = client.get_job("j1").await.unwrap_err();
    assert_eq!(joined.request_id(), Some("req_first, req_second"));
    let latin1 = client.get_job("j1").await.unwrap_err();
    assert_eq!(latin1.request_id(), Some("req_été"));
    let two_waits = client.get_job("j1").await.unwrap_err();
    assert_eq!(two_waits.retry_after(), None, "\"1, 300\" is no Retry-After, as fetch gives it to the npm package");
}
