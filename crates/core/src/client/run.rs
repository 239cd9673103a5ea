//! `run`: submit a job, then wait for it as `pollJob` does. A composite
//! machine: a submit [`Call`], then a [`Poll`] of the job it created, their
//! steps passed through to the driver. A chain runs one per extension.
//!
//! ```
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::run::Run;
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::{HttpResponse, Method};
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//! use kling_extend_core::types::request::ExtendRequest;
//!
//! let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let poll = PollConfig::from_value(&options).unwrap();
//! let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v0"}"#).unwrap(), ProviderName::Trinetra).unwrap();
//! let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
//!
//! let mut run = Run::new(config, poll, request, 7, [1; 16]);
//! assert!(matches!(run.start(Time::at(0)), Step::Send { request, .. } if request.method == Method::Post));
//! // Accepted: the submission is reported, and the wait begins with a read.
//! let step = run.handle(answer(202, r#"{"job_id":"j1","status":"queued"}"#), Time::at(10));
//! assert!(matches!(step, Step::Send { request, .. } if request.method == Method::Get));
//! assert!(matches!(run.take_update(), Some(Update::Submitted(submission)) if submission.job_id == "j1"));
//! let done = r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"https://cdn/v.mp4","type":"video"}]}}"#;
//! let Step::Done(Ok(job)) = run.handle(answer(200, done), Time::at(20)) else { panic!() };
//! assert_eq!((job.id.as_str(), job.status), ("j1", Status::Succeeded));
//! ```

use crate::client::call::{Call, Submit};
use crate::client::machine::{Event, Machine, Step, Time};
use crate::client::options::PollConfig;
use crate::client::poll::Poll;
use crate::client::service::Service;
use crate::client::update::Update;
use crate::types::error::{Error, ErrorCode};
use crate::types::job::{Job, Submission};
use crate::types::job_id::JobId;
use crate::types::request::ExtendRequest;

enum Stage<S> {
    Submitting(Call<S, Submit>),
    Waiting(Poll<S>),
}

