//! What every provider's HTTP exchange shares.

use crate::core::error::{Error, Result};
use crate::core::http::{HeaderValue, HttpRequest, Method};
use crate::core::json::Value;
use crate::core::options::ClientConfig;
use crate::core::url::encode_segment;

/// A job id fit to be a URL path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobId(String);

impl JobId {
    pub fn parse(id: &Value) -> Result<JobId> {
        let Some(text) = id.as_str() else {
            return Err(Error::invalid(
                "jobId",
                format!("must be a string, not {}", id.kind()),
            ));
        };
        if text.trim().is_empty() || text.len() > 512 {
            return Err(Error::invalid(
                "jobId",
                "must be a non-empty string of at most 512 bytes",
            ));
        }
        // "." and ".." would be resolved away by URL parsers and change the route.
        if text.bytes().all(|b| b == b'.') {
            return Err(Error::invalid("jobId", "is not a valid id"));
        }
        Ok(JobId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn segment(&self) -> String {
        encode_segment(&self.0)
    }
}

/// A request to `path` under the base URL, with the caller's extra headers
/// and then the credential, which no extra header can replace.
pub fn request(
    config: &ClientConfig,
    method: Method,
    path: &str,
    credential: Option<(&str, HeaderValue)>,
    body: Option<Value>,
) -> HttpRequest {
    let mut headers: Vec<(String, HeaderValue)> = vec![(
        "accept".into(),
        HeaderValue::Plain("application/json".into()),
    )];
    if body.is_some() {
        headers.push((
            "content-type".into(),
            HeaderValue::Plain("application/json".into()),
        ));
    }
    let replaced = |name: &str| {
        headers_named(&headers, name)
            || credential
                .as_ref()
                .is_some_and(|(c, _)| c.eq_ignore_ascii_case(name))
    };
    let extra: Vec<_> = config
        .headers
        .iter()
        .filter(|(name, _)| !replaced(name))
        .map(|(name, value)| (name.clone(), HeaderValue::Plain(value.clone())))
        .collect();
    headers.extend(extra);
    headers.extend(credential.map(|(name, value)| (name.to_owned(), value)));
    HttpRequest {
        method,
        url: format!("{}{path}", config.base_url),
        headers,
        body,
    }
}

fn headers_named(headers: &[(String, HeaderValue)], name: &str) -> bool {
    headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::json::parse;

    #[test]
    fn job_ids_cannot_change_the_route() {
        assert_eq!(
            JobId::parse(&Value::String("a/../b".into()))
                .unwrap()
                .segment(),
            "a%2F..%2Fb"
        );
        for bad in [r#""""#, r#"" ""#, r#"".""#, r#""..""#, "7", "null"] {
            assert!(
                JobId::parse(&parse(bad.as_bytes()).unwrap()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn extra_headers_cannot_replace_the_credential() {
        let config = ClientConfig::from_value(
            &parse(br#"{"headers":{"X-API-Key":"spoof","x-trace":"1","Accept":"text/html"}}"#)
                .unwrap(),
            false,
        )
        .unwrap();
        let credential = Some(("x-api-key", HeaderValue::Plain("real".into())));
        let r = request(&config, Method::Get, "/v1/jobs/x", credential, None);
        assert_eq!(r.header("x-api-key"), Some("real"));
        assert_eq!(r.header("x-trace"), Some("1"));
        assert_eq!(r.header("accept"), Some("application/json"));
        assert_eq!(r.headers.len(), 3);
    }
}
