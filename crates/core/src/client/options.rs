//! The caller's options, validated into a config the core can trust.
//!
//! Options arrive as the caller wrote them (a JSON object, in the
//! contract's camelCase names) and are checked once, each refusal naming
//! the option: the machines then take a [`ClientConfig`] and a
//! [`PollConfig`] and never check again.
//!
//! ```
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::json::parse;
//!
//! let options = parse(br#"{"apiKey":"sk-test","timeoutMs":5000,"intervalMs":2000}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let poll = PollConfig::from_value(&options).unwrap();
//! assert_eq!((config.limits.timeout_ms, poll.interval_ms), (5_000, 2_000));
//!
//! let typo = parse(br#"{"apiKey":"sk-test","timeoutMS":5000}"#).unwrap();
//! let error = ClientConfig::from_value(&typo, false).unwrap_err();
//! assert_eq!(error.field.as_deref(), Some("timeoutMS"));
//! ```

use crate::client::environment::{self as env, Environment};
use crate::client::log_level::Level;
use crate::client::provider::{Endpoint, Provider};
use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::http::Secret;
use crate::types::json::Value;
use crate::types::suggest;
use crate::types::url::check_http_url;

pub(crate) const DEFAULT_TIMEOUT_MS: u32 = 30_000;
pub(crate) const DEFAULT_MAX_RETRIES: u32 = 2;
/// `intervalMs`: how long a poll waits before its second read; each wait
/// after that is longer, up to [`DEFAULT_MAX_INTERVAL_MS`].
///
/// ```
/// use kling_extend_core::client::options::{DEFAULT_INTERVAL_MS, PollConfig};
/// use kling_extend_core::types::json::parse;
///
/// let poll = PollConfig::from_value(&parse(b"{}").unwrap()).unwrap();
/// assert_eq!(poll.interval_ms, DEFAULT_INTERVAL_MS);
/// ```
pub const DEFAULT_INTERVAL_MS: u32 = 1_000;
/// `maxIntervalMs`: the longest wait between a poll's reads. Not given,
/// it is at least `intervalMs`.
///
/// ```
/// use kling_extend_core::client::options::{DEFAULT_MAX_INTERVAL_MS, PollConfig};
/// use kling_extend_core::types::json::parse;
///
/// let poll = |options: &[u8]| PollConfig::from_value(&parse(options).unwrap()).unwrap();
/// assert_eq!(poll(b"{}").max_interval_ms, DEFAULT_MAX_INTERVAL_MS);
/// assert_eq!(poll(br#"{"intervalMs":20000}"#).max_interval_ms, 20_000);
/// ```
pub const DEFAULT_MAX_INTERVAL_MS: u32 = 10_000;
/// `waitTimeoutMs`: how long a poll waits for a job to end, ten minutes.
///
/// ```
/// use kling_extend_core::client::options::{DEFAULT_WAIT_TIMEOUT_MS, PollConfig};
/// use kling_extend_core::types::json::parse;
///
/// let poll = PollConfig::from_value(&parse(b"{}").unwrap()).unwrap();
/// assert_eq!(poll.wait_timeout_ms, DEFAULT_WAIT_TIMEOUT_MS);
/// ```
pub const DEFAULT_WAIT_TIMEOUT_MS: u32 = 600_000;
/// Job documents are a few KB; 8 MiB leaves room for any real one.
pub(crate) const DEFAULT_MAX_RESPONSE_BYTES: u32 = 8 << 20;

/// The longest delay timers accept everywhere (2³¹−1 ms).
const MAX_MS: u64 = i32::MAX as u64;
const MAX_RETRIES: u64 = 10;
/// The largest body limit a caller may set. A document is held as its bytes,
/// its parsed tree and the result's text at once; in the worst shapes
/// measured (one-item lists) that is 18.2× its size, 1.14 GiB at this
/// ceiling (BENCHMARKS.md, "The allocator"), well inside the 4 GiB a wasm
/// memory can grow to.
const MAX_RESPONSE_BYTES: u64 = 64 << 20;

/// Every data option of the contract but the providers' credentials, which
/// come after these two. Functions and the abort signal are taken by the
/// I/O layer and never reach the core.
const KNOWN_BEFORE_CREDENTIALS: &[&str] = &["provider", "baseUrl"];
const KNOWN_AFTER_CREDENTIALS: &[&str] = &[
    "timeoutMs",
    "maxRetries",
    "maxResponseBytes",
    "headers",
    "dangerouslyAllowBrowser",
    "intervalMs",
    "maxIntervalMs",
    "waitTimeoutMs",
    "sourceSeconds",
    "callbackUrl",
    "resume",
    "logLevel",
];

