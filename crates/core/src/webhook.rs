//! Standard Webhooks signatures: `webhook-signature: v1,<base64>` is
//! HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.{body}` under a `whsec_`
//! secret. Several signatures and several secrets are accepted, so keys can be
//! rotated without dropping deliveries.
//!
//! A receiver verifies a delivery first, then reads its body as a job
//! ([`crate::providers::parse_webhook`]), the secrets taken out of it:
//!
//! ```
//! use kling_extend_core::providers::{WEBHOOK, parse_webhook};
//! use kling_extend_core::types::job::{Raw, Status};
//! use kling_extend_core::webhook::{Signed, verify};
//!
//! let secrets = ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()];
//! let body = br#"{"id":"job_1","status":"succeeded"}"#;
//! let signed = Signed {
//!     id: "msg_1",
//!     timestamp: "1700000000",
//!     signature: "v1,lc43DJPf19p1aiUIf38JRGwyy+MbVzLQRuQHecR7t5o=",
//! };
//! let delivery = verify(body, &signed, &secrets, 1_700_000_060, 300)?;
//! let mut job = parse_webhook(Raw::from_text(body, &WEBHOOK).unwrap(), None)?;
//! job.webhook = Some(delivery);
//! assert_eq!((job.id.as_str(), job.status), ("job_1", Status::Succeeded));
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::job::Delivery;
use crate::types::json::Value;
use crate::types::provider::ProviderName;
use crate::types::redact::Secrets;
use crate::types::suggest;
use base64ct::{Base64, Encoding};
use hmac_sha256::HMAC;

/// How far a delivery's timestamp may be from now, either way (replays of an
/// old delivery, or a clock far ahead, are refused).
const DEFAULT_TOLERANCE_S: u64 = 300;

/// `parseWebhook` / `verifyWebhook` options.
///
/// ```
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::webhook::WebhookOptions;
///
/// let options = WebhookOptions::from_value(&parse(br#"{"provider": "kling", "toleranceSeconds": 60}"#).unwrap())?;
/// assert_eq!(options, WebhookOptions { provider: Some(ProviderName::Kling), tolerance_s: 60, now_s: None });
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WebhookOptions {
    /// Which service sent it; guessed from the body's shape when `None`.
    pub provider: Option<ProviderName>,
    /// How far a delivery's timestamp may be from now, either way, in
    /// seconds (`toleranceSeconds`, 0 to 86,400; 300 by default).
    pub tolerance_s: u64,
    /// "Now" for the timestamp check (tests, replays); the clock when `None`.
    pub now_s: Option<u64>,
}

impl WebhookOptions {
    /// The caller's options object; `null` or `undefined` options mean the
    /// defaults. An unknown option is refused, with the likely one named.
    ///
    /// ```
    /// use kling_extend_core::types::json::{Value, parse};
    /// use kling_extend_core::webhook::WebhookOptions;
    ///
    /// let defaults = WebhookOptions::from_value(&Value::Null)?;
    /// assert_eq!((defaults.provider, defaults.tolerance_s, defaults.now_s), (None, 300, None));
    /// let typo = WebhookOptions::from_value(&parse(br#"{"tolerance_seconds": 60}"#).unwrap()).unwrap_err();
    /// assert_eq!(typo.field.as_deref(), Some("tolerance_seconds"));
    /// assert!(typo.message.contains("toleranceSeconds"), "{}", typo.message);
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn from_value(options: &Value) -> Result<WebhookOptions> {
        let empty = Value::Object(Vec::new());
        let fields = Fields::of(if matches!(options, Value::Null) { &empty } else { options }, "options")?;
        const KNOWN: &[&str] = &["provider", "toleranceSeconds", "nowSeconds"];
        fields.deny_unknown(KNOWN, |key| Some(suggest::unknown("option", key, KNOWN)))?;
        Ok(WebhookOptions {
            provider: fields.provider()?,
            tolerance_s: fields.integer("toleranceSeconds", 0..=86_400)?.unwrap_or(DEFAULT_TOLERANCE_S),
            now_s: fields.integer("nowSeconds", 0..=100_000_000_000)?,
        })
    }
}

/// The three headers a signed delivery carries, as received; a missing
/// one is `""`.
///
/// ```
/// use kling_extend_core::webhook::{Signed, verify};
///
/// let unsigned = Signed { id: "msg_1", timestamp: "1700000000", signature: "" };
/// let refused = verify(b"{}", &unsigned, &["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()], 1_700_000_000, 300);
/// assert_eq!(refused.unwrap_err().field.as_deref(), Some("headers.webhook-signature"));
/// ```
pub struct Signed<'a> {
    /// `webhook-id`: the same for every retry of one message.
    pub id: &'a str,
    /// `webhook-timestamp`: Unix seconds when it was sent.
    pub timestamp: &'a str,
    /// `webhook-signature`: one or more `v1,<base64>`, space-separated.
    pub signature: &'a str,
}

