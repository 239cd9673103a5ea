//! kling-extend: extend Kling-generated videos through the Trinetra gateway or
//! the official Kling API, and quote what it costs.
//!
//! Data flows one way: [`core`] (sans-IO) → [`providers`] → `wasm` (the
//! bindings) → the JS in `src/js/`. ARCHITECTURE.md describes the layers;
//! `tests/layering.rs` holds them.

pub mod core;
pub mod providers;

#[cfg(target_arch = "wasm32")]
mod wasm;
