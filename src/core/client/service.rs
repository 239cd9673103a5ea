//! The seam between the state machines and the services: what a machine
//! needs to know about a provider. `providers` implements it; the core never
//! names a provider's URLs or documents.

use crate::core::client::options::Limits;
use crate::core::types::error::{Error, Result};
use crate::core::types::http::{HttpRequest, HttpResponse};
use crate::core::types::job::{Job, Submission};
use crate::core::types::job_id::JobId;
use crate::core::types::provider::ProviderName;
use crate::core::types::redact::Secrets;
use crate::core::types::request::ExtendRequest;

pub trait Service {
    fn provider(&self) -> ProviderName;

    /// `unix_ms`, the wall clock, lets a provider sign a short-lived
    /// credential per attempt.
    fn submit_request(&self, request: &ExtendRequest, unix_ms: u64) -> HttpRequest;
    fn job_request(&self, id: &JobId, unix_ms: u64) -> HttpRequest;
    /// The answer to `request`'s submit, or to its look-up by its findable
    /// id: one that names another task (echoes another id) is `bad_response`.
    /// `unix_ms` dates a `Retry-After` given as an HTTP date.
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission>;
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job>;
    fn limits(&self) -> Limits;
    /// Whether the calls run in a page (their network errors then name CORS).
    fn in_page(&self) -> bool;
    /// The credentials held, to take out of whatever the call hands back.
    fn secrets(&self) -> Secrets;

    /// Gives a submit an id the service can find it by after an ambiguous
    /// failure, where the service has such ids (Kling's `external_task_id`).
    /// `nonce` is 16 bytes from a cryptographic source.
    fn make_findable(&self, _request: &mut ExtendRequest, _nonce: [u8; 16]) {}

    /// The read that finds a submit by that id; `None` where there is none,
    /// and then an ambiguous submit is reported, never repeated.
    fn lookup_request(&self, _request: &ExtendRequest, _unix_ms: u64) -> Option<HttpRequest> {
        None
    }

    /// Whether `job` is the document of the job `id` names: a service (or a
    /// proxy) that answers with another job's document must not end a wait.
    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        job.id == id.as_str()
    }

    /// Whether signing the credential again cures `error` (an expired token).
    fn refreshable(&self, _error: &Error) -> bool {
        false
    }
}
