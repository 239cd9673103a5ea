//! A client's options as a JS object (`createClient`, `src/js/lib/task.js`):
//! checked once when it is made, then each call's machine is made from them
//! without checking them again (see the core's `client::settings`).

use super::convert::{answer, arg};
use super::task::begin;
use kling_extend_core::providers;
use kling_extend_core::types::error::Result;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct Settings {
    /// The checked settings, or why the options were refused.
    settings: Result<providers::Settings>,
}

#[wasm_bindgen]
impl Settings {
    /// `options`: the options' data as JSON (hooks stay in JS); `browser`:
    /// whether this is a page, where keys are refused; `env`: the process
    /// environment's variables as JSON, `null` where there is none.
    #[wasm_bindgen(constructor)]
    pub fn new(options: &str, browser: bool, env: &str) -> Settings {
        let settings = arg(options)
            .and_then(|options| Ok((options, environment(env)?)))
            .and_then(|(options, env)| providers::Settings::new(options, browser, env.as_ref()));
        Settings { settings }
    }

    /// Why the options were refused, as `{"error":…}` (`boundary.js`'s
    /// `answer` throws it), or `None` when they were not.
    pub fn refusal(&self) -> Option<String> {
        self.settings.as_ref().err().map(|error| answer(Err(error.clone())))
    }

    /// Whether the credential is still missing where an environment may
    /// give it: then JS hands the environment over again ([`Settings::supply`]).
    /// Only where there is one to read (the server build): a page has none.
    #[cfg(feature = "server")]
    #[wasm_bindgen(js_name = wantsEnvironment)]
    pub fn wants_environment(&self) -> bool {
        self.settings.as_ref().is_ok_and(providers::Settings::wants_environment)
    }

    /// The process environment's variables now (JSON), for the missing credential.
    #[cfg(feature = "server")]
    pub fn supply(&mut self, env: &str) {
        if let (Ok(settings), Ok(env)) = (&mut self.settings, environment(env)) {
            settings.supply(env);
        }
    }

    /// Starts the call `kind` of `args` (a JSON list) under these settings,
    /// at `monotonic` and `unix` (see `Time`): its first step; see [`begin`].
    pub fn start(&self, kind: &str, args: &str, entropy: &[u8], monotonic: f64, unix: f64) -> String {
        begin(kind, args, self.settings.as_ref().map_err(Clone::clone), entropy, monotonic, unix)
    }
}

/// The process environment's variables (Node's, in the server build); a
/// page has none, so its build reads none (0.4 KB brotli it need not load).
#[cfg(feature = "server")]
pub(super) fn environment(env: &str) -> Result<Option<kling_extend_core::client::environment::Environment>> {
    kling_extend_core::client::environment::Environment::from_value(&arg(env)?)
}

#[cfg(not(feature = "server"))]
fn environment(_: &str) -> Result<Option<kling_extend_core::client::environment::Environment>> {
    Ok(None)
}
