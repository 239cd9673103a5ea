//! Runs a core state machine against real `fetch` and timers.

use super::convert::{to_js, Hooks};
use super::fetch::Fetcher;
use super::timer::sleep;
use crate::core::job::Job;
use crate::core::json::{object, Value};
use crate::core::machine::{Event, Machine, Step, Update};
use js_sys::{Date, Function, Math, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::AbortSignal;

pub struct Driver {
    fetcher: Fetcher,
    signal: Option<AbortSignal>,
    on_update: Option<Function>,
    on_step: Option<Function>,
}

impl Driver {
    pub fn new(hooks: Hooks) -> Result<Driver, JsValue> {
        Ok(Driver {
            fetcher: Fetcher::new(hooks.fetch)?,
            signal: hooks.signal,
            on_update: hooks.on_update,
            on_step: hooks.on_step,
        })
    }

    /// Drives `machine` to its end. A throwing `onUpdate` ends the call with
    /// the caller's own exception.
    pub async fn run<M: Machine>(&self, mut machine: M) -> Result<M::Output, JsValue> {
        let mut step = machine.start(now());
        loop {
            while let Some(update) = machine.take_update() {
                self.report(update)?;
            }
            let event = match step {
                Step::Done(result) => return Ok(result?),
                Step::Send { .. } if self.aborted() => Event::Aborted { in_flight: false },
                Step::Send { request, timeout_ms } => {
                    self.fetcher.send(&request, timeout_ms, self.signal.as_ref()).await
                }
                Step::Wait { ms } => match sleep(ms, self.signal.as_ref()).await {
                    true => Event::Waited,
                    false => Event::Aborted { in_flight: false },
                },
            };
            step = machine.handle(event, now());
        }
    }

    fn report(&self, update: Update) -> Result<(), JsValue> {
        let (hook, value) = match update {
            Update::Status(job) => (&self.on_update, Value::from(job)),
            Update::Step { index, job } => (&self.on_step, step_report(index, job)),
        };
        match hook {
            Some(hook) => hook.call1(&JsValue::UNDEFINED, &to_js(&value)).map(drop),
            None => Ok(()),
        }
    }

    fn aborted(&self) -> bool {
        self.signal.as_ref().is_some_and(AbortSignal::aborted)
    }
}

/// What `onStep` receives: `{ index, job }`.
fn step_report(index: usize, job: Job) -> Value {
    object([("index", Some((index as u64).into())), ("job", Some(job.into()))])
}

fn now() -> u64 {
    Date::now() as u64
}

/// A seed for retry jitter.
pub fn seed() -> u64 {
    (Math::random() * 9_007_199_254_740_992.0) as u64
}

/// 16 bytes from the platform's cryptographic generator (`crypto.getRandomValues`).
pub fn nonce() -> Result<[u8; 16], JsValue> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())?;
    let fill = Reflect::get(&crypto, &"getRandomValues".into())?.dyn_into::<Function>()?;
    let bytes = Uint8Array::new_with_length(16);
    fill.call1(&crypto, &bytes)?;
    let mut out = [0u8; 16];
    bytes.copy_to(&mut out);
    Ok(out)
}
