//! Adversarial probes of `Job.raw` (`RawDocument`) and the client's entropy,
//! through the public API only: a scripted transport answers what a hostile
//! service would, waits end at once.

mod instant;

use instant::Instant;
use kling_extend_client::{
    BoxFuture, Client, ExtendRequest, HttpClient, HttpRequest, HttpResponse, Job, Provider, RawDocument, Status,
    TransportError,
};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "sk-live-0123456789abcdef";
const ACCESS: &str = "ak-live-fedcba9876543210";
const SECRET: &str = "skk-live-00112233445566778899";

/// Answers every request with `body(request)`.
struct Script<F>(F);

impl<F: Fn(&HttpRequest) -> String + Send + Sync + 'static> HttpClient for Script<F> {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let body = (self.0)(&request).into_bytes();
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        Box::pin(async move { Ok(HttpResponse { status: 200, headers, body }) })
    }
}

fn trinetra(body: impl Fn(&HttpRequest) -> String + Send + Sync + 'static) -> Client {
    let builder = Client::builder(Provider::Trinetra).api_key(KEY).base_url("http://127.0.0.1:9/v1");
    builder.max_retries(0).http_client(Script(body)).runtime(Instant).build().expect("valid options")
}

async fn job_of(body: &str) -> Result<Job, kling_extend_client::Error> {
    let body = body.to_owned();
    trinetra(move |_| body.clone()).get_job("j1").await
}

