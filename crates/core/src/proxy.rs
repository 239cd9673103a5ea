//! `createProxy`'s decisions, without its I/O: which requests a key-holding
//! proxy forwards, what it answers itself, the upstream request it makes, and
//! what it tells its logger. Deny by default: only the provider's submit and
//! job-read routes, with their methods, from allowed origins, with bodies
//! that pass the client's own rules, and only once it holds a credential.
//!
//! A driver (the npm package's `createProxy`, or a server of your own)
//! asks [`ProxyConfig::decide`] about each request, reads the body if told
//! to, sends what [`ProxyConfig::forward`] builds, and answers what
//! [`ProxyConfig::relay`] makes of the service's answer:
//!
//! ```
//! use kling_extend_core::providers::ProxyConfig;
//! use kling_extend_core::proxy::Decision;
//! use kling_extend_core::types::json::parse;
//!
//! let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
//! let mut proxy = ProxyConfig::from_value(&config, false, None)?;
//! let (page, submit) = (Some("https://app.example.com"), "/v1/video/kling-extend-video");
//!
//! let (decision, _log) = proxy.decide("POST", submit, page, Some("19"));
//! assert!(matches!(decision, Decision::Forward { read_body: true, .. }));
//! let upstream = proxy.forward(submit, Some(br#"{"video_id":"v1"}"#), page, 0).unwrap();
//! assert_eq!(upstream.header("x-api-key"), Some("server-key"), "the server's key, never the page's");
//!
//! // The service's answer goes back with the key taken out.
//! let reply = proxy.relay(202, &[], br#"{"job_id":"j1","echo":"server-key"}"#, None, page);
//! assert_eq!(reply.body.as_deref(), Some(r#"{"job_id":"j1","echo":"[redacted]"}"#));
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

use crate::client::classify::clean;
use crate::client::environment::{self as env, Environment};
use crate::client::log_level::Level;
use crate::client::options::ClientConfig;
use crate::client::provider::Provider;
use crate::client::service::Service;
use crate::types::error::{Error, ErrorCode, Result};
use crate::types::fields::Fields;
use crate::types::http::{HttpRequest, Transport};
use crate::types::job_id::JobId;
use crate::types::json::{self, Value};
use crate::types::redact::{Secrets, scrub_json};
use crate::types::request::ExtendRequest;
use crate::types::suggest;
use crate::types::url::{check_http_url, decode_segment};

const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024;
/// How long browsers may cache a preflight answer, in seconds.
const PREFLIGHT_MAX_AGE: &str = "600";
/// Upstream headers passed back to the caller (its `content-type` never is:
/// every answer of the proxy is JSON).
///
/// ```
/// use kling_extend_core::proxy::PASSED_BACK;
/// # use kling_extend_core::providers::ProxyConfig;
/// # use kling_extend_core::types::json::parse;
/// # let proxy = ProxyConfig::from_value(&parse(br#"{"apiKey": "k", "allowedOrigins": []}"#).unwrap(), false, None)?;
///
/// // A driver copies these of the upstream's headers, and relay keeps them.
/// let upstream = [("x-request-id", "req_1"), ("set-cookie", "s=1")];
/// let passed: Vec<(String, String)> = upstream
///     .iter()
///     .filter(|(name, _)| PASSED_BACK.contains(name))
///     .map(|(name, value)| (name.to_string(), value.to_string()))
///     .collect();
/// let reply = proxy.relay(200, &passed, b"{}", None, None);
/// assert_eq!(reply.headers, [("x-request-id".to_owned(), "req_1".to_owned())]);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
pub const PASSED_BACK: [&str; 2] = ["retry-after", "x-request-id"];
/// What every answer carries: a browser must not guess its type, and
/// nothing in it may load or frame anything. With `basePath` the proxy
/// answers on the app's own origin, where an HTML page or an SVG passed
/// through could run script. An answer with a body is JSON, and says so.
const ANSWER_HEADERS: [(&str, &str); 2] = [
    ("x-content-type-options", "nosniff"),
    ("content-security-policy", "default-src 'none'; frame-ancestors 'none'; sandbox"),
];
/// How many refused origins the proxy remembers, to log each once: past
/// them, refusals are no longer logged, so callers sending ever new origins
/// can neither grow its memory nor flood its log.
const MAX_LOGGED_ORIGINS: usize = 64;
/// What the proxy logs unless `logLevel` (or `KLING_EXTEND_LOG`) says
/// otherwise: its refusals of origins and a missing credential, which a page
/// sees only as a CORS failure or a 503, are the server's to know.
const DEFAULT_LOG: Level = Level::Warn;

/// The config keys that belong to the proxy itself; the rest describe the
/// upstream service exactly as a client's options do: these, with the
/// providers' credentials after the first two.
const OWN_KEYS: [&str; 4] = ["allowedOrigins", "maxBodyBytes", "basePath", "logLevel"];
const UPSTREAM_KEYS: [&str; 3] = ["provider", "baseUrl", "timeoutMs"];

/// A proxy's config, and what it learned since: the credential the
/// environment supplied later, the origins it has logged. A driver makes
/// one per proxy and keeps it for every request (as `providers::ProxyConfig`,
/// for whichever provider the config names).
///
/// ```
/// use kling_extend_core::providers::ProxyConfig;
/// use kling_extend_core::proxy::Decision;
/// use kling_extend_core::types::json::parse;
///
/// let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
/// let mut proxy = ProxyConfig::from_value(&config, false, None)?;
/// let (Decision::Reply(refused), _) = proxy.decide("GET", "/v1/jobs/j1", Some("https://evil.example"), None) else {
///     panic!("forwarded for another origin");
/// };
/// assert_eq!(refused.status, 403);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ProxyConfig<P> {
    /// The upstream's provider as the config names it: its paths, and the
    /// names of its credential while there is none.
    provider: P,
    upstream: Upstream<P>,
    origins: Origins,
    max_body_bytes: u64,
    /// The prefix the routes are served under (`basePath`), "" for none.
    base_path: String,
    /// What to log; `None` is silence.
    log: Option<Level>,
    /// The origins refused and logged so far, at most [`MAX_LOGGED_ORIGINS`].
    refused: Vec<String>,
    /// Whether the missing credential was logged (once, while it is missing).
    told_missing: bool,
}

/// The upstream service, once there is a credential to send it.
#[derive(Clone, Debug, PartialEq)]
enum Upstream<P> {
    Ready(ClientConfig<P>),
    /// None yet: the upstream options (every other one checked), kept to
    /// look in the environment again; `why` is a variable's own error (a
    /// Kling access key without its secret key), and `environment` whether
    /// the runtime has one at all (Node, Deno, Bun; not a Worker or a page).
    Unset {
        options: Value,
        in_browser: bool,
        environment: bool,
        why: Option<Error>,
    },
}

#[derive(Clone, Debug, PartialEq)]
enum Origins {
    Any,
    Only(Vec<String>),
}

/// The two routes a proxy serves, as the service itself names them.
#[derive(Clone, Debug, PartialEq)]
enum Route {
    Submit,
    Read(JobId),
}

/// An answer of the proxy: its own, or the upstream's passed back. Send
/// it with [`Reply::wire_headers`].
///
/// ```
/// # use kling_extend_core::providers::ProxyConfig;
/// # use kling_extend_core::types::json::parse;
/// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
/// # let mut proxy = ProxyConfig::from_value(&config, false, None)?;
/// let refused = proxy.forward("/v1/video/kling-extend-video", Some(b"{}"), None, 0).unwrap_err();
/// assert_eq!(refused.status, 400);
/// assert_eq!(
///     refused.body.as_deref(),
///     Some(r#"{"error":{"code":"invalid_request","message":"video_id is required","field":"video_id"}}"#)
/// );
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    /// The HTTP status to answer with.
    pub status: u16,
    /// CORS and route headers; [`Reply::wire_headers`] adds the body's.
    pub headers: Vec<(String, String)>,
    /// JSON text (the contract's error shape, or the upstream's document), if any.
    pub body: Option<String>,
}

