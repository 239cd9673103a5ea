//! The client: options checked once by the core's own parser, then calls
//! that each run one of the core's machines through the driver.

use crate::cause;
use crate::driver::drive;
use crate::entropy::{submit_key, JitterSeeds};
use crate::error::Error;
use crate::event::Reporter;
use crate::logging;
use crate::runtime::Runtime;
use crate::transport::HttpClient;
use crate::types::{ExtendRequest, Job, Submission};
use kling_extend_core::client::call::Call;
use kling_extend_core::client::machine::Machine;
use kling_extend_core::client::options::PollConfig;
use kling_extend_core::client::redacted::Redacted;
use kling_extend_core::client::service::Service;
use kling_extend_core::client::task::TaskKind;
use kling_extend_core::client::update::Update;
use kling_extend_core::providers::{ClientConfig, Settings};
use kling_extend_core::types::error::Error as CoreError;
use kling_extend_core::types::job_id::JobId;
use kling_extend_core::types::json::{object, Value};
use kling_extend_core::types::redact::Redact;
use kling_extend_core::types::request::ExtendRequest as CoreRequest;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

/// The service a client calls.
///
/// ```
/// use kling_extend_client::{Client, Provider};
///
/// let trinetra = Client::builder(Provider::Trinetra).api_key("sk-…");
/// let kling = Client::builder(Provider::Kling).api_key("kling-key");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Provider {
    /// The Trinetra gateway (`X-API-Key`).
    Trinetra,
    /// The official Kling API (an API key, or an access key and secret key).
    Kling,
}

impl Provider {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Provider::Trinetra => "trinetra",
            Provider::Kling => "kling",
        }
    }
}

/// Makes a [`Client`]; every option is checked by [`build`](ClientBuilder::build).
///
/// ```
/// use kling_extend_client::{Client, Provider};
/// use std::time::Duration;
///
/// let builder = Client::builder(Provider::Kling)
///     .kling_keys("access-key", "secret-key")
///     .max_retries(4)
///     .timeout(Duration::from_secs(10));
/// ```
#[must_use]
pub struct ClientBuilder {
    pub(crate) options: Options,
    http: Option<Arc<dyn HttpClient>>,
    runtime: Option<Arc<dyn Runtime>>,
}

impl ClientBuilder {
    pub(crate) fn option(mut self, name: &'static str, value: impl Into<Value>) -> Self {
        set_option(&mut self.options, name, value.into());
        self
    }

    /// The provider's API key (Trinetra's, or Kling's newer kind).
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let key = std::env::var("TRINETRA_API_KEY").unwrap_or_default();
    /// let builder = Client::builder(Provider::Trinetra).api_key(key);
    /// ```
    pub fn api_key(self, key: impl Into<String>) -> Self {
        self.option("apiKey", key.into())
    }

    /// Kling's access key and secret key, from which the client signs its tokens.
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let builder = Client::builder(Provider::Kling).kling_keys("access-key", "secret-key");
    /// ```
    pub fn kling_keys(self, access_key: impl Into<String>, secret_key: impl Into<String>) -> Self {
        self.option("accessKey", access_key.into()).option("secretKey", secret_key.into())
    }

