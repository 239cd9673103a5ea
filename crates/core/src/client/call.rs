//! One API call (a submit or a read) with its retries.
//!
//! A read is repeated after a failure that may pass (a 503, a dropped
//! connection), after the backoff the call asks its driver to wait:
//!
//! ```
//! use kling_extend_core::client::call::Call;
//! use kling_extend_core::client::machine::{Event, Machine, Pause, Step, Time};
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
//! let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
//! let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
//! assert!(matches!(read.start(Time::at(0)), Step::Send { .. }));
//! let Step::Wait { ms, pause: Pause::Retry } = read.handle(answer(503, ""), Time::at(100)) else { panic!("a retry") };
//! assert!(matches!(read.handle(Event::Waited, Time::at(100 + ms)), Step::Send { .. }));
//! let Step::Done(Ok(job)) = read.handle(answer(200, r#"{"id":"j1","status":"running"}"#), Time::at(900)) else {
//!     panic!("the job")
//! };
//! assert_eq!(job.status, Status::Running);
//! ```

use crate::client::classify::{Target, bad_body, transport_error};
use crate::client::machine::{Event, Machine, Pause, Step, Time};
use crate::client::retry::{MAX_RETRY_AFTER_MS, Rng, delay_ms};
use crate::client::service::Service;
use crate::client::update::Update;
use crate::types::error::{Error, ErrorCode};
use crate::types::http::{HttpRequest, HttpResponse, Method, Transport};
use crate::types::job::{Job, Submission};
use crate::types::job_id::JobId;
use crate::types::request::ExtendRequest;

/// Whether the service may have acted on a failed submit. Only a submit it
/// certainly did not accept may be sent again: nothing is paid for twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Acceptance {
    Refused,
    Unknown,
}

/// What one call sends and how it reads the answer: one implementation per
/// kind of request, [`Submit`] and [`Read`]. A driver does not call it: a
/// [`Call`] does, and is the machine the driver runs. (It is public because
/// `Call`'s [`Machine`] impl names it.)
///
/// ```
/// use kling_extend_core::client::call::{Operation, Read, Submit};
///
/// assert!(Submit::SUBMITS && !Read::SUBMITS);
/// ```
pub trait Operation {
    /// What the call ends with: a [`Submission`] or a [`Job`].
    ///
    /// ```
    /// use kling_extend_core::client::call::{Operation, Read, Submit};
    /// use kling_extend_core::types::job::{Job, Submission};
    ///
    /// fn ends_with<O: Operation<Output = T>, T>() {}
    /// ends_with::<Submit, Submission>();
    /// ends_with::<Read, Job>();
    /// ```
    type Output;

    /// Whether it submits work the service may act on (and charge for):
    /// then it is repeated only when the service certainly refused it.
    ///
    /// A 500 may come after the service took the job: a read tries again,
    /// a submit does not.
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// # use kling_extend_core::types::provider::ProviderName;
    /// # use kling_extend_core::types::request::ExtendRequest;
    /// # let extend = |provider| {
    /// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// #     ExtendRequest::from_value(&request, provider).unwrap()
    /// # };
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let options = r#"{"apiKey":"sk-test","maxRetries":2}"#;
    /// let mut read = Call::read(config(options), JobId::new("j1").unwrap(), 7);
    /// read.start(Time::at(0));
    /// assert!(matches!(read.handle(answer(500, ""), Time::at(10)), Step::Wait { .. }));
    /// let mut submit = Call::submit(config(options), extend(ProviderName::Trinetra), 7, [1; 16]);
    /// submit.start(Time::at(0));
    /// let Step::Done(Err(error)) = submit.handle(answer(500, ""), Time::at(10)) else { panic!("not sent again") };
    /// assert_eq!(error.maybe_submitted, Some(true));
    /// ```
    const SUBMITS: bool;

