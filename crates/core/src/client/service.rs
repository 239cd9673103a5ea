//! What a machine needs to know of the service it calls: a client's config,
//! that is its [`Provider`] reached at its endpoint, within its limits. The
//! machines take any `Service`; every client's is a [`ClientConfig`].

use crate::client::options::{ClientConfig, Limits};
use crate::client::provider::Provider;
use crate::types::error::{Error, Result};
use crate::types::http::{HttpRequest, HttpResponse};
use crate::types::job::{Job, Submission};
use crate::types::job_id::JobId;
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::request::ExtendRequest;

/// The methods named as [`Provider`]'s mean what they mean there.
pub trait Service {
    fn provider(&self) -> ProviderName;
    fn submit_request(&self, request: &ExtendRequest, unix_ms: u64) -> HttpRequest;
    fn job_request(&self, id: &JobId, unix_ms: u64) -> HttpRequest;
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission>;
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job>;
    fn limits(&self) -> Limits;
    /// Whether the calls run in a page (their network errors then name CORS).
    fn in_page(&self) -> bool;
    /// The credentials held (the provider's and any among the extra
    /// headers), to take out of whatever the call hands back.
    fn secrets(&self) -> Secrets;
    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]);
    fn lookup_request(&self, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest>;
    fn identifies(&self, job: &Job, id: &JobId) -> bool;
    fn refreshable(&self, error: &Error) -> bool;
}

/// Each method forwards to the provider, `#[inline]` so that a machine's
/// call is one call on the page, not two.
impl<P: Provider> Service for ClientConfig<P> {
    #[inline]
    fn provider(&self) -> ProviderName {
        self.provider.name()
    }

    #[inline]
    fn submit_request(&self, request: &ExtendRequest, unix_ms: u64) -> HttpRequest {
        self.provider.submit_request(self.endpoint(), request, unix_ms)
    }

    #[inline]
    fn job_request(&self, id: &JobId, unix_ms: u64) -> HttpRequest {
        self.provider.job_request(self.endpoint(), id, unix_ms)
    }

    #[inline]
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
        self.provider.read_submission(response, request, unix_ms)
    }

    #[inline]
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job> {
        self.provider.read_job(response, unix_ms)
    }

    #[inline]
    fn limits(&self) -> Limits {
        self.limits
    }

    #[inline]
    fn in_page(&self) -> bool {
        self.in_page
    }

    #[inline]
    fn secrets(&self) -> Secrets {
        let mut secrets = self.provider.secrets();
        self.header_credentials().for_each(|credential| secrets.add(credential));
        secrets
    }

    #[inline]
    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]) {
        self.provider.make_findable(request, nonce);
    }

    #[inline]
    fn lookup_request(&self, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest> {
        self.provider.lookup_request(self.endpoint(), request, unix_ms)
    }

    #[inline]
    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        self.provider.identifies(job, id)
    }

    #[inline]
    fn refreshable(&self, error: &Error) -> bool {
        self.provider.refreshable(error)
    }
}
