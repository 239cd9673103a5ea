//! `verify_webhook` and `parse_webhook`: deliveries signed here (HMAC-SHA256
//! and base64 by their crates, as tests/e2e/webhook.scenarios.js signs them
//! with Web Crypto) and the Standard Webhooks reference vector; every refusal
//! by the field the npm package names.

use base64ct::{Base64, Encoding};
use kling_extend_client::{
    parse_webhook, verify_webhook, ErrorCode, Provider, Status, VerifiedJob, WebhookDelivery, WebhookHeaders,
    WebhookOptions,
};
use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const KEY: &[u8] = b"webhook signing key for e2e";
const OLD_KEY: &[u8] = b"the key before the rotation";
const BODY: &str = r#"{"id":"job_hook_1","model":"kling-extend-video","status":"succeeded","credits_charged":190}"#;
const NOW: u64 = 1_763_600_000;

fn secret(key: &[u8]) -> String {
    format!("whsec_{}", Base64::encode_string(key))
}

fn sign(key: &[u8], id: &str, timestamp: &str, body: &str) -> String {
    let mac = hmac_sha256::HMAC::mac(format!("{id}.{timestamp}.{body}"), key);
    format!("v1,{}", Base64::encode_string(&mac))
}

fn headers(key: &[u8], id: &str, timestamp: u64, body: &str) -> WebhookHeaders {
    let timestamp = timestamp.to_string();
    WebhookHeaders::new(id, &timestamp, sign(key, id, &timestamp, body))
}

fn at(now: u64) -> WebhookOptions {
    WebhookOptions::default().now(UNIX_EPOCH + Duration::from_secs(now))
}

/// Verifies `body` as signed by `signed` under `secrets` at `now`.
fn verify(
    body: &str,
    signed: &WebhookHeaders,
    secrets: &[String],
    now: u64,
) -> Result<VerifiedJob, kling_extend_client::Error> {
    verify_webhook(body.as_bytes(), signed, secrets, at(now))
}

/// The field a refusal names, after checking it is one.
fn field<T: std::fmt::Debug>(result: Result<T, kling_extend_client::Error>) -> String {
    let error = result.unwrap_err();
    assert_eq!(error.code(), ErrorCode::InvalidRequest, "{error}");
    assert!(!error.is_retryable() && error.status().is_none() && error.job().is_none(), "{error:?}");
    error.field().unwrap_or_default().to_owned()
}

#[test]
fn a_genuine_delivery_gives_its_job_and_names_the_delivery() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let verified = verify(BODY, &signed, &[secret(KEY)], NOW).unwrap();
    assert_eq!((verified.job.id.as_str(), verified.job.status), ("job_hook_1", Status::Succeeded));
    assert_eq!(verified.job.credits_charged, Some(190.0));
    assert_eq!((verified.webhook.id.as_str(), verified.webhook.timestamp), ("msg_1", NOW));
    assert_eq!(verified.webhook.sent_at(), Some(UNIX_EPOCH + Duration::from_secs(NOW)));
    assert_eq!(verified.job.raw.as_str(), BODY, "raw keeps the body, byte for byte");
}

#[test]
fn the_standard_webhooks_reference_vector_passes_the_signature_check() {
    // The published example: its body is no job document, so a delivery
    // that passes every check stops at the body, by its name.
    let signed = WebhookHeaders::new(
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "1614265330",
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
    let body = r#"{"test": 2432232314}"#;
    for secret in ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"] {
        assert_eq!(field(verify(body, &signed, &[secret.to_owned()], 1_614_265_330)), "body", "{secret}");
    }
    let other = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSX".to_owned();
    assert_eq!(field(verify(body, &signed, &[other], 1_614_265_330)), "headers.webhook-signature");
}

