//! Credentials out of everything handed to a caller, and nothing else.
//!
//! A service that echoes the key, or a token the client signed, in a
//! message, a request id or a job document must not show it to whoever reads
//! the result, the error or a log of either. Everything else the service
//! sends is its data: a signed CDN URL carries a JWT, an id may contain a
//! short key's letters. So only the [`Secrets`] a client or proxy holds are
//! removed, each matched as a whole token, never inside a longer word or id;
//! a JWT is removed only when it verifies with the secret key held.
//!
//! ```
//! use kling_extend_core::types::error::Error;
//! use kling_extend_core::types::redact::{Redact, Secrets};
//!
//! let secrets = Secrets::new(["sk_live_123"], None);
//! let error = Error::invalid("request", "was refused: key sk_live_123 is suspended").redacted(&secrets);
//! assert_eq!(error.message, "request was refused: key [redacted] is suspended");
//! ```

use crate::types::error::Error;
use crate::types::job::{Job, Output, RAW_TEXT, Raw, Submission};
use crate::types::json::{self, Keep, Value};
use base64ct::{Base64UrlUnpadded, Encoding};
use hmac_sha256::HMAC;
use std::fmt;
use subtle::ConstantTimeEq;

const REDACTED: &str = "[redacted]";
/// An HS256 signature in base64url: 32 bytes, 43 characters.
const HS256_SIGNATURE_CHARS: usize = 43;

/// What must never reach a caller: the credentials held (keys, tokens),
/// and the key that signs JWTs (Kling's secret key), whose tokens are
/// credentials too, whoever minted them.
///
/// Its `Debug` counts what it holds and shows none of it.
///
/// ```
/// use kling_extend_core::types::redact::Secrets;
///
/// let secrets = Secrets::new(["sk_live_123"], Some("kling-secret-key"));
/// assert_eq!(secrets.scrub("key sk_live_123 refused").as_deref(), Some("key [redacted] refused"));
/// assert_eq!(format!("{secrets:?}"), "Secrets(1 words, signing key: true)");
/// ```
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
    ///
    /// ```
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// let secrets = Secrets::new(["", "sk_1", "sk_1"], None);
    /// assert_eq!(secrets, Secrets::new(["sk_1"], None), "empty and repeated words are dropped");
    /// assert!(Secrets::new([], None).is_empty());
    /// ```
    pub fn new<'a>(words: impl IntoIterator<Item = &'a str>, signing_key: Option<&str>) -> Secrets {
        let mut secrets = Secrets { words: Vec::new(), signing_key: signing_key.map(str::to_owned) };
        words.into_iter().for_each(|word| secrets.add(word));
        secrets
    }

    /// One more credential (a token signed for one request, say).
    ///
    /// ```
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// let mut secrets = Secrets::default();
    /// secrets.add("tk_once");
    /// assert_eq!(secrets.scrub("token tk_once").as_deref(), Some("token [redacted]"));
    /// ```
    pub fn add(&mut self, word: &str) {
        if !word.is_empty() && !self.words.iter().any(|w| w == word) {
            self.words.push(word.to_owned());
        }
    }

    /// Whether nothing is held: then nothing is ever redacted, and a
    /// caller may skip the work.
    ///
    /// ```
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// assert!(Secrets::default().is_empty());
    /// assert!(!Secrets::new([], Some("signing-key")).is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.words.is_empty() && self.signing_key.is_none()
    }

    /// `text` with every credential replaced, or `None` when it holds none.
    /// A credential counts only as a whole token, never inside a longer id.
    ///
    /// ```
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// let secrets = Secrets::new(["key1"], None);
    /// assert_eq!(secrets.scrub("https://x.test/v?token=key1&a=1").as_deref(), Some("https://x.test/v?token=[redacted]&a=1"));
    /// assert_eq!(secrets.scrub("job_key1_a7"), None, "part of another id: left alone");
    /// ```
    pub fn scrub(&self, text: &str) -> Option<String> {
        self.scrub_cut(text, false)
    }

    /// As [`Secrets::scrub`], for a message or a log line, whose quotes of
    /// the service are bounded (`…`) before this rule sees them: a token cut
    /// there that begins a credential goes too.
    ///
    /// ```
    /// use kling_extend_core::types::redact::Secrets;
    ///
    /// let secrets = Secrets::new(["tk_A1b2C3d4"], None);
    /// let cut = "HTTP 403: key tk_A1b…";
    /// assert_eq!(secrets.scrub_message(cut).as_deref(), Some("HTTP 403: key [redacted]…"));
    /// assert_eq!(secrets.scrub(cut), None, "not a whole credential");
    /// ```
    pub fn scrub_message(&self, text: &str) -> Option<String> {
        self.scrub_cut(text, true)
    }

    fn scrub_cut(&self, text: &str, cut_short: bool) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        // The bytes that belong to a credential: a mask, so credentials
        // found in any order, or overlapping, need no sorting.
        let mut cut: Vec<bool> = Vec::new();
        let mut mark = |start: usize, end: usize| {
            cut.resize(text.len(), false);
            cut[start..end].fill(true);
        };
        for word in &self.words {
            for (start, _) in text.match_indices(word.as_str()) {
                if is_whole(text.as_bytes(), start, start + word.len()) {
                    mark(start, start + word.len());
                }
            }
        }
        if let Some(key) = &self.signing_key {
            for (start, token) in tokens(text) {
                if is_jwt(token) && signed_with(token, key) {
                    mark(start, start + token.len());
                }
            }
        }
        if cut_short {
            for (end, _) in text.match_indices('…') {
                let start = token_start(text.as_bytes(), end);
                let token = &text[start..end];
                let jwt = self.signing_key.is_some() && token.starts_with("eyJ");
                if !token.is_empty() && (jwt || self.words.iter().any(|word| word.starts_with(token))) {
                    mark(start, end);
                }
            }
        }
        if cut.is_empty() {
            return None;
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        while at < text.len() {
            let next = cut[at..].iter().position(|&c| c != cut[at]).map_or(text.len(), |n| at + n);
            out.push_str(if cut[at] { REDACTED } else { &text[at..next] });
            at = next;
        }
        Some(out)
    }
}