impl Reply {
    /// Every header to send: the reply's own, the ones every answer carries,
    /// and for a body its JSON type.
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let proxy = ProxyConfig::from_value(&config, false, None)?;
    /// let reply = proxy.reply(413, None);
    /// let headers = reply.wire_headers();
    /// assert!(headers.contains(&("content-type".to_owned(), "application/json".to_owned())));
    /// assert!(headers.contains(&("x-content-type-options".to_owned(), "nosniff".to_owned())));
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn wire_headers(&self) -> Vec<(String, String)> {
        let json = self.body.as_ref().map(|_| ("content-type", "application/json"));
        let added = ANSWER_HEADERS.into_iter().chain(json).map(|(k, v)| (k.to_owned(), v.to_owned()));
        self.headers.iter().cloned().chain(added).collect()
    }
}

/// What to do with a request, from [`ProxyConfig::decide`].
///
/// ```
/// # use kling_extend_core::providers::ProxyConfig;
/// # use kling_extend_core::types::json::parse;
/// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
/// # let mut proxy = ProxyConfig::from_value(&config, false, None)?;
/// use kling_extend_core::proxy::Decision;
///
/// let (decision, _) = proxy.decide("GET", "/v1/jobs/j1", None, None);
/// assert_eq!(decision, Decision::Forward { read_body: false, max_body_bytes: 65_536, timeout_ms: 30_000 });
/// let (Decision::Reply(unknown), _) = proxy.decide("GET", "/v1/admin", None, None) else { panic!() };
/// assert_eq!(unknown.status, 404);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Decision {
    /// Answer this at once; nothing goes upstream.
    Reply(Reply),
    /// Ask `authorize`, read the body if `read_body` (at most `max_body_bytes`),
    /// then call [`ProxyConfig::forward`]; all of it within `timeout_ms`.
    Forward {
        /// Whether the route takes a body (a submit).
        read_body: bool,
        /// The most of it to read: past that, answer [`ProxyConfig::reply`]'s 413.
        max_body_bytes: u64,
        /// The upstream's `timeoutMs`.
        timeout_ms: u32,
    },
}

/// A line for the proxy's logger: what the server should know that a
/// caller sees only as a refusal.
///
/// ```
/// # use kling_extend_core::providers::ProxyConfig;
/// # use kling_extend_core::types::json::parse;
/// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
/// # let mut proxy = ProxyConfig::from_value(&config, false, None)?;
/// use kling_extend_core::client::log_level::Level;
///
/// let (_, log) = proxy.decide("OPTIONS", "/v1/jobs/j1", Some("https://other.example"), None);
/// let line = log.expect("a refused origin is logged, once");
/// assert_eq!(line.level, Level::Warn);
/// assert!(line.message.contains("https://other.example"), "{}", line.message);
/// # Ok::<(), kling_extend_core::types::error::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct LogLine {
    /// How much it matters, for the logger's threshold (`logLevel`).
    pub level: Level,
    /// The line, with what the caller sent cleaned of control characters.
    pub message: String,
}

impl<P: Provider> ProxyConfig<P> {
    /// `env`: the process environment's variables, `None` where the runtime
    /// has none. A config without a credential is not refused: the
    /// environment may supply it later (a module loaded at build time, when
    /// the secret is not set), and until then every request is answered 503.
    /// `in_browser` as for a client: whether the config is read in a page.
    ///
    /// ```
    /// use kling_extend_core::providers::ProxyConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let config = parse(br#"{"provider": "kling", "accessKey": "ak", "secretKey": "sk", "allowedOrigins": ["*"]}"#);
    /// assert!(ProxyConfig::from_value(&config.unwrap(), false, None).is_ok());
    /// let open = parse(br#"{"apiKey": "k"}"#).unwrap();
    /// let refused = ProxyConfig::from_value(&open, false, None).unwrap_err();
    /// assert_eq!(refused.field.as_deref(), Some("allowedOrigins"), "required: [] for servers only");
    /// ```
    pub fn from_value(config: &Value, in_browser: bool, env: Option<&Environment>) -> Result<ProxyConfig<P>> {
        let fields = Fields::of(config, "config")?;
        let upstream_keys = [&UPSTREAM_KEYS[..2], P::CREDENTIAL_OPTIONS, &UPSTREAM_KEYS[2..]].concat();
        let known = [&OWN_KEYS[..], &upstream_keys].concat();
        fields.deny_unknown(&known, |key| Some(suggest::unknown("option", key, &known)))?;
        let members = config.as_object().unwrap_or_default();
        // An empty credential counts as none, as an empty variable does:
        // `apiKey: process.env.X` is "" where X is set empty (a CI secret
        // that is not defined), and the environment may still supply one.
        let unset = |(k, v): &&(String, Value)| P::CREDENTIAL_OPTIONS.contains(&k.as_str()) && v.as_str() == Some("");
        let upstream_members =
            members.iter().filter(|(k, _)| upstream_keys.contains(&k.as_str())).filter(|m| !unset(m)).cloned();
        let options = Value::Object(upstream_members.collect());
        let config = ClientConfig::<P>::parse(&options, in_browser, None)?;
        let provider = config.provider.clone();
        let upstream = match config.provider.has_credential() {
            true => Upstream::Ready(config),
            false => Upstream::Unset { options, in_browser, environment: env.is_some(), why: None },
        };
        let mut proxy = ProxyConfig {
            provider,
            upstream,
            origins: origins(&fields)?,
            max_body_bytes: fields.integer("maxBodyBytes", 1..=(16 << 20))?.unwrap_or(DEFAULT_MAX_BODY_BYTES),
            base_path: base_path(&fields)?,
            log: log_level(&fields, env)?,
            refused: Vec::new(),
            told_missing: false,
        };
        proxy.supply(env);
        Ok(proxy)
    }

    /// Whether the proxy still waits for a credential from the environment:
    /// then it should be given the variables (again) before a request.
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::providers::ProxyConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let environment = |json: &[u8]| Environment::from_value(&parse(json).unwrap());
    /// let config = parse(br#"{"allowedOrigins": []}"#).unwrap();
    /// let mut proxy = ProxyConfig::from_value(&config, false, environment(b"{}")?.as_ref())?;
    /// assert!(proxy.wants_environment());
    /// proxy.supply(environment(br#"{"TRINETRA_API_KEY": "late-key"}"#)?.as_ref());
    /// assert!(!proxy.wants_environment());
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn wants_environment(&self) -> bool {
        matches!(self.upstream, Upstream::Unset { environment: true, .. })
    }

    /// Takes the credential from `env` (the process environment's
    /// variables) if the config gave none, as a client's call does.
    ///
    /// ```
    /// use kling_extend_core::client::environment::Environment;
    /// use kling_extend_core::providers::ProxyConfig;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let mut proxy = ProxyConfig::from_value(&parse(br#"{"allowedOrigins": []}"#).unwrap(), false, None)?;
    /// assert_eq!(proxy.forward("/v1/jobs/j1", None, None, 0).unwrap_err().status, 503, "no credential yet");
    /// let env = Environment::from_value(&parse(br#"{"TRINETRA_API_KEY": "late-key"}"#).unwrap())?;
    /// proxy.supply(env.as_ref());
    /// let upstream = proxy.forward("/v1/jobs/j1", None, None, 0).unwrap();
    /// assert_eq!(upstream.header("x-api-key"), Some("late-key"));
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn supply(&mut self, env: Option<&Environment>) {
        let (Upstream::Unset { options, in_browser, why, .. }, Some(env)) = (&mut self.upstream, env) else {
            return;
        };
        match ClientConfig::<P>::parse(options, *in_browser, Some(env)) {
            Ok(config) if config.provider.has_credential() => self.upstream = Upstream::Ready(config),
            Ok(_) => *why = None,
            Err(error) => *why = Some(error),
        }
    }

