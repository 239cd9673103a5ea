//! `chainExtensions`: extend, wait for the result, extend the result again,
//! once per prompt. A composite machine: it runs a [`Run`] (a submit, then a
//! poll) per step, and passes their steps through to the driver.

use crate::core::client::machine::{Event, Machine, Step, Update};
use crate::core::client::options::PollConfig;
use crate::core::client::run::Run;
use crate::core::client::service::Service;
use crate::core::types::error::{Error, ErrorCode};
use crate::core::types::fields::Fields;
use crate::core::types::job::Job;
use crate::core::types::json::Value;
use crate::core::types::provider::ProviderName;
use crate::core::types::request::ExtendRequest;

/// Kling's limit on the length of an extended video.
pub const KLING_MAX_SECONDS: f64 = 180.0;
/// What one extension adds at most (Kling's `duration` "5").
const EXTENSION_SECONDS: f64 = 5.0;
/// Kling's shortest video, assumed for a source of unknown length.
const SHORTEST_SOURCE_SECONDS: f64 = 5.0;
/// No chain needs more steps: 36 already pass Kling's three minutes.
const MAX_STEPS: usize = 100;

/// What to chain, validated before anything is sent, so a bad third prompt
/// cannot fail a chain after two paid steps.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainPlan {
    video_id: String,
    prompts: Vec<String>,
    /// Length of the source video, when the caller knows it.
    source_seconds: Option<f64>,
}

impl ChainPlan {
    pub fn from_values(
        video_id: &Value,
        prompts: &Value,
        options: &Value,
        provider: ProviderName,
    ) -> Result<Self, Error> {
        let video_id = match video_id.as_str() {
            Some(id) if !id.trim().is_empty() => id.to_owned(),
            _ => return Err(Error::invalid("videoId", "must be a non-empty string")),
        };
        let Some(items) = prompts.as_array().filter(|p| (1..=MAX_STEPS).contains(&p.len())) else {
            return Err(Error::invalid("prompts", &format!("must be a list of 1 to {} prompts", MAX_STEPS)));
        };
        let mut texts = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if item.as_str().is_none() {
                return Err(Error::invalid(
                    &format!("prompts[{i}]"),
                    &format!("must be a string, not {}", item.kind()),
                ));
            }
            let request = crate::core::types::json::object([
                ("video_id", Some(Value::String(video_id.clone()))),
                ("prompt", Some(item.clone())),
            ]);
            let checked = ExtendRequest::from_value(&request, provider).map_err(|e| {
                Error::invalid(&format!("prompts[{}]", i), e.message.strip_prefix("prompt ").unwrap_or(&e.message))
            })?;
            texts.push(checked.prompt.unwrap_or_default());
        }
        let source_seconds = Fields::of(options, "options")?.number("sourceSeconds")?;
        if source_seconds.is_some_and(|s| s <= 0.0) {
            return Err(Error::invalid("sourceSeconds", "must be a positive number of seconds"));
        }
        Ok(ChainPlan { video_id, prompts: texts, source_seconds })
    }

    /// How many extensions the chain makes (one nonce each).
    pub fn steps(&self) -> usize {
        self.prompts.len()
    }
}

pub struct Chain<S> {
    service: S,
    provider: ProviderName,
    poll: PollConfig,
    /// What is left to send, taken from the front: iterators rather than
    /// `VecDeque`s, whose methods cost about 1 KB of wasm.
    prompts: std::vec::IntoIter<String>,
    nonces: std::vec::IntoIter<[u8; 16]>,
    /// The video (or, for Kling without a video id, the task) to extend next.
    source: Source,
    /// Length of `source` in seconds, when known.
    source_seconds: Option<f64>,
    seed: u64,
    /// The step under way; `None` before the start.
    run: Option<Run<S>>,
    jobs: Vec<Job>,
    /// Oldest first. A `Vec` for the same reason; the driver drains it after
    /// every step, so it holds three at most and `remove(0)` is cheap.
    updates: Vec<Update>,
}

#[derive(Clone, Debug, PartialEq)]
enum Source {
    Video(String),
    Task(String),
}

impl<S: Service + Clone> Chain<S> {
    /// `nonces`: one per prompt (see [`Call::submit`]).
    pub fn new(service: S, poll: PollConfig, plan: ChainPlan, nonces: Vec<[u8; 16]>, seed: u64) -> Self {
        Chain {
            provider: service.provider(),
            service,
            poll,
            prompts: plan.prompts.into_iter(),
            nonces: nonces.into_iter(),
            source: Source::Video(plan.video_id),
            source_seconds: plan.source_seconds,
            seed,
            run: None,
            jobs: Vec::new(),
            updates: Vec::new(),
        }
    }

