//! Chains against the mock over HTTP: each step extends the one before; a
//! chain stopped mid-way (its future dropped, or a step failed) goes on
//! from the progress it reported, without a step paid twice; a progress
//! that is not this chain's is refused before anything is sent.

mod common;

use common::{Mock, KEY};
use kling_extend_client::{ChainPlan, ChainProgress, Client, ErrorCode, Event, Job, Provider};
use std::future::{poll_fn, Future, IntoFuture};
use std::pin::pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::Poll;
use std::time::Duration;

const PROMPTS: [&str; 3] = ["the camera pulls back", "a crowd gathers", "night falls"];

fn plan() -> ChainPlan {
    ChainPlan::new("v0", PROMPTS)
}

fn ids(jobs: &[Job]) -> Vec<&str> {
    jobs.iter().map(|job| job.id.as_str()).collect()
}

/// The progress as a process stores it and reads it back: JSON text.
fn stored(progress: &ChainProgress) -> ChainProgress {
    serde_json::from_str(&serde_json::to_string(progress).unwrap()).unwrap()
}

/// The last progress among `events`.
fn last_progress(events: &[Event]) -> ChainProgress {
    let progress = events.iter().rev().find_map(|event| match event {
        Event::Progress(progress) => Some(progress.clone()),
        _ => None,
    });
    progress.expect("a progress")
}

/// The submits' `(video_id, prompt)`, in order.
async fn submits(mock: &Mock, path: &str) -> Vec<(String, String)> {
    let body = |entry: serde_json::Value| -> serde_json::Value {
        serde_json::from_str(entry["body"].as_str().unwrap_or("null")).unwrap()
    };
    let pair =
        |body: serde_json::Value| (body["video_id"].as_str().unwrap().into(), body["prompt"].as_str().unwrap().into());
    mock.requests_to("POST", path).await.into_iter().map(body).map(pair).collect()
}

/// The events as one letter each: Progress, Submitted, Updated, and the
/// index of a finished step.
fn letters(events: &[Event]) -> String {
    let letter = |event: &Event| match event {
        Event::Progress(_) => "P".to_owned(),
        Event::Submitted(_) => "S".to_owned(),
        Event::Updated(_) => "U".to_owned(),
        Event::StepFinished { index, .. } => index.to_string(),
        other => panic!("unexpected {other:?}"),
    };
    events.iter().map(letter).collect()
}

#[tokio::test]
async fn a_chain_of_three_extends_each_result_and_reports_each_step_in_order() {
    let mock = Mock::start();
    let mut events = Vec::new();
    let jobs = mock.client(KEY).chain_extensions(plan()).on_event(|event| events.push(event)).await.unwrap();
    assert_eq!(jobs.len(), 3);
    let sources = ["v0", jobs[0].id.as_str(), jobs[1].id.as_str()];
    let expected: Vec<(String, String)> = sources.iter().zip(PROMPTS).map(|(s, p)| (s.to_string(), p.into())).collect();
    assert_eq!(submits(&mock, "/v1/video/").await, expected, "each step extends the one before");
    // Per step: in flight, accepted (and its progress), three statuses, finished (progress, then the step).
    assert_eq!(letters(&events), "PSPUUUP0PSPUUUP1PSPUUUP2");
    let last = serde_json::to_value(last_progress(&events)).unwrap();
    assert_eq!((last["finished"].as_array().map(Vec::len), last["steps"].as_u64()), (Some(3), Some(3)));
    assert!(last.get("inFlight").is_none(), "{last}");
}

/// `work` polled until `stop` is set by what it ran (then dropped), or until it ends.
async fn until<T>(stop: &AtomicBool, work: impl Future<Output = T>) -> Option<T> {
    let mut work = pin!(work);
    poll_fn(|context| match work.as_mut().poll(context) {
        Poll::Ready(value) => Poll::Ready(Some(value)),
        Poll::Pending if stop.load(Ordering::SeqCst) => Poll::Ready(None),
        Poll::Pending => Poll::Pending,
    })
    .await
}

