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
    // The authority ends at the path, query or fragment; the host follows any user info.
    let authority = &rest[..rest.bytes().position(|b| matches!(b, b'/' | b'?' | b'#')).unwrap_or(rest.len())];
    let host = &authority[authority.bytes().rposition(|b| b == b'@').map_or(0, |at| at + 1)..];
    if host.is_empty() || host.starts_with(':') {
        return Err("must name a host");
    }
    Ok(())
}

/// Percent-encodes one path segment, so an id can never change the route.
pub fn encode_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte >> 4)]));
            out.push(char::from(b"0123456789ABCDEF"[usize::from(byte & 15)]));
        }
    }
    out
}

/// Percent-decodes a path segment; an escape that is not two hex digits, or
/// bytes that are not UTF-8, are kept as they came.
pub fn decode_segment(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u64::from_str_radix(h, 16).ok())
            .map(|n| n as u8); // Two hex digits at most.
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| segment.to_owned())
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
