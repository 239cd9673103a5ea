//! What the client's machines report besides their steps: progress for the
//! caller's hooks and lines for its logger.
//!
//! A driver drains them after every step ([`Machine::take_update`](crate::client::machine::Machine::take_update))
//! and hands each to the hook it names:
//!
//! ```
//! use kling_extend_core::client::update::Update;
//!
//! fn hook(update: &Update) -> &'static str {
//!     match update {
//!         Update::Status(_) => "onUpdate",
//!         Update::Submitted(_) => "onSubmitted",
//!         Update::Step { .. } => "onStep",
//!         Update::Progress(_) => "onProgress",
//!         Update::Log { .. } => "logger",
//!     }
//! }
//! # use kling_extend_core::client::log_level::Level;
//! let line = Update::Log { level: Level::Info, message: "submitted".into() };
//! assert_eq!(hook(&line), "logger");
//! ```

use crate::client::chain_progress::ChainProgress;
use crate::client::log_level::Level;
use crate::types::job::{Job, Submission};
use crate::types::redact::{Redact, Secrets, redact_message};

/// Progress worth telling the caller about. Each leaves through
/// [`Redacted`](crate::client::redacted::Redacted), without the credentials
/// the call holds.
///
/// ```
/// use kling_extend_core::client::machine::{Event, Machine, Time};
/// use kling_extend_core::client::options::PollConfig;
/// use kling_extend_core::client::poll::Poll;
/// use kling_extend_core::client::update::Update;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::job::Status;
/// use kling_extend_core::types::job_id::JobId;
/// use kling_extend_core::types::json::parse;
///
/// let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let mut poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), JobId::new("j1").unwrap(), 7);
/// poll.start(Time::at(0));
/// let body = br#"{"id":"j1","status":"queued"}"#.to_vec();
/// poll.handle(Event::Response(HttpResponse { status: 200, headers: vec![], body }), Time::at(200));
/// let Some(Update::Status(job)) = poll.take_update() else { panic!("the first status is news") };
/// assert_eq!(job.status, Status::Queued);
/// assert_eq!(poll.take_update(), None, "each change is told once");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    /// A job's status changed (`onUpdate`).
    Status(Job),
    /// The service accepted a submit (`onSubmitted`), before any wait for it.
    Submitted(Submission),
    /// Step `index` (0-based) of a chain finished with `job` (`onStep`).
    Step {
        /// The step's place in the chain, from 0.
        index: usize,
        /// The step's finished job.
        job: Job,
    },
    /// A chain's progress changed (`onProgress`): store it to resume.
    Progress(ChainProgress),
    /// A line for the caller's logger.
    Log {
        /// How much the line matters: only lines the caller's `logLevel`
        /// lets through are made.
        level: Level,
        /// The line's text.
        message: String,
    },
}

impl Redact for Update {
    fn redact(&mut self, secrets: &Secrets) {
        match self {
            Update::Status(job) | Update::Step { job, .. } => job.redact(secrets),
            Update::Submitted(submission) => submission.redact(secrets),
            Update::Progress(progress) => progress.redact(secrets),
            Update::Log { message, .. } => redact_message(message, secrets),
        }
    }
}
