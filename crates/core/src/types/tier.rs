//! The tiers that decide both what is asked of a service and what it costs:
//! Trinetra bills by output resolution, Kling by generation mode.
//!
//! A request names its tier by word; the checked request holds it typed:
//!
//! ```
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//! use kling_extend_core::types::request::ExtendRequest;
//! use kling_extend_core::types::tier::Mode;
//!
//! let value = parse(br#"{"task_id":"t1","mode":"pro"}"#).unwrap();
//! let request = ExtendRequest::from_value(&value, ProviderName::Kling).unwrap();
//! assert_eq!(request.mode, Some(Mode::Professional));
//! ```

use crate::types::error::{Error, Result};

/// Trinetra's output resolution, which sets its price per second.
///
/// ```
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
/// use kling_extend_core::types::tier::Resolution;
///
/// let value = parse(br#"{"video_id":"v1","resolution":"1080p"}"#).unwrap();
/// let request = ExtendRequest::from_value(&value, ProviderName::Trinetra).unwrap();
/// assert_eq!(request.resolution, Some(Resolution::P1080));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    /// `"720p"`, the cheaper tier.
    P720,
    /// `"1080p"`.
    P1080,
}

impl Resolution {
    /// Every resolution, in the order of its code at the calculator's wasm
    /// boundary (`src/js/lib/quote.js` lists their words the same way).
    ///
    /// ```
    /// use kling_extend_core::types::tier::Resolution;
    ///
    /// // A code from the boundary is an index of this list.
    /// assert_eq!(Resolution::ALL.get(1), Some(&Resolution::P1080));
    /// assert_eq!(Resolution::ALL.get(2), None);
    /// ```
    pub const ALL: [Resolution; 2] = [Resolution::P720, Resolution::P1080];

    pub(crate) fn parse(field: &str, word: &str) -> Result<Resolution> {
        match word {
            "720p" => Ok(Resolution::P720),
            "1080p" => Ok(Resolution::P1080),
            _ => Err(Error::invalid(field, "must be \"720p\" or \"1080p\"")),
        }
    }

    /// The word a caller writes, and the service reads (`"720p"`).
    ///
    /// ```
    /// use kling_extend_core::types::tier::Resolution;
    ///
    /// let words: Vec<&str> = Resolution::ALL.iter().map(|r| r.as_str()).collect();
    /// assert_eq!(words, ["720p", "1080p"]);
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::P720 => "720p",
            Resolution::P1080 => "1080p",
        }
    }
}

/// Kling's generation mode, which sets how many units a step costs.
///
/// ```
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
/// use kling_extend_core::types::tier::Mode;
///
/// // The short words of Kling's documentation are accepted too.
/// let value = parse(br#"{"task_id":"t1","mode":"std"}"#).unwrap();
/// let request = ExtendRequest::from_value(&value, ProviderName::Kling).unwrap();
/// assert_eq!(request.mode, Some(Mode::Standard));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `"standard"` (or `"std"`): 1 unit per 5-second step.
    Standard,
    /// `"professional"` (or `"pro"`): 3.5 units per 5-second step.
    Professional,
}

impl Mode {
    /// Every mode, in the order of its code at the calculator's wasm boundary.
    ///
    /// ```
    /// use kling_extend_core::types::tier::Mode;
    ///
    /// assert_eq!(Mode::ALL, [Mode::Standard, Mode::Professional]);
    /// ```
    pub const ALL: [Mode; 2] = [Mode::Standard, Mode::Professional];

    /// Accepts the seed's words and the short forms of Kling's documentation.
    pub(crate) fn parse(field: &str, word: &str) -> Result<Mode> {
        match word {
            "standard" | "std" => Ok(Mode::Standard),
            "professional" | "pro" => Ok(Mode::Professional),
            _ => Err(Error::invalid(field, "must be \"standard\" or \"professional\" (or \"std\", \"pro\")")),
        }
    }

    /// Kling's units for one 5-second step, in tenths: standard 1,
    /// professional 3.5 (its `final_unit_deduction`).
    pub(crate) fn units_tenths_per_step(self) -> u64 {
        match self {
            Mode::Standard => 10,
            Mode::Professional => 35,
        }
    }

    /// The full word (`"professional"`, never `"pro"`): the mode as it is
    /// named back to callers.
    ///
    /// ```
    /// use kling_extend_core::types::tier::Mode;
    ///
    /// assert_eq!(Mode::Professional.as_str(), "professional");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Standard => "standard",
            Mode::Professional => "professional",
        }
    }
}
