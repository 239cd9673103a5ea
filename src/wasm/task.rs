//! A network call as a JS object: the core's state machine behind methods
//! that take what happened (with the time) and answer the next step as JSON
//! text. `src/js/lib/driver.js` performs the steps with `fetch` and timers.

use super::convert::{arg, args, aside, clear_aside};
use crate::core::client::call::Call;
#[cfg(feature = "server")]
use crate::core::client::chain::{Chain, ChainPlan};
#[cfg(feature = "server")]
use crate::core::client::chain_steps;
use crate::core::client::log::LogPlan;
use crate::core::client::machine::{Event, Machine, Step, Time};
use crate::core::client::options::ClientConfig;
use crate::core::client::poll::Poll;
use crate::core::client::redacted::Redacted;
use crate::core::client::run::Run;
use crate::core::client::service::Service;
use crate::core::client::settings::Settings;
use crate::core::client::update::Update;
use crate::core::types::error::{Error, Result};
use crate::core::types::http::{HttpRequest, HttpResponse, Transport, RESPONSE_HEADERS};
use crate::core::types::job_id::JobId;
use crate::core::types::json::{object, Value};
use crate::core::types::redact::Secrets;
use crate::core::types::request::ExtendRequest;
use wasm_bindgen::prelude::*;

/// Any machine, its result as a JSON value, so one `Task` type runs them all.
type Boxed = Box<dyn Machine<Output = Value, Update = Update>>;

#[wasm_bindgen]
pub struct Task {
    /// The machine, or why the call was refused before any I/O.
    machine: Result<Boxed>,
}

#[wasm_bindgen]
impl Task {
    /// What happened that is not a response: "start", "waited",
    /// "timedOut", "failed" (`detail`: Node's `err.cause.code`, if any, or
    /// "ENOTSENT" when the runtime refused to send), "redirected" (`detail`:
    /// the status, "0" when hidden), "tooLarge" (`detail`: the limit) or
    /// "aborted" (`detail`: "inFlight" when a request was under way).
    /// `monotonic` and `unix` are the time by each clock (see [`Time`]).
    pub fn event(&mut self, name: &str, detail: &str, monotonic: f64, unix: f64) -> String {
        let now = time(monotonic, unix);
        let event = match name {
            "start" => return self.next(|m| m.start(now)),
            "waited" => Event::Waited,
            "timedOut" => Event::Failed(Transport::Timeout),
            "failed" => Event::Failed(Transport::from_cause_code(Some(detail).filter(|c| !c.is_empty()))),
            "redirected" => Event::Failed(Transport::Redirected { status: detail.parse().unwrap_or(0) }),
            "tooLarge" => Event::Failed(Transport::TooLarge { limit: detail.parse().unwrap_or(0) }),
            "aborted" => Event::Aborted { in_flight: detail == "inFlight" },
            _ => return step_json(Step::Done(Err(Error::invalid("event", "is not a task event"))), Vec::new()),
        };
        self.next(|m| m.handle(event, now))
    }

    /// `headers`: the values of the send step's `read` names, as a JSON list.
    /// `body` is taken as the copy the glue made of it, not copied again.
    pub fn response(&mut self, status: f64, headers: &str, body: Vec<u8>, monotonic: f64, unix: f64) -> String {
        let response =
            HttpResponse { status: status.clamp(0.0, 999.0) as u16, headers: response_headers(headers), body };
        self.next(|m| m.handle(Event::Response(response), time(monotonic, unix)))
    }
}

impl Task {
    /// The call `kind` ("extendVideo", "getJob", "pollJob", "run",
    /// "chainExtensions", "chainSubmit") of `args` (a JSON list) under
    /// `settings`; `entropy` is 24 random bytes: 8 seed the retry delays'
    /// jitter, 16 make the submits' idempotency keys (a chain's key).
    pub fn of(kind: &str, args: &str, settings: Result<&Settings>, entropy: &[u8]) -> Task {
        Task { machine: settings.and_then(|settings| machine(kind, args, settings, entropy)) }
    }