/// The `run` machine: a submit, then a wait for the job it made; its output
/// is the job as it ended, its updates the submission and each status.
/// A wait's error names the job as accepted, so the caller knows which job
/// it paid for even when the wait is aborted or times out.
///
/// ```
/// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// use kling_extend_core::client::options::PollConfig;
/// use kling_extend_core::client::run::Run;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::error::ErrorCode;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
///
/// let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let poll = PollConfig::from_value(&options).unwrap();
/// let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v0"}"#).unwrap(), ProviderName::Trinetra).unwrap();
/// let mut run = Run::new(config, poll, request, 7, [1; 16]);
/// run.start(Time::at(0));
/// let accepted = br#"{"job_id":"j1","status":"queued"}"#.to_vec();
/// run.handle(Event::Response(HttpResponse { status: 202, headers: vec![], body: accepted }), Time::at(10));
/// let Step::Done(Err(error)) = run.handle(Event::Aborted { in_flight: true }, Time::at(20)) else { panic!() };
/// assert_eq!(error.code, ErrorCode::Aborted);
/// assert_eq!(error.job.map(|job| job.id).as_deref(), Some("j1"));
/// ```
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
    /// A run of `request` on `service`, waiting as `poll` says. `seed`
    /// seeds the retries' jitter; `nonce`: 16 random bytes (see
    /// [`Call::submit`]), from which a Kling submit's findable id derives.
    ///
    /// ```
    /// use kling_extend_core::client::machine::{Machine, Step, Time};
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::client::run::Run;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::json::{Value, parse};
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let options = parse(br#"{"provider":"kling","apiKey":"kk"}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let poll = PollConfig::from_value(&options).unwrap();
    /// let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v0"}"#).unwrap(), ProviderName::Kling).unwrap();
    /// let body = |nonce| match Run::new(config.clone(), poll, request.clone(), 7, nonce).start(Time::at(0)) {
    ///     Step::Send { request, .. } => request.body.unwrap(),
    ///     other => panic!("{other:?}"),
    /// };
    /// let id = |body: &Value| body.get("external_task_id").and_then(Value::as_str).map(str::to_owned);
    /// assert!(id(&body([1; 16])).is_some(), "findable by an id of its own");
    /// assert_ne!(id(&body([1; 16])), id(&body([2; 16])), "another nonce, another id");
    /// ```
    pub fn new(service: S, poll: PollConfig, request: ExtendRequest, seed: u64, nonce: [u8; 16]) -> Self {
        let call = Call::submit(service.clone(), request, seed, nonce);
        Run { service, poll, seed, stage: Stage::Submitting(call), submitted: None, accepted: None }
    }

    /// A step an earlier process submitted, its job id known: only the wait.
    pub(crate) fn resume(service: S, poll: PollConfig, id: JobId, seed: u64) -> Self {
        let stage = Stage::Waiting(Poll::new(service.clone(), poll, id, seed));
        Run { service, poll, seed, stage, submitted: None, accepted: None }
    }

    /// A step an earlier process may have submitted: found by the id
    /// `request` carries, or submitted (see [`Call::find_or_submit`]).
    pub(crate) fn find_or_submit(service: S, poll: PollConfig, request: ExtendRequest, seed: u64) -> Self {
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
    use crate::client::machine::Pause;
    use crate::client::testing::{Input, Options, abort, drive, extend, kling, respond, secret, trinetra};
    use crate::providers::ClientConfig;
    use crate::providers::kling::KlingAuth;
    use crate::types::error::ErrorCode;
    use crate::types::http::Method;
    use crate::types::job::{Raw, Status};
    use crate::types::provider::ProviderName;

    fn run_with(options: Options, provider: ProviderName) -> Run<ClientConfig> {
        Run::new(options.config(), options.poll(), extend(provider, "v1"), 5, [0; 16])
    }

    fn run() -> Run<ClientConfig> {
        run_with(trinetra("key-123").interval_ms(100), ProviderName::Trinetra)
    }

    const QUEUED: &str = r#"{"job_id":"j1","status":"queued"}"#;

    #[test]
    fn submits_reports_the_submission_once_then_waits_for_the_job() {
        let mut h = drive(run(), []);
        assert_eq!(h.expect_send().method, Method::Post);
        assert!(h.updates().is_empty(), "nothing to report before the service answers");
        assert_eq!(h.play([Input::Tick(10), respond(202, &[], QUEUED)]).expect_send().method, Method::Get);
        match h.updates().as_slice() {
            [Update::Submitted(submission)] => assert_eq!(submission.job_id, "j1"),
            other => panic!("expected the submission, got {other:?}"),
        }
        let running = respond(200, &[], r#"{"id":"j1","status":"running"}"#);
        assert_eq!(h.play([Input::Tick(10), running]).expect_wait(Pause::NextRead), 100);
        assert!(matches!(h.updates().as_slice(), [Update::Status(_)]), "then the job's own progress");
        assert_eq!(h.then(Input::WaitOut).expect_send().method, Method::Get);
        let done =
            r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"https://cdn/v.mp4","type":"video"}]}}"#;
        let job = h.play([Input::Tick(10), respond(200, &[], done)]).expect_done();
        assert_eq!((job.id.as_str(), job.status), ("j1", Status::Succeeded));
        assert!(matches!(h.updates().as_slice(), [Update::Status(_)]), "the submission is reported once");
    }

    #[test]
    fn an_abort_right_after_the_submit_names_the_accepted_job() {
        let script = [Input::Tick(10), respond(202, &[], QUEUED), Input::Tick(1), abort(true)];
        let e = drive(run(), script).expect_error();
        assert_eq!(e.code, ErrorCode::Aborted);
        let job = e.job.expect("the accepted job");
        assert_eq!((job.id.as_str(), job.status, job.raw), ("j1", Status::Queued, Raw::default()));
    }

    #[test]
    fn an_accepted_id_that_cannot_be_read_back_is_the_services_fault() {
        let unreadable = respond(202, &[], r#"{"job_id":"..","status":"queued"}"#);
        let e = drive(run(), [Input::Tick(10), unreadable]).expect_error();
        assert_eq!((e.code, e.job.map(|job| job.id)), (ErrorCode::BadResponse, Some("..".to_owned())));
    }

    #[test]
    fn a_kling_run_waits_for_the_task_it_made_whatever_another_answer_echoes() {
        let options = kling(KlingAuth::ApiKey(secret("k"))).interval_ms(100);
        let made = respond(200, &[], r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#);
        let other =
            respond(200, &[], r#"{"code":0,"data":{"task_id":"t2","task_status":"processing","task_info":{}}}"#);
        let script = [Input::Tick(10), made, Input::Tick(10), other];
        let e = drive(run_with(options, ProviderName::Kling), script).expect_error();
        assert!(e.message.contains("another job"), "{e:?}");
    }

    #[test]
    fn a_refused_submit_ends_the_run_without_a_submission() {
        let refused = respond(402, &[], r#"{"error":{"code":"insufficient_credits","message":"top up"}}"#);
        let mut h = drive(run(), [Input::Tick(10), refused]);
        assert_eq!(h.expect_error().code, ErrorCode::InsufficientCredits);
        assert!(h.updates().is_empty());
    }
}
