//! Numbers in text without `core::fmt`. `format!` and `to_string()` on a
//! number pull in the formatting machinery (`fmt::write`, `Formatter`'s
//! padding, the integer tables: about 2 KB of wasm); the messages here are only
//! pieces of text joined with `concat` and whole numbers written by these.

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
    [sign, &decimal(n.unsigned_abs())].concat()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
