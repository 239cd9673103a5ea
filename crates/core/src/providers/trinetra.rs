//! The Trinetra gateway: `X-API-Key`, plain JSON documents, HTTP status codes.
//!
//! ```
//! use kling_extend_core::client::service::Service;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::json::parse;
//!
//! let config = ClientConfig::from_value(&parse(br#"{"apiKey": "k"}"#).unwrap(), false)?;
//! let body = br#"{"id": "job_1", "status": "succeeded", "output": {"outputs": [{"url": "https://cdn.example/v.mp4"}]}}"#;
//! let answer = HttpResponse { status: 200, headers: vec![], body: body.to_vec() };
//! let job = config.read_job(&answer, 0)?;
//! assert_eq!(job.status, Status::Succeeded);
//! assert_eq!(job.output.unwrap().outputs[0].url, "https://cdn.example/v.mp4");
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

use super::common::{VIDEO, request, required_str, videos};
use crate::client::classify::{bad_body, describe_body, json_body, status_error};
use crate::client::environment::{Environment, TRINETRA_API_KEY};
use crate::client::options::{env_secret, secret};
use crate::client::provider::{Endpoint, Paths, Provider};
use crate::types::error::Result;
use crate::types::fields::Fields;
use crate::types::http::{HeaderValue, HttpRequest, HttpResponse, Method, Secret};
use crate::types::job::{Charge, Job, MODEL, Raw, Status, Submission};
use crate::types::job_id::JobId;
use crate::types::json::{self, Keep, Value};
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::request::ExtendRequest;

pub(crate) const BASE_URL: &str = "https://brahmand-api.bulletshorts.co";
const PATHS: Paths = Paths { submit: "/v1/video/kling-extend-video", jobs: "/v1/jobs" };

/// The gateway, with its API key; `None` when the base URL is a proxy that adds it.
///
/// ```
/// use kling_extend_core::client::provider::{Endpoint, Provider};
/// use kling_extend_core::providers::trinetra::Trinetra;
/// use kling_extend_core::types::http::Secret;
/// use kling_extend_core::types::job_id::JobId;
///
/// let gateway = Trinetra { api_key: Some(Secret::new("k".into())) };
/// let endpoint = Endpoint { base_url: gateway.default_base_url(), headers: &[] };
/// let read = gateway.job_request(endpoint, &JobId::new("job 1")?, 0);
/// assert_eq!(read.url, "https://brahmand-api.bulletshorts.co/v1/jobs/job%201");
/// assert_eq!(read.header("x-api-key"), Some("k"));
///
/// let proxied = Trinetra { api_key: None };
/// let endpoint = Endpoint { base_url: "https://proxy.example", headers: &[] };
/// assert_eq!(proxied.job_request(endpoint, &JobId::new("j")?, 0).header("x-api-key"), None);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Trinetra {
    /// Sent as `X-API-Key` with every request.
    pub api_key: Option<Secret>,
}

impl Provider for Trinetra {
    const CREDENTIAL_OPTIONS: &'static [&'static str] = &["apiKey"];
    const SECRET_OPTIONS: &'static [&'static str] = &["apiKey"];

    #[inline]
    fn from_options(fields: &Fields, env: Option<&Environment>) -> Result<Trinetra> {
        let api_key = match secret(fields, "apiKey")? {
            None => env.map_or(Ok(None), |env| env_secret(env, TRINETRA_API_KEY))?,
            given => given,
        };
        Ok(Trinetra { api_key })
    }

    fn name(&self) -> ProviderName {
        ProviderName::Trinetra
    }

    fn default_base_url(&self) -> &'static str {
        BASE_URL
    }

    fn has_credential(&self) -> bool {
        self.api_key.is_some()
    }

    fn credential_options(&self) -> &'static str {
        "apiKey"
    }

    fn credential_variables(&self) -> &'static str {
        TRINETRA_API_KEY
    }

    fn paths(&self) -> Paths {
        PATHS
    }

    fn secrets(&self) -> Secrets {
        Secrets::new(self.api_key.iter().map(|k| k.expose()), None)
    }

    fn submit_request(&self, endpoint: Endpoint, r: &ExtendRequest, _unix_ms: u64) -> HttpRequest {
        let text = |s: &Option<String>| s.clone().map(Value::String);
        let body = json::object([
            ("video_id", text(&r.video_id)),
            ("prompt", text(&r.prompt)),
            ("negative_prompt", text(&r.negative_prompt)),
            ("cfg_scale", r.cfg_scale.map(Value::Number)),
            ("callback_url", text(&r.callback_url)),
            ("resolution", r.resolution.map(|res| Value::String(res.as_str().into()))),
        ]);
        request(endpoint, Method::Post, PATHS.submit, self.credential(), Some(body))
    }

    fn job_request(&self, endpoint: Endpoint, id: &JobId, _unix_ms: u64) -> HttpRequest {
        // PATHS.jobs written out: as a second argument it costs the page
        // 0.1 KB brotli (a test holds the two together).
        request(endpoint, Method::Get, &format!("/v1/jobs/{}", id.segment()), self.credential(), None)
    }

    fn read_submission(&self, response: &HttpResponse, _request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
        read_submission(response, unix_ms)
    }

    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job> {
        read_job(response, unix_ms)
    }
}

