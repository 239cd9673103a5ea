//! kling-extend: extend Kling-generated videos through the Trinetra gateway or
//! the official Kling API, and quote what it costs.
//!
//! Data flows one way: [`core`] (pure, sans-IO: validation, requests, parsing,
//! errors, retries, schedules, pricing) → [`providers`] (each service's HTTP
//! shape) → `wasm` (moves values across the JS boundary and calls `fetch`) →
//! the JS entry points in `src/js/`.

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
mod wasm;
