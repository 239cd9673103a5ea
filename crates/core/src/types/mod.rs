//! The values every part of the core shares: JSON, HTTP exchanges, jobs and
//! their ids, errors, field-named reads of a caller's data, the extend request.
//! Nothing here depends on the client, pricing, the proxy or webhooks.

pub mod error;
pub mod fields;
pub mod http;
pub mod job;
pub mod job_id;
pub mod json;
pub mod provider;
pub mod redact;
pub mod request;
pub mod suggest;
pub mod tier;
pub mod url;