    /// Kling refuses videos over three minutes: a chain that would pass the
    /// limit is refused before it spends anything, and checked again with
    /// each result's real length.
    fn check_limit(&self) -> Result<(), Error> {
        if self.provider != ProviderName::Kling {
            return Ok(());
        }
        let start = self.source_seconds.unwrap_or(SHORTEST_SOURCE_SECONDS);
        let total = start + EXTENSION_SECONDS * self.prompts.len() as f64;
        if total <= KLING_MAX_SECONDS {
            return Ok(());
        }
        // Whole seconds: the limit is one, and a page needs no float formatter.
        let message = format!(
            "this chain would make a video of up to {} s, past Kling's limit of {} s",
            total as u64, KLING_MAX_SECONDS as u64
        );
        Err(Error::invalid("prompts", &message))
    }

    fn submit_next(&mut self, now_ms: u64) -> Step<Vec<Job>> {
        if let Err(error) = self.check_limit() {
            return Step::Done(Err(error));
        }
        let (Some(prompt), Some(nonce)) = (self.prompts.next(), self.nonces.next()) else {
            return Step::Done(Ok(std::mem::take(&mut self.jobs)));
        };
        let (video_id, task_id) = match &self.source {
            Source::Video(id) => (Some(id.clone()), None),
            Source::Task(id) => (None, Some(id.clone())),
        };
        let text = |s: Option<String>| s.map(Value::String);
        let request = crate::core::types::json::object([
            ("video_id", text(video_id)),
            ("task_id", text(task_id)),
            ("prompt", Some(Value::String(prompt))),
        ]);
        let request = match ExtendRequest::from_value(&request, self.provider) {
            Ok(request) => request,
            Err(error) => return Step::Done(Err(error)),
        };
        let mut run = Run::new(self.service.clone(), self.poll, request, self.seed, nonce);
        let step = run.start(now_ms);
        self.run = Some(run);
        self.running(step, now_ms)
    }

    /// Passes the step's progress and steps on; when it ends, starts the next.
    fn running(&mut self, step: Step<Job>, now_ms: u64) -> Step<Vec<Job>> {
        if let Some(run) = &mut self.run {
            self.updates.extend(std::iter::from_fn(|| run.take_update()));
        }
        let job = match step.success() {
            Ok(job) => job,
            Err(step) => return step,
        };
        self.updates.push(Update::Step { index: self.jobs.len(), job: job.clone() });
        self.follow(&job);
        self.jobs.push(job);
        self.submit_next(now_ms)
    }

    /// The next step extends this job's result: its first video's id when
    /// the service gives one (Kling, and Trinetra documents that carry an
    /// id), else the task itself (Kling) or the job id (Trinetra).
    fn follow(&mut self, job: &Job) {
        let first = job.output.as_ref().and_then(|o| o.outputs.first());
        self.source = match (first.and_then(|v| v.id.clone()), self.provider) {
            (Some(video), _) => Source::Video(video),
            (None, ProviderName::Kling) => Source::Task(job.id.clone()),
            (None, ProviderName::Trinetra) => Source::Video(job.id.clone()),
        };
        self.source_seconds = first.and_then(|v| v.duration);
    }
}

impl<S: Service + Clone> Machine for Chain<S> {
    type Output = Vec<Job>;

    fn start(&mut self, now_ms: u64) -> Step<Vec<Job>> {
        self.submit_next(now_ms)
    }

    fn handle(&mut self, event: Event, now_ms: u64) -> Step<Vec<Job>> {
        match &mut self.run {
            Some(run) => {
                let step = run.handle(event, now_ms);
                self.running(step, now_ms)
            }
            None => Step::Done(Err(Error::new(ErrorCode::BadResponse, "the chain was not started"))),
        }
    }

