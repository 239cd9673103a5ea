//! `pollJob`: reads a job until it ends, the deadline passes or the caller aborts.
//!
//! A job that fails or is canceled ends the poll with an error that
//! carries its document:
//!
//! ```
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::poll::Poll;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::error::ErrorCode;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let mut poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), JobId::new("j1").unwrap(), 7);
//! assert!(matches!(poll.start(Time::at(0)), Step::Send { .. }));
//! let body = br#"{"id":"j1","status":"failed","error":"no luck"}"#.to_vec();
//! let answer = Event::Response(HttpResponse { status: 200, headers: vec![], body });
//! let Step::Done(Err(error)) = poll.handle(answer, Time::at(300)) else { panic!("a failed job ends the poll") };
//! assert_eq!((error.code, error.message.as_str()), (ErrorCode::JobFailed, "the job failed: no luck (job j1)"));
//! assert!(error.job.is_some());
//! ```

use crate::client::call::{aborted, expect_job};
use crate::client::classify::{Target, clean, transport_error};
use crate::client::machine::{Event, Machine, Pause, Step, Time};
use crate::client::options::PollConfig;
use crate::client::retry::{Rng, delay_ms};
use crate::client::schedule::PollSchedule;
use crate::client::service::Service;
use crate::client::update::Update;
use crate::types::error::{Error, ErrorCode};
use crate::types::http::{Method, Transport};
use crate::types::job::{Job, Status};
use crate::types::job_id::JobId;

/// The machine of `pollJob`: it reads the job, waits (longer each time, up
/// to `maxIntervalMs`) while the job is queued or running, and ends with
/// the job once it succeeds. Failed reads that may pass (a 503, a lost
/// connection) are retried until the deadline; any other ends the wait.
/// Each change of status is reported as an [`Update::Status`].
///
/// A driver's loop, against a service that answers from a script:
///
/// ```
/// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// use kling_extend_core::client::options::PollConfig;
/// use kling_extend_core::client::poll::Poll;
/// use kling_extend_core::client::update::Update;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::job::Status;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let mut poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), JobId::new("j1").unwrap(), 7);
/// let video = r#"{"outputs":[{"url":"https://cdn.example/v.mp4","type":"video"}]}"#;
/// let mut answers = [
///     r#"{"id":"j1","status":"running"}"#.to_owned(),
///     format!(r#"{{"id":"j1","status":"succeeded","output":{video}}}"#),
/// ]
/// .into_iter();
/// let (mut now, mut statuses) = (Time::at(0), vec![]);
/// let mut step = poll.start(now);
/// let job = loop {
///     step = match step {
///         Step::Send { .. } => {
///             let body = answers.next().expect("no more reads").into_bytes();
///             poll.handle(Event::Response(HttpResponse { status: 200, headers: vec![], body }), now)
///         }
///         Step::Wait { ms, .. } => {
///             now = Time::at(now.monotonic_ms + ms);
///             poll.handle(Event::Waited, now)
///         }
///         Step::Done(result) => break result.unwrap(),
///     };
///     while let Some(Update::Status(job)) = poll.take_update() {
///         statuses.push(job.status);
///     }
/// };
/// assert_eq!(job.output.unwrap().outputs[0].url, "https://cdn.example/v.mp4");
/// assert_eq!((statuses, now), (vec![Status::Running, Status::Succeeded], Time::at(1_000)));
/// ```
pub struct Poll<S> {
    service: S,
    id: JobId,
    wait_timeout_ms: u32,
    schedule: PollSchedule,
    rng: Rng,
    deadline_ms: u64,
    /// Consecutive failed reads; they back off like retries do.
    failures: u32,
    last: Option<Job>,
    update: Option<Job>,
    /// The job's URL, as the last read sent it: a failed read names it.
    url: String,
}

