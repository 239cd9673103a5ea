//! The sans-IO protocol between a state machine and its driver.
//!
//! A machine never performs I/O and never reads a clock: it asks for an HTTP
//! exchange or a wait by returning a [`Step`], and learns what happened through
//! an [`Event`] that comes with the [`Time`]. Drivers (the wasm layer, tests)
//! stay a dozen lines long. The protocol names no concrete machine, value or
//! progress: what a machine reports is its own [`Machine::Update`].
//!
//! A driver's whole loop, here with a canned answer where a real driver
//! sends the request (the Rust client's `driver.rs` and the npm package's
//! `driver.js` are this loop with a network and a timer):
//!
//! ```
//! use kling_extend_core::client::call::Call;
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
//! let mut machine = Call::read(config, JobId::new("j1").unwrap(), 7);
//! let mut now = 0;
//! let mut step = machine.start(Time::at(now));
//! let job = loop {
//!     now += 10;
//!     step = match step {
//!         Step::Send { request, .. } => {
//!             assert!(request.url.ends_with("/v1/jobs/j1"));
//!             let body = br#"{"id":"j1","status":"running"}"#.to_vec();
//!             machine.handle(Event::Response(HttpResponse { status: 200, headers: vec![], body }), Time::at(now))
//!         }
//!         Step::Wait { ms, .. } => {
//!             now += ms;
//!             machine.handle(Event::Waited, Time::at(now))
//!         }
//!         Step::Done(result) => break result.unwrap(),
//!     };
//! };
//! assert_eq!((job.id.as_str(), job.status), ("j1", Status::Running));
//! ```

use crate::types::error::Result;
use crate::types::http::{HttpRequest, HttpResponse, Transport};

/// What the driver must do next: the only way a machine acts on the world.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::machine::{Machine, Step, Time};
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::Method;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test","timeoutMs":5000}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
/// match read.start(Time::at(0)) {
///     Step::Send { request, timeout_ms, max_bytes } => {
///         assert_eq!((request.method, timeout_ms), (Method::Get, 5_000));
///         assert_eq!(max_bytes, 8 << 20, "the default maxResponseBytes");
///     }
///     other => panic!("a read starts with its request, not {other:?}"),
/// }
/// ```
#[derive(Debug)]
pub enum Step<T> {
    /// Perform this HTTP exchange, giving up after `timeout_ms` or once the
    /// body passes `max_bytes` (then report [`Transport::TooLarge`]).
    Send {
        /// The request to send, as is: its URL, headers and JSON body.
        request: HttpRequest,
        /// How long the exchange may take; then report [`Transport::Timeout`].
        timeout_ms: u32,
        /// The longest body to read (`maxResponseBytes`).
        max_bytes: u32,
    },
    /// Sleep this long (abortable), then report [`Event::Waited`].
    Wait {
        /// How long to sleep, in milliseconds.
        ms: u64,
        /// Why: a retry's backoff or a poll's pace (for the log).
        pause: Pause,
    },
    /// The machine has ended with its output or its error: stop driving it.
    Done(Result<T>),
}

impl<T> Step<T> {
    /// The same step, with `transform` applied to its result if it has one:
    /// a driver that holds machines of several outputs turns each into one
    /// type (the npm bindings turn each into JSON).
    ///
    /// ```
    /// use kling_extend_core::client::machine::{Pause, Step};
    ///
    /// let done: Step<usize> = Step::Done(Ok(3));
    /// assert!(matches!(done.map(|n| n.to_string()), Step::Done(Ok(text)) if text == "3"));
    /// let wait: Step<usize> = Step::Wait { ms: 500, pause: Pause::Retry };
    /// assert!(matches!(wait.map(|n| n.to_string()), Step::Wait { ms: 500, pause: Pause::Retry }));
    /// ```
    pub fn map<U>(self, transform: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Send { request, timeout_ms, max_bytes } => Step::Send { request, timeout_ms, max_bytes },
            Step::Wait { ms, pause } => Step::Wait { ms, pause },
            Step::Done(result) => Step::Done(result.map(transform)),
        }
    }

    /// Splits off a successful end: `Ok(value)` for `Done(Ok(value))`, else
    /// the step itself, for a composite machine to pass on to its driver.
    pub(crate) fn success<U>(self) -> Result<T, Step<U>> {
        match self {
            Step::Done(Ok(value)) => Ok(value),
            Step::Send { request, timeout_ms, max_bytes } => Err(Step::Send { request, timeout_ms, max_bytes }),
            Step::Wait { ms, pause } => Err(Step::Wait { ms, pause }),
            Step::Done(Err(error)) => Err(Step::Done(Err(error))),
        }
    }
}

