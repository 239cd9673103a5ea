//! The Rust client's cost per call against a hand-written reqwest loop doing
//! the same work: `get_job` against a GET with the key's header, the body
//! read and parsed into a typed job, both over one kept-alive connection to
//! the same server on 127.0.0.1. Goal: the client makes at least 0.95× the
//! plain loop's calls per second.
//!
//!   cargo run --quiet --release -p kling-extend-client --features reqwest,tokio --example overhead [-- --mock]
//!
//! Two servers. A minimal one in this process (a thread per connection,
//! blocking std I/O, the mock's finished job document as the answer), so the
//! server's cost is as small as it gets and the client's share of a call as
//! large: the strict measure. With `--mock`, the package's mock too (`node
//! src/mock/cli.js`), whose own time per request (Node) dilutes the
//! difference. Rounds alternate which loop goes first; the ratio is the
//! median of the rounds' ratios. Last, the CPU each side spends per call
//! without a socket: the client over a transport that answers at once, the
//! plain side parsing the same body. Printed as a markdown section of the
//! benchmark report (scripts/bench.sh).

use kling_extend_client::{
    BoxFuture, Client, ExtendRequest, HttpClient, HttpRequest, HttpResponse, Provider, Status, TransportError,
};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const KEY: &str = "bench-key";
/// At least this share of the plain loop's calls per second.
const GOAL: f64 = 0.95;
const CALLS: u32 = 1_000;
const ROUNDS: usize = 25;
const WARM_UP: u32 = 500;

/// A finished job as the mock answers it (its size and members).
const JOB: &str = r#"{"id":"job_klingextendvideo_4fd9fe196d4f","model":"kling-extend-video","status":"succeeded","output":{"outputs":[{"url":"http://127.0.0.1:46433/media/job_klingextendvideo_4fd9fe196d4f.mp4","type":"video"}]},"credits_charged":190}"#;
const JOB_ID: &str = "job_klingextendvideo_4fd9fe196d4f";

/// The job as a hand-written client would type it.
#[derive(Deserialize)]
#[allow(dead_code)] // Read as a user's code would; only `status` is checked.
struct PlainJob {
    id: String,
    model: String,
    status: String,
    output: Option<PlainOutput>,
    credits_charged: Option<f64>,
    error: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainOutput {
    outputs: Vec<PlainVideo>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct PlainVideo {
    url: String,
    #[serde(rename = "type")]
    kind: String,
    id: Option<String>,
    duration: Option<f64>,
}

/// The hand-written loop's call: what the client's `get_job` does for a caller who needs the job,
/// each attempt cut short after `timeout` if one is given (the client always gives one).
async fn plain_call(http: &reqwest::Client, url: &str, timeout: Option<Duration>) -> PlainJob {
    let mut request = http.get(url).header("x-api-key", KEY);
    if let Some(timeout) = timeout {
        request = request.timeout(timeout);
    }
    let response = request.send().await.expect("the server answers");
    assert!(response.status().is_success(), "HTTP {}", response.status());
    let body = response.bytes().await.expect("its body");
    let job: PlainJob = serde_json::from_slice(&body).expect("a job");
    assert_eq!(job.status, "succeeded");
    job
}

async fn client_call(client: &Client, id: &str) {
    let job = client.get_job(id).await.expect("the job");
    assert_eq!(job.status, Status::Succeeded);
}

/// A transport that answers every request at once with `JOB`: the client's own work alone.
struct Canned;

impl HttpClient for Canned {
    fn send(&self, _: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, TransportError>> {
        let headers = vec![("content-type".to_owned(), "application/json".to_owned())];
        Box::pin(async move { Ok(HttpResponse { status: 200, headers, body: JOB.as_bytes().to_vec() }) })
    }
}

/// The plain side's work without a socket: the body (copied, as read) parsed and checked.
async fn plain_parse() {
    let body = JOB.as_bytes().to_vec();
    let job: PlainJob = serde_json::from_slice(&body).expect("a job");
    assert_eq!(job.status, "succeeded");
}

/// Seconds per call over `calls` calls.
async fn timed<F: std::future::Future>(calls: u32, mut call: impl FnMut() -> F) -> f64 {
    let start = Instant::now();
    for _ in 0..calls {
        call().await;
    }
    start.elapsed().as_secs_f64() / f64::from(calls)
}

struct Measured {
    plain_us: Vec<f64>,
    client_us: Vec<f64>,
    ratios: Vec<f64>,
}

/// Both loops against `base_url`'s job `id`, interleaved; the plain one's
/// attempts with a `timeout` or none.
async fn measure(base_url: &str, id: &str, timeout: Option<Duration>) -> Measured {
    let client = Client::builder(Provider::Trinetra).api_key(KEY).base_url(base_url).build().expect("options");
    let http = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("reqwest");
    let url = format!("{base_url}/v1/jobs/{id}");
    interleaved(CALLS, || plain_call(&http, &url, timeout), || client_call(&client, id)).await
}

/// The client's work and the plain side's without a socket, interleaved.
async fn measure_cpu() -> Measured {
    let client = Client::builder(Provider::Trinetra)
        .api_key(KEY)
        .base_url("http://127.0.0.1:9")
        .http_client(Canned)
        .build()
        .expect("options");
    interleaved(CALLS * 10, plain_parse, || client_call(&client, JOB_ID)).await
}

/// `calls` of each, `ROUNDS` times after a warm-up, alternating which goes first.
async fn interleaved<P: std::future::Future, C: std::future::Future>(
    calls: u32,
    mut plain: impl FnMut() -> P,
    mut ours: impl FnMut() -> C,
) -> Measured {
    timed(WARM_UP, &mut ours).await;
    timed(WARM_UP, &mut plain).await;
    let mut measured = Measured { plain_us: Vec::new(), client_us: Vec::new(), ratios: Vec::new() };
    for round in 0..ROUNDS {
        let (plain, ours) = if round % 2 == 0 {
            let plain = timed(calls, &mut plain).await;
            (plain, timed(calls, &mut ours).await)
        } else {
            let ours = timed(calls, &mut ours).await;
            (timed(calls, &mut plain).await, ours)
        };
        measured.plain_us.push(plain * 1e6);
        measured.client_us.push(ours * 1e6);
        measured.ratios.push(plain / ours);
    }
    measured
}

/// The minimal server: every request answered with `JOB`, kept alive.
fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("its address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer_each(stream));
        }
    });
    address
}

