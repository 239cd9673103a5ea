//! A client's options, checked once when it is made (`createClient`): each
//! of its calls starts from them instead of checking them again. A call with
//! options of its own is made from the client's with its own laid over them
//! (in JS, where both are), checked as one.

use crate::core::client::environment::Environment;
use crate::core::client::options::{ClientConfig, PollConfig};
use crate::core::types::error::Result;
use crate::core::types::json::Value;

/// Checked options: the config every call needs, and the options as given,
/// for what a call reads of them itself (a chain's `resume`, say).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    options: Value,
    pub config: ClientConfig,
    pub poll: PollConfig,
}

impl Settings {
    /// `options` (data only: hooks stay in JS) checked as [`ClientConfig`]
    /// and [`PollConfig`]; `env` supplies what they leave out (Node's).
    pub fn new(options: Value, browser: bool, env: Option<&Environment>) -> Result<Settings> {
        let config = ClientConfig::in_environment(&options, browser, env)?;
        let poll = PollConfig::from_value(&options)?;
        Ok(Settings { options, config, poll })
    }

    pub fn options(&self) -> &Value {
        &self.options
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::json::parse;

    fn settings(json: &str, env: Option<&Environment>) -> Result<Settings> {
        Settings::new(parse(json.as_bytes()).unwrap(), false, env)
    }

    #[test]
    fn every_option_is_checked_when_the_settings_are_made() {
        assert_eq!(settings(r#"{"apiKey":"k","timeoutMS":5}"#, None).unwrap_err().field.as_deref(), Some("timeoutMS"));
        let poll = settings(r#"{"apiKey":"k","intervalMs":5000,"maxIntervalMs":10}"#, None);
        assert_eq!(poll.unwrap_err().field.as_deref(), Some("maxIntervalMs"));
        let ok = settings(r#"{"apiKey":"k","timeoutMs":5000,"intervalMs":50}"#, None).unwrap();
        assert_eq!((ok.config.limits.timeout_ms, ok.poll.interval_ms), (5_000, 50));
    }

    #[test]
    fn the_environment_supplies_a_missing_credential_once() {
        let env = Environment::from_value(&parse(br#"{"TRINETRA_API_KEY":"k"}"#).unwrap()).unwrap();
        assert!(settings("{}", env.as_ref()).unwrap().config.provider.has_credential());
        assert_eq!(settings("{}", None).unwrap_err().field.as_deref(), Some("apiKey"));
    }
}