impl<S: Service> Poll<S> {
    /// A poll of the job `id` names, paced by `poll`; `seed` seeds the
    /// jitter of its backoff after failed reads. The deadline is counted
    /// from [`Machine::start`], and no read's timeout runs past it.
    ///
    /// ```
    /// use kling_extend_core::client::machine::{Machine, Step, Time};
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::client::poll::Poll;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let options = parse(br#"{"apiKey":"sk-test","timeoutMs":30000,"waitTimeoutMs":10000}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let mut poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), JobId::new("j1").unwrap(), 7);
    /// let Step::Send { request, timeout_ms, .. } = poll.start(Time::at(0)) else { panic!("a poll reads first") };
    /// assert!(request.url.ends_with("/v1/jobs/j1"));
    /// assert_eq!(timeout_ms, 10_000, "the wait's deadline cuts the read's timeout");
    /// ```
    pub fn new(service: S, poll: PollConfig, id: JobId, seed: u64) -> Self {
        Poll {
            service,
            id,
            wait_timeout_ms: poll.wait_timeout_ms,
            schedule: PollSchedule::new(&poll),
            rng: Rng::new(seed),
            deadline_ms: 0,
            failures: 0,
            last: None,
            update: None,
            url: String::new(),
        }
    }

    /// A read, whose own timeout never runs past the deadline.
    fn read(&mut self, now: Time) -> Step<Job> {
        let left = self.deadline_ms.saturating_sub(now.monotonic_ms);
        if left == 0 {
            return self.timed_out();
        }
        let limits = self.service.limits();
        let timeout_ms = u64::from(limits.timeout_ms).min(left) as u32;
        let request = self.service.job_request(&self.id, now.unix_ms);
        self.url.clone_from(&request.url);
        Step::Send { request, timeout_ms, max_bytes: limits.max_response_bytes }
    }

    fn transport_error(&self, transport: Transport) -> Error {
        let target = Target { method: Method::Get, url: &self.url };
        transport_error(transport, self.service.limits().timeout_ms, &target, self.service.in_page())
    }

    /// A wait, cut short at the deadline.
    fn wait(&mut self, ms: u64, pause: Pause, now: Time) -> Step<Job> {
        let left = self.deadline_ms.saturating_sub(now.monotonic_ms);
        if left == 0 {
            return self.timed_out();
        }
        Step::Wait { ms: ms.min(left), pause }
    }

    fn timed_out(&mut self) -> Step<Job> {
        let message = format!("the job did not finish within waitTimeoutMs ({} ms)", self.wait_timeout_ms);
        let error = Error::new(ErrorCode::Timeout, message).retryable(true);
        self.finish(Err(error))
    }

    fn finish(&mut self, result: Result<Job, Error>) -> Step<Job> {
        let result = result.map_err(|error| match self.last.clone() {
            Some(job) if error.job.is_none() => error.with_job(job),
            _ => error,
        });
        Step::Done(result)
    }

    fn handle_job(&mut self, job: Job, now: Time) -> Step<Job> {
        self.failures = 0;
        if self.last.as_ref().map(|j| j.status) != Some(job.status) {
            self.update = Some(job.clone());
        }
        self.last = Some(job.clone());
        match job.status {
            Status::Succeeded if job.output.as_ref().is_none_or(|o| o.outputs.is_empty()) => {
                // The promise is of a finished video: one without any is no answer to wait for.
                let error =
                    Error::new(ErrorCode::BadResponse, "the job succeeded but its document has no output video");
                self.finish(Err(error.with_job(job)))
            }
            Status::Succeeded => self.finish(Ok(job)),
            Status::Failed => {
                let message = match job.error.as_deref() {
                    Some(reason) => format!("the job failed: {}", clean(reason)),
                    None => "the job failed".to_owned(),
                };
                let error = Error::new(ErrorCode::JobFailed, message);
                self.finish(Err(error.with_job(job)))
            }
            Status::Canceled => {
                let error = Error::new(ErrorCode::JobCanceled, "the job was canceled");
                self.finish(Err(error.with_job(job)))
            }
            Status::Queued | Status::Running => {
                let ms = self.schedule.next_wait();
                self.wait(ms, Pause::NextRead, now)
            }
        }
    }

    /// Transient failures during a wait are retried until the deadline;
    /// anything else (a 401, a 404) ends the wait at once.
    fn handle_error(&mut self, error: Error, now: Time) -> Step<Job> {
        if !error.retryable {
            return self.finish(Err(error));
        }
        let ms = delay_ms(self.failures, error.retry_after_ms, &mut self.rng);
        self.failures += 1;
        self.wait(ms, Pause::Retry, now)
    }
}

impl<S: Service> Machine for Poll<S> {
    type Output = Job;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<Job> {
        self.deadline_ms = now.monotonic_ms.saturating_add(u64::from(self.wait_timeout_ms));
        self.read(now)
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<Job> {
        match event {
            Event::Response(response) => match self
                .service
                .read_job(&response, now.unix_ms)
                .and_then(|job| expect_job(&self.service, job, &self.id, &response))
            {
                Ok(job) => self.handle_job(job, now),
                Err(error) => self.handle_error(error, now),
            },
            Event::Failed(transport) => self.handle_error(self.transport_error(transport), now),
            Event::Waited => self.read(now),
            Event::Aborted { .. } => self.finish(Err(aborted())),
        }
    }

    fn take_update(&mut self) -> Option<Update> {
        self.update.take().map(Update::Status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testing::{Harness, Input, Options, abort, drive, drive_from, fail, job_id, respond, trinetra};
    use crate::providers::ClientConfig;
    use crate::types::http::Transport;

    fn poll(options: Options) -> Poll<ClientConfig> {
        Poll::new(options.config(), options.poll(), job_id("j"), 3)
    }

    fn options() -> Options {
        trinetra("test-key-1")
    }

    /// The statuses reported since the last look: a poll reports nothing else.
    fn statuses(h: &mut Harness<Poll<ClientConfig>>) -> Vec<Status> {
        let status = |update| match update {
            Update::Status(job) => job.status,
            other => panic!("a poll reports only statuses, not {other:?}"),
        };
        h.updates().into_iter().map(status).collect()
    }

    fn job(status: &str) -> Input {
        let output = r#"{"outputs":[{"url":"https://cdn.example/v.mp4","type":"video"}]}"#;
        respond(200, &[], &format!(r#"{{"id":"j","status":"{status}","error":"no luck","output":{output}}}"#))
    }

    #[test]
    fn reads_until_success_reporting_each_change_once() {
        let mut h = drive(poll(options()), []);
        assert_eq!(h.expect_sent().timeout_ms, 30_000);
        assert_eq!(h.then(job("queued")).expect_wait(Pause::NextRead), 1_000);
        assert_eq!(statuses(&mut h), [Status::Queued]);
        h.then(Input::WaitOut).expect_send();
        assert_eq!(h.then(job("queued")).expect_wait(Pause::NextRead), 1_500);
        assert_eq!(statuses(&mut h), []);
        h.play([Input::WaitOut, job("running")]);
        assert_eq!(statuses(&mut h), [Status::Running]);
        let done = h.play([Input::WaitOut, job("succeeded")]).expect_done();
        assert_eq!((done.status, h.now()), (Status::Succeeded, Time::at(4_750)));
        assert_eq!(statuses(&mut h), [Status::Succeeded]);
    }

    #[test]
    fn failed_and_canceled_jobs_reject_with_the_document() {
        let e = drive(poll(options()), [job("failed")]).expect_error();
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::JobFailed, "the job failed: no luck (job j)"));
        assert_eq!(e.job.map(|j| j.status), Some(Status::Failed));
        assert_eq!(drive(poll(options()), [job("cancelled")]).expect_error().code, ErrorCode::JobCanceled);
    }

    #[test]
    fn never_waits_or_reads_past_the_deadline() {
        let options = options().wait_timeout_ms(2_500).interval_ms(2_000).timeout_ms(30_000);
        let mut h = drive(poll(options), [Input::Tick(100), job("paused_for_review")]);
        assert_eq!(h.expect_wait(Pause::NextRead), 2_000);
        assert_eq!(h.then(Input::WaitOut).expect_sent().timeout_ms, 400, "at 2100 ms");
        assert_eq!(h.play([Input::Tick(100), job("running")]).expect_wait(Pause::NextRead), 300);
        let e = h.then(Input::WaitOut).expect_error();
        assert_eq!((e.code, h.now()), (ErrorCode::Timeout, Time::at(2_500)));
        assert_eq!(e.job.map(|j| j.status), Some(Status::Running));
    }

    #[test]
    fn the_deadline_runs_on_the_monotonic_clock_whatever_the_wall_clock_does() {
        const HOUR: i64 = 3_600_000;
        let options = options().wait_timeout_ms(60_000).interval_ms(1_000);
        let start = Time { monotonic_ms: 0, unix_ms: 10 * HOUR as u64 };
        let mut h = drive_from(poll(options), start, [Input::Tick(10), job("queued")]);
        assert_eq!(h.expect_wait(Pause::NextRead), 1_000);
        // The wall clock steps an hour forward, then two back: the wait goes on.
        h.play([Input::WallStep(HOUR), Input::WaitOut]);
        assert_eq!(h.expect_sent().timeout_ms, 30_000);
        assert_eq!(
            h.play([Input::Tick(10), Input::WallStep(-2 * HOUR), job("running")]).expect_wait(Pause::NextRead),
            1_500
        );
        // The wait overruns (a suspended process) to 10 ms before the deadline.
        h.play([Input::Tick(57_470), Input::WaitOut]);
        assert_eq!(h.now().monotonic_ms, 59_990);
        assert_eq!(h.expect_sent().timeout_ms, 10, "the read's timeout ends at the deadline, by the monotonic clock");
        let to_1970 = Input::WallStep(-(h.now().unix_ms as i64));
        let e = h.play([Input::Tick(10), to_1970, fail(Transport::Timeout)]).expect_error();
        assert_eq!(e.code, ErrorCode::Timeout);
        assert!(e.message.contains("waitTimeoutMs"), "the wait's deadline, not the read's: {}", e.message);
    }

    #[test]
    fn transient_errors_are_waited_out_but_fatal_ones_end_the_wait() {
        let mut h = drive(poll(options()), [fail(Transport::Network)]);
        h.expect_wait(Pause::Retry);
        let busy = respond(503, &[("retry-after", "4")], "");
        assert_eq!(h.play([Input::WaitOut, busy]).expect_wait(Pause::Retry), 4_000);
        let e = h.play([Input::WaitOut, respond(404, &[], "")]).expect_error();
        assert_eq!(e.code, ErrorCode::NotFound);
    }

    #[test]
    fn an_abort_ends_the_wait() {
        let e = drive(poll(options()), [job("queued"), Input::Tick(10), abort(false)]).expect_error();
        assert_eq!(e.code, ErrorCode::Aborted);
    }
}
