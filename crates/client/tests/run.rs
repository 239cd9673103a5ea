//! `run` and `poll_job` against the mock over HTTP: a job to its video, a
//! job that fails, a submit whose answer was lost, and the events each
//! reports, in order.

mod common;

use common::{Mock, KEY};
use kling_extend_client::{ErrorCode, Event, ExtendRequest, Status};
use std::time::Duration;

/// The events as their kind and, for a job or submission, its id and status.
fn shown(events: &[Event]) -> Vec<String> {
    let show = |event: &Event| match event {
        Event::Submitted(submission) => format!("submitted {}", submission.job_id),
        Event::Updated(job) => format!("{} {:?}", job.id, job.status),
        other => format!("{other:?}"),
    };
    events.iter().map(show).collect()
}

#[tokio::test]
async fn a_run_reports_its_submission_then_each_status_and_ends_with_the_video() {
    let mock = Mock::start();
    let mut events = Vec::new();
    let request = ExtendRequest::video("v1").prompt("the camera pulls back");
    let job = mock.client(KEY).run(request).on_event(|event| events.push(event)).await.unwrap();
    assert_eq!(job.status, Status::Succeeded);
    assert!(job.output.as_ref().is_some_and(|output| output.outputs[0].url.starts_with("http")), "{job:?}");
    let id = &job.id;
    let expected =
        [format!("submitted {id}"), format!("{id} Queued"), format!("{id} Running"), format!("{id} Succeeded")];
    assert_eq!(shown(&events), expected);
    assert_eq!(mock.requests("POST", "/v1/video/").await, 1);
}

#[tokio::test]
async fn a_run_whose_job_fails_is_job_failed_naming_the_job_and_its_reason() {
    let mock = Mock::start();
    let mut events = Vec::new();
    let request = ExtendRequest::video("fail-source").prompt("more");
    let error = mock.client(KEY).run(request).on_event(|event| events.push(event)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::JobFailed, "{error}");
    let job = error.job().expect("the failed job");
    assert_eq!(job.status, Status::Failed);
    assert!(job.error.as_deref().is_some_and(|why| why.contains("rejected")), "{job:?}");
    assert_eq!(shown(&events).first(), Some(&format!("submitted {}", job.id)), "accepted before it failed");
    assert_eq!(shown(&events).last(), Some(&format!("{} Failed", job.id)));
}

#[tokio::test]
async fn a_run_whose_submit_answer_was_lost_may_have_submitted_and_is_not_sent_again() {
    let mock = Mock::start();
    mock.fault(serde_json::json!({ "method": "POST", "path": "/v1/video/", "drop": "after" })).await;
    let mut events = Vec::new();
    let request = ExtendRequest::video("v1").prompt("more");
    let error = mock.client(KEY).run(request).on_event(|event| events.push(event)).await.unwrap_err();
    assert!(error.maybe_submitted() && !error.is_retryable(), "{error}");
    assert_eq!(mock.requests("POST", "/v1/video/").await, 1, "never paid twice");
    assert!(events.is_empty(), "nothing was accepted: {events:?}");
}

#[tokio::test]
async fn a_poll_reports_each_change_of_status() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let submission = client.extend_video(ExtendRequest::video("v1")).await.unwrap();
    // Spawned: a call's future is Send, and 'static with the client moved in.
    let polled = tokio::spawn(async move {
        let mut events = Vec::new();
        let job = client.poll_job(&submission.job_id).on_event(|event| events.push(event)).await;
        (job, events)
    });
    let (job, events) = polled.await.unwrap();
    let id = &job.unwrap().id;
    assert_eq!(shown(&events), [format!("{id} Queued"), format!("{id} Running"), format!("{id} Succeeded")]);
}

#[tokio::test]
async fn a_deadline_of_the_calls_own_ends_its_wait() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    // The mock keeps a job of this source in a status of its own forever.
    let submission = client.extend_video(ExtendRequest::video("unknown-source")).await.unwrap();
    let error = client.poll_job(&submission.job_id).wait_timeout(Duration::from_millis(300)).await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::Timeout, "{error}");
    assert!(error.to_string().contains("(300 ms)"), "this call's deadline, not the client's: {error}");
    assert_eq!(error.job().map(|job| job.id), Some(submission.job_id.clone()), "the job last read");
    let request = ExtendRequest::video("unknown-source");
    let error = client.run(request).wait_timeout(Duration::from_millis(200)).await.unwrap_err();
    assert!((error.code(), error.to_string().contains("(200 ms)")) == (ErrorCode::Timeout, true), "{error}");
}

#[tokio::test]
async fn a_calls_own_option_is_checked_by_the_core_before_anything_is_sent() {
    let mock = Mock::start();
    let client = mock.client(KEY);
    let error = client.run(ExtendRequest::video("v1")).wait_timeout(Duration::ZERO).await.unwrap_err();
    assert_eq!((error.code(), error.field()), (ErrorCode::InvalidRequest, Some("waitTimeoutMs")));
    let error = client.poll_job("").await.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidRequest);
    assert!(mock.log().await.is_empty(), "nothing was sent");
}
