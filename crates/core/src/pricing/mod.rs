//! The cost calculator: `quote` and `quoteChain`, exact in paise (`money`).

pub mod money;
pub mod quote;
