//! The names a driver and the core share for the network calls it can
//! start ([`TaskKind`]) and for what it reports of a step that got no
//! response ([`TaskEvent`]), defined once here: the wasm layer parses them
//! at its boundary, and the JS driver's constants are checked against
//! [`TaskKind::ALL`] and [`TaskEvent::ALL`] by their wire names.
//!
//! A driver's boundary reads both from text (here, a call it starts and
//! the timeout it reports of its request):
//!
//! ```
//! use kling_extend_core::client::machine::Event;
//! use kling_extend_core::client::task::{TaskEvent, TaskKind};
//! use kling_extend_core::types::http::Transport;
//!
//! assert_eq!(TaskKind::parse("pollJob"), Ok(TaskKind::PollJob));
//! let event = TaskEvent::parse("timedOut").and_then(|event| event.event("")).unwrap();
//! assert!(matches!(event, Event::Failed(Transport::Timeout)));
//! ```

use crate::client::machine::Event;
use crate::types::error::{Error, Result};
use crate::types::http::Transport;

/// A network call, by the name of the API function that makes it (which its
/// log lines also give).
///
/// ```
/// use kling_extend_core::client::task::TaskKind;
///
/// let kind = TaskKind::parse("chainExtensions").unwrap();
/// assert_eq!(kind, TaskKind::ChainExtensions);
/// assert_eq!(kind.wire_name(), "chainExtensions");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskKind {
    /// `extendVideo`: one submit.
    ExtendVideo,
    /// `getJob`: one read of a job.
    GetJob,
    /// `pollJob`: reads of a job until it ends.
    PollJob,
    /// `run`: a submit, then its poll.
    Run,
    /// `chainExtensions`: a run per prompt, each extending the last result.
    ChainExtensions,
    /// A step of a chain a durable engine runs (`kling-extend/workflows`).
    ChainSubmit,
}

impl TaskKind {
    /// Every kind, in the order the JS driver's list has them.
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskKind;
    ///
    /// let names: Vec<&str> = TaskKind::ALL.iter().map(|kind| kind.wire_name()).collect();
    /// assert_eq!(names, ["extendVideo", "getJob", "pollJob", "run", "chainExtensions", "chainSubmit"]);
    /// ```
    pub const ALL: &'static [TaskKind] = &[
        TaskKind::ExtendVideo,
        TaskKind::GetJob,
        TaskKind::PollJob,
        TaskKind::Run,
        TaskKind::ChainExtensions,
        TaskKind::ChainSubmit,
    ];

    /// The name the driver starts the call by: its API function's.
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskKind;
    ///
    /// assert_eq!(TaskKind::GetJob.wire_name(), "getJob");
    /// ```
    pub fn wire_name(self) -> &'static str {
        match self {
            TaskKind::ExtendVideo => "extendVideo",
            TaskKind::GetJob => "getJob",
            TaskKind::PollJob => "pollJob",
            TaskKind::Run => "run",
            TaskKind::ChainExtensions => "chainExtensions",
            TaskKind::ChainSubmit => "chainSubmit",
        }
    }

    /// The kind `name` names, or the error a driver gets for a call the core
    /// has not. A `match` rather than a search of [`TaskKind::ALL`], which
    /// costs the page's wasm more (the tests hold the two to agree).
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskKind;
    ///
    /// assert_eq!(TaskKind::parse("run"), Ok(TaskKind::Run));
    /// let error = TaskKind::parse("Run").unwrap_err(); // names are case-sensitive
    /// assert_eq!(error.field.as_deref(), Some("kind"));
    /// ```
    pub fn parse(name: &str) -> Result<TaskKind> {
        Ok(match name {
            "extendVideo" => TaskKind::ExtendVideo,
            "getJob" => TaskKind::GetJob,
            "pollJob" => TaskKind::PollJob,
            "run" => TaskKind::Run,
            "chainExtensions" => TaskKind::ChainExtensions,
            "chainSubmit" => TaskKind::ChainSubmit,
            _ => return Err(TaskKind::not_a_call()),
        })
    }

    /// The error for a kind this build does not run (or no kind at all).
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskKind;
    /// use kling_extend_core::types::error::ErrorCode;
    ///
    /// // A build without chains refuses their kinds as it refuses unknown ones.
    /// let error = TaskKind::not_a_call();
    /// assert_eq!((error.code, error.field.as_deref()), (ErrorCode::InvalidRequest, Some("kind")));
    /// assert_eq!(TaskKind::parse("nope"), Err(error));
    /// ```
    pub fn not_a_call() -> Error {
        Error::invalid("kind", "is not a network call")
    }
}

