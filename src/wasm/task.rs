//! Network calls as machines the instance keeps between their steps: JS
//! starts one from a client's settings ([`begin`], through
//! `Settings::start`), gets its number with the first step, and answers each
//! step with what happened (the time by both clocks), getting the next step
//! as JSON text. A machine is dropped with its last step (a result or an
//! error), so a call that runs to its end costs two crossings when it makes
//! one request: no object in JS, nothing to free. `src/js/lib/driver.js`
//! performs the steps with `fetch` and timers.

#[cfg(feature = "server")]
use super::convert::jobs_mut;
use super::convert::{arg, args, aside, clear_aside};
use kling_extend_core::client::call::Call;
#[cfg(feature = "server")]
use kling_extend_core::client::chain::{Chain, ChainPlan};
#[cfg(feature = "server")]
use kling_extend_core::client::chain_steps;
use kling_extend_core::client::hook::{LOG, ON_PROGRESS, ON_STEP, ON_SUBMITTED, ON_UPDATE};
use kling_extend_core::client::log::LogPlan;
use kling_extend_core::client::machine::{Event, Machine, Step, Time};
use kling_extend_core::client::poll::Poll;
use kling_extend_core::client::redacted::Redacted;
use kling_extend_core::client::run::Run;
use kling_extend_core::client::service::Service;
use kling_extend_core::client::task::{TaskEvent, TaskKind};
use kling_extend_core::client::update::Update;
use kling_extend_core::providers::{ClientConfig, Settings};
use kling_extend_core::types::error::{Error, Result};
use kling_extend_core::types::http::{HttpRequest, HttpResponse, RESPONSE_HEADERS};
#[cfg(feature = "server")]
use kling_extend_core::types::job::RAW_TEXT;
use kling_extend_core::types::job_id::JobId;
use kling_extend_core::types::json::{object, Value};
use kling_extend_core::types::redact::Secrets;
use kling_extend_core::types::request::ExtendRequest;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Any machine, its result as a JSON value, so one slot type holds them all.
type AnyMachine = Box<dyn Machine<Output = Value, Update = Update>>;

thread_local! {
    /// The machines of the calls under way, by number; a free slot is `None`.
    static TASKS: RefCell<Vec<Option<AnyMachine>>> = const { RefCell::new(Vec::new()) };
}

/// A body at most this long is kept (copied) while the machine reads it, so
/// a job whose `raw` is that body as received is answered as `"rawText":
/// true`: JS makes `raw` of the bytes it already holds, when it is read. A
/// longer one is passed back as its text (`convert::aside`), which costs no
/// copy of it up front.
const KEPT_BODY_BYTES: usize = 1 << 20;

/// Starts the call `kind` (a [`TaskKind`] by its wire name) of `args` (a
/// JSON list) under `settings`; `entropy` is 24 random bytes: 8 seed the
/// retry delays' jitter, 16 make the submits' idempotency keys (a chain's
/// key). Its first step, with `"task"`: the machine's number for
/// [`task_event`] and [`task_response`] while it runs (a call refused
/// before any I/O answers its error at once, without one).
pub fn begin(kind: &str, args: &str, settings: Result<&Settings>, entropy: &[u8], monotonic: f64, unix: f64) -> String {
    clear_aside();
    match settings.and_then(|settings| machine(kind, args, settings, entropy)) {
        Ok(mut machine) => {
            let step = machine.start(time(monotonic, unix));
            keep(None, machine, step, None)
        }
        Err(error) => ended(error),
    }
}

/// What happened to the machine `task`'s step that is not a response: a
/// [`TaskEvent`] by its wire name, with its `detail`. `monotonic` and `unix`
/// are the time by each clock (see [`Time`]). "end" (the call ended in JS
/// before its last step: a hook threw) and any unknown name end the call:
/// its machine is dropped.
#[wasm_bindgen(js_name = taskEvent)]
pub fn task_event(task: u32, name: &str, detail: &str, monotonic: f64, unix: f64) -> String {
    let event = match TaskEvent::parse(name).and_then(|event| event.event(detail)) {
        Ok(event) => event,
        Err(error) => {
            TASKS.with(|tasks| tasks.borrow_mut().get_mut(task as usize).map(Option::take));
            return ended(error);
        }
    };
    step_machine(task, event, time(monotonic, unix), None)
}

