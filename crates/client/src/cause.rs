//! A failed exchange's cause, as a caller's error may carry it: the
//! transport's own error, unless a rendering of it holds a credential.
//! reqwest's error names the request's URL, and a service that echoed the
//! key as a job id has put the key in the next read's path; the core redacts
//! what its machines make, never what a transport made.

use crate::driver::Cause;
use kling_extend_core::types::redact::Secrets;
use std::error::Error as StdError;
use std::fmt;

/// `cause` as it is when no rendering of it (its `Debug`, its `Display` and
/// those of its sources) holds one of `secrets`; else its text, the
/// credentials taken out (it can no longer be downcast then).
pub(crate) fn scrubbed(cause: Cause, secrets: &Secrets) -> Cause {
    let cause = cause?;
    let debug = format!("{cause:?}");
    let text = chain(&*cause);
    if secrets.scrub(&debug).is_none() && secrets.scrub(&text).is_none() {
        return Some(cause);
    }
    Some(Box::new(Scrubbed(secrets.scrub(&text).unwrap_or(text))))
}

/// An error's message, then each source's, as `a: b: c`.
fn chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(next) = source {
        text = format!("{text}: {next}");
        source = next.source();
    }
    text
}

/// A transport's error, as text with the credentials taken out.
struct Scrubbed(String);

impl fmt::Display for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Scrubbed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("TransportError").field(&self.0).finish()
    }
}

impl StdError for Scrubbed {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Failed {
        url: &'static str,
    }

    impl fmt::Display for Failed {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "error sending request for url ({})", self.url)
        }
    }

    impl StdError for Failed {}

    fn cause(url: &'static str) -> Cause {
        Some(Box::new(Failed { url }))
    }

    #[test]
    fn a_cause_that_names_no_credential_is_kept_as_the_transports_own() {
        let secrets = Secrets::new(["sk_live_0123456789"], None);
        let kept = scrubbed(cause("http://127.0.0.1/v1/jobs/j1"), &secrets).expect("a cause");
        assert!(kept.downcast_ref::<Failed>().is_some());
    }

    #[test]
    fn a_cause_that_names_a_credential_keeps_its_text_without_it() {
        let secrets = Secrets::new(["sk_live_0123456789"], None);
        let shown = scrubbed(cause("http://127.0.0.1/v1/jobs/sk_live_0123456789"), &secrets).expect("a cause");
        for rendering in [shown.to_string(), format!("{shown:?}")] {
            assert!(!rendering.contains("sk_live_0123456789"), "{rendering}");
            assert!(rendering.contains("error sending request for url (http://127.0.0.1/v1/jobs/"), "{rendering}");
        }
        assert!(scrubbed(None, &secrets).is_none());
    }
}
