//! What a server process's environment supplies, as the SDKs users know do
//! (`OPENAI_API_KEY`, `REPLICATE_API_TOKEN`): the credentials a call was not
//! given, and the log level. Only Node's entry reads the environment; pages
//! and Workers have none (a Worker's secrets arrive in its `env`, which the
//! caller passes on).
//!
//! A driver reads the variables it has (Node's `process.env`, Rust's
//! `std::env`) into an [`Environment`] and checks the options in it:
//!
//! ```
//! use kling_extend_core::client::environment::{Environment, TRINETRA_API_KEY};
//! use kling_extend_core::providers::Settings;
//! use kling_extend_core::types::json::{Value, object, parse};
//!
//! let vars = object([(TRINETRA_API_KEY, Some(Value::String("sk-from-env".into())))]);
//! let env = Environment::from_value(&vars).unwrap();
//! let settings = Settings::new(parse(b"{}").unwrap(), false, env.as_ref()).unwrap();
//! assert!(settings.ready().is_ok(), "the key came from the environment");
//! ```

use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::json::Value;

/// The variables, by the names users set (the README's). This one is
/// Trinetra's key, for a call given no `apiKey`.
///
/// ```
/// # use kling_extend_core::client::environment::{self as env, Environment};
/// # use kling_extend_core::providers::Settings;
/// # use kling_extend_core::types::json::{Value, object, parse};
/// # let environment = |vars: &[(&str, &str)]| {
/// #     let value = object(vars.iter().map(|&(name, text)| (name, Some(Value::String(text.into())))));
/// #     Environment::from_value(&value).unwrap()
/// # };
/// # let settings =
/// #     |options: &[u8], env: Option<Environment>| Settings::new(parse(options).unwrap(), false, env.as_ref());
/// let ready = settings(b"{}", environment(&[(env::TRINETRA_API_KEY, "sk-1")])).unwrap();
/// assert!(ready.ready().is_ok());
/// let unset = settings(b"{}", environment(&[])).unwrap();
/// assert_eq!(unset.ready().unwrap_err().field.as_deref(), Some("apiKey"));
/// ```
pub const TRINETRA_API_KEY: &str = "TRINETRA_API_KEY";
/// Kling's API key, for a Kling call given no credential.
///
/// ```
/// # use kling_extend_core::client::environment::{self as env, Environment};
/// # use kling_extend_core::providers::Settings;
/// # use kling_extend_core::types::json::{Value, object, parse};
/// # let environment = |vars: &[(&str, &str)]| {
/// #     let value = object(vars.iter().map(|&(name, text)| (name, Some(Value::String(text.into())))));
/// #     Environment::from_value(&value).unwrap()
/// # };
/// # let settings =
/// #     |options: &[u8], env: Option<Environment>| Settings::new(parse(options).unwrap(), false, env.as_ref());
/// let kling = settings(br#"{"provider":"kling"}"#, environment(&[(env::KLING_API_KEY, "kk")])).unwrap();
/// assert!(kling.ready().is_ok());
/// // Another provider's variable supplies nothing.
/// let trinetra = settings(b"{}", environment(&[(env::KLING_API_KEY, "kk")])).unwrap();
/// assert!(trinetra.ready().is_err());
/// ```
pub const KLING_API_KEY: &str = "KLING_API_KEY";
/// Kling's access key, which with [`KLING_SECRET_KEY`] signs Kling's
/// tokens when there is no [`KLING_API_KEY`].
///
/// ```
/// # use kling_extend_core::client::environment::{self as env, Environment};
/// # use kling_extend_core::providers::Settings;
/// # use kling_extend_core::types::json::{Value, object, parse};
/// # let environment = |vars: &[(&str, &str)]| {
/// #     let value = object(vars.iter().map(|&(name, text)| (name, Some(Value::String(text.into())))));
/// #     Environment::from_value(&value).unwrap()
/// # };
/// # let settings =
/// #     |options: &[u8], env: Option<Environment>| Settings::new(parse(options).unwrap(), false, env.as_ref());
/// let both = [(env::KLING_ACCESS_KEY, "ak"), (env::KLING_SECRET_KEY, "sk")];
/// assert!(settings(br#"{"provider":"kling"}"#, environment(&both)).unwrap().ready().is_ok());
/// ```
pub const KLING_ACCESS_KEY: &str = "KLING_ACCESS_KEY";
/// Kling's secret key: with [`KLING_ACCESS_KEY`], never alone.
///
/// ```
/// # use kling_extend_core::client::environment::{self as env, Environment};
/// # use kling_extend_core::providers::Settings;
/// # use kling_extend_core::types::json::{Value, object, parse};
/// # let environment = |vars: &[(&str, &str)]| {
/// #     let value = object(vars.iter().map(|&(name, text)| (name, Some(Value::String(text.into())))));
/// #     Environment::from_value(&value).unwrap()
/// # };
/// # let settings =
/// #     |options: &[u8], env: Option<Environment>| Settings::new(parse(options).unwrap(), false, env.as_ref());
/// let half = environment(&[(env::KLING_SECRET_KEY, "sk")]);
/// assert!(settings(br#"{"provider":"kling"}"#, half).is_err());
/// ```
pub const KLING_SECRET_KEY: &str = "KLING_SECRET_KEY";
/// The log level of a call whose options give no `logLevel`.
///
/// ```
/// # use kling_extend_core::client::environment::{self as env, Environment};
/// # use kling_extend_core::providers::Settings;
/// # use kling_extend_core::types::json::{Value, object, parse};
/// # let environment = |vars: &[(&str, &str)]| {
/// #     let value = object(vars.iter().map(|&(name, text)| (name, Some(Value::String(text.into())))));
/// #     Environment::from_value(&value).unwrap()
/// # };
/// # let settings =
/// #     |options: &[u8], env: Option<Environment>| Settings::new(parse(options).unwrap(), false, env.as_ref());
/// # use kling_extend_core::client::log_level::Level;
/// let debug = environment(&[(env::TRINETRA_API_KEY, "sk-1"), (env::KLING_EXTEND_LOG, "debug")]);
/// let settings = settings(b"{}", debug).unwrap();
/// assert_eq!(settings.ready().unwrap().0.log, Some(Level::Debug));
/// ```
pub const KLING_EXTEND_LOG: &str = "KLING_EXTEND_LOG";

