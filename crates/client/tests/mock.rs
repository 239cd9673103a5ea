//! The client against the package's mock (`src/mock/`) over HTTP on
//! 127.0.0.1, started as the JS suite starts it (`node src/mock/cli.js`):
//! real requests through reqwest, real waits on tokio's timers.

mod common;

use common::{Mock, KEY};
use kling_extend_client::{Client, ErrorCode, ExtendRequest, Provider, Status};

#[tokio::test]
async fn a_submitted_extension_is_polled_until_it_succeeds() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let submission = client.extend_video(ExtendRequest::video("v1").prompt("the camera pulls back")).await.unwrap();
    assert_eq!((submission.provider.as_str(), submission.status), ("trinetra", Status::Queued));
    let job = client.poll_job(&submission.job_id).await.unwrap();
    assert_eq!((job.id.as_str(), job.status), (submission.job_id.as_str(), Status::Succeeded));
    let video = &job.output.as_ref().expect("a video").outputs[0];
    assert!(video.url.starts_with("http"), "{video:?}");
    assert_eq!(job.raw.to_value().unwrap()["id"], submission.job_id.as_str(), "raw is the service's document");
    assert!(mock.requests("GET", "/v1/jobs/").await >= 2, "polled until it ended");
}

#[tokio::test]
async fn a_refused_key_is_unauthorized_and_not_retried() {
    let mock = Mock::start();
    let error = mock.client("wrong-key").extend_video(ExtendRequest::video("v1").prompt("more")).await.unwrap_err();
    assert_eq!((error.code(), error.status()), (ErrorCode::Unauthorized, Some(401)));
    assert!(!error.is_retryable() && !error.maybe_submitted(), "{error}");
    assert!(!error.to_string().contains("wrong-key"), "the credential is redacted: {error}");
    assert_eq!(mock.requests("POST", "/v1/video/").await, 1);
}

#[tokio::test]
async fn a_read_answered_503_is_retried_until_it_succeeds() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let submission = client.extend_video(ExtendRequest::video("v1").prompt("more")).await.unwrap();
    let unavailable = serde_json::json!({ "method": "GET", "path": "/v1/jobs/", "status": 503, "times": 2, "headers": { "retry-after": "0" } });
    mock.fault(unavailable.clone()).await;
    let job = client.get_job(&submission.job_id).await.unwrap();
    assert_eq!(job.id, submission.job_id);
    assert_eq!(mock.requests("GET", "/v1/jobs/").await, 3, "two 503s, then the answer");

    mock.fault(unavailable).await;
    let once = Client::builder(Provider::Trinetra).api_key(KEY).base_url(&mock.url).max_retries(1).build().unwrap();
    let error = once.get_job(&submission.job_id).await.unwrap_err();
    assert_eq!((error.code(), error.status(), error.is_retryable()), (ErrorCode::ServerError, Some(503), true));
}