#[test]
fn the_whsec_prefix_is_optional_and_a_malformed_secret_is_named() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let bare = Base64::encode_string(KEY);
    assert!(verify(BODY, &signed, &[bare], NOW).is_ok(), "the key's base64 alone");
    assert_eq!(field(verify(BODY, &signed, &["whsec_***".to_owned()], NOW)), "secret");
    assert_eq!(field(verify(BODY, &signed, &["whsec_".to_owned()], NOW)), "secret");
    assert_eq!(field(verify(BODY, &signed, &[] as &[String], NOW)), "secret");
}

#[test]
fn a_wrong_secret_a_tampered_body_or_another_id_fails_the_signature_check() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let wrong = verify(BODY, &signed, &[secret(OLD_KEY)], NOW).unwrap_err();
    assert_eq!(wrong.field(), Some("headers.webhook-signature"));
    assert!(wrong.to_string().contains("failed the signature check"), "{wrong}");
    let tampered = BODY.replace("190", "1");
    assert_eq!(field(verify(&tampered, &signed, &[secret(KEY)], NOW)), "headers.webhook-signature");
    let other_id = WebhookHeaders::new("msg_2", NOW.to_string(), sign(KEY, "msg_1", &NOW.to_string(), BODY));
    assert_eq!(field(verify(BODY, &other_id, &[secret(KEY)], NOW)), "headers.webhook-signature");
    assert!(verify(BODY, &signed, &[secret(KEY)], NOW).is_ok(), "the same delivery, untouched");
}

#[test]
fn a_timestamp_outside_the_tolerance_fails_the_timestamp_check() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let secrets = [secret(KEY)];
    assert_eq!(field(verify(BODY, &signed, &secrets, NOW + 301)), "headers.webhook-timestamp");
    assert_eq!(field(verify(BODY, &signed, &secrets, NOW - 301)), "headers.webhook-timestamp");
    assert!(verify(BODY, &signed, &secrets, NOW + 300).is_ok() && verify(BODY, &signed, &secrets, NOW - 300).is_ok());
    let stale = verify(BODY, &signed, &secrets, NOW + 900).unwrap_err().to_string();
    assert!(stale.contains("failed the timestamp check: the delivery is 900 s old"), "{stale}");
    let wider = at(NOW + 3000).tolerance(Duration::from_secs(3600));
    assert!(verify_webhook(BODY.as_bytes(), &signed, &secrets, wider).is_ok(), "a wider tolerance");
    let none = at(NOW + 1).tolerance(Duration::ZERO);
    assert_eq!(field(verify_webhook(BODY.as_bytes(), &signed, &secrets, none)), "headers.webhook-timestamp");
}

#[test]
fn the_system_clock_is_now_by_default() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let fresh = headers(KEY, "msg_now", now, BODY);
    let secrets = [secret(KEY)];
    assert!(verify_webhook(BODY.as_bytes(), &fresh, &secrets, WebhookOptions::default()).is_ok());
    let old = headers(KEY, "msg_old", NOW, BODY);
    let refused = verify_webhook(BODY.as_bytes(), &old, &secrets, WebhookOptions::default());
    assert_eq!(field(refused), "headers.webhook-timestamp", "signed in 2025, checked now");
}

#[test]
fn several_signatures_and_rotated_secrets_are_accepted() {
    let old = headers(OLD_KEY, "msg_1", NOW, BODY);
    assert!(verify(BODY, &old, &[secret(KEY), secret(OLD_KEY)], NOW).is_ok(), "the old key still listed");
    assert_eq!(field(verify(BODY, &old, &[secret(KEY)], NOW)), "headers.webhook-signature");
    let current = sign(KEY, "msg_1", &NOW.to_string(), BODY);
    let old_signature = sign(OLD_KEY, "msg_1", &NOW.to_string(), BODY);
    let both = WebhookHeaders::new("msg_1", NOW.to_string(), format!("v1,AAAA {old_signature} v2,ignored {current}"));
    assert!(verify(BODY, &both, &[secret(KEY)], NOW).is_ok(), "several signatures, one good");
}

