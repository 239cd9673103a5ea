//! Typed, field-named reads from a JSON-like object supplied by a caller.
//!
//! Every reader rejects a wrong type with the field's name instead of
//! defaulting, and treats `null`/`undefined` as "not given". The readers
//! serve the core's own parsing of options and inputs; a driver needs only
//! [`Fields::of`] and [`Fields::provider`], to pick a provider from options.
//!
//! ```
//! use kling_extend_core::types::fields::Fields;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let options = parse(br#"{"provider":"kling","apiKey":"k"}"#).unwrap();
//! let provider = Fields::of(&options, "options").unwrap().provider().unwrap();
//! assert_eq!(provider.unwrap_or_default(), ProviderName::Kling);
//! ```

use crate::types::error::{Error, Result};
use crate::types::json::Value;
use crate::types::provider::ProviderName;

/// The members of a caller's object, read one field at a time, each
/// failure an `invalid_request` that names the field.
///
/// ```
/// use kling_extend_core::types::fields::Fields;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"provider":"openai"}"#).unwrap();
/// let error = Fields::of(&options, "options").unwrap().provider().unwrap_err();
/// assert_eq!(error.field.as_deref(), Some("provider"));
/// assert_eq!(error.message, r#"provider must be "trinetra" or "kling""#);
/// ```
pub struct Fields<'a> {
    members: &'a [(String, Value)],
    /// Prepended to field names in errors, e.g. `rates.` for nested objects.
    prefix: &'a str,
}

impl<'a> Fields<'a> {
    /// The members of `value`, which must be an object; `what` names the
    /// whole value in the error when it is not one.
    ///
    /// ```
    /// use kling_extend_core::types::fields::Fields;
    /// use kling_extend_core::types::json::Value;
    ///
    /// assert!(Fields::of(&Value::Object(Vec::new()), "options").is_ok());
    /// let error = Fields::of(&Value::Bool(true), "options").err().unwrap();
    /// assert_eq!(error.message, "options must be an object, not a boolean");
    /// ```
    pub fn of(value: &'a Value, what: &str) -> Result<Fields<'a>> {
        Self::nested(value, what, "")
    }

    pub(crate) fn nested(value: &'a Value, what: &str, prefix: &'a str) -> Result<Fields<'a>> {
        match value {
            Value::Object(members) => Ok(Fields { members, prefix }),
            other => Err(Error::invalid(what, &("must be an object, not ".to_owned() + other.kind()))),
        }
    }

    /// Refuses any key not in `known`; `explain` may give a better reason for
    /// keys that are known elsewhere (e.g. to the other provider).
    pub(crate) fn deny_unknown(&self, known: &[&str], explain: impl Fn(&str) -> Option<String>) -> Result<()> {
        match self.members.iter().find(|(k, _)| !known.contains(&k.as_str())) {
            None => Ok(()),
            Some((key, _)) => {
                let why = explain(key).unwrap_or_else(|| "is not a known field".to_owned());
                Err(Error::invalid(&self.name(key), &why))
            }
        }
    }

    fn name(&self, key: &str) -> String {
        self.prefix.to_owned() + key
    }

