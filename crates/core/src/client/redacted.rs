//! What leaves a call. [`Redacted`] wraps a call's machine and takes every
//! credential the call holds out of its result, its error and each update
//! (log lines included) as they leave, by the rule of [`Secrets`] (a job's
//! document text is redacted as the document it is, its escapes decoded). Inside, machines keep the service's values as it sent them:
//! the id a job is polled or chained from is always the one it returned.
//!
//! ```
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::poll::Poll;
//! use kling_extend_core::client::redacted::Redacted;
//! use kling_extend_core::client::service::Service;
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! const KEY: &str = "sk-live-0123456789";
//! let options = parse(format!(r#"{{"apiKey":"{KEY}"}}"#).as_bytes()).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let (secrets, poll) = (config.secrets(), PollConfig::from_value(&options).unwrap());
//! let mut poll = Redacted::new(Poll::new(config, poll, JobId::new("j1").unwrap(), 7), secrets);
//! poll.start(Time::at(0));
//! let body = format!(r#"{{"id":"j1","status":"failed","error":"key {KEY} is suspended"}}"#).into_bytes();
//! let answer = Event::Response(HttpResponse { status: 200, headers: vec![], body });
//! let Step::Done(Err(error)) = poll.handle(answer, Time::at(10)) else { panic!("a failed job ends the poll") };
//! assert_eq!(error.message, "the job failed: key [redacted] is suspended (job j1)");
//! let Some(Update::Status(job)) = poll.take_update() else { panic!("the status") };
//! assert_eq!(job.error.as_deref(), Some("key [redacted] is suspended"));
//! ```

use crate::client::machine::{Event, Machine, Step, Time};
use crate::types::redact::{Redact, Secrets};

/// A machine whose result, error and updates leave without the
/// credentials in `secrets`; its steps (the requests it sends) are the
/// inner machine's, untouched. Drivers wrap each call's machine in one,
/// with the [`Service::secrets`](crate::client::service::Service::secrets)
/// of its config.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// use kling_extend_core::client::redacted::Redacted;
/// use kling_extend_core::client::service::Service;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-live-0123456789"}"#).unwrap(), false).unwrap();
/// let secrets = config.secrets();
/// let mut read = Redacted::new(Call::read(config, JobId::new("j1").unwrap(), 7), secrets);
/// let Step::Send { request, .. } = read.start(Time::at(0)) else { panic!("a read sends first") };
/// assert_eq!(request.header("x-api-key"), Some("sk-live-0123456789"), "what is sent keeps the key");
/// let body = br#"{"id":"j1","status":"running","note":"sk-live-0123456789"}"#.to_vec();
/// let answer = Event::Response(HttpResponse { status: 200, headers: vec![], body });
/// let Step::Done(Ok(job)) = read.handle(answer, Time::at(10)) else { panic!("the job") };
/// assert_eq!(job.raw.read().get("note"), Some(&"[redacted]".into()));
/// ```
pub struct Redacted<M> {
    inner: M,
    secrets: Secrets,
}

impl<M> Redacted<M> {
    /// `inner`, whose output and updates leave without `secrets`.
    ///
    /// ```
    /// use kling_extend_core::client::call::Call;
    /// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// use kling_extend_core::client::redacted::Redacted;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// let options = parse(br#"{"baseUrl":"https://proxy.example"}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let secrets = Secrets::new(["proxy-secret"], None);
    /// let mut read = Redacted::new(Call::read(config, JobId::new("j1").unwrap(), 7), secrets);
    /// read.start(Time::at(0));
    /// let body = br#"{"id":"j1","status":"queued","error":"proxy-secret leaked"}"#.to_vec();
    /// let answer = Event::Response(HttpResponse { status: 200, headers: vec![], body });
    /// let Step::Done(Ok(job)) = read.handle(answer, Time::at(10)) else { panic!("the job") };
    /// assert_eq!(job.error.as_deref(), Some("[redacted] leaked"));
    /// ```
    pub fn new(inner: M, secrets: Secrets) -> Self {
        Redacted { inner, secrets }
    }
}

impl<M: Machine> Redacted<M>
where
    M::Output: Redact,
{
    fn leave(&self, step: Step<M::Output>) -> Step<M::Output> {
        match step {
            Step::Done(result) => {
                Step::Done(result.map(|value| value.redacted(&self.secrets)).map_err(|e| e.redacted(&self.secrets)))
            }
            other => other,
        }
    }
}