    /// Where the service is (a proxy's URL, or a mock's); the provider's own by default.
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// // Kling's servers inside China.
    /// let builder = Client::builder(Provider::Kling).base_url("https://api-beijing.klingai.com");
    /// ```
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.option("baseUrl", url.into())
    }

    /// How many times a failed attempt is retried (2 by default, at most 10).
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let builder = Client::builder(Provider::Trinetra).api_key("sk-…").max_retries(5);
    /// ```
    pub fn max_retries(self, retries: u32) -> Self {
        self.option("maxRetries", f64::from(retries))
    }

    /// How long one HTTP attempt may take (30 s by default).
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let builder = Client::builder(Provider::Trinetra).timeout(std::time::Duration::from_secs(10));
    /// ```
    pub fn timeout(self, timeout: Duration) -> Self {
        self.option("timeoutMs", millis(timeout))
    }

    /// The first wait between two reads of a job being polled (1 s by default).
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let builder = Client::builder(Provider::Trinetra).poll_interval(std::time::Duration::from_secs(5));
    /// ```
    pub fn poll_interval(self, interval: Duration) -> Self {
        self.option("intervalMs", millis(interval))
    }

    /// How long a poll may wait for a job to end (10 min by default).
    ///
    /// ```
    /// # use kling_extend_client::{Client, Provider};
    /// let builder = Client::builder(Provider::Trinetra).wait_timeout(std::time::Duration::from_secs(30 * 60));
    /// ```
    pub fn wait_timeout(self, timeout: Duration) -> Self {
        self.option("waitTimeoutMs", millis(timeout))
    }

    /// The HTTP client the calls go through. By default, with the `reqwest`
    #[cfg_attr(feature = "reqwest", doc = "feature, a [`ReqwestClient`](crate::ReqwestClient);")]
    #[cfg_attr(not(feature = "reqwest"), doc = "feature, a `ReqwestClient`;")]
    /// on wasm32 with the `fetch` feature, a `FetchClient`.
    ///
    /// ```
    /// # #[cfg(feature = "reqwest")]
    /// # fn demo() -> Result<(), Box<dyn std::error::Error>> {
    /// use kling_extend_client::{Client, Provider, ReqwestClient};
    /// use std::time::Duration;
    ///
    /// // reqwest with settings of your own (its redirects stay off).
    /// let reqwest = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(30));
    /// let builder = Client::builder(Provider::Trinetra).http_client(ReqwestClient::from_builder(reqwest)?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn http_client(mut self, http: impl HttpClient) -> Self {
        self.http = Some(Arc::new(http));
        self
    }

    /// The timers and clocks the calls use. By default, with the `tokio`
    #[cfg_attr(feature = "tokio", doc = "feature, [`TokioRuntime`](crate::TokioRuntime);")]
    #[cfg_attr(not(feature = "tokio"), doc = "feature, `TokioRuntime`;")]
    /// on wasm32 with the `fetch` feature, `JsRuntime`.
    ///
    /// ```
    /// # #[cfg(feature = "tokio")]
    /// # fn demo() {
    /// use kling_extend_client::{Client, Provider, TokioRuntime};
    ///
    /// let builder = Client::builder(Provider::Trinetra).runtime(TokioRuntime::default());
    /// # }
    /// ```
    pub fn runtime(mut self, runtime: impl Runtime) -> Self {
        self.runtime = Some(Arc::new(runtime));
        self
    }

    /// The client, or the error of the first option the core refuses (a
    /// missing credential included), or a missing HTTP client or runtime.
    ///
    /// ```
    /// use kling_extend_client::{Client, ErrorCode, Provider};
    ///
    /// let refused = Client::builder(Provider::Trinetra).api_key("sk-test").base_url("not a URL").build().unwrap_err();
    /// assert_eq!((refused.code(), refused.field()), (ErrorCode::InvalidRequest, Some("baseUrl")));
    /// let missing = Client::builder(Provider::Trinetra).build().unwrap_err();
    /// assert_eq!(missing.field(), Some("apiKey"));
    /// ```
    // On wasm32 the transport and timers may hold JS values, which are not
    // `Send`: there is one thread, and one `Arc` keeps one type for both targets.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn build(self) -> Result<Client, Error> {
        let settings = Settings::new(options_object(&self.options), in_page(), None)?;
        let (config, poll) = settings.ready()?;
        let http = self.http.or_else(default_http).ok_or_else(|| CoreError::invalid("httpClient", "is missing"))?;
        let runtime =
            self.runtime.or_else(default_runtime).ok_or_else(|| CoreError::invalid("runtime", "is missing"))?;
        let (config, poll, options) = (config.clone(), *poll, self.options);
        Ok(Client { inner: Arc::new(Inner { config, poll, options, http, runtime, jitter: JitterSeeds::new()? }) })
    }
}

/// Names the options given, never their values: a credential is one, and a
/// base URL not yet checked may carry one (`user:password@`).
impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("options", &self.options.iter().map(|(name, _)| *name).collect::<Vec<_>>())
            .field("http_client", &self.http.is_some())
            .field("runtime", &self.runtime.is_some())
            .finish()
    }
}

/// Options by name, as the npm package's options object: a name set again
/// replaces its value.
pub(crate) type Options = Vec<(&'static str, Value)>;

pub(crate) fn set_option(options: &mut Options, name: &'static str, value: Value) {
    options.retain(|(known, _)| *known != name);
    options.push((name, value));
}

fn options_object(options: &Options) -> Value {
    object(options.iter().map(|(name, value)| (*name, Some(value.clone()))))
}

/// A duration as the core's milliseconds (past 2⁵³ ms, refused by its checks).
pub(crate) fn millis(duration: Duration) -> f64 {
    duration.as_millis() as f64
}

/// The target's ready transport: reqwest natively, the platform's `fetch` on wasm32.
/// Whether the calls run in a page, where the core refuses a credential
/// unless the caller allowed it, and names CORS as the likely cause of a
/// request that got no answer. Known only through the `fetch` feature's
/// bindings; elsewhere a program is taken as a server's.
fn in_page() -> bool {
    #[cfg(all(feature = "fetch", target_arch = "wasm32"))]
    return crate::fetch::in_page();
    #[cfg(not(all(feature = "fetch", target_arch = "wasm32")))]
    false
}

fn default_http() -> Option<Arc<dyn HttpClient>> {
    // A reqwest that cannot start (its TLS backend) leaves none: `build` then says so.
    #[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
    return crate::ReqwestClient::new().ok().map(|http| Arc::new(http) as Arc<dyn HttpClient>);
    #[cfg(all(feature = "fetch", target_arch = "wasm32"))]
    return Some(Arc::new(crate::FetchClient::new()));
    #[allow(unreachable_code)]
    None
}

/// The target's ready timers: tokio's natively, the platform's on wasm32.
fn default_runtime() -> Option<Arc<dyn Runtime>> {
    #[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
    return Some(Arc::new(crate::TokioRuntime::default()));
    #[cfg(all(feature = "fetch", target_arch = "wasm32"))]
    return Some(Arc::new(crate::JsRuntime::new()));
    #[allow(unreachable_code)]
    None
}

/// A client of one provider, built once and shared (cloning it is cheap).
/// Each call's future can be dropped to cancel the call.
///
/// ```no_run
/// # #[cfg(all(feature = "reqwest", feature = "tokio"))]
/// # async fn demo() -> Result<(), kling_extend_client::Error> {
/// use kling_extend_client::{Client, ExtendRequest, Provider};
///
/// let client = Client::builder(Provider::Trinetra).api_key("sk-…").build()?;
/// // One client for every task: its calls share its options and connections.
/// let background = client.clone();
/// tokio::spawn(async move { background.get_job("job_1").await });
/// let job = client.run(ExtendRequest::video("vid_1").prompt("the camera pulls back")).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

/// The provider and where it is; no credential (the checked base URL has none).
impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let config = &self.inner.config;
        f.debug_struct("Client")
            .field("provider", &config.provider().as_str())
            .field("base_url", &config.base_url)
            .finish_non_exhaustive()
    }
}

