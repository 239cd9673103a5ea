//! The services behind the one API. Each provider implements the core's
//! [`Provider`] in its own module (its credentials and their options, its
//! URL, its requests and documents); this module registers them, picks one
//! by the `provider` option ([`AnyProvider`]), and reads webhook bodies.
//!
//! A driver names the provider only here, through the aliases below; the
//! machines it drives take any of them.
//!
//! ```
//! use kling_extend_core::client::service::Service;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let options = parse(br#"{"provider": "kling", "apiKey": "kling-key"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false)?;
//! assert_eq!(config.provider(), ProviderName::Kling);
//! let read = config.job_request(&JobId::new("task-1")?, 0);
//! assert_eq!(read.url, "https://api-singapore.klingai.com/v1/videos/video-extend/task-1");
//! assert_eq!(read.header("authorization"), Some("Bearer kling-key"));
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

mod common;
pub mod kling;
pub mod trinetra;

use crate::client::environment::Environment;
use crate::client::provider::{Endpoint, Paths, Provider};
use crate::client::{options, settings};
use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::http::{HttpRequest, HttpResponse};
use crate::types::job::{Delivery, Job, Raw, Submission};
use crate::types::job_id::JobId;
use crate::types::json::Keep;
use crate::types::provider::ProviderName;
use crate::types::redact::{Redact, Secrets};
use crate::types::request::ExtendRequest;
use crate::webhook::{Signed, WebhookOptions, credentials, verify};
use kling::Kling;
use trinetra::Trinetra;

/// What is read of a webhook body, whichever service sent it: Trinetra's
/// job document, Kling's task document (bare, or an envelope's `data`) or
/// its newer document. The rest goes on as text.
///
/// ```
/// use kling_extend_core::providers::WEBHOOK;
/// use kling_extend_core::types::job::Raw;
///
/// let body = br#"{"id": "job_1", "status": "queued", "note": "not read"}"#;
/// let raw = Raw::from_text(body, &WEBHOOK).unwrap();
/// assert_eq!(raw.read().get("id").and_then(|id| id.as_str()), Some("job_1"));
/// assert_eq!(raw.read().get("note"), None, "kept only in the text");
/// assert!(matches!(&raw, Raw::Text { text, .. } if text.contains("not read")));
/// ```
pub const WEBHOOK: Keep = Keep::Members(&[
    // Trinetra's job document, and Kling's newer one.
    ("id", Keep::All),
    ("model", Keep::All),
    ("status", Keep::All),
    ("error", Keep::All),
    ("output", Keep::Members(&[("outputs", Keep::Items(&common::VIDEO))])),
    ("credits_charged", Keep::All),
    ("message", Keep::All),
    ("create_time", Keep::All),
    ("outputs", Keep::Items(&common::VIDEO)),
    ("billing", Keep::Items(&kling::BILLING)),
    // Kling's task document, in an envelope or bare.
    ("code", Keep::All),
    ("data", kling::TASK),
    ("task_id", Keep::All),
    ("task_status", Keep::All),
    ("task_status_msg", Keep::All),
    ("task_info", Keep::Members(&[("external_task_id", Keep::All)])),
    ("task_result", Keep::Members(&[("videos", Keep::Items(&common::VIDEO))])),
    ("final_unit_deduction", Keep::All),
    ("final_balance_deduction", Keep::Members(&[("quota", Keep::All)])),
]);

/// A webhook or callback body from either service → the contract's `Job`.
/// Kling's callbacks are its task document (`task_id`, bare or inside an
/// envelope's `data`) or its newer document (`id`, `status`, `outputs`,
/// `billing`, …); Trinetra sends its job document. `raw`: the body as read
/// by [`WEBHOOK`], or a caller's object. `provider`: which service sent
/// it, guessed from the body's shape when `None`. It checks no signature:
/// [`crate::webhook::verify`] does, first.
///
/// ```
/// use kling_extend_core::providers::{WEBHOOK, parse_webhook};
/// use kling_extend_core::types::job::{Raw, Status};
///
/// let read = |body: &[u8]| parse_webhook(Raw::from_text(body, &WEBHOOK).unwrap(), None);
/// let trinetra = read(br#"{"id": "job_1", "status": "succeeded", "credits_charged": 190}"#)?;
/// assert_eq!((trinetra.id.as_str(), trinetra.status), ("job_1", Status::Succeeded));
/// let kling = read(br#"{"code": 0, "data": {"task_id": "t1", "task_status": "failed", "task_status_msg": "policy"}}"#)?;
/// assert_eq!((kling.status, kling.error.as_deref()), (Status::Failed, Some("policy")));
///
/// let neither = read(br#"{"hello": "world"}"#).unwrap_err();
/// assert_eq!(neither.field.as_deref(), Some("body"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn parse_webhook(raw: Raw, provider: Option<ProviderName>) -> Result<Job> {
    let doc = raw.read();
    let kling_data = doc.get("data").filter(|d| d.get("task_id").is_some()).cloned();
    let kling_shaped =
        kling_data.is_some() || ["task_id", "outputs", "create_time"].iter().any(|k| doc.get(k).is_some());
    let provider = provider.unwrap_or(if kling_shaped { ProviderName::Kling } else { ProviderName::Trinetra });
    let parsed = match provider {
        ProviderName::Trinetra => trinetra::parse_job_document(raw),
        ProviderName::Kling => {
            let data = kling_data.unwrap_or_else(|| doc.clone());
            kling::callback_job(data, raw)
        }
    };
    parsed.map_err(|why| Error::invalid("body", &format!("is not a job document of either service ({why})")))
}

