//! The core's log lines (what each attempt, wait and retry did, and how a
//! call ended: the npm package's `logLevel` lines) through the `log` facade.
//!
//! `log` is a dependency, not a feature: it has no dependencies of its own,
//! and without a logger installed it costs one atomic load per call, as the
//! threshold below is then "off" and the core formats no line at all. The
//! level is the caller's logger's to pick (its filter for the target
//! [`TARGET`]), as for every crate that logs; the lines are the core's,
//! redacted by it as in JS.

use kling_extend_core::client::log::Logged;
use kling_extend_core::client::log_level::Level;
use kling_extend_core::client::machine::Machine;
use kling_extend_core::client::update::Update;

/// The target of every line: a logger's filter for this crate.
pub(crate) const TARGET: &str = "kling_extend_client";

/// A machine of any kind, so a call's machine is one type logged or not.
pub(crate) type AnyMachine<'a, T> = Box<dyn Machine<Output = T, Update = Update> + Send + 'a>;

/// The most verbose level the installed logger takes from [`TARGET`] now;
/// `None` when it takes none.
fn threshold() -> Option<Level> {
    [Level::Debug, Level::Info, Level::Warn, Level::Error]
        .into_iter()
        .find(|level| log::log_enabled!(target: TARGET, facade(*level)))
}

/// The facade's level for the core's.
fn facade(level: Level) -> log::Level {
    match level {
        Level::Error => log::Level::Error,
        Level::Warn => log::Level::Warn,
        Level::Info => log::Level::Info,
        Level::Debug => log::Level::Debug,
    }
}

/// `machine`, logging what it does at the logger's threshold, as the API
/// function `what`; as it is when nothing would be logged.
pub(crate) fn logged<'a, M>(machine: M, what: &'static str) -> AnyMachine<'a, M::Output>
where
    M: Machine<Update = Update> + Send + 'a,
{
    match threshold() {
        Some(level) => Box::new(Logged::new(machine, level, what)),
        None => Box::new(machine),
    }
}

/// One of the core's lines, already redacted.
pub(crate) fn emit(level: Level, message: &str) {
    log::log!(target: TARGET, facade(level), "{message}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_level_of_the_core_is_the_facades_of_the_same_name() {
        for level in [Level::Error, Level::Warn, Level::Info, Level::Debug] {
            assert_eq!(facade(level).as_str().to_ascii_lowercase(), level.as_str());
        }
    }

    #[test]
    fn without_a_logger_nothing_is_logged_so_nothing_is_formatted() {
        // The unit tests install no logger: the facade's level is off.
        assert_eq!(threshold(), None);
    }
}
