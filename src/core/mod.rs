//! The sans-IO core: plain Rust, no JS types, no I/O, no clock. Folders by
//! concern, data flowing one way: `types` (values every part shares) ←
//! `pricing` (the calculator) and `client` (the state machines of a call, a
//! poll and a chain, with their scheduling) ← `proxy` (createProxy's
//! decisions) and `webhook` (signature checks).

pub mod client;
pub mod pricing;
pub mod proxy;
pub mod types;
pub mod webhook;
