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
//!
//! What a driver does with them, from a client's options to a call's end
//! (here `pollJob`, with canned answers for the network and no real waits):
//!
//! ```
//! use kling_extend_core::client::log::LogPlan;
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::client::poll::Poll;
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::Settings;
//! use kling_extend_core::types::error::ErrorCode;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job::Status;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! // Once, when the client is made.
//! let options = parse(br#"{"apiKey":"sk-test","logLevel":"info"}"#).unwrap();
//! let settings = Settings::new(options, false, None).unwrap();
//! // Each call: its machine, wrapped in the log its config asks for.
//! let (config, poll) = settings.ready().unwrap();
//! let log = LogPlan::of(config, "pollJob");
//! let inner = Poll::new(config.clone(), *poll, JobId::new("j1").unwrap(), 7);
//! let mut machine: Box<dyn Machine<Output = _, Update = Update>> = match log {
//!     Some(log) => Box::new(log.wrap(inner)),
//!     None => Box::new(inner),
//! };
//! let mut answers =
//!     [r#"{"id":"j1","status":"running"}"#, r#"{"id":"j1","status":"failed","error":"no luck"}"#].into_iter();
//! let (mut now, mut updates) = (0, Vec::new());
//! let mut step = machine.start(Time::at(now));
//! let ended = loop {
//!     updates.extend(std::iter::from_fn(|| machine.take_update()));
//!     now += 100;
//!     let event = match step {
//!         Step::Send { .. } => {
//!             let body = answers.next().unwrap().into();
//!             Event::Response(HttpResponse { status: 200, headers: vec![], body })
//!         }
//!         Step::Wait { .. } => Event::Waited,
//!         Step::Done(ended) => break ended,
//!     };
//!     step = machine.handle(event, Time::at(now));
//! };
//! let error = ended.unwrap_err();
//! assert_eq!((error.code, error.job.map(|job| job.status)), (ErrorCode::JobFailed, Some(Status::Failed)));
//! let status = |update: &Update| if let Update::Status(job) = update { Some(job.status) } else { None };
//! assert_eq!(updates.iter().filter_map(status).collect::<Vec<_>>(), [Status::Running, Status::Failed]);
//! assert!(updates.iter().any(|u| matches!(u, Update::Log { .. })), "and the log's lines");
//! ```

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
