//! The core's log lines through the `log` facade, captured by a logger of
//! the test's own: at the level the logger takes, under the crate's
//! target, and no credential in any line, even where the service echoed
//! one into a job's URL. One test: the logger is the process's.

mod common;

use common::Mock;
use kling_extend_client::{Client, ExtendRequest, Provider};
use std::sync::Mutex;
use std::time::Duration;

/// Every record: its level, target and text.
static LINES: Mutex<Vec<(log::Level, String, String)>> = Mutex::new(Vec::new());

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &log::Record) {
        if self.enabled(record.metadata()) {
            let line = (record.level(), record.target().to_owned(), record.args().to_string());
            LINES.lock().unwrap().push(line);
        }
    }

    fn flush(&self) {}
}

/// The crate's lines captured since the last look (reqwest logs too), once
/// no line of any target is seen to hold the credential.
fn taken() -> Vec<(log::Level, String, String)> {
    let lines = std::mem::take(&mut *LINES.lock().unwrap());
    assert!(lines.iter().all(|(_, _, text)| !text.contains(SECRET)), "{lines:?}");
    lines.into_iter().filter(|(_, target, _)| target == "kling_extend_client").collect()
}

const SECRET: &str = "sk-live-secret-0123456789";

#[tokio::test]
async fn the_cores_lines_go_to_the_logger_at_its_level_with_no_credential() {
    log::set_logger(&Capture).unwrap();
    let mock = Mock::with(&["--api-key", SECRET]);
    let client = Client::builder(Provider::Trinetra)
        .api_key(SECRET)
        .base_url(&mock.url)
        .poll_interval(Duration::from_millis(10));
    let client = client.build().unwrap();

    log::set_max_level(log::LevelFilter::Debug);
    // A hostile service names the job after the key: its URL holds it.
    mock.name_jobs(&[SECRET]).await;
    mock.fault(
        serde_json::json!({ "method": "GET", "path": "/v1/jobs/", "status": 503, "headers": { "retry-after": "0" } }),
    )
    .await;
    let job = client.run(ExtendRequest::video("v1").prompt("more")).await.unwrap();
    assert_eq!(job.id, "[redacted]", "the result is redacted too");
    let lines = taken();
    let at = |level| lines.iter().filter(|(l, _, _)| *l == level).map(|(_, _, t)| t.as_str()).collect::<Vec<_>>();
    let post = format!("POST {}/v1/video/kling-extend-video", mock.url);
    assert_eq!(at(log::Level::Debug).first().copied(), Some(post.as_str()), "each request as it leaves");
    assert!(at(log::Level::Info)
        .iter()
        .any(|t| t.starts_with(&format!("GET {}/v1/jobs/[redacted] → 503 (", mock.url))));
    assert!(at(log::Level::Warn).iter().any(|t| t.contains("it answered HTTP 503")), "the retry and why");
    assert!(at(log::Level::Debug).last().is_some_and(|t| t.starts_with("run done in ")), "{lines:?}");

    log::set_max_level(log::LevelFilter::Warn);
    let error = client.run(ExtendRequest::video("fail-source")).await.unwrap_err();
    let lines = taken();
    assert_eq!(lines.len(), 1, "only how the call failed: {lines:?}");
    assert_eq!(lines[0].0, log::Level::Error);
    assert!(lines[0].2.starts_with("run failed after ") && lines[0].2.contains("job_failed"), "{lines:?}");
    assert!(!error.to_string().contains(SECRET));

    log::set_max_level(log::LevelFilter::Off);
    client.get_job("j-unknown").await.unwrap_err();
    assert!(taken().is_empty(), "a logger that takes nothing gets nothing");
}