    fn present(&self, key: &str) -> Option<&'a Value> {
        self.members.iter().find(|(k, _)| k == key).map(|(_, v)| v).filter(|v| !matches!(v, Value::Null))
    }

    fn wrong(&self, key: &str, expected: &str, got: &Value) -> Error {
        Error::invalid(&self.name(key), &("must be ".to_owned() + expected + ", not " + got.kind()))
    }

    /// Whether `key` is given (present, and not null).
    pub(crate) fn given(&self, key: &str) -> bool {
        self.present(key).is_some()
    }

    pub(crate) fn string(&self, key: &str) -> Result<Option<&'a str>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(self.wrong(key, "a string", other)),
        }
    }

    /// A string that, when given, must not be empty or blank.
    pub(crate) fn text(&self, key: &str) -> Result<Option<&'a str>> {
        match self.string(key)? {
            Some(s) if s.trim().is_empty() => Err(Error::invalid(&self.name(key), "must not be empty")),
            other => Ok(other),
        }
    }

    /// A finite number (JSON numbers always are; JS values may not be).
    pub(crate) fn number(&self, key: &str) -> Result<Option<f64>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Number(n)) if n.is_finite() => Ok(Some(*n)),
            Some(Value::Number(_)) => Err(Error::invalid(&self.name(key), "must be a finite number")),
            Some(other) => Err(self.wrong(key, "a number", other)),
        }
    }

    /// A whole number within `range`.
    pub(crate) fn integer(&self, key: &str, range: std::ops::RangeInclusive<u64>) -> Result<Option<u64>> {
        match self.number(key)? {
            None => Ok(None),
            Some(n) => whole(n, &range).map(Some).ok_or_else(|| {
                let why = format!("must be a whole number from {} to {}", range.start(), range.end());
                Error::invalid(&self.name(key), &why)
            }),
        }
    }

    /// The `provider` member, if given: `"trinetra"` or `"kling"`, where a
    /// `null` is not given.
    ///
    /// ```
    /// use kling_extend_core::types::fields::Fields;
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let read = |text: &str| Fields::of(&parse(text.as_bytes()).unwrap(), "options").unwrap().provider();
    /// assert_eq!(read(r#"{"provider":"trinetra"}"#).unwrap(), Some(ProviderName::Trinetra));
    /// assert_eq!(read(r#"{"provider":null}"#).unwrap(), None);
    /// assert_eq!(read(r#"{}"#).unwrap(), None);
    /// assert!(read(r#"{"provider":1}"#).is_err());
    /// ```
    pub fn provider(&self) -> Result<Option<ProviderName>> {
        match self.string("provider")? {
            None => Ok(None),
            Some(name) => ProviderName::from_name(name)
                .map(Some)
                .ok_or_else(|| Error::invalid(&self.name("provider"), "must be \"trinetra\" or \"kling\"")),
        }
    }

    pub(crate) fn boolean(&self, key: &str) -> Result<Option<bool>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.wrong(key, "a boolean", other)),
        }
    }

    pub(crate) fn array(&self, key: &str) -> Result<Option<&'a [Value]>> {
        match self.present(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(self.wrong(key, "a list", other)),
        }
    }

    pub(crate) fn object(&self, key: &str) -> Result<Option<&'a Value>> {
        match self.present(key) {
            None => Ok(None),
            Some(v @ Value::Object(_)) => Ok(Some(v)),
            Some(other) => Err(self.wrong(key, "an object", other)),
        }
    }
}

/// `n` if it is a whole number within `range`: [`Fields::integer`]'s rule,
/// for numbers that arrive without a caller's object around them.
pub(crate) fn whole(n: f64, range: &std::ops::RangeInclusive<u64>) -> Option<u64> {
    (n.fract() == 0.0 && n >= *range.start() as f64 && n <= *range.end() as f64).then_some(n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    #[test]
    fn names_the_field_and_the_reason() {
        let v = parse(br#"{"a":"x","n":1.5,"z":null,"o":[]}"#).unwrap();
        let fields = Fields::of(&v, "request").unwrap();
        assert_eq!(fields.string("a").unwrap(), Some("x"));
        assert_eq!(fields.string("z").unwrap(), None);
        let e = fields.string("n").unwrap_err();
        assert_eq!((e.field.as_deref(), e.message.as_str()), (Some("n"), "n must be a string, not a number"));
        assert!(fields.integer("n", 0..=10).is_err());
        assert!(fields.object("o").is_err());
        let e = fields.deny_unknown(&["a", "n", "z"], |_| None).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("o"));
    }

    #[test]
    fn non_objects_are_refused_by_name() {
        let e = Fields::of(&Value::Number(3.0), "request").err().unwrap();
        assert_eq!(e.message, "request must be an object, not a number");
    }
}
