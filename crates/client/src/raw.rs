//! [`RawDocument`]: a job's document as the service sent it, kept as text.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;
use std::fmt;

/// The service's document behind a [`Job`](crate::Job), as the JSON text it
/// came as (credentials taken out; `null` for a job known only from its
/// submission).
///
/// Kept as text and parsed only when asked: most callers read the typed
/// fields of a [`Job`](crate::Job), and building a tree of every answer would
/// cost each call more than the rest of the client's work. Serialised, it
/// is written as the document itself, byte for byte, not as a string.
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
}

/// The same JSON data: an object's members in any order, numbers by value
/// (a stored job read back equals the job it was written from).
impl PartialEq for RawDocument {
    fn eq(&self, other: &Self) -> bool {
        self.0 == other.0 || matches!((self.to_value(), other.to_value()), (Ok(one), Ok(other)) if one == other)
    }
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

/// Written as the document itself, byte for byte.
impl Serialize for RawDocument {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let document: &RawValue = serde_json::from_str(&self.0).map_err(serde::ser::Error::custom)?;
        document.serialize(serializer)
    }
}

/// Read from any value of any serde format (a stored job read back), kept
/// as its JSON text: the same data, though an object's members may come in
/// another order than they were written in.
impl<'de> Deserialize<'de> for RawDocument {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(RawDocument(serde_json::Value::deserialize(deserializer)?.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn is_written_as_received_and_read_back_from_any_format_as_the_same_data() {
        let received = RawDocument::parsed(r#"{"z":1,"a":[1.50,"\u00e9"],"big":12345678901234567890}"#.to_owned());
        let written = serde_json::to_string(&received).unwrap();
        assert_eq!(written, received.as_str(), "byte for byte, escapes and number spelling kept");
        let through_a_value: RawDocument = serde_json::from_value(serde_json::to_value(&received).unwrap()).unwrap();
        assert_eq!(through_a_value, received, "the same data, its members sorted");
        assert_ne!(through_a_value.as_str(), received.as_str());
        assert!(through_a_value.as_str().contains("12345678901234567890"), "a big integer stays exact");
        assert_ne!(RawDocument::parsed(r#"{"z":2}"#.to_owned()), RawDocument::parsed(r#"{"z":1}"#.to_owned()));
    }

    #[test]
    fn none_is_null() {
        assert!(RawDocument::default().is_null());
        assert_eq!(serde_json::to_string(&RawDocument::default()).unwrap(), "null");
        assert!(!RawDocument::parsed("{}".to_owned()).is_null());
    }
}
