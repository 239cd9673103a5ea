//! Kling's bearer token: an HS256 JWT with `iss` = access key, valid from five
//! seconds ago (clock skew) for 30 minutes, signed with the secret key.
//! A server mints one for a page, which then holds no key (`signKlingToken`).
//!
//! ```
//! use kling_extend_core::providers::kling::jwt::sign_checked;
//!
//! let token = sign_checked(Some("ak".into()), Some("sk".into()), 1_700_000_000.0)?;
//! let parts: Vec<&str> = token.split('.').collect();
//! assert_eq!(parts.len(), 3, "header, payload, signature");
//! assert_eq!(parts[0], "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"); // {"alg":"HS256","typ":"JWT"}
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

use crate::types::error::Error;
use crate::types::json::object;
use base64ct::{Base64UrlUnpadded, Encoding};
use hmac_sha256::HMAC;

const LIFETIME_S: u64 = 1800;
const SKEW_S: u64 = 5;

/// `base64url(header).base64url(payload).base64url(signature)`.
pub(crate) fn sign(access_key: &str, secret_key: &str, now_s: u64) -> String {
    let header = Base64UrlUnpadded::encode_string(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = object([
        ("iss", Some(access_key.into())),
        ("exp", Some((now_s + LIFETIME_S).into())),
        ("nbf", Some(now_s.saturating_sub(SKEW_S).into())),
    ])
    .to_json();
    let signing_input = format!("{header}.{}", Base64UrlUnpadded::encode_string(payload.as_bytes()));
    let signature = HMAC::mac(signing_input.as_bytes(), secret_key.as_bytes());
    format!("{signing_input}.{}", Base64UrlUnpadded::encode_string(&signature))
}

/// A token for `access_key`, signed with `secret_key` at `now_s` (Unix
/// seconds), from arguments not yet checked (`signKlingToken`'s): a
/// missing or empty key, or a time that is no Unix time, is refused by name.
///
/// ```
/// use kling_extend_core::providers::kling::jwt::sign_checked;
///
/// let token = sign_checked(Some("ak_test".into()), Some("sk_test".into()), 1_700_000_000.0)?;
/// assert_eq!(
///     token,
///     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
///      eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9.\
///      eDa_F6Qhv7yHoYstKBIL6uubYWDLHLekl_49ClsUCf4"
/// );
/// let no_secret = sign_checked(Some("ak_test".into()), Some(String::new()), 0.0).unwrap_err();
/// assert_eq!(no_secret.field.as_deref(), Some("secretKey"));
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub fn sign_checked(access_key: Option<String>, secret_key: Option<String>, now_s: f64) -> Result<String, Error> {
    let key = |value: Option<String>, field: &str| {
        value.filter(|k| !k.is_empty()).ok_or_else(|| Error::invalid(field, "must be a non-empty string"))
    };
    if !(0.0..1e11).contains(&now_s) {
        return Err(Error::invalid("nowSeconds", "must be a non-negative number of seconds"));
    }
    Ok(sign(&key(access_key, "accessKey")?, &key(secret_key, "secretKey")?, now_s as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Verified independently with Python's `hmac`, `hashlib` and `base64`:
    /// the same header and payload bytes, HMAC-SHA256 under the secret.
    #[test]
    fn signs_a_known_vector() {
        let token = sign("ak_test", "sk_test", 1_700_000_000);
        assert_eq!(
            token,
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.\
             eyJpc3MiOiJha190ZXN0IiwiZXhwIjoxNzAwMDAxODAwLCJuYmYiOjE2OTk5OTk5OTV9.\
             eDa_F6Qhv7yHoYstKBIL6uubYWDLHLekl_49ClsUCf4"
        );
    }

    #[test]
    fn unchecked_arguments_are_refused_by_name() {
        assert_eq!(
            sign_checked(Some("ak_test".into()), Some("sk_test".into()), 1_700_000_000.9),
            Ok(sign("ak_test", "sk_test", 1_700_000_000))
        );
        assert_eq!(sign_checked(None, Some("s".into()), 0.0).unwrap_err().field.as_deref(), Some("accessKey"));
        assert_eq!(
            sign_checked(Some("a".into()), Some(String::new()), 0.0).unwrap_err().field.as_deref(),
            Some("secretKey")
        );
        assert_eq!(
            sign_checked(Some("a".into()), Some("s".into()), f64::NAN).unwrap_err().field.as_deref(),
            Some("nowSeconds")
        );
    }
}
