//! The seam between the client and one service behind the API: its
//! credentials and the options that give them, where it lives, and its wire
//! format. Each service implements [`Provider`] in its own folder of
//! `providers`, which also picks one of them by the `provider` option; the
//! core parses the options it shares and never names a service's URLs,
//! documents or credentials.

use crate::client::environment::Environment;
use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::http::{HttpRequest, HttpResponse};
use crate::types::job::{Job, Submission};
use crate::types::job_id::JobId;
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::request::ExtendRequest;
use std::fmt::Debug;

/// One service, with the credential a client holds for it.
pub trait Provider: Clone + Debug + PartialEq {
    /// The options that give a credential, in the order the option parser
    /// lists them (its "did you mean" picks the first of equals).
    const CREDENTIAL_OPTIONS: &'static [&'static str];
    /// Those a page must not hold (a long-lived key) without the caller's consent.
    const SECRET_OPTIONS: &'static [&'static str];

    /// The credential `fields` give or, given none, `env`'s (a server's
    /// environment); without either, none (`base_url` is then a proxy's).
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<Self>;
    fn name(&self) -> ProviderName;
    /// Where the service answers when the caller names no `baseUrl`.
    fn default_base_url(&self) -> &'static str;
    /// Whether requests carry a credential (none: `base_url` is a proxy that adds it).
    fn has_credential(&self) -> bool;
    /// The options that give the credential, as an error names them.
    fn credential_options(&self) -> &'static str;
    /// The environment variables that supply the credential, as an error names them.
    fn credential_variables(&self) -> &'static str;
    /// The paths of a submit and of the job reads (`{jobs}/{id}`) under the
    /// base URL, which a proxy serves as the service does.
    fn paths(&self) -> Paths;
    /// The credentials held, to take out of whatever a call hands back.
    fn secrets(&self) -> Secrets;

    /// `unix_ms`, the wall clock, lets a provider sign a short-lived
    /// credential per attempt.
    fn submit_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> HttpRequest;
    fn job_request(&self, endpoint: Endpoint, id: &JobId, unix_ms: u64) -> HttpRequest;
    /// The answer to `request`'s submit, or to its look-up by its findable
    /// id: one that names another task (echoes another id) is `bad_response`.
    /// `unix_ms` dates a `Retry-After` given as an HTTP date.
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission>;
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job>;

    /// Gives a submit an id the service can find it by after an ambiguous
    /// failure, where the service has such ids (Kling's `external_task_id`).
    /// `nonce` is 16 bytes from a cryptographic source.
    fn make_findable(&self, _request: &mut ExtendRequest, _nonce: [u8; 16]) {}

    /// The read that finds a submit by that id; `None` where there is none,
    /// and then an ambiguous submit is reported, never repeated.
    fn lookup_request(&self, _endpoint: Endpoint, _request: &ExtendRequest, _unix_ms: u64) -> Option<HttpRequest> {
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

/// See [`Provider::paths`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paths {
    pub submit: &'static str,
    /// Without a trailing slash.
    pub jobs: &'static str,
}

/// Where a client's requests go, and the caller's extra headers on each
/// (its config's `base_url` and `headers`).
#[derive(Clone, Copy, Debug)]
pub struct Endpoint<'a> {
    /// Without a trailing slash.
    pub base_url: &'a str,
    pub headers: &'a [(String, String)],
}
