//! JSON values: the core's data model, read and written by `serde_json`.
//!
//! The core keeps its own [`Value`] rather than `serde_json::Value` for two
//! reasons: objects keep their members in the order received (a job's `raw`
//! is the service's document as sent, and `serde_json`'s ordered map would
//! bring a hasher whose keys a hostile service could collide), and numbers
//! are plain `f64`, as JavaScript's are. Results and errors leave the crate
//! as values: each core type converts itself with `From<T> for Value`.
//!
//! ```
//! use kling_extend_core::types::json::{Value, object, parse};
//!
//! let document = parse(br#"{"b":1,"a":[true,null]}"#).unwrap();
//! assert_eq!(document.to_json(), r#"{"b":1,"a":[true,null]}"#, "members keep their order");
//! let built = object([("id", Some(Value::from("j1"))), ("error", None)]);
//! assert_eq!(built.to_json(), r#"{"id":"j1"}"#);
//! ```

mod serde;

pub use self::serde::{ParseError, is_document, parse, parse_number, parse_only};

/// What to build of a document (see [`parse_only`]); the rest is read
/// through, never stored.
///
/// ```
/// use kling_extend_core::types::json::{Keep, parse_only};
///
/// // Of each video, its url; of the document, its videos.
/// const VIDEO: Keep = Keep::Members(&[("url", Keep::All)]);
/// const ANSWER: Keep = Keep::Members(&[("videos", Keep::Items(&VIDEO))]);
/// let text = br#"{"videos":[{"url":"u","frames":[1,2,3]}],"logs":"..."}"#;
/// assert_eq!(parse_only(text, &ANSWER).unwrap().to_json(), r#"{"videos":[{"url":"u"}]}"#);
/// ```
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
    /// The value whole, each member a later one of its name replaces kept
    /// too (where `All`, as `JSON.parse`, keeps the last): every string a
    /// text carries, for redaction to look at.
    ///
    /// ```
    /// use kling_extend_core::types::json::{Keep, parse_only};
    ///
    /// let text = br#"{"echo":"a","echo":"b"}"#;
    /// assert_eq!(parse_only(text, &Keep::Every).unwrap().to_json(), r#"{"echo":"a","echo":"b"}"#);
    /// assert_eq!(parse_only(text, &Keep::All).unwrap().to_json(), r#"{"echo":"b"}"#);
    /// ```
    Every,
}

/// A JSON value, as JavaScript holds one: numbers are `f64`, objects keep
/// their members in order.
///
/// ```
/// use kling_extend_core::types::json::{Value, parse};
///
/// let value = parse(br#"{"status":"queued","credits":95,"videos":[]}"#).unwrap();
/// assert_eq!(value.get("status").and_then(Value::as_str), Some("queued"));
/// assert_eq!(value.get("credits").and_then(Value::as_f64), Some(95.0));
/// assert_eq!(value.get("videos").and_then(Value::as_array).map(<[Value]>::len), Some(0));
/// assert_eq!(Value::from(vec!["a", "b"]), parse(br#"["a","b"]"#).unwrap());
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number: finite when parsed, written as an integer when whole.
    Number(f64),
    /// A string.
    String(String),
    /// A list.
    Array(Vec<Value>),
    /// Members in the order received; a parsed document holds each key once
    /// (the last value given for it, where `JSON.parse` keeps it too).
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The member `key` of an object; `None` for other values.
    ///
    /// ```
    /// use kling_extend_core::types::json::{Value, parse};
    ///
    /// let value = parse(br#"{"id":"j1","error":null}"#).unwrap();
    /// assert_eq!(value.get("id"), Some(&Value::from("j1")));
    /// assert_eq!(value.get("error"), Some(&Value::Null));
    /// assert_eq!(value.get("output"), None);
    /// assert_eq!(Value::from("j1").get("id"), None, "not an object");
    /// ```
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// Like [`Value::get`], but a JSON `null` counts as absent.
    ///
    /// ```
    /// use kling_extend_core::types::json::parse;
    ///
    /// let value = parse(br#"{"id":"j1","error":null}"#).unwrap();
    /// assert!(value.get_present("id").is_some());
    /// assert_eq!(value.get_present("error"), None);
    /// ```
    pub fn get_present(&self, key: &str) -> Option<&Value> {
        self.get(key).filter(|v| !matches!(v, Value::Null))
    }

    /// The text of a string; `None` for other values.
    ///
    /// ```
    /// use kling_extend_core::types::json::Value;
    ///
    /// assert_eq!(Value::from("queued").as_str(), Some("queued"));
    /// assert_eq!(Value::Number(1.0).as_str(), None, "a number is not its text");
    /// ```
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number; `None` for other values, a string of digits too.
    ///
    /// ```
    /// use kling_extend_core::types::json::Value;
    ///
    /// assert_eq!(Value::Number(3.5).as_f64(), Some(3.5));
    /// assert_eq!(Value::from("3.5").as_f64(), None);
    /// ```
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The items of a list; `None` for other values.
    ///
    /// ```
    /// use kling_extend_core::types::json::{Value, parse};
    ///
    /// let list = parse(b"[1,2]").unwrap();
    /// assert_eq!(list.as_array(), Some(&[Value::Number(1.0), Value::Number(2.0)][..]));
    /// assert_eq!(Value::Null.as_array(), None);
    /// ```
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Value::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members of an object, in order; `None` for other values.
    ///
    /// ```
    /// use kling_extend_core::types::json::parse;
    ///
    /// let value = parse(br#"{"b":1,"a":2}"#).unwrap();
    /// let keys: Vec<&str> = value.as_object().unwrap().iter().map(|(key, _)| key.as_str()).collect();
    /// assert_eq!(keys, ["b", "a"]);
    /// ```
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Value::Object(members) => Some(members),
            _ => None,
        }
    }

    /// The JSON type's name, for error messages.
    ///
    /// ```
    /// use kling_extend_core::types::json::Value;
    ///
    /// let value = Value::Array(Vec::new());
    /// assert_eq!(format!("must be an object, not {}", value.kind()), "must be an object, not an array");
    /// ```
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
/// A `None` leaves its member out, as the contract leaves out what is not known.
///
/// ```
/// use kling_extend_core::types::json::{Value, object};
///
/// let request_id: Option<String> = None;
/// let value = object([("job_id", Some(Value::from("j1"))), ("request_id", request_id.map(Value::from))]);
/// assert_eq!(value.to_json(), r#"{"job_id":"j1"}"#);
/// ```
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
