//! The contract's `Job` and `Submission`, the same for every provider.

use super::error::{Error, Result};
use super::fields::Fields;
use super::json::Value;
use super::url::encode_segment;
use serde::Serialize;

/// Which service a document came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderName {
    Trinetra,
    Kling,
}

impl ProviderName {
    /// The `provider` member of `f`; Trinetra, the default, when absent.
    pub fn from_fields(f: &Fields) -> Result<ProviderName> {
        Ok(Self::optional(f)?.unwrap_or(ProviderName::Trinetra))
    }

    /// The `provider` member of `f`, if given.
    pub fn optional(f: &Fields) -> Result<Option<ProviderName>> {
        match f.string("provider")? {
            None => Ok(None),
            Some("trinetra") => Ok(Some(ProviderName::Trinetra)),
            Some("kling") => Ok(Some(ProviderName::Kling)),
            Some(_) => Err(Error::invalid("provider", "must be \"trinetra\" or \"kling\"")),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Running,
    Succeeded,
    Failed,
    Canceled,
}

impl Status {
    /// Maps a service's status word. A word nobody knows is reported as
    /// `Running` (the document keeps the original in `raw`), so a new state on
    /// the service side never breaks a waiting client.
    pub fn from_wire(word: &str) -> Status {
        match word.to_ascii_lowercase().as_str() {
            "queued" | "pending" | "submitted" | "created" => Status::Queued,
            "succeeded" | "succeed" | "success" | "completed" => Status::Succeeded,
            "failed" | "error" => Status::Failed,
            "canceled" | "cancelled" => Status::Canceled,
            _ => Status::Running,
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Video {
    pub url: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Output {
    pub outputs: Vec<Video>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Job {
    pub id: String,
    pub model: String,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<Output>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits_charged: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The service's document exactly as received.
    pub raw: Value,
}

/// What a successful submit resolves with.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Submission {
    pub job_id: String,
    pub status: Status,
    pub provider: ProviderName,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// A job id fit to be a URL path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobId(String);

impl JobId {
    pub fn parse(id: &Value) -> Result<JobId> {
        let Some(text) = id.as_str() else {
            return Err(Error::invalid("jobId", format!("must be a string, not {}", id.kind())));
        };
        if text.trim().is_empty() || text.len() > 512 {
            return Err(Error::invalid("jobId", "must be a non-empty string of at most 512 bytes"));
        }
        // "." and ".." would be resolved away by URL parsers and change the route.
        if text.bytes().all(|b| b == b'.') {
            return Err(Error::invalid("jobId", "is not a valid id"));
        }
        Ok(JobId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segment(&self) -> String {
        encode_segment(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    #[test]
    fn job_ids_cannot_change_the_route() {
        assert_eq!(JobId::parse(&Value::String("a/../b".into())).unwrap().segment(), "a%2F..%2Fb");
        for bad in [r#""""#, r#"" ""#, r#"".""#, r#""..""#, "7", "null"] {
            assert!(JobId::parse(&parse(bad.as_bytes()).unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn maps_both_services_words_and_keeps_unknown_ones_running() {
        assert_eq!(Status::from_wire("submitted"), Status::Queued);
        assert_eq!(Status::from_wire("processing"), Status::Running);
        assert_eq!(Status::from_wire("succeed"), Status::Succeeded);
        assert_eq!(Status::from_wire("cancelled"), Status::Canceled);
        assert_eq!(Status::from_wire("paused_for_review"), Status::Running);
        assert!(!Status::from_wire("paused_for_review").is_terminal());
    }
}
