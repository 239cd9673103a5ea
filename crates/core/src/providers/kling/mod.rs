//! The official Kling API: a JWT per request, answers in an envelope with
//! body codes, and `external_task_id`, which lets a client find a task after
//! a submit whose answer was lost. [`Kling`] is the provider; [`KlingAuth`]
//! its credentials, read from the options or the environment.
//!
//! ```
//! use kling_extend_core::client::service::Service;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//! use kling_extend_core::types::request::ExtendRequest;
//!
//! let options = parse(br#"{"provider": "kling", "accessKey": "ak", "secretKey": "sk"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false)?;
//! let input = parse(br#"{"video_id": "v1", "mode": "professional"}"#).unwrap();
//! let mut request = ExtendRequest::from_value(&input, ProviderName::Kling)?;
//! // An id to find the task by, should the submit's answer be lost.
//! config.make_findable(&mut request, [0xab; 16]);
//! assert_eq!(request.external_task_id, Some(format!("ke-{}", "ab".repeat(16))));
//! assert!(config.lookup_request(&request, 0).is_some());
//!
//! let submit = config.submit_request(&request, 1_700_000_000_000);
//! assert!(submit.header("authorization").is_some_and(|h| h.starts_with("Bearer ey")), "a JWT for this attempt");
//! let mode = submit.body.as_ref().and_then(|body| body.get("mode")?.as_str());
//! assert_eq!(mode, Some("pro"), "Kling's word for it");
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

mod codes;
mod envelope;
pub mod jwt;
mod task;

pub(crate) use task::{BILLING, TASK};

use super::common::request;
use crate::client::classify::bad_body;
use crate::client::environment::{Environment, KLING_ACCESS_KEY, KLING_API_KEY, KLING_SECRET_KEY};
use crate::client::options::{env_secret, secret};
use crate::client::provider::{Endpoint, Paths, Provider};
use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::http::{HeaderValue, HttpRequest, HttpResponse, Method, Secret};
use crate::types::job::{Job, Raw, Submission};
use crate::types::job_id::JobId;
use crate::types::json::{self, Value};
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::request::ExtendRequest;
use crate::types::tier::Mode;

/// Kling's API for servers outside China (`https://api-beijing.klingai.com`
/// inside); the older `https://api.klingai.com` still answers.
pub(crate) const BASE_URL: &str = "https://api-singapore.klingai.com";
const TASKS: &str = "/v1/videos/video-extend";

/// The Kling API, with the way its requests prove who sends them. A
/// driver gets one from the options ([`super::ClientConfig`]); made by
/// hand, it is a [`Provider`] as any other.
///
/// ```
/// use kling_extend_core::client::provider::{Endpoint, Provider};
/// use kling_extend_core::providers::kling::{Kling, KlingAuth};
/// use kling_extend_core::types::http::Secret;
/// use kling_extend_core::types::job_id::JobId;
///
/// let kling = Kling { auth: KlingAuth::Token(Secret::new("minted-jwt".into())) };
/// let endpoint = Endpoint { base_url: kling.default_base_url(), headers: &[] };
/// let read = kling.job_request(endpoint, &JobId::new("t1")?, 0);
/// assert_eq!(read.url, "https://api-singapore.klingai.com/v1/videos/video-extend/t1");
/// assert_eq!(read.header("authorization"), Some("Bearer minted-jwt"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Kling {
    /// How each request proves who sends it.
    pub auth: KlingAuth,
}

/// How requests to the Kling API prove who sends them. (Its methods stay in
/// this file: in a module of its own, the page's wasm, laid out otherwise,
/// compresses 82 B worse.)
///
/// ```
/// use kling_extend_core::providers::{AnyProvider, ClientConfig};
/// use kling_extend_core::providers::kling::{Kling, KlingAuth};
/// use kling_extend_core::types::json::parse;
///
/// let auth = |options: &[u8]| match ClientConfig::from_value(&parse(options).unwrap(), false) {
///     Ok(ClientConfig { provider: AnyProvider::Kling(Kling { auth }), .. }) => Ok(auth),
///     Ok(_) => unreachable!("provider is kling"),
///     Err(e) => Err(e.field),
/// };
/// assert!(matches!(auth(br#"{"provider": "kling", "apiKey": "k"}"#), Ok(KlingAuth::ApiKey(_))));
/// let keys = auth(br#"{"provider": "kling", "accessKey": "ak", "secretKey": "sk"}"#);
/// assert!(matches!(keys, Ok(KlingAuth::Keys { .. })));
/// let proxied = br#"{"provider": "kling", "baseUrl": "https://proxy.example"}"#;
/// assert_eq!(auth(proxied), Ok(KlingAuth::None), "the proxy signs");
/// let half = auth(br#"{"provider": "kling", "accessKey": "ak"}"#);
/// assert_eq!(half, Err(Some("secretKey".to_owned())));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum KlingAuth {
    /// `base_url` is a proxy that signs requests itself.
    None,
    /// An API key from the Kling console, sent as the bearer token: Kling's
    /// current method, "for all models".
    ApiKey(Secret),
    /// A JWT is signed from these for every attempt.
    Keys {
        /// The JWT's issuer (`iss`).
        access_key: Secret,
        /// The HS256 key the JWT is signed with; never sent.
        secret_key: Secret,
    },
    /// A ready JWT, e.g. minted by a server for a browser.
    Token(Secret),
}