/// Why a machine waits: the log tells a retry from a poll's pace.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::machine::{Event, Machine, Pause, Step, Time};
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::Transport;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
/// let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
/// read.start(Time::at(0));
/// // A timed-out read is tried again after a backoff.
/// let step = read.handle(Event::Failed(Transport::Timeout), Time::at(30_000));
/// assert!(matches!(step, Step::Wait { pause: Pause::Retry, .. }));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pause {
    /// A backoff after a failed attempt, before trying again.
    Retry,
    /// A poll's wait before its next read of a job still under way.
    NextRead,
}

/// What happened since the last step: the driver's report of a
/// [`Step::Send`] (a response or a failure), of a [`Step::Wait`], or of the
/// caller's abort at any time.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::error::ErrorCode;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
/// let read = || Call::read(config.clone(), JobId::new("j1").unwrap(), 7);
///
/// let mut answered = read();
/// answered.start(Time::at(0));
/// let refused = HttpResponse { status: 404, headers: vec![], body: b"{}".to_vec() };
/// let Step::Done(Err(error)) = answered.handle(Event::Response(refused), Time::at(10)) else { panic!() };
/// assert_eq!(error.code, ErrorCode::NotFound);
///
/// let mut aborted = read();
/// aborted.start(Time::at(0));
/// let Step::Done(Err(error)) = aborted.handle(Event::Aborted { in_flight: true }, Time::at(10)) else { panic!() };
/// assert_eq!(error.code, ErrorCode::Aborted);
/// ```
#[derive(Clone, Debug)]
pub enum Event {
    /// The service answered [`Step::Send`]'s request (any status).
    Response(HttpResponse),
    /// [`Step::Send`]'s request got no response the core can read.
    Failed(Transport),
    /// [`Step::Wait`]'s wait ended.
    Waited,
    /// The caller's signal fired. `in_flight` is true when a request had
    /// been handed to the network, so the service may have acted on it.
    Aborted {
        /// Whether a request was under way when the signal fired.
        in_flight: bool,
    },
}

/// When an input happened, by two clocks. A wall clock can step (NTP, a
/// user, a VM resumed), so deadlines, waits and durations run on the
/// monotonic one; only what is compared with the service's own clock (a
/// token's lifetime, an HTTP date in `Retry-After`) reads the wall clock.
///
/// A driver reads both at each input:
///
/// ```
/// use kling_extend_core::client::machine::Time;
/// use std::time::{Instant, SystemTime, UNIX_EPOCH};
///
/// let origin = Instant::now(); // the driver's, taken once
/// let now = Time {
///     monotonic_ms: origin.elapsed().as_millis() as u64,
///     unix_ms: SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64,
/// };
/// assert!(now.unix_ms > 1_600_000_000_000 && now.monotonic_ms < 60_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    /// Milliseconds from any fixed origin; never goes back.
    pub monotonic_ms: u64,
    /// Unix milliseconds.
    pub unix_ms: u64,
}

impl Time {
    /// Both clocks reading `ms`: a fake clock, for tests.
    ///
    /// ```
    /// use kling_extend_core::client::machine::Time;
    ///
    /// assert_eq!(Time::at(1_500), Time { monotonic_ms: 1_500, unix_ms: 1_500 });
    /// ```
    pub fn at(ms: u64) -> Time {
        Time { monotonic_ms: ms, unix_ms: ms }
    }
}