const NAMES: &[&str] = &[TRINETRA_API_KEY, KLING_API_KEY, KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_EXTEND_LOG];

/// The variables that are set (and not empty), each by its name: what a
/// driver reads of its process's environment, for
/// [`Settings`](crate::client::settings::Settings) to take what the
/// options leave out.
///
/// ```
/// use kling_extend_core::client::environment::{Environment, TRINETRA_API_KEY};
/// use kling_extend_core::types::json::{Value, object};
///
/// // In a Rust driver: the variables of `std::env` the core reads.
/// let key = std::env::var(TRINETRA_API_KEY).ok();
/// let env = Environment::from_value(&object([(TRINETRA_API_KEY, key.map(Value::String))])).unwrap();
/// assert!(env.is_some(), "a process has an environment, even an empty one");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Environment {
    vars: Vec<(&'static str, String)>,
}

impl Environment {
    /// From `{ NAME: value }`, as the Node entry reads it; `null` where the
    /// runtime has no environment. An empty value counts as unset, as a
    /// shell's `VAR=` means. A variable the core does not read is refused,
    /// named: a driver passes only these.
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::types::json::{Value, parse};
    ///
    /// assert_eq!(Environment::from_value(&Value::Null), Ok(None), "a page or a Worker");
    /// let empty = Environment::from_value(&parse(br#"{"KLING_API_KEY":""}"#).unwrap()).unwrap();
    /// assert_eq!(empty, Some(Environment::default()), "an empty value is unset");
    /// let other = Environment::from_value(&parse(br#"{"HOME":"/root"}"#).unwrap()).unwrap_err();
    /// assert_eq!(other.field.as_deref(), Some("HOME"));
    /// ```
    pub fn from_value(value: &Value) -> Result<Option<Environment>> {
        if *value == Value::Null {
            return Ok(None);
        }
        let fields = Fields::of(value, "environment")?;
        fields.deny_unknown(NAMES, |_| None)?;
        let mut vars = Vec::new();
        for name in NAMES {
            if let Some(text) = fields.string(name)?.filter(|text| !text.is_empty()) {
                vars.push((*name, text.to_owned()));
            }
        }
        Ok(Some(Environment { vars }))
    }

    /// The variable `name`, if set.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.vars.iter().find(|(n, _)| *n == name).map(|(_, value)| value.as_str())
    }
}

/// The error of a call with no credential at all to the service's own URL,
/// which would only be refused there: it names the option and, where the
/// runtime has an environment, the variables that would supply it.
pub(crate) fn missing_credential(base_url: &str, variables: &str, has_environment: bool) -> Error {
    let supply = if has_environment { format!("pass it or set {variables}") } else { "pass it".to_owned() };
    Error::invalid(
        "apiKey",
        &format!(
            "is required to call {base_url} directly: {supply}, or point baseUrl at a proxy that holds the key (createProxy)"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    #[test]
    fn set_variables_are_kept_and_empty_ones_are_unset() {
        let env = Environment::from_value(&parse(br#"{"TRINETRA_API_KEY":"k","KLING_API_KEY":""}"#).unwrap())
            .unwrap()
            .unwrap();
        assert_eq!(env.get(TRINETRA_API_KEY), Some("k"));
        assert_eq!(env.get(KLING_API_KEY), None);
        assert_eq!(Environment::from_value(&Value::Null).unwrap(), None);
        let e = Environment::from_value(&parse(br#"{"HOME":"/root"}"#).unwrap()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("HOME"));
    }

    #[test]
    fn the_missing_credential_names_the_option_and_the_variables() {
        let e = missing_credential("https://svc", TRINETRA_API_KEY, true);
        assert_eq!(e.field.as_deref(), Some("apiKey"));
        assert!(
            e.message.starts_with("apiKey is required to call https://svc directly: pass it or set TRINETRA_API_KEY")
        );
        assert!(!missing_credential("https://svc", TRINETRA_API_KEY, false).message.contains("TRINETRA_API_KEY"));
    }
}
