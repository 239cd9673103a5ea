//! One API call (a submit or a read) with its retries.

use crate::core::client::classify::{bad_body, transport_error, Target};
use crate::core::client::machine::{Event, Machine, Pause, Step, Time};
use crate::core::client::retry::{delay_ms, Rng, MAX_RETRY_AFTER_MS};
use crate::core::client::service::Service;
use crate::core::client::update::Update;
use crate::core::types::error::{Error, ErrorCode};
use crate::core::types::http::{HttpRequest, HttpResponse, Method, Transport};
use crate::core::types::job::{Job, Submission};
use crate::core::types::job_id::JobId;
use crate::core::types::request::ExtendRequest;

/// Whether the service may have acted on a failed submit. Only a submit it
/// certainly did not accept may be sent again: nothing is paid for twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acceptance {
    Refused,
    Unknown,
}

/// What one call sends and how it reads the answer: one implementation per
/// kind of request, [`Submit`] and [`Read`].
pub trait Operation {
    type Output;

    /// Whether it submits work the service may act on (and charge for):
    /// then it is repeated only when the service certainly refused it.
    const SUBMITS: bool;

    fn request(&self, service: &impl Service, unix_ms: u64) -> HttpRequest;

    /// The answer to [`Operation::request`], or to [`Operation::lookup`]'s read.
    fn read(&self, service: &impl Service, response: &HttpResponse, unix_ms: u64) -> Result<Self::Output, Error>;

    /// The read that finds what an ambiguous attempt made, where the
    /// service has one; `None`: the attempt stays unknown.
    fn lookup(&self, _service: &impl Service, _unix_ms: u64) -> Option<HttpRequest> {
        None
    }
}

/// A submit of the extend request.
pub struct Submit(ExtendRequest);

impl Operation for Submit {
    type Output = Submission;
    const SUBMITS: bool = true;

    fn request(&self, service: &impl Service, unix_ms: u64) -> HttpRequest {
        service.submit_request(&self.0, unix_ms)
    }

    /// A submit's answer, or a look-up's: either must be the task the request made.
    fn read(&self, service: &impl Service, response: &HttpResponse, unix_ms: u64) -> Result<Submission, Error> {
        service.read_submission(response, &self.0, unix_ms)
    }

    fn lookup(&self, service: &impl Service, unix_ms: u64) -> Option<HttpRequest> {
        service.lookup_request(&self.0, unix_ms)
    }
}

/// A read of the job an id names.
pub struct Read(JobId);

impl Operation for Read {
    type Output = Job;
    const SUBMITS: bool = false;

    fn request(&self, service: &impl Service, unix_ms: u64) -> HttpRequest {
        service.job_request(&self.0, unix_ms)
    }

    /// The answer, checked to be the document of the job asked for.
    fn read(&self, service: &impl Service, response: &HttpResponse, unix_ms: u64) -> Result<Job, Error> {
        let job = service.read_job(response, unix_ms)?;
        expect_job(service, job, &self.0, response)
    }
}

enum Phase {
    /// Sending the operation (again, after a wait).
    Operating,
    /// Reading the task by the id the submit carried, to learn whether it
    /// exists: after a submit failed ambiguously, or (`resumed`) before
    /// sending one an earlier process may have sent.
    LookingUp { ambiguity: Error, resumed: bool },
}

pub struct Call<S, O> {
    service: S,
    operation: O,
    phase: Phase,
    retries: u32,
    /// Whether the credential was already signed again after it expired.
    refreshed: bool,
    rng: Rng,
    /// The method and URL of the last request sent, which its failure names.
    sent: (Method, String),
    /// Whether the last attempt got no answer in a page: then a CORS
    /// refusal, which sends nothing, is as likely as an accepted submit.
    unanswered_in_page: bool,
}

impl<S: Service> Call<S, Submit> {
    /// `nonce`: 16 random bytes, for an id the service can find the task by.
    pub fn submit(service: S, mut request: ExtendRequest, seed: u64, nonce: [u8; 16]) -> Self {
        service.make_findable(&mut request, nonce);
        Call::new(service, Submit(request), seed)
    }