fn answer_each(stream: TcpStream) {
    let _ = stream.set_nodelay(true);
    let response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req_1\r\ncontent-length: {}\r\n\r\n{JOB}",
        JOB.len()
    );
    let mut writer = stream.try_clone().expect("a second handle");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        // A GET: its head ends at the first empty line; no body follows.
        loop {
            line.clear();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) if line == "\r\n" => break,
                Ok(_) => {}
            }
        }
        if writer.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The package's mock in a process of its own, stopped when dropped.
struct Mock {
    child: Child,
    url: String,
}

impl Mock {
    fn start() -> Mock {
        let cli = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/mock/cli.js");
        let mut child = Command::new("node")
            .args([cli, "--api-key", KEY, "--advance", "polls", "--step-polls", "1"])
            .stdout(Stdio::piped())
            .spawn()
            .expect("node runs the mock");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("its stdout")).read_line(&mut line).expect("its first line");
        let url = line.trim().rsplit(' ').next().unwrap_or_default().to_owned();
        Mock { child, url }
    }

    /// A job run to its end, to read again and again.
    async fn finished_job(&self) -> String {
        let client = Client::builder(Provider::Trinetra)
            .api_key(KEY)
            .base_url(&self.url)
            .poll_interval(Duration::from_millis(10))
            .build()
            .expect("options");
        client.run(ExtendRequest::video("kling_vid_bench").prompt("the camera pulls back")).await.expect("a job").id
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[sorted.len() / 2]
}

fn spread(values: &[f64], decimals: usize) -> String {
    let (min, max) = values.iter().fold((f64::MAX, f64::MIN), |(lo, hi), v| (lo.min(*v), hi.max(*v)));
    format!("{:.*} ({:.*}–{:.*})", decimals, median(values), decimals, min, decimals, max)
}

fn row(server: &str, measured: &Measured, goal: bool) {
    let added = median(&measured.client_us) - median(&measured.plain_us);
    let ratio = median(&measured.ratios);
    let verdict = match (goal, ratio >= GOAL) {
        (false, _) => "(no goal: no socket)".to_owned(),
        (true, true) => format!("PASS (≥ {GOAL}×)"),
        (true, false) => format!("**MISS** (≥ {GOAL}×)"),
    };
    println!(
        "| {server} | {} | {} | {added:.1} | {} | {verdict} |",
        spread(&measured.plain_us, 1),
        spread(&measured.client_us, 1),
        spread(&measured.ratios, 3),
    );
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let with_mock = std::env::args().any(|arg| arg == "--mock");
    println!("## Rust client: call overhead against a plain reqwest loop\n");
    println!(
        "`get_job` against a hand-written reqwest GET + typed JSON parse, one kept-alive connection to \
         127.0.0.1, {CALLS} calls a round, {ROUNDS} rounds interleaved (medians, min–max); ratio = the \
         client's calls per second ÷ the plain loop's.\n"
    );
    println!("| server | plain µs/call | client µs/call | added µs | ratio | goal |");
    println!("|---|---:|---:|---:|---:|---|");
    let address = serve();
    let minimal = format!("http://{address}");
    row("minimal (in-process, std)", &measure(&minimal, JOB_ID, None).await, true);
    // The client cuts every attempt short after its timeout (30 s by default); reqwest has
    // none unless asked, so the strict row above compares a loop that can hang for ever.
    let timeout = Some(Duration::from_secs(30));
    row("minimal, the plain loop with a 30 s timeout", &measure(&minimal, JOB_ID, timeout).await, true);
    if with_mock {
        let mock = Mock::start();
        let id = mock.finished_job().await;
        row("the package's mock (Node)", &measure(&mock.url, &id, None).await, true);
        row("the mock, the plain loop with a 30 s timeout", &measure(&mock.url, &id, timeout).await, true);
    }
    row("none: CPU per call (an answer at once; plain = parse only)", &measure_cpu().await, false);
    println!();
}