/// Checks a delivery, in the order a reader would look: the headers are
/// there, the timestamp is recent, a signature matches. The error names the
/// header at fault and says which check failed. `secrets`: every
/// `whsec_` secret that may have signed it (two while one is rotated out);
/// `now_s`: Unix seconds now.
///
/// ```
/// use kling_extend_core::types::job::Delivery;
/// use kling_extend_core::webhook::{Signed, verify};
///
/// let body = br#"{"id":"job_1","status":"succeeded"}"#;
/// let signed = Signed {
///     id: "msg_1",
///     timestamp: "1700000000",
///     signature: "v1,lc43DJPf19p1aiUIf38JRGwyy+MbVzLQRuQHecR7t5o=",
/// };
/// let rotated = ["whsec_b2xkIHNlY3JldA==".to_owned(), "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned()];
/// let delivery = verify(body, &signed, &rotated, 1_700_000_100, 300)?;
/// assert_eq!(delivery, Delivery { id: "msg_1".into(), timestamp: 1_700_000_000 });
///
/// let tampered = verify(br#"{"id":"job_2","status":"succeeded"}"#, &signed, &rotated, 1_700_000_100, 300);
/// assert_eq!(tampered.unwrap_err().field.as_deref(), Some("headers.webhook-signature"));
/// let replayed = verify(body, &signed, &rotated, 1_700_000_400, 300).unwrap_err();
/// assert!(replayed.message.contains("the delivery is 400 s old"), "{}", replayed.message);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn verify(body: &[u8], signed: &Signed, secrets: &[String], now_s: u64, tolerance_s: u64) -> Result<Delivery> {
    for (name, value) in
        [("webhook-id", signed.id), ("webhook-timestamp", signed.timestamp), ("webhook-signature", signed.signature)]
    {
        if value.is_empty() {
            let why =
                "is missing: a Standard Webhooks delivery carries webhook-id, webhook-timestamp and webhook-signature";
            return Err(Error::invalid(&format!("headers.{name}"), why));
        }
    }
    let sent_at = parse_timestamp(signed.timestamp)?;
    if now_s.abs_diff(sent_at) > tolerance_s {
        let (away, way) = if sent_at < now_s { (now_s - sent_at, "old") } else { (sent_at - now_s, "in the future") };
        let why = format!(
            "failed the timestamp check: the delivery is {away} s {way}, past the tolerance of {tolerance_s} s (a replay, or a clock that is off)"
        );
        return Err(Error::invalid("headers.webhook-timestamp", &why));
    }
    let keys = secrets.iter().map(|s| key(s)).collect::<Result<Vec<_>>>()?;
    if keys.is_empty() {
        return Err(Error::invalid("secret", "is required"));
    }
    let offered: Vec<[u8; 32]> = signed
        .signature
        .split_ascii_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|encoded| Base64::decode_vec(encoded).ok()?.try_into().ok())
        .collect();
    if offered.is_empty() {
        return Err(Error::invalid("headers.webhook-signature", "failed the signature check: it has no v1 signature"));
    }
    let matched = keys.iter().any(|key| {
        let mut mac = HMAC::new(key);
        for part in [signed.id.as_bytes(), b".", signed.timestamp.as_bytes(), b".", body] {
            mac.update(part);
        }
        // The constant-time comparison of the crate, once per offered signature.
        offered.iter().any(|sig| mac.clone().finalize_verify(sig))
    });
    if !matched {
        let why = "failed the signature check: no signature matches the body, id and timestamp under the secret(s) \
                   (a wrong secret, or a body changed after it was signed)";
        return Err(Error::invalid("headers.webhook-signature", why));
    }
    Ok(Delivery { id: signed.id.to_owned(), timestamp: sent_at })
}

fn parse_timestamp(text: &str) -> Result<u64> {
    let digits = !text.is_empty() && text.len() <= 12 && text.bytes().all(|b| b.is_ascii_digit());
    match digits.then(|| text.parse::<u64>().ok()).flatten() {
        Some(seconds) => Ok(seconds),
        None => Err(Error::invalid("headers.webhook-timestamp", "must be Unix time in seconds")),
    }
}

/// The webhook secrets as credentials, to take out of the job a delivery
/// carries: each as given, and its key without the prefix.
///
/// ```
/// use kling_extend_core::webhook::credentials;
///
/// let secrets = credentials(&["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".into()]);
/// let echoed = secrets.scrub("signed with MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
/// assert_eq!(echoed.as_deref(), Some("signed with [redacted]"));
/// assert_eq!(secrets.scrub("nothing secret"), None);
/// ```
pub fn credentials(secrets: &[String]) -> Secrets {
    let words = secrets.iter().flat_map(|secret| [secret.as_str(), secret.strip_prefix("whsec_").unwrap_or(secret)]);
    Secrets::new(words, None)
}

