//! No credential in a client's or builder's `Debug`, nor in an error's
//! `Display` or `Debug`; the error's accessors say what the core decided
//! (a scripted transport, waits that end at once).

mod instant;

use instant::Instant;
use kling_extend_client::{
    BoxFuture, Client, ErrorCode, HttpClient, HttpRequest, HttpResponse, Provider, Status, TransportError,
};

const KEY: &str = "sk-live-0123456789abcdef";
const ACCESS: &str = "ak-live-fedcba9876543210";
const SECRET: &str = "skk-live-00112233445566778899";

/// Answers every request with one status and body.
struct Answer(u16, String);

impl HttpClient for Answer {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let answer = HttpResponse { status: self.0, headers: vec![], body: self.1.as_bytes().to_vec() };
        Box::pin(async move { Ok(answer) })
    }
}

fn trinetra(status: u16, body: &str) -> Client {
    let builder = Client::builder(Provider::Trinetra).api_key(KEY).base_url("http://127.0.0.1:9/v1");
    builder.max_retries(0).http_client(Answer(status, body.to_owned())).runtime(Instant).build().expect("valid options")
}

fn assert_untold(shown: &str) {
    for secret in [KEY, ACCESS, SECRET, "hunter2"] {
        assert!(!shown.contains(secret), "{secret} shown in {shown}");
    }
}

#[test]
fn a_builder_and_a_client_show_no_credential() {
    let builder = Client::builder(Provider::Trinetra).api_key(KEY).base_url("http://127.0.0.1:9/v1");
    let shown = format!("{builder:?}");
    assert_untold(&shown);
    assert!(shown.contains("apiKey") && shown.contains("baseUrl"), "names what was given: {shown}");
    let client = trinetra(200, "{}");
    let shown = format!("{client:?}");
    assert_untold(&shown);
    assert!(shown.contains("trinetra") && shown.contains("http://127.0.0.1:9/v1"), "{shown}");
    let kling = Client::builder(Provider::Kling).kling_keys(ACCESS, SECRET).http_client(Answer(200, String::new()));
    assert_untold(&format!("{kling:?}"));
    assert_untold(&format!("{:?}", kling.runtime(Instant).build().expect("valid options")));
}

#[test]
fn a_base_url_with_a_password_is_shown_by_no_debug_and_no_error() {
    let builder = Client::builder(Provider::Trinetra).api_key(KEY).base_url("http://admin:hunter2@127.0.0.1:9");
    assert_untold(&format!("{builder:?}"));
    let error = builder.http_client(Answer(200, String::new())).runtime(Instant).build().unwrap_err();
    assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("baseUrl")));
    assert_untold(&format!("{error} {error:?}"));
}

#[test]
fn a_refused_credential_is_named_not_shown() {
    let bad = format!("{KEY}\n");
    let error = Client::builder(Provider::Trinetra).api_key(bad).runtime(Instant).build().unwrap_err();
    assert_eq!(error.field(), Some("apiKey"));
    assert!(error.to_string().starts_with("invalid_request: apiKey "), "{error}");
    assert_untold(&format!("{error} {error:?}"));
}

#[tokio::test]
async fn a_failed_job_travels_with_its_error_without_the_key() {
    let body = format!(r#"{{"id":"j1","status":"failed","error":"refused key {KEY}"}}"#);
    let error = trinetra(200, &body).poll_job("j1").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::JobFailed);
    assert!(!error.is_retryable() && !error.maybe_submitted() && error.status().is_none(), "{error:?}");
    let job = error.job().expect("the failed job");
    assert_eq!((job.id.as_str(), job.status), ("j1", Status::Failed));
    assert_untold(&format!("{error} {error:?} {job:?}"));
}

#[tokio::test]
async fn a_service_failure_has_its_status_and_may_be_retried() {
    let error = trinetra(503, r#"{"error":"busy"}"#).get_job("j1").await.unwrap_err();
    assert_eq!((error.code(), error.status()), (ErrorCode::ServerError, Some(503)));
    assert!(error.is_retryable() && error.job().is_none() && error.field().is_none(), "{error:?}");
    let refused = trinetra(401, r#"{"error":"bad key"}"#).get_job("j1").await.unwrap_err();
    assert_eq!((refused.code(), refused.status(), refused.is_retryable()), (ErrorCode::Unauthorized, Some(401), false));
}

#[tokio::test]
async fn a_submit_whose_answer_was_lost_may_have_been_submitted() {
    use kling_extend_client::{ExtendRequest, TransportErrorKind};
    /// The request may have left; no answer came.
    struct Lost;
    impl HttpClient for Lost {
        fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(async { Err(TransportError::new(TransportErrorKind::Network)) })
        }
    }
    let client = Client::builder(Provider::Trinetra).api_key(KEY).http_client(Lost).runtime(Instant).build().unwrap();
    let error = client.extend_video(ExtendRequest::video("v1").prompt("on")).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NetworkError);
    assert!(error.maybe_submitted(), "Trinetra cannot be asked first: {error:?}");
    assert_untold(&format!("{error} {error:?}"));
}