fn nested(depth: usize) -> String {
    format!(r#"{{"id":"j1","status":"running","x":{}1{}}}"#, "[".repeat(depth), "]".repeat(depth))
}

/// A job stored as JSON and read back is the job it was (README: "so it can
/// be stored"), for a deeply nested document. (serde_json reads at most 128
/// levels, the job's own two among them: a document get_job takes at 126
/// levels is written, then refused on reading back.)
#[tokio::test]
async fn a_deep_document_survives_a_json_round_trip() {
    let job = job_of(&nested(120)).await.expect("120 levels are taken");
    let read: Job = serde_json::from_str(&serde_json::to_string(&job).unwrap()).expect("and read back");
    assert_eq!(read, job);
}

/// Written to a non-JSON serde format (TOML) and read back, raw stays the
/// service's document: not `{"$serde_json::private::RawValue": "..."}`.
#[tokio::test]
async fn a_job_written_to_toml_reads_back_as_the_same_job() {
    let job = job_of(r#"{"id":"j1","status":"running","progress":40,"meta":{"a":[1,2.5,"x"]}}"#).await.unwrap();
    let written = toml::to_string(&job).expect("TOML writes a job");
    assert!(!written.contains("serde_json::private"), "DEFECT: serde_json's private token in TOML:\n{written}");
    let read: Job = toml::from_str(&written).expect("TOML reads it back");
    assert_eq!(read.raw.to_value().unwrap()["progress"], 40, "raw read back: {}", read.raw);
    assert_eq!(read, job);
}

/// A job serialised through serde_json::to_value keeps raw as the document.
#[tokio::test]
async fn to_value_and_back() {
    let text =
        r#" {"id":"j1","status":"running","big":12345678901234567890,"z":-0,"e":"\u00e9\ud83d\ude00","n":1.50} "#;
    let job = job_of(text).await.unwrap();
    assert_eq!(job.raw.as_str(), text, "the text as it came");
    let value = serde_json::to_value(&job).unwrap();
    // Written as the npm package's raw holds it: numbers as JavaScript's.
    assert_eq!(value["raw"]["big"].as_f64(), Some(12345678901234567890.0));
    let back: Job = serde_json::from_value(value).unwrap();
    assert_eq!(back, job);
    let written = serde_json::to_string(&job).unwrap();
    assert!(written.contains(r#""e":"é😀","n":1.5}"#), "its values, in order: {written}");
    let back: Job = serde_json::from_str(&written).unwrap();
    assert_eq!(back, job);
    // A BOM is not kept in raw.
    let bom = format!("\u{feff}{}", text.trim());
    let job = job_of(&bom).await.unwrap();
    assert!(!job.raw.as_str().starts_with('\u{feff}'));
    assert!(serde_json::to_string(&job).is_ok());
}

/// Integers past u64: as the service sent them in the job's raw text; as
/// JavaScript reads them (the npm package's raw) once a job is written.
#[tokio::test]
async fn an_integer_past_u64_is_kept_as_sent_and_read_back_as_the_same_value() {
    let text = r#"{"id":"j1","status":"running","big":123456789012345678901234567890}"#;
    let job = job_of(text).await.unwrap();
    assert_eq!(job.raw.as_str(), text);
    let back: Job = serde_json::from_str(&serde_json::to_string(&job).unwrap()).unwrap();
    assert_eq!(back, job);
}

/// Credentials echoed by the service, in every spelling JSON allows, are
/// in none of raw's faces.
#[tokio::test]
async fn an_echoed_key_is_in_no_face_of_raw() {
    let escaped: String = KEY.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let half: String =
        format!("{}{}", &KEY[..6], KEY[6..].chars().map(|c| format!("\\u{:04X}", c as u32)).collect::<String>());
    let bodies = [
        format!(r#"{{"id":"j1","status":"running","echo":"{KEY}"}}"#),
        format!(r#"{{"id":"j1","status":"running","echo":"{escaped}"}}"#),
        format!(r#"{{"id":"j1","status":"running","echo":"{half}"}}"#),
        format!(r#"{{"id":"j1","status":"running","{KEY}":1}}"#),
        format!(r#"{{"id":"j1","status":"running","{escaped}":{{"{escaped}":"{escaped}"}}}}"#),
        format!(r#"{{"id":"j1","status":"running","a":{{"b":[["Bearer {KEY}"]]}},"c":"x {KEY}\n"}}"#),
        format!("\u{feff}{{\"id\":\"j1\",\"status\":\"running\",\"echo\":\"{escaped}\"}}"),
    ];
    for body in bodies {
        let job = job_of(&body).await.unwrap();
        let faces = [
            job.raw.as_str().to_owned(),
            format!("{:?} {} {job:?}", job.raw, job.raw),
            serde_json::to_string(&job).unwrap(),
            serde_json::to_value(&job).unwrap().to_string(),
            job.raw.to_value().unwrap().to_string(),
            format!("{:?}", job.raw.parse::<serde_json::Value>().unwrap()),
            toml::to_string(&job).unwrap_or_default(),
        ];
        for face in faces {
            assert!(!face.contains(KEY), "DEFECT: key shown for {body}: {face}");
        }
    }
}

/// The headers the client sends, echoed: a Kling JWT and a bearer key.
#[tokio::test]
async fn echoed_request_headers_are_redacted() {
    let echo = |request: &HttpRequest| {
        let headers: Vec<String> = request.headers.iter().map(|(n, v)| format!("{n}: {v}")).collect();
        let document = serde_json::json!({
            "code": 0,
            "data": {"task_id": "t1", "task_status": "processing", "echo": headers, "url": request.url},
            "id": "j1", "status": "running", "echo": headers,
        });
        document.to_string()
    };
    let kling = Client::builder(Provider::Kling).kling_keys(ACCESS, SECRET).base_url("http://127.0.0.1:9");
    let kling = kling.max_retries(0).http_client(Script(echo)).runtime(Instant).build().unwrap();
    let trinetra = trinetra(echo);
    for (name, client, id) in [("kling", kling, "t1"), ("trinetra", trinetra, "j1")] {
        let job = client.get_job(id).await.expect(name);
        let shown = format!("{} {:?}", serde_json::to_string(&job).unwrap(), job);
        for secret in [KEY, ACCESS, SECRET] {
            assert!(!shown.contains(secret), "DEFECT {name}: {secret} in {shown}");
        }
        // A JWT is three base64url segments starting eyJ.
        assert!(!shown.contains("eyJ"), "DEFECT {name}: a token in {shown}");
    }
}

/// Duplicate keys: JSON.parse's first place, last value, in Job.status and
/// in raw.to_value alike, for every object size around the pairwise limit.
#[tokio::test]
async fn duplicate_status_keys_take_the_last_value_at_every_size() {
    for size in 2..=20 {
        for (first, second) in [(0, size - 1), (size / 2, size - 1), (0, 1), (size - 2, size - 1)] {
            let mut members: Vec<String> = (0..size).map(|i| format!(r#""k{i}":{i}"#)).collect();
            members[first] = r#""status":"queued""#.to_owned();
            members[second] = r#""st\u0061tus":"succeeded""#.to_owned();
            if first == second {
                continue;
            }
            let body = format!(r#"{{"id":"j1",{}}}"#, members.join(","));
            let job = job_of(&body).await.unwrap_or_else(|error| panic!("{body}: {error}"));
            assert_eq!(job.status, Status::Succeeded, "{body}");
            assert_eq!(job.raw.to_value().unwrap()["status"], "succeeded", "{body}");
        }
    }
    // The kept id repeated among ignored members.
    let body = r#"{"id":"a","x":1,"y":{"id":"nested"},"i\u0064":"j1","status":"running"}"#;
    assert_eq!(job_of(body).await.unwrap().id, "j1");
}

/// Submits from clones of one client on many threads, and from many clients:
/// every findable id distinct and unpredictable-looking.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn submit_keys_from_clones_and_clients_are_all_distinct() {
    let ids = Arc::new(Mutex::new(Vec::new()));
    let seen = ids.clone();
    let record = move |request: &HttpRequest| {
        let body: serde_json::Value = serde_json::from_slice(request.body.as_deref().unwrap_or(b"null")).unwrap();
        seen.lock().unwrap().push(body["external_task_id"].as_str().unwrap_or_default().to_owned());
        r#"{"code":0,"message":"ok","request_id":"r","data":{"task_id":"t1","task_status":"submitted"}}"#.to_owned()
    };
    let make = || {
        let builder = Client::builder(Provider::Kling).kling_keys(ACCESS, SECRET).base_url("http://127.0.0.1:9");
        builder.max_retries(0).http_client(Script(record.clone())).runtime(Instant).build().unwrap()
    };
    let shared = make();
    let mut tasks = Vec::new();
    for i in 0..200 {
        let client = if i % 2 == 0 { shared.clone() } else { make() };
        tasks.push(tokio::spawn(async move {
            client.extend_video(ExtendRequest::video("v1").prompt("more")).await.map(|_| ())
        }));
    }
    for task in tasks {
        task.await.unwrap().expect("submitted");
    }
    let ids = ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 200);
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    assert_eq!(distinct.len(), 200, "{ids:?}");
    // 32 hex digits each, about half their bits set.
    let ones: u32 = ids
        .iter()
        .map(|id| {
            let hex = id.trim_start_matches("ke-");
            assert_eq!(hex.len(), 32, "{id}");
            u128::from_str_radix(hex, 16).unwrap().count_ones()
        })
        .sum();
    let mean = ones as f64 / 200.0;
    assert!((60.0..68.0).contains(&mean), "{mean}");
}

/// A runtime recording what it was asked to wait.
struct Recording(Arc<Mutex<Vec<Duration>>>);

impl kling_extend_client::Runtime for Recording {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        self.0.lock().unwrap().push(duration);
        Box::pin(async {})
    }
    fn monotonic_ms(&self) -> u64 {
        0
    }
    fn unix_ms(&self) -> u64 {
        1_700_000_000_000
    }
}

/// Retries are still jittered: one client's reads and clones' reads wait
/// different times before their retries.
#[tokio::test]
async fn retry_waits_are_jittered_call_to_call() {
    struct Fail;
    impl HttpClient for Fail {
        fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
            Box::pin(async { Ok(HttpResponse { status: 503, headers: vec![], body: b"{}".to_vec() }) })
        }
    }
    let waits = Arc::new(Mutex::new(Vec::new()));
    let builder = Client::builder(Provider::Trinetra).api_key(KEY).base_url("http://127.0.0.1:9/v1");
    let client = builder.max_retries(3).http_client(Fail).runtime(Recording(waits.clone())).build().unwrap();
    for _ in 0..20 {
        assert!(client.clone().get_job("j1").await.is_err());
    }
    // The per-attempt timeouts (30 s) are sleeps too: only the backoffs.
    let waits: Vec<Duration> =
        waits.lock().unwrap().iter().copied().filter(|wait| *wait < Duration::from_secs(30)).collect();
    assert_eq!(waits.len(), 60, "{waits:?}");
    let firsts: std::collections::HashSet<Duration> = waits.iter().step_by(3).copied().collect();
    assert!(firsts.len() >= 15, "first retry waits barely differ: {firsts:?}");
}

/// A credential in a member that a later duplicate overwrites: the parsed
/// document (JSON.parse: the last value) holds none, yet the text would
/// carry it on (found by the adversarial review of RawDocument; fixed in
/// the core's scrub_json).
#[tokio::test]
async fn a_credential_in_an_overwritten_duplicate_is_not_shown() {
    for body in [
        format!(r#"{{"id":"j1","status":"running","echo":"{KEY}","echo":"x"}}"#),
        format!(r#"{{"id":"j1","status":"running","a":{{"headers":{{"x-api-key":"{KEY}"}}}},"a":null}}"#),
        format!(r#"{{"id":"j1","status":"failed","status":"running","error":"bad key {KEY}","error":"bad key"}}"#),
    ] {
        let job = job_of(&body).await.unwrap();
        assert!(!job.raw.to_value().unwrap().to_string().contains(KEY), "the parsed document has none");
        for face in [job.raw.as_str().to_owned(), format!("{job:?}"), serde_json::to_string(&job).unwrap()] {
            assert!(!face.contains(KEY), "DEFECT (leak): the key in raw for {body}: {face}");
        }
    }
}

#[tokio::test]
async fn an_escaped_credential_in_an_overwritten_duplicate_is_not_shown() {
    // Escaped and overwritten: the text holds the key in a spelling a
    // first-value reader (or anyone decoding the escapes) recovers.
    let escaped: String = KEY.chars().map(|c| format!("\\u{:04x}", c as u32)).collect();
    let body = format!(r#"{{"id":"j1","status":"running","echo":"{escaped}","echo":"x"}}"#);
    let job = job_of(&body).await.unwrap();
    assert!(!job.raw.as_str().contains(&escaped), "DEFECT (leak, escaped): {}", job.raw);
}

/// "Numbers by value": a document written back by JSON.stringify (a page, a
/// JS store) spells 2.0 as 2, 1e2 as 100: the same data, so equal.
#[test]
fn partial_eq_compares_numbers_by_value() {
    let doc = |text: &str| -> RawDocument { serde_json::from_str(text).unwrap() };
    assert_eq!(doc(r#"{"n":1.50}"#), doc(r#"{"n":1.5}"#));
    assert_eq!(doc(r#"{"n":2.0}"#), doc(r#"{"n":2}"#), "LOW: 2.0 and 2 are one number");
    assert_eq!(doc(r#"{"n":1e2}"#), doc(r#"{"n":100}"#), "LOW: 1e2 and 100 are one number");
}

/// A document that held a credential is rewritten by the core: its other
/// values as the npm package reads them (numbers as JavaScript's), in order.
#[tokio::test]
async fn a_redacted_document_keeps_its_other_values() {
    let body = format!(r#"{{"id":"j1","status":"running","n":12345678901234567890,"f":1.0,"echo":"{KEY}"}}"#);
    let job = job_of(&body).await.unwrap();
    assert!(!job.raw.as_str().contains(KEY));
    assert!(job.raw.as_str().ends_with(r#","f":1,"echo":"[redacted]"}"#), "{}", job.raw);
    assert_eq!(job.raw.to_value().unwrap()["n"].as_f64(), Some(12345678901234567890.0));
}

/// A service's own member named `rawText` (the name a job's document text
/// takes inside the core) is redacted as any member is (the second
/// adversarial review: it was passed over, the key with it).
#[tokio::test]
async fn a_member_named_raw_text_is_redacted_as_any_other() {
    for body in [
        format!(r#"{{"id":"j1","status":"running","rawText":"echo {KEY}"}}"#),
        format!(r#"{{"id":"j1","status":"running","meta":{{"rawText":"{KEY}"}}}}"#),
    ] {
        let job = job_of(&body).await.unwrap();
        for face in [job.raw.as_str().to_owned(), serde_json::to_string(&job).unwrap()] {
            assert!(!face.contains(KEY), "{face}");
            assert!(face.contains(r#""rawText":"#), "the member stays as named: {face}");
        }
    }
}
