//! The services behind the one API. Each provider turns the core's requests
//! into its own HTTP shape and its documents back into the contract's types;
//! this module picks the provider from the config.

mod common;
mod trinetra;

use crate::core::error::Result;
use crate::core::http::{HttpRequest, HttpResponse};
use crate::core::job::{Job, JobId, Submission};
use crate::core::options::{ClientConfig, Limits, Provider};
use crate::core::request::ExtendRequest;
use crate::core::service::Service;

impl Service for ClientConfig {
    fn submit_request(&self, request: &ExtendRequest, _now_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::submit_request(self, api_key.as_ref(), request),
        }
    }

    fn job_request(&self, id: &JobId, _now_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::job_request(self, api_key.as_ref(), id),
        }
    }

    fn read_submission(&self, response: &HttpResponse, now_ms: u64) -> Result<Submission> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_submission(response, now_ms),
        }
    }

    fn read_job(&self, response: &HttpResponse, now_ms: u64) -> Result<Job> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_job(response, now_ms),
        }
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    fn secrets(&self) -> Vec<&str> {
        match &self.provider {
            Provider::Trinetra { api_key } => api_key.iter().map(|k| k.expose()).collect(),
        }
    }
}
