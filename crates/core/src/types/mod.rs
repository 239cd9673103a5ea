//! The values every part of the core shares: JSON, HTTP exchanges, jobs and
//! their ids, errors, field-named reads of a caller's data, the extend request.
//! Nothing here depends on the client, pricing, the proxy or webhooks.
//!
//! A caller's request arrives as a JSON [`Value`](json::Value), is checked
//! into an [`ExtendRequest`](request::ExtendRequest), and every failure on
//! the way is an [`Error`](error::Error) that names its field:
//!
//! ```
//! use kling_extend_core::types::error::ErrorCode;
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//! use kling_extend_core::types::request::ExtendRequest;
//!
//! let value = parse(br#"{"video_id":"v1","resolution":"4k"}"#).unwrap();
//! let error = ExtendRequest::from_value(&value, ProviderName::Trinetra).unwrap_err();
//! assert_eq!(error.code, ErrorCode::InvalidRequest);
//! assert_eq!(error.message, r#"resolution must be "720p" or "1080p""#);
//! ```

pub mod error;
pub mod fields;
pub mod http;
pub mod job;
pub mod job_id;
pub mod json;
pub mod provider;
pub mod redact;
pub mod request;
pub(crate) mod suggest;
pub mod tier;
pub mod url;
