//! Credentials out of everything handed to a caller, and nothing else.
//!
//! A service that echoes the key, or a token the client signed, in a
//! message, a request id or a job document must not show it to whoever reads
//! the result, the error or a log of either. Everything else the service
//! sends is its data: a signed CDN URL carries a JWT, an id may contain a
//! short key's letters. So only the [`Secrets`] a client or proxy holds are
//! removed, each matched as a whole token, never inside a longer word or id;
//! a JWT is removed only when it verifies with the secret key held.

use crate::core::types::error::Error;
use crate::core::types::job::{Job, Output, Submission};
use crate::core::types::json::Value;
use base64ct::{Base64UrlUnpadded, Encoding};
use hmac_sha256::HMAC;
use std::fmt;
use std::ops::Range;

const REDACTED: &str = "[redacted]";
/// An HS256 signature in base64url: 32 bytes, 43 characters.
const HS256_SIGNATURE_CHARS: usize = 43;

/// What must never reach a caller: the credentials held (keys, tokens),
/// and the key that signs JWTs (Kling's secret key), whose tokens are
/// credentials too, whoever minted them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secrets {
    /// Non-empty, each once.
    words: Vec<String>,
    signing_key: Option<String>,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secrets({} words, signing key: {})", self.words.len(), self.signing_key.is_some())
    }
}

impl Secrets {
    /// `words`: each credential held (empty ones are ignored);
    /// `signing_key`: the secret that signs the JWTs the client sends.
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>, signing_key: Option<&str>) -> Secrets {
        let mut secrets = Secrets { words: Vec::new(), signing_key: signing_key.map(str::to_owned) };
        words.into_iter().for_each(|word| secrets.add(word));
        secrets
    }

    /// One more credential (a token signed for one request, say).
    pub fn add(&mut self, word: &str) {
        if !word.is_empty() && !self.words.iter().any(|w| w == word) {
            self.words.push(word.to_owned());
        }
    }

    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.signing_key.is_none()
    }

    /// `text` with every credential replaced, or `None` when it holds none.
    pub fn scrub(&self, text: &str) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let mut found: Vec<Range<usize>> = self.words.iter().flat_map(|word| whole_matches(text, word)).collect();
        if let Some(key) = &self.signing_key {
            found.extend(jwt_candidates(text).filter(|range| signed_with(&text[range.clone()], key)));
        }
        if found.is_empty() {
            return None;
        }
        found.sort_by_key(|range| range.start);
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for range in found {
            if range.start >= copied {
                out.push_str(&text[copied..range.start]);
                out.push_str(REDACTED);
                copied = range.end;
            } else if range.end > copied {
                // Overlapping credentials: the replacement already covers the start.
                copied = range.end;
            }
        }
        out.push_str(&text[copied..]);
        Some(out)
    }
}

/// Letters, digits, `_` and `-`: what ids and keys are made of.
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '-'
}

/// Whether the characters `before` (nearest first) end a token: a word
/// character continues it, and so does a dot that follows one (`v1.key`,
/// `key.mp4`), while a dot that ends a sentence does not.
fn is_boundary(mut beside: impl Iterator<Item = char>) -> bool {
    match beside.next() {
        None => true,
        Some('.') => !beside.next().is_some_and(is_word),
        Some(c) => !is_word(c),
    }
}

/// Where `word` stands in `text` as a whole token.
fn whole_matches<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = Range<usize>> + 'a {
    text.match_indices(word)
        .map(|(at, _)| at..at + word.len())
        .filter(|range| is_boundary(text[..range.start].chars().rev()) && is_boundary(text[range.end..].chars()))
}

/// Every whole token of `text` shaped as a JWT: a run of base64url
/// characters and dots (trailing dots aside) in three parts, the first a
/// JSON object's encoding (`eyJ`), the last an HS256 signature's length.
fn jwt_candidates(text: &str) -> impl Iterator<Item = Range<usize>> + '_ {
    let is_token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    let mut rest = 0;
    std::iter::from_fn(move || {
        while rest < text.len() {
            let start = rest + text[rest..].find(is_token)?;
            let end = text[start..].find(|c| !is_token(c)).map_or(text.len(), |len| start + len);
            rest = end;
            let token = text[start..end].trim_matches('.');
            let start = start + text[start..end].find(|c| c != '.').unwrap_or(0);
            let mut parts = token.split('.');
            let shaped = matches!(
                (parts.next(), parts.next(), parts.next(), parts.next()),
                (Some(header), Some(payload), Some(signature), None)
                    if header.starts_with("eyJ") && !payload.is_empty() && signature.len() == HS256_SIGNATURE_CHARS
            );
            if shaped {
                return Some(start..start + token.len());
            }
        }
        None
    })
}

/// Whether `token` (`header.payload.signature`) is signed with `key` (HS256).
fn signed_with(token: &str, key: &str) -> bool {
    let Some((input, signature)) = token.rsplit_once('.') else { return false };
    let Ok(signature) = Base64UrlUnpadded::decode_vec(signature) else { return false };
    let Ok(signature) = <[u8; 32]>::try_from(signature) else { return false };
    let mut mac = HMAC::new(key.as_bytes());
    mac.update(input.as_bytes());
    // The crate's constant-time comparison.
    mac.finalize_verify(&signature)
}

/// Something handed to a caller, with every credential taken out.
pub trait Redact {
    fn redact(&mut self, secrets: &Secrets);

    /// `self`, redacted.
    fn redacted(mut self, secrets: &Secrets) -> Self
    where
        Self: Sized,
    {
        self.redact(secrets);
        self
    }
}

