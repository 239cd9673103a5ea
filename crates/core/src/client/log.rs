//! What a call tells the caller's logger (`logLevel`, `logger`): each
//! attempt with its method, URL, status and time; each wait and retry; how
//! the call ended. [`Logged`] wraps any machine and watches the steps and
//! events that pass, so the machines themselves never log; its lines carry
//! no header and no body. They leave through the call's
//! [`Redacted`](crate::client::redacted::Redacted) like every update,
//! so a key a hostile service echoed as a job id never reaches one.
//!
//! ```
//! use kling_extend_core::client::call::Call;
//! use kling_extend_core::client::log::LogPlan;
//! use kling_extend_core::client::log_level::Level;
//! use kling_extend_core::client::machine::{Event, Machine, Time};
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let options = parse(br#"{"apiKey":"sk-test","logLevel":"info"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let plan = LogPlan::of(&config, "getJob").expect("a logLevel");
//! let mut read = plan.wrap(Call::read(config, JobId::new("j1").unwrap(), 7));
//! read.start(Time::at(0));
//! let busy = HttpResponse { status: 503, headers: vec![], body: b"busy".to_vec() };
//! read.handle(Event::Response(busy), Time::at(40));
//! let lines: Vec<(Level, String)> = std::iter::from_fn(|| read.take_update())
//!     .filter_map(|update| match update {
//!         Update::Log { level, message } => Some((level, message)),
//!         _ => None,
//!     })
//!     .collect();
//! assert_eq!(lines.len(), 2, "{lines:?}");
//! assert!(lines[0].0 == Level::Info && lines[0].1.ends_with("/v1/jobs/j1 → 503 (40 ms)"));
//! assert!(lines[1].0 == Level::Warn && lines[1].1.starts_with("retrying GET https://"));
//! ```

use crate::client::classify::{Target, transport_error};
use crate::client::log_level::Level;
use crate::client::machine::{Event, Machine, Pause, Step, Time};
use crate::client::options::ClientConfig;
use crate::client::update::Update;
use crate::types::http::{Method, Transport};

/// A failed attempt's words, its request first, as its error would say.
fn failure(transport: Transport, sent: &Sent) -> String {
    transport_error(transport, sent.timeout_ms, &Target { method: sent.method, url: &sent.url }, false).message
}

/// What [`Logged`] needs of a call's config, taken before its machine owns
/// the config; `None` when the call logs nothing. A driver takes it, moves
/// the config into the call's machine, then wraps the machine.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::log::LogPlan;
/// use kling_extend_core::client::machine::{Machine, Time};
/// use kling_extend_core::client::update::Update;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test","logLevel":"debug"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let plan = LogPlan::of(&config, "getJob");
/// let read = Call::read(config, JobId::new("j1").unwrap(), 7);
/// let mut machine: Box<dyn Machine<Output = _, Update = Update>> = match plan {
///     Some(plan) => Box::new(plan.wrap(read)),
///     None => Box::new(read),
/// };
/// machine.start(Time::at(0));
/// assert!(matches!(machine.take_update(), Some(Update::Log { message, .. }) if message.starts_with("GET ")));
/// ```
pub struct LogPlan {
    threshold: Level,
    what: &'static str,
}

impl LogPlan {
    /// `what`: the API function, named in the last line.
    ///
    /// ```
    /// use kling_extend_core::client::log::LogPlan;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let quiet = ClientConfig::from_value(&parse(br#"{"apiKey":"k"}"#).unwrap(), false).unwrap();
    /// assert!(LogPlan::of(&quiet, "getJob").is_none(), "no logLevel: nothing to log");
    /// let off = ClientConfig::from_value(&parse(br#"{"apiKey":"k","logLevel":"off"}"#).unwrap(), false).unwrap();
    /// assert!(LogPlan::of(&off, "getJob").is_none());
    /// let warn = ClientConfig::from_value(&parse(br#"{"apiKey":"k","logLevel":"warn"}"#).unwrap(), false).unwrap();
    /// assert!(LogPlan::of(&warn, "getJob").is_some());
    /// ```
    pub fn of<P>(config: &ClientConfig<P>, what: &'static str) -> Option<LogPlan> {
        Some(LogPlan { threshold: config.log?, what })
    }

    /// `inner`, logged at the plan's threshold.
    ///
    /// ```
    /// use kling_extend_core::client::call::Call;
    /// use kling_extend_core::client::log::LogPlan;
    /// use kling_extend_core::client::machine::{Event, Machine, Time};
    /// use kling_extend_core::client::update::Update;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::http::Transport;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let options = parse(br#"{"apiKey":"k","logLevel":"error","maxRetries":0}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let plan = LogPlan::of(&config, "getJob").unwrap();
    /// let mut read = plan.wrap(Call::read(config, JobId::new("j1").unwrap(), 7));
    /// read.start(Time::at(0));
    /// assert!(read.take_update().is_none(), "the request's line is below the threshold");
    /// read.handle(Event::Failed(Transport::Timeout), Time::at(30_000));
    /// let Some(Update::Log { message, .. }) = read.take_update() else { panic!() };
    /// assert!(message.starts_with("getJob failed after 30000 ms: timeout: "), "{message}");
    /// ```
    pub fn wrap<M: Machine<Update = Update>>(self, inner: M) -> Logged<M> {
        Logged::new(inner, self.threshold, self.what)
    }
}

/// The request in flight, to time its answer.
struct Sent {
    method: Method,
    url: String,
    timeout_ms: u32,
    at_ms: u64,
}

/// How the last attempt ended, for the line that retries it.
enum Outcome {
    Answered(u16),
    Failed(Transport),
}

/// `inner`, with a log line for what passes through it: each a
/// [`Update::Log`] it reports before `inner`'s own updates.
///
/// ```
/// use kling_extend_core::client::call::Call;
/// use kling_extend_core::client::log::Logged;
/// use kling_extend_core::client::log_level::Level;
/// use kling_extend_core::client::machine::{Machine, Time};
/// use kling_extend_core::client::update::Update;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
/// let mut read = Logged::new(Call::read(config, JobId::new("j1").unwrap(), 7), Level::Debug, "getJob");
/// read.start(Time::at(0));
/// let Some(Update::Log { level, message }) = read.take_update() else { panic!() };
/// assert_eq!(level, Level::Debug);
/// assert!(message.starts_with("GET https://") && message.ends_with("/v1/jobs/j1"), "{message}");
/// assert!(!message.contains("sk-test"), "no header, so no key");
/// ```
pub struct Logged<M> {
    inner: M,
    threshold: Level,
    /// The API function, for the last line ("getJob failed …").
    what: &'static str,
    started_ms: u64,
    sent: Option<Sent>,
    /// The last attempt, once it ended: a retry names it.
    last: Option<(Sent, Outcome)>,
    /// Oldest first; drained after every step, so short.
    lines: Vec<Update>,
}

impl<M: Machine<Update = Update>> Logged<M> {
    /// `inner` logged up to `threshold`; `what`, the API function, names
    /// the call in its last line. (The Rust client takes the threshold from
    /// the `log` crate's, not from a config.)
    ///
    /// ```
    /// use kling_extend_core::client::call::Call;
    /// use kling_extend_core::client::log::Logged;
    /// use kling_extend_core::client::log_level::Level;
    /// use kling_extend_core::client::machine::{Event, Machine, Time};
    /// use kling_extend_core::client::update::Update;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"k"}"#).unwrap(), false).unwrap();
    /// let mut read = Logged::new(Call::read(config, JobId::new("j1").unwrap(), 7), Level::Debug, "getJob");
    /// read.start(Time::at(100));
    /// let done = HttpResponse { status: 200, headers: vec![], body: br#"{"id":"j1","status":"queued"}"#.to_vec() };
    /// read.handle(Event::Response(done), Time::at(350));
    /// let last = std::iter::from_fn(|| read.take_update()).last();
    /// assert!(matches!(last, Some(Update::Log { message, .. }) if message == "getJob done in 250 ms"));
    /// ```
    pub fn new(inner: M, threshold: Level, what: &'static str) -> Self {
        Logged { inner, threshold, what, started_ms: 0, sent: None, last: None, lines: Vec::new() }
    }

    /// Keeps the line if the threshold lets `level` through; the text is
    /// only made then, so a quiet call costs nothing.
    fn log(&mut self, level: Level, message: impl FnOnce() -> String) {
        if level <= self.threshold {
            self.lines.push(Update::Log { level, message: message() });
        }
    }

    fn saw_event(&mut self, event: &Event, now: Time) {
        match (event, self.sent.take()) {
            (Event::Response(response), Some(sent)) => {
                self.log(Level::Info, || {
                    format!(
                        "{} {} → {} ({} ms)",
                        sent.method.as_str(),
                        sent.url,
                        response.status,
                        now.monotonic_ms.saturating_sub(sent.at_ms)
                    )
                });
                self.last = Some((sent, Outcome::Answered(response.status)));
            }
            (Event::Failed(transport), Some(sent)) => {
                self.log(Level::Warn, || {
                    format!(
                        "failed after {} ms: {}",
                        now.monotonic_ms.saturating_sub(sent.at_ms),
                        failure(*transport, &sent)
                    )
                });
                self.last = Some((sent, Outcome::Failed(*transport)));
            }
            (Event::Aborted { .. }, _) => self.log(Level::Info, || "aborted by the caller's signal".to_owned()),
            _ => {}
        }
    }

    /// "retrying GET … in 1000 ms: it answered HTTP 503": what is sent
    /// again and why, at the level a retry is logged.
    fn retrying(&mut self, ms: u64) {
        let last = self.last.take();
        self.log(Level::Warn, || match last {
            Some((sent, Outcome::Answered(status))) => {
                format!("retrying {} {} in {ms} ms: it answered HTTP {status}", sent.method.as_str(), sent.url)
            }
            Some((sent, Outcome::Failed(transport))) => {
                format!("retrying in {ms} ms: {}", failure(transport, &sent))
            }
            None => format!("retrying in {ms} ms"),
        });
    }

    fn saw_step(&mut self, step: &Step<M::Output>, now: Time) {
        let (what, took) = (self.what, now.monotonic_ms.saturating_sub(self.started_ms));
        match step {
            Step::Send { request, timeout_ms, .. } => {
                let sent = Sent {
                    method: request.method,
                    url: request.url.clone(),
                    timeout_ms: *timeout_ms,
                    at_ms: now.monotonic_ms,
                };
                self.log(Level::Debug, || format!("{} {}", sent.method.as_str(), sent.url));
                self.sent = Some(sent);
            }
            Step::Wait { ms, pause: Pause::Retry } => self.retrying(*ms),
            Step::Wait { ms, pause: Pause::NextRead } => {
                self.log(Level::Debug, || format!("the job is not done; next read in {ms} ms"))
            }
            Step::Done(Ok(_)) => self.log(Level::Debug, || format!("{what} done in {took} ms")),
            Step::Done(Err(e)) => {
                self.log(Level::Error, || format!("{what} failed after {took} ms: {}: {}", e.code.as_str(), e.message))
            }
        }
    }
}

impl<M: Machine<Update = Update>> Machine for Logged<M> {
    type Output = M::Output;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<M::Output> {
        self.started_ms = now.monotonic_ms;
        let step = self.inner.start(now);
        self.saw_step(&step, now);
        step
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<M::Output> {
        self.saw_event(&event, now);
        let step = self.inner.handle(event, now);
        self.saw_step(&step, now);
        step
    }

    /// The log lines first: they tell what led to the progress reported.
    fn take_update(&mut self) -> Option<Update> {
        if self.lines.is_empty() { self.inner.take_update() } else { Some(self.lines.remove(0)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::call::{Call, Read};
    use crate::client::machine::Pause;
    use crate::client::poll::Poll;
    use crate::client::testing::{Harness, Input, drive, drive_from, fail, job_id, respond, trinetra};
    use crate::providers::ClientConfig;
    use crate::types::http::Transport;

    const KEY: &str = "sk-live-0123456789";

    /// The log lines reported since the last look.
    fn lines<M: Machine<Update = Update>>(h: &mut Harness<M>) -> Vec<(Level, String)>
    where
        M::Output: std::fmt::Debug,
    {
        let line = |update| match update {
            Update::Log { level, message } => Some((level, message)),
            _ => None,
        };
        h.updates().into_iter().filter_map(line).collect()
    }

    fn logged(threshold: Level, job: &str) -> Logged<Call<ClientConfig, Read>> {
        Logged::new(Call::read(trinetra(KEY).max_retries(1).config(), job_id(job), 1), threshold, "getJob")
    }

    #[test]
    fn an_attempt_a_retry_and_the_failure_are_logged_with_method_url_status_and_time() {
        let mut h = drive_from(logged(Level::Debug, "j1"), Time::at(1_000), []);
        let url = "https://brahmand-api.bulletshorts.co/v1/jobs/j1";
        assert_eq!(lines(&mut h), [(Level::Debug, format!("GET {url}"))]);
        let wait = h.play([Input::Tick(40), respond(503, &[], "busy")]).expect_wait(Pause::Retry);
        let retry = lines(&mut h);
        assert_eq!(retry[0], (Level::Info, format!("GET {url} → 503 (40 ms)")));
        assert_eq!(retry[1], (Level::Warn, format!("retrying GET {url} in {wait} ms: it answered HTTP 503")));
        h.then(Input::WaitOut);
        lines(&mut h);
        h.play([Input::Tick(500), fail(Transport::Timeout)]).expect_error();
        let end = lines(&mut h);
        assert_eq!(end[0].0, Level::Warn);
        let why = "no response within timeoutMs (30000 ms)";
        assert_eq!(end[0].1, format!("failed after 500 ms: GET {url}: {why}"), "{end:?}");
        assert_eq!(end[1].0, Level::Error);
        let total = 40 + wait + 500;
        assert!(end[1].1.starts_with(&format!("getJob failed after {total} ms: timeout: ")), "{end:?}");
    }

    #[test]
    fn the_threshold_keeps_lower_levels_out() {
        let mut h = drive(logged(Level::Warn, "j1"), [Input::Tick(10), respond(503, &[], "busy")]);
        assert_eq!(lines(&mut h).iter().map(|(level, _)| *level).collect::<Vec<_>>(), [Level::Warn]);
    }

    #[test]
    fn a_poll_tells_its_pace_from_a_retry() {
        let options = trinetra(KEY).interval_ms(250);
        let poll = Poll::new(options.config(), options.poll(), job_id("j1"), 1);
        let running = respond(200, &[], r#"{"id":"j1","status":"running"}"#);
        let mut h = drive(Logged::new(poll, Level::Debug, "pollJob"), [Input::Tick(5), running]);
        let paced = lines(&mut h);
        assert_eq!(paced.last(), Some(&(Level::Debug, "the job is not done; next read in 250 ms".to_owned())));
    }
}
