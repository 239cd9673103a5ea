//! The sans-IO core of kling-extend: extending Kling videos through
//! Trinetra's gateway or Kling's own API, as plain Rust that performs no I/O
//! and reads no clock. It checks options and requests, builds each HTTP
//! request, reads each answer into a job, schedules retries and polls
//! ([`client`]'s machines), prices a video ([`pricing`]), verifies webhooks
//! ([`webhook`]) and decides what a key-holding proxy forwards ([`proxy`]).
//! A driver sends what it is asked to and hands back what came: the npm
//! package's wasm bindings are one, the async Rust client
//! `kling-extend-client` another (the crate to depend on to call the
//! services).
//!
//! ```
//! use kling_extend_core::client::service::Service;
//! use kling_extend_core::pricing::quote::quote;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! // What 10 seconds at 1080p cost, offline.
//! let price = quote(&parse(br#"{"seconds": 10, "resolution": "1080p"}"#).unwrap())?;
//! assert_eq!(price.credits, 300.0);
//!
//! // A job read: the core builds the request, a driver sends it, the core reads the answer.
//! let config = ClientConfig::from_value(&parse(br#"{"apiKey": "k"}"#).unwrap(), false)?;
//! let request = config.job_request(&JobId::new("job_1")?, 0);
//! assert_eq!(request.url, "https://brahmand-api.bulletshorts.co/v1/jobs/job_1");
//! let body = br#"{"id": "job_1", "status": "running"}"#.to_vec();
//! let job = config.read_job(&HttpResponse { status: 200, headers: vec![], body }, 0)?;
//! assert_eq!(job.status, Status::Running);
//! # Ok::<(), kling_extend_core::types::error::Error>(())
//! ```
//!
//! Modules by concern, each using only those before it: [`types`], then
//! [`pricing`] and [`client`], then [`webhook`] and [`proxy`], then
//! [`providers`] (how each service spells a request and an answer).

#![deny(missing_docs)]

pub mod client;
pub mod pricing;
pub mod providers;
// The server build's only (the host's too, for tests): in a page's wasm it
// would be dead code, yet its presence changed how the rest is optimised
// (issue 23: without it the page's wasm is 99 B brotli smaller).
#[cfg(any(feature = "server", not(target_arch = "wasm32")))]
pub mod proxy;
pub mod types;
pub mod webhook;