    /// `{ send | wait | done | error, updates }`.
    fn next(&mut self, advance: impl FnOnce(&mut Boxed) -> Step<Value>) -> String {
        clear_aside();
        let machine = match &mut self.machine {
            Ok(machine) => machine,
            Err(error) => return step_json(Step::Done(Err(error.clone())), Vec::new()),
        };
        let step = advance(machine);
        let mut updates = Vec::new();
        while let Some(update) = machine.take_update() {
            updates.push(update_json(update));
        }
        step_json(step, updates)
    }
}

/// Milliseconds from JS (`performance.now()`, `Date.now()`): a negative or
/// non-finite reading saturates to 0.
fn time(monotonic: f64, unix: f64) -> Time {
    Time { monotonic_ms: monotonic as u64, unix_ms: unix as u64 }
}

/// `M` with its result turned into a JSON value.
struct Valued<M>(M);

impl<M: Machine<Update = Update>> Machine for Valued<M>
where
    M::Output: Into<Value>,
{
    type Output = Value;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<Value> {
        self.0.start(now).map(Into::into)
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<Value> {
        self.0.handle(event, now).map(Into::into)
    }

    fn take_update(&mut self) -> Option<Update> {
        self.0.take_update()
    }
}

/// The network calls, by the names their log lines give them.
const KINDS: &[&str] = &["extendVideo", "getJob", "pollJob", "run", "chainExtensions", "chainSubmit"];

/// The machine for `kind`, with every argument validated before any I/O.
fn machine(kind: &str, text: &str, settings: &Settings, entropy: &[u8]) -> Result<Boxed> {
    let Some((seed, nonce)) = entropy.split_first_chunk().filter(|(_, nonce)| nonce.len() == 16) else {
        return Err(Error::invalid("entropy", "must be 24 bytes"));
    };
    let (seed, nonce) = (u64::from_le_bytes(*seed), nonce.try_into().unwrap_or_default());
    let Some(&what) = KINDS.iter().find(|name| **name == kind) else {
        return Err(Error::invalid("kind", "is not a network call"));
    };
    let (config, poll) = settings.ready().map(|(config, poll)| (config.clone(), *poll))?;
    let wrappers = Wrappers::of(&config, what);
    let provider = config.provider.name();
    let machine = match kind {
        "extendVideo" => {
            let [request] = args(text)?;
            boxed(Call::submit(config, ExtendRequest::from_value(&request, provider)?, seed, nonce))
        }
        "getJob" => {
            let [id] = args(text)?;
            boxed(Call::read(config, JobId::parse(&id)?, seed))
        }
        "pollJob" => {
            let [id] = args(text)?;
            boxed(Poll::new(config, poll, JobId::parse(&id)?, seed))
        }
        "run" => {
            let [request] = args(text)?;
            boxed(Run::new(config, poll, ExtendRequest::from_value(&request, provider)?, seed, nonce))
        }
        // Only in the server build: a page runs chains on its server half
        // (lib/api.js), so their progress code costs the page nothing.
        #[cfg(feature = "server")]
        "chainExtensions" => {
            let [video_id, prompts] = args(text)?;
            let plan = ChainPlan::from_values(&video_id, &prompts, settings.options(), provider)?;
            boxed(Chain::new(config, poll, plan, nonce, seed))
        }
        // A step of a chain a durable engine runs (`kling-extend/workflows`):
        // the in-flight step of `options.resume`; `retried` when the engine
        // ran it before, so it is found before it is sent again.
        #[cfg(feature = "server")]
        "chainSubmit" => {
            let [video_id, prompts, retried] = args(text)?;
            let (prompts, progress) =
                super::chain_steps::chain(&video_id, &prompts, settings.options(), &config, nonce)?;
            let Value::Bool(retried) = retried else { return Err(Error::invalid("retried", "must be a boolean")) };
            boxed(chain_steps::submit(&prompts, &progress, retried, config, seed)?)
        }
        _ => return Err(Error::invalid("kind", "is not a network call")),
    };
    Ok(wrappers.wrap(machine))
}

fn boxed<M: Machine<Update = Update> + 'static>(machine: M) -> Boxed
where
    M::Output: Into<Value>,
{
    Box::new(Valued(machine))
}

/// What every call's machine is wrapped in, taken from its config before
/// the machine owns it: a log of its exchanges when the call asks for one
/// (its lines redacted as written), and the redaction of everything that
/// leaves it (a job's document text redacted as the document it is: see
/// `Redact for Value`). They take the machine boxed, as a value, so one copy
/// of their code serves every kind.
struct Wrappers {
    log: Option<LogPlan>,
    secrets: Secrets,
}

impl Wrappers {
    fn of(config: &ClientConfig, what: &'static str) -> Self {
        Wrappers { log: LogPlan::of(config, what), secrets: config.secrets() }
    }

    fn wrap(self, machine: Boxed) -> Boxed {
        let machine = match self.log {
            Some(plan) => Box::new(plan.wrap(machine)),
            None => machine,
        };
        Box::new(Redacted::new(machine, self.secrets))
    }
}

/// The headers the core reads: `values` lines up with [`RESPONSE_HEADERS`]
/// (the send step's `read`), `null` where the response has none.
fn response_headers(values: &str) -> Vec<(String, String)> {
    let Ok(Value::Array(values)) = arg(values) else { return Vec::new() };
    let mut headers = Vec::new();
    for (name, value) in RESPONSE_HEADERS.iter().zip(values) {
        if let Value::String(value) = value {
            headers.push(((*name).to_owned(), value));
        }
    }
    headers
}

/// The step as JSON text, each job's document set aside (`convert::aside`).
fn step_json(step: Step<Value>, updates: Vec<Value>) -> String {
    let (key, value) = match step {
        Step::Send { request, timeout_ms, max_bytes } => ("send", send_json(request, timeout_ms, max_bytes)),
        Step::Wait { ms, .. } => ("wait", Value::Number(ms as f64)),
        Step::Done(Ok(result)) => ("done", aside(result)),
        Step::Done(Err(error)) => ("error", aside(error.into())),
    };
    object([(key, Some(value)), ("updates", Some(Value::Array(updates)))]).to_json()
}

/// What `fetch` needs; the body goes as the text to send.
fn send_json(request: HttpRequest, timeout_ms: u32, max_bytes: u32) -> Value {
    let mut headers = Vec::with_capacity(request.headers.len());
    for (name, value) in request.headers {
        headers.push((name, Value::String(value.as_str().to_owned())));
    }
    object([
        ("url", Some(Value::String(request.url))),
        ("method", Some(Value::String(request.method.as_str().to_owned()))),
        ("headers", Some(Value::Object(headers))),
        ("body", request.body.map(|body| Value::String(body.to_json()))),
        ("timeoutMs", Some(Value::Number(timeout_ms.into()))),
        ("maxBytes", Some(Value::Number(max_bytes.into()))),
        ("read", Some(RESPONSE_HEADERS.to_vec().into())),
    ])
}

/// An update as `{ hookName: argument }`, for the driver to call.
fn update_json(update: Update) -> Value {
    let (hook, value) = match update {
        Update::Status(job) => ("onUpdate", job.into()),
        Update::Submitted(submission) => ("onSubmitted", submission.into()),
        Update::Step { index, job } => {
            ("onStep", object([("index", Some(Value::Number(index as f64))), ("job", Some(job.into()))]))
        }
        #[cfg(feature = "server")]
        Update::Progress(progress) => ("onProgress", progress.into()),
        // Chains, which alone report progress, do not run on the web build.
        #[cfg(not(feature = "server"))]
        Update::Progress(_) => ("onProgress", Value::Null),
        Update::Log { level, message } => (
            "log",
            object([
                ("level", Some(Value::String(level.as_str().to_owned()))),
                ("message", Some(Value::String(message))),
            ]),
        ),
    };
    object([(hook, Some(aside(value)))])
}