/// A webhook body's bytes read into a job, as [`parse_webhook`] reads them:
/// what every driver's `parseWebhook` does with a body it holds as bytes or
/// text. A body that is not JSON is an error naming `field`, the driver's
/// name for its argument (`body`, `rawBody`).
///
/// ```
/// use kling_extend_core::providers::read_webhook;
/// use kling_extend_core::types::job::Status;
///
/// let job = read_webhook(br#"{"task_id": "t1", "task_status": "succeed"}"#, "body", None)?;
/// assert_eq!((job.id.as_str(), job.status), ("t1", Status::Succeeded));
/// assert_eq!(read_webhook(b"{not json", "rawBody", None).unwrap_err().field.as_deref(), Some("rawBody"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn read_webhook(body: &[u8], field: &str, provider: Option<ProviderName>) -> Result<Job> {
    let raw = Raw::from_text(body, &WEBHOOK).map_err(|_| Error::invalid(field, "is not JSON"))?;
    parse_webhook(raw, provider)
}

/// `verifyWebhook`: a Standard Webhooks delivery checked
/// ([`crate::webhook::verify`]), then its raw body read into a job
/// ([`read_webhook`], naming `rawBody`) whose document has the webhook
/// secrets taken out, with the delivery that carried it. `now_s`: Unix
/// seconds now, the driver's clock (or the caller's `nowSeconds`).
///
/// ```
/// use kling_extend_core::providers::verify_webhook;
/// use kling_extend_core::types::json::Value;
/// use kling_extend_core::webhook::{Signed, WebhookOptions};
///
/// let body = br#"{"id":"job_1","status":"succeeded"}"#;
/// let signed = Signed {
///     id: "msg_1",
///     timestamp: "1700000000",
///     signature: "v1,lc43DJPf19p1aiUIf38JRGwyy+MbVzLQRuQHecR7t5o=",
/// };
/// let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()];
/// let options = WebhookOptions::from_value(&Value::Null)?;
/// let (job, delivery) = verify_webhook(body, &signed, &secrets, 1_700_000_100, &options)?;
/// assert_eq!((job.id.as_str(), delivery.id.as_str()), ("job_1", "msg_1"));
/// let late = verify_webhook(body, &signed, &secrets, 1_700_001_000, &options).unwrap_err();
/// assert_eq!(late.field.as_deref(), Some("headers.webhook-timestamp"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn verify_webhook(
    body: &[u8],
    signed: &Signed,
    secrets: &[String],
    now_s: u64,
    options: &WebhookOptions,
) -> Result<(Job, Delivery)> {
    let delivery = verify(body, signed, secrets, now_s, options.tolerance_s)?;
    let job = read_webhook(body, "rawBody", options.provider)?.redacted(&credentials(secrets));
    Ok((job, delivery))
}