struct Inner {
    config: ClientConfig,
    poll: PollConfig,
    /// The options as given, for a call's own to be laid over.
    options: Options,
    http: Arc<dyn HttpClient>,
    runtime: Arc<dyn Runtime>,
    jitter: JitterSeeds,
}

impl Client {
    /// A builder for a client of `provider`.
    ///
    /// ```
    /// use kling_extend_client::{Client, Provider};
    ///
    /// let builder = Client::builder(Provider::Kling).api_key("kling-key");
    /// ```
    pub fn builder(provider: Provider) -> ClientBuilder {
        ClientBuilder { options: vec![("provider", provider.as_str().into())], http: None, runtime: None }
    }

    /// Submits `request`; the submission names the new job. A submit is
    /// retried only when the service cannot have acted on it twice.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::ExtendRequest;
    ///
    /// let submission = client.extend_video(ExtendRequest::video("vid_1").prompt("a crowd gathers")).await?;
    /// println!("accepted as {}", submission.job_id); // store it, then poll_job or a webhook
    /// # Ok(())
    /// # }
    /// ```
    pub async fn extend_video(&self, request: ExtendRequest) -> Result<Submission, Error> {
        let config = self.inner.config.clone();
        let request = CoreRequest::from_value(&request.to_value(), config.provider())?;
        let call = Call::submit(config, request, self.jitter_seed(), submit_key()?);
        self.perform(call, &self.inner.config, TaskKind::ExtendVideo, Reporter::default()).await.map(Submission::from)
    }

    /// Reads the job `id` once.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// let job = client.get_job("job_1").await?;
    /// if job.status.is_terminal() {
    ///     println!("{} ended: {:?}", job.id, job.status);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn get_job(&self, id: &str) -> Result<Job, Error> {
        let id = JobId::new(id)?;
        let call = Call::read(self.inner.config.clone(), id, self.jitter_seed());
        self.perform(call, &self.inner.config, TaskKind::GetJob, Reporter::default()).await.map(Job::from)
    }

    /// The config and poll settings of a call, and its options: the
    /// client's, or with `own` laid over them (as the npm package's client
    /// lays a call's own options), then checked whole by the core again.
    pub(crate) fn settings(&self, own: &Options) -> Result<(ClientConfig, PollConfig, Value), Error> {
        if own.is_empty() {
            return Ok((self.inner.config.clone(), self.inner.poll, options_object(&self.inner.options)));
        }
        let mut options = self.inner.options.clone();
        own.iter().for_each(|(name, value)| set_option(&mut options, name, value.clone()));
        let settings = Settings::new(options_object(&options), in_page(), None)?;
        let (config, poll) = settings.ready()?;
        Ok((config.clone(), *poll, settings.options().clone()))
    }

    /// A seed for a call's retry jitter.
    pub(crate) fn jitter_seed(&self) -> u64 {
        self.inner.jitter.next()
    }

    /// Drives `machine`, the call `kind` made under `config`: logged at the
    /// logger's level, its result, errors, events and log lines redacted of
    /// `config`'s credentials as they leave it, its events reported.
    pub(crate) async fn perform<M>(
        &self,
        machine: M,
        config: &ClientConfig,
        kind: TaskKind,
        mut reporter: Reporter<'_>,
    ) -> Result<M::Output, Error>
    where
        M: Machine<Update = Update> + Send,
        M::Output: Redact,
    {
        let secrets = config.secrets();
        let machine = Redacted::new(logging::logged(machine, kind.wire_name()), secrets.clone());
        let mut report = |update| reporter.report(update);
        let result = drive(machine, &*self.inner.http, &*self.inner.runtime, &mut report).await;
        result.map_err(|(error, cause)| Error::new(error, cause::scrubbed(cause, &secrets)))
    }
}
