//! The contract's `Job` and `Submission`, the same for every provider.

use super::json::Value;
use serde::Serialize;

/// Which service a document came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderName {
    Trinetra,
    Kling,
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

#[cfg(test)]
mod tests {
    use super::*;

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