#[test]
fn missing_and_malformed_headers_are_named() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let good = sign(KEY, "msg_1", &NOW.to_string(), BODY);
    let secrets = [secret(KEY)];
    let ts = NOW.to_string();
    for (bag, named) in [
        (WebhookHeaders::new("", &ts, &good), "headers.webhook-id"),
        (WebhookHeaders::new("msg_1", "", &good), "headers.webhook-timestamp"),
        (WebhookHeaders::new("msg_1", "yesterday", &good), "headers.webhook-timestamp"),
        (WebhookHeaders::new("msg_1", &ts, ""), "headers.webhook-signature"),
        (WebhookHeaders::new("msg_1", &ts, "v2,abc"), "headers.webhook-signature"),
    ] {
        assert_eq!(field(verify(BODY, &bag, &secrets, NOW)), named, "{bag:?}");
    }
    // Read from any header map by lower-case name; an absent one is missing.
    let received: HashMap<&str, String> =
        HashMap::from([("webhook-id", "msg_1".to_owned()), ("webhook-timestamp", ts)]);
    let unsigned = WebhookHeaders::from_fn(|name| received.get(name).cloned());
    let missing = verify(BODY, &unsigned, &secrets, NOW).unwrap_err();
    assert_eq!(missing.field(), Some("headers.webhook-signature"));
    assert!(missing.to_string().starts_with("invalid_request: headers.webhook-signature is missing"), "{missing}");
    assert!(verify(BODY, &signed, &secrets, NOW).is_ok());
}

#[test]
fn a_signed_body_that_is_not_json_is_named_raw_body() {
    let garbage = "<html>not json</html>";
    let signed = headers(KEY, "msg_1", NOW, garbage);
    assert_eq!(field(verify(garbage, &signed, &[secret(KEY)], NOW)), "rawBody");
}

#[test]
fn options_are_refused_by_their_js_names() {
    let signed = headers(KEY, "msg_1", NOW, BODY);
    let secrets = [secret(KEY)];
    let check = |options: WebhookOptions| field(verify_webhook(BODY.as_bytes(), &signed, &secrets, options));
    assert_eq!(check(at(NOW).tolerance(Duration::from_secs(86_401))), "toleranceSeconds");
    assert_eq!(check(at(NOW).tolerance(Duration::from_millis(1500))), "toleranceSeconds");
    assert_eq!(check(WebhookOptions::default().now(UNIX_EPOCH - Duration::from_secs(1))), "nowSeconds");
    // A time within a second is that second, as JS's clock gives it.
    assert!(verify_webhook(
        BODY.as_bytes(),
        &signed,
        &secrets,
        at(NOW).now(UNIX_EPOCH + Duration::from_millis(NOW * 1000 + 999))
    )
    .is_ok());
}

