//! The package's mock (`src/mock/`) over HTTP on 127.0.0.1, started as the
//! JS suite starts it (`node src/mock/cli.js`), for the tests that speak to
//! it: real requests through reqwest, real waits on tokio's timers.
#![allow(dead_code)] // Each test binary uses its own part.

use kling_extend_client::{Client, Provider};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// Trinetra's key the mock takes.
pub const KEY: &str = "test-key";

/// A mock server of its own for one test, stopped when dropped.
pub struct Mock {
    child: Child,
    pub url: String,
}

impl Mock {
    /// Trinetra's routes with `KEY`, each read advancing a job one status.
    pub fn start() -> Mock {
        Mock::with(&[])
    }

    /// As [`Mock::start`], with more of the CLI's arguments (`--kling-api-key K`).
    pub fn with(more: &[&str]) -> Mock {
        let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/mock/cli.js");
        let mut child = Command::new("node")
            .args([cli, "--api-key", KEY, "--advance", "polls", "--step-polls", "1"])
            .args(more)
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the mock");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout")).read_line(&mut line).expect("its first line");
        let url = line.trim().rsplit(' ').next().expect("the line ends with the URL").to_owned();
        assert!(url.starts_with("http://127.0.0.1:"), "the mock printed {line:?}");
        Mock { child, url }
    }

    /// A Trinetra client of the mock with `key`, polling every 10 ms.
    pub fn client(&self, key: &str) -> Client {
        Client::builder(Provider::Trinetra)
            .api_key(key)
            .base_url(&self.url)
            .poll_interval(Duration::from_millis(10))
            .build()
            .expect("valid options")
    }

    async fn post(&self, route: &str, body: serde_json::Value) {
        let url = format!("{}/__mock/{route}", self.url);
        let answer = reqwest::Client::new().post(url).body(body.to_string()).send().await.expect("the mock answers");
        assert_eq!(answer.status(), 201, "the mock took {body}");
    }

    /// Queues `fault` (the mock's JSON shape) for the next matching requests.
    pub async fn fault(&self, fault: serde_json::Value) {
        self.post("faults", fault).await;
    }

    /// The next jobs take these ids, in order.
    pub async fn name_jobs(&self, ids: &[&str]) {
        self.post("job-ids", serde_json::json!(ids)).await;
    }

    /// The requests the mock got, oldest first: `method`, `path`, `body` (text).
    pub async fn log(&self) -> Vec<serde_json::Value> {
        let log = reqwest::get(format!("{}/__mock/log", self.url)).await.expect("the mock answers");
        serde_json::from_slice(&log.bytes().await.expect("its log")).expect("JSON")
    }

    /// The requests of `method` whose path starts with `path`.
    pub async fn requests_to(&self, method: &str, path: &str) -> Vec<serde_json::Value> {
        let sent = |entry: &serde_json::Value| {
            entry["method"] == method && entry["path"].as_str().is_some_and(|p| p.starts_with(path))
        };
        self.log().await.into_iter().filter(sent).collect()
    }

    /// How many requests the mock got of `method` whose path starts with `path`.
    pub async fn requests(&self, method: &str, path: &str) -> usize {
        self.requests_to(method, path).await.len()
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        // Our own child, by its handle: nothing else is signalled.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
