//! The tiers that decide both what is asked of a service and what it costs:
//! Trinetra bills by output resolution, Kling by generation mode.

use crate::types::error::{Error, Result};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Resolution {
    P720,
    P1080,
}

impl Resolution {
    /// Every resolution, in the order of its code at the calculator's wasm
    /// boundary (`src/js/lib/quote.js` lists their words the same way).
    pub const ALL: [Resolution; 2] = [Resolution::P720, Resolution::P1080];

    pub fn parse(field: &str, word: &str) -> Result<Resolution> {
        match word {
            "720p" => Ok(Resolution::P720),
            "1080p" => Ok(Resolution::P1080),
            _ => Err(Error::invalid(field, "must be \"720p\" or \"1080p\"")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Resolution::P720 => "720p",
            Resolution::P1080 => "1080p",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Standard,
    Professional,
}

impl Mode {
    /// Every mode, in the order of its code at the calculator's wasm boundary.
    pub const ALL: [Mode; 2] = [Mode::Standard, Mode::Professional];

    /// Accepts the seed's words and the short forms of Kling's documentation.
    pub fn parse(field: &str, word: &str) -> Result<Mode> {
        match word {
            "standard" | "std" => Ok(Mode::Standard),
            "professional" | "pro" => Ok(Mode::Professional),
            _ => Err(Error::invalid(field, "must be \"standard\" or \"professional\" (or \"std\", \"pro\")")),
        }
    }

    /// Kling's units for one 5-second step, in tenths: standard 1,
    /// professional 3.5 (its `final_unit_deduction`).
    pub fn units_tenths_per_step(self) -> u64 {
        match self {
            Mode::Standard => 10,
            Mode::Professional => 35,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Standard => "standard",
            Mode::Professional => "professional",
        }
    }
}
