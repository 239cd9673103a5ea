//! The sans-IO core: plain Rust, no JS types, no I/O, no clock; folders by
//! concern (ARCHITECTURE.md, "The shape in one picture").

pub mod client;
pub mod pricing;
// The server build's only (the host's too, for tests): in a page's wasm it
// would be dead code, yet its presence changed how the rest is optimised
// (issue 23: without it the page's wasm is 99 B brotli smaller).
#[cfg(any(feature = "server", not(target_arch = "wasm32")))]
pub mod proxy;
pub mod types;
pub mod webhook;