    fn take_update(&mut self) -> Option<Update> {
        (!self.updates.is_empty()).then(|| self.updates.remove(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::client::options::ClientConfig;
    use crate::core::types::http::{HttpResponse, Method};
    use crate::core::types::json::parse;

    fn chain(options: &str, prompts: &str) -> Result<Chain<ClientConfig>, Error> {
        let options = parse(options.as_bytes()).unwrap();
        let config = ClientConfig::from_value(&options, false).unwrap();
        let poll = PollConfig::from_value(&options).unwrap();
        let plan = ChainPlan::from_values(
            &Value::String("v0".into()),
            &parse(prompts.as_bytes()).unwrap(),
            &options,
            config.provider.name(),
        )?;
        let nonces = (0..plan.steps()).map(|i| [i as u8; 16]).collect();
        Ok(Chain::new(config, poll, plan, nonces, 9))
    }

    fn answer(body: &str) -> Event {
        Event::Response(HttpResponse { status: 200, headers: vec![], body: body.as_bytes().to_vec() })
    }

    fn sent(step: Step<Vec<Job>>) -> crate::core::types::http::HttpRequest {
        match step {
            Step::Send { request, .. } => request,
            other => panic!("expected a send, got {other:?}"),
        }
    }

    const KLING: &str = r#"{"provider":"kling","token":"tok-secret-123","intervalMs":10}"#;

    fn kling_task(id: &str, status: &str, video: &str, seconds: &str) -> String {
        format!(
            r#"{{"code":0,"data":{{"task_id":"{id}","task_status":"{status}","task_result":{{"videos":[{{"id":"{video}","url":"u","duration":"{seconds}"}}]}}}}}}"#
        )
    }

    #[test]
    fn a_prompt_that_is_not_text_is_named_by_its_place() {
        for bad in ["null", "7", "[]"] {
            let e = chain(r#"{"apiKey":"k"}"#, &format!(r#"["a","b",{bad}]"#)).err().unwrap();
            assert_eq!(e.field.as_deref(), Some("prompts[2]"), "{bad}");
        }
    }

    #[test]
    fn each_step_extends_the_previous_result() {
        let mut c = chain(KLING, r#"["one","two"]"#).unwrap();
        let first = sent(c.start(0));
        assert_eq!(first.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("v0".into())));
        let read = sent(c.handle(answer(r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#), 0));
        assert_eq!(read.method, Method::Get);
        let second = sent(c.handle(answer(&kling_task("t1", "succeed", "vid1", "10")), 0));
        assert_eq!(second.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("vid1".into())));
        assert_eq!(second.body.as_ref().and_then(|b| b.get("prompt")), Some(&Value::String("two".into())));
        let mut updates = std::iter::from_fn(|| c.take_update());
        assert!(matches!(updates.next(), Some(Update::Submitted(s)) if s.job_id == "t1"));
        assert!(matches!(updates.next(), Some(Update::Status(_))));
        assert!(matches!(updates.next(), Some(Update::Step { index: 0, .. })));
        sent(c.handle(answer(r#"{"code":0,"data":{"task_id":"t2","task_status":"submitted"}}"#), 0));
        match c.handle(answer(&kling_task("t2", "succeed", "vid2", "15")), 0) {
            Step::Done(Ok(jobs)) => assert_eq!(jobs.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(), ["t1", "t2"]),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_kling_chain_past_three_minutes_is_refused_before_any_submit() {
        let prompts = format!("[{}]", vec![r#""p""#; 48].join(","));
        let mut c = chain(KLING, &prompts).unwrap();
        let Step::Done(Err(e)) = c.start(0) else { panic!() };
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidRequest, Some("prompts")));
        let mut known =
            chain(r#"{"provider":"kling","token":"tok-secret-123","sourceSeconds":178}"#, r#"["p"]"#).unwrap();
        assert!(matches!(known.start(0), Step::Done(Err(_))));
        assert!(matches!(
            chain(r#"{"apiKey":"k","sourceSeconds":178}"#, &prompts).unwrap().start(0),
            Step::Send { .. }
        ));
    }

    #[test]
    fn a_result_too_long_to_extend_stops_the_chain() {
        let mut c = chain(KLING, r#"["one","two"]"#).unwrap();
        c.start(0);
        c.handle(answer(r#"{"code":0,"data":{"task_id":"t1","task_status":"submitted"}}"#), 0);
        let Step::Done(Err(e)) = c.handle(answer(&kling_task("t1", "succeed", "vid1", "178")), 0) else { panic!() };
        assert_eq!(e.field.as_deref(), Some("prompts"));
    }

    #[test]
    fn every_prompt_is_checked_up_front() {
        let long = "x".repeat(2501);
        let e = chain(KLING, &format!(r#"["ok","{long}"]"#)).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("prompts[1]"));
        assert_eq!(chain(KLING, "[]").err().unwrap().field.as_deref(), Some("prompts"));
        assert_eq!(chain(KLING, r#"["a",3]"#).err().unwrap().field.as_deref(), Some("prompts[1]"));
    }

    #[test]
    fn a_trinetra_chain_extends_the_job_when_outputs_carry_no_id() {
        let mut c = chain(r#"{"apiKey":"k","intervalMs":10}"#, r#"["one","two"]"#).unwrap();
        c.start(0);
        c.handle(
            Event::Response(HttpResponse {
                status: 202,
                headers: vec![],
                body: br#"{"job_id":"j1","status":"queued"}"#.to_vec(),
            }),
            0,
        );
        let done = r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"u","type":"video"}]}}"#;
        let second = sent(c.handle(answer(done), 0));
        assert_eq!(second.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("j1".into())));
    }
}
