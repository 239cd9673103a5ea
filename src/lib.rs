//! kling-extend's npm package, on the Rust side: the wasm bindings over the
//! sans-IO core (`kling-extend-core`, crates/core). Data flows one way: the
//! core → these bindings (`wasm`, built for wasm32 only) → the JS in
//! `src/js/`. ARCHITECTURE.md describes the layers.

#[cfg(target_arch = "wasm32")]
mod wasm;
