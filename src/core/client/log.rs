//! What a call tells the caller's logger (`logLevel`, `logger`): each
//! attempt with its method, URL, status and time; each wait and retry; how
//! the call ended. [`Logged`] wraps any machine and watches the steps and
//! events that pass, so the machines themselves never log; its lines carry
//! no header and no body, and every credential is scrubbed from them (a
//! hostile service can echo a key as a job id, which then sits in a URL).

use crate::core::client::call::transport_error;
use crate::core::client::machine::{Event, Machine, Pause, Step, Update};
use crate::core::client::options::ClientConfig;
use crate::core::client::service::Service;
use crate::core::types::error::{Error, Result};
use crate::core::types::http::Method;
use crate::core::types::redact::Redact;

/// How much to log, least first: a threshold lets through its own level and
/// those before it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// How a call failed, once, at its end.
    Error,
    /// A failed attempt, and the retry that follows it.
    Warn,
    /// Each answer: method, URL, status, time.
    Info,
    /// Each request as it leaves, each wait between reads, each end.
    Debug,
}

impl Level {
    /// The threshold `word` names (`logLevel`, `KLING_EXTEND_LOG`); `None` is "off".
    pub fn threshold(word: &str, field: &str) -> Result<Option<Level>> {
        Ok(Some(match word {
            "off" => return Ok(None),
            "error" => Level::Error,
            "warn" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            _ => return Err(Error::invalid(field, "must be one of \"off\", \"error\", \"warn\", \"info\", \"debug\"")),
        }))
    }

    /// The name of the logger's method for this level.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

/// What [`Logged`] needs of a call's config, taken before its machine owns
/// the config; `None` when the call logs nothing.
pub struct LogPlan {
    threshold: Level,
    what: &'static str,
    secrets: Vec<String>,
}

impl LogPlan {
    /// `what`: the API function, named in the last line.
    pub fn of(config: &ClientConfig, what: &'static str) -> Option<LogPlan> {
        let threshold = config.log?;
        Some(LogPlan { threshold, what, secrets: config.secrets().into_iter().map(str::to_owned).collect() })
    }

    pub fn wrap<M: Machine>(self, inner: M) -> Logged<M> {
        Logged::new(inner, self.threshold, self.what, self.secrets)
    }
}

/// The request in flight, to time its answer.
struct Sent {
    method: Method,
    url: String,
    timeout_ms: u32,
    at_ms: u64,
}

/// `inner`, with a log line for what passes through it.
pub struct Logged<M> {
    inner: M,
    threshold: Level,
    /// The API function, for the last line ("getJob failed …").
    what: &'static str,
    secrets: Vec<String>,
    started_ms: u64,
    sent: Option<Sent>,
    /// Oldest first; drained after every step, so short.
    lines: Vec<Update>,
}

impl<M: Machine> Logged<M> {
    pub fn new(inner: M, threshold: Level, what: &'static str, secrets: Vec<String>) -> Self {
        Logged { inner, threshold, what, secrets, started_ms: 0, sent: None, lines: Vec::new() }
    }

    /// Keeps the line if the threshold lets `level` through; the text is
    /// only made then, so a quiet call costs nothing.
    fn log(&mut self, level: Level, message: impl FnOnce() -> String) {
        if level <= self.threshold {
            let secrets: Vec<&str> = self.secrets.iter().map(String::as_str).collect();
            self.lines.push(Update::Log { level, message: message().redacted(&secrets) });
        }
    }

    fn saw_event(&mut self, event: &Event, now_ms: u64) {
        match (event, self.sent.take()) {
            (Event::Response(response), Some(sent)) => self.log(Level::Info, || {
                format!("{} {} → {} ({} ms)", sent.method.as_str(), sent.url, response.status, now_ms - sent.at_ms)
            }),
            (Event::Failed(transport), Some(sent)) => {
                let why = transport_error(*transport, sent.timeout_ms).message;
                self.log(Level::Warn, || {
                    format!("{} {} failed after {} ms: {why}", sent.method.as_str(), sent.url, now_ms - sent.at_ms)
                })
            }
            (Event::Aborted { .. }, _) => self.log(Level::Info, || "aborted by the caller's signal".to_owned()),
            _ => {}
        }
    }

