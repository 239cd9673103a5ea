//! `run`: submit a job, then wait for it as `pollJob` does. A composite
//! machine: a submit [`Call`], then a [`Poll`] of the job it created, their
//! steps passed through to the driver. A chain runs one per extension.

use crate::core::client::call::{Call, Submit};
use crate::core::client::machine::{Event, Machine, Step, Time};
use crate::core::client::options::PollConfig;
use crate::core::client::poll::Poll;
use crate::core::client::service::Service;
use crate::core::client::update::Update;
use crate::core::types::error::{Error, ErrorCode};
use crate::core::types::job::{Job, Submission};
use crate::core::types::job_id::JobId;
use crate::core::types::request::ExtendRequest;

enum Stage<S> {
    Submitting(Call<S, Submit>),
    Waiting(Poll<S>),
}

pub struct Run<S> {
    service: S,
    poll: PollConfig,
    seed: u64,
    stage: Stage<S>,
    /// The submission, reported once before the first wait.
    submitted: Option<Submission>,
    /// The job as its submit was accepted (none when an earlier process
    /// submitted it), for an error that ends the wait before a read.
    accepted: Option<Job>,
}

impl<S: Service + Clone> Run<S> {
    /// `nonce`: 16 random bytes (see [`Call::submit`]).
    pub fn new(service: S, poll: PollConfig, request: ExtendRequest, seed: u64, nonce: [u8; 16]) -> Self {
        let call = Call::submit(service.clone(), request, seed, nonce);
        Run { service, poll, seed, stage: Stage::Submitting(call), submitted: None, accepted: None }
    }

    /// A step an earlier process submitted, its job id known: only the wait.
    pub fn resume(service: S, poll: PollConfig, id: JobId, seed: u64) -> Self {
        let stage = Stage::Waiting(Poll::new(service.clone(), poll, id, seed));
        Run { service, poll, seed, stage, submitted: None, accepted: None }
    }

    /// A step an earlier process may have submitted: found by the id
    /// `request` carries, or submitted (see [`Call::find_or_submit`]).
    pub fn find_or_submit(service: S, poll: PollConfig, request: ExtendRequest, seed: u64) -> Self {
        let call = Call::find_or_submit(service.clone(), request, seed);
        Run { service, poll, seed, stage: Stage::Submitting(call), submitted: None, accepted: None }
    }

    fn handle_submit_step(&mut self, step: Step<Submission>, now: Time) -> Step<Job> {
        let submission = match step.success() {
            Ok(submission) => submission,
            Err(step) => return step,
        };
        let accepted = Job::accepted(&submission);
        let id = match JobId::new(&submission.job_id).map(JobId::issued) {
            Ok(id) => id,
            Err(_) => {
                let why = "the service accepted the job under an id that cannot be read back";
                return Step::Done(Err(Error::new(ErrorCode::BadResponse, why).with_job(accepted)));
            }
        };
        self.submitted = Some(submission);
        let mut poll = Poll::new(self.service.clone(), self.poll, id, self.seed);
        let step = with_accepted(poll.start(now), Some(&accepted));
        self.stage = Stage::Waiting(poll);
        self.accepted = Some(accepted);
        step
    }
}

/// A wait's error names the job as accepted when no read gave it one, so an
/// abort or a timeout right after the submit still says which job was paid.
fn with_accepted(step: Step<Job>, accepted: Option<&Job>) -> Step<Job> {
    match (step, accepted) {
        (Step::Done(Err(error)), Some(job)) if error.job.is_none() => Step::Done(Err(error.with_job(job.clone()))),
        (step, _) => step,
    }
}

