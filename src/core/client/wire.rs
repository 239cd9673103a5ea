//! The names a network call's steps cross the JS boundary by (the task
//! protocol of `src/wasm/task.rs`, performed by `src/js/lib/driver.js`),
//! written once here: the JS side takes them from `src/js/lib/contract.js`,
//! which `cargo test` checks against these (`core::contract`).

/// The network calls JS may start, by the names their log lines give them.
pub const TASK_KINDS: [&str; 6] = ["extendVideo", "getJob", "pollJob", "run", "chainExtensions", "chainSubmit"];

/// The wait of a `wait` step ran its course.
pub const WAITED: &str = "waited";
/// The request outlived its `timeoutMs`.
pub const TIMED_OUT: &str = "timedOut";
/// fetch failed; the detail is the platform's code for why, if any.
pub const FAILED: &str = "failed";
/// The answer was a redirect, not followed; the detail is its status ("0" when hidden).
pub const REDIRECTED: &str = "redirected";
/// The answer's body was over `maxBytes`, unread; the detail is the limit.
pub const TOO_LARGE: &str = "tooLarge";
/// The caller's signal fired; the detail is [`IN_FLIGHT`] when a request was under way.
pub const ABORTED: &str = "aborted";
/// The call ended in JS before its last step (a hook threw): its machine is dropped.
pub const END: &str = "end";
/// What happened to a step that is not a response, as the driver reports it.
pub const EVENTS: [&str; 7] = [WAITED, TIMED_OUT, FAILED, REDIRECTED, TOO_LARGE, ABORTED, END];

/// [`ABORTED`]'s detail when a request was under way.
pub const IN_FLIGHT: &str = "inFlight";
/// [`FAILED`]'s detail when the runtime refused to send the request at all.
pub const NOT_SENT: &str = "ENOTSENT";

/// A job's status changed: the caller's `onUpdate` gets the job.
pub const ON_UPDATE: &str = "onUpdate";
/// The service accepted a submit: `onSubmitted` gets the submission.
pub const ON_SUBMITTED: &str = "onSubmitted";
/// A chain's step finished: `onStep` gets `{ index, job }`.
pub const ON_STEP: &str = "onStep";
/// A chain's progress changed: `onProgress` gets it.
pub const ON_PROGRESS: &str = "onProgress";
/// A line for the caller's logger: `{ level, message }`.
pub const LOG: &str = "log";
/// The hooks a step's updates name, each with its argument.
pub const UPDATE_HOOKS: [&str; 5] = [ON_UPDATE, ON_STEP, ON_PROGRESS, ON_SUBMITTED, LOG];