    fn saw_step(&mut self, step: &Step<M::Output>, now_ms: u64) {
        let (what, took) = (self.what, now_ms - self.started_ms);
        match step {
            Step::Send { request, timeout_ms, .. } => {
                let sent =
                    Sent { method: request.method, url: request.url.clone(), timeout_ms: *timeout_ms, at_ms: now_ms };
                self.log(Level::Debug, || format!("{} {}", sent.method.as_str(), sent.url));
                self.sent = Some(sent);
            }
            Step::Wait { ms, pause: Pause::Retry } => self.log(Level::Warn, || format!("retrying in {ms} ms")),
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

impl<M: Machine> Machine for Logged<M> {
    type Output = M::Output;

    fn start(&mut self, now_ms: u64) -> Step<M::Output> {
        self.started_ms = now_ms;
        let step = self.inner.start(now_ms);
        self.saw_step(&step, now_ms);
        step
    }

    fn handle(&mut self, event: Event, now_ms: u64) -> Step<M::Output> {
        self.saw_event(&event, now_ms);
        let step = self.inner.handle(event, now_ms);
        self.saw_step(&step, now_ms);
        step
    }

    /// The log lines first: they tell what led to the progress reported.
    fn take_update(&mut self) -> Option<Update> {
        if self.lines.is_empty() {
            self.inner.take_update()
        } else {
            Some(self.lines.remove(0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::call::Call;
    use crate::core::client::options::PollConfig;
    use crate::core::client::poll::Poll;
    use crate::core::types::http::{HttpResponse, Transport};
    use crate::core::types::job::Job;
    use crate::core::types::job_id::JobId;
    use crate::core::types::json::{parse, Value};

    const KEY: &str = "sk-live-0123456789";

    fn config() -> ClientConfig {
        ClientConfig::from_value(&parse(format!(r#"{{"apiKey":"{KEY}","maxRetries":1}}"#).as_bytes()).unwrap(), false)
            .unwrap()
    }

    fn id(text: &str) -> JobId {
        JobId::parse(&Value::String(text.into())).unwrap()
    }

    fn lines<M: Machine>(m: &mut M) -> Vec<(Level, String)> {
        std::iter::from_fn(|| m.take_update())
            .filter_map(|u| match u {
                Update::Log { level, message } => Some((level, message)),
                _ => None,
            })
            .collect()
    }

    fn answer(status: u16, body: &str) -> Event {
        Event::Response(HttpResponse { status, headers: vec![], body: body.as_bytes().to_vec() })
    }

    fn logged(threshold: Level, job: &str) -> Logged<Call<ClientConfig, Job>> {
        Logged::new(Call::read(config(), id(job), 1), threshold, "getJob", vec![KEY.to_owned()])
    }

    #[test]
    fn an_attempt_a_retry_and_the_failure_are_logged_with_method_url_status_and_time() {
        let mut call = logged(Level::Debug, "j1");
        call.start(1_000);
        let sent = lines(&mut call);
        assert_eq!(sent, [(Level::Debug, "GET https://brahmand-api.bulletshorts.co/v1/jobs/j1".to_owned())]);
        call.handle(answer(503, "busy"), 1_040);
        let retry = lines(&mut call);
        assert_eq!(retry[0], (Level::Info, "GET https://brahmand-api.bulletshorts.co/v1/jobs/j1 → 503 (40 ms)".into()));
        assert_eq!(retry[1].0, Level::Warn);
        assert!(retry[1].1.starts_with("retrying in "), "{retry:?}");
        call.handle(Event::Waited, 2_000);
        lines(&mut call);
        call.handle(Event::Failed(Transport::Timeout), 2_500);
        let end = lines(&mut call);
        assert_eq!(end[0].0, Level::Warn);
        assert!(end[0].1.ends_with("failed after 500 ms: no response within timeoutMs (30000 ms)"), "{end:?}");
        assert_eq!(end[1].0, Level::Error);
        assert!(end[1].1.starts_with("getJob failed after 1500 ms: timeout: "), "{end:?}");
    }

    #[test]
    fn the_threshold_keeps_lower_levels_out() {
        let mut call = logged(Level::Warn, "j1");
        call.start(0);
        call.handle(answer(503, "busy"), 10);
        assert_eq!(lines(&mut call).iter().map(|(level, _)| *level).collect::<Vec<_>>(), [Level::Warn]);
    }

    #[test]
    fn a_poll_tells_its_pace_from_a_retry() {
        let options = parse(format!(r#"{{"apiKey":"{KEY}","intervalMs":250}}"#).as_bytes()).unwrap();
        let config = ClientConfig::from_value(&options, false).unwrap();
        let poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), id("j1"), 1);
        let mut poll = Logged::new(poll, Level::Debug, "pollJob", vec![KEY.to_owned()]);
        poll.start(0);
        poll.handle(answer(200, r#"{"id":"j1","status":"running"}"#), 5);
        let paced = lines(&mut poll);
        assert_eq!(paced.last(), Some(&(Level::Debug, "the job is not done; next read in 250 ms".to_owned())));
    }

    #[test]
    fn a_key_echoed_into_a_url_never_reaches_a_line() {
        let mut call = logged(Level::Debug, KEY);
        call.start(0);
        call.handle(answer(404, r#"{"error":{"code":"not_found","message":"no job"}}"#), 1);
        let all = lines(&mut call);
        assert!(!all.is_empty());
        assert!(all.iter().all(|(_, line)| !line.contains(KEY)), "{all:?}");
    }

    #[test]
    fn levels_are_named_as_the_contract_names_them() {
        for word in ["error", "warn", "info", "debug"] {
            assert_eq!(Level::threshold(word, "logLevel").unwrap().map(Level::as_str), Some(word));
        }
        assert_eq!(Level::threshold("off", "logLevel").unwrap(), None);
        let e = Level::threshold("verbose", "KLING_EXTEND_LOG").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("KLING_EXTEND_LOG"));
    }
}