impl KlingAuth {
    /// One of Kling's ways to authenticate: an API key, the legacy access
    /// and secret keys (a JWT signed per attempt), a ready token, or none (a
    /// proxy). Given none, the environment's, the API key first (Kling's
    /// current method).
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<KlingAuth> {
        if let Some(api_key) = secret(fields, "apiKey")? {
            return match ["accessKey", "secretKey", "token"]
                .into_iter()
                .find(|key| fields.string(key).ok().flatten().is_some())
            {
                Some(other) => Err(Error::invalid(other, "cannot be combined with apiKey")),
                None => Ok(KlingAuth::ApiKey(api_key)),
            };
        }
        match (secret(fields, "accessKey")?, secret(fields, "secretKey")?, secret(fields, "token")?) {
            (None, None, None) => env.map_or(Ok(KlingAuth::None), KlingAuth::from_environment),
            (Some(access_key), Some(secret_key), None) => Ok(KlingAuth::Keys { access_key, secret_key }),
            (None, None, Some(token)) => Ok(KlingAuth::Token(token)),
            (Some(_), None, _) => Err(Error::invalid("secretKey", "is required with accessKey")),
            (None, Some(_), _) => Err(Error::invalid("accessKey", "is required with secretKey")),
            (Some(_), Some(_), Some(_)) => {
                Err(Error::invalid("token", "cannot be combined with accessKey and secretKey"))
            }
        }
    }

    fn from_environment(env: &Environment) -> Result<KlingAuth> {
        if let Some(api_key) = env_secret(env, KLING_API_KEY)? {
            return Ok(KlingAuth::ApiKey(api_key));
        }
        match (env_secret(env, KLING_ACCESS_KEY)?, env_secret(env, KLING_SECRET_KEY)?) {
            (Some(access_key), Some(secret_key)) => Ok(KlingAuth::Keys { access_key, secret_key }),
            (None, None) => Ok(KlingAuth::None),
            (Some(_), None) => Err(Error::invalid(KLING_SECRET_KEY, "is required with KLING_ACCESS_KEY")),
            (None, Some(_)) => Err(Error::invalid(KLING_ACCESS_KEY, "is required with KLING_SECRET_KEY")),
        }
    }

    /// The `authorization` header of an attempt at `unix_ms`; `None` behind a proxy.
    fn header(&self, unix_ms: u64) -> Option<(&'static str, HeaderValue)> {
        let token = match self {
            KlingAuth::None => return None,
            KlingAuth::ApiKey(key) => key.expose().to_owned(),
            KlingAuth::Keys { access_key, secret_key } => {
                jwt::sign(access_key.expose(), secret_key.expose(), unix_ms / 1000)
            }
            KlingAuth::Token(token) => token.expose().to_owned(),
        };
        Some(("authorization", HeaderValue::Secret(Secret::new(format!("Bearer {token}")))))
    }

    /// The credentials held; with keys, every token their secret signs.
    fn secrets(&self) -> Secrets {
        match self {
            KlingAuth::None => Secrets::default(),
            KlingAuth::ApiKey(key) | KlingAuth::Token(key) => Secrets::new([key.expose()], None),
            KlingAuth::Keys { access_key, secret_key } => {
                Secrets::new([access_key.expose(), secret_key.expose()], Some(secret_key.expose()))
            }
        }
    }

    /// An expired token is cured by signing again, which only keys allow.
    fn refreshable(&self, error: &Error) -> bool {
        matches!(self, KlingAuth::Keys { .. }) && error.provider_code == Some(codes::TOKEN_EXPIRED)
    }
}

