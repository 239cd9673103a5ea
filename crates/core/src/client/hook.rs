//! The names of the caller's hooks that a step's updates call (see
//! [`Update`](crate::client::update::Update)), defined once here: the
//! wasm layer writes each update under its hook's name, and the JS driver
//! takes the list from `src/js/lib/contract.js`, generated from [`ALL`].

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
pub const ALL: [&str; 5] = [ON_UPDATE, ON_STEP, ON_PROGRESS, ON_SUBMITTED, LOG];