#[tokio::test]
async fn a_chain_dropped_mid_way_goes_on_from_its_stored_progress_without_paying_twice() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let (stop, mut first) = (AtomicBool::new(false), Vec::new());
    let chain = client.chain_extensions(plan()).on_event(|event| {
        let second_accepted =
            matches!(&event, Event::Submitted(_)) && first.iter().any(|e| matches!(e, Event::StepFinished { .. }));
        first.push(event);
        stop.fetch_or(second_accepted, Ordering::SeqCst);
    });
    assert!(until(&stop, chain.into_future()).await.is_none(), "dropped while step 2 was under way");
    let progress = stored(&last_progress(&first));
    let accepted: Vec<String> =
        first.iter().filter_map(|e| if let Event::Submitted(s) = e { Some(s.job_id.clone()) } else { None }).collect();

    let mut again = Vec::new();
    let jobs = client.chain_extensions(plan()).resume(progress).on_event(|event| again.push(event)).await.unwrap();
    assert_eq!(ids(&jobs)[..2], [accepted[0].as_str(), accepted[1].as_str()], "the steps paid for are the ones kept");
    assert_eq!(mock.requests("POST", "/v1/video/").await, 3, "no step submitted twice");
    let finished: Vec<usize> = again
        .iter()
        .filter_map(|e| if let Event::StepFinished { index, .. } = e { Some(*index) } else { None })
        .collect();
    assert_eq!(finished, [1, 2], "a step finished before is not reported again");
}

#[tokio::test]
async fn a_chain_whose_step_failed_goes_on_from_the_progress_before_the_failure() {
    let mock = Mock::start();
    mock.name_jobs(&["j-one", "j-two", "j-three"]).await;
    mock.fault(serde_json::json!({ "method": "GET", "path": "/v1/jobs/j-two", "status": 404 })).await;
    let client = mock.client(KEY);
    let mut events = Vec::new();
    let error = client.chain_extensions(plan()).on_event(|event| events.push(event)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::NotFound, "{error}");
    assert_eq!(error.job().map(|job| job.id), Some("j-two".to_owned()), "the error names the step's paid job");
    let progress = stored(&last_progress(&events));
    let jobs = client.chain_extensions(plan()).resume(progress).await.unwrap();
    assert_eq!(ids(&jobs), ["j-one", "j-two", "j-three"]);
    assert_eq!(mock.requests("POST", "/v1/video/").await, 3, "the failed wait's step was not submitted again");
}

#[tokio::test]
async fn a_progress_not_of_this_chain_is_refused_by_field_before_anything_is_sent() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let mut events = Vec::new();
    client.chain_extensions(ChainPlan::new("v0", ["one"])).on_event(|event| events.push(event)).await.unwrap();
    let progress = last_progress(&events);
    let sent = mock.log().await.len();
    let other = client.chain_extensions(plan()).resume(progress.clone()).await.unwrap_err();
    assert_eq!((other.code(), other.field()), (ErrorCode::InvalidRequest, Some("resume.steps")));
    let mut altered = serde_json::to_value(&progress).unwrap();
    altered["key"] = "not-a-key".into();
    let altered: ChainProgress = serde_json::from_value(altered).unwrap();
    let error = client.chain_extensions(ChainPlan::new("v0", ["one"])).resume(altered).await.unwrap_err();
    assert_eq!(error.field(), Some("resume.key"));
    let both = ChainPlan::new("v0", ["one"]).source_seconds(5.0);
    assert_eq!(client.chain_extensions(both).resume(progress).await.unwrap_err().field(), Some("sourceSeconds"));
    assert_eq!(mock.log().await.len(), sent, "nothing was sent");
}

#[tokio::test]
async fn every_prompt_is_checked_before_the_first_submit() {
    let mock = Mock::start();
    let long = "x".repeat(2_501);
    let error = mock.client(KEY).chain_extensions(ChainPlan::new("v0", ["fine", &long])).await.unwrap_err();
    assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("prompts[1]")));
    let none: [&str; 0] = [];
    assert_eq!(
        mock.client(KEY).chain_extensions(ChainPlan::new("v0", none)).await.unwrap_err().field(),
        Some("prompts")
    );
    assert!(mock.log().await.is_empty());
}

#[tokio::test]
async fn a_kling_chain_extends_each_output_video_and_carries_the_callback_url() {
    let mock = Mock::with(&["--kling-api-key", "kling-key"]);
    let client = Client::builder(Provider::Kling)
        .api_key("kling-key")
        .base_url(&mock.url)
        .poll_interval(Duration::from_millis(10))
        .build()
        .unwrap();
    let plan = ChainPlan::new("v0", ["one", "two"]).callback_url("http://127.0.0.1:9/hook").source_seconds(5.0);
    let jobs = client.chain_extensions(plan).await.unwrap();
    let first_video = jobs[0].output.as_ref().and_then(|output| output.outputs[0].id.clone()).expect("a video id");
    let sent = submits(&mock, "/v1/videos/").await;
    assert_eq!(sent, [("v0".into(), "one".into()), (first_video, "two".into())]);
    let bodies = mock.requests_to("POST", "/v1/videos/").await;
    assert!(bodies.iter().all(|entry| entry["body"].as_str().unwrap().contains("127.0.0.1:9/hook")), "{bodies:?}");
}
