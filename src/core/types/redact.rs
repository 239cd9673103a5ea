//! Credentials out of everything handed to a caller. A service that echoes
//! the key, or a token the client signed, in a message, a request id or a job
//! document must not show it to whoever reads the result, the error or a log
//! of either. Machines redact what they finish with; JWT-shaped text is
//! redacted even when the client holds no secret (a webhook body, say).

use crate::core::types::error::Error;
use crate::core::types::job::{Job, Output, Submission};
use crate::core::types::json::Value;

const REDACTED: &str = "[redacted]";

/// Something handed to a caller, with every credential taken out.
pub trait Redact {
    fn redact(&mut self, secrets: &[&str]);

    /// `self`, redacted.
    fn redacted(mut self, secrets: &[&str]) -> Self
    where
        Self: Sized,
    {
        self.redact(secrets);
        self
    }
}

impl Redact for String {
    fn redact(&mut self, secrets: &[&str]) {
        for secret in secrets.iter().filter(|s| !s.is_empty()) {
            if self.contains(secret) {
                *self = self.replace(secret, REDACTED);
            }
        }
        redact_jwts(self);
    }
}

impl<T: Redact> Redact for Option<T> {
    fn redact(&mut self, secrets: &[&str]) {
        if let Some(inner) = self {
            inner.redact(secrets);
        }
    }
}

impl<T: Redact> Redact for Vec<T> {
    fn redact(&mut self, secrets: &[&str]) {
        self.iter_mut().for_each(|item| item.redact(secrets));
    }
}

impl<T: Redact> Redact for Box<T> {
    fn redact(&mut self, secrets: &[&str]) {
        (**self).redact(secrets);
    }
}

/// Every string and key, however deep.
impl Redact for Value {
    fn redact(&mut self, secrets: &[&str]) {
        match self {
            Value::String(text) => text.redact(secrets),
            Value::Array(items) => items.redact(secrets),
            Value::Object(members) => {
                for (key, item) in members {
                    key.redact(secrets);
                    item.redact(secrets);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

impl Redact for Job {
    fn redact(&mut self, secrets: &[&str]) {
        self.id.redact(secrets);
        self.model.redact(secrets);
        self.error.redact(secrets);
        self.raw.redact(secrets);
        if let Some(Output { outputs }) = &mut self.output {
            for video in outputs {
                video.url.redact(secrets);
                video.id.redact(secrets);
            }
        }
    }
}

impl Redact for Submission {
    fn redact(&mut self, secrets: &[&str]) {
        self.job_id.redact(secrets);
        self.request_id.redact(secrets);
    }
}

impl Redact for Error {
    fn redact(&mut self, secrets: &[&str]) {
        self.message.redact(secrets);
        self.request_id.redact(secrets);
        self.field.redact(secrets);
        self.job.redact(secrets);
    }
}

/// Replaces each JWT-shaped token (`eyJ…` header, payload and signature, in
/// base64url, joined by dots): whoever signed it, it is a bearer credential.
fn redact_jwts(text: &mut String) {
    let mut rest = text.as_str();
    let mut out = String::new();
    let mut changed = false;
    while let Some(at) = rest.find("eyJ") {
        let (before, from) = rest.split_at(at);
        let run =
            from.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))).unwrap_or(from.len());
        let token = &from[..run];
        let parts: Vec<&str> = token.splitn(4, '.').collect();
        out.push_str(before);
        if parts.len() >= 3 && parts[..3].iter().all(|part| !part.is_empty()) {
            let jwt = parts[0].len() + parts[1].len() + parts[2].len() + 2;
            out.push_str(REDACTED);
            rest = &from[jwt..];
            changed = true;
        } else {
            out.push_str(&from[..3]);
            rest = &from[3..];
        }
    }
    if changed {
        out.push_str(rest);
        *text = out;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::json::parse;

    #[test]
    fn every_string_and_key_loses_the_secret() {
        let mut value = parse(br#"{"error":"key k-123 is suspended","raw":{"k-123":["x k-123 y",1]}}"#).unwrap();
        value.redact(&["k-123", ""]);
        assert_eq!(
            value.to_json(),
            r#"{"error":"key [redacted] is suspended","raw":{"[redacted]":["x [redacted] y",1]}}"#
        );
    }

    #[test]
    fn jwt_shaped_text_is_redacted_whoever_signed_it() {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2ln-_";
        let mut text = format!("bad token {jwt}. eyJ alone, eyJa.b and ok");
        text.redact(&[]);
        assert_eq!(text, "bad token [redacted]. eyJ alone, eyJa.b and ok");
        let mut clean = "nothing here".to_owned();
        clean.redact(&[]);
        assert_eq!(clean, "nothing here");
    }
}
