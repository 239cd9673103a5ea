//! Numbers as JSON text without Rust's float formatter, whose shortest-digit
//! code and tables cost kilobytes of wasm. Every finite f64 is written so that
//! `JSON.parse` (or `str::parse::<f64>`) gives back exactly the same f64.

use crate::core::text::{decimal, push_decimal};

/// 2^53: integers below it, and their products with exact powers of ten, are exact in f64.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Appends `x` as a JSON number: integer digits, else the fewest fractional
/// digits that read back as `x`, else the exact decimal value of the binary
/// number. JSON has no NaN or infinity; the core never produces them (its
/// inputs are checked), so `null` is only a safe fallback.
pub fn write_number(out: &mut String, x: f64) {
    if !x.is_finite() {
        out.push_str("null");
        return;
    }
    if x < 0.0 {
        out.push('-');
    }
    let x = x.abs();
    if x == x.trunc() && x < EXACT_INTEGERS {
        push_decimal(out, x as u64);
    } else if let Some((digits, places)) = short_decimal(x) {
        place_point(out, &decimal(digits), places);
    } else {
        write_exact(out, x);
    }
}

/// The scaled integer and the fewest fractional places (up to 17) that read
/// back as `x > 0`. With `s < 2^53` and `10^p` both exact, `s / 10^p` is one
/// correctly rounded division: the very f64 a correct parser gives for the text.
fn short_decimal(x: f64) -> Option<(u64, usize)> {
    let mut scale = 1.0;
    (1..=17).find_map(|places| {
        scale *= 10.0;
        let s = (x * scale).round();
        [s, s - 1.0, s + 1.0].into_iter().find(|&s| s < EXACT_INTEGERS && s / scale == x).map(|s| (s as u64, places))
    })
}

/// The exact decimal expansion of `x > 0`. Beyond 20 significant digits
/// `JSON.parse` may round at the 20th, an error far inside half an ulp, so
/// this too reads back as `x`.
fn write_exact(out: &mut String, x: f64) {
    let (mut mantissa, mut exponent) = decompose(x);
    while mantissa % 2 == 0 && exponent < 0 {
        mantissa /= 2;
        exponent += 1;
    }
    let mut digits = Digits::from(mantissa);
    if exponent >= 0 {
        (0..exponent).for_each(|_| digits.times(2));
        out.push_str(&digits.text());
    } else {
        // m·2^e = m·5^(-e) / 10^(-e).
        (0..-exponent).for_each(|_| digits.times(5));
        place_point(out, &digits.text(), exponent.unsigned_abs() as usize);
    }
}

/// `x = mantissa · 2^exponent` for a finite `x ≥ 0`, with `mantissa < 2^53`.
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    match biased {
        0 => (fraction, -1074),
        _ => (fraction | 1 << 52, biased - 1075),
    }
}

/// Writes `digits` with a decimal point `places` (≥ 1) from the right: ("5", 2) → "0.05".
fn place_point(out: &mut String, digits: &str, places: usize) {
    let whole = digits.len().saturating_sub(places);
    out.push_str(if whole == 0 { "0" } else { &digits[..whole] });
    out.push('.');
    for _ in digits.len()..places {
        out.push('0');
    }
    out.push_str(&digits[whole..]);
}

/// A natural number as base-10 digits, least significant first: big enough
/// for any f64's exact value (at most 767 significant digits).
struct Digits(Vec<u8>);

impl Digits {
    fn from(mut n: u64) -> Digits {
        let mut digits = Vec::new();
        while n > 0 {
            digits.push((n % 10) as u8);
            n /= 10;
        }
        Digits(digits)
    }

    fn times(&mut self, factor: u8) {
        let mut carry = 0;
        for digit in &mut self.0 {
            let product = *digit * factor + carry;
            *digit = product % 10;
            carry = product / 10;
        }
        if carry > 0 {
            self.0.push(carry);
        }
    }

    fn text(&self) -> String {
        self.0.iter().rev().map(|d| char::from(b'0' + d)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn written(x: f64) -> String {
        let mut out = String::new();
        write_number(&mut out, x);
        out
    }

    #[test]
    fn writes_the_short_forms() {
        for (x, text) in [
            (0.0, "0"),
            (-0.0, "0"),
            (5.0, "5"),
            (-7.0, "-7"),
            (5.1, "5.1"),
            (0.05, "0.05"),
            (12.5, "12.5"),
            (-2.5, "-2.5"),
            (116.38, "116.38"),
            (1e-7, "0.0000001"),
            (1e-17, "0.00000000000000001"),
            (123456.789, "123456.789"),
            (9_007_199_254_740_991.0, "9007199254740991"),
            (9_007_199_254_740_992.0, "9007199254740992"),
            (1e21, "1000000000000000000000"),
            (-1e22, "-10000000000000000000000"),
        ] {
            assert_eq!(written(x), text, "{x:?}");
        }
    }

    #[test]
    fn writes_what_has_no_short_form_exactly() {
        let sum = 0.1 + 0.2;
        assert_eq!(written(sum), "0.3000000000000000444089209850062616169452667236328125");
        let max = written(f64::MAX);
        assert!(max.len() == 309 && max.starts_with("17976931348623157081"), "{max}");
        let min = written(f64::MIN_POSITIVE);
        assert!(min.starts_with(&format!("0.{}22250738585072013", "0".repeat(307))), "{min}");
        let tiny = written(-5e-324);
        assert!(tiny.starts_with(&format!("-0.{}4940656458412465", "0".repeat(323))), "{tiny}");
        assert!(tiny.ends_with("625") && tiny.len() == 3 + 1074, "{tiny}");
        for x in [sum, f64::MAX, f64::MIN_POSITIVE, -5e-324, 1.0 / 3.0, 2f64.powi(70), 1e300] {
            assert_eq!(written(x).parse::<f64>(), Ok(x), "{x:?}");
        }
    }

    #[test]
    fn has_no_text_for_what_json_cannot_hold() {
        for x in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(written(x), "null");
        }
    }
}