impl<S: Service + Clone> Machine for Run<S> {
    type Output = Job;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<Job> {
        match &mut self.stage {
            Stage::Submitting(call) => {
                let step = call.start(now);
                self.handle_submit_step(step, now)
            }
            Stage::Waiting(poll) => with_accepted(poll.start(now), self.accepted.as_ref()),
        }
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<Job> {
        match &mut self.stage {
            Stage::Submitting(call) => {
                let step = call.handle(event, now);
                self.handle_submit_step(step, now)
            }
            Stage::Waiting(poll) => with_accepted(poll.handle(event, now), self.accepted.as_ref()),
        }
    }

    fn take_update(&mut self) -> Option<Update> {
        if let Some(submission) = self.submitted.take() {
            return Some(Update::Submitted(submission));
        }
        match &mut self.stage {
            Stage::Waiting(poll) => poll.take_update(),
            Stage::Submitting(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::machine::Pause;
    use crate::core::client::options::ClientConfig;
    use crate::core::types::error::ErrorCode;
    use crate::core::types::http::{HttpResponse, Method};
    use crate::core::types::job::{Raw, Status};
    use crate::core::types::json::parse;
    use crate::core::types::provider::ProviderName;

    fn run() -> Run<ClientConfig> {
        let options = parse(br#"{"apiKey":"key-123","intervalMs":100}"#).unwrap();
        let config = ClientConfig::from_value(&options, false).unwrap();
        let request =
            ExtendRequest::from_value(&parse(br#"{"video_id":"v1","prompt":"p"}"#).unwrap(), ProviderName::Trinetra)
                .unwrap();
        Run::new(config, PollConfig::from_value(&options).unwrap(), request, 5, [0; 16])
    }

    fn answer(status: u16, body: &str) -> Event {
        Event::Response(HttpResponse { status, headers: vec![], body: body.as_bytes().to_vec() })
    }

    fn method<T>(step: &Step<T>) -> Option<Method> {
        match step {
            Step::Send { request, .. } => Some(request.method),
            _ => None,
        }
    }

    #[test]
    fn submits_reports_the_submission_once_then_waits_for_the_job() {
        let mut r = run();
        assert_eq!(method(&r.start(Time::at(0))), Some(Method::Post));
        assert!(r.take_update().is_none(), "nothing to report before the service answers");
        let read = r.handle(answer(202, r#"{"job_id":"j1","status":"queued"}"#), Time::at(10));
        assert_eq!(method(&read), Some(Method::Get));
        match r.take_update() {
            Some(Update::Submitted(submission)) => assert_eq!(submission.job_id, "j1"),
            other => panic!("expected the submission, got {other:?}"),
        }
        assert!(matches!(
            r.handle(answer(200, r#"{"id":"j1","status":"running"}"#), Time::at(20)),
            Step::Wait { pause: Pause::NextRead, .. }
        ));
        assert!(matches!(r.take_update(), Some(Update::Status(_))), "then the job's own progress");
        assert_eq!(method(&r.handle(Event::Waited, Time::at(120))), Some(Method::Get));
        let done =
            r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"https://cdn/v.mp4","type":"video"}]}}"#;
        match r.handle(answer(200, done), Time::at(130)) {
            Step::Done(Ok(job)) => assert_eq!((job.id.as_str(), job.status), ("j1", Status::Succeeded)),
            other => panic!("expected the job, got {other:?}"),
        }
        assert!(matches!(r.take_update(), Some(Update::Status(_))));
        assert!(r.take_update().is_none(), "the submission is reported once");
    }

    #[test]
    fn an_abort_right_after_the_submit_names_the_accepted_job() {
        let mut r = run();
        r.start(Time::at(0));
        r.handle(answer(202, r#"{"job_id":"j1","status":"queued"}"#), Time::at(10));
        let Step::Done(Err(e)) = r.handle(Event::Aborted { in_flight: true }, Time::at(11)) else { panic!() };
        assert_eq!(e.code, ErrorCode::Aborted);
        let job = e.job.expect("the accepted job");
        assert_eq!((job.id.as_str(), job.status, job.raw), ("j1", Status::Queued, Raw::default()));
    }

    #[test]
    fn an_accepted_id_that_cannot_be_read_back_is_the_services_fault() {
        let mut r = run();
        r.start(Time::at(0));
        let Step::Done(Err(e)) = r.handle(answer(202, r#"{"job_id":"..","status":"queued"}"#), Time::at(10)) else {
            panic!()
        };
        assert_eq!((e.code, e.job.map(|job| job.id)), (ErrorCode::BadResponse, Some("..".to_owned())));
    }

    #[test]
    fn a_kling_run_waits_for_the_task_it_made_whatever_another_answer_echoes() {
        let options = parse(br#"{"provider":"kling","apiKey":"k","intervalMs":100}"#).unwrap();
        let config = ClientConfig::from_value(&options, false).unwrap();
        let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v1"}"#).unwrap(), ProviderName::Kling).unwrap();
        let mut r = Run::new(config, PollConfig::from_value(&options).unwrap(), request, 5, [0; 16]);
        r.start(Time::at(0));
        r.handle(answer(200, r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#), Time::at(10));
        let other = r#"{"code":0,"data":{"task_id":"t2","task_status":"processing","task_info":{}}}"#;
        let step = r.handle(answer(200, other), Time::at(20));
        assert!(matches!(step, Step::Done(Err(ref e)) if e.message.contains("another job")), "{step:?}");
    }

    #[test]
    fn a_refused_submit_ends_the_run_without_a_submission() {
        let mut r = run();
        r.start(Time::at(0));
        let step =
            r.handle(answer(402, r#"{"error":{"code":"insufficient_credits","message":"top up"}}"#), Time::at(10));
        assert!(matches!(step, Step::Done(Err(ref e)) if e.code == ErrorCode::InsufficientCredits), "{step:?}");
        assert!(r.take_update().is_none());
    }
}