impl Provider for Kling {
    const CREDENTIAL_OPTIONS: &'static [&'static str] = &["apiKey", "accessKey", "secretKey", "token"];
    /// A token is short-lived, minted for the page that holds it.
    const SECRET_OPTIONS: &'static [&'static str] = &["apiKey", "accessKey", "secretKey"];

    #[inline]
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<Kling> {
        Ok(Kling { auth: KlingAuth::from_options(fields, env)? })
    }

    fn name(&self) -> ProviderName {
        ProviderName::Kling
    }

    fn default_base_url(&self) -> &'static str {
        BASE_URL
    }

    fn has_credential(&self) -> bool {
        !matches!(self.auth, KlingAuth::None)
    }

    fn credential_options(&self) -> &'static str {
        "apiKey (or accessKey and secretKey, or token)"
    }

    fn credential_variables(&self) -> &'static str {
        "KLING_API_KEY (or KLING_ACCESS_KEY and KLING_SECRET_KEY)"
    }

    /// The task path also takes the caller's `external_task_id`.
    fn paths(&self) -> Paths {
        Paths { submit: TASKS, jobs: TASKS }
    }

    fn secrets(&self) -> Secrets {
        self.auth.secrets()
    }

    fn submit_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> HttpRequest {
        submit_request(endpoint, &self.auth, request, unix_ms)
    }

    fn job_request(&self, endpoint: Endpoint, id: &JobId, unix_ms: u64) -> HttpRequest {
        job_request(endpoint, &self.auth, id, unix_ms)
    }

    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
        read_submission(response, request, unix_ms)
    }

    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job> {
        read_job(response, unix_ms)
    }

    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]) {
        request.external_task_id.get_or_insert_with(|| external_task_id(nonce));
    }

    /// The task path also takes the caller's `external_task_id`.
    fn lookup_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest> {
        let id = JobId::new(request.external_task_id.as_deref()?).ok()?;
        Some(job_request(endpoint, &self.auth, &id, unix_ms))
    }

    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        identifies(job, id)
    }

    fn refreshable(&self, error: &Error) -> bool {
        self.auth.refreshable(error)
    }
}

fn submit_request(endpoint: Endpoint, auth: &KlingAuth, r: &ExtendRequest, unix_ms: u64) -> HttpRequest {
    let text = |s: &Option<String>| s.clone().map(Value::String);
    let mode = r.mode.map(|m| {
        Value::String(match m {
            Mode::Standard => "std".into(),
            Mode::Professional => "pro".into(),
        })
    });
    let body = json::object([
        ("video_id", text(&r.video_id)),
        ("task_id", text(&r.task_id)),
        ("prompt", text(&r.prompt)),
        ("negative_prompt", text(&r.negative_prompt)),
        ("cfg_scale", r.cfg_scale.map(Value::Number)),
        ("callback_url", text(&r.callback_url)),
        ("external_task_id", text(&r.external_task_id)),
        ("duration", text(&r.duration)),
        ("mode", mode),
        ("model_name", text(&r.model_name)),
        ("watermark_info", r.watermark.map(|enabled| json::object([("enabled", Some(Value::Bool(enabled)))]))),
    ]);
    request(endpoint, Method::Post, TASKS, auth.header(unix_ms), Some(body))
}

fn job_request(endpoint: Endpoint, auth: &KlingAuth, id: &JobId, unix_ms: u64) -> HttpRequest {
    request(endpoint, Method::Get, &format!("{}/{}", TASKS, id.segment()), auth.header(unix_ms), None)
}

/// `ke-` and 32 hex digits: unique per submit, so a lost answer can be found.
fn external_task_id(nonce: [u8; 16]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut id = String::from("ke-");
    for byte in nonce {
        id.push(char::from(HEX[usize::from(byte >> 4)]));
        id.push(char::from(HEX[usize::from(byte & 15)]));
    }
    id
}

/// The task `request`'s submit made, or its look-up found: an answer that
/// echoes another `external_task_id` is another task's.
fn read_submission(response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
    let opened = envelope::open(response, unix_ms)?;
    let echo = opened.data.get("task_info").and_then(|info| info.get("external_task_id")).and_then(Value::as_str);
    if echo.is_some_and(|echo| Some(echo) != request.external_task_id.as_deref()) {
        return Err(bad_body(response, "the answer of another task (it echoes another external_task_id)"));
    }
    task::submission(&opened.data, opened.request_id).map_err(|why| bad_body(response, why))
}

