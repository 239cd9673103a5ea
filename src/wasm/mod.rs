//! The JS face of the crate. The client's exports take and answer JSON text
//! (`convert.rs`): its synchronous functions share one export, `call`
//! (`client.rs`); a network call is a machine the instance keeps between its
//! steps (`task.rs`), which `src/js/lib/driver.js` performs. The calculator crosses as numbers instead (`calculator.rs`), so
//! a price tag costs no JSON. `src/js/lib/api.js` and `src/js/lib/quote.js`
//! wrap these exports into the public API.
//!
//! Cargo features pick what a build exports, each adding to the one before:
//! none, the calculator alone (`kling-extend/quote`, a wasm of a few KB);
//! `client` (default), the whole client, which pages load; `server`, plus
//! `createProxy`'s core and the signature check, for Node and Workers
//! (`scripts/build.sh`). What a build does not export, LTO leaves out.

mod calculator;
#[cfg(feature = "server")]
mod chain_steps;
#[cfg(feature = "client")]
mod client;
#[cfg(feature = "client")]
mod convert;
#[cfg(feature = "client")]
mod heap;
#[cfg(feature = "server")]
mod proxy;
#[cfg(feature = "client")]
mod settings;
#[cfg(feature = "server")]
mod signature;
#[cfg(feature = "client")]
mod task;
#[cfg(feature = "client")]
mod webhook;

#[cfg(all(test, feature = "client"))]
mod tests;

// The calculator alone keeps the smallest allocator (heap.rs says why).
// SAFETY: wasm32-unknown-unknown without atomics has one thread.
#[cfg(not(feature = "client"))]
#[global_allocator]
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