/// The options the I/O layer takes (hooks, the signal, the logger): named
/// here so that a misspelt one is answered with the name it was meant as,
/// and the JS takes its hooks by this list (`src/js/lib/contract.js`).
///
/// ```
/// use kling_extend_core::client::options::TAKEN_BEFORE;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::json::parse;
///
/// assert!(TAKEN_BEFORE.contains(&"onUpdate"));
/// let hook = parse(br#"{"apiKey":"sk-test","onUpdat":1}"#).unwrap();
/// let error = ClientConfig::from_value(&hook, false).unwrap_err();
/// assert!(error.message.contains("onUpdate"), "{}", error.message);
/// ```
pub const TAKEN_BEFORE: &[&str] = &["fetch", "onUpdate", "onStep", "onProgress", "onSubmitted", "signal", "logger"];

/// Every option a client of provider `P` takes: the data options, in the
/// order "did you mean" weighs them, then the I/O layer's ([`TAKEN_BEFORE`]).
///
/// ```
/// use kling_extend_core::client::options::{TAKEN_BEFORE, option_names};
/// use kling_extend_core::providers::trinetra::Trinetra;
///
/// let names = option_names::<Trinetra>();
/// assert_eq!(names[..3], ["provider", "baseUrl", "apiKey"]);
/// assert!(names.ends_with(TAKEN_BEFORE));
/// ```
pub fn option_names<P: Provider>() -> Vec<&'static str> {
    [KNOWN_BEFORE_CREDENTIALS, P::CREDENTIAL_OPTIONS, KNOWN_AFTER_CREDENTIALS, TAKEN_BEFORE].concat()
}

/// A client's checked options: its provider (with the credential it holds)
/// and what every provider's calls share. Every client's is the
/// [`providers::ClientConfig`](crate::providers::ClientConfig), whichever
/// provider its options name; the machines take it as their
/// [`Service`](crate::client::service::Service).
///
/// ```
/// use kling_extend_core::providers::{AnyProvider, ClientConfig};
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"provider":"kling","token":"jwt","baseUrl":"https://proxy.example/"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// assert!(matches!(config.provider, AnyProvider::Kling(_)));
/// assert_eq!(config.base_url, "https://proxy.example");
/// assert_eq!((config.limits.max_retries, config.log), (2, None));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig<P> {
    /// The service, with the credential the options gave it (`provider`,
    /// `apiKey`, …).
    pub provider: P,
    /// Without a trailing slash.
    pub base_url: String,
    /// `timeoutMs`, `maxRetries` and `maxResponseBytes`.
    pub limits: Limits,
    /// The caller's extra headers (`headers`), sent with every request.
    pub headers: Vec<(String, String)>,
    /// What to log (`logLevel`, or `KLING_EXTEND_LOG`); `None` is silence.
    pub log: Option<Level>,
    /// Whether the calls run in a page, where a request that gets no answer
    /// is most often one the browser's CORS check refused.
    pub in_page: bool,
}

/// How long one HTTP attempt may take, how much of an answer it reads, and
/// how many times a call may retry.
///
/// ```
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test","maxResponseBytes":65536}"#).unwrap();
/// let limits = ClientConfig::from_value(&options, false).unwrap().limits;
/// assert_eq!((limits.timeout_ms, limits.max_response_bytes), (30_000, 65_536));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `timeoutMs`: how long one HTTP attempt may take.
    pub timeout_ms: u32,
    /// `maxRetries`: how many times a call may try again after a failure.
    pub max_retries: u32,
    /// A longer body is refused while it is read, so a hostile service
    /// cannot fill the caller's memory (or the wasm's).
    pub max_response_bytes: u32,
}

/// Headers that carry a credential when a caller sets them (`headers`): a
/// proxy's own key, say. Their values are secrets like the options' keys.
const CREDENTIAL_HEADERS: &[&str] = &["authorization", "proxy-authorization", "x-api-key", "cookie"];