/// The providers a client can be configured with, picked by the `provider`
/// option (its name, [`ProviderName`], is the contract's): the one place a
/// provider is registered, by a variant, its row in `REGISTERED`, its arm
/// in `each!` and in `from_options`, and its options in the lists below.
/// An enum rather than a `Box<dyn Provider>`: its calls compile to a match,
/// which keeps the page's wasm smallest.
///
/// ```
/// use kling_extend_core::client::provider::Provider;
/// use kling_extend_core::providers::{AnyProvider, ClientConfig};
/// use kling_extend_core::providers::trinetra::Trinetra;
/// use kling_extend_core::types::json::parse;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey": "k"}"#).unwrap(), false)?;
/// assert!(matches!(&config.provider, AnyProvider::Trinetra(Trinetra { api_key: Some(_) })));
/// assert_eq!(config.provider.default_base_url(), config.base_url);
///
/// // A credential option of another provider is named as such.
/// let wrong = ClientConfig::from_value(&parse(br#"{"token": "t"}"#).unwrap(), false).unwrap_err();
/// assert_eq!(wrong.message, "token is only used with provider \"kling\"");
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum AnyProvider {
    /// The Trinetra gateway, the default.
    Trinetra(Trinetra),
    /// The official Kling API (`provider: "kling"`).
    Kling(Kling),
}

/// A client's config, whichever provider it calls: what the machines of
/// [`crate::client`] take as their `Service`.
///
/// ```
/// use kling_extend_core::client::service::Service;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
///
/// let options = parse(br#"{"apiKey": "k", "baseUrl": "https://proxy.example/api/"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false)?;
/// let request = ExtendRequest::from_value(&parse(br#"{"video_id": "v1"}"#).unwrap(), ProviderName::Trinetra)?;
/// let submit = config.submit_request(&request, 0);
/// assert_eq!(submit.url, "https://proxy.example/api/v1/video/kling-extend-video");
/// assert_eq!(submit.header("x-api-key"), Some("k"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub type ClientConfig = options::ClientConfig<AnyProvider>;
/// A client's checked options, whichever provider they name: what a driver
/// keeps from `createClient` for its calls.
///
/// ```
/// use kling_extend_core::client::environment::Environment;
/// use kling_extend_core::providers::Settings;
/// use kling_extend_core::types::json::parse;
///
/// // Made without a credential in an environment that may supply it later.
/// let empty = Environment::from_value(&parse(b"{}").unwrap())?;
/// let mut settings = Settings::new(parse(b"{}").unwrap(), false, empty.as_ref())?;
/// assert!(settings.ready().is_err() && settings.wants_environment());
/// settings.supply(Environment::from_value(&parse(br#"{"TRINETRA_API_KEY": "k"}"#).unwrap())?);
/// assert!(settings.ready().is_ok());
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub type Settings = settings::Settings<AnyProvider>;
/// A proxy's config, whichever provider it forwards to.
///
/// ```
/// use kling_extend_core::providers::ProxyConfig;
/// use kling_extend_core::proxy::Decision;
/// use kling_extend_core::types::json::parse;
///
/// let config = parse(br#"{"provider": "kling", "apiKey": "k", "allowedOrigins": []}"#).unwrap();
/// let mut proxy = ProxyConfig::from_value(&config, false, None)?;
/// let (decision, _) = proxy.decide("GET", "/v1/videos/video-extend/t1", None, None);
/// assert!(matches!(decision, Decision::Forward { read_body: false, .. }));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[cfg(any(feature = "server", not(target_arch = "wasm32")))]
pub type ProxyConfig = crate::proxy::ProxyConfig<AnyProvider>;

/// Each provider's name and credential options, so that one given to
/// another provider is named as such.
const REGISTERED: &[(ProviderName, &[&str])] =
    &[(ProviderName::Trinetra, Trinetra::CREDENTIAL_OPTIONS), (ProviderName::Kling, Kling::CREDENTIAL_OPTIONS)];

/// `$call` on the provider inside `$any`, named `$provider`.
macro_rules! each {
    ($any:expr, $provider:ident => $call:expr) => {
        match $any {
            AnyProvider::Trinetra($provider) => $call,
            AnyProvider::Kling($provider) => $call,
        }
    };
}

