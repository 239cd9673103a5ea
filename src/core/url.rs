//! The little URL handling the package needs: checks and path building.

/// Checks that `url` is an absolute `http(s)` URL with a host and no white
/// space; returns why not.
pub fn check_http_url(url: &str) -> Result<(), &'static str> {
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
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or(host);
    if host.is_empty() || host.starts_with(':') {
        return Err("must name a host");
    }
    Ok(())
}

/// Percent-encodes one path segment, so an id can never change the route.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_absolute_http_urls_with_a_host() {
        assert!(check_http_url("https://example.com/hook?x=1").is_ok());
        assert!(check_http_url("HTTP://127.0.0.1:8787").is_ok());
        for bad in ["", "example.com", "ftp://x", "https://", "https:///path", "http://a b", "javascript:alert(1)"] {
            assert!(check_http_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_id_cannot_escape_its_segment() {
        assert_eq!(encode_segment("job_1-a.b~"), "job_1-a.b~");
        assert_eq!(encode_segment("../x?y#z"), "..%2Fx%3Fy%23z");
        assert_eq!(encode_segment("é"), "%C3%A9");
    }
}