/// Where the token that ends at `end` starts. For a message's quote of the
/// service cut short (`…`, see `classify::clean`): the start of an echoed
/// key can end one, which is no whole credential but one that begins one
/// (or a JWT, when tokens are signed), so it is redacted all the same.
fn token_start(bytes: &[u8], end: usize) -> usize {
    bytes[..end].iter().rposition(|&b| !(is_word(b) || b == b'.')).map_or(0, |at| at + 1)
}

/// ASCII letters, digits, `_` and `-`: what ids and keys are made of. Any
/// other character ends a token, non-ASCII ones too: Kling's messages may be
/// Chinese, which puts no space around a key it echoes (and Unicode's
/// letter tables would cost the page 1.8 KB).
fn is_word(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'-'
}

/// Whether `bytes[start..end]` is a whole token: what is beside it on each
/// side ends one. A word character continues a token, and so does a dot
/// before one (`v1.key`, `key.mp4`), while a dot that ends a sentence does not.
fn is_whole(bytes: &[u8], start: usize, end: usize) -> bool {
    let at = |i: Option<usize>| i.and_then(|i| bytes.get(i).copied());
    let ends = |near: Option<u8>, far: Option<u8>| match near {
        None => true,
        Some(b'.') => !far.is_some_and(is_word),
        Some(byte) => !is_word(byte),
    };
    ends(at(start.checked_sub(1)), at(start.checked_sub(2))) && ends(at(Some(end)), at(Some(end + 1)))
}

/// The runs of base64url characters and dots in `text`, dots at their ends
/// aside, with where each starts: the whole tokens a JWT can be.
fn tokens(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_token = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    text.split(move |c: char| !is_token(c)).map(move |run| {
        let token = run.trim_matches('.');
        (token.as_ptr() as usize - text.as_ptr() as usize, token)
    })
}

