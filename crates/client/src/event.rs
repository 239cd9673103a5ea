//! What a call reports while it runs: the npm package's hooks (`onSubmitted`,
//! `onUpdate`, `onStep`, `onProgress`) as one typed [`Event`] for the
//! caller's callback, and the core's log lines, which go to the `log` facade.

use crate::chain::ChainProgress;
use crate::logging;
use crate::types::{Job, Submission};
use kling_extend_core::client::update::Update;

/// Something a call reports while it runs, in the order the core reports it;
/// given to the callback of a call's `on_event` (see
/// [`Run::on_event`](crate::Run::on_event)).
///
/// ```
/// use kling_extend_client::Event;
///
/// fn show(event: Event) {
///     match event {
///         Event::Submitted(submission) => println!("accepted as {}", submission.job_id),
///         Event::Updated(job) => println!("{}: {:?}", job.id, job.status),
///         Event::StepFinished { index, job } => println!("step {index} made {:?}", job.output),
///         Event::Progress(progress) => println!("store {progress:?} to resume"),
///         _ => {}
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// The service accepted a submit (`onSubmitted`), before any wait for
    /// its job: store `job_id` to find the job again if this process goes.
    Submitted(Submission),
    /// A job's status changed (`onUpdate`), the last one included.
    Updated(Job),
    /// A chain's step finished (`onStep`); `index` counts from 0.
    StepFinished {
        /// The step's place in the chain, from 0.
        index: usize,
        /// The step's job, succeeded.
        job: Job,
    },
    /// A chain's progress changed (`onProgress`): a step about to be
    /// submitted, accepted or finished. Store it before the callback returns
    /// to resume the chain without paying for a step twice.
    Progress(ChainProgress),
}

/// The caller's callback, if any.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) type Callback<'a> = Box<dyn FnMut(Event) + Send + 'a>;

/// The caller's callback, if any: on wasm32 it may hold JS values.
#[cfg(target_arch = "wasm32")]
pub(crate) type Callback<'a> = Box<dyn FnMut(Event) + 'a>;

/// Where a call's updates go: log lines to the facade, the rest to the
/// caller's callback (or nowhere).
#[derive(Default)]
pub(crate) struct Reporter<'a> {
    pub(crate) on_event: Option<Callback<'a>>,
}

impl Reporter<'_> {
    pub(crate) fn report(&mut self, update: Update) {
        let event = match update {
            Update::Log { level, message } => return logging::emit(level, &message),
            Update::Submitted(submission) => Event::Submitted(submission.into()),
            Update::Status(job) => Event::Updated(job.into()),
            Update::Step { index, job } => Event::StepFinished { index, job: job.into() },
            Update::Progress(progress) => Event::Progress(progress.into()),
        };
        if let Some(callback) = &mut self.on_event {
            callback(event);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kling_extend_core::client::log_level::Level;
    use kling_extend_core::types::job::{Job as CoreJob, Status, Submission as CoreSubmission};
    use kling_extend_core::types::provider::ProviderName;

    fn accepted(id: &str) -> (CoreSubmission, CoreJob) {
        let submission = CoreSubmission {
            job_id: id.into(),
            status: Status::Queued,
            provider: ProviderName::Trinetra,
            request_id: None,
        };
        let job = CoreJob::accepted(&submission);
        (submission, job)
    }

    #[test]
    fn each_update_is_its_event_in_order_and_log_lines_are_not_events() {
        let mut seen = Vec::new();
        let mut reporter = Reporter { on_event: Some(Box::new(|event| seen.push(event))) };
        let (submission, job) = accepted("j1");
        reporter.report(Update::Log { level: Level::Info, message: "GET … → 200".into() });
        reporter.report(Update::Submitted(submission.clone()));
        reporter.report(Update::Status(job.clone()));
        reporter.report(Update::Step { index: 2, job: job.clone() });
        drop(reporter);
        let job = Job::from(job);
        let expected =
            [Event::Submitted(submission.into()), Event::Updated(job.clone()), Event::StepFinished { index: 2, job }];
        assert_eq!(seen, expected);
    }

    #[test]
    fn without_a_callback_updates_go_nowhere() {
        let (submission, _) = accepted("j1");
        Reporter::default().report(Update::Submitted(submission));
    }
}
