//! Text work without std's heavier machinery, which a page pays for in wasm.
//!
//! `format!` and `to_string()` on a number pull in `core::fmt` (`fmt::write`,
//! `Formatter`'s padding, the integer tables: about 2 KB); the messages here
//! are only pieces of text joined with `concat` and whole numbers written by
//! [`decimal`]. `str::find` and `str::replace` with a `&str` bring the two-way
//! searcher (about 2.5 KB); the texts searched here are short. `str::parse`
//! and `from_str_radix` cost about 300 B each per integer type.

/// `parts` joined into one `String`, as `parts.concat()` does, whose generic
/// join code is twice this size in wasm.
pub fn concat(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        out.push_str(part);
    }
    out
}

/// `n` in decimal: `decimal(429)` is `"429"`.
pub fn decimal(n: u64) -> String {
    let mut out = String::new();
    push_decimal(&mut out, n);
    out
}

/// Appends `n` in decimal.
pub fn push_decimal(out: &mut String, n: u64) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// `n` in decimal, with a `-` when negative.
pub fn signed_decimal(n: i64) -> String {
    let sign = if n < 0 { "-" } else { "" };
    concat(&[sign, &decimal(n.unsigned_abs())])
}

/// `text` as a whole number in `radix` (2 to 36), read as `u64::from_str_radix`
/// reads it: digits only, after an optional `+`; `None` when there are none or
/// the number passes `u64::MAX`.
pub fn parse_u64(text: &str, radix: u32) -> Option<u64> {
    let digits = text.strip_prefix("+").unwrap_or(text);
    if digits.is_empty() {
        return None;
    }
    let mut n: u64 = 0;
    for byte in digits.bytes() {
        let digit = char::from(byte).to_digit(radix)?;
        n = n.checked_mul(radix.into())?.checked_add(digit.into())?;
    }
    Some(n)
}

/// `bytes` as text, each invalid sequence replaced by U+FFFD: what
/// `String::from_utf8_lossy` gives, built on `str::from_utf8` (which the JSON
/// parser needs anyway) rather than on `Utf8Chunks` (about 750 B of wasm).
pub fn from_utf8_lossy(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                out.push_str(text);
                return out;
            }
            Err(e) => {
                let (valid, invalid) = rest.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(valid).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                rest = &invalid[e.error_len().map_or(invalid.len(), usize::from)..];
            }
        }
    }
}

/// `text` split around the first `byte` (an ASCII one, so both halves are
/// text), by a plain scan where `split_once` on a char brings `memchr`.
pub fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == byte)?;
    Some((&text[..at], &text[at + 1..]))
}

/// Where `needle` first occurs in `text`, by a plain scan; an empty needle
/// is found nowhere. A match of valid UTF-8 in valid UTF-8 always starts and
/// ends on char boundaries.
pub fn find(text: &str, needle: &str) -> Option<usize> {
    if needle.is_empty() {
        return None;
    }
    text.as_bytes().windows(needle.len()).position(|window| window == needle.as_bytes())
}

/// `text` with every `needle` replaced by `with`, left to right, as
/// `str::replace` does (an empty needle replaces nothing).
pub fn replace(text: &str, needle: &str, with: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = find(rest, needle) {
        out.push_str(&rest[..at]);
        out.push_str(with);
        rest = &rest[at + needle.len()..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_pieces_as_slice_concat_does() {
        assert_eq!(concat(&[]), "");
        assert_eq!(concat(&["HTTP ", "", "429", ": é"]), ["HTTP ", "", "429", ": é"].concat());
    }

    #[test]
    fn writes_whole_numbers_as_format_does() {
        for n in [0, 9, 10, 99, 100, 429, 1_000_000, u64::MAX] {
            assert_eq!(decimal(n), n.to_string());
        }
        for n in [0, 7, -7, 1302, -1302, i64::MAX, i64::MIN] {
            assert_eq!(signed_decimal(n), n.to_string());
        }
        let mut out = "HTTP ".to_owned();
        push_decimal(&mut out, 503);
        assert_eq!(out, "HTTP 503");
    }

    #[test]
    fn reads_whole_numbers_as_std_does() {
        for text in
            ["0", "9", "10", "+5", "007", "18446744073709551615", "18446744073709551616", "", "+", "-1", "1 ", "٣"]
        {
            assert_eq!(parse_u64(text, 10), text.parse::<u64>().ok(), "{text}");
        }
        for text in ["ff", "FF", "+f", "0d83d", "g", "-f", "ffffffffffffffff", "10000000000000000"] {
            assert_eq!(parse_u64(text, 16), u64::from_str_radix(text, 16).ok(), "{text}");
        }
    }

    #[test]
    fn decodes_lossily_as_std_does() {
        for bytes in [&b""[..], b"ok \xc3\xa9", b"\xff", b"a\xffb\xfe", b"\xe2\x82", b"x\xf0\x9f\x98", b"\xed\xa0\x80z"]
        {
            assert_eq!(from_utf8_lossy(bytes), String::from_utf8_lossy(bytes), "{bytes:?}");
        }
    }

    #[test]
    fn splits_at_the_first_byte() {
        assert_eq!(split_at_byte("08:49:37", b':'), Some(("08", "49:37")));
        assert_eq!(split_at_byte(":", b':'), Some(("", "")));
        assert_eq!(split_at_byte("é", b':'), None);
    }

    #[test]
    fn finds_and_replaces_as_str_does() {
        for (text, needle) in [("", "a"), ("abc", "abcd"), ("aaa", "aa"), ("xé key é", "é"), ("a key, key", "key")] {
            assert_eq!(find(text, needle), text.find(needle), "{text} {needle}");
            assert_eq!(replace(text, needle, "[redacted]"), text.replace(needle, "[redacted]"), "{text} {needle}");
        }
        assert_eq!((find("abc", ""), replace("abc", "", "x").as_str()), (None, "abc"));
    }
}