    /// A submit an earlier process may already have sent (a resumed chain's
    /// step): the task is looked up by the id `request` carries first, and
    /// submitted only when the service has none. A service that cannot look
    /// a submit up gets nothing: the call fails with `maybeSubmitted`.
    pub fn find_or_submit(service: S, request: ExtendRequest, seed: u64) -> Self {
        let mut call = Call::new(service, Submit(request), seed);
        let ambiguity = Error::new(ErrorCode::Aborted, "the chain stopped while this step's submit was under way");
        call.phase = Phase::LookingUp { ambiguity, resumed: true };
        call
    }
}

impl<S: Service> Call<S, Read> {
    pub fn read(service: S, id: JobId, seed: u64) -> Self {
        Call::new(service, Read(id), seed)
    }
}

/// `job` if it is the one `id` names, else `bad_response`.
pub fn expect_job<S: Service>(service: &S, job: Job, id: &JobId, response: &HttpResponse) -> Result<Job, Error> {
    if service.identifies(&job, id) {
        Ok(job)
    } else {
        Err(bad_body(response, "the document of another job"))
    }
}

impl<S: Service, O: Operation> Call<S, O> {
    fn new(service: S, operation: O, seed: u64) -> Self {
        let sent = (Method::Get, String::new());
        let rng = Rng::new(seed);
        let (retries, refreshed, unanswered_in_page) = (0, false, false);
        Call { service, operation, phase: Phase::Operating, retries, refreshed, rng, sent, unanswered_in_page }
    }

    fn send(&mut self, now: Time) -> Step<O::Output> {
        self.phase = Phase::Operating;
        let request = self.operation.request(&self.service, now.unix_ms);
        self.dispatch(request)
    }

    fn dispatch(&mut self, request: HttpRequest) -> Step<O::Output> {
        self.sent = (request.method, request.url.clone());
        let limits = self.service.limits();
        Step::Send { request, timeout_ms: limits.timeout_ms, max_bytes: limits.max_response_bytes }
    }

    /// The error for an attempt that got no answer to read.
    fn transport_error(&self, transport: Transport) -> Error {
        let target = Target { method: self.sent.0, url: &self.sent.1 };
        transport_error(transport, self.service.limits().timeout_ms, &target, self.service.in_page())
    }

    fn fail(&mut self, error: Error, acceptance: Acceptance, now: Time) -> Step<O::Output> {
        if !self.refreshed && self.service.refreshable(&error) {
            self.refreshed = true;
            return self.send(now);
        }
        let may_repeat = !O::SUBMITS || acceptance == Acceptance::Refused;
        let hint_ok = error.retry_after_ms.is_none_or(|ms| ms <= MAX_RETRY_AFTER_MS);
        if error.retryable && may_repeat && hint_ok && self.retries < self.service.limits().max_retries {
            let ms = delay_ms(self.retries, error.retry_after_ms, &mut self.rng);
            self.retries += 1;
            return Step::Wait { ms, pause: Pause::Retry };
        }
        if O::SUBMITS && acceptance == Acceptance::Unknown {
            return self.look_up(error, false, now);
        }
        self.finish(error, O::SUBMITS.then_some(acceptance))
    }

    /// Reads the task by the id the submit carries; where the service has
    /// no such read, the submit stays unknown and is never repeated.
    fn look_up(&mut self, ambiguity: Error, resumed: bool, now: Time) -> Step<O::Output> {
        match self.operation.lookup(&self.service, now.unix_ms) {
            Some(lookup) => {
                self.phase = Phase::LookingUp { ambiguity, resumed };
                self.dispatch(lookup)
            }
            None => self.finish(ambiguity, Some(Acceptance::Unknown)),
        }
    }

    /// After a lookup: found means submitted; not found means the submit
    /// never took effect, so it may be sent (again: a retry, unless an
    /// earlier process sent it); anything else leaves it unknown.
    fn handle_lookup(
        &mut self,
        ambiguity: Error,
        resumed: bool,
        found: Result<O::Output, Error>,
        now: Time,
    ) -> Step<O::Output> {
        match found {
            Ok(value) => Step::Done(Ok(value)),
            Err(e)
                if e.code == ErrorCode::NotFound && (resumed || self.retries < self.service.limits().max_retries) =>
            {
                self.retries += u32::from(!resumed);
                self.send(now)
            }
            Err(e) if e.code == ErrorCode::NotFound => {
                self.finish(ambiguity.retryable(true), Some(Acceptance::Refused))
            }
            Err(_) => self.finish(ambiguity, Some(Acceptance::Unknown)),
        }
    }