fn read_job(response: &HttpResponse, unix_ms: u64) -> Result<Job> {
    let opened = envelope::open(response, unix_ms)?;
    task::job(&opened.data, opened.raw).map_err(|why| bad_body(response, why))
}

/// Whether `job` answers a read of `id`. The task path takes a task_id or
/// the caller's `external_task_id`, and Kling's answers need not echo the
/// latter: a document with another task_id is the task asked for when it
/// echoes `id`, or echoes nothing and `id` may be an external id (one the
/// caller gave, not one Kling issued). An echo of another id contradicts.
fn identifies(job: &Job, id: &JobId) -> bool {
    let document = job.raw.read();
    let data = document.get("data").unwrap_or(document);
    let echo = data.get("task_info").and_then(|info| info.get("external_task_id")).and_then(Value::as_str);
    job.id == id.as_str() || echo.map_or(!id.is_issued(), |echo| echo == id.as_str())
}

/// A callback → `Job`: the task document (`data` of an envelope, or bare),
/// or the newer document that carries `id` instead of `task_id`.
pub(crate) fn callback_job(data: Value, raw: Raw) -> Result<Job, &'static str> {
    let newer = data.get("task_id").is_none() && (data.get("outputs").is_some() || data.get("create_time").is_some());
    if newer { task::newer_job(&data, raw) } else { task::job(&data, raw) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::service::Service;
    use crate::client::testing::{job_id as id, kling, response, secret};
    use crate::providers::ClientConfig;
    use crate::types::error::ErrorCode;
    use crate::types::job::Status;
    use crate::types::json::parse;
    use crate::types::provider::ProviderName;

    fn config(auth: KlingAuth) -> ClientConfig {
        kling(auth).config()
    }

    #[test]
    fn an_api_key_is_the_bearer_token_and_goes_alone() {
        let c = config(KlingAuth::ApiKey(secret("kling-api-key-1")));
        let http = c.job_request(&id("t"), 0);
        assert_eq!(http.header("authorization"), Some("Bearer kling-api-key-1"));
        assert_eq!(c.secrets(), Secrets::new(["kling-api-key-1"], None));
        for (json, field) in [
            (r#"{"provider":"kling","apiKey":"k","token":"t"}"#, "token"),
            (r#"{"provider":"kling","apiKey":"k","accessKey":"a","secretKey":"s"}"#, "accessKey"),
        ] {
            let e = ClientConfig::from_value(&parse(json.as_bytes()).unwrap(), false).err().unwrap();
            assert_eq!(e.field.as_deref(), Some(field), "{json}");
        }
    }

    #[test]
    fn builds_the_submit_with_a_signed_token_and_wire_mode() {
        let c = config(KlingAuth::Keys { access_key: secret("ak_test"), secret_key: secret("sk_test") });
        let mut r = ExtendRequest::from_value(
            &parse(br#"{"task_id":"t0","prompt":"p","mode":"professional","duration":5}"#).unwrap(),
            ProviderName::Kling,
        )
        .unwrap();
        c.make_findable(&mut r, [0xab; 16]);
        let http = c.submit_request(&r, 1_700_000_000_000);
        assert_eq!(http.url, "https://api-singapore.klingai.com/v1/videos/video-extend");
        assert_eq!(
            http.header("authorization"),
            Some(format!("Bearer {}", jwt::sign("ak_test", "sk_test", 1_700_000_000)).as_str())
        );
        let body = http.body.unwrap();
        assert_eq!(body.get("mode"), Some(&Value::String("pro".into())));
        assert_eq!(body.get("duration"), Some(&Value::String("5".into())));
        let external = body.get("external_task_id").and_then(Value::as_str).unwrap();
        assert_eq!(external, format!("ke-{}", "ab".repeat(16)));
        let lookup = c.lookup_request(&r, 0).unwrap();
        assert_eq!(lookup.url, format!("https://api-singapore.klingai.com/v1/videos/video-extend/{external}"));
    }

    #[test]
    fn a_caller_external_id_is_kept() {
        let c = config(KlingAuth::Token(secret("tok")));
        let mut r = ExtendRequest::from_value(
            &parse(br#"{"video_id":"v","external_task_id":"mine-1"}"#).unwrap(),
            ProviderName::Kling,
        )
        .unwrap();
        c.make_findable(&mut r, [0; 16]);
        assert_eq!(r.external_task_id.as_deref(), Some("mine-1"));
        assert_eq!(c.job_request(&id("t"), 0).header("authorization"), Some("Bearer tok"));
    }

    #[test]
    fn reads_answers_in_their_envelope() {
        let submit = response(
            200,
            &[],
            r#"{"code":0,"request_id":"r","data":{"task_id":"t1","task_status":"submitted","task_info":{"external_task_id":"e"}}}"#,
        );
        let request = |external: &str| {
            let body = format!(r#"{{"video_id":"v","external_task_id":"{external}"}}"#);
            ExtendRequest::from_value(&parse(body.as_bytes()).unwrap(), ProviderName::Kling).unwrap()
        };
        let s = read_submission(&submit, &request("e"), 0).unwrap();
        assert_eq!(
            (s.job_id.as_str(), s.status, s.provider, s.request_id.as_deref()),
            ("t1", Status::Queued, ProviderName::Kling, Some("r"))
        );
        // A look-up answered with another task (another external id echoed) finds nothing of ours.
        let e = read_submission(&submit, &request("mine"), 0).unwrap_err();
        assert_eq!(e.code, ErrorCode::BadResponse);
        assert!(e.message.contains("another task"), "{}", e.message);
    }

    /// A read of `asked` answered with task `task_id`, echoing `echo` (or
    /// nothing, as Kling's documented extend answers do), through the check
    /// every read's answer passes.
    fn read(asked: &JobId, task_id: &str, echo: Option<&str>) -> Result<Job> {
        let c = config(KlingAuth::ApiKey(secret("k")));
        let info = echo.map_or(String::new(), |e| format!(r#""external_task_id":"{e}","#));
        let body = format!(
            r#"{{"code":0,"data":{{"task_id":"{task_id}","task_status":"succeed","task_info":{{{info}"parent_video":{{"id":"src"}}}},
                "task_result":{{"videos":[{{"id":"v","url":"https://cdn.test/v.mp4","duration":"10","seed":7}}]}}}}}}"#
        );
        let response = response(200, &[], &body);
        crate::client::call::expect_job(&c, c.read_job(&response, 0)?, asked, &response)
    }

    #[test]
    fn a_read_by_external_id_is_answered_without_the_echo() {
        let job = read(&id("my-order-42"), "t1", None).unwrap();
        assert_eq!((job.id.as_str(), job.status), ("t1", Status::Succeeded));
        assert!(read(&id("my-order-42"), "t1", Some("my-order-42")).is_ok(), "or with it");
        assert!(read(&id("t1"), "t1", None).is_ok(), "by its task_id");
        assert!(read(&id("t1").issued(), "t1", Some("any-external-id")).is_ok(), "its own task_id, whatever it echoes");
    }

    #[test]
    fn an_answer_that_contradicts_the_id_is_another_jobs_document() {
        let contradictions = [
            (id("my-order-42"), Some("someone-elses-order"), "echoes another external id"),
            (id("my-order-42"), Some(""), "echoes none, so it is not the task of that external id"),
            (id("t1").issued(), None, "another task_id, for an id Kling issued"),
            (id("t1").issued(), Some("ke-0"), "another task_id and another echo"),
        ];
        for (asked, echo, why) in contradictions {
            let e = read(&asked, "t2", echo).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadResponse, "{why}");
            assert!(e.message.ends_with("the document of another job"), "{why}: {}", e.message);
        }
    }

    #[test]
    fn watermark_info_is_sent_and_an_empty_callback_url_is_not() {
        let c = config(KlingAuth::ApiKey(secret("k")));
        let r = ExtendRequest::from_value(
            &parse(br#"{"video_id":"v","callback_url":"","watermark_info":{"enabled":false}}"#).unwrap(),
            ProviderName::Kling,
        )
        .unwrap();
        let body = c.submit_request(&r, 0).body.unwrap().to_json();
        assert_eq!(body, r#"{"video_id":"v","watermark_info":{"enabled":false}}"#);
    }

    #[test]
    fn only_keys_can_cure_an_expired_token() {
        let expired = Error { provider_code: Some(1004), ..Error::new(ErrorCode::Unauthorized, "") };
        let keys = KlingAuth::Keys { access_key: secret("a"), secret_key: secret("s") };
        assert!(keys.refreshable(&expired));
        assert!(!KlingAuth::Token(secret("t")).refreshable(&expired));
    }
}
