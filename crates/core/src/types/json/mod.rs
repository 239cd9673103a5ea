//! JSON values: the core's data model, read and written by `serde_json`.
//!
//! The core keeps its own [`Value`] rather than `serde_json::Value` for two
//! reasons: objects keep their members in the order received (a job's `raw`
//! is the service's document as sent, and `serde_json`'s ordered map would
//! bring a hasher whose keys a hostile service could collide), and numbers
//! are plain `f64`, as JavaScript's are. Results and errors leave the crate
//! as values: each core type converts itself with `From<T> for Value`.

mod serde;

pub use self::serde::{ParseError, is_document, parse, parse_number, parse_only};

/// What to build of a document (see [`parse_only`]); the rest is read
/// through, never stored.
#[derive(Debug)]
pub enum Keep {
    /// The value whole.
    All,
    /// Nothing: the value is read through (checked), never stored.
    Nothing,
    /// Of an object, these members, each as its own `Keep` says.
    Members(&'static [(&'static str, Keep)]),
    /// Of a list, each item as this says.
    Items(&'static Keep),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<Value>),
    /// Members in the order received; a parsed document holds each key once
    /// (the last value given for it, where `JSON.parse` keeps it too).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object; `None` for other values.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Like [`Value::get`], but a JSON `null` counts as absent.
    pub fn get_present(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !matches!(v, Value::Null))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The JSON type's name, for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    }
}

/// Builds an object from members whose values may be absent.
pub fn object<'a>(members: impl IntoIterator<Item = (&'a str, Option<Value>)>) -> Value {
    Value::Object(present(&mut members.into_iter()))
}

/// The body of [`object`], compiled once rather than once per member count.
fn present(members: &mut dyn Iterator<Item = (&str, Option<Value>)>) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (key, value) in members {
        if let Some(value) = value {
            out.push((key.to_owned(), value));
        }
    }
    out
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(n)
    }
}

/// Counts and durations; JS numbers hold them exactly below 2^53.
impl From<u64> for Value {
    fn from(n: u64) -> Value {
        Value::Number(n as f64)
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_owned())
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        // A loop: `collect` here compiles to in-place iteration code per `T`.
        let mut values = Vec::with_capacity(items.len());
        for item in items {
            values.push(item.into());
        }
        Value::Array(values)
    }
}