impl Provider for AnyProvider {
    /// Every provider's, in order, each once (a test holds them to `REGISTERED`).
    const CREDENTIAL_OPTIONS: &'static [&'static str] = &["apiKey", "accessKey", "secretKey", "token"];
    const SECRET_OPTIONS: &'static [&'static str] = &["apiKey", "accessKey", "secretKey"];

    /// Each `from_options` is `#[inline]`, as every method here: inlined, the
    /// option parser is one function again, 0.1 KB brotli less on the page.
    #[inline]
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<AnyProvider> {
        Ok(match fields.provider()?.unwrap_or_default() {
            ProviderName::Trinetra => {
                refuse_others_options(fields, Trinetra::CREDENTIAL_OPTIONS)?;
                AnyProvider::Trinetra(Trinetra::from_options(fields, env)?)
            }
            ProviderName::Kling => {
                refuse_others_options(fields, Kling::CREDENTIAL_OPTIONS)?;
                AnyProvider::Kling(Kling::from_options(fields, env)?)
            }
        })
    }

    #[inline]
    fn name(&self) -> ProviderName {
        each!(self, provider => provider.name())
    }

    #[inline]
    fn default_base_url(&self) -> &'static str {
        each!(self, provider => provider.default_base_url())
    }

    #[inline]
    fn has_credential(&self) -> bool {
        each!(self, provider => provider.has_credential())
    }

    #[inline]
    fn credential_options(&self) -> &'static str {
        each!(self, provider => provider.credential_options())
    }

    #[inline]
    fn credential_variables(&self) -> &'static str {
        each!(self, provider => provider.credential_variables())
    }

    #[inline]
    fn paths(&self) -> Paths {
        each!(self, provider => provider.paths())
    }

    #[inline]
    fn secrets(&self) -> Secrets {
        each!(self, provider => provider.secrets())
    }

    #[inline]
    fn submit_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> HttpRequest {
        each!(self, provider => provider.submit_request(endpoint, request, unix_ms))
    }

    #[inline]
    fn job_request(&self, endpoint: Endpoint, id: &JobId, unix_ms: u64) -> HttpRequest {
        each!(self, provider => provider.job_request(endpoint, id, unix_ms))
    }

    #[inline]
    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
        each!(self, provider => provider.read_submission(response, request, unix_ms))
    }

    #[inline]
    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job> {
        each!(self, provider => provider.read_job(response, unix_ms))
    }

    #[inline]
    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]) {
        each!(self, provider => provider.make_findable(request, nonce))
    }

    #[inline]
    fn lookup_request(&self, endpoint: Endpoint, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest> {
        each!(self, provider => provider.lookup_request(endpoint, request, unix_ms))
    }

    #[inline]
    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        each!(self, provider => provider.identifies(job, id))
    }

    #[inline]
    fn refreshable(&self, error: &Error) -> bool {
        each!(self, provider => provider.refreshable(error))
    }
}