/// Whether `token` is shaped as an HS256 JWT: three parts, the first a JSON
/// object's encoding (`eyJ`), the last a signature's 43 characters.
fn is_jwt(token: &str) -> bool {
    let mut parts = token.split('.');
    let (header, payload, signature) = (parts.next(), parts.next(), parts.next());
    parts.next().is_none()
        && header.is_some_and(|header| header.starts_with("eyJ"))
        && payload.is_some_and(|payload| !payload.is_empty())
        && signature.is_some_and(|signature| signature.len() == HS256_SIGNATURE_CHARS)
}

/// Whether `token` (`header.payload.signature`) is signed with `key` (HS256).
/// The signature is compared as the base64url text of ours, in constant
/// time: a page already carries base64url encoding (it signs Kling's
/// tokens), while decoding would cost it 1 KB.
fn signed_with(token: &str, key: &str) -> bool {
    let Some((input, signature)) = token.rsplit_once('.') else { return false };
    let ours = Base64UrlUnpadded::encode_string(&HMAC::mac(input.as_bytes(), key.as_bytes()));
    ours.as_bytes().ct_eq(signature.as_bytes()).into()
}

/// Something handed to a caller, with every credential taken out.
///
/// The core's results and errors implement it; a driver redacts each one
/// before it leaves, with the secrets its client holds.
///
/// ```
/// use kling_extend_core::types::job::{Job, Status, Submission};
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::redact::{Redact, Secrets};
///
/// let secrets = Secrets::new(["sk_live_123"], None);
/// let submission =
///     Submission { job_id: "j1".into(), status: Status::Queued, provider: ProviderName::Trinetra, request_id: None };
/// let job = Job { error: Some("bad key sk_live_123".into()), ..Job::accepted(&submission) };
/// assert_eq!(job.redacted(&secrets).error.as_deref(), Some("bad key [redacted]"));
/// ```
pub trait Redact {
    /// Takes every credential in `secrets` out of `self`, in place.
    ///
    /// ```
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::redact::{Redact, Secrets};
    ///
    /// let mut value = parse(br#"{"note":"key k-123 is suspended","k-123":1}"#).unwrap();
    /// value.redact(&Secrets::new(["k-123"], None));
    /// assert_eq!(value.to_json(), r#"{"note":"key [redacted] is suspended","[redacted]":1}"#);
    /// ```
    fn redact(&mut self, secrets: &Secrets);

    /// `self`, redacted.
    ///
    /// ```
    /// use kling_extend_core::types::redact::{Redact, Secrets};
    ///
    /// let message = "echoed sk_1".to_owned().redacted(&Secrets::new(["sk_1"], None));
    /// assert_eq!(message, "echoed [redacted]");
    /// ```
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

/// A value the core made of its results (a job, a submission, an error, a
/// chain's jobs; the npm bindings' machines answer values): every string
/// and key, however deep, except that a job's document is redacted as the
/// document it is. Its text (the [`RAW_TEXT`] member), where a credential
/// stands in it, escapes decoded, becomes the document parsed and redacted,
/// as `raw`; a document already built (`raw`) is redacted as a document,
/// whose members' names mean nothing here (a service's own `rawText` is a
/// member like any other).
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
                    match (key.as_str(), &*item) {
                        (RAW_TEXT, Value::String(text)) => {
                            if let Some(document) = scrub_json(text, secrets) {
                                (*key, *item) = ("raw".to_owned(), document);
                            }
                        }
                        ("raw", _) => redact_document(item, secrets),
                        _ => {
                            key.redact(secrets);
                            item.redact(secrets);
                        }
                    }
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }
}

