//! The sans-IO protocol between a state machine and its driver.
//!
//! A machine never performs I/O and never reads a clock: it asks for an HTTP
//! exchange or a wait by returning a [`Step`], and learns what happened through
//! an [`Event`] that comes with the [`Time`]. Drivers (the wasm layer, tests)
//! stay a dozen lines long. The protocol names no concrete machine, value or
//! progress: what a machine reports is its own [`Machine::Update`].

use crate::types::error::Result;
use crate::types::http::{HttpRequest, HttpResponse, Transport};

/// What the driver must do next.
#[derive(Debug)]
pub enum Step<T> {
    /// Perform this HTTP exchange, giving up after `timeout_ms` or once the
    /// body passes `max_bytes` (then report [`Transport::TooLarge`]).
    Send {
        request: HttpRequest,
        timeout_ms: u32,
        max_bytes: u32,
    },
    /// Sleep this long (abortable), then report [`Event::Waited`].
    Wait {
        ms: u64,
        pause: Pause,
    },
    Done(Result<T>),
}

impl<T> Step<T> {
    /// The same step, with `transform` applied to its result if it has one.
    pub fn map<U>(self, transform: impl FnOnce(T) -> U) -> Step<U> {
        match self {
            Step::Send { request, timeout_ms, max_bytes } => Step::Send { request, timeout_ms, max_bytes },
            Step::Wait { ms, pause } => Step::Wait { ms, pause },
            Step::Done(result) => Step::Done(result.map(transform)),
        }
    }

    /// Splits off a successful end: `Ok(value)` for `Done(Ok(value))`, else
    /// the step itself, for a composite machine to pass on to its driver.
    pub fn success<U>(self) -> Result<T, Step<U>> {
        match self {
            Step::Done(Ok(value)) => Ok(value),
            Step::Send { request, timeout_ms, max_bytes } => Err(Step::Send { request, timeout_ms, max_bytes }),
            Step::Wait { ms, pause } => Err(Step::Wait { ms, pause }),
            Step::Done(Err(error)) => Err(Step::Done(Err(error))),
        }
    }
}

/// Why a machine waits: the log tells a retry from a poll's pace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pause {
    /// A backoff after a failed attempt, before trying again.
    Retry,
    /// A poll's wait before its next read of a job still under way.
    NextRead,
}

/// What happened since the last step.
#[derive(Clone, Debug)]
pub enum Event {
    Response(HttpResponse),
    Failed(Transport),
    Waited,
    /// The caller's signal fired. `in_flight` is true when a request had
    /// been handed to the network, so the service may have acted on it.
    Aborted {
        in_flight: bool,
    },
}

/// When an input happened, by two clocks. A wall clock can step (NTP, a
/// user, a VM resumed), so deadlines, waits and durations run on the
/// monotonic one; only what is compared with the service's own clock (a
/// token's lifetime, an HTTP date in `Retry-After`) reads the wall clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Time {
    /// Milliseconds from any fixed origin; never goes back.
    pub monotonic_ms: u64,
    /// Unix milliseconds.
    pub unix_ms: u64,
}

impl Time {
    /// Both clocks reading `ms`: a fake clock, for tests.
    pub fn at(ms: u64) -> Time {
        Time { monotonic_ms: ms, unix_ms: ms }
    }
}

pub trait Machine {
    type Output;
    /// What it reports besides its steps (progress, log lines).
    type Update;

    fn start(&mut self, now: Time) -> Step<Self::Output>;

    fn handle(&mut self, event: Event, now: Time) -> Step<Self::Output>;

    /// Progress to report; the driver drains these after every step.
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
