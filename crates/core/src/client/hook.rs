//! The names of the caller's hooks that a step's updates call (see
//! [`Update`](crate::client::update::Update)), defined once here: the
//! wasm layer writes each update under its hook's name, and the JS driver
//! takes the list from `src/js/lib/contract.js`, generated from [`ALL`].
//!
//! A driver names each update by its hook, then calls the caller's option
//! of that name (here, a poll's first read of a running job):
//!
//! ```
//! use kling_extend_core::client::hook;
//! use kling_extend_core::client::machine::{Event, Machine, Time};
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::poll::Poll;
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::job_id::JobId;
//! use kling_extend_core::types::json::parse;
//!
//! fn hook_of(update: &Update) -> &'static str {
//!     match update {
//!         Update::Status(_) => hook::ON_UPDATE,
//!         Update::Submitted(_) => hook::ON_SUBMITTED,
//!         Update::Step { .. } => hook::ON_STEP,
//!         Update::Progress(_) => hook::ON_PROGRESS,
//!         Update::Log { .. } => hook::LOG,
//!     }
//! }
//!
//! let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let mut poll = Poll::new(config, PollConfig::from_value(&options).unwrap(), JobId::new("j1").unwrap(), 7);
//! poll.start(Time::at(0));
//! let body = br#"{"id":"j1","status":"running"}"#.to_vec();
//! poll.handle(Event::Response(HttpResponse { status: 200, headers: vec![], body }), Time::at(10));
//! let update = poll.take_update().unwrap();
//! assert_eq!(hook_of(&update), "onUpdate");
//! assert!(hook::ALL.contains(&hook_of(&update)));
//! ```

/// A job's status changed: the caller's `onUpdate` gets the job.
///
/// ```
/// use kling_extend_core::client::hook::ON_UPDATE;
///
/// assert_eq!(ON_UPDATE, "onUpdate"); // the option's name in `src/js/index.d.ts`
/// ```
pub const ON_UPDATE: &str = "onUpdate";
/// The service accepted a submit: `onSubmitted` gets the submission.
///
/// ```
/// use kling_extend_core::client::hook::ON_SUBMITTED;
///
/// assert_eq!(ON_SUBMITTED, "onSubmitted");
/// ```
pub const ON_SUBMITTED: &str = "onSubmitted";
/// A chain's step finished: `onStep` gets `{ index, job }`.
///
/// ```
/// use kling_extend_core::client::hook::ON_STEP;
///
/// assert_eq!(ON_STEP, "onStep");
/// ```
pub const ON_STEP: &str = "onStep";
/// A chain's progress changed: `onProgress` gets it.
///
/// ```
/// use kling_extend_core::client::hook::ON_PROGRESS;
///
/// assert_eq!(ON_PROGRESS, "onProgress");
/// ```
pub const ON_PROGRESS: &str = "onProgress";
/// A line for the caller's logger: `{ level, message }`, the level by
/// [`Level::as_str`](crate::client::log_level::Level::as_str).
///
/// ```
/// use kling_extend_core::client::hook::LOG;
/// use kling_extend_core::client::log_level::Level;
///
/// // The logger is an option too: `logger.warn(message)` gets a warning.
/// assert_eq!((LOG, Level::Warn.as_str()), ("log", "warn"));
/// ```
pub const LOG: &str = "log";
/// The hooks a step's updates name, each with its argument.
///
/// ```
/// use kling_extend_core::client::hook::{ALL, ON_PROGRESS, ON_STEP};
///
/// assert!(ALL.contains(&ON_STEP) && ALL.contains(&ON_PROGRESS));
/// assert!(!ALL.contains(&"fetch"), "the one hook no update calls");
/// ```
pub const ALL: [&str; 5] = [ON_UPDATE, ON_STEP, ON_PROGRESS, ON_SUBMITTED, LOG];
