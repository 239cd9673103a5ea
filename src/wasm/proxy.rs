//! `createProxy`'s core as a JS class; `src/js/proxy.js` does the I/O.

use super::convert::{to_js, to_value};
use super::in_browser;
use crate::core::http::HttpRequest;
use crate::core::json::{object, Value};
use crate::core::proxy::{scrub, Decision, ProxyConfig, Reply, PASSED_BACK};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
pub struct ProxyCore {
    config: ProxyConfig,
}

/// A request to forward: what to send, and the credentials it carries, so
/// its answer can be scrubbed of them.
#[wasm_bindgen]
pub struct Forwarded {
    upstream: Value,
    credentials: Vec<String>,
}

#[wasm_bindgen]
impl Forwarded {
    /// `{ url, method, headers, body, timeoutMs, cors, passBack }`.
    #[wasm_bindgen(getter)]
    pub fn upstream(&self) -> JsValue {
        to_js(&self.upstream)
    }

    /// The upstream answer's body with every credential replaced.
    pub fn scrub(&self, body: &str) -> String {
        scrub(body, &self.credentials)
    }
}

#[wasm_bindgen]
impl ProxyCore {
    /// `config` without `authorize`, which stays in JS.
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<ProxyCore, JsValue> {
        Ok(ProxyCore { config: ProxyConfig::from_value(&to_value(&config, "config")?, in_browser())? })
    }

    /// `{ reply }` to answer at once, or `{ forward: { readBody, maxBodyBytes } }`.
    pub fn decide(&self, method: &str, path: &str, origin: Option<String>, content_length: Option<String>) -> JsValue {
        match self.config.decide(method, path, origin.as_deref(), content_length.as_deref()) {
            Decision::Reply(reply) => reply_js(reply),
            Decision::Forward { read_body, max_body_bytes } => to_js(&object([(
                "forward",
                Some(object([
                    ("readBody", Some(Value::Bool(read_body))),
                    ("maxBodyBytes", Some(Value::Number(max_body_bytes as f64))),
                ])),
            )])),
        }
    }

    /// A [`Forwarded`], or `{ reply }` when the request is refused.
    pub fn forward(&self, path: &str, body: Option<Vec<u8>>, origin: Option<String>) -> JsValue {
        let now_ms = js_sys::Date::now() as u64;
        match self.config.forward(path, body.as_deref(), origin.as_deref(), now_ms) {
            Ok(request) => JsValue::from(Forwarded {
                credentials: self.config.credentials(&request),
                upstream: self.upstream(request, origin.as_deref()),
            }),
            Err(reply) => reply_js(reply),
        }
    }

    /// `{ reply }` for 401 (refused by `authorize`), 413, 502 or 504.
    pub fn reply(&self, status: u16, origin: Option<String>) -> JsValue {
        reply_js(self.config.reply(status, origin.as_deref()))
    }
}

impl ProxyCore {
    fn upstream(&self, request: HttpRequest, origin: Option<&str>) -> Value {
        let text = |s: &str| Some(Value::String(s.to_owned()));
        let headers = request.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.as_str().to_owned())));
        object([
            ("url", text(&request.url)),
            ("method", text(request.method.as_str())),
            ("headers", Some(Value::Object(headers.collect()))),
            ("body", request.body),
            ("timeoutMs", Some(Value::Number(self.config.timeout_ms().into()))),
            ("cors", Some(pairs(self.config.cors(origin)))),
            ("passBack", Some(Value::Array(PASSED_BACK.iter().map(|h| Value::String((*h).into())).collect()))),
        ])
    }
}

fn pairs(headers: Vec<(String, String)>) -> Value {
    Value::Object(headers.into_iter().map(|(k, v)| (k, Value::String(v))).collect())
}

fn reply_js(reply: Reply) -> JsValue {
    let reply = object([
        ("status", Some(Value::Number(reply.status.into()))),
        ("headers", Some(pairs(reply.headers))),
        ("body", reply.body),
    ]);
    to_js(&object([("reply", Some(reply))]))
}