/// The key bytes of a `whsec_<base64>` secret.
fn key(secret: &str) -> Result<Vec<u8>> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    Base64::decode_vec(encoded)
        .ok()
        .filter(|k| !k.is_empty())
        .ok_or_else(|| Error::invalid("secret", "must be a whsec_ secret (base64 after the prefix)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    const BODY: &[u8] = br#"{"id":"job_1","status":"succeeded"}"#;

    /// A signature made independently (Python: hmac, hashlib, base64).
    const SIGNATURE: &str = "v1,lc43DJPf19p1aiUIf38JRGwyy+MbVzLQRuQHecR7t5o=";

    fn signed<'a>(id: &'a str, timestamp: &'a str, signature: &'a str) -> Signed<'a> {
        Signed { id, timestamp, signature }
    }

    fn field(result: Result<Delivery>) -> String {
        result.unwrap_err().field.unwrap_or_default()
    }

    fn message(result: Result<Delivery>) -> String {
        result.unwrap_err().message
    }

    #[test]
    fn accepts_a_genuine_delivery_and_names_it() {
        let s = signed("msg_1", "1700000000", SIGNATURE);
        let delivery = verify(BODY, &s, &[SECRET.into()], 1_700_000_100, DEFAULT_TOLERANCE_S);
        assert_eq!(delivery, Ok(Delivery { id: "msg_1".into(), timestamp: 1_700_000_000 }));
    }

    #[test]
    fn says_which_check_failed() {
        let now = 1_700_000_000;
        let tampered = message(verify(b"{}", &signed("msg_1", "1700000000", SIGNATURE), &[SECRET.into()], now, 300));
        assert!(
            tampered.starts_with("headers.webhook-signature failed the signature check: no signature matches"),
            "{tampered}"
        );
        let stale = message(verify(BODY, &signed("msg_1", "1700000000", SIGNATURE), &[SECRET.into()], now + 400, 300));
        assert!(
            stale.starts_with("headers.webhook-timestamp failed the timestamp check: the delivery is 400 s old"),
            "{stale}"
        );
        let ahead = message(verify(BODY, &signed("msg_1", "1700000000", SIGNATURE), &[SECRET.into()], now - 301, 300));
        assert!(ahead.contains("is 301 s in the future"), "{ahead}");
        let missing = message(verify(BODY, &signed("msg_1", "1700000000", ""), &[SECRET.into()], now, 300));
        assert!(missing.starts_with("headers.webhook-signature is missing"), "{missing}");
    }

    #[test]
    fn refuses_tampering_with_the_body_or_the_id() {
        let s = signed("msg_1", "1700000000", SIGNATURE);
        assert_eq!(field(verify(b"{}", &s, &[SECRET.into()], 1_700_000_000, 300)), "headers.webhook-signature");
        let other_id = signed("msg_2", "1700000000", SIGNATURE);
        assert_eq!(field(verify(BODY, &other_id, &[SECRET.into()], 1_700_000_000, 300)), "headers.webhook-signature");
    }

    #[test]
    fn refuses_stale_and_future_timestamps() {
        let s = signed("msg_1", "1700000000", SIGNATURE);
        assert_eq!(field(verify(BODY, &s, &[SECRET.into()], 1_700_000_301, 300)), "headers.webhook-timestamp");
        assert_eq!(field(verify(BODY, &s, &[SECRET.into()], 1_699_999_699, 300)), "headers.webhook-timestamp");
        assert!(verify(BODY, &s, &[SECRET.into()], 1_700_000_300, 300).is_ok());
    }

    #[test]
    fn accepts_rotated_secrets_and_several_signatures() {
        let s = signed("msg_1", "1700000000", SIGNATURE);
        let rotated = ["whsec_b2xkIHNlY3JldA==".to_owned(), SECRET.to_owned()];
        assert!(verify(BODY, &s, &rotated, 1_700_000_000, 300).is_ok());
        let several = format!("v1,AAAA v2,ignored {SIGNATURE}");
        assert!(verify(BODY, &signed("msg_1", "1700000000", &several), &[SECRET.into()], 1_700_000_000, 300).is_ok());
        assert!(verify(BODY, &s, &["whsec_b2xkIHNlY3JldA==".into()], 1_700_000_000, 300).is_err());
    }

    #[test]
    fn malformed_headers_and_secrets_name_their_field() {
        let now = 1_700_000_000;
        assert_eq!(
            field(verify(BODY, &signed("", "1700000000", SIGNATURE), &[SECRET.into()], now, 300)),
            "headers.webhook-id"
        );
        assert_eq!(
            field(verify(BODY, &signed("m", "soon", SIGNATURE), &[SECRET.into()], now, 300)),
            "headers.webhook-timestamp"
        );
        assert_eq!(
            field(verify(BODY, &signed("m", "1700000000", "v2,abc"), &[SECRET.into()], now, 300)),
            "headers.webhook-signature"
        );
        assert_eq!(
            field(verify(BODY, &signed("m", "1700000000", SIGNATURE), &["whsec_!!".into()], now, 300)),
            "secret"
        );
        assert_eq!(field(verify(BODY, &signed("m", "1700000000", SIGNATURE), &[], now, 300)), "secret");
    }
}
