//! How much a call logs (`logLevel`, `KLING_EXTEND_LOG`).
//!
//! ```
//! use kling_extend_core::client::log_level::Level;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::json::parse;
//!
//! let options = parse(br#"{"apiKey":"sk-test","logLevel":"info"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! assert_eq!(config.log, Some(Level::Info));
//! ```

use crate::types::error::{Error, Result};

/// How much to log, least first: a threshold lets through its own level and
/// those before it.
///
/// ```
/// use kling_extend_core::client::log_level::Level;
///
/// let threshold = Level::Info;
/// let passes = |level: Level| level <= threshold;
/// assert!(passes(Level::Error) && passes(Level::Info));
/// assert!(!passes(Level::Debug));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// How a call failed, once, at its end.
    Error,
    /// A failed attempt, and the retry that follows it.
    Warn,
    /// Each answer: method, URL, status, time.
    Info,
    /// Each request as it leaves, each wait between reads, each end.
    Debug,
}

impl Level {
    /// The threshold `word` names (`logLevel`, `KLING_EXTEND_LOG`); `None` is "off".
    pub(crate) fn threshold(word: &str, field: &str) -> Result<Option<Level>> {
        Ok(Some(match word {
            "off" => return Ok(None),
            "error" => Level::Error,
            "warn" => Level::Warn,
            "info" => Level::Info,
            "debug" => Level::Debug,
            _ => return Err(Error::invalid(field, "must be one of \"off\", \"error\", \"warn\", \"info\", \"debug\"")),
        }))
    }

    /// The name of the logger's method for this level (and of the level in
    /// `logLevel`).
    ///
    /// ```
    /// use kling_extend_core::client::log_level::Level;
    ///
    /// assert_eq!(Level::Debug.as_str(), "debug"); // `logger.debug(message)`
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warn => "warn",
            Level::Info => "info",
            Level::Debug => "debug",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_are_named_as_the_contract_names_them() {
        for word in ["error", "warn", "info", "debug"] {
            assert_eq!(Level::threshold(word, "logLevel").unwrap().map(Level::as_str), Some(word));
        }
        assert_eq!(Level::threshold("off", "logLevel").unwrap(), None);
        let e = Level::threshold("verbose", "KLING_EXTEND_LOG").unwrap_err();
        assert_eq!(e.field.as_deref(), Some("KLING_EXTEND_LOG"));
    }
}
