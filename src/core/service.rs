//! The seam between the state machines and the services: what a machine
//! needs to know about a provider. `providers` implements it; the core never
//! names a provider's URLs or documents.

use super::error::Result;
use super::http::{HttpRequest, HttpResponse};
use super::job::{Job, JobId, Submission};
use super::options::Limits;
use super::request::ExtendRequest;

pub trait Service {
    /// `now_ms` lets a provider sign a short-lived credential per attempt.
    fn submit_request(&self, request: &ExtendRequest, now_ms: u64) -> HttpRequest;
    fn job_request(&self, id: &JobId, now_ms: u64) -> HttpRequest;
    fn read_submission(&self, response: &HttpResponse, now_ms: u64) -> Result<Submission>;
    fn read_job(&self, response: &HttpResponse, now_ms: u64) -> Result<Job>;
    fn limits(&self) -> Limits;
    /// Credentials to scrub from any message that might echo them.
    fn secrets(&self) -> Vec<&str>;
}
