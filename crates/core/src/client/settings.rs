//! A client's options, checked once when it is made (`createClient`): each
//! of its calls starts from them instead of checking them again. (A call with
//! options of its own gets settings of its own, made from the client's
//! options as they were checked with its own laid over them, in JS.)
//!
//! One thing may be missing when a client is made: its credential, which the
//! environment may hold only later (a module loaded while its secret is
//! unset, as `next build` loads it). Every other option is refused at once;
//! a missing credential is each call's error until the environment gives it.
//!
//! ```
//! use kling_extend_core::client::environment::{Environment, TRINETRA_API_KEY};
//! use kling_extend_core::providers::Settings;
//! use kling_extend_core::types::json::{Value, object, parse};
//!
//! let env = |key: Option<&str>| {
//!     let vars = object([(TRINETRA_API_KEY, key.map(|key| Value::String(key.into())))]);
//!     Environment::from_value(&vars).unwrap()
//! };
//! // Made while the secret is unset, as `next build` loads a module:
//! let mut settings = Settings::new(parse(br#"{"timeoutMs":5000}"#).unwrap(), false, env(None).as_ref()).unwrap();
//! assert_eq!(settings.ready().unwrap_err().field.as_deref(), Some("apiKey"));
//! // A later call, once it is set:
//! if settings.wants_environment() {
//!     settings.supply(env(Some("sk-later")));
//! }
//! assert_eq!(settings.ready().unwrap().0.limits.timeout_ms, 5_000);
//! ```

use crate::client::environment::Environment;
use crate::client::options::{ClientConfig, PollConfig};
use crate::client::provider::Provider;
use crate::types::error::{Error, Result};
use crate::types::json::Value;

/// Checked options: the config every call needs, and the options as given,
/// for what a call reads of them itself (a chain's `resume`, say). `P` is
/// the provider; drivers use [`crate::providers::Settings`], any of them.
///
/// ```
/// use kling_extend_core::providers::Settings;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test","maxRetries":4,"intervalMs":2000}"#).unwrap();
/// let settings = Settings::new(options, false, None).unwrap();
/// let (config, poll) = settings.ready().unwrap();
/// assert_eq!((config.limits.max_retries, poll.interval_ms), (4, 2_000));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Settings<P> {
    options: Value,
    browser: bool,
    /// The environment they were checked in (Node's; `None` where there is
    /// none), until a missing credential is found in a later one.
    env: Option<Environment>,
    state: State<P>,
}

#[derive(Clone, Debug, PartialEq)]
enum State<P> {
    Ready {
        config: ClientConfig<P>,
        poll: PollConfig,
    },
    /// Everything checked but the credential, which neither the options nor
    /// the environment gave: the error a call fails with until one does.
    NoCredential(Error),
}

impl<P: Provider> Settings<P> {
    /// `options` (data only: hooks stay in JS) checked as [`ClientConfig`]
    /// and [`PollConfig`]; `env` supplies what they leave out (Node's).
    /// `browser`: whether the client runs in a page, where a key is refused.
    /// Every option but a missing credential is refused here, by name.
    ///
    /// ```
    /// use kling_extend_core::providers::Settings;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let typo = Settings::new(parse(br#"{"apiKey":"k","timeoutMS":5}"#).unwrap(), false, None);
    /// assert_eq!(typo.unwrap_err().field.as_deref(), Some("timeoutMS"));
    /// let in_page = Settings::new(parse(br#"{"apiKey":"k"}"#).unwrap(), true, None);
    /// assert_eq!(in_page.unwrap_err().field.as_deref(), Some("apiKey"), "a key in a page leaks");
    /// ```
    pub fn new(options: Value, browser: bool, env: Option<&Environment>) -> Result<Settings<P>> {
        let state = check(&options, browser, env)?;
        Ok(Settings { options, browser, env: env.cloned(), state })
    }

    /// The config and poll settings of a call, or the missing credential.
    ///
    /// ```
    /// use kling_extend_core::providers::Settings;
    /// use kling_extend_core::types::error::ErrorCode;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let keyless = Settings::new(parse(b"{}").unwrap(), false, None).unwrap();
    /// let error = keyless.ready().unwrap_err();
    /// assert_eq!((error.code, error.field.as_deref()), (ErrorCode::InvalidRequest, Some("apiKey")));
    /// // A proxy holds the key: no credential is needed to call it.
    /// let proxied = Settings::new(parse(br#"{"baseUrl":"https://example.com/api"}"#).unwrap(), false, None);
    /// assert_eq!(proxied.unwrap().ready().unwrap().0.base_url, "https://example.com/api");
    /// ```
    pub fn ready(&self) -> Result<(&ClientConfig<P>, &PollConfig)> {
        match &self.state {
            State::Ready { config, poll } => Ok((config, poll)),
            State::NoCredential(error) => Err(error.clone()),
        }
    }

    /// The options as given, checked.
    ///
    /// ```
    /// use kling_extend_core::providers::Settings;
    /// use kling_extend_core::types::json::{Value, parse};
    ///
    /// let options = parse(br#"{"apiKey":"k","callbackUrl":"https://example.com/cb"}"#).unwrap();
    /// let settings = Settings::new(options, false, None).unwrap();
    /// let callback = settings.options().get("callbackUrl").cloned();
    /// assert_eq!(callback, Some(Value::String("https://example.com/cb".into())));
    /// ```
    pub fn options(&self) -> &Value {
        &self.options
    }