#[test]
fn the_secrets_are_taken_out_of_the_job_and_never_told() {
    let key_text = Base64::encode_string(KEY);
    let body = format!(r#"{{"id":"job_leak","status":"failed","error":"bad key {key_text}"}}"#);
    let signed = headers(KEY, "msg_1", NOW, &body);
    let verified = verify(&body, &signed, &[secret(KEY)], NOW).unwrap();
    let shown = format!("{verified:?} {}", serde_json::to_string(&verified).unwrap());
    assert!(!shown.contains(&key_text), "{shown}");
    assert_eq!(verified.job.status, Status::Failed);
    // A refusal says which check failed, never with the secret in it.
    let wrong = verify(BODY, &headers(KEY, "msg_1", NOW, BODY), &[secret(OLD_KEY)], NOW).unwrap_err();
    let told = format!("{wrong} {wrong:?}");
    assert!(!told.contains(&secret(OLD_KEY)) && !told.contains(&Base64::encode_string(OLD_KEY)), "{told}");
}

const KLING_TASK: &str = r#"{"task_id":"task_k1","task_status":"succeed","task_status_msg":"","created_at":1763600000000,"updated_at":1763600100000,"final_unit_deduction":"3.5","final_balance_deduction":{"quota":"0.49","list_price":"0.49"},"task_info":{"external_task_id":"ke-1"},"task_result":{"videos":[{"id":"vid_k1","url":"https://cdn.test/k1.mp4","duration":"10"}]}}"#;

#[test]
fn kling_s_signed_callbacks_are_verified_and_read() {
    let key = b"kling console webhook secret e2e";
    let signed = headers(key, "msg_task_k1", NOW, KLING_TASK);
    let verified = verify(KLING_TASK, &signed, &[secret(key)], NOW).unwrap();
    let job = &verified.job;
    assert_eq!(
        (job.id.as_str(), job.status, job.units_charged, job.credits_charged),
        ("task_k1", Status::Succeeded, Some(3.5), None)
    );
    assert_eq!(job.money_charged.as_ref().map(|money| (money.amount, money.currency.clone())), Some((0.49, None)));
    let video = &job.output.as_ref().unwrap().outputs[0];
    assert_eq!(
        (video.url.as_str(), video.id.as_deref(), video.duration),
        ("https://cdn.test/k1.mp4", Some("vid_k1"), Some(10.0))
    );
    let as_trinetra = at(NOW).provider(Provider::Trinetra);
    assert_eq!(field(verify_webhook(KLING_TASK.as_bytes(), &signed, &[secret(key)], as_trinetra)), "body");
}

#[test]
fn a_verified_job_serialises_as_the_npm_package_s() {
    let signed = headers(KEY, "msg_replay_1", NOW, BODY);
    let verified = verify(BODY, &signed, &[secret(KEY)], NOW).unwrap();
    let value = serde_json::to_value(&verified).unwrap();
    assert_eq!(value["id"], "job_hook_1");
    assert_eq!(value["webhook"], serde_json::json!({ "id": "msg_replay_1", "timestamp": NOW }));
    assert_eq!(serde_json::from_value::<VerifiedJob>(value).unwrap(), verified);
    let delivery: WebhookDelivery = serde_json::from_str(r#"{"id":"m","timestamp":5}"#).unwrap();
    assert_eq!(delivery.sent_at(), Some(UNIX_EPOCH + Duration::from_secs(5)));
}

#[test]
fn parse_webhook_reads_either_service_s_body_and_refuses_the_rest() {
    let trinetra = parse_webhook(BODY.as_bytes(), WebhookOptions::default()).unwrap();
    assert_eq!((trinetra.id.as_str(), trinetra.status), ("job_hook_1", Status::Succeeded));
    let callback = r#"{"task_id":"task_9","task_status":"succeed","task_result":{"videos":[{"id":"vid_9","url":"https://cdn.test/9.mp4","duration":"10.1"}]}}"#;
    let kling = parse_webhook(callback.as_bytes(), WebhookOptions::default()).unwrap();
    assert_eq!(kling.output.unwrap().outputs[0].duration, Some(10.1));
    let envelope = format!(r#"{{"code":0,"data":{callback}}}"#);
    assert_eq!(parse_webhook(envelope.as_bytes(), WebhookOptions::default()).unwrap().id, "task_9");
    for bad in ["not json", "{}", r#"{"hello":"world"}"#, "7"] {
        assert_eq!(field(parse_webhook(bad.as_bytes(), WebhookOptions::default())), "body", "{bad}");
    }
    let forced = WebhookOptions::default().provider(Provider::Kling);
    assert_eq!(field(parse_webhook(BODY.as_bytes(), forced)), "body");
    let refused = WebhookOptions::default().tolerance(Duration::from_secs(100_000));
    assert_eq!(field(parse_webhook(BODY.as_bytes(), refused)), "toleranceSeconds", "options are checked as in JS");
}