/// What happened to a step that is not a response, as the driver reports it
/// (with a detail, text, for some).
///
/// ```
/// use kling_extend_core::client::machine::Event;
/// use kling_extend_core::client::task::TaskEvent;
/// use kling_extend_core::types::http::Transport;
///
/// // Node's fetch failed with `err.cause.code` "ECONNREFUSED": nothing was sent.
/// let event = TaskEvent::parse("failed").unwrap().event("ECONNREFUSED").unwrap();
/// assert!(matches!(event, Event::Failed(Transport::ConnectFailed)));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskEvent {
    /// The wait ended.
    Waited,
    /// No response within the send step's timeout.
    TimedOut,
    /// The request failed; detail: Node's `err.cause.code`, if any, or
    /// [`Transport::NOT_SENT`] when the runtime refused to send it.
    Failed,
    /// The service answered with a redirect; detail: its status, "0" when hidden.
    Redirected,
    /// The body passed the send step's `maxBytes`; detail: that limit.
    TooLarge,
    /// The caller's signal fired; detail: [`TaskEvent::IN_FLIGHT`] when a
    /// request was under way.
    Aborted,
    /// The driver gave the call up before its last step (a hook threw): its
    /// machine is dropped.
    End,
}

impl TaskEvent {
    /// Every event, in the order the JS driver's list has them.
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskEvent;
    ///
    /// for &event in TaskEvent::ALL {
    ///     assert_eq!(TaskEvent::parse(event.wire_name()), Ok(event));
    /// }
    /// assert_eq!(TaskEvent::ALL.len(), 7);
    /// ```
    pub const ALL: &'static [TaskEvent] = &[
        TaskEvent::Waited,
        TaskEvent::TimedOut,
        TaskEvent::Failed,
        TaskEvent::Redirected,
        TaskEvent::TooLarge,
        TaskEvent::Aborted,
        TaskEvent::End,
    ];

    /// The detail of [`TaskEvent::Aborted`] when a request was under way.
    ///
    /// ```
    /// use kling_extend_core::client::machine::Event;
    /// use kling_extend_core::client::task::TaskEvent;
    ///
    /// let during = TaskEvent::Aborted.event(TaskEvent::IN_FLIGHT).unwrap();
    /// assert!(matches!(during, Event::Aborted { in_flight: true }));
    /// let between = TaskEvent::Aborted.event("").unwrap();
    /// assert!(matches!(between, Event::Aborted { in_flight: false }));
    /// ```
    pub const IN_FLIGHT: &'static str = "inFlight";

    /// The name the driver reports the event by.
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskEvent;
    ///
    /// assert_eq!(TaskEvent::TooLarge.wire_name(), "tooLarge");
    /// ```
    pub fn wire_name(self) -> &'static str {
        match self {
            TaskEvent::Waited => "waited",
            TaskEvent::TimedOut => "timedOut",
            TaskEvent::Failed => "failed",
            TaskEvent::Redirected => "redirected",
            TaskEvent::TooLarge => "tooLarge",
            TaskEvent::Aborted => "aborted",
            TaskEvent::End => "end",
        }
    }

    /// As [`TaskKind::parse`]: the event `name` names, or an error naming
    /// the field `event`.
    ///
    /// ```
    /// use kling_extend_core::client::task::TaskEvent;
    ///
    /// assert_eq!(TaskEvent::parse("end"), Ok(TaskEvent::End));
    /// assert_eq!(TaskEvent::parse("nudged").unwrap_err().field.as_deref(), Some("event"));
    /// ```
    pub fn parse(name: &str) -> Result<TaskEvent> {
        Ok(match name {
            "waited" => TaskEvent::Waited,
            "timedOut" => TaskEvent::TimedOut,
            "failed" => TaskEvent::Failed,
            "redirected" => TaskEvent::Redirected,
            "tooLarge" => TaskEvent::TooLarge,
            "aborted" => TaskEvent::Aborted,
            "end" => TaskEvent::End,
            _ => return Err(Error::invalid("event", "is not a task event")),
        })
    }

    /// The machine's input for this event with its `detail`; for
    /// [`TaskEvent::End`], which drops the machine instead, the answer the
    /// driver does not read: the unknown name's, whose text the wasm holds already.
    /// A detail that is not a number where one is expected reads as 0.
    ///
    /// ```
    /// use kling_extend_core::client::machine::Event;
    /// use kling_extend_core::client::task::TaskEvent;
    /// use kling_extend_core::types::http::Transport;
    ///
    /// let too_large = TaskEvent::TooLarge.event("1048576").unwrap();
    /// assert!(matches!(too_large, Event::Failed(Transport::TooLarge { limit: 1_048_576 })));
    /// let hidden = TaskEvent::Redirected.event("0").unwrap(); // a browser hides the status
    /// assert!(matches!(hidden, Event::Failed(Transport::Redirected { status: 0 })));
    /// assert!(matches!(TaskEvent::Waited.event("").unwrap(), Event::Waited));
    /// assert!(TaskEvent::End.event("").is_err());
    /// ```
    pub fn event(self, detail: &str) -> Result<Event> {
        Ok(match self {
            TaskEvent::Waited => Event::Waited,
            TaskEvent::TimedOut => Event::Failed(Transport::Timeout),
            TaskEvent::Failed => Event::Failed(Transport::from_cause_code(Some(detail).filter(|c| !c.is_empty()))),
            TaskEvent::Redirected => Event::Failed(Transport::Redirected { status: detail.parse().unwrap_or(0) }),
            TaskEvent::TooLarge => Event::Failed(Transport::TooLarge { limit: detail.parse().unwrap_or(0) }),
            TaskEvent::Aborted => Event::Aborted { in_flight: detail == TaskEvent::IN_FLIGHT },
            TaskEvent::End => return Err(Error::invalid("event", "is not a task event")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_itself_and_an_unknown_one_is_refused_by_field() {
        for &kind in TaskKind::ALL {
            assert_eq!(TaskKind::parse(kind.wire_name()), Ok(kind));
        }
        for &event in TaskEvent::ALL {
            assert_eq!(TaskEvent::parse(event.wire_name()), Ok(event));
        }
        assert_eq!(TaskKind::parse("GetJob").unwrap_err().field.as_deref(), Some("kind"));
        assert_eq!(TaskEvent::parse("nudged").unwrap_err().field.as_deref(), Some("event"));
    }

    #[test]
    fn details_become_the_machines_inputs() {
        let event = |event: TaskEvent, detail: &str| format!("{:?}", event.event(detail).unwrap());
        assert_eq!(event(TaskEvent::Failed, Transport::NOT_SENT), format!("{:?}", Event::Failed(Transport::NeverSent)));
        assert_eq!(event(TaskEvent::Failed, ""), format!("{:?}", Event::Failed(Transport::Network)));
        assert_eq!(
            event(TaskEvent::Redirected, "307"),
            format!("{:?}", Event::Failed(Transport::Redirected { status: 307 }))
        );
        assert_eq!(event(TaskEvent::TooLarge, "8"), format!("{:?}", Event::Failed(Transport::TooLarge { limit: 8 })));
        assert_eq!(
            event(TaskEvent::Aborted, TaskEvent::IN_FLIGHT),
            format!("{:?}", Event::Aborted { in_flight: true })
        );
        assert_eq!(event(TaskEvent::Aborted, ""), format!("{:?}", Event::Aborted { in_flight: false }));
        assert_eq!(TaskEvent::End.event("").unwrap_err().field.as_deref(), Some("event"));
    }
}