/// A credential option given (even malformed) that the provider, which
/// takes `own`, does not: refused, naming the provider that takes it.
fn refuse_others_options(fields: &Fields, own: &[&str]) -> Result<()> {
    let others = AnyProvider::CREDENTIAL_OPTIONS.iter().filter(|key| !own.contains(key));
    let Some(key) = others.into_iter().find(|key| fields.string(key).map_or(true, |value| value.is_some())) else {
        return Ok(());
    };
    let owner = REGISTERED.iter().find(|(_, options)| options.contains(key)).map_or("", |(name, _)| name.as_str());
    Err(Error::invalid(key, &format!("is only used with provider \"{owner}\"")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::service::Service;
    use crate::client::testing::{job_id, kling, secret, trinetra};
    use crate::types::error::ErrorCode;
    use crate::types::job::Status;
    use crate::types::json::{Value, parse};
    use kling::KlingAuth;

    fn webhook(body: &str, provider: Option<ProviderName>) -> Result<Job> {
        parse_webhook(Raw::from_text(body.as_bytes(), &WEBHOOK).unwrap(), provider)
    }

    #[test]
    fn reads_a_trinetra_job_document() {
        let job =
            webhook(r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"u","type":"video"}]}}"#, None);
        assert_eq!(job.map(|j| (j.id, j.status)), Ok(("j1".into(), Status::Succeeded)));
    }

    #[test]
    fn reads_a_kling_callback_bare_or_in_an_envelope() {
        let bare = webhook(r#"{"task_id":"t1","task_status":"failed","task_status_msg":"policy"}"#, None).unwrap();
        assert_eq!((bare.id.as_str(), bare.status, bare.error.as_deref()), ("t1", Status::Failed, Some("policy")));
        let wrapped = webhook(r#"{"code":0,"data":{"task_id":"t2","task_status":"succeed"}}"#, None).unwrap();
        assert_eq!((wrapped.id.as_str(), wrapped.status), ("t2", Status::Succeeded));
    }

    #[test]
    fn reads_klings_newer_callback_and_its_test_callback_without_being_told() {
        let test = r#"{"id":"task_1","status":"submitted","outputs":[],"message":"","create_time":1,"update_time":1}"#;
        let job = webhook(test, None).unwrap();
        assert_eq!((job.id.as_str(), job.status), ("task_1", Status::Queued));
        let done = r#"{"id":"t","status":"succeeded","outputs":[{"type":"video","url":"u"}],"billing":[{"charge_type":"unit","amount":1}]}"#;
        assert_eq!(webhook(done, None).unwrap().to_owned().status, Status::Succeeded);
    }

    #[test]
    fn a_newer_callback_with_every_output_type_gives_exactly_its_video() {
        let body = r#"{"id":"t","status":"succeeded","external_id":"e","create_time":1,"update_time":2,"message":"",
            "outputs":[{"type":"image","url":"https://cdn.test/i.png"},{"type":"audio","mp3_url":"m","wav_url":"w"},
                {"type":"video","id":"v","url":"https://cdn.test/v.mp4","duration":5},{"type":"element","id":"e"},{"type":"voice","id":"o"}],
            "billing":[{"charge_type":"unit","amount":"1","package_type":"video"},
                {"charge_type":"cash","cash_type":"balance","amount":"0.14","currency":"USD","list_price":"0.14"}]}"#;
        let job = Value::from(webhook(body, None).unwrap()).to_json();
        let expected = r#"{"id":"t","model":"kling-extend-video","status":"succeeded","output":{"outputs":[{"url":"https://cdn.test/v.mp4","type":"video","id":"v","duration":5}]},"units_charged":1,"money_charged":{"amount":0.14,"currency":"USD"},"rawText":"#;
        assert!(job.starts_with(expected), "{job}");
        assert!(job.contains(r#"\"mp3_url\":\"m\""#), "the other outputs stay in raw");
    }

    #[test]
    fn a_trinetra_read_is_always_held_to_its_id() {
        let config = trinetra("k").config();
        let job = webhook(r#"{"id":"j2","status":"queued","task_info":{"external_task_id":"j1"}}"#, None).unwrap();
        assert!(!config.identifies(&job, &job_id("j1")), "it has no external ids");
        assert!(config.identifies(&job, &job_id("j2").issued()));
    }

    /// `items` of `lists`, in order, each once.
    fn union(lists: &[&[&'static str]]) -> Vec<&'static str> {
        let mut all = Vec::new();
        lists.iter().flat_map(|list| list.iter()).for_each(|item| {
            if !all.contains(item) {
                all.push(*item)
            }
        });
        all
    }

    #[test]
    fn the_registry_takes_the_options_of_every_provider_it_registers() {
        let credentials: Vec<&[&str]> = REGISTERED.iter().map(|(_, options)| *options).collect();
        assert_eq!(AnyProvider::CREDENTIAL_OPTIONS, union(&credentials));
        assert_eq!(AnyProvider::SECRET_OPTIONS, union(&[Trinetra::SECRET_OPTIONS, Kling::SECRET_OPTIONS]));
        let names: Vec<ProviderName> = REGISTERED.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, [ProviderName::Trinetra, ProviderName::Kling]);
    }

    #[test]
    fn a_credential_option_of_another_provider_is_refused_naming_it() {
        for (json, field) in [(r#"{"token":"t"}"#, "token"), (r#"{"apiKey":"k","secretKey":5}"#, "secretKey")] {
            let e = ClientConfig::from_value(&parse(json.as_bytes()).unwrap(), false);
            let e = e.unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{json}");
            assert_eq!(e.message, format!("{field} is only used with provider \"kling\""), "{json}");
        }
        let kling = r#"{"provider":"kling","apiKey":"k"}"#;
        assert!(ClientConfig::from_value(&parse(kling.as_bytes()).unwrap(), false).is_ok());
    }

    #[test]
    fn the_paths_a_proxy_serves_are_those_each_provider_requests() {
        let request = ExtendRequest::from_value(&parse(br#"{"video_id":"v"}"#).unwrap(), ProviderName::Trinetra);
        for config in [trinetra("k").config(), kling(KlingAuth::Token(secret("t"))).config()] {
            let paths = config.provider.paths();
            let submit = config.submit_request(request.as_ref().unwrap(), 0).url;
            assert_eq!(submit, format!("{}{}", config.base_url, paths.submit));
            let read = config.job_request(&job_id("j 1"), 0).url;
            assert_eq!(read, format!("{}{}/j%201", config.base_url, paths.jobs));
        }
    }

    #[test]
    fn anything_else_is_an_invalid_request() {
        for body in [r#"{}"#, r#"{"hello":"world"}"#, r#"[1]"#, r#"{"id":"j"}"#] {
            let e = webhook(body, None).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidRequest, Some("body")), "{body}");
        }
        assert!(webhook(r#"{"id":"j1","status":"queued"}"#, Some(ProviderName::Kling)).is_err());
    }
}
