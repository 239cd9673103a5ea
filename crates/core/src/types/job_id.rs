//! A job id from a caller, checked to be safe as one URL path segment.
//!
//! ```
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::Value;
//!
//! assert!(JobId::parse(&Value::from("job_1")).is_ok());
//! assert!(JobId::parse(&Value::from("..")).is_err(), "it would change the route");
//! ```

use crate::types::error::{Error, Result};
use crate::types::json::Value;
use crate::types::url::encode_segment;

/// A job id fit to be a URL path segment: not blank, at most 512 bytes,
/// and not `.` or `..` (which URL parsers resolve away). Any other text is
/// accepted and percent-encoded where it goes in a path.
///
/// ```
/// use kling_extend_core::types::job_id::JobId;
///
/// let id = JobId::new("a/../b").unwrap();
/// assert_eq!(id, JobId::new("a/../b").unwrap());
/// let error = JobId::new(&"j".repeat(513)).unwrap_err();
/// assert_eq!(error.field.as_deref(), Some("jobId"));
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobId {
    text: String,
    /// Whether the service gave this id (see [`JobId::issued`]).
    issued: bool,
}

impl JobId {
    /// A caller's `jobId` argument, which must be a string.
    ///
    /// ```
    /// use kling_extend_core::types::job_id::JobId;
    /// use kling_extend_core::types::json::Value;
    ///
    /// assert_eq!(JobId::parse(&Value::from("j1")).unwrap(), JobId::new("j1").unwrap());
    /// let error = JobId::parse(&Value::Number(7.0)).unwrap_err();
    /// assert_eq!(error.message, "jobId must be a string, not a number");
    /// ```
    pub fn parse(id: &Value) -> Result<JobId> {
        JobId::parse_as(id, "jobId")
    }

    /// An id given as text (a submit's answer, a proxied path's), held to
    /// the rules of a caller's `jobId` and named as it.
    ///
    /// ```
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// assert!(JobId::new("task_01").is_ok());
    /// let error = JobId::new("  ").unwrap_err();
    /// assert_eq!(error.message, "jobId must be a non-empty string of at most 512 bytes");
    /// ```
    pub fn new(text: &str) -> Result<JobId> {
        JobId::checked(text, "jobId")
    }

    /// An id the caller gave in `field` (a stored chain's `finished[0].jobId`),
    /// held to the same rules and named by that field.
    pub(crate) fn parse_as(id: &Value, field: &str) -> Result<JobId> {
        match id.as_str() {
            Some(text) => JobId::checked(text, field),
            None => Err(Error::invalid(field, &format!("must be a string, not {}", id.kind()))),
        }
    }

    fn checked(text: &str, field: &str) -> Result<JobId> {
        if text.trim().is_empty() || text.len() > 512 {
            return Err(Error::invalid(field, "must be a non-empty string of at most 512 bytes"));
        }
        // "." and ".." would be resolved away by URL parsers and change the route.
        if text.bytes().all(|b| b == b'.') {
            return Err(Error::invalid(field, "is not a valid id"));
        }
        Ok(JobId { text: text.to_owned(), issued: false })
    }

    /// The id as the service gave it in a submit's answer (and as a chain
    /// stores it): its own id for the job. A caller's id may instead be one
    /// the caller chose (Kling's `external_task_id`), which a service's
    /// answer need not echo; an issued one must be the answer's own id.
    pub(crate) fn issued(self) -> JobId {
        JobId { issued: true, ..self }
    }

    pub(crate) fn is_issued(&self) -> bool {
        self.issued
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.text
    }

    pub(crate) fn segment(&self) -> String {
        encode_segment(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    #[test]
    fn job_ids_cannot_change_the_route() {
        assert_eq!(JobId::new("a/../b").unwrap().segment(), "a%2F..%2Fb");
        for bad in [r#""""#, r#"" ""#, r#"".""#, r#""..""#, "7", "null"] {
            assert!(JobId::parse(&parse(bad.as_bytes()).unwrap()).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_id_from_another_field_is_named_by_it() {
        let e = JobId::parse_as(&Value::String("..".into()), "resume.finished[0].jobId").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resume.finished[0].jobId"));
        assert_eq!(e.message, "resume.finished[0].jobId is not a valid id");
    }
}
