//! A third driver written from the crate's docs alone: a quote, a submit and
//! a job read (Kling, whose submit is findable), redacted as they leave,
//! retries waited. Checks nothing a driver needs is out of reach.

use kling_extend_core::client::call::Call;
use kling_extend_core::client::machine::{Event, Machine, Step, Time};
use kling_extend_core::client::redacted::Redacted;
use kling_extend_core::client::service::Service;
use kling_extend_core::client::update::Update;
use kling_extend_core::pricing::quote::quote;
use kling_extend_core::providers::ClientConfig;
use kling_extend_core::types::http::HttpResponse;
use kling_extend_core::types::job::{Raw, Status};
use kling_extend_core::types::job_id::JobId;
use kling_extend_core::types::json::parse;
use kling_extend_core::types::request::ExtendRequest;

const KEY: &str = "sk-live-0123456789abcdef";

/// Runs `machine` over `answers` (one per Send), returning its result and the sent requests' urls.
fn drive<M: Machine<Update = Update>>(
    mut machine: M,
    mut answers: Vec<(u16, String)>,
) -> (Result<M::Output, kling_extend_core::types::error::Error>, Vec<String>) {
    answers.reverse();
    let (mut now, mut sent) = (0u64, Vec::new());
    let mut step = machine.start(Time::at(now));
    loop {
        while machine.take_update().is_some() {}
        now += 10;
        let event = match step {
            Step::Send { request, .. } => {
                sent.push(format!("{:?} {}", request.method, request.url));
                let (status, body) = answers.pop().expect("an answer for each send");
                Event::Response(HttpResponse { status, headers: vec![], body: body.into_bytes() })
            }
            Step::Wait { .. } => Event::Waited,
            Step::Done(output) => return (output, sent),
        };
        step = machine.handle(event, Time::at(now));
    }
}

#[test]
fn a_driver_from_the_docs() {
    let price = quote(&parse(br#"{"seconds": 10, "resolution": "1080p"}"#).unwrap()).unwrap();
    assert!(price.credits > 0.0);

    let options = parse(format!(r#"{{"provider":"kling","apiKey":"{KEY}","maxRetries":2}}"#).as_bytes()).unwrap();
    let config = ClientConfig::from_value(&options, false).unwrap();
    let secrets = config.secrets();

    let request =
        ExtendRequest::from_value(&parse(br#"{"video_id":"v1","prompt":"more"}"#).unwrap(), config.provider()).unwrap();
    let submit = Redacted::new(Call::submit(config.clone(), request, 7, [0x5a; 16]), secrets.clone());
    let accepted =
        r#"{"code":0,"message":"SUCCEED","request_id":"r1","data":{"task_id":"t1","task_status":"submitted"}}"#;
    let (submitted, sent) = drive(submit, vec![(503, "{}".into()), (200, accepted.into())]);
    let submitted = submitted.expect("submitted after a retry");
    assert_eq!(submitted.job_id, "t1");
    let post = "Post https://api-singapore.klingai.com/v1/videos/video-extend";
    assert_eq!(sent, [post, post], "a 503 is a submit not taken: sent again");

    let read = Redacted::new(Call::read(config.clone(), JobId::new("t1").unwrap(), 9), secrets);
    let document = format!(r#"{{"code":0,"data":{{"task_id":"t1","task_status":"processing","note":"{KEY}"}}}}"#);
    let (job, _) = drive(read, vec![(200, document)]);
    let job = job.expect("read");
    assert_eq!(job.status, Status::Running);
    let shown = match &job.raw {
        Raw::Text { text, .. } => text.clone(),
        Raw::Value(value) => value.to_json(),
    };
    assert!(!shown.contains(KEY), "{shown}");
}

/// A credential in a member a later duplicate overwrites does not stay in
/// `Raw::Text` after `Redacted`, though the document as `JSON.parse` reads
/// it (last value wins) holds none (the adversarial review's finding).
#[test]
fn redacted_raw_text_keeps_no_key_of_an_overwritten_duplicate() {
    let options = parse(format!(r#"{{"apiKey":"{KEY}"}}"#).as_bytes()).unwrap();
    let config = ClientConfig::from_value(&options, false).unwrap();
    let read = Redacted::new(Call::read(config.clone(), JobId::new("j1").unwrap(), 9), config.secrets());
    let document = format!(r#"{{"id":"j1","status":"running","echo":"{KEY}","echo":"x"}}"#);
    let (job, _) = drive(read, vec![(200, document)]);
    let job = job.expect("read");
    let shown = match &job.raw {
        Raw::Text { text, .. } => text.clone(),
        Raw::Value(value) => value.to_json(),
    };
    assert!(!shown.contains(KEY), "{shown}");
}