impl<M: Machine> Machine for Redacted<M>
where
    M::Output: Redact,
    M::Update: Redact,
{
    type Output = M::Output;
    type Update = M::Update;

    fn start(&mut self, now: Time) -> Step<M::Output> {
        let step = self.inner.start(now);
        self.leave(step)
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<M::Output> {
        let step = self.inner.handle(event, now);
        self.leave(step)
    }

    fn take_update(&mut self) -> Option<M::Update> {
        self.inner.take_update().map(|update| update.redacted(&self.secrets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::call::Call;
    use crate::client::log::Logged;
    use crate::client::log_level::Level;
    use crate::client::run::Run;
    use crate::client::service::Service;
    use crate::client::testing::{Input, drive, extend, job_id, respond, trinetra};
    use crate::client::update::Update;
    use crate::providers::ClientConfig;
    use crate::types::job::{Job, Raw, Submission};
    use crate::types::json::{Value, parse};
    use crate::types::provider::ProviderName;

    fn config(key: &str) -> ClientConfig {
        trinetra(key).config()
    }

    fn run(key: &str) -> Redacted<Run<ClientConfig>> {
        let options = trinetra(key).interval_ms(10);
        let run = Run::new(options.config(), options.poll(), extend(ProviderName::Trinetra, "v"), 1, [0; 16]);
        Redacted::new(run, config(key).secrets())
    }

    /// The service answers at the next millisecond.
    fn answer(status: u16, body: &str) -> [Input; 2] {
        [Input::Tick(1), respond(status, &[], body)]
    }

    #[test]
    fn an_id_holding_a_short_key_is_polled_and_returned_as_the_service_gave_it() {
        let mut h = drive(run("key1"), answer(202, r#"{"job_id":"job_key1_a7","status":"queued"}"#));
        let read = h.expect_send();
        assert!(read.url.ends_with("/v1/jobs/job_key1_a7"), "{}", read.url);
        assert!(
            matches!(h.updates().as_slice(), [Update::Submitted(Submission { job_id, .. })] if job_id == "job_key1_a7")
        );
        let cdn =
            "https://cdn.example/eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2lnbmF0dXJlX29mX3RoZV9jZG5fbm90X291cnNfMTIzNDU/v.mp4";
        let done = format!(
            r#"{{"id":"job_key1_a7","status":"succeeded","output":{{"outputs":[{{"url":"{cdn}","type":"video"}}]}}}}"#
        );
        let job = h.play(answer(200, &done)).expect_done();
        assert_eq!((job.id.as_str(), job.output.unwrap().outputs[0].url.as_str()), ("job_key1_a7", cdn));
    }

    #[test]
    fn a_key_echoed_as_the_job_id_is_polled_by_it_but_never_handed_out() {
        const KEY: &str = "sk-live-0123456789";
        let mut h = drive(run(KEY), answer(202, &format!(r#"{{"job_id":"{KEY}","status":"queued"}}"#)));
        assert!(h.expect_send().url.ends_with(KEY), "the service's id is the one read");
        let updates = h.updates();
        let [Update::Submitted(submission)] = updates.as_slice() else { panic!("expected the submission") };
        assert_eq!(submission.job_id, "[redacted]");
        let failed = format!(r#"{{"id":"{KEY}","status":"failed","error":"key {KEY} is suspended"}}"#);
        let error = h.play(answer(200, &failed)).expect_error();
        let text = format!("{error:?}");
        assert!(!text.contains(KEY), "{text}");
        assert_eq!(error.job.map(|job| job.id), Some("[redacted]".to_owned()));
    }

    #[test]
    fn a_key_cut_by_a_message_bound_leaves_no_part_of_it_and_the_reason_is_the_services() {
        const KEY: &str = "tk_A1b2C3d4A1b2C3d4A1b2C3d4A1b2C3d4A1b2C3d4";
        for before in [260, 280, 290, 297] {
            let reason = format!("{} {KEY} was refused", "x".repeat(before));
            let failed = format!(r#"{{"id":"j1","status":"failed","error":"{reason}"}}"#);
            let mut h = drive(run(KEY), answer(202, r#"{"job_id":"j1","status":"queued"}"#));
            let error = h.play(answer(200, &failed)).expect_error();
            assert!(!error.message.contains(&KEY[..2]), "{before}: {}", error.message);
            assert!(error.message.contains("[redacted]…"), "{before}: {}", error.message);
            let job = error.job.expect("the job");
            assert_eq!(job.error, Some(reason.replace(KEY, "[redacted]")), "the reason, whole, without the key");
        }
    }

    #[test]
    fn a_key_echoed_in_escapes_is_taken_out_of_the_document_as_read() {
        let mut h = drive(run("secretkey123"), answer(202, r#"{"job_id":"j1","status":"queued"}"#));
        let done = r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"u","type":"video"}]},
            "note":"secret\u006bey123","secret\u006bey123":1}"#;
        let text = Value::from(h.play(answer(200, done)).expect_done()).to_json();
        assert!(!text.contains("secretkey123") && !text.contains("secret\\u006bey123"), "{text}");
        assert!(text.contains(r#""note":"[redacted]""#), "{text}");
    }

    #[test]
    fn log_lines_leave_without_a_key_echoed_into_a_url() {
        const KEY: &str = "sk-live-0123456789";
        let read = Logged::new(Call::read(config(KEY), job_id(KEY), 1), Level::Debug, "getJob");
        let refused = answer(401, &format!(r#"{{"error":"bad key {KEY}"}}"#));
        let mut h = drive(Redacted::new(read, config(KEY).secrets()), refused);
        assert!(!format!("{:?}", h.expect_error()).contains(KEY));
        let lines = h.updates();
        assert!(lines.len() >= 2, "{lines:?}");
        assert!(lines.iter().all(|line| !format!("{line:?}").contains(KEY)), "{lines:?}");
    }

    #[test]
    fn what_holds_no_credential_leaves_as_it_came() {
        let job = parse(br#"{"id":"a","status":"running","raw":"x"}"#).unwrap();
        let kept: Job = crate::providers::parse_webhook(Raw::Value(job), None).unwrap();
        assert_eq!(kept.clone().redacted(&config("zz").secrets()), kept);
    }
}
