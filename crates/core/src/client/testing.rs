//! The machines' test harness, shared by every machine's tests: typed
//! configs, the answers a service gives, and a driver on a fake clock that
//! plays a script of inputs the way a real driver would, refusing one no
//! driver could produce (an answer to a wait, a wait's end to a send).
//!
//! It knows machines only through [`Machine`], so it runs any of them, bare
//! or wrapped ([`Logged`](crate::client::log::Logged),
//! [`Redacted`](crate::client::redacted::Redacted)).

use crate::client::chain::ChainPlan;
use crate::client::machine::{Event, Machine, Pause, Step, Time};
use crate::client::options::{
    DEFAULT_INTERVAL_MS, DEFAULT_MAX_INTERVAL_MS, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT_MS,
    DEFAULT_WAIT_TIMEOUT_MS, Limits, PollConfig,
};
use crate::client::provider::Provider;
use crate::providers::kling::{Kling, KlingAuth};
use crate::providers::trinetra::Trinetra;
use crate::providers::{AnyProvider, ClientConfig};
use crate::types::error::{Error, Result};
use crate::types::http::{HttpRequest, HttpResponse, Secret, Transport};
use crate::types::job_id::JobId;
use crate::types::json::{Value, object};
use crate::types::provider::ProviderName;
use crate::types::request::ExtendRequest;
use std::fmt::Debug;

/// A client's options, typed: a config and a poll's pace built field by
/// field, with the defaults the option parser gives (a test below holds
/// the two together).
#[derive(Clone, Debug)]
pub struct Options {
    config: ClientConfig,
    poll: PollConfig,
    /// A chain's own options (`callbackUrl`, `sourceSeconds`, `resume`), as
    /// a caller gives them: the plan reads them.
    chain: Vec<(&'static str, Value)>,
}

/// Trinetra with `api_key`, at its own URL.
pub fn trinetra(api_key: &str) -> Options {
    with_provider(AnyProvider::Trinetra(Trinetra { api_key: Some(secret(api_key)) }))
}

/// Trinetra through a proxy at `base_url` that holds the key.
pub fn trinetra_proxy(base_url: &str) -> Options {
    with_provider(AnyProvider::Trinetra(Trinetra { api_key: None })).base_url(base_url)
}

/// Kling with `auth`, at its own URL.
pub fn kling(auth: KlingAuth) -> Options {
    with_provider(AnyProvider::Kling(Kling { auth }))
}

/// A credential of `text`, as a provider's options hold one.
pub fn secret(text: &str) -> Secret {
    Secret::new(text.to_owned())
}

fn with_provider(provider: AnyProvider) -> Options {
    let base_url = provider.default_base_url();
    let limits = Limits {
        timeout_ms: DEFAULT_TIMEOUT_MS,
        max_retries: DEFAULT_MAX_RETRIES,
        max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
    };
    let config =
        ClientConfig { provider, base_url: base_url.to_owned(), limits, headers: vec![], log: None, in_page: false };
    let poll = PollConfig {
        interval_ms: DEFAULT_INTERVAL_MS,
        max_interval_ms: DEFAULT_MAX_INTERVAL_MS,
        wait_timeout_ms: DEFAULT_WAIT_TIMEOUT_MS,
    };
    Options { config, poll, chain: vec![] }
}

impl Options {
    /// Served at `url` instead of the provider's own.
    pub fn base_url(mut self, url: &str) -> Self {
        self.config.base_url = url.trim_end_matches('/').to_owned();
        self
    }

    /// At most `n` retries of a call.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.config.limits.max_retries = n;
        self
    }

