//! The services behind the one API. Each provider turns the core's requests
//! into its own HTTP shape and its documents back into the contract's types;
//! this module picks the provider from the config.

mod common;
pub mod kling;
mod trinetra;

use crate::core::client::options::{ClientConfig, Limits, Provider};
use crate::core::client::service::Service;
use crate::core::types::error::{Error, Result};
use crate::core::types::http::{HttpRequest, HttpResponse};
use crate::core::types::job::{Job, Raw, Submission};
use crate::core::types::job_id::JobId;
use crate::core::types::json::Keep;
use crate::core::types::provider::ProviderName;
use crate::core::types::redact::Secrets;
use crate::core::types::request::ExtendRequest;

/// What is read of a webhook body, whichever service sent it: Trinetra's
/// job document, Kling's task document (bare, or an envelope's `data`) or
/// its newer document. The rest goes on as text.
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
/// by [`WEBHOOK`], or a caller's object.
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

impl Service for ClientConfig {
    fn provider(&self) -> ProviderName {
        self.provider.name()
    }

    fn submit_request(&self, request: &ExtendRequest, unix_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::submit_request(self, api_key.as_ref(), request),
            Provider::Kling { auth } => kling::submit_request(self, auth, request, unix_ms),
        }
    }

    fn job_request(&self, id: &JobId, unix_ms: u64) -> HttpRequest {
        match &self.provider {
            Provider::Trinetra { api_key } => trinetra::job_request(self, api_key.as_ref(), id),
            Provider::Kling { auth } => kling::job_request(self, auth, id, unix_ms),
        }
    }

    fn read_submission(&self, response: &HttpResponse, request: &ExtendRequest, unix_ms: u64) -> Result<Submission> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_submission(response, unix_ms),
            Provider::Kling { .. } => kling::read_submission(response, request, unix_ms),
        }
    }

    fn read_job(&self, response: &HttpResponse, unix_ms: u64) -> Result<Job> {
        match &self.provider {
            Provider::Trinetra { .. } => trinetra::read_job(response, unix_ms),
            Provider::Kling { .. } => kling::read_job(response, unix_ms),
        }
    }

    fn limits(&self) -> Limits {
        self.limits
    }

    fn in_page(&self) -> bool {
        self.in_page
    }

    fn secrets(&self) -> Secrets {
        let mut secrets = match &self.provider {
            Provider::Trinetra { api_key } => Secrets::new(api_key.iter().map(|k| k.expose()), None),
            Provider::Kling { auth } => kling::secrets(auth),
        };
        self.header_credentials().for_each(|credential| secrets.add(credential));
        secrets
    }

    fn make_findable(&self, request: &mut ExtendRequest, nonce: [u8; 16]) {
        if let Provider::Kling { .. } = self.provider {
            request.external_task_id.get_or_insert_with(|| kling::external_task_id(nonce));
        }
    }

    fn lookup_request(&self, request: &ExtendRequest, unix_ms: u64) -> Option<HttpRequest> {
        match &self.provider {
            Provider::Trinetra { .. } => None,
            Provider::Kling { auth } => kling::lookup_request(self, auth, request, unix_ms),
        }
    }

    fn identifies(&self, job: &Job, id: &JobId) -> bool {
        match self.provider {
            Provider::Trinetra { .. } => job.id == id.as_str(),
            Provider::Kling { .. } => kling::identifies(job, id),
        }
    }

    fn refreshable(&self, error: &Error) -> bool {
        match &self.provider {
            Provider::Trinetra { .. } => false,
            Provider::Kling { auth } => kling::refreshable(auth, error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::testing::{job_id, trinetra};
    use crate::core::types::error::ErrorCode;
    use crate::core::types::job::Status;
    use crate::core::types::json::Value;

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

    #[test]
    fn anything_else_is_an_invalid_request() {
        for body in [r#"{}"#, r#"{"hello":"world"}"#, r#"[1]"#, r#"{"id":"j"}"#] {
            let e = webhook(body, None).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidRequest, Some("body")), "{body}");
        }
        assert!(webhook(r#"{"id":"j1","status":"queued"}"#, Some(ProviderName::Kling)).is_err());
    }
}
