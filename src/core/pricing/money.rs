//! Money in whole paise, so sums and discounts are exact (1 credit = ₹1).

use crate::core::types::error::{Error, Result};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Paise(pub u64);

/// Rates above this (in credits) are surely a mistake; the bound keeps every
/// sum exact as a JavaScript number and every product within `u64`.
const MAX_CREDITS: u32 = 100_000;

impl Paise {
    /// A non-negative amount with at most two decimals (a paisa).
    pub fn from_credits(field: &str, credits: f64) -> Result<Paise> {
        let (paise, ok) = hundredths(credits);
        if !(0.0..=f64::from(MAX_CREDITS)).contains(&credits) {
            return Err(Error::invalid(field, &format!("must be a number from 0 to {}", MAX_CREDITS)));
        }
        if !ok {
            return Err(Error::invalid(field, "must have at most two decimals"));
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

    /// `₹1,23,456.00`: Indian grouping, thousands then pairs.
    pub fn format_inr(self) -> String {
        let rupees = (self.0 / 100).to_string();
        let (head, tail) = rupees.split_at(rupees.len().saturating_sub(3));
        let mut out = String::from("₹");
        for (i, digit) in head.chars().enumerate() {
            if i > 0 && (head.len() - i) % 2 == 0 {
                out.push(',');
            }
            out.push(digit);
        }
        if !head.is_empty() {
            out.push(',');
        }
        out.push_str(tail);
        format!("{out}.{:02}", self.0 % 100)
    }
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
            assert_eq!(Paise(paise).format_inr(), text);
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