    /// Each attempt cut short after `ms`.
    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.config.limits.timeout_ms = ms;
        self
    }

    /// The calls run in a page (`in_browser`), where a key needs consent.
    pub fn in_page(mut self) -> Self {
        self.config.in_page = true;
        self
    }

    /// `intervalMs`; the longest interval grows to it, as the parser's does.
    pub fn interval_ms(mut self, ms: u32) -> Self {
        self.poll.interval_ms = ms;
        self.poll.max_interval_ms = self.poll.max_interval_ms.max(ms);
        self
    }

    /// A poll given `ms` to see its job end.
    pub fn wait_timeout_ms(mut self, ms: u32) -> Self {
        self.poll.wait_timeout_ms = ms;
        self
    }

    /// An extra header on every request (`headers`).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.config.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Submits name `url` for the service's callback.
    pub fn callback_url(self, url: &str) -> Self {
        self.chain_option("callbackUrl", Value::String(url.to_owned()))
    }

    /// Chains start from a source video of `seconds`.
    pub fn source_seconds(self, seconds: f64) -> Self {
        self.chain_option("sourceSeconds", Value::Number(seconds))
    }

    /// The progress a chain resumes from: the caller's stored value, as is.
    pub fn resume(self, progress: Value) -> Self {
        self.chain_option("resume", progress)
    }

    fn chain_option(mut self, name: &'static str, value: Value) -> Self {
        self.chain.push((name, value));
        self
    }

    /// The plan of a chain of `prompts` on `video_id` under these options.
    pub fn chain_plan(&self, video_id: &str, prompts: &Value) -> Result<ChainPlan> {
        let options =
            Value::Object(self.chain.iter().map(|(name, value)| ((*name).to_owned(), value.clone())).collect());
        ChainPlan::from_values(&Value::String(video_id.to_owned()), prompts, &options, self.config.provider.name())
    }

    /// The options checked, as a call's config.
    pub fn config(&self) -> ClientConfig {
        self.config.clone()
    }

    /// The options checked, as a poll's settings.
    pub fn poll(&self) -> PollConfig {
        self.poll
    }
}

/// A checked request to extend `video_id` on `provider`.
pub fn extend(provider: ProviderName, video_id: &str) -> ExtendRequest {
    ExtendRequest::from_value(&object([("video_id", Some(Value::String(video_id.to_owned())))]), provider).unwrap()
}

/// A chain's prompts as a caller lists them.
pub fn prompts(texts: &[&str]) -> Value {
    Value::Array(texts.iter().map(|text| Value::String((*text).to_owned())).collect())
}

/// `object` with member `key` set to `value`, or taken out for `None`:
/// a stored value altered as a caller (or an attacker) might.
pub fn with_member(object: &Value, key: &str, value: Option<Value>) -> Value {
    let Value::Object(members) = object else { panic!("not an object: {object:?}") };
    let mut members: Vec<(String, Value)> = members.iter().filter(|(k, _)| k != key).cloned().collect();
    members.extend(value.map(|value| (key.to_owned(), value)));
    Value::Object(members)
}

/// A job id as `getJob` takes it from a caller.
pub fn job_id(text: &str) -> JobId {
    JobId::new(text).unwrap()
}

/// An answer from the service.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
    let headers = headers.iter().map(|(name, value)| (name.to_string(), value.to_string())).collect();
    HttpResponse { status, headers, body: body.as_bytes().to_vec() }
}

/// The service answers the send.
pub fn respond(status: u16, headers: &[(&str, &str)], body: &str) -> Input {
    Input::Event(Event::Response(response(status, headers, body)))
}

/// The send fails without an answer.
pub fn fail(transport: Transport) -> Input {
    Input::Event(Event::Failed(transport))
}

/// The caller's signal fires.
pub fn abort(in_flight: bool) -> Input {
    Input::Event(Event::Aborted { in_flight })
}

/// One line of a script: what happens next, on the fake clock.
#[derive(Clone, Debug)]
pub enum Input {
    /// `event` reaches the machine at the clock's time.
    Event(Event),
    /// The wait the machine asked for passes: both clocks move on by it,
    /// then the machine hears [`Event::Waited`].
    WaitOut,
    /// Both clocks move on by this many milliseconds.
    Tick(u64),
    /// The wall clock alone moves, either way (NTP, a user, a resumed VM).
    WallStep(i64),
}

/// A send the machine asked for, with its limits.
#[derive(Debug)]
pub struct Sent {
    /// The request, as the machine built it.
    pub request: HttpRequest,
    /// How long the driver may wait for its answer.
    pub timeout_ms: u32,
    /// The most bytes of answer the driver may read.
    pub max_bytes: u32,
}

/// What the machine last asked of its driver: the inputs that may follow.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Asked {
    Send,
    Wait(u64),
    Done,
}

/// A machine in the hands of a fake driver: it plays inputs at the fake
/// clock's time and keeps the machine's last step for the `expect_*` checks.
pub struct Harness<M: Machine> {
    machine: M,
    now: Time,
    asked: Asked,
    step: Option<Step<M::Output>>,
}

