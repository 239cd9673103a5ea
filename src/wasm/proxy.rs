//! `createProxy`'s core as a JS class; `src/js/lib/proxy.js` does the I/O. Answers
//! cross as JSON text, like every other export.

use super::convert::{answer, arg};
use super::settings::environment;
use kling_extend_core::providers::ProxyConfig;
use kling_extend_core::proxy::{Decision, LogLine, Reply, PASSED_BACK};
use kling_extend_core::types::http::{HttpRequest, Transport};
use kling_extend_core::types::json::{object, Value};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct ProxyCore {
    config: ProxyConfig,
}

/// A request to forward, or the reply that refuses it.
#[wasm_bindgen]
pub struct Forwarded {
    outcome: Result<Value, Reply>,
}

#[wasm_bindgen]
impl Forwarded {
    /// `{ status, headers, body? }` when the request is refused.
    pub fn refusal(&self) -> Option<String> {
        self.outcome.as_ref().err().map(|reply| reply_value(reply.clone()).to_json())
    }

    /// The request to send upstream (see [`upstream`]) when it is not refused.
    pub fn upstream(&self) -> Option<String> {
        self.outcome.as_ref().ok().map(Value::to_json)
    }
}

#[wasm_bindgen]
impl ProxyCore {
    /// `config` (JSON, without `authorize` and `logger`, which stay in JS),
    /// `env` the process environment's variables (JSON, `null` where the
    /// runtime has none); a refused config throws its `{"error":…}` answer.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str, browser: bool, env: &str) -> Result<ProxyCore, String> {
        let config = arg(config).and_then(|config| {
            let env = environment(env)?;
            ProxyConfig::from_value(&config, browser, env.as_ref())
        });
        config.map(|config| ProxyCore { config }).map_err(|error| answer(Err(error)))
    }

    /// Whether to call [`ProxyCore::supply`] before the next request: the
    /// config gave no credential, and the environment may hold one by now.
    #[wasm_bindgen(getter = wantsEnvironment)]
    pub fn wants_environment(&self) -> bool {
        self.config.wants_environment()
    }

    /// The process environment's variables again (JSON); a text that is not
    /// one leaves the proxy as it was.
    pub fn supply(&mut self, env: &str) {
        if let Ok(env) = environment(env) {
            self.config.supply(env.as_ref());
        }
    }

    /// `{ reply }` to answer at once, or `{ forward: { readBody, maxBodyBytes,
    /// timeoutMs } }`: `timeoutMs` bounds the wait for `authorize`, then the
    /// upstream request; with `log: { level, message }` for the logger.
    pub fn decide(
        &mut self,
        method: &str,
        path: &str,
        origin: Option<String>,
        content_length: Option<String>,
    ) -> String {
        let (decision, log) = self.config.decide(method, path, origin.as_deref(), content_length.as_deref());
        let decision = match decision {
            Decision::Reply(reply) => ("reply", reply_value(reply)),
            Decision::Forward { read_body, max_body_bytes, timeout_ms } => (
                "forward",
                object([
                    ("readBody", Some(Value::Bool(read_body))),
                    ("maxBodyBytes", Some(Value::Number(max_body_bytes as f64))),
                    ("timeoutMs", Some(Value::Number(timeout_ms.into()))),
                ]),
            ),
        };
        object([(decision.0, Some(decision.1)), ("log", log.map(log_value))]).to_json()
    }

    pub fn forward(&self, path: &str, body: Option<Vec<u8>>, origin: Option<String>, now_ms: f64) -> Forwarded {
        let request = self.config.forward(path, body.as_deref(), origin.as_deref(), now_ms as u64);
        Forwarded { outcome: request.map(upstream) }
    }

    /// `{ status, headers, body? }` for the upstream's answer: `headers`
    /// are the values of the `passBack` names as a JSON list (null where
    /// absent), `authorization` the forwarded request's header, whose
    /// credential is taken out. A method of the core, not of the request, so
    /// an answer that arrived is still passed back by a core made again
    /// after the instance restarted.
    pub fn relay(
        &self,
        status: u16,
        headers: &str,
        body: &[u8],
        authorization: Option<String>,
        origin: Option<String>,
    ) -> String {
        let values = arg(headers).ok();
        let values = values.as_ref().and_then(Value::as_array).unwrap_or_default();
        let passed: Vec<(String, String)> = PASSED_BACK
            .iter()
            .zip(values)
            .filter_map(|(name, value)| Some(((*name).to_owned(), value.as_str()?.to_owned())))
            .collect();
        let reply = self.config.relay(status, &passed, body, authorization.as_deref(), origin.as_deref());
        reply_value(reply).to_json()
    }

    /// `{ status, headers, body? }` for 401 (refused by `authorize`) or 413.
    pub fn reply(&self, status: u16, origin: Option<String>) -> String {
        reply_value(self.config.reply(status, origin.as_deref())).to_json()
    }

    /// The answer when the upstream request failed: `cause` is Node's
    /// `err.cause.code` (or ""), `timed_out` whether its timeout fired.
    pub fn unanswered(&self, cause: &str, timed_out: bool, origin: Option<String>) -> String {
        let transport = if timed_out {
            Transport::Timeout
        } else {
            Transport::from_cause_code(Some(cause).filter(|c| !c.is_empty()))
        };
        reply_value(self.config.unanswered(transport, origin.as_deref())).to_json()
    }
}

/// `{ url, method, headers, body?, passBack }`; `body` is the text to send.
fn upstream(request: HttpRequest) -> Value {
    let text = |s: &str| Some(Value::String(s.to_owned()));
    let headers = request.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.as_str().to_owned())));
    object([
        ("url", text(&request.url)),
        ("method", text(request.method.as_str())),
        ("headers", Some(Value::Object(headers.collect()))),
        ("body", request.body.map(|body| Value::String(body.to_json()))),
        ("passBack", Some(Value::Array(PASSED_BACK.iter().map(|h| Value::String((*h).into())).collect()))),
    ])
}

fn log_value(line: LogLine) -> Value {
    object([("level", Some(Value::String(line.level.as_str().into()))), ("message", Some(Value::String(line.message)))])
}

fn pairs(headers: Vec<(String, String)>) -> Value {
    Value::Object(headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

/// `body` is the text to send.
fn reply_value(reply: Reply) -> Value {
    object([
        ("status", Some(Value::Number(reply.status.into()))),
        ("headers", Some(pairs(reply.wire_headers()))),
        ("body", reply.body.map(Value::String)),
    ])
}
