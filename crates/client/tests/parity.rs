//! What the differential test (tests/differential/) found the Rust client
//! lacking or saying otherwise than the npm package, each checked here
//! against the mock over HTTP: a job serialised without the members it does
//! not have, Kling's own error code, the request fields and client options
//! the npm package takes.

mod common;

use common::{Mock, KEY};
use kling_extend_client::{Client, ErrorCode, ExtendRequest, Mode, Provider, Resolution};
use std::time::Duration;

const KLING_KEY: &str = "kling-key-parity";

fn kling(mock: &Mock) -> kling_extend_client::ClientBuilder {
    Client::builder(Provider::Kling).base_url(&mock.url).poll_interval(Duration::from_millis(10))
}

/// The body of the only submit the mock got on `path`.
async fn submitted(mock: &Mock, path: &str) -> serde_json::Value {
    let posts = mock.requests_to("POST", path).await;
    assert_eq!(posts.len(), 1, "{posts:?}");
    serde_json::from_str(posts[0]["body"].as_str().expect("a body")).expect("JSON")
}

#[tokio::test]
async fn a_job_serialises_without_the_members_it_does_not_have_as_the_npm_package_writes_it() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let submission = client.extend_video(ExtendRequest::video("v1")).await.unwrap();
    let queued = serde_json::to_value(client.get_job(&submission.job_id).await.unwrap()).unwrap();
    let members: Vec<&str> = queued.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(members, ["id", "model", "raw", "status"], "no output, no error, not even null: {queued}");
    let done = serde_json::to_value(client.poll_job(&submission.job_id).await.unwrap()).unwrap();
    assert!(done["output"]["outputs"][0]["url"].is_string() && done.get("error").is_none(), "{done}");
}

#[tokio::test]
async fn a_kling_refusal_carries_klings_own_code() {
    let mock = Mock::with(&["--kling-api-key", KLING_KEY]);
    mock.fault(serde_json::json!({ "method": "POST", "path": "/v1/videos/video-extend", "klingCode": 1102 })).await;
    let client = kling(&mock).api_key(KLING_KEY).build().unwrap();
    let error = client.extend_video(ExtendRequest::video("v1")).await.unwrap_err();
    assert_eq!(
        (error.code(), error.status(), error.provider_code()),
        (ErrorCode::InsufficientCredits, Some(429), Some(1102))
    );
    let error = client.get_job("task_nowhere").await.unwrap_err();
    assert_eq!((error.code(), error.provider_code()), (ErrorCode::NotFound, Some(1203)));
    let error = mock.client("wrong-key").get_job("job_x").await.unwrap_err();
    assert_eq!(
        (error.code(), error.provider_code()),
        (ErrorCode::Unauthorized, None),
        "Trinetra sends no code of its own"
    );
}

#[tokio::test]
async fn klings_request_fields_go_on_the_wire_in_its_words() {
    let mock = Mock::with(&["--kling-api-key", KLING_KEY]);
    let client = kling(&mock).api_key(KLING_KEY).build().unwrap();
    let request =
        ExtendRequest::video("v1").mode(Mode::Professional).duration(5).model_name("kling-v1").watermark(true);
    let job = client.run(request).await.unwrap();
    assert_eq!(job.units_charged, Some(3.5), "professional mode's units");
    let body = submitted(&mock, "/v1/videos/video-extend").await;
    assert_eq!(
        (&body["mode"], &body["duration"], &body["model_name"], &body["watermark_info"]),
        (&"pro".into(), &"5".into(), &"kling-v1".into(), &serde_json::json!({ "enabled": true }))
    );
    let error = client.extend_video(ExtendRequest::video("v1").resolution(Resolution::P1080)).await.unwrap_err();
    assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("resolution")), "Trinetra's alone");
    let error = client.extend_video(ExtendRequest::video("v1").duration(61)).await.unwrap_err();
    assert_eq!(error.field(), Some("duration"), "checked by the core: {error}");
}

#[tokio::test]
async fn a_trinetra_resolution_is_sent_and_billed() {
    let mock = Mock::start();
    let job = mock.client(KEY).run(ExtendRequest::video("v1").resolution(Resolution::P1080)).await.unwrap();
    assert_eq!(job.credits_charged, Some(300.0), "10 s at 1080p");
    assert_eq!(submitted(&mock, "/v1/video/").await["resolution"], "1080p");
}

#[tokio::test]
async fn a_ready_token_and_a_header_of_the_callers_reach_the_service() {
    let token = "kling-token-parity";
    let mock = Mock::with(&["--kling-api-key", token]);
    let client = kling(&mock).token(token).header("X-Trace", "1").header("x-trace", "2").build().unwrap();
    let submission = client.extend_video(ExtendRequest::task("task_seed")).await.unwrap();
    assert_eq!(submission.provider, "kling", "the mock took the token");
    let posts = mock.requests_to("POST", "/v1/videos/video-extend").await;
    assert_eq!(posts[0]["headers"]["x-trace"], "2", "the header set last");
    assert_eq!(posts[0]["headers"]["user-agent"], "kling-extend-client/0.1.0", "the ready transport names itself");
    // The mock refuses any other bearer value: the token is sent, not the header.
    let client = kling(&mock).token(token).header("Authorization", "Bearer other").build().unwrap();
    assert!(client.get_job(&submission.job_id).await.is_ok(), "the client's own credential wins");
}

#[tokio::test]
async fn the_poll_ceiling_and_the_answer_limit_are_the_cores_options() {
    let mock = Mock::start();
    let builder = || Client::builder(Provider::Trinetra).api_key(KEY).base_url(&mock.url);
    let error = builder().poll_interval(Duration::from_secs(2)).max_poll_interval(Duration::from_secs(1)).build();
    assert_eq!(error.unwrap_err().field(), Some("maxIntervalMs"));
    let tiny = builder().max_response_bytes(8).max_retries(0).build().unwrap();
    let error = tiny.get_job("job_x").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::BadResponse, "an answer past the limit is not read: {error}");
}