/// Starts `machine` with both clocks at 0, then plays `script`.
pub fn drive<M: Machine>(machine: M, script: impl IntoIterator<Item = Input>) -> Harness<M>
where
    M::Output: Debug,
{
    drive_from(machine, Time::at(0), script)
}

/// As [`drive`], starting at `now`.
pub fn drive_from<M: Machine>(mut machine: M, now: Time, script: impl IntoIterator<Item = Input>) -> Harness<M>
where
    M::Output: Debug,
{
    let step = machine.start(now);
    let mut harness = Harness { machine, now, asked: Asked::Send, step: None };
    harness.took(step);
    harness.play(script);
    harness
}

impl<M: Machine> Harness<M>
where
    M::Output: Debug,
{
    /// Plays each input in turn.
    pub fn play(&mut self, script: impl IntoIterator<Item = Input>) -> &mut Self {
        for input in script {
            self.then(input);
        }
        self
    }

    /// Plays one input, after checking a driver could send it now.
    pub fn then(&mut self, input: Input) -> &mut Self {
        if let Some(why) = self.misfit(&input) {
            panic!("{why}");
        }
        let event = match input {
            Input::Tick(ms) => return self.tick(ms),
            Input::WallStep(ms) => {
                self.now.unix_ms = self.now.unix_ms.checked_add_signed(ms).expect("a wall clock after 1970");
                return self;
            }
            Input::WaitOut => {
                let Asked::Wait(ms) = self.asked else { unreachable!("checked as a misfit") };
                self.tick(ms);
                Event::Waited
            }
            Input::Event(event) => event,
        };
        let step = self.machine.handle(event, self.now);
        self.took(step);
        self
    }

    /// Why no driver would play `input` after the machine's last step, if
    /// none would: an answer to a wait, a wait's end to a send, anything
    /// after the end.
    fn misfit(&self, input: &Input) -> Option<String> {
        let fits = match (input, self.asked) {
            (Input::Tick(_) | Input::WallStep(_), _) => true,
            (Input::WaitOut | Input::Event(Event::Waited), asked) => matches!(asked, Asked::Wait(_)),
            (Input::Event(Event::Response(_) | Event::Failed(_)), asked) => asked == Asked::Send,
            (Input::Event(Event::Aborted { .. }), asked) => asked != Asked::Done,
        };
        (!fits).then(|| format!("no driver plays {input:?} when the machine asked {:?}", self.asked))
    }

    /// Both clocks move on by `ms`.
    pub fn tick(&mut self, ms: u64) -> &mut Self {
        self.now = Time { monotonic_ms: self.now.monotonic_ms + ms, unix_ms: self.now.unix_ms + ms };
        self
    }

    fn took(&mut self, step: Step<M::Output>) {
        self.asked = match step {
            Step::Send { .. } => Asked::Send,
            Step::Wait { ms, .. } => Asked::Wait(ms),
            Step::Done(_) => Asked::Done,
        };
        self.step = Some(step);
    }

    /// The last step, which must be a send: its request.
    pub fn expect_send(&mut self) -> HttpRequest {
        self.expect_sent().request
    }

    /// The last step, which must be a send: its request and limits.
    pub fn expect_sent(&mut self) -> Sent {
        match self.step.take() {
            Some(Step::Send { request, timeout_ms, max_bytes }) => Sent { request, timeout_ms, max_bytes },
            other => panic!("expected a send, got {other:?}"),
        }
    }

    /// The last step, which must be a wait of this kind: how long.
    pub fn expect_wait(&mut self, pause: Pause) -> u64 {
        match self.step.take() {
            Some(Step::Wait { ms, pause: asked }) if asked == pause => ms,
            other => panic!("expected a wait ({pause:?}), got {other:?}"),
        }
    }

    /// The last step, which must be the end in failure: the error.
    pub fn expect_error(&mut self) -> Error {
        match self.step.take() {
            Some(Step::Done(Err(error))) => error,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    /// The last step, which must be the end in success: the value.
    pub fn expect_done(&mut self) -> M::Output {
        match self.step.take() {
            Some(Step::Done(Ok(value))) => value,
            other => panic!("expected the end, got {other:?}"),
        }
    }

    /// Everything the machine has to report, drained as a driver does.
    pub fn updates(&mut self) -> Vec<M::Update> {
        std::iter::from_fn(|| self.machine.take_update()).collect()
    }

    /// The fake clock's time.
    pub fn now(&self) -> Time {
        self.now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::poll::Poll;
    use crate::types::json::parse;

    fn parsed(options: &str) -> (ClientConfig, PollConfig) {
        let options = parse(options.as_bytes()).unwrap();
        (ClientConfig::from_value(&options, false).unwrap(), PollConfig::from_value(&options).unwrap())
    }

    fn built(options: Options) -> (ClientConfig, PollConfig) {
        (options.config(), options.poll())
    }

    #[test]
    fn typed_options_are_what_the_parser_makes_of_the_same_options() {
        assert_eq!(built(trinetra("k")), parsed(r#"{"apiKey":"k"}"#));
        assert_eq!(
            built(trinetra_proxy("http://127.0.0.1:9/api/")),
            parsed(r#"{"baseUrl":"http://127.0.0.1:9/api/"}"#)
        );
        assert_eq!(
            built(kling(KlingAuth::Token(secret("t"))).max_retries(0).timeout_ms(5).interval_ms(20_000)),
            parsed(r#"{"provider":"kling","token":"t","maxRetries":0,"timeoutMs":5,"intervalMs":20000}"#)
        );
        let keys = KlingAuth::Keys { access_key: secret("a"), secret_key: secret("s") };
        assert_eq!(
            built(kling(keys).wait_timeout_ms(9)),
            parsed(r#"{"provider":"kling","accessKey":"a","secretKey":"s","waitTimeoutMs":9}"#)
        );
        let headers = trinetra("k").header("x-a", "1").header("X-A", "2").config();
        assert_eq!(headers, parsed(r#"{"apiKey":"k","headers":{"x-a":"1","X-A":"2"}}"#).0);
        let in_page = ClientConfig::from_value(&parse(br#"{"token":"t","provider":"kling"}"#).unwrap(), true);
        assert_eq!(kling(KlingAuth::Token(secret("t"))).in_page().config(), in_page.unwrap());
    }

    fn poll() -> Poll<ClientConfig> {
        let options = trinetra("k").wait_timeout_ms(60_000);
        Poll::new(options.config(), options.poll(), job_id("j"), 1)
    }

    const RUNNING: &str = r#"{"id":"j","status":"running"}"#;

    #[test]
    fn a_wait_out_moves_both_clocks_by_the_wait_and_a_wall_step_the_wall_clock_alone() {
        let mut h = drive_from(poll(), Time { monotonic_ms: 5, unix_ms: 1_000 }, [respond(200, &[], RUNNING)]);
        assert_eq!(h.expect_wait(Pause::NextRead), 1_000);
        h.then(Input::WaitOut);
        assert_eq!(h.now(), Time { monotonic_ms: 1_005, unix_ms: 2_000 });
        h.then(Input::WallStep(-1_500));
        assert_eq!(h.now(), Time { monotonic_ms: 1_005, unix_ms: 500 });
        assert_eq!(h.expect_sent().timeout_ms, DEFAULT_TIMEOUT_MS, "the read after the wait");
    }

    #[test]
    fn an_input_no_driver_would_play_is_refused() {
        let mut h = drive(poll(), []);
        assert_eq!(h.misfit(&Input::WaitOut).as_deref(), Some("no driver plays WaitOut when the machine asked Send"));
        assert!(h.misfit(&Input::Event(Event::Waited)).is_some());
        h.then(respond(200, &[], RUNNING));
        assert!(h.misfit(&respond(200, &[], RUNNING)).is_some(), "an answer to a wait");
        assert!(h.misfit(&fail(Transport::Network)).is_some(), "a failed send during a wait");
        assert!(h.misfit(&abort(false)).is_none() && h.misfit(&Input::Tick(1)).is_none());
        h.then(abort(false));
        assert!(h.misfit(&abort(false)).is_some(), "anything after the end");
        assert!(h.misfit(&Input::WallStep(-1)).is_none(), "but the clocks go on");
    }

    #[test]
    fn a_step_is_checked_once() {
        let mut h = drive(poll(), []);
        h.expect_send();
        assert!(h.step.is_none(), "a second expect_* has nothing left to check");
    }
}
