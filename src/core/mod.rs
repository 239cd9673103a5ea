//! The sans-IO core: plain Rust, no JS types, no I/O, no clock.

pub mod call;
pub mod chain;
pub mod classify;
pub mod error;
pub mod fields;
pub mod http;
pub mod job;
pub mod json;
pub mod machine;
pub mod money;
pub mod options;
pub mod poll;
pub mod proxy;
pub mod quote;
pub mod redact;
pub mod request;
pub mod retry;
pub mod schedule;
pub mod service;
pub mod tier;
pub mod url;
pub mod webhook;