    /// The request of an attempt at `unix_ms`: a [`Call`] sends it first,
    /// and again for each retry.
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// use kling_extend_core::types::http::Method;
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let mut read = Call::read(config(r#"{"apiKey":"sk-test"}"#), JobId::new("j1").unwrap(), 7);
    /// let Step::Send { request, .. } = read.start(Time::at(0)) else { panic!("a read sends first") };
    /// assert_eq!(request.method, Method::Get);
    /// assert_eq!(request.url, "https://brahmand-api.bulletshorts.co/v1/jobs/j1");
    /// ```
    fn request(&self, service: &impl Service, unix_ms: u64) -> HttpRequest;

    /// The answer to [`Operation::request`], or to [`Operation::lookup`]'s read.
    /// A read's answer must be the document of the job asked for:
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// use kling_extend_core::types::error::ErrorCode;
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let mut read = Call::read(config(r#"{"apiKey":"sk-test","maxRetries":0}"#), JobId::new("j1").unwrap(), 7);
    /// read.start(Time::at(0));
    /// let another = answer(200, r#"{"id":"j2","status":"running"}"#);
    /// let Step::Done(Err(error)) = read.handle(another, Time::at(10)) else { panic!("not this job") };
    /// assert_eq!(error.code, ErrorCode::BadResponse);
    /// ```
    fn read(&self, service: &impl Service, response: &HttpResponse, unix_ms: u64) -> Result<Self::Output, Error>;

    /// The read that finds what an ambiguous attempt made, where the
    /// service has one; `None`: the attempt stays unknown.
    ///
    /// A Kling submit that got no answer is looked up by its
    /// `external_task_id`, and is known submitted when it is found:
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// # use kling_extend_core::types::provider::ProviderName;
    /// # use kling_extend_core::types::request::ExtendRequest;
    /// # let extend = |provider| {
    /// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// #     ExtendRequest::from_value(&request, provider).unwrap()
    /// # };
    /// use kling_extend_core::types::http::{Method, Transport};
    ///
    /// let kling = config(r#"{"provider":"kling","apiKey":"kling-key","maxRetries":0}"#);
    /// let mut submit = Call::submit(kling, extend(ProviderName::Kling), 7, [0xab; 16]);
    /// submit.start(Time::at(0));
    /// let Step::Send { request, .. } = submit.handle(Event::Failed(Transport::Network), Time::at(10)) else {
    ///     panic!("a lookup")
    /// };
    /// assert_eq!(request.method, Method::Get);
    /// assert!(request.url.ends_with(&format!("/ke-{}", "ab".repeat(16))), "{}", request.url);
    /// let found = format!(
    ///     r#"{{"code":0,"data":{{"task_id":"t1","task_status":"processing",
    ///         "task_info":{{"external_task_id":"ke-{}"}}}}}}"#,
    ///     "ab".repeat(16)
    /// );
    /// let Step::Done(Ok(submission)) = submit.handle(answer(200, &found), Time::at(20)) else { panic!("found") };
    /// assert_eq!(submission.job_id, "t1");
    /// ```
    fn lookup(&self, _service: &impl Service, _unix_ms: u64) -> Option<HttpRequest> {
        None
    }
}

/// A submit of the extend request: the [`Operation`] of a call made by
/// [`Call::submit`] or [`Call::find_or_submit`], which ends with the
/// service's [`Submission`].
///
/// ```
/// # use kling_extend_core::client::call::Call;
/// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// # use kling_extend_core::providers::ClientConfig;
/// # use kling_extend_core::types::http::HttpResponse;
/// # use kling_extend_core::types::json::parse;
/// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
/// # let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
/// # use kling_extend_core::types::provider::ProviderName;
/// # use kling_extend_core::types::request::ExtendRequest;
/// # let extend = |provider| {
/// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
/// #     ExtendRequest::from_value(&request, provider).unwrap()
/// # };
/// use kling_extend_core::client::call::Submit;
/// use kling_extend_core::types::job::Status;
///
/// let mut submit: Call<ClientConfig, Submit> =
///     Call::submit(config(r#"{"apiKey":"sk-test"}"#), extend(ProviderName::Trinetra), 7, [1; 16]);
/// submit.start(Time::at(0));
/// let accepted = answer(202, r#"{"job_id":"j1","status":"queued"}"#);
/// let Step::Done(Ok(submission)) = submit.handle(accepted, Time::at(10)) else { panic!("accepted") };
/// assert_eq!((submission.job_id.as_str(), submission.status), ("j1", Status::Queued));
/// ```
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

/// A read of the job an id names: the [`Operation`] of a call made by
/// [`Call::read`], which ends with the [`Job`].
///
/// ```
/// # use kling_extend_core::client::call::Call;
/// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// # use kling_extend_core::providers::ClientConfig;
/// # use kling_extend_core::types::http::HttpResponse;
/// # use kling_extend_core::types::json::parse;
/// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
/// # let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
/// use kling_extend_core::client::call::Read;
/// use kling_extend_core::types::error::ErrorCode;
/// use kling_extend_core::types::job_id::JobId;
///
/// let config = config(r#"{"apiKey":"sk-test"}"#);
/// let mut read: Call<ClientConfig, Read> = Call::read(config, JobId::new("j1").unwrap(), 7);
/// read.start(Time::at(0));
/// let Step::Done(Err(error)) = read.handle(answer(404, ""), Time::at(10)) else { panic!("no retry") };
/// assert_eq!(error.code, ErrorCode::NotFound);
/// ```
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

/// One API call on service `S` doing operation `O` ([`Submit`] or
/// [`Read`]), as a [`Machine`]: it sends, retries what may be retried, and
/// ends with the operation's output or the error that ended it. A submit
/// is never sent again unless the service certainly refused it: a failure
/// that leaves it unknown ends the call with `maybe_submitted`, once what
/// can be looked up was.
///
/// ```
/// # use kling_extend_core::client::call::Call;
/// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// # use kling_extend_core::providers::ClientConfig;
/// # use kling_extend_core::types::http::HttpResponse;
/// # use kling_extend_core::types::json::parse;
/// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
/// # let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
/// # use kling_extend_core::types::provider::ProviderName;
/// # use kling_extend_core::types::request::ExtendRequest;
/// # let extend = |provider| {
/// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
/// #     ExtendRequest::from_value(&request, provider).unwrap()
/// # };
/// use kling_extend_core::types::error::ErrorCode;
/// use kling_extend_core::types::http::Transport;
///
/// let trinetra = config(r#"{"apiKey":"sk-test"}"#);
/// let mut submit = Call::submit(trinetra.clone(), extend(ProviderName::Trinetra), 7, [1; 16]);
/// submit.start(Time::at(0));
/// let Step::Done(Err(error)) = submit.handle(Event::Failed(Transport::Timeout), Time::at(30_000)) else {
///     panic!("a timed-out submit is not sent again")
/// };
/// assert_eq!((error.code, error.maybe_submitted), (ErrorCode::Timeout, Some(true)));
///
/// let mut refused = Call::submit(trinetra, extend(ProviderName::Trinetra), 7, [1; 16]);
/// refused.start(Time::at(0));
/// let busy = refused.handle(answer(503, ""), Time::at(10));
/// assert!(matches!(busy, Step::Wait { .. }), "a 503 proves it was refused, so it is sent again");
/// ```
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
    /// A submit of `request`; `seed` seeds the jitter of its backoff, and
    /// `nonce`, 16 random bytes, gives an id the service can find the task
    /// by ([`Service::make_findable`]).
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// # use kling_extend_core::types::provider::ProviderName;
    /// # use kling_extend_core::types::request::ExtendRequest;
    /// # let extend = |provider| {
    /// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// #     ExtendRequest::from_value(&request, provider).unwrap()
    /// # };
    /// use kling_extend_core::types::json::Value;
    ///
    /// let kling = config(r#"{"provider":"kling","apiKey":"kling-key"}"#);
    /// let mut submit = Call::submit(kling, extend(ProviderName::Kling), 7, [0xab; 16]);
    /// let Step::Send { request, .. } = submit.start(Time::at(0)) else { panic!("a submit sends first") };
    /// let findable = Value::String(format!("ke-{}", "ab".repeat(16)));
    /// assert_eq!(request.body.unwrap().get("external_task_id"), Some(&findable));
    /// ```
    pub fn submit(service: S, mut request: ExtendRequest, seed: u64, nonce: [u8; 16]) -> Self {
        service.make_findable(&mut request, nonce);
        Call::new(service, Submit(request), seed)
    }

    /// A submit an earlier process may already have sent (a resumed chain's
    /// step): the task is looked up by the id `request` carries first, and
    /// submitted only when the service has none. A service that cannot look
    /// a submit up gets nothing: the call fails with `maybeSubmitted`.
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// # use kling_extend_core::types::provider::ProviderName;
    /// # use kling_extend_core::types::request::ExtendRequest;
    /// # let extend = |provider| {
    /// #     let request = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// #     ExtendRequest::from_value(&request, provider).unwrap()
    /// # };
    /// use kling_extend_core::client::service::Service;
    /// use kling_extend_core::types::http::Method;
    ///
    /// let kling = config(r#"{"provider":"kling","apiKey":"kling-key"}"#);
    /// let mut request = extend(ProviderName::Kling);
    /// kling.make_findable(&mut request, [0xab; 16]);
    /// let mut resumed = Call::find_or_submit(kling, request, 7);
    /// let Step::Send { request, .. } = resumed.start(Time::at(0)) else { panic!("a lookup first") };
    /// assert_eq!(request.method, Method::Get);
    /// let Step::Send { request, .. } = resumed.handle(answer(404, ""), Time::at(10)) else { panic!("a submit") };
    /// assert_eq!(request.method, Method::Post, "not found: never sent, so sent now");
    ///
    /// let trinetra = config(r#"{"apiKey":"sk-test"}"#);
    /// let mut unfindable = Call::find_or_submit(trinetra, extend(ProviderName::Trinetra), 7);
    /// let Step::Done(Err(error)) = unfindable.start(Time::at(0)) else { panic!("nothing to look up by") };
    /// assert_eq!(error.maybe_submitted, Some(true));
    /// ```
    pub fn find_or_submit(service: S, request: ExtendRequest, seed: u64) -> Self {
        let mut call = Call::new(service, Submit(request), seed);
        let ambiguity = Error::new(ErrorCode::Aborted, "the chain stopped while this step's submit was under way");
        call.phase = Phase::LookingUp { ambiguity, resumed: true };
        call
    }
}

impl<S: Service> Call<S, Read> {
    /// A read of the job `id` names (`getJob`); `seed` seeds the jitter of
    /// its backoff.
    ///
    /// ```
    /// # use kling_extend_core::client::call::Call;
    /// # use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::http::HttpResponse;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// # let response = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// # let answer = |status, body: &str| Event::Response(response(status, body));
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let mut read = Call::read(config(r#"{"apiKey":"sk-test","timeoutMs":5000}"#), JobId::new("j1").unwrap(), 7);
    /// let Step::Send { request, timeout_ms, .. } = read.start(Time::at(0)) else { panic!("a read sends first") };
    /// assert_eq!((request.url.as_str(), timeout_ms), ("https://brahmand-api.bulletshorts.co/v1/jobs/j1", 5_000));
    /// ```
    pub fn read(service: S, id: JobId, seed: u64) -> Self {
        Call::new(service, Read(id), seed)
    }
}

/// `job` if it is the one `id` names, else `bad_response`.
pub(crate) fn expect_job<S: Service>(service: &S, job: Job, id: &JobId, response: &HttpResponse) -> Result<Job, Error> {
    if service.identifies(&job, id) { Ok(job) } else { Err(bad_body(response, "the document of another job")) }
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

pub(crate) fn aborted() -> Error {
    Error::new(ErrorCode::Aborted, "the call was aborted by its signal")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testing::{
        Input, Options, abort, drive, extend, fail, job_id, kling, respond, secret, trinetra,
    };
    use crate::providers::ClientConfig;
    use crate::providers::kling::KlingAuth;
    use crate::types::job::Status;
    use crate::types::json::Value;
    use crate::types::provider::ProviderName;

    fn options() -> Options {
        trinetra("secret-key-1").base_url("http://127.0.0.1:9").max_retries(2)
    }

    fn submit_with(options: Options) -> Call<ClientConfig, Submit> {
        Call::submit(options.config(), extend(ProviderName::Trinetra, "v"), 1, [7; 16])
    }

    fn submit() -> Call<ClientConfig, Submit> {
        submit_with(options())
    }

    fn read() -> Call<ClientConfig, Read> {
        Call::read(options().config(), job_id("j"), 1)
    }

    #[test]
    fn a_read_retries_server_errors_then_succeeds() {
        let mut h = drive(read(), []);
        assert_eq!(h.expect_send().method, Method::Get);
        let wait = h.then(respond(503, &[], "")).expect_wait(Pause::Retry);
        assert!((250..=500).contains(&wait));
        h.then(Input::WaitOut).expect_send();
        let job = h.then(respond(200, &[], r#"{"id":"j","status":"running"}"#)).expect_done();
        assert_eq!(job.status, Status::Running);
    }

    #[test]
    fn a_network_error_names_the_request_and_in_a_page_the_likely_cors_refusal() {
        let page = |in_page: bool| {
            let options = if in_page { options().in_page() } else { options() };
            let mut h = drive(submit_with(options.max_retries(0)), []);
            let url = h.expect_send().url;
            (url, h.then(fail(Transport::Network)).expect_error().message)
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
        let mut read = drive(read(), []);
        let url = read.expect_send().url;
        for _ in 0..2 {
            read.then(fail(Transport::ConnectFailed)).expect_wait(Pause::Retry);
            read.then(Input::WaitOut).expect_send();
        }
        let e = read.then(fail(Transport::Timeout)).expect_error();
        assert!(e.message.starts_with(&format!("GET {url}: no response within timeoutMs")), "{}", e.message);
    }

    #[test]
    fn a_request_that_never_left_is_neither_retried_nor_maybe_submitted() {
        let e = drive(submit(), [fail(Transport::NeverSent)]).expect_error();
        assert_eq!((e.code, e.retryable, e.maybe_submitted), (ErrorCode::NetworkError, false, Some(false)));
        assert!(e.message.contains("never left"), "{}", e.message);
        assert!(!drive(read(), [fail(Transport::NeverSent)]).expect_error().retryable);
    }

    #[test]
    fn redirects_and_oversized_bodies_are_bad_responses_never_retried() {
        for (transport, status) in
            [(Transport::Redirected { status: 307 }, Some(307)), (Transport::TooLarge { limit: 8 }, None)]
        {
            let e = drive(submit(), [fail(transport)]).expect_error();
            assert_eq!((e.code, e.status, e.maybe_submitted), (ErrorCode::BadResponse, status, Some(true)));
            let e = drive(read(), [fail(transport)]).expect_error();
            assert_eq!((e.code, e.retryable), (ErrorCode::BadResponse, false));
        }
    }

    #[test]
    fn a_document_for_another_job_is_a_bad_response() {
        let other = respond(200, &[], r#"{"id":"someone-else","status":"succeeded"}"#);
        let e = drive(read(), [other]).expect_error();
        assert_eq!(e.code, ErrorCode::BadResponse);
        assert!(e.message.contains("another job"), "{}", e.message);
    }

    #[test]
    fn every_send_carries_the_body_limit() {
        assert_eq!(drive(read(), []).expect_sent().max_bytes, 8_388_608);
    }

    #[test]
    fn a_read_obeys_retry_after_and_stops_when_retries_run_out() {
        let mut h = drive(read(), [respond(429, &[("retry-after", "2")], "")]);
        assert_eq!(h.expect_wait(Pause::Retry), 2000);
        h.play([Input::WaitOut, fail(Transport::Network)]).expect_wait(Pause::Retry);
        let e = h.play([Input::WaitOut, respond(502, &[], "")]).expect_error();
        assert_eq!((e.code, e.retryable, e.maybe_submitted), (ErrorCode::ServerError, true, None));
    }

    #[test]
    fn a_read_does_not_retry_client_errors_or_long_hints() {
        assert_eq!(drive(read(), [respond(401, &[], "")]).expect_error().code, ErrorCode::Unauthorized);
        let e = drive(read(), [respond(429, &[("retry-after", "3600")], "")]).expect_error();
        assert_eq!(e.retry_after_ms, Some(3_600_000));
    }

    #[test]
    fn a_submit_is_repeated_only_when_it_was_refused() {
        let mut h = drive(submit(), []);
        assert_eq!(h.expect_send().method, Method::Post);
        h.then(respond(429, &[("retry-after", "1")], "")).expect_wait(Pause::Retry);
        h.play([Input::WaitOut, respond(503, &[], "")]).expect_wait(Pause::Retry);
        let accepted = respond(202, &[], r#"{"job_id":"j1","status":"queued"}"#);
        assert_eq!(h.play([Input::WaitOut, accepted]).expect_done().job_id, "j1");
    }

    #[test]
    fn an_ambiguous_submit_is_never_repeated() {
        for input in [
            fail(Transport::Network),
            fail(Transport::Timeout),
            respond(500, &[], ""),
            respond(502, &[("content-type", "text/html")], "<html></html>"),
            respond(202, &[], "{\"job_id\": "),
        ] {
            let e = drive(submit(), [input]).expect_error();
            assert_eq!((e.maybe_submitted, e.retryable), (Some(true), false), "{e:?}");
        }
    }

    #[test]
    fn a_submit_that_never_connected_is_repeated() {
        let mut h = drive(submit(), [fail(Transport::ConnectFailed)]);
        h.expect_wait(Pause::Retry);
        let e = h.play([Input::WaitOut, respond(400, &[], r#"{"error":{"message":"bad video"}}"#)]).expect_error();
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::InvalidRequest, Some(false)));
    }

    #[test]
    fn an_abort_reports_whether_the_submit_was_in_flight() {
        assert_eq!(drive(submit(), [abort(true)]).expect_error().maybe_submitted, Some(true));
        assert_eq!(drive(submit(), [abort(false)]).expect_error().maybe_submitted, Some(false));
        let e = drive(submit(), [respond(429, &[], ""), abort(false)]).expect_error();
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::Aborted, Some(false)));
    }

    /// Kling with access and secret keys, one retry.
    fn kling_submit() -> Call<ClientConfig, Submit> {
        let keys = KlingAuth::Keys { access_key: secret("ak"), secret_key: secret("sk-secret") };
        Call::submit(kling(keys).max_retries(1).config(), extend(ProviderName::Kling, "v"), 1, [0x11; 16])
    }

    const TASK: &str = r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#;
    const NO_SUCH_TASK: &str = r#"{"code":1203,"message":"no such task"}"#;

    #[test]
    fn an_ambiguous_kling_submit_is_found_by_its_external_id() {
        let mut h = drive(kling_submit(), []);
        let submit = h.expect_send();
        let external = submit.body.as_ref().and_then(|b| b.get("external_task_id")).and_then(Value::as_str).unwrap();
        let lookup = h.then(fail(Transport::Network)).expect_send();
        assert_eq!((lookup.method, lookup.url.ends_with(external)), (Method::Get, true));
        assert_eq!(h.then(respond(200, &[], TASK)).expect_done().job_id, "t1");
    }

    #[test]
    fn a_kling_submit_that_was_not_created_is_sent_once_more() {
        let mut h = drive(kling_submit(), [respond(500, &[], r#"{"code":5000,"message":"oops"}"#)]);
        h.expect_send();
        assert_eq!(h.then(respond(404, &[], NO_SUCH_TASK)).expect_send().method, Method::Post);
        h.then(fail(Transport::Timeout)).expect_send();
        let e = h.then(respond(404, &[], NO_SUCH_TASK)).expect_error();
        assert_eq!((e.code, e.maybe_submitted, e.retryable), (ErrorCode::Timeout, Some(false), true));
    }

    #[test]
    fn a_lookup_that_finds_another_task_leaves_the_submit_unknown() {
        let mut h = drive(kling_submit(), [fail(Transport::Network)]);
        h.expect_send();
        let other = r#"{"code":0,"data":{"task_id":"t9","task_status":"submitted","task_info":{"external_task_id":"ke-other"}}}"#;
        let e = h.then(respond(200, &[], other)).expect_error();
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::NetworkError, Some(true)));
    }

    #[test]
    fn a_failed_lookup_leaves_the_submit_unknown() {
        let mut h = drive(kling_submit(), [fail(Transport::Network)]);
        h.expect_send();
        let e = h.then(fail(Transport::Network)).expect_error();
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::NetworkError, Some(true)));
    }

    #[test]
    fn an_expired_token_is_signed_again_once() {
        let mut h = drive(kling_submit(), []);
        let first = h.expect_send();
        let expired = r#"{"code":1004,"message":"token expired"}"#;
        let second = h.play([Input::Tick(60_000), respond(401, &[], expired)]).expect_send();
        assert_ne!(first.header("authorization"), second.header("authorization"));
        let e = h.then(respond(401, &[], expired)).expect_error();
        assert_eq!((e.code, e.provider_code, e.maybe_submitted), (ErrorCode::Unauthorized, Some(1004), Some(false)));
        assert!(!e.message.contains("sk-secret"));
    }

    #[test]
    fn a_kling_account_out_of_credit_fails_at_once() {
        let exhausted = respond(429, &[], r#"{"code":1102,"message":"resource pack exhausted"}"#);
        let e = drive(kling_submit(), [exhausted]).expect_error();
        assert_eq!((e.code, e.provider_code, e.retryable), (ErrorCode::InsufficientCredits, Some(1102), false));
        let too_fast = respond(429, &[], r#"{"code":1302,"message":"too fast"}"#);
        drive(kling_submit(), [too_fast]).expect_wait(Pause::Retry);
    }

    #[test]
    fn a_refusal_in_the_body_is_final_whatever_the_status() {
        let refused = respond(200, &[], r#"{"code":1201,"message":"bad prompt"}"#);
        let e = drive(kling_submit(), [refused]).expect_error();
        assert_eq!((e.code, e.maybe_submitted), (ErrorCode::InvalidRequest, Some(false)));
        let internal = respond(200, &[], r#"{"code":5000,"message":"internal"}"#);
        assert_eq!(drive(kling_submit(), [internal]).expect_send().method, Method::Get);
    }
}
