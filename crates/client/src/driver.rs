//! The driver: performs the steps a core machine asks for and reports what
//! happened, with the time by both clocks. It decides nothing (as
//! `src/js/lib/driver.js` for the npm package): every retry, wait and
//! result is the machine's.

use crate::runtime::Runtime;
use crate::transport::{HttpClient, HttpRequest, TransportError, TransportErrorKind};
use kling_extend_core::client::machine::{Event, Machine, Step, Time};
use kling_extend_core::types::error::Error as CoreError;
use kling_extend_core::types::http::{self as core_http, HttpResponse, Transport, RESPONSE_HEADERS};
use std::future::{poll_fn, Future};
use std::pin::pin;
use std::task::Poll;
use std::time::Duration;

/// What a transport's failure leaves besides the event: its cause, kept
/// for the call's error.
pub(crate) type Cause = Option<Box<dyn std::error::Error + Send + Sync>>;

/// Runs `machine` to its end: its result, or its error with the cause of
/// the last failed exchange. Each of its updates goes to `report` as soon as
/// the step that made it is known, before that step is performed: a chain's
/// progress is reported before the submit it records is sent.
pub(crate) async fn drive<M: Machine>(
    mut machine: M,
    http: &dyn HttpClient,
    runtime: &dyn Runtime,
    report: &mut impl FnMut(M::Update),
) -> Result<M::Output, (CoreError, Cause)> {
    let mut cause = None;
    let mut clock = Clock::default();
    let mut step = machine.start(clock.now(runtime));
    loop {
        while let Some(update) = machine.take_update() {
            report(update);
        }
        let event = match step {
            Step::Done(result) => return result.map_err(|error| (error, cause)),
            Step::Wait { ms, .. } => {
                runtime.sleep(Duration::from_millis(ms)).await;
                clock.waited(ms);
                Event::Waited
            }
            Step::Send { request, timeout_ms, max_bytes } => {
                let (event, failure) = exchange(request, timeout_ms, max_bytes, http, runtime).await;
                cause = failure;
                event
            }
        };
        step = machine.handle(event, clock.now(runtime));
    }
}

/// The runtime's time as the core takes it. The monotonic reading counts
/// from the call's start and adds up only the runtime's forward steps, so a
/// clock that goes back (a runtime built on `SystemTime`) neither ends a
/// wait nor stretches one by the size of its step, and one near the end of
/// its range cannot carry a deadline past it. A wait counts at least the
/// time it was asked for, so a clock that stands still (or a sleep that
/// returns early) cannot keep a deadline from coming: a poll would read
/// without end.
#[derive(Default)]
struct Clock {
    /// The runtime's last reading, and the time passed as the core counts it.
    last: Option<(u64, u64)>,
    /// The least time passed as the core counts it: the end of the last wait.
    floor: u64,
}

impl Clock {
    fn now(&mut self, runtime: &dyn Runtime) -> Time {
        let reading = runtime.monotonic_ms();
        let counted = match self.last {
            Some((last, counted)) => counted.saturating_add(reading.saturating_sub(last)),
            None => 0,
        }
        .max(self.floor);
        self.last = Some((reading, counted));
        Time { monotonic_ms: counted, unix_ms: runtime.unix_ms() }
    }

    /// A wait of `ms`, asked for at the last reading, has ended.
    fn waited(&mut self, ms: u64) {
        let asked_at = self.last.map_or(0, |(_, counted)| counted);
        self.floor = self.floor.max(asked_at.saturating_add(ms));
    }
}

/// One exchange, cut short after `timeout_ms`: the response as the core
/// reads it, or the failure. A redirect is reported, never followed, and a
/// body past `max_bytes` is too large even from a client that read it all.
async fn exchange(
    request: core_http::HttpRequest,
    timeout_ms: u32,
    max_bytes: u32,
    http: &dyn HttpClient,
    runtime: &dyn Runtime,
) -> (Event, Cause) {
    let sent = http.send(outgoing(request, max_bytes));
    let timer = runtime.sleep(Duration::from_millis(timeout_ms.into()));
    let Some(answer) = first(sent, timer).await else {
        return (Event::Failed(Transport::Timeout), None);
    };
    match answer {
        // Status 0: a browser's opaque redirect, which hides its status.
        Ok(response) if response.status == 0 || (300..400).contains(&response.status) => {
            (Event::Failed(Transport::Redirected { status: response.status }), None)
        }
        Ok(response) if response.body.len() > max_bytes as usize => {
            (Event::Failed(Transport::TooLarge { limit: max_bytes }), None)
        }
        Ok(response) => (Event::Response(incoming(response)), None),
        Err(error) => (Event::Failed(transport(&error, max_bytes)), error.into_source()),
    }
}