    /// Ends the call; `acceptance` is `Some` for submits.
    fn finish(&mut self, error: Error, acceptance: Option<Acceptance>) -> Step<O::Output> {
        let error = match acceptance {
            None => error,
            Some(Acceptance::Refused) => error.maybe_submitted(false),
            Some(Acceptance::Unknown) => {
                let mut error = error.maybe_submitted(true).retryable(false);
                error.message.push_str(if self.unanswered_in_page { "; if it was not CORS," } else { ";" });
                error.message.push_str(" the service may have accepted the job, so it was not sent again");
                error
            }
        };
        Step::Done(Err(error))
    }
}

impl<S: Service, O: Operation> Machine for Call<S, O> {
    type Output = O::Output;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<O::Output> {
        match std::mem::replace(&mut self.phase, Phase::Operating) {
            Phase::LookingUp { ambiguity, resumed } => self.look_up(ambiguity, resumed, now),
            Phase::Operating => self.send(now),
        }
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<O::Output> {
        if let Phase::LookingUp { ambiguity, resumed } = std::mem::replace(&mut self.phase, Phase::Operating) {
            return match event {
                Event::Response(response) => {
                    let found = self.operation.read(&self.service, &response, now.unix_ms);
                    self.handle_lookup(ambiguity, resumed, found, now)
                }
                Event::Aborted { .. } => self.finish(aborted(), Some(Acceptance::Unknown)),
                _ => self.finish(ambiguity, Some(Acceptance::Unknown)),
            };
        }
        match event {
            Event::Response(response) => match self.operation.read(&self.service, &response, now.unix_ms) {
                Ok(value) => Step::Done(Ok(value)),
                Err(error) => {
                    let acceptance = response_acceptance(response.status, &error);
                    self.fail(error, acceptance, now)
                }
            },
            Event::Failed(transport) => {
                self.unanswered_in_page = self.service.in_page() && transport == Transport::Network;
                let acceptance = if transport.nothing_sent() { Acceptance::Refused } else { Acceptance::Unknown };
                self.fail(self.transport_error(transport), acceptance, now)
            }
            Event::Waited => self.send(now),
            Event::Aborted { in_flight } => {
                let acceptance = if in_flight { Acceptance::Unknown } else { Acceptance::Refused };
                self.finish(aborted(), O::SUBMITS.then_some(acceptance))
            }
        }
    }
}

/// Whether an answer proves the service turned the submit away: a 503, a
/// 4xx, or an error code in the body (Kling answers refusals with HTTP 200).
/// Server errors and answers we could not read leave it unknown.
fn response_acceptance(status: u16, error: &Error) -> Acceptance {
    match (status, error.code) {
        (503, _) => Acceptance::Refused,
        (_, ErrorCode::ServerError | ErrorCode::BadResponse) => Acceptance::Unknown,
        (400..=499, _) => Acceptance::Refused,
        _ if error.provider_code.is_some() => Acceptance::Refused,
        _ => Acceptance::Unknown,
    }
}

pub fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "the call was aborted by its signal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::options::ClientConfig;
    use crate::core::types::http::{HttpRequest, Method};
    use crate::core::types::job::Status;
    use crate::core::types::json::{parse, Value};
    use crate::core::types::provider::ProviderName;

    fn config() -> ClientConfig {
        let options = br#"{"apiKey":"secret-key-1","baseUrl":"http://127.0.0.1:9","maxRetries":2}"#;
        ClientConfig::from_value(&parse(options).unwrap(), false).unwrap()
    }

