//! The little URL handling the package needs: checks and path segments
//! (percent-encoding from the `percent-encoding` crate).
//!
//! Only [`decode_segment`] is public, for whoever reads a job id out of a
//! path, as the proxy does.
//!
//! ```
//! use kling_extend_core::types::url::decode_segment;
//!
//! let path = "/v1/jobs/job%201";
//! let id = path.rsplit('/').next().map(decode_segment);
//! assert_eq!(id.as_deref(), Some("job 1"));
//! ```

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

/// Checks that `url` is an absolute `http(s)` URL that `fetch` will take:
/// a host, a possible port, no white space and no user info (which `fetch`
/// refuses, and which would put a credential in every URL); returns why not.
pub(crate) fn check_http_url(url: &str) -> Result<(), &'static str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return Err("must be an absolute http(s) URL");
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces or control characters");
    }
    // The authority ends at the path, query or fragment; the host follows any user info.
    let authority = &rest[..rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len())];
    if authority.contains('@') {
        return Err("must not carry credentials (user:password@); pass them as options");
    }
    if authority.is_empty() || authority.starts_with(':') {
        return Err("must name a host");
    }
    // A port follows the last colon, unless that colon is inside an IPv6 `[…]`.
    match authority.rsplit_once(':') {
        Some((_, port)) if !port.is_empty() && !port.contains(']') && !port.parse::<u16>().is_ok_and(|n| n > 0) => {
            Err("must have a port from 1 to 65535")
        }
        _ => Ok(()),
    }
}

/// Every byte but RFC 3986's unreserved ones (`A-Z a-z 0-9 - . _ ~`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Percent-encodes one path segment, so an id can never change the route.
pub(crate) fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Percent-decodes a path segment; one whose bytes are not UTF-8 once
/// decoded is kept as it came.
///
/// ```
/// use kling_extend_core::types::url::decode_segment;
///
/// assert_eq!(decode_segment("a%2F..%2Fb"), "a/../b");
/// assert_eq!(decode_segment("%C3%A9"), "é");
/// assert_eq!(decode_segment("%ff"), "%ff", "not UTF-8: kept as it came");
/// ```
pub fn decode_segment(segment: &str) -> String {
    percent_decode_str(segment).decode_utf8().map_or_else(|_| segment.to_owned(), |text| text.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_fetch_would_refuse_are_refused_first() {
        for good in
            ["http://127.0.0.1:8080/v1", "https://a.test", "http://[::1]:9/x", "http://[::1]/x", "https://a.test:443"]
        {
            assert_eq!(check_http_url(good), Ok(()), "{good}");
        }
        for bad in [
            "http://user:pw@a.test",
            "http://a.test:99999",
            "http://a.test:0",
            "http://a.test:8o",
            "http://:80",
            "ftp://a",
        ] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn accepts_only_absolute_http_urls_with_a_host() {
        assert!(check_http_url("https://example.com/hook?x=1").is_ok());
        assert!(check_http_url("HTTP://127.0.0.1:8787").is_ok());
        for bad in ["", "example.com", "ftp://x", "https://", "https:///path", "http://a b", "javascript:alert(1)"] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn segments_decode_what_encode_made() {
        for id in ["job_1", "a/../b", "é ü?#", "100%"] {
            assert_eq!(decode_segment(&encode_segment(id)), id);
        }
        assert_eq!(decode_segment("%zz%4"), "%zz%4");
        assert_eq!(decode_segment("%ff"), "%ff");
    }

    #[test]
    fn an_id_cannot_escape_its_segment() {
        assert_eq!(encode_segment("job_1-a.b~"), "job_1-a.b~");
        assert_eq!(encode_segment("../x?y#z"), "..%2Fx%3Fy%23z");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