    /// What to do with a request, before its body is read, and what to log
    /// about it: an origin's first refusal, a missing credential's first 503.
    /// `content_length`: the request's header, if any; the body is still
    /// bounded as it is read.
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let mut proxy = ProxyConfig::from_value(&config, false, None)?;
    /// use kling_extend_core::proxy::Decision;
    ///
    /// let page = Some("https://app.example.com");
    /// let submit = "/v1/video/kling-extend-video";
    /// let status = |(decision, _): (Decision, _)| match decision {
    ///     Decision::Reply(reply) => reply.status,
    ///     Decision::Forward { .. } => 0,
    /// };
    /// assert_eq!(status(proxy.decide("OPTIONS", submit, page, None)), 204, "a preflight, answered here");
    /// assert_eq!(status(proxy.decide("GET", submit, page, None)), 405);
    /// assert_eq!(status(proxy.decide("POST", submit, page, Some("1000000"))), 413);
    /// assert_eq!(status(proxy.decide("POST", submit, page, Some("100"))), 0, "forward it");
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn decide(
        &mut self,
        method: &str,
        path: &str,
        origin: Option<&str>,
        content_length: Option<&str>,
    ) -> (Decision, Option<LogLine>) {
        let refused = origin.filter(|origin| !self.allows(Some(origin)));
        let cors = match refused {
            Some(origin) => readable_by(origin),
            None => self.cors(origin),
        };
        let route = match self.route(path) {
            Ok(route) => route,
            Err(reply) => return (Decision::Reply(Reply { headers: cors, ..reply }), None),
        };
        let allowed = match route {
            Route::Submit => "POST",
            Route::Read(_) => "GET",
        };
        // A refused page is told so in words it can read: its preflight
        // passes and its request is answered 403, never forwarded. A refused
        // preflight would show it only a network error, which might as well
        // have been a submit lost on its way back.
        let log = refused.and_then(|origin| self.first_refusal(origin, method, path));
        if method == "OPTIONS" {
            return (Decision::Reply(self.preflight(cors, allowed)), log);
        }
        if refused.is_some() {
            return (Decision::Reply(error_reply(403, ErrorCode::Forbidden, REFUSED_ORIGIN, cors)), log);
        }
        if method != allowed {
            let mut headers = cors;
            headers.push(("allow".into(), format!("{allowed}, OPTIONS")));
            let reply = error_reply(405, ErrorCode::InvalidRequest, "method not allowed here", headers);
            return (Decision::Reply(reply), None);
        }
        let read_body = route == Route::Submit;
        let declared = content_length.and_then(|n| n.trim().parse::<u64>().ok());
        if read_body && declared.is_some_and(|n| n > self.max_body_bytes) {
            return (Decision::Reply(self.reply(413, origin)), None);
        }
        match self.ready() {
            Ok(upstream) => {
                let timeout_ms = upstream.limits.timeout_ms;
                (Decision::Forward { read_body, max_body_bytes: self.max_body_bytes, timeout_ms }, None)
            }
            Err(message) => {
                let log = self.logs(Level::Error) && !std::mem::replace(&mut self.told_missing, true);
                let line = log.then(|| LogLine { level: Level::Error, message: message.clone() });
                (Decision::Reply(error_reply(503, ErrorCode::ServerError, &message, cors)), line)
            }
        }
    }

    /// The upstream request for an allowed request: the body re-built from
    /// its validated fields (nothing unknown passes), the server's credential
    /// added, nothing of the caller's headers kept. `now_ms`: Unix time, to
    /// sign a short-lived credential; a refusal is the reply to answer.
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let proxy = ProxyConfig::from_value(&config, false, None)?;
    /// let body = br#"{"video_id": "v1", "prompt": "the camera pulls back"}"#;
    /// let upstream = proxy.forward("/v1/video/kling-extend-video", Some(body), None, 0).unwrap();
    /// assert_eq!(upstream.url, "https://brahmand-api.bulletshorts.co/v1/video/kling-extend-video");
    /// let unknown = br#"{"video_id": "v1", "webhook": "https://elsewhere.example"}"#;
    /// let refused = proxy.forward("/v1/video/kling-extend-video", Some(unknown), None, 0).unwrap_err();
    /// assert_eq!(refused.status, 400);
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn forward(
        &self,
        path: &str,
        body: Option<&[u8]>,
        origin: Option<&str>,
        now_ms: u64,
    ) -> Result<HttpRequest, Reply> {
        let cors = || self.cors(origin);
        let route = self.route(path).map_err(|reply| Reply { headers: cors(), ..reply })?;
        let upstream = self.ready().map_err(|message| error_reply(503, ErrorCode::ServerError, &message, cors()))?;
        match route {
            Route::Read(id) => Ok(upstream.job_request(&id, now_ms)),
            Route::Submit => {
                let invalid = |e: Error| Reply { headers: cors(), ..error_reply_from(400, &e) };
                let doc = json::parse(body.unwrap_or_default())
                    .map_err(|_| invalid(Error::invalid("body", "must be a JSON object")))?;
                let request = ExtendRequest::from_value(&doc, self.provider.name()).map_err(invalid)?;
                Ok(upstream.submit_request(&request, now_ms))
            }
        }
    }

    /// A canned answer: 401 (authorize said no), 413 (body too large), or
    /// any other status as the proxy's own failure (its CORS headers are what
    /// `createProxy` needs of it then).
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let proxy = ProxyConfig::from_value(&config, false, None)?;
    /// let page = Some("https://app.example.com");
    /// let unauthorized = proxy.reply(401, page);
    /// assert_eq!(unauthorized.status, 401);
    /// assert!(unauthorized.body.is_some_and(|body| body.contains(r#""code":"unauthorized""#)));
    /// assert!(unauthorized.headers.contains(&("access-control-allow-origin".to_owned(), page.unwrap().to_owned())));
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn reply(&self, status: u16, origin: Option<&str>) -> Reply {
        let (code, message) = match status {
            401 => (ErrorCode::Unauthorized, "not authorized"),
            413 => (ErrorCode::InvalidRequest, "the body is too large"),
            _ => (ErrorCode::ServerError, "the proxy could not answer"),
        };
        error_reply(status, code, message, self.cors(origin))
    }

