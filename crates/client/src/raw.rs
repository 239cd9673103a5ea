//! [`RawDocument`]: a job's document as the service sent it, kept as text.

use kling_extend_core::types::json::{self, Value};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// The service's document behind a [`Job`](crate::Job), as the JSON text it
/// came as (credentials taken out; `null` for a job known only from its
/// submission).
///
/// Kept as text and parsed only when asked: most callers read the typed
/// fields of a [`Job`](crate::Job), and building a tree of every answer would
/// cost each call more than the rest of the client's work. Serialised (in
/// any serde format; a `null` document only in one that has a null, which
/// TOML has not), it is written as the document itself, not as a string: the values the npm package's `raw` holds (numbers as
/// JavaScript's, members in the order received). serde_json reads at most
/// 128 levels of nesting, a job's own among them, so a document nested
/// deeper than about 125 levels is written but not read back by it.
///
/// ```
/// use kling_extend_client::Job;
/// use serde::Deserialize;
///
/// let job: Job = serde_json::from_str(r#"{"id":"job_1","model":"kling-extend-video","status":"running","raw":{"id":"job_1","progress":40}}"#)?;
/// assert_eq!(job.raw.as_str(), r#"{"id":"job_1","progress":40}"#);
///
/// #[derive(Deserialize)]
/// struct Progress {
///     progress: u32,
/// }
/// assert_eq!(job.raw.parse::<Progress>()?.progress, 40);
/// assert_eq!(job.raw.to_value()?["id"], "job_1");
/// assert!(serde_json::to_string(&job)?.ends_with(r#""raw":{"id":"job_1","progress":40}}"#));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone)]
pub struct RawDocument(String);

impl RawDocument {
    /// A document from text the core has parsed whole, so it is one JSON
    /// document (what makes [`RawDocument::parse`] succeed).
    pub(crate) fn parsed(text: String) -> Self {
        RawDocument(text)
    }

    /// The document's JSON text.
    ///
    /// ```
    /// # let job: kling_extend_client::Job = serde_json::from_str(r#"{"id":"j","model":"m","status":"queued","raw":null}"#)?;
    /// assert_eq!(job.raw.as_str(), "null");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether there is no document: `null`, the raw of a job known only
    /// from its submission.
    ///
    /// ```
    /// use kling_extend_client::RawDocument;
    ///
    /// assert!(RawDocument::default().is_null());
    /// ```
    pub fn is_null(&self) -> bool {
        self.0.trim() == "null"
    }

    /// The document read into `T`: the members a caller needs that [`Job`](crate::Job)
    /// does not carry (Kling's `task_status_msg`, a field a service added).
    ///
    /// ```
    /// # let job: kling_extend_client::Job = serde_json::from_str(r#"{"id":"j","model":"m","status":"failed","raw":{"data":{"task_status_msg":"bad input"}}}"#)?;
    /// #[derive(serde::Deserialize)]
    /// struct Kling {
    ///     data: Data,
    /// }
    /// #[derive(serde::Deserialize)]
    /// struct Data {
    ///     task_status_msg: String,
    /// }
    /// assert_eq!(job.raw.parse::<Kling>()?.data.task_status_msg, "bad input");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }

    /// The document as a [`serde_json::Value`], to look into it.
    ///
    /// ```
    /// # let job: kling_extend_client::Job = serde_json::from_str(r#"{"id":"j","model":"m","status":"running","raw":{"data":{"task_status":"processing"}}}"#)?;
    /// assert_eq!(job.raw.to_value()?["data"]["task_status"], "processing");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn to_value(&self) -> Result<serde_json::Value, serde_json::Error> {
        self.parse()
    }

    /// The document read as the npm package reads `raw` (the core's reader).
    fn values(&self) -> Option<Value> {
        json::parse(self.0.as_bytes()).ok()
    }
}

/// The same values as the npm package's `raw` reads them: numbers by value
/// (`2.0` is `2`), an object's members in any order (a stored job read back
/// equals the job it was written from, whatever the format kept of the order).
impl PartialEq for RawDocument {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || matches!((self.values(), other.values()), (Some(one), Some(other)) if same(&one, &other))
    }
}

/// Equal values, an object's members compared by name (each name is once in
/// a parsed object, so sorted by name they line up): O(n log n) for any document.
fn same(one: &Value, other: &Value) -> bool {
    match (one, other) {
        (Value::Array(one), Value::Array(other)) => {
            one.len() == other.len() && one.iter().zip(other).all(|(one, other)| same(one, other))
        }
        (Value::Object(one), Value::Object(other)) => {
            one.len() == other.len()
                && by_name(one).into_iter().zip(by_name(other)).all(|((k1, v1), (k2, v2))| k1 == k2 && same(v1, v2))
        }
        _ => one == other,
    }
}

fn by_name(members: &[(String, Value)]) -> Vec<&(String, Value)> {
    let mut sorted: Vec<&(String, Value)> = members.iter().collect();
    sorted.sort_unstable_by(|(one, _), (other, _)| one.cmp(other));
    sorted
}

/// `null`: no document.
impl Default for RawDocument {
    fn default() -> Self {
        RawDocument("null".to_owned())
    }
}

/// The text, as [`RawDocument::as_str`] gives it.
impl fmt::Display for RawDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The text, which has no credential left in it.
impl fmt::Debug for RawDocument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Written as the document itself: its values, in any serde format.
impl Serialize for RawDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.values()
            .ok_or_else(|| serde::ser::Error::custom("a job's raw is not one JSON document"))?
            .serialize(serializer)
    }
}

/// Read from a document in any serde format (a stored job read back), kept
/// as its JSON text.
impl<'de> Deserialize<'de> for RawDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(RawDocument(Value::deserialize(deserializer)?.to_json()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_written_as_its_values_in_order_and_read_back_from_any_format_as_the_same() {
        let received = RawDocument::parsed(r#"{"z":1,"a":[1.50,"\u00e9"],"n":null}"#.to_owned());
        let written = serde_json::to_string(&received).unwrap();
        assert_eq!(written, r#"{"z":1,"a":[1.5,"é"],"n":null}"#, "a document, members in order");
        let read_back: RawDocument = serde_json::from_str(&written).unwrap();
        assert_eq!(read_back, received);
        let through_a_value: RawDocument = serde_json::from_value(serde_json::to_value(&received).unwrap()).unwrap();
        assert_eq!(through_a_value, received);
        assert_ne!(RawDocument::parsed(r#"{"z":2}"#.to_owned()), RawDocument::parsed(r#"{"z":1}"#.to_owned()));
        assert_eq!(RawDocument::parsed("[2.0,1e2]".to_owned()), RawDocument::parsed("[2,100]".to_owned()), "by value");
    }

    #[test]
    fn none_is_null() {
        assert!(RawDocument::default().is_null());
        assert_eq!(serde_json::to_string(&RawDocument::default()).unwrap(), "null");
        assert!(!RawDocument::parsed("{}".to_owned()).is_null());
    }
}