/// How `pollJob` paces its reads.
///
/// ```
/// use kling_extend_core::client::options::PollConfig;
///
/// let poll = PollConfig { interval_ms: 500, max_interval_ms: 5_000, wait_timeout_ms: 60_000 };
/// assert!(poll.interval_ms <= poll.max_interval_ms);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PollConfig {
    /// `intervalMs`: the first wait between reads.
    pub interval_ms: u32,
    /// `maxIntervalMs`: the longest wait between reads, as they grow.
    pub max_interval_ms: u32,
    /// `waitTimeoutMs`: how long the poll may wait in all.
    pub wait_timeout_ms: u32,
}

impl<P: Provider> ClientConfig<P> {
    pub(crate) fn endpoint(&self) -> Endpoint<'_> {
        Endpoint { base_url: &self.base_url, headers: &self.headers }
    }

    /// The credentials among `headers`: each value, and the token after an
    /// auth scheme (`Bearer <token>`).
    pub(crate) fn header_credentials(&self) -> impl Iterator<Item = &str> {
        let credentials = self
            .headers
            .iter()
            .filter(|(name, _)| CREDENTIAL_HEADERS.iter().any(|credential| name.eq_ignore_ascii_case(credential)));
        credentials
            .flat_map(|(_, value)| [Some(value.as_str()), value.split_once(' ').map(|(_, token)| token.trim())])
            .flatten()
    }

    /// The caller's options, checked: an unknown option, a malformed one or
    /// a missing credential is refused, naming the option. `in_browser` is
    /// true where a page could leak a key to its visitors: a long-lived key
    /// is then refused unless the caller consents by name.
    ///
    /// ```
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let key = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
    /// assert!(ClientConfig::from_value(&key, false).is_ok());
    /// let error = ClientConfig::from_value(&key, true).unwrap_err();
    /// assert_eq!(error.field.as_deref(), Some("apiKey"));
    /// let proxy = parse(br#"{"baseUrl":"https://proxy.example"}"#).unwrap();
    /// assert!(ClientConfig::from_value(&proxy, true).is_ok(), "the proxy holds the key");
    /// ```
    pub fn from_value(options: &Value, in_browser: bool) -> Result<ClientConfig<P>> {
        ClientConfig::in_environment(options, in_browser, None)
    }

    /// As [`ClientConfig::from_value`], in a runtime with an environment
    /// (Node): a call given no credential takes the environment's.
    pub(crate) fn in_environment(
        options: &Value,
        in_browser: bool,
        env: Option<&Environment>,
    ) -> Result<ClientConfig<P>> {
        let config = ClientConfig::<P>::parse(options, in_browser, env)?;
        // Last, so a malformed option is named first.
        if config.base_url == config.provider.default_base_url() && !config.provider.has_credential() {
            let variables = config.provider.credential_variables();
            return Err(env::missing_credential(&config.base_url, variables, env.is_some()));
        }
        Ok(config)
    }

    /// As [`ClientConfig::in_environment`], but a config without a
    /// credential to the service's own URL is not refused (a proxy's
    /// upstream, until the environment supplies it).
    #[inline]
    pub(crate) fn parse(options: &Value, in_browser: bool, env: Option<&Environment>) -> Result<ClientConfig<P>> {
        let fields = Fields::of(options, "options")?;
        // Suggestions also name the options the I/O layer took, after the known ones.
        let named = option_names::<P>();
        let known = &named[..named.len() - TAKEN_BEFORE.len()];
        fields.deny_unknown(known, |key| Some(suggest::unknown("option", key, &named)))?;
        guard_browser(&fields, in_browser, P::SECRET_OPTIONS)?;
        let provider = P::from_options(&fields, env)?;
        let base_url = match fields.string("baseUrl")? {
            Some(url) => {
                check_http_url(url).map_err(|why| Error::invalid("baseUrl", why))?;
                if url.contains(['?', '#']) {
                    return Err(Error::invalid("baseUrl", "must not have a query or fragment"));
                }
                url.trim_end_matches('/').to_owned()
            }
            None => provider.default_base_url().to_owned(),
        };
        Ok(ClientConfig {
            provider,
            base_url,
            limits: Limits {
                timeout_ms: ms(&fields, "timeoutMs")?.unwrap_or(DEFAULT_TIMEOUT_MS),
                max_retries: fields.integer("maxRetries", 0..=MAX_RETRIES)?.map_or(DEFAULT_MAX_RETRIES, |n| n as u32),
                max_response_bytes: fields
                    .integer("maxResponseBytes", 1..=MAX_RESPONSE_BYTES)?
                    .map_or(DEFAULT_MAX_RESPONSE_BYTES, |n| n as u32),
            },
            headers: headers(&fields, in_browser)?,
            log: log_level(&fields, env)?,
            in_page: in_browser,
        })
    }
}

