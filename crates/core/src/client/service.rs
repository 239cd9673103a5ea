//! What a machine needs to know of the service it calls: a client's config,
//! that is its [`Provider`] reached at its endpoint, within its limits. The
//! machines take any `Service`; every client's is a [`ClientConfig`].
//!
//! ```
//! use kling_extend_core::client::call::Call;
//! use kling_extend_core::client::machine::{Machine, Step, Time};
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! let options = parse(br#"{"apiKey":"sk-test","baseUrl":"https://proxy.example"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let mut read = Call::read(config, JobId::new("j1").unwrap(), 7);
//! let Step::Send { request, .. } = read.start(Time::at(0)) else { panic!("a read sends first") };
//! assert_eq!(request.url, "https://proxy.example/v1/jobs/j1");
//! ```

use crate::client::options::{ClientConfig, Limits};
use crate::client::provider::Provider;
use crate::types::error::{Error, Result};
use crate::types::http::{HttpRequest, HttpResponse};
use crate::types::job::{Job, Submission};
use crate::types::job_id::JobId;
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::request::ExtendRequest;

/// The methods named as [`Provider`]'s mean what they mean there: a
/// service is a provider at its endpoint, so its requests need no endpoint
/// argument. A machine generic over it runs on a test double as well as on
/// a client's config.
///
/// ```
/// use kling_extend_core::client::service::Service;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// fn read_url(service: &impl Service, id: &str) -> String {
///     service.job_request(&JobId::new(id).unwrap(), 0).url
/// }
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
/// assert_eq!(read_url(&config, "j1"), "https://brahmand-api.bulletshorts.co/v1/jobs/j1");
/// ```
pub trait Service {
    /// Which service this is ([`Provider::name`]).
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// assert_eq!(config(r#"{"apiKey":"sk-test"}"#).provider(), ProviderName::Trinetra);
    /// assert_eq!(config(r#"{"provider":"kling","token":"jwt"}"#).provider(), ProviderName::Kling);
    /// ```
    fn provider(&self) -> ProviderName;
    /// [`Provider::submit_request`] at the config's base URL, with its extra headers.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let config = config(r#"{"apiKey":"sk-test","baseUrl":"https://proxy.example/","headers":{"x-trace":"t-1"}}"#);
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let request = ExtendRequest::from_value(&extend, ProviderName::Trinetra).unwrap();
    /// let sent = config.submit_request(&request, 0);
    /// assert_eq!(sent.url, "https://proxy.example/v1/video/kling-extend-video");
    /// assert_eq!(sent.header("x-trace"), Some("t-1"));
    /// ```
    fn submit_request(&self, request: &ExtendRequest, unix_ms: u64) -> HttpRequest;
    /// [`Provider::job_request`] at the config's base URL, with its extra headers.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let config = config(r#"{"provider":"kling","apiKey":"kling-key","baseUrl":"https://proxy.example"}"#);
    /// let read = config.job_request(&JobId::new("t1").unwrap(), 0);
    /// assert_eq!(read.url, "https://proxy.example/v1/videos/video-extend/t1");
    /// assert_eq!(read.header("authorization"), Some("Bearer kling-key"));
    /// ```
    fn job_request(&self, id: &JobId, unix_ms: u64) -> HttpRequest;
    /// [`Provider::read_submission`].
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let request = ExtendRequest::from_value(&extend, ProviderName::Trinetra).unwrap();
    /// let body = br#"{"job_id":"j1","status":"queued"}"#.to_vec();
    /// let answer = HttpResponse { status: 202, headers: vec![("x-request-id".into(), "r-9".into())], body };
    /// let submission = config(r#"{"apiKey":"sk-test"}"#).read_submission(&answer, &request, 0).unwrap();
    /// assert_eq!((submission.job_id.as_str(), submission.request_id.as_deref()), ("j1", Some("r-9")));
    /// ```
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission>;
    /// [`Provider::read_job`].
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::error::ErrorCode;
    /// use kling_extend_core::types::http::HttpResponse;
    ///
    /// let missing = HttpResponse { status: 404, headers: vec![], body: br#"{"error":"no such job"}"#.to_vec() };
    /// let error = config(r#"{"apiKey":"sk-test"}"#).read_job(&missing, 0).unwrap_err();
    /// assert_eq!(error.code, ErrorCode::NotFound);
    /// ```
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job>;
    /// What one attempt may take and read, and how often a call retries.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// let limits = config(r#"{"apiKey":"sk-test","timeoutMs":5000,"maxRetries":0}"#).limits();
    /// assert_eq!((limits.timeout_ms, limits.max_retries), (5_000, 0));
    /// ```
    fn limits(&self) -> Limits;
    /// Whether the calls run in a page (their network errors then name CORS).
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// let options = parse(br#"{"baseUrl":"https://proxy.example"}"#).unwrap();
    /// let in_a_page = ClientConfig::from_value(&options, true).unwrap();
    /// assert!(in_a_page.in_page());
    /// assert!(!config(r#"{"apiKey":"sk-test"}"#).in_page());
    /// ```
    fn in_page(&self) -> bool;
    /// The credentials held (the provider's and any among the extra
    /// headers), to take out of whatever the call hands back.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// let config = config(r#"{"apiKey":"sk-test","headers":{"Proxy-Authorization":"Bearer proxy-token"}}"#);
    /// let line = config.secrets().scrub("sent sk-test through proxy-token");
    /// assert_eq!(line.as_deref(), Some("sent [redacted] through [redacted]"));
    /// ```
    fn secrets(&self) -> Secrets;
    /// [`Provider::make_findable`]: [`Call::submit`](crate::client::call::Call::submit) calls it.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let mut request = ExtendRequest::from_value(&extend, ProviderName::Trinetra).unwrap();
    /// config(r#"{"apiKey":"sk-test"}"#).make_findable(&mut request, [1; 16]);
    /// assert_eq!(request.external_task_id, None, "Trinetra has no such ids");
    /// ```
    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]);
    /// [`Provider::lookup_request`] at the config's base URL.
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let kling = config(r#"{"provider":"kling","apiKey":"kling-key"}"#);
    /// let extend = parse(br#"{"video_id":"v1","prompt":"the sun sets"}"#).unwrap();
    /// let mut request = ExtendRequest::from_value(&extend, ProviderName::Kling).unwrap();
    /// assert_eq!(kling.lookup_request(&request, 0), None, "nothing to find it by yet");
    /// kling.make_findable(&mut request, [1; 16]);
    /// let lookup = kling.lookup_request(&request, 0).unwrap();
    /// assert!(lookup.url.ends_with(&format!("/ke-{}", "01".repeat(16))), "{}", lookup.url);
    /// ```
    fn lookup_request(&self, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest>;
    /// [`Provider::identifies`].
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::http::HttpResponse;
    /// use kling_extend_core::types::job_id::JobId;
    ///
    /// let config = config(r#"{"apiKey":"sk-test"}"#);
    /// let body = br#"{"id":"j2","status":"running"}"#.to_vec();
    /// let job = config.read_job(&HttpResponse { status: 200, headers: vec![], body }, 0).unwrap();
    /// assert!(!config.identifies(&job, &JobId::new("j1").unwrap()), "another job's document");
    /// ```
    fn identifies(&self, job: &Job, id: &JobId) -> bool;
    /// [`Provider::refreshable`].
    ///
    /// ```
    /// # use kling_extend_core::client::service::Service;
    /// # use kling_extend_core::providers::ClientConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = |options: &str| ClientConfig::from_value(&parse(options.as_bytes()).unwrap(), false).unwrap();
    /// use kling_extend_core::types::error::{Error, ErrorCode};
    ///
    /// // Kling's code 1004: the token has expired; keys sign a new one.
    /// let expired = Error { code: ErrorCode::Unauthorized, provider_code: Some(1004), ..Error::invalid("token", "expired") };
    /// assert!(config(r#"{"provider":"kling","accessKey":"ak","secretKey":"sk"}"#).refreshable(&expired));
    /// assert!(!config(r#"{"provider":"kling","token":"jwt"}"#).refreshable(&expired));
    /// ```
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
