//! Credentials out of everything handed to a caller: a service that echoes
//! the key (in a message, a request id, a job document) must not show it to
//! whoever reads the result, the error or a log of either.

use super::json::Value;

/// Every occurrence of a secret in `text`, replaced by `[redacted]`.
pub fn redact_text(text: &mut String, secrets: &[&str]) {
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if text.contains(secret) {
            *text = text.replace(secret, "[redacted]");
        }
    }
}

/// [`redact_text`] on every string and key of `value`, however deep.
pub fn redact_value(value: &mut Value, secrets: &[&str]) {
    match value {
        Value::String(text) => redact_text(text, secrets),
        Value::Array(items) => items.iter_mut().for_each(|item| redact_value(item, secrets)),
        Value::Object(members) => {
            for (key, item) in members {
                redact_text(key, secrets);
                redact_value(item, secrets);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    #[test]
    fn every_string_and_key_loses_the_secret() {
        let mut value = parse(br#"{"error":"key k-123 is suspended","raw":{"k-123":["x k-123 y",1]}}"#).unwrap();
        redact_value(&mut value, &["k-123", ""]);
        assert_eq!(
            value.to_json(),
            r#"{"error":"key [redacted] is suspended","raw":{"[redacted]":["x [redacted] y",1]}}"#
        );
    }
}
