//! The client against the package's mock (`src/mock/`) over HTTP on
//! 127.0.0.1, started as the JS suite starts it (`node src/mock/cli.js`):
//! real requests through reqwest, real waits on tokio's timers.

use kling_extend_client::{Client, ErrorCode, ExtendRequest, Provider, Status};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const KEY: &str = "test-key";

/// A mock server of its own for one test, stopped when dropped.
struct Mock {
    child: Child,
    url: String,
}

impl Mock {
    /// Trinetra's routes with `KEY`, each read advancing a job one status.
    fn start() -> Mock {
        let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/mock/cli.js");
        let mut child = Command::new("node")
            .args([cli, "--api-key", KEY, "--advance", "polls", "--step-polls", "1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the mock");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout")).read_line(&mut line).expect("its first line");
        let url = line.trim().rsplit(' ').next().expect("the line ends with the URL").to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "the mock printed {line:?}");
        Mock { child, url }
    }

    fn client(&self, key: &str) -> Client {
        Client::builder(Provider::Trinetra)
            .api_key(key)
            .base_url(&self.url)
            .poll_interval(Duration::from_millis(10))
            .build()
            .expect("valid options")
    }

    /// Queues `fault` (the mock's JSON shape) for the next matching requests.
    async fn fault(&self, fault: serde_json::Value) {
        let url = format!("{}/__mock/faults", self.url);
        let answer = reqwest::Client::new().post(url).body(fault.to_string()).send().await.expect("the mock answers");
        assert_eq!(answer.status(), 201, "the fault was queued");
    }

    /// How many requests the mock got of `method` whose path starts with `path`.
    async fn requests(&self, method: &str, path: &str) -> usize {
        let log = reqwest::get(format!("{}/__mock/log", self.url)).await.expect("the mock answers");
        let log: Vec<serde_json::Value> = serde_json::from_slice(&log.bytes().await.expect("its log")).expect("JSON");
        log.iter()
            .filter(|entry| entry["method"] == method && entry["path"].as_str().is_some_and(|p| p.starts_with(path)))
            .count()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        // Our own child, by its handle: nothing else is signalled.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

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
    assert_eq!(job.raw["id"], submission.job_id.as_str(), "raw is the service's document");
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
