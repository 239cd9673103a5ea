//! `pollJob`: reads a job until it ends, the deadline passes or the caller aborts.

use crate::core::client::call::{aborted, expect_job};
use crate::core::client::classify::{clean, transport_error, Target};
use crate::core::client::machine::{Event, Machine, Pause, Step, Time};
use crate::core::client::options::PollConfig;
use crate::core::client::retry::{delay_ms, Rng};
use crate::core::client::schedule::PollSchedule;
use crate::core::client::service::Service;
use crate::core::client::update::Update;
use crate::core::types::error::{Error, ErrorCode};
use crate::core::types::http::{Method, Transport};
use crate::core::types::job::{Job, Status};
use crate::core::types::job_id::JobId;

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
        self.deadline_ms = now.monotonic_ms + u64::from(self.wait_timeout_ms);
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
    use crate::core::client::options::ClientConfig;
    use crate::core::types::http::{HttpResponse, Transport};
    use crate::core::types::json::{parse, Value};

    fn poll(options: &str) -> Poll<ClientConfig> {
        let options = parse(options.as_bytes()).unwrap();
        let config = ClientConfig::from_value(&options, false).unwrap();
        let poll = PollConfig::from_value(&options).unwrap();
        Poll::new(config, poll, JobId::parse(&Value::String("j".into())).unwrap(), 3)
    }

    fn status(update: Update) -> Status {
        match update {
            Update::Status(job) => job.status,
            other => panic!("a poll reports only statuses, not {other:?}"),
        }
    }

    fn job(status: &str) -> Event {
        let output = r#"{"outputs":[{"url":"https://cdn.example/v.mp4","type":"video"}]}"#;
        let body = format!(r#"{{"id":"j","status":"{status}","error":"no luck","output":{output}}}"#);
        Event::Response(HttpResponse { status: 200, headers: vec![], body: body.into_bytes() })
    }

    #[test]
    fn reads_until_success_reporting_each_change_once() {
        let mut p = poll(r#"{"apiKey":"test-key-1"}"#);
        assert!(matches!(p.start(Time::at(0)), Step::Send { timeout_ms: 30_000, .. }));
        assert!(matches!(p.handle(job("queued"), Time::at(0)), Step::Wait { ms: 1_000, pause: Pause::NextRead }));
        assert_eq!(p.take_update().map(status), Some(Status::Queued));
        assert!(matches!(p.handle(Event::Waited, Time::at(1_000)), Step::Send { .. }));
        assert!(matches!(p.handle(job("queued"), Time::at(1_000)), Step::Wait { ms: 1_500, pause: Pause::NextRead }));
        assert!(p.take_update().is_none());
        p.handle(Event::Waited, Time::at(2_500));
        p.handle(job("running"), Time::at(2_500));
        assert_eq!(p.take_update().map(status), Some(Status::Running));
        p.handle(Event::Waited, Time::at(4_750));
        assert!(matches!(
            p.handle(job("succeeded"), Time::at(4_750)),
            Step::Done(Ok(Job { status: Status::Succeeded, .. }))
        ));
        assert_eq!(p.take_update().map(status), Some(Status::Succeeded));
    }

    #[test]
    fn failed_and_canceled_jobs_reject_with_the_document() {
        let mut p = poll(r#"{"apiKey":"test-key-1"}"#);
        p.start(Time::at(0));
        let Step::Done(Err(e)) = p.handle(job("failed"), Time::at(0)) else { panic!() };
        assert_eq!((e.code, e.message.as_str()), (ErrorCode::JobFailed, "the job failed: no luck (job j)"));
        assert_eq!(e.job.map(|j| j.status), Some(Status::Failed));
        let mut p = poll(r#"{"apiKey":"test-key-1"}"#);
        p.start(Time::at(0));
        let Step::Done(Err(e)) = p.handle(job("cancelled"), Time::at(0)) else { panic!() };
        assert_eq!(e.code, ErrorCode::JobCanceled);
    }

    #[test]
    fn never_waits_or_reads_past_the_deadline() {
        let mut p = poll(r#"{"apiKey":"test-key-1","waitTimeoutMs":2500,"intervalMs":2000,"timeoutMs":30000}"#);
        p.start(Time::at(0));
        assert!(matches!(
            p.handle(job("paused_for_review"), Time::at(100)),
            Step::Wait { ms: 2_000, pause: Pause::NextRead }
        ));
        assert!(matches!(p.handle(Event::Waited, Time::at(2_100)), Step::Send { timeout_ms: 400, .. }));
        assert!(matches!(p.handle(job("running"), Time::at(2_200)), Step::Wait { ms: 300, pause: Pause::NextRead }));
        let Step::Done(Err(e)) = p.handle(Event::Waited, Time::at(2_500)) else { panic!() };
        assert_eq!(e.code, ErrorCode::Timeout);
        assert_eq!(e.job.map(|j| j.status), Some(Status::Running));
    }

    #[test]
    fn the_deadline_runs_on_the_monotonic_clock_whatever_the_wall_clock_does() {
        const HOUR: u64 = 3_600_000;
        let at = |monotonic_ms, unix_ms| Time { monotonic_ms, unix_ms };
        let mut p = poll(r#"{"apiKey":"test-key-1","waitTimeoutMs":60000,"intervalMs":1000}"#);
        p.start(at(0, 10 * HOUR));
        assert!(matches!(p.handle(job("queued"), at(10, 10 * HOUR)), Step::Wait { ms: 1_000, .. }));
        // The wall clock steps an hour forward, then two back: the wait goes on.
        assert!(matches!(p.handle(Event::Waited, at(1_010, 11 * HOUR)), Step::Send { timeout_ms: 30_000, .. }));
        assert!(matches!(p.handle(job("running"), at(1_020, 9 * HOUR)), Step::Wait { ms: 1_500, .. }));
        let Step::Send { timeout_ms, .. } = p.handle(Event::Waited, at(59_990, 9 * HOUR)) else { panic!() };
        assert_eq!(timeout_ms, 10, "the read's timeout ends at the deadline, by the monotonic clock");
        let Step::Done(Err(e)) = p.handle(Event::Waited, at(60_000, 0)) else { panic!() };
        assert_eq!(e.code, ErrorCode::Timeout);
    }

    #[test]
    fn transient_errors_are_waited_out_but_fatal_ones_end_the_wait() {
        let mut p = poll(r#"{"apiKey":"test-key-1"}"#);
        p.start(Time::at(0));
        assert!(matches!(
            p.handle(Event::Failed(Transport::Network), Time::at(0)),
            Step::Wait { pause: Pause::Retry, .. }
        ));
        p.handle(Event::Waited, Time::at(500));
        let retry_after = HttpResponse { status: 503, headers: vec![("retry-after".into(), "4".into())], body: vec![] };
        assert!(matches!(
            p.handle(Event::Response(retry_after), Time::at(500)),
            Step::Wait { ms: 4_000, pause: Pause::Retry }
        ));
        p.handle(Event::Waited, Time::at(4_500));
        let gone = HttpResponse { status: 404, headers: vec![], body: vec![] };
        let Step::Done(Err(e)) = p.handle(Event::Response(gone), Time::at(4_500)) else { panic!() };
        assert_eq!(e.code, ErrorCode::NotFound);
    }

    #[test]
    fn an_abort_ends_the_wait() {
        let mut p = poll(r#"{"apiKey":"test-key-1"}"#);
        p.start(Time::at(0));
        p.handle(job("queued"), Time::at(0));
        let Step::Done(Err(e)) = p.handle(Event::Aborted { in_flight: false }, Time::at(10)) else { panic!() };
        assert_eq!(e.code, ErrorCode::Aborted);
    }
}