    /// The answer for the upstream's `status` and `body`: a JSON document
    /// passes back as it came, but for the credentials `authorization` (the
    /// forwarded request's header) carried, taken out; anything else becomes
    /// the proxy's own JSON error, with the upstream's status where it means
    /// something (4xx, 5xx), else 502. A redirect or a status outside
    /// 200–599 is a 502 too: no `Response` can carry it, and a redirect
    /// would take the key along.
    ///
    /// `passed`: the upstream's [`PASSED_BACK`] headers, each kept unless it
    /// holds a credential.
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let proxy = ProxyConfig::from_value(&config, false, None)?;
    /// let passed = [("retry-after".to_owned(), "2".to_owned())];
    /// let busy = proxy.relay(429, &passed, br#"{"error":"slow down"}"#, None, None);
    /// assert_eq!((busy.status, busy.headers.as_slice()), (429, &passed[..]));
    /// let html = proxy.relay(502, &[], b"<html>Bad gateway</html>", None, None);
    /// assert!(html.body.is_some_and(|body| !body.contains('<')), "the proxy's own JSON error instead");
    /// let moved = proxy.relay(302, &[], b"{}", None, None);
    /// assert_eq!(moved.status, 502, "a redirect would take the key along");
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn relay(
        &self,
        status: u16,
        passed: &[(String, String)],
        body: &[u8],
        authorization: Option<&str>,
        origin: Option<&str>,
    ) -> Reply {
        let secrets = self.credentials(authorization);
        let mut cors = self.cors(origin);
        if !(200..=599).contains(&status) || (300..=399).contains(&status) {
            let message = format!("the service answered with HTTP {status}, which the proxy does not pass on");
            return error_reply(502, ErrorCode::BadResponse, &message, cors);
        }
        if matches!(status, 204 | 205 | 304) {
            return Reply { status, headers: cors, body: None };
        }
        let Some(text) = std::str::from_utf8(body).ok().filter(|text| json::is_document(text.as_bytes())) else {
            let message = format!("the service answered HTTP {status} with a body that is not JSON");
            let (status, code) = match status {
                400..=599 => (status, status_code(status)),
                _ => (502, ErrorCode::BadResponse),
            };
            return error_reply(status, code, &message, cors);
        };
        let clean = passed
            .iter()
            .filter(|(name, value)| PASSED_BACK.contains(&name.as_str()) && secrets.scrub(value).is_none());
        cors.extend(clean.cloned());
        Reply { status, headers: cors, body: Some(scrub(text, &secrets)) }
    }

    /// The answer when the upstream request got no response. A connection
    /// that never opened is a 503, which tells the client that nothing was
    /// sent (a submit may then be retried, and is not "maybe submitted"); a
    /// timeout is a 504; anything else a 502.
    ///
    /// ```
    /// # use kling_extend_core::providers::ProxyConfig;
    /// # use kling_extend_core::types::json::parse;
    /// # let config = parse(br#"{"apiKey": "server-key", "allowedOrigins": ["https://app.example.com"]}"#).unwrap();
    /// # let proxy = ProxyConfig::from_value(&config, false, None)?;
    /// use kling_extend_core::types::http::Transport;
    ///
    /// assert_eq!(proxy.unanswered(Transport::ConnectFailed, None).status, 503);
    /// assert_eq!(proxy.unanswered(Transport::Timeout, None).status, 504);
    /// assert_eq!(proxy.unanswered(Transport::Network, None).status, 502);
    /// # Ok::<(), kling_extend_core::types::error::Error>(())
    /// ```
    pub fn unanswered(&self, transport: Transport, origin: Option<&str>) -> Reply {
        let (status, code, message) = match transport {
            Transport::Timeout => (504, ErrorCode::Timeout, "the service did not answer in time"),
            t if t.nothing_sent() => {
                (503, ErrorCode::NetworkError, "the service could not be reached, so nothing was sent to it")
            }
            _ => (502, ErrorCode::NetworkError, "the connection to the service failed before it answered"),
        };
        error_reply(status, code, message, self.cors(origin))
    }

    /// Every credential a forwarded request carried (the configured keys,
    /// and the token signed for it, given by its `authorization` header), to
    /// [`scrub`] from its answer.
    fn credentials(&self, authorization: Option<&str>) -> Secrets {
        let mut secrets = match &self.upstream {
            Upstream::Ready(upstream) => upstream.secrets(),
            Upstream::Unset { .. } => Secrets::default(),
        };
        if let Some(token) = authorization.map(|h| h.trim_start_matches("Bearer ")) {
            secrets.add(token);
        }
        secrets
    }

    /// CORS headers for a response to `origin` (none for non-browser callers).
    fn cors(&self, origin: Option<&str>) -> Vec<(String, String)> {
        let Some(origin) = origin.filter(|o| self.allows(Some(o))) else {
            return Vec::new();
        };
        vec![
            ("access-control-allow-origin".into(), origin.to_owned()),
            ("access-control-expose-headers".into(), "retry-after, x-request-id".into()),
            ("vary".into(), "Origin".into()),
        ]
    }

    /// A request without `Origin` is not from a page; CORS does not apply and
    /// `authorize` is the gate.
    fn allows(&self, origin: Option<&str>) -> bool {
        match (origin, &self.origins) {
            (None, _) | (Some(_), Origins::Any) => true,
            (Some(origin), Origins::Only(list)) => list.iter().any(|allowed| allowed.eq_ignore_ascii_case(origin)),
        }
    }

    /// The service's route that `path` names, under `basePath`. A path
    /// outside the prefix is unknown, as is one that only starts with its
    /// text (`/api/videos` is not under `/api/video`): the service's routes
    /// all begin with `/`.
    fn route(&self, path: &str) -> Result<Route, Reply> {
        let not_found = || error_reply(404, ErrorCode::NotFound, "no such route on this proxy", vec![]);
        let path = path.strip_prefix(self.base_path.as_str()).ok_or_else(not_found)?;
        let paths = self.provider.paths();
        if path == paths.submit {
            return Ok(Route::Submit);
        }
        let jobs = path.strip_prefix(paths.jobs).and_then(|rest| rest.strip_prefix('/'));
        let Some(segment) = jobs.filter(|id| !id.is_empty() && !id.contains('/')) else {
            return Err(not_found());
        };
        // Decoded, an id could name another path (`..%2Fadmin`) to an
        // upstream, or a front of it, that decodes before it routes: refused
        // before the server's key goes with it.
        let id = decode_segment(segment);
        if id.contains(['/', '\\']) {
            return Err(error_reply_from(400, &Error::invalid("jobId", "must not hold / or \\ behind a proxy")));
        }
        JobId::new(&id).map(Route::Read).map_err(|e| error_reply_from(400, &e))
    }

    /// The upstream's config, or while there is no credential, what to answer instead.
    fn ready(&self) -> Result<&ClientConfig<P>, String> {
        match &self.upstream {
            Upstream::Ready(upstream) => Ok(upstream),
            Upstream::Unset { environment, why, .. } => {
                Err(missing_credential(&self.provider, *environment, why.as_ref()))
            }
        }
    }

    /// Whether the threshold lets lines at `level` through.
    fn logs(&self, level: Level) -> bool {
        self.log.is_some_and(|threshold| level <= threshold)
    }

    /// The warning for `origin`'s first refusal: a page there sees only a
    /// CORS failure (its preflight refused, nothing sent), the server this.
    /// Each origin once, up to [`MAX_LOGGED_ORIGINS`], the last saying so.
    fn first_refusal(&mut self, origin: &str, method: &str, path: &str) -> Option<LogLine> {
        if !self.logs(Level::Warn) || self.refused.len() >= MAX_LOGGED_ORIGINS {
            return None;
        }
        let origin = clean(origin);
        if self.refused.iter().any(|seen| seen.eq_ignore_ascii_case(&origin)) {
            return None;
        }
        let mut message = format!(
            "createProxy refuses the origin {origin} ({} {}): it is not in allowedOrigins, so nothing from it \
             is forwarded and its pages are answered 403. Add it to allowedOrigins if pages on it should call \
             this proxy",
            clean(method),
            clean(path),
        );
        self.refused.push(origin);
        if self.refused.len() == MAX_LOGGED_ORIGINS {
            message.push_str(&format!(" ({MAX_LOGGED_ORIGINS} origins refused: others are not logged)"));
        }
        Some(LogLine { level: Level::Warn, message })
    }

