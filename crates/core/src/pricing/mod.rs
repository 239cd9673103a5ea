//! The cost calculator: `quote` and `quoteChain`, exact in paise (`money`).
//! It needs nothing else of the core, so a price tag can ship it alone.
//!
//! ```
//! use kling_extend_core::pricing::quote::quote;
//! use kling_extend_core::types::json::parse;
//!
//! let ten_seconds = quote(&parse(br#"{"seconds": 10}"#).unwrap())?;
//! assert_eq!(ten_seconds.credits, 190.0); // 720p, 19 credits a second
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```

pub(crate) mod money;
pub mod quote;
