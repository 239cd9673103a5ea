//! A chain run one step at a time by a durable engine (Cloudflare
//! Workflows): the engine does each step's I/O and stores the progress
//! these functions return; the core decides what each step sends and what
//! the chain may do next, exactly as [`Chain`](super::chain::Chain) does in
//! one process.
//!
//! The engine's loop, each part a durable step of its own: record (no
//! outcome at the start), submit the step in flight, wait for its job,
//! record its outcome, until none is in flight.
//!
//! ```
//! use kling_extend_core::client::chain::ChainPlan;
//! use kling_extend_core::client::chain_progress::Outcome;
//! use kling_extend_core::client::chain_steps::record_step;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::json::{Value, parse};
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let options = parse(br#"{"provider":"kling","token":"jwt"}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let texts = parse(br#"["the sun sets","night falls"]"#).unwrap();
//! let plan = ChainPlan::from_values(&Value::String("v0".into()), &texts, &options, ProviderName::Kling).unwrap();
//! let (prompts, mut progress) = plan.into_parts(ProviderName::Kling, [0xab; 16]);
//! record_step(&prompts, &mut progress, None, &config).unwrap();
//! assert!(progress.in_flight.is_some(), "the first step, to submit");
//! // … the engine submits it (`submit`) and waits for its job, then:
//! let job = parse(br#"{"id":"t1","units_charged":1,"output":{"outputs":[{"id":"v1","duration":10}]}}"#).unwrap();
//! record_step(&prompts, &mut progress, Some(Outcome::from_value(&job).unwrap()), &config).unwrap();
//! assert_eq!((progress.finished.len(), progress.charged), (1, 1.0));
//! assert!(progress.in_flight.is_some(), "the second step");
//! ```

use crate::client::call::{Call, Submit};
use crate::client::chain::Prompts;
use crate::client::chain_progress::{ChainProgress, InFlight, Outcome};
use crate::client::service::Service;
use crate::types::error::{Error, Result};

/// Records the in-flight step's `outcome` (none at the start) and puts the
/// next step in flight: afterwards `progress.in_flight` is the step to
/// submit, or `None` once the chain is done. Refuses a Kling chain that
/// would pass three minutes before that step is paid for.
///
/// ```
/// # use kling_extend_core::client::chain::ChainPlan;
/// # use kling_extend_core::providers::ClientConfig;
/// # use kling_extend_core::types::json::{Value, parse};
/// # use kling_extend_core::types::provider::ProviderName;
/// # let options = parse(br#"{"provider":"kling","token":"jwt"}"#).unwrap();
/// # let config = ClientConfig::from_value(&options, false).unwrap();
/// # let texts = parse(br#"["the sun sets","night falls"]"#).unwrap();
/// # let plan = ChainPlan::from_values(&Value::String("v0".into()), &texts, &options, ProviderName::Kling).unwrap();
/// # let (prompts, mut progress) = plan.into_parts(ProviderName::Kling, [0xab; 16]);
/// use kling_extend_core::client::chain_progress::Outcome;
/// use kling_extend_core::client::chain_steps::record_step;
///
/// record_step(&prompts, &mut progress, None, &config).unwrap();
/// let first = progress.in_flight.clone().unwrap();
/// assert_eq!(first.external_id, Some(format!("ke-{}", "ab".repeat(16))), "findable after a restart");
/// let outcome = |id: &str, seconds| Outcome { job_id: id.into(), video_id: Some(id.into()), seconds, charged: 1.0 };
/// record_step(&prompts, &mut progress, Some(outcome("t1", Some(10.0))), &config).unwrap();
/// record_step(&prompts, &mut progress, Some(outcome("t2", Some(15.0))), &config).unwrap();
/// assert_eq!((progress.finished.len(), progress.in_flight.clone()), (2, None), "done");
/// let error = record_step(&prompts, &mut progress, Some(outcome("t3", None)), &config).unwrap_err();
/// assert_eq!(error.field.as_deref(), Some("job"), "no step was in flight");
/// ```
pub fn record_step(
    prompts: &Prompts,
    progress: &mut ChainProgress,
    outcome: Option<Outcome>,
    service: &impl Service,
) -> Result<()> {
    if let Some(outcome) = outcome {
        if progress.in_flight.is_none() {
            return Err(Error::invalid("job", "ends no step: the progress has none in flight"));
        }
        progress.finish(outcome)?;
    }
    if progress.in_flight.is_none() {
        if let Some(request) = prompts.next_request(progress, service)? {
            progress.in_flight = Some(InFlight::of(&request));
        }
    }
    Ok(())
}

/// The submit of the step in flight. A `retried` attempt (the engine ran
/// the step before: it failed, or the runtime restarted under it) may have
/// been accepted already, so it is looked up by its findable id first where
/// the service has them. A first attempt is sent at once: even were it sent
/// before, Kling refuses a second task with the same `external_task_id`, and
/// the retry that follows finds the first.
///
/// ```
/// # use kling_extend_core::client::chain::ChainPlan;
/// # use kling_extend_core::providers::ClientConfig;
/// # use kling_extend_core::types::json::{Value, parse};
/// # use kling_extend_core::types::provider::ProviderName;
/// # let options = parse(br#"{"provider":"kling","token":"jwt"}"#).unwrap();
/// # let config = ClientConfig::from_value(&options, false).unwrap();
/// # let texts = parse(br#"["the sun sets","night falls"]"#).unwrap();
/// # let plan = ChainPlan::from_values(&Value::String("v0".into()), &texts, &options, ProviderName::Kling).unwrap();
/// # let (prompts, mut progress) = plan.into_parts(ProviderName::Kling, [0xab; 16]);
/// use kling_extend_core::client::chain_steps::{record_step, submit};
/// use kling_extend_core::client::machine::{Machine, Step, Time};
/// use kling_extend_core::types::http::Method;
///
/// record_step(&prompts, &mut progress, None, &config).unwrap();
/// let first_request = |retried| {
///     let mut call = submit(&prompts, &progress, retried, config.clone(), 7).unwrap();
///     let Step::Send { request, .. } = call.start(Time::at(0)) else { panic!("a submit sends first") };
///     request
/// };
/// assert_eq!(first_request(false).method, Method::Post);
/// let lookup = first_request(true);
/// assert_eq!(lookup.method, Method::Get, "a retried step is looked up by its id first");
/// assert!(lookup.url.ends_with(&format!("/ke-{}", "ab".repeat(16))), "{}", lookup.url);
/// ```
pub fn submit<S: Service>(
    prompts: &Prompts,
    progress: &ChainProgress,
    retried: bool,
    service: S,
    seed: u64,
) -> Result<Call<S, Submit>> {
    let none = || Error::invalid("resume.inFlight", "is required: the chain has no step in flight");
    let flight = progress.in_flight.as_ref().ok_or_else(none)?;
    let request = prompts.next_request(progress, &service)?.ok_or_else(none)?;
    flight.check(&request)?;
    // The findable id is the service's to give (`make_findable`): a request
    // that has one can be looked up by it.
    if retried && request.external_task_id.is_some() {
        return Ok(Call::find_or_submit(service, request, seed));
    }
    // Already findable by the step's own id: the nonce goes unused.
    Ok(Call::submit(service, request, seed, [0; 16]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::chain_progress::Source;
    use crate::client::testing::{Options, drive, kling, prompts, secret, trinetra};
    use crate::providers::ClientConfig;
    use crate::providers::kling::KlingAuth;
    use crate::types::error::ErrorCode;
    use crate::types::http::Method;
    use crate::types::json::{Value, parse};

    fn kling_chain() -> Options {
        kling(KlingAuth::Token(secret("tok-secret-123"))).callback_url("https://example.com/cb?instance=i")
    }

    /// The chain `options` and `texts` describe, started with key 0xab…
    fn started(options: Options, texts: &[&str]) -> Result<(ClientConfig, Prompts, ChainProgress)> {
        let config = options.config();
        let plan = options.chain_plan("v0", &prompts(texts))?;
        let (prompts, mut progress) = plan.into_parts(config.provider(), [0xab; 16]);
        record_step(&prompts, &mut progress, None, &config)?;
        Ok((config, prompts, progress))
    }

    fn outcome(id: &str, video: &str, seconds: f64) -> Outcome {
        Outcome { job_id: id.into(), video_id: Some(video.into()), seconds: Some(seconds), charged: 2.0 }
    }

    #[test]
    fn each_step_goes_in_flight_with_its_own_findable_id_and_extends_the_one_before() {
        let (config, prompts, mut progress) = started(kling_chain(), &["one", "two"]).unwrap();
        let first = progress.in_flight.clone().unwrap().external_id.unwrap();
        assert_eq!(first, format!("ke-{}", "ab".repeat(16)));
        record_step(&prompts, &mut progress, Some(outcome("t1", "vid1", 10.0)), &config).unwrap();
        let second = progress.in_flight.clone().unwrap().external_id.unwrap();
        assert_eq!(second, format!("ke-{}aa", "ab".repeat(15)), "the index is mixed into the last byte");
        assert_eq!((progress.next.clone(), progress.charged), (Source::Video("vid1".into()), 2.0));
        record_step(&prompts, &mut progress, Some(outcome("t2", "vid2", 15.0)), &config).unwrap();
        assert_eq!((progress.in_flight, progress.finished.len()), (None, 2));
    }

    #[test]
    fn a_retried_step_is_looked_up_first_where_the_service_can_find_it() {
        let first = |options: Options, retried: bool| {
            let (config, prompts, progress) = started(options, &["one"]).unwrap();
            drive(submit(&prompts, &progress, retried, config, 1).unwrap(), []).expect_send()
        };
        let sent = first(kling_chain(), false);
        assert_eq!(sent.method, Method::Post, "a first attempt is sent at once");
        assert_eq!(sent.body.unwrap().get("callback_url"), Some(&"https://example.com/cb?instance=i".into()));
        let retried = first(kling_chain(), true);
        assert_eq!(retried.method, Method::Get, "a retried Kling step is looked up by its id before it is sent");
        assert!(retried.url.ends_with(&format!("/ke-{}", "ab".repeat(16))), "{}", retried.url);
        assert_eq!(first(trinetra("k"), true).method, Method::Post, "Trinetra has nothing to look up by");
    }

    #[test]
    fn the_kling_limit_is_checked_at_the_start_and_again_with_each_real_length() {
        let error = started(kling_chain(), &["p"; 36]).err().unwrap();
        assert_eq!((error.code, error.field.as_deref()), (ErrorCode::InvalidRequest, Some("prompts")));
        let (config, prompts, mut progress) = started(kling_chain(), &["one", "two"]).unwrap();
        let error = record_step(&prompts, &mut progress, Some(outcome("t1", "vid1", 178.0)), &config).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("prompts"));
        assert!(error.message.contains("183 s"), "{}", error.message);
    }

    #[test]
    fn a_progress_without_a_step_in_flight_neither_submits_nor_finishes() {
        let (config, prompts, mut progress) = started(trinetra("k"), &["one"]).unwrap();
        record_step(&prompts, &mut progress, Some(outcome("j1", "vid1", 10.0)), &config).unwrap();
        let error = submit(&prompts, &progress, true, config.clone(), 1).err().unwrap();
        assert_eq!(error.field.as_deref(), Some("resume.inFlight"));
        let error = record_step(&prompts, &mut progress, Some(outcome("j2", "vid2", 15.0)), &config).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("job"));
    }

    #[test]
    fn an_outcome_is_read_from_the_job_as_the_api_resolved_it() {
        let job = r#"{"id":"t1","status":"succeeded","units_charged":3,"output":{"outputs":[{"url":"u","type":"video","id":"vid1","duration":10}]}}"#;
        let read = Outcome::from_value(&parse(job.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            read,
            Outcome { job_id: "t1".into(), video_id: Some("vid1".into()), seconds: Some(10.0), charged: 3.0 }
        );
        let error = Outcome::from_value(&Value::Object(vec![])).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("job.id"));
    }
}