    fn preflight(&self, mut headers: Vec<(String, String)>, method: &str) -> Reply {
        headers.push(("access-control-allow-methods".into(), format!("{method}, OPTIONS")));
        // Any header a page adds (the client's `headers` option): the proxy
        // sends only its own upstream, so allowing one costs nothing, and a
        // refused one would fail the page as a network error. `*` does not
        // cover authorization, hence its name.
        headers.push(("access-control-allow-headers".into(), "content-type, authorization, accept, *".into()));
        headers.push(("access-control-max-age".into(), PREFLIGHT_MAX_AGE.into()));
        Reply { status: 204, headers, body: None }
    }
}

/// What a request gets while the proxy has no credential: which option to
/// pass or, where the runtime has an `environment`, which variable to set;
/// `why`, a variable's own error, when one was set wrong.
fn missing_credential(provider: &impl Provider, environment: bool, why: Option<&Error>) -> String {
    const NO_CREDENTIAL: &str = "createProxy has no credential for the service, so nothing was sent";
    if let Some(why) = why {
        return format!("{NO_CREDENTIAL}: {}", why.message);
    }
    let (options, variables) = (provider.credential_options(), provider.credential_variables());
    if environment {
        format!(
            "{NO_CREDENTIAL}: set {variables} in the server's environment, or pass {options} in createProxy's config"
        )
    } else {
        format!(
            "{NO_CREDENTIAL}: pass {options} in createProxy's config (in a Worker, from its env: a secret named {variables})"
        )
    }
}

/// `logLevel`, else `KLING_EXTEND_LOG`, else [`DEFAULT_LOG`].
fn log_level(fields: &Fields, env: Option<&Environment>) -> Result<Option<Level>> {
    match (fields.string("logLevel")?, env.and_then(|env| env.get(env::KLING_EXTEND_LOG))) {
        (Some(word), _) => Level::threshold(word, "logLevel"),
        (None, Some(word)) => Level::threshold(word, env::KLING_EXTEND_LOG),
        (None, None) => Ok(Some(DEFAULT_LOG)),
    }
}

/// `basePath` as a plain path prefix: `/` and then segments of unreserved
/// characters, no empty, `.` or `..` segment, so that what it matches is
/// exactly what it says; a trailing `/` is dropped, and `/` alone is no prefix.
fn base_path(fields: &Fields) -> Result<String> {
    let Some(path) = fields.string("basePath")? else { return Ok(String::new()) };
    let trimmed = path.strip_suffix('/').unwrap_or(path);
    if trimmed.is_empty() && path == "/" {
        return Ok(String::new());
    }
    let Some(inner) = trimmed.strip_prefix('/') else {
        return Err(Error::invalid("basePath", "must start with \"/\", e.g. \"/api/video\""));
    };
    let plain = |segment: &str| {
        !matches!(segment, "" | "." | "..")
            && segment.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
    };
    if !inner.split('/').all(plain) {
        return Err(Error::invalid(
            "basePath",
            "must be a path of plain segments (letters, digits, - . _ ~), without //, . or .., a query or a fragment",
        ));
    }
    Ok(trimmed.to_owned())
}

fn origins(fields: &Fields) -> Result<Origins> {
    let Some(list) = fields.array("allowedOrigins")? else {
        return Err(Error::invalid(
            "allowedOrigins",
            "is required: the origins of the pages that may call the proxy, e.g. [\"https://app.example.com\"], \
             or [] when only servers call it",
        ));
    };
    let mut origins = Vec::with_capacity(list.len());
    for (i, item) in list.iter().enumerate() {
        let field = format!("allowedOrigins[{}]", i);
        match item.as_str() {
            Some("*") => return Ok(Origins::Any),
            Some(origin) if is_origin(origin) => origins.push(origin.to_owned()),
            _ => return Err(Error::invalid(&field, "must be an origin such as \"https://app.example.com\", or \"*\"")),
        }
    }
    Ok(Origins::Only(origins))
}

/// An upstream JSON answer with every credential replaced (see
/// [`scrub_json`]), or as it came when it holds none.
fn scrub(body: &str, secrets: &Secrets) -> String {
    scrub_json(body, secrets).map_or_else(|| body.to_owned(), |document| document.to_json())
}

/// The contract's code for an upstream status the proxy passes on.
fn status_code(status: u16) -> ErrorCode {
    let response = crate::types::http::HttpResponse { status, ..Default::default() };
    crate::client::classify::status_error(&response, 0).code
}

/// `scheme://host[:port]` and nothing more, as browsers send in `Origin`.
fn is_origin(text: &str) -> bool {
    check_http_url(text).is_ok() && text.split_once("://").is_some_and(|(_, host)| !host.contains(['/', '?', '#']))
}

/// The contract's error shape: `{"error": {code, message, field?}}`.
/// What a page on a refused origin is answered, and can read.
const REFUSED_ORIGIN: &str = "this page's origin is not in createProxy's allowedOrigins, so nothing was forwarded: \
                              add the origin there if its pages should call this proxy";

/// The CORS headers that let a page on a refused `origin` read what it is
/// refused: only refusals are answered to it.
fn readable_by(origin: &str) -> Vec<(String, String)> {
    vec![("access-control-allow-origin".into(), origin.to_owned()), ("vary".into(), "Origin".into())]
}

fn error_reply(status: u16, code: ErrorCode, message: &str, headers: Vec<(String, String)>) -> Reply {
    Reply { status, headers, body: Some(error_body(code, message, None)) }
}

fn error_reply_from(status: u16, error: &Error) -> Reply {
    Reply { status, headers: vec![], body: Some(error_body(error.code, &error.message, error.field.as_deref())) }
}