/// The core's request as a transport takes it: the body serialised, the
/// credentials exposed (for the wire only).
fn outgoing(request: core_http::HttpRequest, max_bytes: u32) -> HttpRequest {
    let headers = request.headers.into_iter().map(|(name, value)| (name, value.as_str().to_owned())).collect();
    let body = request.body.map(|document| document.to_json().into_bytes());
    HttpRequest { method: request.method.as_str(), url: request.url, headers, body, max_bytes }
}

/// The response as the core reads it: only the headers it reads, by lower-case name.
fn incoming(response: crate::transport::HttpResponse) -> HttpResponse {
    let headers = response
        .headers
        .into_iter()
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .filter(|(name, _)| RESPONSE_HEADERS.contains(&name.as_str()))
        .collect();
    HttpResponse { status: response.status, headers, body: response.body }
}

fn transport(error: &TransportError, max_bytes: u32) -> Transport {
    match error.kind() {
        TransportErrorKind::ConnectFailed => Transport::ConnectFailed,
        TransportErrorKind::NeverSent => Transport::NeverSent,
        TransportErrorKind::Network => Transport::Network,
        TransportErrorKind::TooLarge => Transport::TooLarge { limit: max_bytes },
    }
}

/// `work`'s output, or `None` if `deadline` completes first (then `work` is dropped).
async fn first<T>(work: impl Future<Output = T>, deadline: impl Future<Output = ()>) -> Option<T> {
    let (mut work, mut deadline) = (pin!(work), pin!(deadline));
    poll_fn(|context| {
        if let Poll::Ready(value) = work.as_mut().poll(context) {
            return Poll::Ready(Some(value));
        }
        deadline.as_mut().poll(context).map(|()| None)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A runtime that reads the monotonic clock from a script.
    struct Readings(AtomicUsize, Vec<u64>);

    impl Runtime for Readings {
        fn sleep(&self, _: Duration) -> crate::runtime::BoxFuture<'static, ()> {
            Box::pin(async {})
        }

        fn monotonic_ms(&self) -> u64 {
            self.1[self.0.fetch_add(1, Ordering::SeqCst)]
        }

        fn unix_ms(&self) -> u64 {
            0
        }
    }

    #[test]
    fn a_clock_that_steps_back_counts_only_its_forward_steps() {
        let hour = 3_600_000;
        let runtime = Readings(AtomicUsize::new(0), vec![hour, hour + 500, 0, 1_000, 400, u64::MAX]);
        let mut clock = Clock::default();
        let counted: Vec<u64> = (0..6).map(|_| clock.now(&runtime).monotonic_ms).collect();
        assert_eq!(counted, [0, 500, 500, 1_500, 1_500, u64::MAX]);
    }

    #[test]
    fn a_wait_counts_at_least_what_was_asked_and_the_clock_then_goes_on_from_there() {
        let runtime = Readings(AtomicUsize::new(0), vec![5, 5, 5, 2_000, 9_000]);
        let mut clock = Clock::default();
        assert_eq!(clock.now(&runtime).monotonic_ms, 0);
        clock.waited(1_000);
        assert_eq!(clock.now(&runtime).monotonic_ms, 1_000, "a clock that stood still through the wait");
        clock.waited(250);
        assert_eq!(clock.now(&runtime).monotonic_ms, 1_250);
        assert_eq!(clock.now(&runtime).monotonic_ms, 3_245, "then its own steps count again");
        clock.waited(10);
        assert_eq!(clock.now(&runtime).monotonic_ms, 10_245, "a wait that took longer counts what it took");
    }
}
