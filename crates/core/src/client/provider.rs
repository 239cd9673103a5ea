//! The seam between the client and one service behind the API: its
//! credentials and the options that give them, where it lives, and its wire
//! format. Each service implements [`Provider`] in its own folder of
//! `providers`, which also picks one of them by the `provider` option; the
//! core parses the options it shares and never names a service's URLs,
//! documents or credentials.
//!
//! A driver holds a provider inside a [`ClientConfig`](crate::client::options::ClientConfig),
//! chosen by the caller's options, and reaches its methods through the
//! [`Service`](crate::client::service::Service) the machines call:
//!
//! ```
//! use kling_extend_core::client::provider::Provider;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let options = parse(br#"{"provider":"kling","apiKey":"kling-key"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! assert_eq!(config.provider.name(), ProviderName::Kling);
//! assert_eq!(config.base_url, config.provider.default_base_url());
//! ```

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
///
/// The core's own are `Trinetra` and `Kling`, and `AnyProvider`, which
/// picks one by the `provider` option (all in [`providers`](crate::providers)).
/// A driver rarely calls a provider itself: the machines reach it through
/// [`Service`](crate::client::service::Service), which a config implements.
///
/// ```
/// use kling_extend_core::client::provider::Provider;
/// use kling_extend_core::providers::AnyProvider;
/// use kling_extend_core::types::fields::Fields;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
/// let provider = AnyProvider::from_options(&Fields::of(&options, "options").unwrap(), None).unwrap();
/// assert!(provider.has_credential());
/// assert_eq!(provider.paths().jobs, "/v1/jobs");
/// ```
pub trait Provider: Clone + Debug + PartialEq {
    /// The options that give a credential, in the order the option parser
    /// lists them (its "did you mean" picks the first of equals).
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::kling::Kling;
    ///
    /// assert_eq!(Kling::CREDENTIAL_OPTIONS, ["apiKey", "accessKey", "secretKey", "token"]);
    /// ```
    const CREDENTIAL_OPTIONS: &'static [&'static str];
    /// Those a page must not hold (a long-lived key) without the caller's consent.
    ///
    /// Kling's `token` is not among them: it is short-lived, minted for a page.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::kling::Kling;
    ///
    /// assert!(Kling::SECRET_OPTIONS.contains(&"apiKey"));
    /// assert!(!Kling::SECRET_OPTIONS.contains(&"token"));
    /// ```
    const SECRET_OPTIONS: &'static [&'static str];

    /// The credential `fields` give or, given none, `env`'s (a server's
    /// environment); without either, none (`base_url` is then a proxy's).
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::fields::Fields;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let none = parse(b"{}").unwrap();
    /// let fields = Fields::of(&none, "options").unwrap();
    /// assert!(!Trinetra::from_options(&fields, None).unwrap().has_credential());
    /// let env = Environment::from_value(&parse(br#"{"TRINETRA_API_KEY":"tk"}"#).unwrap()).unwrap();
    /// assert!(Trinetra::from_options(&fields, env.as_ref()).unwrap().has_credential());
    /// ```
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<Self>;
    /// Which service this is, by the name the `provider` option gives it.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// assert_eq!(Trinetra { api_key: None }.name(), ProviderName::Trinetra);
    /// ```
    fn name(&self) -> ProviderName;
    /// Where the service answers when the caller names no `baseUrl`.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    ///
    /// assert_eq!(Trinetra { api_key: None }.default_base_url(), "https://brahmand-api.bulletshorts.co");
    /// ```
    fn default_base_url(&self) -> &'static str;
    /// Whether requests carry a credential (none: `base_url` is a proxy that adds it).
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::Secret;
    ///
    /// assert!(!Trinetra { api_key: None }.has_credential());
    /// assert!(Trinetra { api_key: Some(Secret::new("sk-test".into())) }.has_credential());
    /// ```
    fn has_credential(&self) -> bool;
    /// The options that give the credential, as an error names them.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::kling::{Kling, KlingAuth};
    ///
    /// let kling = Kling { auth: KlingAuth::None };
    /// assert_eq!(kling.credential_options(), "apiKey (or accessKey and secretKey, or token)");
    /// ```
    fn credential_options(&self) -> &'static str;
    /// The environment variables that supply the credential, as an error names them.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    ///
    /// assert_eq!(Trinetra { api_key: None }.credential_variables(), "TRINETRA_API_KEY");
    /// ```
    fn credential_variables(&self) -> &'static str;
    /// The paths of a submit and of the job reads (`{jobs}/{id}`) under the
    /// base URL, which a proxy serves as the service does.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    ///
    /// let paths = Trinetra { api_key: None }.paths();
    /// assert_eq!((paths.submit, paths.jobs), ("/v1/video/kling-extend-video", "/v1/jobs"));
    /// ```
    fn paths(&self) -> Paths;
    /// The credentials held, to take out of whatever a call hands back.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::Secret;
    ///
    /// let trinetra = Trinetra { api_key: Some(Secret::new("sk-test-123".into())) };
    /// let scrubbed = trinetra.secrets().scrub("bad key sk-test-123");
    /// assert_eq!(scrubbed.as_deref(), Some("bad key [redacted]"));
    /// ```
    fn secrets(&self) -> Secrets;

    /// The request that submits `request` to `endpoint`. `unix_ms`, the
    /// wall clock, lets a provider sign a short-lived credential per attempt.
    ///
    /// ```
    /// use kling_extend_core::client::provider::{Endpoint, Provider};
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::{Method, Secret};
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let trinetra = Trinetra { api_key: Some(Secret::new("sk-test".into())) };
    /// let endpoint = Endpoint { base_url: "https://proxy.example", headers: &[] };
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let request = ExtendRequest::from_value(&extend, ProviderName::Trinetra).unwrap();
    /// let sent = trinetra.submit_request(endpoint, &request, 0);
    /// assert_eq!(sent.method, Method::Post);
    /// assert_eq!(sent.url, "https://proxy.example/v1/video/kling-extend-video");
    /// assert_eq!(sent.header("x-api-key"), Some("sk-test"));
    /// ```
    fn submit_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> HttpRequest;
    /// The read of the job `id` names (`{jobs}/{id}`, see [`Provider::paths`]).
    ///
    /// ```
    /// use kling_extend_core::client::provider::{Endpoint, Provider};
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::Method;
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let behind_a_proxy = Trinetra { api_key: None };
    /// let endpoint = Endpoint { base_url: "https://proxy.example", headers: &[] };
    /// let read = behind_a_proxy.job_request(endpoint, &JobId::new("job-1").unwrap(), 0);
    /// assert_eq!((read.method, read.url.as_str()), (Method::Get, "https://proxy.example/v1/jobs/job-1"));
    /// assert_eq!(read.header("x-api-key"), None, "the proxy adds the key");
    /// ```
    fn job_request(&self, endpoint: Endpoint, id: &JobId, unix_ms: u64) -> HttpRequest;
    /// The answer to `request`'s submit, or to its look-up by its findable
    /// id: one that names another task (echoes another id) is `bad_response`.
    /// `unix_ms` dates a `Retry-After` given as an HTTP date.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::error::ErrorCode;
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let request = ExtendRequest::from_value(&extend, ProviderName::Trinetra).unwrap();
    /// let answer = |status, body: &str| HttpResponse { status, headers: vec![], body: body.into() };
    /// let trinetra = Trinetra { api_key: None };
    /// let accepted = trinetra.read_submission(&answer(202, r#"{"job_id":"j1","status":"queued"}"#), &request, 0);
    /// assert_eq!(accepted.unwrap().job_id, "j1");
    /// let refused = trinetra.read_submission(&answer(401, r#"{"error":"bad key"}"#), &request, 0);
    /// assert_eq!(refused.unwrap_err().code, ErrorCode::Unauthorized);
    /// ```
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission>;
    /// The job document `response` holds, in the contract's shape; an error
    /// status or an unreadable body is the error it means.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::job::Status;
    ///
    /// let body = br#"{"id":"j1","status":"running"}"#.to_vec();
    /// let job = Trinetra { api_key: None }.read_job(&HttpResponse { status: 200, headers: vec![], body }, 0).unwrap();
    /// assert_eq!((job.id.as_str(), job.status), ("j1", Status::Running));
    /// ```
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job>;

    /// Gives a submit an id the service can find it by after an ambiguous
    /// failure, where the service has such ids (Kling's `external_task_id`).
    /// `nonce` is 16 bytes from a cryptographic source.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::kling::{Kling, KlingAuth};
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let mut request = ExtendRequest::from_value(&extend, ProviderName::Kling).unwrap();
    /// Kling { auth: KlingAuth::None }.make_findable(&mut request, [0xab; 16]);
    /// assert_eq!(request.external_task_id, Some(format!("ke-{}", "ab".repeat(16))));
    /// ```
    fn make_findable(&self, _request: &mut ExtendRequest, _nonce: [u8; 16]) {}

    /// The read that finds a submit by that id; `None` where there is none,
    /// and then an ambiguous submit is reported, never repeated.
    ///
    /// ```
    /// use kling_extend_core::client::provider::{Endpoint, Provider};
    /// use kling_extend_core::providers::kling::{Kling, KlingAuth};
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let endpoint = Endpoint { base_url: "https://proxy.example", headers: &[] };
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let mut request = ExtendRequest::from_value(&extend, ProviderName::Kling).unwrap();
    /// let kling = Kling { auth: KlingAuth::None };
    /// kling.make_findable(&mut request, [0xab; 16]);
    /// let lookup = kling.lookup_request(endpoint, &request, 0).unwrap();
    /// assert!(lookup.url.ends_with(&format!("/ke-{}", "ab".repeat(16))), "{}", lookup.url);
    /// assert_eq!(Trinetra { api_key: None }.lookup_request(endpoint, &request, 0), None);
    /// ```
    fn lookup_request(&self, _endpoint: Endpoint, _request: &ExtendRequest, _unix_ms: u64) -> Option<HttpRequest> {
        None
    }

    /// Whether `job` is the document of the job `id` names: a service (or a
    /// proxy) that answers with another job's document must not end a wait.
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::trinetra::Trinetra;
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let trinetra = Trinetra { api_key: None };
    /// let body = br#"{"id":"j1","status":"running"}"#.to_vec();
    /// let job = trinetra.read_job(&HttpResponse { status: 200, headers: vec![], body }, 0).unwrap();
    /// assert!(trinetra.identifies(&job, &JobId::new("j1").unwrap()));
    /// assert!(!trinetra.identifies(&job, &JobId::new("j2").unwrap()));
    /// ```
    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        job.id == id.as_str()
    }

    /// Whether signing the credential again cures `error` (an expired token).
    /// Only Kling's access and secret keys can sign a new one:
    ///
    /// ```
    /// use kling_extend_core::client::provider::Provider;
    /// use kling_extend_core::providers::kling::{Kling, KlingAuth};
    /// use kling_extend_core::types::error::{Error, ErrorCode};
    /// use kling_extend_core::types::http::Secret;
    ///
    /// // Kling's code 1004: the token has expired.
    /// let expired = Error { code: ErrorCode::Unauthorized, provider_code: Some(1004), ..Error::invalid("token", "expired") };
    /// let keys = KlingAuth::Keys { access_key: Secret::new("ak".into()), secret_key: Secret::new("sk".into()) };
    /// assert!(Kling { auth: keys }.refreshable(&expired));
    /// assert!(!Kling { auth: KlingAuth::Token(Secret::new("jwt".into())) }.refreshable(&expired));
    /// ```
    fn refreshable(&self, _error: &Error) -> bool {
        false
    }
}