fn error_body(code: ErrorCode, message: &str, field: Option<&str>) -> String {
    let text = |s: &str| Some(Value::String(s.to_owned()));
    let error =
        json::object([("code", text(code.as_str())), ("message", text(message)), ("field", field.and_then(text))]);
    json::object([("error", Some(error))]).to_json()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::ProxyConfig;
    use crate::types::http::Method;
    use crate::types::json::parse;

    const APP: &str = "https://app.example.com";

    fn proxy(extra: &str) -> ProxyConfig {
        keyed("server-key", extra)
    }

    fn keyed(key: &str, extra: &str) -> ProxyConfig {
        let config =
            format!(r#"{{"apiKey":"{key}","baseUrl":"http://127.0.0.1:9","allowedOrigins":["{APP}"]{extra}}}"#);
        ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, None).unwrap()
    }

    fn reply((decision, _): (Decision, Option<LogLine>)) -> Reply {
        match decision {
            Decision::Reply(reply) => reply,
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    /// The `error` member of a reply's JSON body.
    fn error_of(reply: &Reply) -> Option<Value> {
        parse(reply.body.as_ref()?.as_bytes()).ok()?.get("error").cloned()
    }

    fn error_code(reply: &Reply) -> Option<String> {
        error_of(reply)?.get("code")?.as_str().map(str::to_owned)
    }

    /// The body `p` passes back for the upstream's `body`, answering `sent`.
    fn relayed(p: &ProxyConfig, body: &str, sent: &HttpRequest) -> String {
        p.relay(200, &[], body.as_bytes(), sent.header("authorization"), None).body.unwrap_or_default()
    }

    #[test]
    fn escaped_echoes_of_a_credential_are_scrubbed_too() {
        let p = keyed("sk_live/abc", "");
        let sent = p.forward("/v1/jobs/j", None, None, 0).unwrap();
        let body = r#"{"error":{"message":"key sk\u005flive\/abc refused"},"n":1.50}"#;
        assert_eq!(relayed(&p, body, &sent), r#"{"error":{"message":"key [redacted] refused"},"n":1.5}"#);
        let nested = r#"{"a":[1,{"sk_live/abc":true}]}"#;
        assert_eq!(relayed(&p, nested, &sent), r#"{"a":[1,{"[redacted]":true}]}"#, "keys, however deep");
        let clean = r#"{"n":1.50, "a":[{"b":"sk_live/abcd"}]}"#;
        assert_eq!(relayed(&p, clean, &sent), clean, "an answer without a credential is passed as it came");
        let digits = keyed("12345", "");
        let sent = digits.forward("/v1/jobs/j", None, None, 0).unwrap();
        assert_eq!(relayed(&digits, r#"{"n":12345, "s":"a 12345"}"#, &sent), r#"{"n":12345,"s":"a [redacted]"}"#);
        assert_eq!(relayed(&digits, r#"{"n":12345}"#, &sent), r#"{"n":12345}"#, "a number is no credential");
        let overwritten = r#"{"echo":"sk_live/abc","echo":"x","e":{"k":"sk\u005flive\/abc","k":1}}"#;
        let sent = p.forward("/v1/jobs/j", None, None, 0).unwrap();
        assert_eq!(relayed(&p, overwritten, &sent), r#"{"echo":"x","e":{"k":1}}"#, "a member a later one replaces");
        let named = r#"{"rawText":"sk_live/abc","m":{"rawText":"x sk_live/abc"}}"#;
        let expected = r#"{"rawText":"[redacted]","m":{"rawText":"x [redacted]"}}"#;
        assert_eq!(relayed(&p, named, &sent), expected, "a member named as the core names a job's text");
    }

    #[test]
    fn forwards_only_the_two_routes_with_their_methods() {
        let mut p = proxy("");
        let submit = "/v1/video/kling-extend-video";
        assert_eq!(
            p.decide("POST", submit, Some(APP), Some("40")).0,
            Decision::Forward { read_body: true, max_body_bytes: 65536, timeout_ms: 30_000 }
        );
        assert_eq!(
            p.decide("GET", "/v1/jobs/job_1", Some(APP), None).0,
            Decision::Forward { read_body: false, max_body_bytes: 65536, timeout_ms: 30_000 }
        );
        assert_eq!(reply(p.decide("GET", "/v1/admin", Some(APP), None)).status, 404);
        assert_eq!(reply(p.decide("GET", "/v1/jobs/a/b", Some(APP), None)).status, 404);
        let wrong = reply(p.decide("GET", submit, Some(APP), None));
        assert_eq!((wrong.status, error_code(&wrong).as_deref()), (405, Some("invalid_request")));
        assert!(wrong.headers.contains(&("allow".into(), "POST, OPTIONS".into())));
    }

    #[test]
    fn other_origins_are_refused_in_words_their_pages_can_read_and_preflights_answered() {
        let mut p = proxy("");
        let evil = "https://evil.example";
        let refused = reply(p.decide("POST", "/v1/video/kling-extend-video", Some(evil), None));
        assert_eq!((refused.status, error_code(&refused).as_deref()), (403, Some("forbidden")));
        assert!(refused.body.as_deref().is_some_and(|body| body.contains("allowedOrigins")), "{refused:?}");
        let readable = readable_by(evil);
        assert_eq!(refused.headers, readable, "the refusal alone is readable: nothing exposed, no methods");
        let preflight = reply(p.decide("OPTIONS", "/v1/jobs/j", Some(APP), None));
        assert_eq!(preflight.status, 204);
        assert!(preflight.headers.contains(&("access-control-allow-origin".into(), APP.into())));
        assert!(preflight.headers.contains(&("access-control-allow-methods".into(), "GET, OPTIONS".into())));
        // A refused page's preflight passes, so that its request gets the 403 above instead of a network error.
        let refused_preflight = reply(p.decide("OPTIONS", "/v1/jobs/j", Some(evil), None));
        assert_eq!(refused_preflight.status, 204);
        assert!(refused_preflight.headers.contains(&("access-control-allow-origin".into(), evil.into())));
        assert_eq!(reply(p.decide("GET", "/v1/jobs/j", Some(evil), None)).status, 403, "its read is refused too");
        assert!(matches!(p.decide("GET", "/v1/jobs/j", None, None).0, Decision::Forward { .. }));
    }

    #[test]
    fn a_declared_large_body_is_refused_unread() {
        let mut p = proxy(r#","maxBodyBytes":100"#);
        assert_eq!(reply(p.decide("POST", "/v1/video/kling-extend-video", Some(APP), Some("101"))).status, 413);
        assert_eq!(p.reply(413, Some(APP)).status, 413);
    }

    #[test]
    fn the_upstream_request_carries_the_server_key_and_only_validated_fields() {
        let p = proxy("");
        let body = br#"{"video_id":"v","prompt":"p","cfg_scale":0.5}"#;
        let upstream = p.forward("/v1/video/kling-extend-video", Some(body), Some(APP), 0).unwrap();
        assert_eq!(
            (upstream.method, upstream.url.as_str()),
            (Method::Post, "http://127.0.0.1:9/v1/video/kling-extend-video")
        );
        assert_eq!(upstream.header("x-api-key"), Some("server-key"));
        assert_eq!(upstream.body, parse(body).ok());
        let read = p.forward("/v1/jobs/job%201", None, None, 0).unwrap();
        assert_eq!(read.url, "http://127.0.0.1:9/v1/jobs/job%201");
    }

    #[test]
    fn a_bad_body_is_answered_with_the_contract_error_shape() {
        let p = proxy("");
        for (body, field) in [
            (&br#"{"video_id":"v","cfg_scale":3}"#[..], "cfg_scale"),
            (b"{}", "video_id"),
            (b"<html>", "body"),
            (br#"{"video_id":"v","x":1}"#, "x"),
        ] {
            let refused = p.forward("/v1/video/kling-extend-video", Some(body), Some(APP), 0).unwrap_err();
            assert_eq!(refused.status, 400);
            let error = error_of(&refused).unwrap();
            assert_eq!(error.get("field").and_then(Value::as_str), Some(field));
            assert_eq!(error.get("code").and_then(Value::as_str), Some("invalid_request"));
            assert!(refused.headers.iter().any(|(k, _)| k == "access-control-allow-origin"));
        }
    }

    #[test]
    fn a_kling_proxy_signs_with_its_keys() {
        let config = r#"{"provider":"kling","accessKey":"ak","secretKey":"sk","allowedOrigins":["*"]}"#;
        let p = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, None).unwrap();
        let upstream =
            p.forward("/v1/videos/video-extend/ke-1", None, Some("https://any.example"), 1_700_000_000_000).unwrap();
        assert!(upstream.header("authorization").is_some_and(|h| h.starts_with("Bearer ey")));
        assert_eq!(p.cors(Some("https://any.example")).len(), 3);
        let api_key = r#"{"provider":"kling","apiKey":"kling-server-key","allowedOrigins":["*"]}"#;
        let p = ProxyConfig::from_value(&parse(api_key.as_bytes()).unwrap(), false, None).unwrap();
        let upstream = p.forward("/v1/videos/video-extend/t", None, None, 0).unwrap();
        assert_eq!(upstream.header("authorization"), Some("Bearer kling-server-key"), "or with Kling's API key");
    }

    #[test]
    fn an_upstream_that_never_answered_says_whether_anything_was_sent() {
        let p = proxy("");
        for (transport, status) in [
            (Transport::ConnectFailed, 503),
            (Transport::NeverSent, 503),
            (Transport::Timeout, 504),
            (Transport::Network, 502),
        ] {
            assert_eq!(p.unanswered(transport, Some(APP)).status, status, "{transport:?}");
        }
    }

    #[test]
    fn an_upstream_echo_of_a_credential_is_scrubbed() {
        let config = r#"{"provider":"kling","accessKey":"ak_x","secretKey":"sk_x","allowedOrigins":["*"]}"#;
        let p = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, None).unwrap();
        let sent = p.forward("/v1/videos/video-extend/t", None, None, 0).unwrap();
        let token = sent.header("authorization").unwrap().trim_start_matches("Bearer ").to_owned();
        let echoed = format!(r#"{{"message":"bad iss ak_x, secret sk_x, token {token}"}}"#);
        assert_eq!(
            relayed(&p, &echoed, &sent),
            r#"{"message":"bad iss [redacted], secret [redacted], token [redacted]"}"#
        );
        let trinetra = proxy("");
        let sent = trinetra.forward("/v1/jobs/j", None, None, 0).unwrap();
        assert_eq!(relayed(&trinetra, r#""key server-key refused""#, &sent), r#""key [redacted] refused""#);
    }

    #[test]
    fn config_mistakes_name_their_field() {
        for (config, field) in [
            (r#"{"apiKey":"k"}"#, "allowedOrigins"),
            (r#"{}"#, "allowedOrigins"),
            (r#"{"allowedOrigins":["*"],"baseUrl":"ftp://x"}"#, "baseUrl"),
            (r#"{"allowedOrigins":["*"],"timeoutMs":-1}"#, "timeoutMs"),
            (r#"{"allowedOrigins":["*"],"provider":"klingg"}"#, "provider"),
            (r#"{"allowedOrigins":["*"],"logLevel":"loud"}"#, "logLevel"),
            (r#"{"allowedOrigins":["*"],"apiKey":" "}"#, "apiKey"),
            (r#"{"provider":"kling","accessKey":"a","allowedOrigins":["*"]}"#, "secretKey"),
            (r#"{"apiKey":"k","allowedOrigins":["app.example.com"]}"#, "allowedOrigins[0]"),
            (r#"{"apiKey":"k","allowedOrigins":["https://a.example/path"]}"#, "allowedOrigins[0]"),
            (r#"{"apiKey":"k","allowedOrigins":["*"],"maxBodyBytes":0}"#, "maxBodyBytes"),
            (r#"{"apiKey":"k","allowedOrigins":["*"],"authorise":true}"#, "authorise"),
        ] {
            let e = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, None).unwrap_err();
            assert_eq!(e.field.as_deref(), Some(field), "{config}");
        }
    }

    #[test]
    fn base_path_serves_the_routes_under_a_prefix_and_nothing_else() {
        let mut p = proxy(r#","basePath":"/api/video/""#);
        let mut forward =
            |path: &str, method: &str| matches!(p.decide(method, path, Some(APP), None).0, Decision::Forward { .. });
        assert!(forward("/api/video/v1/video/kling-extend-video", "POST"));
        assert!(forward("/api/video/v1/jobs/job_1", "GET"));
        for outside in [
            "/v1/video/kling-extend-video",
            "/api/videos/v1/jobs/job_1",
            "/api/video//v1/jobs/job_1",
            "/api%2Fvideo/v1/jobs/job_1",
            "/api/video",
            "/API/video/v1/jobs/job_1",
        ] {
            assert_eq!(reply(p.decide("GET", outside, Some(APP), None)).status, 404, "{outside}");
        }
        let request = p.forward("/api/video/v1/jobs/job_1", None, Some(APP), 0).unwrap();
        assert_eq!(request.url, "http://127.0.0.1:9/v1/jobs/job_1", "upstream, the service's own path");
        assert!(matches!(
            proxy(r#","basePath":"/""#).decide("GET", "/v1/jobs/j", None, None).0,
            Decision::Forward { .. }
        ));
    }

    #[test]
    fn a_base_path_that_is_not_a_plain_prefix_is_refused_by_name() {
        for bad in [
            r#""api""#,
            r#""/a//b""#,
            r#""/a/../b""#,
            r#""/a?x=1""#,
            r#""/a#f""#,
            r#""/a b""#,
            r#""/%2e%2e""#,
            "7",
            r#""""#,
        ] {
            let config =
                format!(r#"{{"apiKey":"k","baseUrl":"http://127.0.0.1:9","allowedOrigins":["*"],"basePath":{bad}}}"#);
            let e = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, None).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("basePath"), "{bad}");
        }
    }

    #[test]
    fn an_upstream_json_document_passes_back_byte_for_byte_but_for_the_key() {
        let p = proxy("");
        let body = r#"{"id":"j1","url":"https://cdn/eyJhbGciOiJIUzI1NiJ9.eyJ2IjoxfQ.c2ln/v.mp4","n":1.50}"#;
        let passed = p.relay(200, &[], body.as_bytes(), None, Some(APP));
        assert_eq!((passed.status, passed.body.as_deref()), (200, Some(body)));
        let upstream =
            [("x-request-id".to_owned(), "server-key".to_owned()), ("retry-after".to_owned(), "2".to_owned())];
        let echoed = p.relay(401, &upstream, br#"{"error":{"message":"bad key server-key"}}"#, None, Some(APP));
        assert!(
            echoed.headers.contains(&upstream[1]) && !echoed.headers.contains(&upstream[0]),
            "{:?}",
            echoed.headers
        );
        assert_eq!(echoed.body.as_deref(), Some(r#"{"error":{"message":"bad key [redacted]"}}"#));
        let headers = passed.wire_headers();
        for (name, value) in [("content-type", "application/json"), ("x-content-type-options", "nosniff")] {
            assert!(headers.contains(&(name.to_owned(), value.to_owned())), "{headers:?}");
        }
        assert!(headers.iter().any(|(k, v)| k == "content-security-policy" && v.contains("default-src 'none'")));
        assert!(headers.iter().any(|(k, _)| k == "access-control-allow-origin"));
    }

    #[test]
    fn an_upstream_body_that_is_not_json_becomes_the_proxys_own_error() {
        let p = proxy("");
        for (status, body, expected, code) in [
            (404, &b"<html><script>alert(1)</script></html>"[..], 404, "not_found"),
            (200, b"<svg onload=alert(1)>", 502, "bad_response"),
            (503, b"", 503, "server_error"),
            (307, br#"{"moved":"elsewhere"}"#, 502, "bad_response"),
            (700, br#"{"id":"j1"}"#, 502, "bad_response"),
        ] {
            let reply = p.relay(status, &[], body, None, Some(APP));
            assert_eq!((reply.status, error_code(&reply).as_deref()), (expected, Some(code)), "{status}");
            assert!(!reply.body.unwrap_or_default().contains("<"), "nothing of the upstream body is passed on");
        }
        let empty = p.relay(204, &[], b"", None, None);
        assert_eq!((empty.status, empty.body), (204, None));
    }

    #[test]
    fn an_id_that_decodes_to_another_path_is_refused_before_the_key_goes() {
        let mut p = proxy("");
        for path in ["/v1/jobs/..%2F..%2Fadmin%2Fkeys", "/v1/jobs/a%5Cb", "/v1/jobs/%2E%2E"] {
            let (Decision::Reply(refused), _) = p.decide("GET", path, Some(APP), None) else {
                panic!("{path} was forwarded")
            };
            assert_eq!((refused.status, error_code(&refused).as_deref()), (400, Some("invalid_request")), "{path}");
        }
    }

    #[test]
    fn every_answer_says_nosniff_and_names_the_upstream_status_it_refused() {
        let p = proxy("");
        let html = p.relay(200, &[], b"<html>", None, Some(APP));
        let message = error_of(&html).and_then(|e| e.get("message").and_then(Value::as_str).map(str::to_owned));
        assert!(message.as_deref().is_some_and(|m| m.contains("HTTP 200")), "{message:?}");
        let empty = p.relay(204, &[], b"", None, Some(APP)).wire_headers();
        assert!(empty.iter().any(|(k, v)| k == "x-content-type-options" && v == "nosniff"), "{empty:?}");
        assert!(!empty.iter().any(|(k, _)| k == "content-type"), "no body, no type");
    }

    fn env(json: &str) -> Environment {
        Environment::from_value(&parse(json.as_bytes()).unwrap()).unwrap().unwrap()
    }

    fn message(reply: &Reply) -> String {
        error_of(reply).and_then(|e| e.get("message")?.as_str().map(str::to_owned)).unwrap_or_default()
    }

    const SUBMIT: &str = "/v1/video/kling-extend-video";

    #[test]
    fn without_a_credential_the_proxy_is_made_and_answers_503_naming_what_to_set_until_the_environment_has_it() {
        let config = parse(br#"{"allowedOrigins":["https://app.example.com"]}"#).unwrap();
        let mut p = ProxyConfig::from_value(&config, false, Some(&env("{}"))).unwrap();
        assert!(p.wants_environment());
        let empty = parse(br#"{"apiKey":"","allowedOrigins":["https://app.example.com"]}"#).unwrap();
        assert_eq!(ProxyConfig::from_value(&empty, false, Some(&env("{}"))), Ok(p.clone()), "an empty apiKey is none");
        let (decision, log) = p.decide("POST", SUBMIT, Some(APP), Some("20"));
        let refused = reply((decision, None));
        assert_eq!((refused.status, error_code(&refused).as_deref()), (503, Some("server_error")));
        let text = message(&refused);
        assert!(text.contains("set TRINETRA_API_KEY") && text.contains("pass apiKey"), "{text}");
        assert!(text.contains("nothing was sent") && !text.contains("point baseUrl"), "{text}");
        assert!(refused.headers.iter().any(|(k, _)| k == "access-control-allow-origin"), "the page can read why");
        assert_eq!(log, Some(LogLine { level: Level::Error, message: text.clone() }), "logged");
        assert_eq!(p.decide("GET", "/v1/jobs/j", None, None).1, None, "once");
        assert_eq!(reply(p.decide("OPTIONS", SUBMIT, Some(APP), None)).status, 204, "preflights pass");
        assert_eq!(p.forward("/v1/jobs/j", None, None, 0).unwrap_err().status, 503);

        p.supply(Some(&env(r#"{"TRINETRA_API_KEY":"late-key"}"#)));
        assert!(!p.wants_environment());
        assert!(matches!(p.decide("POST", SUBMIT, Some(APP), None).0, Decision::Forward { .. }));
        let sent = p.forward("/v1/jobs/j", None, None, 0).unwrap();
        assert_eq!(sent.header("x-api-key"), Some("late-key"));
        assert_eq!(sent.url, "https://brahmand-api.bulletshorts.co/v1/jobs/j");
        assert_eq!(relayed(&p, r#""late-key""#, &sent), r#""[redacted]""#, "the environment's key is scrubbed too");
    }

    #[test]
    fn a_missing_credential_names_each_providers_options_and_variables_or_a_workers_secret() {
        let made = |config: &str, env: Option<&Environment>| {
            let mut p = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, env).unwrap();
            message(&reply(p.decide("GET", "/v1/videos/video-extend/t", None, None)))
        };
        let kling = made(r#"{"provider":"kling","allowedOrigins":[]}"#, Some(&env("{}")));
        assert!(kling.contains("KLING_API_KEY (or KLING_ACCESS_KEY and KLING_SECRET_KEY)"), "{kling}");
        assert!(kling.contains("apiKey (or accessKey and secretKey, or token)"), "{kling}");
        let half = made(r#"{"provider":"kling","allowedOrigins":[]}"#, Some(&env(r#"{"KLING_ACCESS_KEY":"ak"}"#)));
        assert!(half.ends_with("KLING_SECRET_KEY is required with KLING_ACCESS_KEY"), "{half}");
        assert!(!half.contains("ak\""), "no value of a variable");
        let worker = made(r#"{"provider":"kling","baseUrl":"https://up.example","allowedOrigins":[]}"#, None);
        assert!(worker.contains("in a Worker") && worker.contains("pass apiKey"), "{worker}");
        let p = ProxyConfig::from_value(&parse(br#"{"allowedOrigins":[]}"#).unwrap(), false, None).unwrap();
        assert!(!p.wants_environment(), "a runtime without an environment is not asked for one");
    }

    #[test]
    fn each_refused_origin_is_logged_once_and_only_so_many_are_remembered() {
        let mut p = proxy("");
        let (_, first) = p.decide("OPTIONS", SUBMIT, Some("https://evil.example"), None);
        let first = first.expect("the first refusal is logged");
        assert_eq!(first.level, Level::Warn);
        for part in ["https://evil.example", "403", "OPTIONS /v1/video/kling-extend-video", "allowedOrigins"] {
            assert!(first.message.contains(part), "{part}: {}", first.message);
        }
        assert_eq!(p.decide("POST", SUBMIT, Some("https://evil.example"), None).1, None, "once per origin");
        assert_eq!(p.decide("POST", SUBMIT, Some("HTTPS://EVIL.example"), None).1, None, "in any case");
        assert_eq!(p.decide("POST", SUBMIT, Some(APP), None).1, None, "an allowed origin is not logged");
        let logged: Vec<LogLine> = (0..200)
            .filter_map(|i| p.decide("GET", "/v1/jobs/j", Some(&format!("https://o{i}.example")), None).1)
            .collect();
        assert_eq!(logged.len(), MAX_LOGGED_ORIGINS - 1);
        assert!(logged.last().unwrap().message.ends_with("others are not logged)"), "{:?}", logged.last());
        assert_eq!(p.refused.len(), MAX_LOGGED_ORIGINS, "memory is bounded");
        let long = format!("https://{}.example\u{1b}[31m", "a".repeat(5000));
        let mut q = proxy("");
        let line = q.decide("GET", "/v1/jobs/j", Some(&long), None).1.unwrap();
        assert!(line.message.len() < 800 && !line.message.contains('\u{1b}'), "bounded and without controls");
    }

    #[test]
    fn the_log_level_comes_from_the_config_then_the_environment_and_is_warn_by_default() {
        let origin_logged = |extra: &str, env: Option<&Environment>| {
            let config = format!(r#"{{"apiKey":"k","allowedOrigins":[]{extra}}}"#);
            let mut p = ProxyConfig::from_value(&parse(config.as_bytes()).unwrap(), false, env).unwrap();
            p.decide("GET", "/v1/jobs/j", Some(APP), None).1.is_some()
        };
        assert!(origin_logged("", None));
        assert!(!origin_logged(r#","logLevel":"error""#, None));
        assert!(!origin_logged("", Some(&env(r#"{"KLING_EXTEND_LOG":"off"}"#))));
        assert!(origin_logged(r#","logLevel":"debug""#, Some(&env(r#"{"KLING_EXTEND_LOG":"off"}"#))));
        let quiet = r#"{"allowedOrigins":[],"logLevel":"off"}"#;
        let mut p = ProxyConfig::from_value(&parse(quiet.as_bytes()).unwrap(), false, None).unwrap();
        assert_eq!(p.decide("GET", "/v1/jobs/j", None, None).1, None, "off: not even a missing credential");
    }

    #[test]
    fn an_empty_allowed_origins_serves_servers_only() {
        let config = parse(br#"{"apiKey":"k","allowedOrigins":[]}"#).unwrap();
        let mut servers = ProxyConfig::from_value(&config, false, None).unwrap();
        assert!(matches!(servers.decide("POST", SUBMIT, None, None).0, Decision::Forward { .. }));
        assert_eq!(reply(servers.decide("POST", SUBMIT, Some(APP), None)).status, 403);
        let refusal = reply(servers.decide("POST", SUBMIT, Some(APP), None));
        assert_eq!(refusal.headers, readable_by(APP), "a page reads why");
    }
}