    fn submit() -> Call<ClientConfig, Submit> {
        let request =
            ExtendRequest::from_value(&parse(br#"{"video_id":"v"}"#).unwrap(), ProviderName::Trinetra).unwrap();
        Call::submit(config(), request, 1, [7; 16])
    }

    fn read() -> Call<ClientConfig, Read> {
        Call::read(config(), JobId::parse(&Value::String("j".into())).unwrap(), 1)
    }

    fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Event {
        let headers = headers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Event::Response(HttpResponse { status, headers, body: body.into() })
    }

    fn sent<T>(step: Step<T>) -> HttpRequest {
        match step {
            Step::Send { request, .. } => request,
            _ => panic!("expected a send"),
        }
    }

    fn waited<T>(step: Step<T>) -> u64 {
        match step {
            Step::Wait { ms, pause: Pause::Retry } => ms,
            _ => panic!("expected a wait"),
        }
    }

    fn failed<T: std::fmt::Debug>(step: Step<T>) -> Error {
        match step {
            Step::Done(Err(e)) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn a_read_retries_server_errors_then_succeeds() {
        let mut call = read();
        assert_eq!(sent(call.start(Time::at(0))).method, Method::Get);
        let wait = waited(call.handle(response(503, &[], ""), Time::at(0)));
        assert!((250..=500).contains(&wait));
        sent(call.handle(Event::Waited, Time::at(0)));
        let step = call.handle(response(200, &[], r#"{"id":"j","status":"running"}"#), Time::at(0));
        assert!(matches!(step, Step::Done(Ok(Job { status: Status::Running, .. }))));
    }

    #[test]
    fn a_network_error_names_the_request_and_in_a_page_the_likely_cors_refusal() {
        let page = |in_page: bool| {
            let mut config = config();
            config.in_page = in_page;
            config.limits.max_retries = 0;
            let request =
                ExtendRequest::from_value(&parse(br#"{"video_id":"v"}"#).unwrap(), ProviderName::Trinetra).unwrap();
            let mut call = Call::submit(config, request, 1, [7; 16]);
            let url = sent(call.start(Time::at(0))).url;
            (url, failed(call.handle(Event::Failed(Transport::Network), Time::at(0))).message)
        };
        let (url, server) = page(false);
        assert!(server.starts_with(&format!("POST {url}: the connection failed")), "{server}");
        assert!(!server.contains("CORS"), "{server}");
        assert!(server.ends_with("; the service may have accepted the job, so it was not sent again"), "{server}");
        let (_, browser) = page(true);
        assert!(browser.starts_with(&format!("POST {url}: ")), "{browser}");
        assert!(browser.contains("CORS check, which sends nothing") && browser.contains("allowedOrigins"), "{browser}");
        assert!(
            browser.ends_with("; if it was not CORS, the service may have accepted the job, so it was not sent again")
        );
        let mut read = read();
        let url = sent(read.start(Time::at(0))).url;
        for _ in 0..2 {
            waited(read.handle(Event::Failed(Transport::ConnectFailed), Time::at(0)));
            sent(read.handle(Event::Waited, Time::at(0)));
        }
        let e = failed(read.handle(Event::Failed(Transport::Timeout), Time::at(0)));
        assert!(e.message.starts_with(&format!("GET {url}: no response within timeoutMs")), "{}", e.message);
    }

    #[test]
    fn a_request_that_never_left_is_neither_retried_nor_maybe_submitted() {
        let mut call = submit();
        call.start(Time::at(0));
        let e = failed(call.handle(Event::Failed(Transport::NeverSent), Time::at(0)));
        assert_eq!((e.code, e.retryable, e.maybe_submitted), (ErrorCode::NetworkError, false, Some(false)));
        assert!(e.message.contains("never left"), "{}", e.message);
        let mut call = read();
        call.start(Time::at(0));
        assert!(!failed(call.handle(Event::Failed(Transport::NeverSent), Time::at(0))).retryable);
    }

    #[test]
    fn redirects_and_oversized_bodies_are_bad_responses_never_retried() {
        for (transport, status) in
            [(Transport::Redirected { status: 307 }, Some(307)), (Transport::TooLarge { limit: 8 }, None)]
        {
            let mut call = submit();
            call.start(Time::at(0));
            let e = failed(call.handle(Event::Failed(transport), Time::at(0)));
            assert_eq!((e.code, e.status, e.maybe_submitted), (ErrorCode::BadResponse, status, Some(true)));
            let mut call = read();
            call.start(Time::at(0));
            let e = failed(call.handle(Event::Failed(transport), Time::at(0)));
            assert_eq!((e.code, e.retryable), (ErrorCode::BadResponse, false));
        }
    }

    #[test]
    fn a_document_for_another_job_is_a_bad_response() {
        let mut call = read();
        call.start(Time::at(0));
        let e = failed(call.handle(response(200, &[], r#"{"id":"someone-else","status":"succeeded"}"#), Time::at(0)));
        assert_eq!(e.code, ErrorCode::BadResponse);
        assert!(e.message.contains("another job"), "{}", e.message);
    }

    #[test]
    fn every_send_carries_the_body_limit() {
        assert!(matches!(read().start(Time::at(0)), Step::Send { max_bytes: 8_388_608, .. }));
    }

    #[test]
    fn a_read_obeys_retry_after_and_stops_when_retries_run_out() {
        let mut call = read();
        call.start(Time::at(0));
        assert_eq!(waited(call.handle(response(429, &[("retry-after", "2")], ""), Time::at(0))), 2000);
        call.handle(Event::Waited, Time::at(0));
        waited(call.handle(Event::Failed(Transport::Network), Time::at(0)));
        call.handle(Event::Waited, Time::at(0));
        let e = failed(call.handle(response(502, &[], ""), Time::at(0)));
        assert_eq!((e.code, e.retryable, e.maybe_submitted), (ErrorCode::ServerError, true, None));
    }

    #[test]
    fn a_read_does_not_retry_client_errors_or_long_hints() {
        let mut call = read();
        call.start(Time::at(0));
        assert_eq!(failed(call.handle(response(401, &[], ""), Time::at(0))).code, ErrorCode::Unauthorized);
        let mut call = read();
        call.start(Time::at(0));
        let e = failed(call.handle(response(429, &[("retry-after", "3600")], ""), Time::at(0)));
        assert_eq!(e.retry_after_ms, Some(3_600_000));
    }

    #[test]
    fn a_submit_is_repeated_only_when_it_was_refused() {
        let mut call = submit();
        assert_eq!(sent(call.start(Time::at(0))).method, Method::Post);
        waited(call.handle(response(429, &[("retry-after", "1")], ""), Time::at(0)));
        call.handle(Event::Waited, Time::at(0));
        waited(call.handle(response(503, &[], ""), Time::at(0)));
        call.handle(Event::Waited, Time::at(0));
        let ok = call.handle(response(202, &[], r#"{"job_id":"j1","status":"queued"}"#), Time::at(0));
        assert!(matches!(ok, Step::Done(Ok(Submission { ref job_id, .. })) if job_id == "j1"));
    }

    #[test]
    fn an_ambiguous_submit_is_never_repeated() {
        for event in [
            Event::Failed(Transport::Network),
            Event::Failed(Transport::Timeout),
            response(500, &[], ""),
            response(502, &[("content-type", "text/html")], "<html></html>"),
            response(202, &[], "{\"job_id\": "),
        ] {
            let mut call = submit();
            call.start(Time::at(0));
            let e = failed(call.handle(event, Time::at(0)));
            assert_eq!((e.maybe_submitted, e.retryable), (Some(true), false), "{e:?}");
        }
    }

    #[test]
    fn a_submit_that_never_connected_is_repeated() {
        let mut call = submit();
        call.start(Time::at(0));
        waited(call.handle(Event::Failed(Transport::ConnectFailed), Time::at(0)));
        call.handle(Event::Waited, Time::at(0));
        let e = failed(call.handle(response(400, &[], r#"{"error":{"message":"bad video"}}"#), Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::InvalidRequest, Some(false)));
    }

    #[test]
    fn an_abort_reports_whether_the_submit_was_in_flight() {
        let mut call = submit();
        call.start(Time::at(0));
        assert_eq!(failed(call.handle(Event::Aborted { in_flight: true }, Time::at(0))).maybe_submitted, Some(true));
        let mut call = submit();
        call.start(Time::at(0));
        assert_eq!(failed(call.handle(Event::Aborted { in_flight: false }, Time::at(0))).maybe_submitted, Some(false));
        let mut call = submit();
        call.start(Time::at(0));
        call.handle(response(429, &[], ""), Time::at(0));
        let e = failed(call.handle(Event::Aborted { in_flight: false }, Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::Aborted, Some(false)));
    }

    fn kling_submit(options: &str) -> Call<ClientConfig, Submit> {
        let config = ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
        let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v"}"#).unwrap(), ProviderName::Kling).unwrap();
        Call::submit(config, request, 1, [0x11; 16])
    }

    const KLING: &str = r#"{"provider":"kling","accessKey":"ak","secretKey":"sk-secret","maxRetries":1}"#;
    const TASK: &str = r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#;

    #[test]
    fn an_ambiguous_kling_submit_is_found_by_its_external_id() {
        let mut call = kling_submit(KLING);
        let submit = sent(call.start(Time::at(0)));
        let external = submit.body.as_ref().and_then(|b| b.get("external_task_id")).and_then(Value::as_str).unwrap();
        let lookup = sent(call.handle(Event::Failed(Transport::Network), Time::at(0)));
        assert_eq!((lookup.method, lookup.url.ends_with(external)), (Method::Get, true));
        let found = call.handle(response(200, &[], TASK), Time::at(0));
        assert!(matches!(found, Step::Done(Ok(Submission { ref job_id, .. })) if job_id == "t1"));
    }

    #[test]
    fn a_kling_submit_that_was_not_created_is_sent_once_more() {
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        sent(call.handle(response(500, &[], r#"{"code":5000,"message":"oops"}"#), Time::at(0)));
        let again = sent(call.handle(response(404, &[], r#"{"code":1203,"message":"no such task"}"#), Time::at(0)));
        assert_eq!(again.method, Method::Post);
        sent(call.handle(Event::Failed(Transport::Timeout), Time::at(0)));
        let e = failed(call.handle(response(404, &[], r#"{"code":1203,"message":"no such task"}"#), Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted, e.retryable), (ErrorCode::Timeout, Some(false), true));
    }

    #[test]
    fn a_lookup_that_finds_another_task_leaves_the_submit_unknown() {
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        sent(call.handle(Event::Failed(Transport::Network), Time::at(0)));
        let other = r#"{"code":0,"data":{"task_id":"t9","task_status":"submitted","task_info":{"external_task_id":"ke-other"}}}"#;
        let e = failed(call.handle(response(200, &[], other), Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::NetworkError, Some(true)));
    }

    #[test]
    fn a_failed_lookup_leaves_the_submit_unknown() {
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        sent(call.handle(Event::Failed(Transport::Network), Time::at(0)));
        let e = failed(call.handle(Event::Failed(Transport::Network), Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::NetworkError, Some(true)));
    }

    #[test]
    fn an_expired_token_is_signed_again_once() {
        let mut call = kling_submit(KLING);
        let first = sent(call.start(Time::at(0)));
        let expired = r#"{"code":1004,"message":"token expired"}"#;
        let second = sent(call.handle(response(401, &[], expired), Time::at(60_000)));
        assert_ne!(first.header("authorization"), second.header("authorization"));
        let e = failed(call.handle(response(401, &[], expired), Time::at(60_000)));
        assert_eq!((e.code, e.provider_code, e.maybe_submitted), (ErrorCode::Unauthorized, Some(1004), Some(false)));
        assert!(!e.message.contains("sk-secret"));
    }

    #[test]
    fn a_kling_account_out_of_credit_fails_at_once() {
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        let e = failed(
            call.handle(response(429, &[], r#"{"code":1102,"message":"resource pack exhausted"}"#), Time::at(0)),
        );
        assert_eq!((e.code, e.provider_code, e.retryable), (ErrorCode::InsufficientCredits, Some(1102), false));
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        waited(call.handle(response(429, &[], r#"{"code":1302,"message":"too fast"}"#), Time::at(0)));
    }

    #[test]
    fn a_refusal_in_the_body_is_final_whatever_the_status() {
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        let e = failed(call.handle(response(200, &[], r#"{"code":1201,"message":"bad prompt"}"#), Time::at(0)));
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::InvalidRequest, Some(false)));
        let mut call = kling_submit(KLING);
        call.start(Time::at(0));
        let lookup = sent(call.handle(response(200, &[], r#"{"code":5000,"message":"internal"}"#), Time::at(0)));
        assert_eq!(lookup.method, Method::Get);
    }
}
