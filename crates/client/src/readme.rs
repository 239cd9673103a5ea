//! The README's Rust blocks, compiled and run as this crate's doctests
//! (`cargo test --doc --features reqwest,tokio`), so the README cannot drift
//! from the API. A block that only defines async functions is compiled, not
//! called: nothing reaches the network.
#![doc = include_str!("../../../README.md")]
