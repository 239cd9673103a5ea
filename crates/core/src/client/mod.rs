//! The client's machines: one call with its retries (`call`), a poll until a
//! job ends (`poll`), a submit and its wait (`run`), a chain of extensions
//! (`chain`), its progress (`chain_progress`) and its steps for a durable
//! engine (`chain_steps`), what they log (`log`, at a `log_level`), the
//! sans-IO protocol they share with drivers (`machine`), what they report
//! (`update`) and what leaves them (`redacted`), their scheduling (`retry`,
//! `schedule`), the seam to the providers (`provider`, and `service`, what a
//! machine sees of one), error classification (`classify`), the caller's
//! options checked once (`options`, `settings`, `environment`), the names
//! drivers start calls and report events by (`task`) and the hooks updates
//! call (`hook`), and the harness every machine's tests run on (`testing`).

pub mod call;
pub mod chain;
pub mod chain_progress;
pub mod chain_steps;
pub(crate) mod classify;
pub mod environment;
pub mod hook;
pub mod log;
pub mod log_level;
pub mod machine;
pub mod options;
pub mod poll;
pub mod provider;
pub mod redacted;
pub mod retry;
pub mod run;
pub mod schedule;
pub mod service;
pub mod settings;
pub mod task;
#[cfg(test)]
pub mod testing;
pub mod update;