impl Trinetra {
    fn credential(&self) -> Option<(&'static str, HeaderValue)> {
        self.api_key.as_ref().map(|key| ("x-api-key", HeaderValue::Secret(key.clone())))
    }
}

/// `202 {"job_id", "status"}`.
fn read_submission(response: &HttpResponse, now_ms: u64) -> Result<Submission> {
    let doc = success_body(response, now_ms)?;
    let job_id = doc.get("job_id").or(doc.get("id")).and_then(Value::as_str).filter(|s| !s.is_empty());
    let Some(job_id) = job_id else {
        return Err(bad_body(response, "no job_id in the answer"));
    };
    Ok(Submission {
        job_id: job_id.to_owned(),
        status: doc.get("status").and_then(Value::as_str).map_or(Status::Queued, Status::from_wire),
        provider: ProviderName::Trinetra,
        request_id: response.header("x-request-id").map(str::to_owned),
    })
}

/// What [`parse_job_document`] reads of a job document; the rest goes on as text.
const JOB: Keep = Keep::Members(&[
    ("id", Keep::All),
    ("model", Keep::All),
    ("status", Keep::All),
    ("error", Keep::All),
    ("output", Keep::Members(&[("outputs", Keep::Items(&VIDEO))])),
    ("credits_charged", Keep::All),
]);

fn read_job(response: &HttpResponse, now_ms: u64) -> Result<Job> {
    if !(200..300).contains(&response.status) {
        return Err(status_error(response, now_ms));
    }
    let raw = Raw::from_text(&response.body, &JOB).map_err(|_| bad_body(response, &describe_body(response, None)))?;
    parse_job_document(raw).map_err(|why| bad_body(response, why))
}

fn success_body(response: &HttpResponse, now_ms: u64) -> Result<Value> {
    if !(200..300).contains(&response.status) {
        return Err(status_error(response, now_ms));
    }
    json_body(response)
}

/// A job document (`GET /v1/jobs/{id}`, or a webhook body) → `Job`.
pub(crate) fn parse_job_document(raw: Raw) -> Result<Job, &'static str> {
    let doc = raw.read();
    let id = required_str(doc, "id", "a job document without an id")?;
    let status = required_str(doc, "status", "a job document without a status")?;
    Ok(Job {
        id: id.to_owned(),
        model: doc.get("model").and_then(Value::as_str).unwrap_or(MODEL).to_owned(),
        status: Status::from_wire(status),
        output: videos(doc.get("output").and_then(|o| o.get("outputs")), false)?,
        charged: doc.get("credits_charged").and_then(Value::as_f64).map(Charge::Credits),
        money_charged: None,
        error: failure_reason(doc),
        raw,
        webhook: None,
    })
}