/// The response to the machine `task`'s request: `headers` are the values
/// of the send step's `read` names, as a JSON list. `body` is taken as the
/// copy the glue made of it, not copied again (but for the short copy kept
/// to compare a job's document with: see [`KEPT_BODY_BYTES`]).
#[wasm_bindgen(js_name = taskResponse)]
pub fn task_response(task: u32, status: f64, headers: &str, body: Vec<u8>, monotonic: f64, unix: f64) -> String {
    let kept = (cfg!(feature = "server") && body.len() <= KEPT_BODY_BYTES).then(|| body.clone());
    let response = HttpResponse { status: status.clamp(0.0, 999.0) as u16, headers: response_headers(headers), body };
    step_machine(task, Event::Response(response), time(monotonic, unix), kept.as_deref())
}

/// Hands `event` to the machine `task`, and answers its next step.
fn step_machine(task: u32, event: Event, now: Time, body: Option<&[u8]>) -> String {
    clear_aside();
    // Taken out while it runs: nothing it does can reach the slots.
    let taken = TASKS.with(|tasks| tasks.borrow_mut().get_mut(task as usize).and_then(Option::take));
    match taken {
        Some(mut machine) => {
            let step = machine.handle(event, now);
            keep(Some(task), machine, step, body)
        }
        None => ended(Error::invalid("task", "is not a call under way")),
    }
}

/// The step as JSON, with the machine's updates; the machine is kept in its
/// slot (`task`, or a free one, whose number the step names) unless the
/// step is its last.
fn keep(task: Option<u32>, mut machine: AnyMachine, step: Step<Value>, body: Option<&[u8]>) -> String {
    let mut updates = Vec::new();
    while let Some(update) = machine.take_update() {
        updates.push(update_json(update, body));
    }
    let number = match step {
        Step::Done(_) => None,
        _ => Some(TASKS.with(|tasks| {
            let mut tasks = tasks.borrow_mut();
            // Its own slot, or the first free one.
            let mut slot = task.map_or(0, |slot| slot as usize);
            while tasks.get(slot).is_some_and(Option::is_some) && task.is_none() {
                slot += 1;
            }
            if slot == tasks.len() {
                tasks.push(None);
            }
            tasks[slot] = Some(machine);
            slot as u32
        })),
    };
    // Only the first step names its machine: JS keeps the number.
    step_json(number.filter(|_| task.is_none()), step, updates, body)
}

/// Milliseconds from JS (`performance.now()`, `Date.now()`): a negative or
/// non-finite reading saturates to 0.
fn time(monotonic: f64, unix: f64) -> Time {
    Time { monotonic_ms: monotonic as u64, unix_ms: unix as u64 }
}

/// `M` with its result turned into a JSON value.
struct JsonOutput<M>(M);

impl<M: Machine<Update = Update>> Machine for JsonOutput<M>
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

/// The machine for `kind`, with every argument validated before any I/O.
fn machine(kind: &str, text: &str, settings: &Settings, entropy: &[u8]) -> Result<AnyMachine> {
    let Some((seed, nonce)) = entropy.split_first_chunk().filter(|(_, nonce)| nonce.len() == 16) else {
        return Err(Error::invalid("entropy", "must be 24 bytes"));
    };
    let (seed, nonce) = (u64::from_le_bytes(*seed), nonce.try_into().unwrap_or_default());
    let kind = TaskKind::parse(kind)?;
    let (config, poll) = settings.ready().map(|(config, poll)| (config.clone(), *poll))?;
    let wrappers = Wrappers::of(&config, kind.wire_name());
    let provider = config.provider();
    let machine = match kind {
        TaskKind::ExtendVideo => {
            let [request] = args(text)?;
            boxed(Call::submit(config, ExtendRequest::from_value(&request, provider)?, seed, nonce))
        }
        TaskKind::GetJob => {
            let [id] = args(text)?;
            boxed(Call::read(config, JobId::parse(&id)?, seed))
        }
        TaskKind::PollJob => {
            let [id] = args(text)?;
            boxed(Poll::new(config, poll, JobId::parse(&id)?, seed))
        }
        TaskKind::Run => {
            let [request] = args(text)?;
            boxed(Run::new(config, poll, ExtendRequest::from_value(&request, provider)?, seed, nonce))
        }
        // Only in the server build: a page runs chains on its server half
        // (lib/api.js), so their progress code costs the page nothing.
        #[cfg(feature = "server")]
        TaskKind::ChainExtensions => {
            let [video_id, prompts] = args(text)?;
            let plan = ChainPlan::from_values(&video_id, &prompts, settings.options(), provider)?;
            boxed(Chain::new(config, poll, plan, nonce, seed))
        }
        // A step of a chain a durable engine runs (`kling-extend/workflows`):
        // the in-flight step of `options.resume`; `retried` when the engine
        // ran it before, so it is found before it is sent again.
        #[cfg(feature = "server")]
        TaskKind::ChainSubmit => {
            let [video_id, prompts, retried] = args(text)?;
            let (prompts, progress) =
                super::chain_steps::chain(&video_id, &prompts, settings.options(), &config, nonce)?;
            let Value::Bool(retried) = retried else { return Err(Error::invalid("retried", "must be a boolean")) };
            boxed(chain_steps::submit(&prompts, &progress, retried, config, seed)?)
        }
        #[cfg(not(feature = "server"))]
        TaskKind::ChainExtensions | TaskKind::ChainSubmit => return Err(TaskKind::not_a_call()),
    };
    Ok(wrappers.wrap(machine))
}

