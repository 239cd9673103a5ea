//! What the client's machines report besides their steps: progress for the
//! caller's hooks and lines for its logger.

use crate::client::chain_progress::ChainProgress;
use crate::client::log_level::Level;
use crate::types::job::{Job, Submission};
use crate::types::redact::{Redact, Secrets, redact_message};

/// Progress worth telling the caller about.
#[derive(Clone, Debug, PartialEq)]
pub enum Update {
    /// A job's status changed (`onUpdate`).
    Status(Job),
    /// The service accepted a submit (`onSubmitted`), before any wait for it.
    Submitted(Submission),
    /// Step `index` (0-based) of a chain finished with `job` (`onStep`).
    Step { index: usize, job: Job },
    /// A chain's progress changed (`onProgress`): store it to resume.
    Progress(ChainProgress),
    /// A line for the caller's logger.
    Log { level: Level, message: String },
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