/// The service's reason as it sent it: its data (a message quoting it
/// cleans and bounds it).
fn failure_reason(doc: &Value) -> Option<String> {
    let error = doc.get_present("error")?;
    error.as_str().or(error.get("message").and_then(Value::as_str)).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::service::Service;
    use crate::client::testing::{job_id, response, trinetra, trinetra_proxy};
    use crate::types::error::ErrorCode;
    use crate::types::json::parse;

    /// An answer as the gateway gives it, with its request id.
    fn ok(status: u16, body: &str) -> HttpResponse {
        response(status, &[("x-request-id", "req_1")], body)
    }

    #[test]
    fn builds_the_documented_submit() {
        let c = trinetra("k_1").base_url("http://127.0.0.1:8787").config();
        let r = ExtendRequest::from_value(
            &parse(br#"{"video_id":"kling_vid_xyz789","prompt":"the camera pulls back","cfg_scale":0.7}"#).unwrap(),
            ProviderName::Trinetra,
        )
        .unwrap();
        let http = c.submit_request(&r, 0);
        assert_eq!(http.method, Method::Post);
        assert_eq!(http.url, "http://127.0.0.1:8787/v1/video/kling-extend-video");
        assert_eq!(http.header("x-api-key"), Some("k_1"));
        assert_eq!(http.header("content-type"), Some("application/json"));
        let body = parse(br#"{"video_id":"kling_vid_xyz789","prompt":"the camera pulls back","cfg_scale":0.7}"#);
        assert_eq!(http.body, body.ok());
    }

    #[test]
    fn an_empty_callback_url_is_not_sent() {
        let r = ExtendRequest::from_value(
            &parse(br#"{"video_id":"v","callback_url":""}"#).unwrap(),
            ProviderName::Trinetra,
        );
        let http = trinetra("k").config().submit_request(&r.unwrap(), 0);
        assert_eq!(http.body.unwrap().to_json(), r#"{"video_id":"v"}"#);
    }

    #[test]
    fn a_proxy_base_url_sends_no_key() {
        let http = trinetra_proxy("https://proxy.example/api/").config().job_request(&job_id("job 1"), 0);
        assert_eq!(http.url, "https://proxy.example/api/v1/jobs/job%201");
        assert_eq!(http.header("x-api-key"), None);
    }

    #[test]
    fn reads_the_seed_documents() {
        let s = read_submission(&ok(202, r#"{"job_id":"job_klingextendvideo_a1b2c3","status":"queued"}"#), 0).unwrap();
        assert_eq!(
            (s.job_id.as_str(), s.status, s.request_id.as_deref()),
            ("job_klingextendvideo_a1b2c3", Status::Queued, Some("req_1"))
        );
        let job = read_job(
            &ok(
                200,
                r#"{"id":"job_1","model":"kling-extend-video","status":"succeeded",
                "output":{"outputs":[{"url":"https://cdn.test/a.mp4","type":"video"}]},"credits_charged":10}"#,
            ),
            0,
        )
        .unwrap();
        assert_eq!(job.status, Status::Succeeded);
        assert_eq!(job.output.unwrap().outputs[0].url, "https://cdn.test/a.mp4");
        assert_eq!(job.charged, Some(Charge::Credits(10.0)));
    }

    #[test]
    fn only_outputs_of_type_video_are_videos() {
        let body = r#"{"id":"j","status":"succeeded","output":{"outputs":[
            {"url":"https://cdn/p.jpg","type":"image"},{"url":"https://cdn/v.mp4","type":"video"},{"url":"https://cdn/u.mp4"}]}}"#;
        let job = read_job(&ok(200, body), 0).unwrap();
        let urls: Vec<&str> = job.output.as_ref().unwrap().outputs.iter().map(|v| v.url.as_str()).collect();
        assert_eq!(urls, ["https://cdn/v.mp4", "https://cdn/u.mp4"], "an untyped entry is a video, as the seed shows");
    }

    #[test]
    fn a_failed_job_carries_its_reason() {
        let job =
            read_job(&ok(200, r#"{"id":"j","status":"failed","error":{"message":"source rejected"}}"#), 0).unwrap();
        assert_eq!((job.status, job.error.as_deref()), (Status::Failed, Some("source rejected")));
    }

    #[test]
    fn malformed_documents_are_bad_responses() {
        for body in [
            "{\"id\": ",
            "<html></html>",
            "{}",
            r#"{"id":"j"}"#,
            r#"{"id":"j","status":"succeeded","output":{"outputs":{}}}"#,
        ] {
            let e = read_job(&ok(200, body), 0).unwrap_err();
            assert_eq!(e.code, ErrorCode::BadResponse, "{body}");
        }
        assert_eq!(read_submission(&ok(202, "{}"), 0).unwrap_err().code, ErrorCode::BadResponse);
    }
}
