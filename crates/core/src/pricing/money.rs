//! Money in whole paise, so sums and discounts are exact (1 credit = ₹1).

use crate::types::error::{Error, Result};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Paise(pub u64);

/// Rates above this (in credits) are surely a mistake; the bound keeps every
/// sum exact as a JavaScript number and every product within `u64`.
const MAX_CREDITS: u32 = 100_000;
const RANGE: &str = "must be a number from 0 to 100000";

impl Paise {
    /// A non-negative amount with at most two decimals (a paisa).
    pub fn from_credits(field: &str, credits: f64) -> Result<Paise> {
        Paise::checked(credits).map_err(|why| Error::invalid(field, why))
    }

    /// [`Paise::from_credits`] without a field to name: why the amount is
    /// refused, so the fast path can check without building a message.
    pub fn checked(credits: f64) -> Result<Paise, &'static str> {
        let (paise, ok) = hundredths(credits);
        if !(0.0..=f64::from(MAX_CREDITS)).contains(&credits) {
            return Err(RANGE);
        }
        if !ok {
            return Err("must have at most two decimals");
        }
        Ok(Paise(paise))
    }

    pub fn credits(self) -> f64 {
        self.0 as f64 / 100.0
    }

    pub fn times(self, n: u64) -> Paise {
        Paise(self.0.saturating_mul(n))
    }

    /// This amount less `basis_points` (1/100 %), rounded half up to a paisa.
    pub fn discounted(self, basis_points: u64) -> Paise {
        let kept = 10_000u64.saturating_sub(basis_points);
        Paise(self.0.saturating_mul(kept).saturating_add(5_000) / 10_000)
    }

    /// `₹1,23,456.00`: Indian grouping, thousands then pairs. Written to
    /// `out` rather than returned: a live price tag formats on every
    /// keystroke, and an allocation plus `core::fmt` cost more in the wasm
    /// than the whole quote (BENCHMARKS.md, issue 15).
    pub fn write_inr(self, out: &mut impl Extend<char>) {
        out.extend(['₹']);
        write_grouped(self.0 / 100, |i| i >= 3 && (i - 3) % 2 == 0, out);
        write_hundredths(self.0, out);
    }
}

/// `n` in decimal digits, a comma after the digit of each power of ten
/// `i` for which `comma_after(i)` holds. Written right to left into a
/// buffer, then handed over at once: in the wasm, a call per character
/// costs more than the quote itself. Digits by hand rather than through
/// `core::fmt` (≈ 1.5 KB brotli and slower than the quote) or `itoa` (the
/// client's builds have it through serde_json, but it measured +0.3 KB
/// brotli on kling-extend/quote, past its 12 KB budget); a test holds it
/// to std's digits for every length.
pub fn write_grouped(n: u64, comma_after: impl Fn(usize) -> bool, out: &mut impl Extend<char>) {
    // 20 digits at most, and a comma at most every other digit after the third.
    let mut text = [0u8; 32];
    let mut at = text.len();
    let mut rest = n;
    for i in 0.. {
        if i > 0 && comma_after(i) {
            at -= 1;
            text[at] = b',';
        }
        at -= 1;
        text[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(text[at..].iter().map(|&b| char::from(b)));
}

/// `.05`: the last two digits of an amount in hundredths.
pub fn write_hundredths(n: u64, out: &mut impl Extend<char>) {
    let digit = |d: u64| char::from(b'0' + (d % 10) as u8);
    out.extend(['.', digit(n / 10), digit(n)]);
}

impl std::ops::Add for Paise {
    type Output = Paise;

    fn add(self, other: Paise) -> Paise {
        Paise(self.0.saturating_add(other.0))
    }
}

/// `x` in hundredths, and whether `x` had at most two decimals.
pub fn hundredths(x: f64) -> (u64, bool) {
    let scaled = x * 100.0;
    let rounded = scaled.round();
    let exact = (scaled - rounded).abs() < 1e-6 * rounded.abs().max(1.0);
    (if rounded.is_finite() && rounded >= 0.0 { rounded as u64 } else { 0 }, exact)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inr(paise: u64) -> String {
        let mut text = String::new();
        Paise(paise).write_inr(&mut text);
        text
    }

    #[test]
    fn digits_are_std_s_for_every_length() {
        let lengths = (0..20).map(|p| 10u64.pow(p)).flat_map(|n| [n - 1, n, n + 7]).chain([u64::MAX]);
        for n in lengths {
            let mut text = String::new();
            write_grouped(n, |_| false, &mut text);
            assert_eq!(text, n.to_string());
        }
    }

    #[test]
    fn formats_with_indian_grouping() {
        for (paise, text) in [
            (0, "₹0.00"),
            (5, "₹0.05"),
            (99_900, "₹999.00"),
            (100_000, "₹1,000.00"),
            (12_345_600, "₹1,23,456.00"),
            (123_456_789, "₹12,34,567.89"),
            (1_000_000_000_000, "₹10,00,00,00,000.00"),
        ] {
            assert_eq!(inr(paise), text);
        }
    }

    #[test]
    fn amounts_are_exact_to_the_paisa() {
        assert_eq!(Paise::from_credits("r", 0.1).unwrap(), Paise(10));
        assert_eq!(Paise::from_credits("r", 19.99).unwrap(), Paise(1999));
        assert!(Paise::from_credits("r", 19.999).is_err());
        assert!(Paise::from_credits("r", -1.0).is_err());
        assert!(Paise::from_credits("r", f64::NAN).is_err());
        assert_eq!(Paise(1999).discounted(1_250), Paise(1749));
        assert_eq!(Paise(1000).discounted(10_000), Paise(0));
    }
}
