//! What every provider's HTTP exchange shares.

use crate::client::provider::Endpoint;
use crate::types::http::{HeaderValue, HttpRequest, Method};
use crate::types::job::{Output, Video};
use crate::types::json::{self, Keep, Value};

/// What the providers read of a result video (see [`videos`]).
pub const VIDEO: Keep =
    Keep::Members(&[("type", Keep::All), ("url", Keep::All), ("id", Keep::All), ("duration", Keep::All)]);

/// A request to `path` under the base URL, with the caller's extra headers
/// and then the credential, which no extra header can replace.
pub fn request(
    endpoint: Endpoint,
    method: Method,
    path: &str,
    credential: Option<(&str, HeaderValue)>,
    body: Option<Value>,
) -> HttpRequest {
    let mut headers: Vec<(String, HeaderValue)> =
        vec![("accept".into(), HeaderValue::Plain("application/json".into()))];
    if body.is_some() {
        headers.push(("content-type".into(), HeaderValue::Plain("application/json".into())));
    }
    // Extra headers give way to the package's own, not to one another.
    let own = headers.len();
    for (name, value) in endpoint.headers {
        let credential_name = credential.as_ref().is_some_and(|(c, _)| c.eq_ignore_ascii_case(name));
        if !headers_named(&headers[..own], name) && !credential_name {
            headers.push((name.clone(), HeaderValue::Plain(value.clone())));
        }
    }
    if let Some((name, value)) = credential {
        headers.push((name.to_owned(), value));
    }
    HttpRequest { method, url: format!("{}{path}", endpoint.base_url), headers, body }
}

fn headers_named(headers: &[(String, HeaderValue)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

/// A member that must be a non-empty string, or `missing` as the reason.
pub fn required_str<'a>(doc: &'a Value, key: &str, missing: &'static str) -> Result<&'a str, &'static str> {
    doc.get(key).and_then(Value::as_str).filter(|s| !s.is_empty()).ok_or(missing)
}

/// A list of result videos, `[{ url, type?, id?, duration? }]`; `None` when
/// absent. Only entries of `type` "video" are videos: an entry of another
/// type (an image, audio) stays in the job's `raw`. `typed`: every entry
/// names its type (Kling's newer documents: `image`, `video`, `audio`,
/// `element`, `voice`), so one without is no video either.
pub fn videos(list: Option<&Value>, typed: bool) -> Result<Option<Output>, &'static str> {
    let Some(list) = list.filter(|v| !matches!(v, Value::Null)) else {
        return Ok(None);
    };
    let items = list.as_array().ok_or("a list of videos that is not a list")?;
    // A loop rather than `collect::<Result<Vec<_>, _>>()`, whose adapters cost wasm.
    let mut outputs = Vec::with_capacity(items.len());
    for item in items {
        let video = match item.get("type") {
            Some(Value::String(kind)) => kind == "video",
            _ => !typed,
        };
        if !video {
            continue;
        }
        outputs.push(Video {
            url: required_str(item, "url", "a video without a url")?.to_owned(),
            kind: "video",
            id: item.get("id").and_then(Value::as_str).map(str::to_owned),
            duration: item.get("duration").and_then(number),
        });
    }
    Ok(Some(Output { outputs }))
}

/// A number given as a number or as a numeric string (Kling writes
/// durations and units as strings).
pub fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(n) => Some(*n),
        Value::String(s) => json::parse_number(s.trim()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::testing::trinetra;

    #[test]
    fn extra_headers_cannot_replace_the_credential() {
        let config =
            trinetra("real").header("X-API-Key", "spoof").header("x-trace", "1").header("Accept", "text/html").config();
        let credential = Some(("x-api-key", HeaderValue::Plain("real".into())));
        let r = request(config.endpoint(), Method::Get, "/v1/jobs/x", credential, None);
        assert_eq!(r.header("x-api-key"), Some("real"));
        assert_eq!(r.header("x-trace"), Some("1"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.headers.len(), 3);
    }

    #[test]
    fn extra_headers_do_not_replace_one_another() {
        let config = trinetra("k").header("X-Trace", "1").header("x-trace", "2").config();
        let r = request(config.endpoint(), Method::Get, "/v1/jobs/x", None, None);
        let names: Vec<&str> = r.headers.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["accept", "X-Trace", "x-trace"]);
    }
}
