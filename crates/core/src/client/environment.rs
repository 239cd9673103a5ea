//! What a server process's environment supplies, as the SDKs users know do
//! (`OPENAI_API_KEY`, `REPLICATE_API_TOKEN`): the credentials a call was not
//! given, and the log level. Only Node's entry reads the environment; pages
//! and Workers have none (a Worker's secrets arrive in its `env`, which the
//! caller passes on).

use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::json::Value;

/// The variables, by the names users set.
pub const TRINETRA_API_KEY: &str = "TRINETRA_API_KEY";
pub const KLING_API_KEY: &str = "KLING_API_KEY";
pub const KLING_ACCESS_KEY: &str = "KLING_ACCESS_KEY";
pub const KLING_SECRET_KEY: &str = "KLING_SECRET_KEY";
pub const KLING_EXTEND_LOG: &str = "KLING_EXTEND_LOG";

const NAMES: &[&str] = &[TRINETRA_API_KEY, KLING_API_KEY, KLING_ACCESS_KEY, KLING_SECRET_KEY, KLING_EXTEND_LOG];

/// The variables that are set (and not empty), each by its name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Environment {
    vars: Vec<(&'static str, String)>,
}

impl Environment {
    /// From `{ NAME: value }`, as the Node entry reads it; `null` where the
    /// runtime has no environment. An empty value counts as unset, as a
    /// shell's `VAR=` means.
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