/// A service's or a caller's document: every string and key, however deep,
/// whatever its name.
fn redact_document(document: &mut Value, secrets: &Secrets) {
    match document {
        Value::String(text) => text.redact(secrets),
        Value::Array(items) => items.iter_mut().for_each(|item| redact_document(item, secrets)),
        Value::Object(members) => {
            for (key, item) in members {
                key.redact(secrets);
                redact_document(item, secrets);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A document's text stays as it came unless a credential is in it; then it
/// is parsed and redacted (see [`scrub_json`]).
impl Redact for Raw {
    fn redact(&mut self, secrets: &Secrets) {
        match self {
            Raw::Text { text, .. } => {
                if let Some(document) = scrub_json(text, secrets) {
                    *self = Raw::Value(document);
                }
            }
            Raw::Value(document) => redact_document(document, secrets),
        }
    }
}

/// A JSON document's `text` with every credential taken out: `None` when it
/// holds none, so the text goes on as it came; else the document, parsed and
/// redacted. Without escapes, each string of a document stands in its text
/// as it reads, between quotes that end a token as the string's ends do, so
/// a text in which no credential stands holds none in any string, and is
/// never parsed. With escapes (`\u005f`, `\/`), the parsed strings are asked,
/// those of a member a later one of its name replaces included: the text
/// carries them on though the document, as `JSON.parse` reads it, drops them.
///
/// ```
/// use kling_extend_core::types::redact::{Secrets, scrub_json};
///
/// let secrets = Secrets::new(["secretkey123"], None);
/// assert_eq!(scrub_json(r#"{"id":"j1"}"#, &secrets), None, "clean: the text goes on as it came");
/// let escaped = r#"{"note":"secret\u006bey123"}"#;
/// let document = scrub_json(escaped, &secrets).unwrap();
/// assert_eq!(document.to_json(), r#"{"note":"[redacted]"}"#);
/// let overwritten = r#"{"echo":"secretkey123","echo":"x"}"#;
/// assert_eq!(scrub_json(overwritten, &secrets).unwrap().to_json(), r#"{"echo":"x"}"#, "not passed on as it came");
/// ```
pub fn scrub_json(text: &str, secrets: &Secrets) -> Option<Value> {
    if secrets.is_empty() || !text.contains('\\') && secrets.scrub(text).is_none() {
        return None;
    }
    // Every string the text carries, a member's that a later one of its name
    // replaces too: `JSON.parse` drops it, yet the text would pass it on.
    let every = json::parse_only(text.as_bytes(), &Keep::Every).ok()?;
    if !holds_credential(&every, secrets) {
        return None;
    }
    let mut document = json::parse(text.as_bytes()).ok()?;
    redact_document(&mut document, secrets);
    Some(document)
}

/// Whether redacting `value` would change it: asked string by string, so a
/// large document is neither copied nor compared with a redacted copy.
fn holds_credential(value: &Value, secrets: &Secrets) -> bool {
    match value {
        Value::String(text) => secrets.scrub(text).is_some(),
        Value::Array(items) => items.iter().any(|item| holds_credential(item, secrets)),
        Value::Object(members) => {
            members.iter().any(|(key, item)| secrets.scrub(key).is_some() || holds_credential(item, secrets))
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => false,
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

/// A message, redacted by [`Secrets::scrub_message`].
///
/// ```
/// use kling_extend_core::types::redact::{Secrets, redact_message};
///
/// let mut message = "HTTP 401: token tk_A1b2C3d4 expired".to_owned();
/// redact_message(&mut message, &Secrets::new(["tk_A1b2C3d4"], None));
/// assert_eq!(message, "HTTP 401: token [redacted] expired");
/// ```
pub fn redact_message(message: &mut String, secrets: &Secrets) {
    if let Some(scrubbed) = secrets.scrub_message(message) {
        *message = scrubbed;
    }
}

impl Redact for Error {
    fn redact(&mut self, secrets: &Secrets) {
        redact_message(&mut self.message, secrets);
        self.request_id.redact(secrets);
        self.field.redact(secrets);
        self.job.redact(secrets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    fn scrubbed(text: &str, secrets: &Secrets) -> String {
        text.to_owned().redacted(secrets)
    }

    #[test]
    fn a_message_cut_inside_a_credential_loses_what_is_left_of_it_and_data_keeps_its_ellipses() {
        let secrets = Secrets::new(["tk_A1b2C3d4"], Some("signing"));
        let message = |text: &str| secrets.scrub_message(text).unwrap_or_else(|| text.to_owned());
        assert_eq!(message("HTTP 403: key tk_A1b…; not sent"), "HTTP 403: key [redacted]…; not sent");
        assert_eq!(message("token eyJhbGciOiJIUzI1NiJ9.eyJh…"), "token [redacted]…");
        assert_eq!(message("a word cut short…"), "a word cut short…", "not the start of a credential");
        assert_eq!(message("…"), "…");
        assert_eq!(scrubbed("data tk_A1b…", &secrets), "data tk_A1b…", "the service's data is not cut: kept");
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
    fn a_document_text_is_redacted_as_the_document_it_is() {
        use crate::types::json::Keep;
        let secrets = Secrets::new(["secretkey123"], None);
        let text = br#"{"id":"j","note":"secret\u006bey123","ok":"fine"}"#;
        let job = Job { raw: Raw::from_text(text, &Keep::All).unwrap(), ..Job::accepted(&submission()) };
        let value = Value::from(job.redacted(&secrets));
        assert_eq!(
            value.get("raw").map(Value::to_json).as_deref(),
            Some(r#"{"id":"j","note":"[redacted]","ok":"fine"}"#)
        );
        assert!(value.get(RAW_TEXT).is_none());
        let clean = Job { raw: Raw::from_text(br#"{"id":"j"}"#, &Keep::All).unwrap(), ..Job::accepted(&submission()) };
        let value = Value::from(clean.redacted(&secrets));
        assert_eq!(
            value.get(RAW_TEXT).and_then(Value::as_str),
            Some(r#"{"id":"j"}"#),
            "a clean text goes on as it came"
        );
        // The npm bindings' machines answer values: a job redacted as a value reads the same.
        let job = Job { raw: Raw::from_text(text, &Keep::All).unwrap(), ..Job::accepted(&submission()) };
        let value = Value::from(job).redacted(&secrets);
        assert_eq!(
            value.get("raw").map(Value::to_json).as_deref(),
            Some(r#"{"id":"j","note":"[redacted]","ok":"fine"}"#)
        );
        let named = br#"{"rawText":"echo secretkey123","m":{"rawText":"{\"a\":\"secretkey123\"}"}}"#;
        let redacted = r#"{"rawText":"echo [redacted]","m":{"rawText":"{\"a\":\"[redacted]\"}"}}"#;
        let job = || Job { raw: Raw::from_text(named, &Keep::All).unwrap(), ..Job::accepted(&submission()) };
        for value in [Value::from(job().redacted(&secrets)), Value::from(job()).redacted(&secrets)] {
            assert_eq!(
                value.get("raw").map(Value::to_json).as_deref(),
                Some(redacted),
                "a service's member named rawText is a member like any other"
            );
        }
    }

    fn submission() -> Submission {
        let provider = crate::types::provider::ProviderName::Trinetra;
        Submission { job_id: "j".into(), status: crate::types::job::Status::Queued, provider, request_id: None }
    }

    #[test]
    fn a_secret_is_matched_only_as_a_whole_token() {
        let key1 = Secrets::new(["key1"], None);
        for data in ["job_key1_a7", "key1x", "xkey1", "job-key1-a7", "v1.key1.mp4"] {
            assert_eq!(scrubbed(data, &key1), data, "inside a longer word or id");
        }
        for (text, expected) in [
            ("key1", "[redacted]"),
            ("bad key key1.", "bad key [redacted]."),
            ("https://x/v?token=key1&a=1", "https://x/v?token=[redacted]&a=1"),
            ("/key1/", "/[redacted]/"),
            ("\"key1\"", "\"[redacted]\""),
            ("密钥key1无效", "密钥[redacted]无效"),
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
    fn long_runs_of_near_misses_are_left_alone() {
        let secrets = Secrets::new(["aa"], Some("k"));
        for text in ["eyJ".repeat(200_000), "a".repeat(600_000), "eyJ.".repeat(150_000), "a.".repeat(300_000)] {
            assert_eq!(secrets.scrub(&text), None, "{}…", &text[..12]);
        }
    }
}