/// A sans-IO state machine: the call, poll, run and chain machines, and the
/// wrappers around them (the log's, the redaction's). Its driver calls
/// [`start`](Machine::start) once, then [`handle`](Machine::handle) with
/// what became of each step until one is [`Step::Done`], and drains
/// [`take_update`](Machine::take_update) after every step.
///
/// A machine of one's own, a wait then an answer, to show the protocol:
///
/// ```
/// use kling_extend_core::client::machine::{Event, Machine, Pause, Step, Time};
///
/// /// Waits `ms`, then ends with how long the wait really took.
/// struct Sleep { ms: u64, started: u64 }
///
/// impl Machine for Sleep {
///     type Output = u64;
///     type Update = ();
///
///     fn start(&mut self, now: Time) -> Step<u64> {
///         self.started = now.monotonic_ms;
///         Step::Wait { ms: self.ms, pause: Pause::NextRead }
///     }
///
///     fn handle(&mut self, _: Event, now: Time) -> Step<u64> {
///         Step::Done(Ok(now.monotonic_ms - self.started))
///     }
/// }
///
/// // Boxed, as drivers hold machines of several kinds.
/// let mut sleep: Box<dyn Machine<Output = u64, Update = ()>> = Box::new(Sleep { ms: 250, started: 0 });
/// assert!(matches!(sleep.start(Time::at(1_000)), Step::Wait { ms: 250, .. }));
/// assert!(sleep.take_update().is_none(), "nothing to report by default");
/// assert!(matches!(sleep.handle(Event::Waited, Time::at(1_260)), Step::Done(Ok(260))));
/// ```
pub trait Machine {
    /// What it ends with: a [`Job`](crate::types::job::Job) for a read or a
    /// poll, a submission for a submit, every job for a chain.
    ///
    /// ```
    /// use kling_extend_core::client::call::{Call, Read};
    /// use kling_extend_core::client::machine::Machine;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::job::Job;
    ///
    /// fn output_of<M: Machine<Output = Job>>() {}
    /// output_of::<Call<ClientConfig, Read>>(); // a read ends with a job
    /// ```
    type Output;
    /// What it reports besides its steps (progress, log lines): the
    /// client's machines report an [`Update`](crate::client::update::Update).
    ///
    /// ```
    /// use kling_extend_core::client::machine::Machine;
    /// use kling_extend_core::client::poll::Poll;
    /// use kling_extend_core::client::update::Update;
    /// use kling_extend_core::providers::ClientConfig;
    ///
    /// fn reports<M: Machine<Update = Update>>() {}
    /// reports::<Poll<ClientConfig>>(); // each status it reads
    /// ```
    type Update;

    /// The first step, at `now` (when deadlines start to run).
    ///
    /// ```
    /// use kling_extend_core::client::call::Call;
    /// use kling_extend_core::client::machine::{Machine, Step, Time};
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
    /// let step = Call::read(config, JobId::new("j1").unwrap(), 7).start(Time::at(0));
    /// assert!(matches!(step, Step::Send { request, .. } if request.url.ends_with("/v1/jobs/j1")));
    /// ```
    fn start(&mut self, now: Time) -> Step<Self::Output>;

    /// The next step, given what became of the last one at `now`.
    ///
    /// ```
    /// use kling_extend_core::client::call::Call;
    /// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::http::Transport;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let options = parse(br#"{"apiKey":"sk-test","maxRetries":0}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
    /// read.start(Time::at(0));
    /// // No retries left: the failure ends the call, naming the request.
    /// let step = read.handle(Event::Failed(Transport::ConnectFailed), Time::at(20));
    /// let Step::Done(Err(error)) = step else { panic!("{step:?}") };
    /// assert!(error.message.starts_with("GET https://"), "{}", error.message);
    /// ```
    fn handle(&mut self, event: Event, now: Time) -> Step<Self::Output>;

    /// Progress to report; the driver drains these after every step.
    ///
    /// ```
    /// use kling_extend_core::client::machine::{Event, Machine, Time};
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
    /// poll.start(Time::at(0));
    /// let body = br#"{"id":"j1","status":"running"}"#.to_vec();
    /// poll.handle(Event::Response(HttpResponse { status: 200, headers: vec![], body }), Time::at(10));
    /// // The job's new status, once; then nothing until it changes.
    /// assert!(matches!(poll.take_update(), Some(Update::Status(job)) if job.status == Status::Running));
    /// assert!(poll.take_update().is_none());
    /// ```
    fn take_update(&mut self) -> Option<Self::Update> {
        None
    }
}

/// A boxed machine is one: drivers hold machines of several kinds as
/// `Box<dyn Machine<Output = …, Update = …>>`, and wrappers (the log's, the
/// redaction's) take them whole.
impl<M: Machine + ?Sized> Machine for Box<M> {
    type Output = M::Output;
    type Update = M::Update;

    fn start(&mut self, now: Time) -> Step<Self::Output> {
        (**self).start(now)
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<Self::Output> {
        (**self).handle(event, now)
    }

    fn take_update(&mut self) -> Option<M::Update> {
        (**self).take_update()
    }
}