/// Where a service's submits and job reads go under its base URL: see
/// [`Provider::paths`].
///
/// ```
/// use kling_extend_core::client::provider::{Paths, Provider};
/// use kling_extend_core::providers::kling::{Kling, KlingAuth};
///
/// let Paths { submit, jobs } = Kling { auth: KlingAuth::None }.paths();
/// assert_eq!(submit, jobs, "Kling reads a task where it was submitted");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paths {
    /// Where a submit is posted.
    pub submit: &'static str,
    /// Without a trailing slash.
    pub jobs: &'static str,
}

/// Where a client's requests go, and the caller's extra headers on each
/// (its config's `base_url` and `headers`).
///
/// ```
/// use kling_extend_core::client::provider::{Endpoint, Provider};
/// use kling_extend_core::providers::trinetra::Trinetra;
/// use kling_extend_core::types::job_id::JobId;
///
/// let headers = [("x-trace".to_owned(), "t-1".to_owned())];
/// let endpoint = Endpoint { base_url: "https://proxy.example/video", headers: &headers };
/// let read = Trinetra { api_key: None }.job_request(endpoint, &JobId::new("j1").unwrap(), 0);
/// assert_eq!(read.url, "https://proxy.example/video/v1/jobs/j1");
/// assert_eq!(read.header("x-trace"), Some("t-1"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct Endpoint<'a> {
    /// Without a trailing slash.
    pub base_url: &'a str,
    /// Sent with every request; the core's own headers and the credential's
    /// win over one of the same name.
    pub headers: &'a [(String, String)],
}
