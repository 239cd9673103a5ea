//! The sans-IO core of kling-extend: everything the npm package and the Rust
//! client decide, as plain Rust with no I/O, no clock and no JS types.
//! Validation, request building, answer parsing, error classification, retry
//! and poll scheduling, signing, pricing, the proxy's decisions and webhook
//! signatures are here; a driver (the npm package's JS, the Rust client)
//! only performs the steps a machine asks for. Folders by concern, each
//! using only those before it (ARCHITECTURE.md, "The shape in one picture";
//! `tests/layering.rs` holds it): `types`, then `pricing` and `client`, then
//! `webhook` and `proxy`, then `providers`.

pub mod client;
pub mod pricing;
// The server build's only (the host's too, for tests): in a page's wasm it
// would be dead code, yet its presence changed how the rest is optimised
// (issue 23: without it the page's wasm is 99 B brotli smaller).
pub mod providers;
#[cfg(any(feature = "server", not(target_arch = "wasm32")))]
pub mod proxy;
pub mod types;
pub mod webhook;