impl PollConfig {
    /// The poll's options (`intervalMs`, `maxIntervalMs`, `waitTimeoutMs`),
    /// each defaulted when absent. Other members are left to the client's
    /// own check.
    ///
    /// ```
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let poll = PollConfig::from_value(&parse(br#"{"waitTimeoutMs":60000}"#).unwrap()).unwrap();
    /// assert_eq!((poll.interval_ms, poll.wait_timeout_ms), (1_000, 60_000));
    /// let slower = parse(br#"{"intervalMs":5000,"maxIntervalMs":10}"#).unwrap();
    /// let error = PollConfig::from_value(&slower).unwrap_err();
    /// assert_eq!(error.field.as_deref(), Some("maxIntervalMs"));
    /// ```
    pub fn from_value(options: &Value) -> Result<PollConfig> {
        let fields = Fields::of(options, "options")?;
        let interval_ms = ms(&fields, "intervalMs")?.unwrap_or(DEFAULT_INTERVAL_MS);
        let max_interval_ms = ms(&fields, "maxIntervalMs")?.unwrap_or(DEFAULT_MAX_INTERVAL_MS.max(interval_ms));
        if max_interval_ms < interval_ms {
            return Err(Error::invalid("maxIntervalMs", "must not be less than intervalMs"));
        }
        Ok(PollConfig {
            interval_ms,
            max_interval_ms,
            wait_timeout_ms: ms(&fields, "waitTimeoutMs")?.unwrap_or(DEFAULT_WAIT_TIMEOUT_MS),
        })
    }
}

/// Keys in a page are visible to everyone who loads it: refuse them unless the
/// caller says, by name, that it knows.
fn guard_browser(fields: &Fields, in_browser: bool, secrets: &[&str]) -> Result<()> {
    let allowed = fields.boolean("dangerouslyAllowBrowser")? == Some(true);
    if !in_browser || allowed {
        return Ok(());
    }
    for &key in secrets {
        if fields.string(key)?.is_some() {
            return Err(Error::invalid(
                key,
                "must not be used in a browser, where every visitor can read it; point baseUrl at a proxy \
                 that holds the key (see createProxy), or set dangerouslyAllowBrowser: true",
            ));
        }
    }
    Ok(())
}

/// The variable `name` as a credential, checked as the option would be and named by the variable.
pub(crate) fn env_secret(env: &Environment, name: &str) -> Result<Option<Secret>> {
    let Some(value) = env.get(name) else { return Ok(None) };
    check_header_value(name, value)?;
    Ok(Some(Secret::new(value.to_owned())))
}

/// `logLevel`, else `KLING_EXTEND_LOG`, each named in its own error.
fn log_level(fields: &Fields, env: Option<&Environment>) -> Result<Option<Level>> {
    if let Some(word) = fields.string("logLevel")? {
        return Level::threshold(word, "logLevel");
    }
    match env.and_then(|env| env.get(env::KLING_EXTEND_LOG)) {
        Some(word) => Level::threshold(word, env::KLING_EXTEND_LOG),
        None => Ok(None),
    }
}

/// The option `key` as a credential: a string `fetch` can send as a header.
pub(crate) fn secret(fields: &Fields, key: &str) -> Result<Option<Secret>> {
    let Some(value) = fields.text(key)? else { return Ok(None) };
    check_header_value(key, value)?;
    Ok(Some(Secret::new(value.to_owned())))
}

/// What `fetch` can send as a header value: Latin-1 text without line
/// breaks or NUL, and no white space at the ends (which `fetch` strips, so a
/// key would silently change). Refused here, before any request, by field.
fn check_header_value(field: &str, value: &str) -> Result<()> {
    if value.chars().any(|c| matches!(c, '\r' | '\n' | '\0')) {
        return Err(Error::invalid(field, "must not contain line breaks or NUL"));
    }
    if value.chars().any(|c| u32::from(c) > 0xFF) {
        return Err(Error::invalid(field, "must contain only Latin-1 characters, which HTTP headers can carry"));
    }
    if value.trim() != value {
        return Err(Error::invalid(field, "must not start or end with white space"));
    }
    Ok(())
}

/// Request headers no runtime's `fetch` lets a caller set: the connection's
/// own (`fetch` manages them, Node's throws on them).
const FORBIDDEN_EVERYWHERE: &[&str] =
    &["connection", "content-length", "expect", "keep-alive", "te", "trailer", "transfer-encoding", "upgrade"];

/// The rest of the Fetch standard's forbidden request-header names (and its
/// `proxy-` and `sec-` prefixes): a browser drops them without a word, so in
/// a page they are refused rather than silently not sent. Servers may send them.
const FORBIDDEN_IN_BROWSERS: &[&str] = &[
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "host",
    "origin",
    "referer",
    "set-cookie",
    "via",
];

fn is_forbidden_header(name: &str, in_browser: bool) -> bool {
    let name = name.to_ascii_lowercase();
    let browser_only =
        || FORBIDDEN_IN_BROWSERS.contains(&name.as_str()) || name.starts_with("proxy-") || name.starts_with("sec-");
    FORBIDDEN_EVERYWHERE.contains(&name.as_str()) || in_browser && browser_only()
}

fn ms(fields: &Fields, key: &str) -> Result<Option<u32>> {
    Ok(fields.integer(key, 1..=MAX_MS)?.map(|n| n as u32))
}

fn headers(fields: &Fields, in_browser: bool) -> Result<Vec<(String, String)>> {
    let Some(object) = fields.object("headers")? else {
        return Ok(Vec::new());
    };
    // Member by member, each value beside its name: a lookup by name per
    // header would make a huge object cost its square.
    let members = object.as_object().unwrap_or_default();
    let mut out = Vec::new();
    for (name, value) in members {
        let field = format!("headers.{name}");
        // Byte by byte: a non-ASCII char's bytes are no token bytes either.
        let is_token = |b: u8| b.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".bytes().any(|t| t == b);
        if name.is_empty() || !name.bytes().all(is_token) {
            return Err(Error::invalid(&field, "is not a valid header name"));
        }
        if is_forbidden_header(name, in_browser) {
            return Err(Error::invalid(&field, "is a header fetch does not let a caller set"));
        }
        match value {
            Value::Null => {}
            Value::String(value) => {
                check_header_value(&field, value)?;
                out.push((name.to_owned(), value.to_owned()));
            }
            other => return Err(Error::invalid(&field, &format!("must be a string, not {}", other.kind()))),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::kling::{BASE_URL as KLING_BASE_URL, Kling, KlingAuth};
    use crate::providers::trinetra::{BASE_URL as TRINETRA_BASE_URL, Trinetra};
    use crate::providers::{AnyProvider, ClientConfig};
    use crate::types::json::parse;

    fn config(json: &str, in_browser: bool) -> Result<ClientConfig> {
        ClientConfig::from_value(&parse(json.as_bytes()).unwrap(), in_browser)
    }

    #[test]
    fn credentials_and_headers_fetch_cannot_send_are_refused_by_field() {
        let field =
            |json: &str| ClientConfig::from_value(&parse(json.as_bytes()).unwrap(), false).err().and_then(|e| e.field);
        assert_eq!(field(r#"{"apiKey":"a\r\nb"}"#).as_deref(), Some("apiKey"));
        assert_eq!(field(r#"{"apiKey":"ключ"}"#).as_deref(), Some("apiKey"));
        assert_eq!(field(r#"{"provider":"kling","token":"t\u0000"}"#).as_deref(), Some("token"));
        assert_eq!(field(r#"{"headers":{"Connection":"close"}}"#).as_deref(), Some("headers.Connection"));
        assert_eq!(field(r#"{"apiKey":"k","headers":{"Cookie":"a=1"}}"#), None);
        let in_page = ClientConfig::from_value(&parse(br#"{"headers":{"Sec-Fetch-Mode":"cors"}}"#).unwrap(), true);
        assert_eq!(in_page.err().and_then(|e| e.field).as_deref(), Some("headers.Sec-Fetch-Mode"));
        assert_eq!(field(r#"{"headers":{"x-trace":"€"}}"#).as_deref(), Some("headers.x-trace"));
        assert_eq!(field(r#"{"baseUrl":"http://u:p@127.0.0.1:1"}"#).as_deref(), Some("baseUrl"));
        assert_eq!(field(r#"{"baseUrl":"http://127.0.0.1:99999"}"#).as_deref(), Some("baseUrl"));
        assert_eq!(field(r#"{"dangerouslyAllowBrowser":"yes"}"#).as_deref(), Some("dangerouslyAllowBrowser"));
        assert_eq!(field(r#"{"maxResponseBytes":0}"#).as_deref(), Some("maxResponseBytes"));
        assert_eq!(field(r#"{"maxResponseBytes":67108865}"#).as_deref(), Some("maxResponseBytes"));
        assert_eq!(field(r#"{"apiKey":"k","maxResponseBytes":67108864}"#), None);
        assert_eq!(field(r#"{"apiKey":"k","headers":{"x-trace":"café"}}"#), None);
    }

    #[test]
    fn defaults_follow_the_contract() {
        let c = config(r#"{"apiKey":"k"}"#, false).unwrap();
        assert_eq!(c.base_url, TRINETRA_BASE_URL);
        assert_eq!((c.limits.timeout_ms, c.limits.max_retries, c.log), (30_000, 2, None));
        assert_eq!(
            config(r#"{"baseUrl":"http://127.0.0.1:9"}"#, false).unwrap().provider,
            AnyProvider::Trinetra(Trinetra { api_key: None })
        );
        let p = PollConfig::from_value(&parse(b"{}").unwrap()).unwrap();
        assert_eq!((p.interval_ms, p.max_interval_ms, p.wait_timeout_ms), (1_000, 10_000, 600_000));
    }

    #[test]
    fn a_key_in_a_browser_needs_explicit_consent() {
        let e = config(r#"{"apiKey":"k"}"#, true).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("apiKey"));
        assert!(!e.message.contains("\"k\""));
        assert!(config(r#"{"apiKey":"k","dangerouslyAllowBrowser":true}"#, true).is_ok());
        assert!(config(r#"{"apiKey":"k"}"#, false).is_ok());
        assert!(config(r#"{"baseUrl":"http://127.0.0.1:1/proxy/"}"#, true).is_ok());
    }

    #[test]
    fn bad_options_name_their_field() {
        for (json, field) in [
            (r#"{"timeoutMs":0}"#, "timeoutMs"),
            (r#"{"timeoutMs":"fast"}"#, "timeoutMs"),
            (r#"{"maxRetries":1.5}"#, "maxRetries"),
            (r#"{"maxRetries":99}"#, "maxRetries"),
            (r#"{"baseUrl":"localhost:8787"}"#, "baseUrl"),
            (r#"{"provider":"openai"}"#, "provider"),
            (r#"{"provider":"kling","apiKey":"k","token":"t"}"#, "token"),
            (r#"{"provider":"kling","accessKey":"a"}"#, "secretKey"),
            (r#"{"provider":"kling","secretKey":"s"}"#, "accessKey"),
            (r#"{"provider":"kling","accessKey":"a","secretKey":"s","token":"t"}"#, "token"),
            (r#"{"apiKey":""}"#, "apiKey"),
            (r#"{"token":"t"}"#, "token"),
            (r#"{"headers":{"bad name":"x"}}"#, "headers.bad name"),
            (r#"{"headers":{"x-a":"1\r\nx-b: 2"}}"#, "headers.x-a"),
            (r#"{"headers":{"x-a":1}}"#, "headers.x-a"),
            (r#"{"timeoutMS":5}"#, "timeoutMS"),
        ] {
            assert_eq!(config(json, false).unwrap_err().field.as_deref(), Some(field), "{json}");
        }
        let e = PollConfig::from_value(&parse(br#"{"intervalMs":5000,"maxIntervalMs":10}"#).unwrap()).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("maxIntervalMs"));
    }

    #[test]
    fn kling_takes_keys_or_a_token_or_neither() {
        let keys = config(r#"{"provider":"kling","accessKey":"a","secretKey":"s"}"#, false).unwrap();
        assert_eq!(keys.base_url, KLING_BASE_URL);
        assert!(matches!(keys.provider, AnyProvider::Kling(Kling { auth: KlingAuth::Keys { .. } })));
        let token = config(r#"{"provider":"kling","token":"t"}"#, true).unwrap();
        assert!(matches!(token.provider, AnyProvider::Kling(Kling { auth: KlingAuth::Token(_) })));
        let e = config(r#"{"provider":"kling","accessKey":"a","secretKey":"s"}"#, true).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("accessKey"));
    }

    #[test]
    fn base_url_loses_its_trailing_slash() {
        assert_eq!(
            config(r#"{"baseUrl":"http://127.0.0.1:9/api/"}"#, false).unwrap().base_url,
            "http://127.0.0.1:9/api"
        );
    }

    fn env(json: &str) -> Environment {
        Environment::from_value(&parse(json.as_bytes()).unwrap()).unwrap().unwrap()
    }

    fn in_env(options: &str, vars: &str) -> Result<ClientConfig> {
        ClientConfig::in_environment(&parse(options.as_bytes()).unwrap(), false, Some(&env(vars)))
    }

    #[test]
    fn a_call_without_a_credential_takes_the_environments() {
        let vars = r#"{"TRINETRA_API_KEY":"tk","KLING_API_KEY":"kk","KLING_ACCESS_KEY":"ak","KLING_SECRET_KEY":"sk"}"#;
        let trinetra = in_env("{}", vars).unwrap().provider;
        assert_eq!(trinetra, AnyProvider::Trinetra(Trinetra { api_key: Some(Secret::new("tk".into())) }));
        let kling = in_env(r#"{"provider":"kling"}"#, vars).unwrap().provider;
        assert_eq!(
            kling,
            AnyProvider::Kling(Kling { auth: KlingAuth::ApiKey(Secret::new("kk".into())) }),
            "the API key first"
        );
        let keys = in_env(r#"{"provider":"kling"}"#, r#"{"KLING_ACCESS_KEY":"ak","KLING_SECRET_KEY":"sk"}"#).unwrap();
        assert!(matches!(keys.provider, AnyProvider::Kling(Kling { auth: KlingAuth::Keys { .. } })));
        let own = in_env(r#"{"provider":"kling","token":"t"}"#, vars).unwrap().provider;
        assert_eq!(
            own,
            AnyProvider::Kling(Kling { auth: KlingAuth::Token(Secret::new("t".into())) }),
            "a given credential wins"
        );
        let half = in_env(r#"{"provider":"kling"}"#, r#"{"KLING_ACCESS_KEY":"ak"}"#).unwrap_err();
        assert_eq!(half.field.as_deref(), Some("KLING_SECRET_KEY"));
        let bad = in_env("{}", r#"{"TRINETRA_API_KEY":"a\nb"}"#).unwrap_err();
        assert_eq!(bad.field.as_deref(), Some("TRINETRA_API_KEY"));
    }

    #[test]
    fn no_credential_for_the_services_own_url_fails_naming_the_option_and_variables() {
        let e = in_env("{}", "{}").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("apiKey"));
        assert!(e.message.contains(TRINETRA_BASE_URL) && e.message.contains("TRINETRA_API_KEY"), "{}", e.message);
        let kling = in_env(r#"{"provider":"kling"}"#, "{}").unwrap_err();
        assert!(kling.message.contains("KLING_API_KEY") && kling.message.contains("KLING_ACCESS_KEY"));
        assert!(config("{}", true).unwrap_err().message.contains("point baseUrl at a proxy"));
        assert!(in_env(r#"{"baseUrl":"https://proxy.example/video"}"#, "{}").is_ok(), "a proxy holds the key");
        assert_eq!(config(r#"{"timeoutMs":0}"#, false).unwrap_err().field.as_deref(), Some("timeoutMs"));
    }

    #[test]
    fn the_log_level_comes_from_the_option_then_the_environment() {
        let level = |options: &str, vars: &str| in_env(options, vars).map(|c| c.log);
        assert_eq!(level(r#"{"apiKey":"k"}"#, r#"{"KLING_EXTEND_LOG":"debug"}"#).unwrap(), Some(Level::Debug));
        assert_eq!(level(r#"{"apiKey":"k","logLevel":"off"}"#, r#"{"KLING_EXTEND_LOG":"debug"}"#).unwrap(), None);
        assert_eq!(level(r#"{"apiKey":"k","logLevel":"warn"}"#, "{}").unwrap(), Some(Level::Warn));
        let e = level(r#"{"apiKey":"k"}"#, r#"{"KLING_EXTEND_LOG":"loud"}"#).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("KLING_EXTEND_LOG"));
        assert_eq!(level(r#"{"apiKey":"k","logLevel":3}"#, "{}").unwrap_err().field.as_deref(), Some("logLevel"));
    }
}