impl Redact for String {
    fn redact(&mut self, secrets: &Secrets) {
        if let Some(scrubbed) = secrets.scrub(self) {
            *self = scrubbed;
        }
    }
}

impl<T: Redact> Redact for Option<T> {
    fn redact(&mut self, secrets: &Secrets) {
        if let Some(inner) = self {
            inner.redact(secrets);
        }
    }
}

impl<T: Redact> Redact for Vec<T> {
    fn redact(&mut self, secrets: &Secrets) {
        self.iter_mut().for_each(|item| item.redact(secrets));
    }
}

impl<T: Redact> Redact for Box<T> {
    fn redact(&mut self, secrets: &Secrets) {
        (**self).redact(secrets);
    }
}

/// Every string and key, however deep.
impl Redact for Value {
    fn redact(&mut self, secrets: &Secrets) {
        if secrets.is_empty() {
            return;
        }
        match self {
            Value::String(text) => text.redact(secrets),
            Value::Array(items) => items.redact(secrets),
            Value::Object(members) => {
                for (key, item) in members {
                    key.redact(secrets);
                    item.redact(secrets);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

impl Redact for Job {
    fn redact(&mut self, secrets: &Secrets) {
        self.id.redact(secrets);
        self.model.redact(secrets);
        self.error.redact(secrets);
        self.raw.redact(secrets);
        if let Some(Output { outputs }) = &mut self.output {
            for video in outputs {
                video.url.redact(secrets);
                video.id.redact(secrets);
            }
        }
    }
}

impl Redact for Submission {
    fn redact(&mut self, secrets: &Secrets) {
        self.job_id.redact(secrets);
        self.request_id.redact(secrets);
    }
}

impl Redact for Error {
    fn redact(&mut self, secrets: &Secrets) {
        self.message.redact(secrets);
        self.request_id.redact(secrets);
        self.field.redact(secrets);
        self.job.redact(secrets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::types::json::parse;

    fn scrubbed(text: &str, secrets: &Secrets) -> String {
        text.to_owned().redacted(secrets)
    }

    #[test]
    fn every_string_and_key_loses_the_secret() {
        let mut value = parse(br#"{"error":"key k-123 is suspended","raw":{"k-123":["x k-123 y",1]}}"#).unwrap();
        value.redact(&Secrets::new(["k-123", ""], None));
        assert_eq!(
            value.to_json(),
            r#"{"error":"key [redacted] is suspended","raw":{"[redacted]":["x [redacted] y",1]}}"#
        );
    }

    #[test]
    fn a_secret_is_matched_only_as_a_whole_token() {
        let key1 = Secrets::new(["key1"], None);
        for data in ["job_key1_a7", "key1x", "xkey1", "job-key1-a7", "v1.key1.mp4", "é key1é"] {
            assert_eq!(scrubbed(data, &key1), data, "inside a longer word or id");
        }
        for (text, expected) in [
            ("key1", "[redacted]"),
            ("bad key key1.", "bad key [redacted]."),
            ("https://x/v?token=key1&a=1", "https://x/v?token=[redacted]&a=1"),
            ("/key1/", "/[redacted]/"),
            ("\"key1\"", "\"[redacted]\""),
            ("key1 key1key1 key1", "[redacted] key1key1 [redacted]"),
        ] {
            assert_eq!(scrubbed(text, &key1), expected, "{text}");
        }
        let short = Secrets::new(["a"], None);
        assert_eq!(scrubbed("a blocked port", &short), "[redacted] blocked port");
        assert_eq!(scrubbed("the blocked port", &short), "the blocked port");
    }

    #[test]
    fn overlapping_secrets_are_each_removed() {
        let secrets = Secrets::new(["ab-cd", "cd"], None);
        assert_eq!(scrubbed("x ab-cd cd y", &secrets), "x [redacted] [redacted] y");
    }

    #[test]
    fn a_jwt_is_removed_only_when_it_verifies_with_the_key_held() {
        let ours = crate::providers::kling::jwt::sign("ak", "sk-secret", 1_700_000_000);
        let theirs = crate::providers::kling::jwt::sign("cdn", "another-key", 1_700_000_000);
        let secrets = Secrets::new([], Some("sk-secret"));
        let text = format!("bad token {ours}. https://cdn.example/{theirs}/v.mp4?token={theirs}");
        let expected = format!("bad token [redacted]. https://cdn.example/{theirs}/v.mp4?token={theirs}");
        assert_eq!(scrubbed(&text, &secrets), expected);
        assert_eq!(scrubbed(&format!("Bearer {ours}"), &Secrets::new([], None)), format!("Bearer {ours}"));
        assert_eq!(scrubbed(&format!("x{ours}"), &secrets), format!("x{ours}"), "inside a longer word");
    }

    #[test]
    fn without_secrets_nothing_is_touched() {
        let text = "eyJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJhIn0.c2ln-_ and anything";
        assert_eq!(Secrets::default().scrub(text), None);
        assert_eq!(Secrets::new(["zzz"], Some("k")).scrub(text), None);
    }

    #[test]
    fn work_stays_linear_in_the_text() {
        let secrets = Secrets::new(["aa"], Some("k"));
        for text in ["eyJ".repeat(200_000), "a".repeat(600_000), "eyJ.".repeat(150_000), "a.".repeat(300_000)] {
            let started = std::time::Instant::now();
            assert_eq!(secrets.scrub(&text), None);
            assert!(started.elapsed().as_secs() < 2, "{} chars took {:?}", text.len(), started.elapsed());
        }
    }
}