fn boxed<M: Machine<Update = Update> + 'static>(machine: M) -> AnyMachine
where
    M::Output: Into<Value>,
{
    Box::new(JsonOutput(machine))
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

    fn wrap(self, machine: AnyMachine) -> AnyMachine {
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

/// A call's end before its machine took any step (or past its last).
fn ended(error: Error) -> String {
    step_json(None, Step::Done(Err(error)), Vec::new(), None)
}

/// The step as JSON text, `{ task?, send | wait | done | error, updates? }`
/// (`updates` only when there are some), each job's document set aside
/// (`convert::aside`) or, when it is `body` as received, marked so.
fn step_json(task: Option<u32>, step: Step<Value>, updates: Vec<Value>, body: Option<&[u8]>) -> String {
    let (key, value) = match step {
        Step::Send { request, timeout_ms, max_bytes } => ("send", send_json(request, timeout_ms, max_bytes)),
        Step::Wait { ms, .. } => ("wait", Value::Number(ms as f64)),
        Step::Done(Ok(result)) => ("done", document(result, body)),
        Step::Done(Err(error)) => ("error", document(error.into(), body)),
    };
    object([
        ("task", task.map(|task| Value::Number(task.into()))),
        (key, Some(value)),
        ("updates", (!updates.is_empty()).then_some(Value::Array(updates))),
    ])
    .to_json()
}

/// `value` with the document of each of its jobs (see `convert::jobs_mut`)
/// marked `"rawText": true` where it is `body` as received (a byte order
/// mark aside), and set aside where it is not.
#[cfg(feature = "server")]
fn document(mut value: Value, body: Option<&[u8]>) -> Value {
    if let Some(body) = body {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        jobs_mut(&mut value, &mut |job| {
            let Value::Object(members) = job else { return };
            for (key, value) in members.iter_mut() {
                if key == RAW_TEXT && matches!(value, Value::String(text) if text.as_bytes() == body) {
                    *value = Value::Bool(true);
                }
            }
        });
    }
    aside(value)
}

/// A page's build passes each document as its text (`convert::aside`): the
/// documents a page reads are small, and the comparison would cost it 0.2 KB.
#[cfg(not(feature = "server"))]
fn document(value: Value, _: Option<&[u8]>) -> Value {
    aside(value)
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
fn update_json(update: Update, body: Option<&[u8]>) -> Value {
    let (hook, value) = match update {
        Update::Status(job) => (ON_UPDATE, job.into()),
        Update::Submitted(submission) => (ON_SUBMITTED, submission.into()),
        Update::Step { index, job } => {
            (ON_STEP, object([("index", Some(Value::Number(index as f64))), ("job", Some(job.into()))]))
        }
        #[cfg(feature = "server")]
        Update::Progress(progress) => (ON_PROGRESS, progress.into()),
        // Chains, which alone report progress, do not run on the web build.
        #[cfg(not(feature = "server"))]
        Update::Progress(_) => (ON_PROGRESS, Value::Null),
        Update::Log { level, message } => (
            LOG,
            object([
                ("level", Some(Value::String(level.as_str().to_owned()))),
                ("message", Some(Value::String(message))),
            ]),
        ),
    };
    object([(hook, Some(document(value, body)))])
}