    /// Whether a call should give the environment again first: only while
    /// the credential is missing, where there is an environment to read.
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::providers::Settings;
    /// use kling_extend_core::types::json::{Value, parse};
    ///
    /// let node = Environment::from_value(&parse(b"{}").unwrap()).unwrap();
    /// assert!(Settings::new(parse(b"{}").unwrap(), false, node.as_ref()).unwrap().wants_environment());
    /// let page = Settings::new(parse(b"{}").unwrap(), true, None).unwrap();
    /// assert!(!page.wants_environment(), "a page has no environment to wait for");
    /// let keyed = Settings::new(parse(br#"{"apiKey":"k"}"#).unwrap(), false, node.as_ref()).unwrap();
    /// assert!(!keyed.wants_environment());
    /// ```
    pub fn wants_environment(&self) -> bool {
        matches!(self.state, State::NoCredential(_)) && self.env.is_some()
    }

    /// Looks for the missing credential in `env` (the process environment's
    /// variables now); once found, the settings keep it and that environment.
    /// Settings that have their credential ignore it.
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::providers::Settings;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let env = |json: &[u8]| Environment::from_value(&parse(json).unwrap()).unwrap();
    /// let mut settings = Settings::new(parse(b"{}").unwrap(), false, env(b"{}").as_ref()).unwrap();
    /// settings.supply(env(br#"{"KLING_API_KEY":"kk"}"#)); // another provider's
    /// assert!(settings.ready().is_err());
    /// settings.supply(env(br#"{"TRINETRA_API_KEY":"sk-1"}"#));
    /// assert!(settings.ready().is_ok() && !settings.wants_environment());
    /// ```
    pub fn supply(&mut self, env: Option<Environment>) {
        if !matches!(self.state, State::NoCredential(_)) {
            return;
        }
        if let Ok(state @ State::Ready { .. }) = check(&self.options, self.browser, env.as_ref()) {
            (self.state, self.env) = (state, env);
        }
    }
}

/// The config of `options`, or [`State::NoCredential`] when all they lack
/// is a credential they do not give at all (then it is the environment's to
/// give, later perhaps).
fn check<P: Provider>(options: &Value, browser: bool, env: Option<&Environment>) -> Result<State<P>> {
    let poll = PollConfig::from_value(options)?;
    match ClientConfig::in_environment(options, browser, env) {
        Ok(config) => Ok(State::Ready { config, poll }),
        Err(error) if error.field.as_deref() == Some("apiKey") && !gives_credential::<P>(options) => {
            Ok(State::NoCredential(error))
        }
        Err(error) => Err(error),
    }
}

/// Whether `options` give a credential of their own (even a wrong one): one
/// given is never looked for in the environment.
fn gives_credential<P: Provider>(options: &Value) -> bool {
    P::CREDENTIAL_OPTIONS.iter().any(|key| options.get(key).is_some_and(|value| !matches!(value, Value::Null)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::Settings;
    use crate::types::json::parse;

    fn settings(json: &str, env: Option<&Environment>) -> Result<Settings> {
        Settings::new(parse(json.as_bytes()).unwrap(), false, env)
    }

    fn env(json: &str) -> Option<Environment> {
        Environment::from_value(&parse(json.as_bytes()).unwrap()).unwrap()
    }

    #[test]
    fn every_option_is_checked_when_the_settings_are_made() {
        assert_eq!(settings(r#"{"apiKey":"k","timeoutMS":5}"#, None).unwrap_err().field.as_deref(), Some("timeoutMS"));
        let poll = settings(r#"{"apiKey":"k","intervalMs":5000,"maxIntervalMs":10}"#, None);
        assert_eq!(poll.unwrap_err().field.as_deref(), Some("maxIntervalMs"));
        let ok = settings(r#"{"apiKey":"k","timeoutMs":5000,"intervalMs":50}"#, None).unwrap();
        let (config, poll) = ok.ready().unwrap();
        assert_eq!((config.limits.timeout_ms, poll.interval_ms), (5_000, 50));
    }

    #[test]
    fn a_missing_credential_is_each_calls_error_until_the_environment_gives_it() {
        let keyed = settings("{}", env(r#"{"TRINETRA_API_KEY":"k"}"#).as_ref()).unwrap();
        assert!(keyed.ready().unwrap().0.provider.has_credential());
        let mut unset = settings("{}", env("{}").as_ref()).unwrap();
        assert_eq!(unset.ready().unwrap_err().field.as_deref(), Some("apiKey"));
        assert!(unset.wants_environment());
        unset.supply(env("{}"));
        assert!(unset.ready().is_err());
        unset.supply(env(r#"{"TRINETRA_API_KEY":"later"}"#));
        assert!(unset.ready().is_ok() && !unset.wants_environment());
        let page = Settings::new(parse(b"{}").unwrap(), true, None).unwrap();
        assert!(page.ready().is_err() && !page.wants_environment(), "a page has no environment to wait for");
        let given = settings(r#"{"apiKey":"bad\nkey"}"#, None);
        assert_eq!(given.unwrap_err().field.as_deref(), Some("apiKey"), "a credential given is checked at once");
        assert_eq!(settings(r#"{"timeoutMS":5}"#, None).unwrap_err().field.as_deref(), Some("timeoutMS"));
    }
}
