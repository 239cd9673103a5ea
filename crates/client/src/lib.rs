//! An async Rust client for extending Kling-generated videos through the
//! Trinetra gateway or the official Kling API: the npm package
//! `kling-extend`'s semantics for Rust programs.
//!
//! It drives the same sans-IO core as the npm package: every validation,
//! retry, idempotency rule and redaction is the core's; this crate only
//! performs what the core asks for (an HTTP exchange through an
//! [`HttpClient`], a wait through a [`Runtime`]) and gives typed values back.
//!
//! ```no_run
//! # #[cfg(all(feature = "reqwest", feature = "tokio"))]
//! # async fn demo() -> Result<(), kling_extend_client::Error> {
//! use kling_extend_client::{Client, ExtendRequest, Provider};
//!
//! let client = Client::builder(Provider::Trinetra).api_key("sk-…").build()?;
//! let submission = client.extend_video(ExtendRequest::video("v1").prompt("the camera pulls back")).await?;
//! let job = client.poll_job(&submission.job_id).await?;
//! println!("{:?}", job.output);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
// docs.rs (nightly) marks the items of the `reqwest` and `tokio` features as such.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod builder_options;
mod calls;
mod cause;
mod chain;
mod client;
mod driver;
mod entropy;
mod error;
mod event;
mod logging;
mod quote;
mod raw;
mod runtime;
mod send;
mod transport;
mod types;
mod webhook;

#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
mod fetch;
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
mod reqwest_client;
// Doctests only: outside the crate's package, so never built but by `cargo test --doc`.
#[cfg(all(doctest, feature = "reqwest", feature = "tokio"))]
mod readme;

pub use calls::{PollJob, Run};
pub use chain::{ChainExtensions, ChainPlan, ChainProgress};
pub use client::{Client, ClientBuilder, Provider};
pub use error::{Error, ErrorCode};
pub use event::Event;
#[cfg(all(feature = "fetch", target_arch = "wasm32"))]
pub use fetch::{FetchClient, JsRuntime};
pub use quote::{
    quote, quote_chain, Basis, ChainInput, ChainQuote, ChainStep, KlingPricing, KlingQuote, Mode, Price, Pricing,
    Quote, Resolution, SecondsRange, TrinetraPricing, TrinetraQuote,
};
pub use raw::RawDocument;
#[cfg(all(feature = "reqwest", not(target_arch = "wasm32")))]
pub use reqwest_client::ReqwestClient;
#[cfg(all(feature = "tokio", not(target_arch = "wasm32")))]
pub use runtime::TokioRuntime;
pub use runtime::{BoxFuture, Runtime};
pub use send::{MaybeSend, MaybeSync};
pub use transport::{HttpClient, HttpRequest, HttpResponse, TransportError, TransportErrorKind};
pub use types::{ExtendRequest, Job, Money, Output, Status, Submission, Video};
pub use webhook::{parse_webhook, verify_webhook, VerifiedJob, WebhookDelivery, WebhookHeaders, WebhookOptions};
