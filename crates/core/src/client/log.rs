//! What a call tells the caller's logger (`logLevel`, `logger`): each
//! attempt with its method, URL, status and time; each wait and retry; how
//! the call ended. [`Logged`] wraps any machine and watches the steps and
//! events that pass, so the machines themselves never log; its lines carry
//! no header and no body. They leave through the call's
//! [`Redacted`](crate::client::redacted::Redacted) like every update,
//! so a key a hostile service echoed as a job id never reaches one.

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
/// the config; `None` when the call logs nothing.
pub struct LogPlan {
    threshold: Level,
    what: &'static str,
}

impl LogPlan {
    /// `what`: the API function, named in the last line.
    pub fn of<P>(config: &ClientConfig<P>, what: &'static str) -> Option<LogPlan> {
        Some(LogPlan { threshold: config.log?, what })
    }

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

/// `inner`, with a log line for what passes through it.
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
