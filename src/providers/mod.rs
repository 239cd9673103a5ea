//! The services behind the one API. Each provider turns the core's requests
//! into its own HTTP shape and its documents back into the contract's types;
//! this module picks the provider from the config.

mod common;
pub mod kling;
mod trinetra;

use crate::core::error::{Error, Result};
use crate::core::http::{HttpRequest, HttpResponse};
use crate::core::job::{Job, JobId, ProviderName, Submission};
use crate::core::options::{ClientConfig, Limits, Provider};
use crate::core::request::ExtendRequest;
use crate::core::service::Service;

impl Service for ClientConfig {
    fn provider(&self) -> ProviderName {
        self.provider.name()
    }

    fn submit_request(&self, request: &ExtendRequest, now_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::submit_request(self, api_key.as_ref(), request),
            Provider::Kling { auth } => kling::submit_request(self, auth, request, now_ms),
        }
    }

    fn job_request(&self, id: &JobId, now_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::job_request(self, api_key.as_ref(), id),
            Provider::Kling { auth } => kling::job_request(self, auth, id, now_ms),
        }
    }

    fn read_submission(&self, response: &HttpResponse, now_ms: u64) -> Result<Submission> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_submission(response, now_ms),
            Provider::Kling { .. } => kling::read_submission(response, now_ms),
        }
    }

    fn read_job(&self, response: &HttpResponse, now_ms: u64) -> Result<Job> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_job(response, now_ms),
            Provider::Kling { .. } => kling::read_job(response, now_ms),
        }
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    fn secrets(&self) -> Vec<&str> {
        match &self.provider {
            Provider::Trinetra { api_key } => api_key.iter().map(|k| k.expose()).collect(),
            Provider::Kling { auth } => kling::secrets(auth),
        }
    }

    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]) {
        if let Provider::Kling { .. } = self.provider {
            request.external_task_id.get_or_insert_with(|| kling::external_task_id(nonce));
        }
    }

    fn lookup_request(&self, request: &ExtendRequest, now_ms: u64) -> Option<HttpRequest> {
        match &self.provider {
            Provider::Trinetra { .. } => None,
            Provider::Kling { auth } => kling::lookup_request(self, auth, request, now_ms),
        }
    }

    fn refreshable(&self, error: &Error) -> bool {
        match &self.provider {
            Provider::Trinetra { .. } => false,
            Provider::Kling { auth } => kling::refreshable(auth, error),
        }
    }
}
