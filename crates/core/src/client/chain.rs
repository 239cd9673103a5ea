//! `chainExtensions`: extend, wait for the result, extend the result again,
//! once per prompt. A composite machine: it runs a [`Run`] (a submit, then a
//! poll) per step, and passes their steps through to the driver. It reports
//! its [`ChainProgress`] after every change and can start from one, so a
//! chain outlives the process that began it.
//!
//! ```
//! use kling_extend_core::client::chain::{Chain, ChainPlan};
//! use kling_extend_core::client::machine::{Event, Machine, Step, Time};
//! use kling_extend_core::client::options::PollConfig;
//! use kling_extend_core::client::update::Update;
//! use kling_extend_core::providers::ClientConfig;
//! use kling_extend_core::types::http::HttpResponse;
//! use kling_extend_core::types::json::{Value, parse};
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let options = parse(br#"{"apiKey":"sk-test","intervalMs":10}"#).unwrap();
//! let config = ClientConfig::from_value(&options, false).unwrap();
//! let poll = PollConfig::from_value(&options).unwrap();
//! let (video, prompts) = (Value::String("v0".into()), parse(br#"["a sunrise","a sunset"]"#).unwrap());
//! let plan = ChainPlan::from_values(&video, &prompts, &options, ProviderName::Trinetra).unwrap();
//! let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
//! let extends = |step: &Step<_>| match step {
//!     Step::Send { request, .. } => request.body.as_ref().and_then(|body| body.get("video_id")).cloned(),
//!     _ => None,
//! };
//!
//! let mut chain = Chain::new(config, poll, plan, [1; 16], 7);
//! assert_eq!(extends(&chain.start(Time::at(0))), Some(Value::String("v0".into())));
//! chain.handle(answer(202, r#"{"job_id":"j1","status":"queued"}"#), Time::at(10));
//! let done = r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"https://cdn/1.mp4","type":"video"}]}}"#;
//! // Step 1 ended: step 2 extends its result.
//! assert_eq!(extends(&chain.handle(answer(200, done), Time::at(20))), Some(Value::String("j1".into())));
//! let progress = std::iter::from_fn(|| chain.take_update())
//!     .filter_map(|update| match update {
//!         Update::Progress(progress) => Some(progress),
//!         _ => None,
//!     })
//!     .last()
//!     .unwrap();
//! assert_eq!((progress.finished.len(), progress.steps), (1, 2), "what to store, to resume from");
//! ```

use crate::client::chain_progress::{ChainProgress, InFlight, Outcome};
use crate::client::machine::{Event, Machine, Step, Time};
use crate::client::options::PollConfig;
use crate::client::run::Run;
use crate::client::service::Service;
use crate::client::update::Update;
use crate::types::error::{Error, ErrorCode};
use crate::types::fields::Fields;
use crate::types::job::Job;
use crate::types::job_id::JobId;
use crate::types::json::Value;
use crate::types::provider::ProviderName;
use crate::types::request::{ExtendRequest, check_prompt};
use crate::types::url::check_http_url;

/// No chain needs more steps: 36 already pass Kling's three minutes.
const MAX_STEPS: usize = 100;

/// What to chain, validated before anything is sent, so a bad third prompt
/// cannot fail a chain after two paid steps.
///
/// ```
/// use kling_extend_core::client::chain::ChainPlan;
/// use kling_extend_core::types::json::{Value, parse};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let video = Value::String("v0".into());
/// let plan = |prompts: &[u8], options: &[u8]| {
///     ChainPlan::from_values(&video, &parse(prompts).unwrap(), &parse(options).unwrap(), ProviderName::Kling)
/// };
/// assert!(plan(br#"["one","two"]"#, br#"{"sourceSeconds":10}"#).is_ok());
/// let too_long = format!(r#"["one","{}"]"#, "x".repeat(3000));
/// assert_eq!(plan(too_long.as_bytes(), b"{}").unwrap_err().field.as_deref(), Some("prompts[1]"));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChainPlan {
    video_id: String,
    prompts: Vec<String>,
    /// Length of the source video, when the caller knows it.
    source_seconds: Option<f64>,
    /// Every step's `callback_url` (the `callbackUrl` option).
    callback_url: Option<String>,
    /// Where an earlier run of this chain stopped (the `resume` option).
    resume: Option<ChainProgress>,
}

/// The chain's prompts, and what every step's submit carries besides them:
/// what a durable engine's steps ([`chain_steps`](crate::client::chain_steps))
/// need of the plan besides the progress it stores.
///
/// ```
/// use kling_extend_core::client::chain::ChainPlan;
/// use kling_extend_core::client::chain_steps::record_step;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::json::{Value, parse};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let config = ClientConfig::from_value(&parse(br#"{"apiKey":"sk-test"}"#).unwrap(), false).unwrap();
/// let (video, texts) = (Value::String("v0".into()), parse(br#"["one"]"#).unwrap());
/// let plan = ChainPlan::from_values(&video, &texts, &parse(b"{}").unwrap(), ProviderName::Trinetra).unwrap();
/// let (prompts, mut progress) = plan.into_parts(ProviderName::Trinetra, [1; 16]);
/// record_step(&prompts, &mut progress, None, &config).unwrap();
/// assert!(progress.in_flight.is_some(), "the first prompt's step, to submit");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Prompts {
    texts: Vec<String>,
    callback_url: Option<String>,
}

impl Prompts {
    /// The submit of the step after the finished ones; `None` once every
    /// prompt has had its step.
    pub(crate) fn next_request(
        &self,
        progress: &ChainProgress,
        service: &impl Service,
    ) -> Result<Option<ExtendRequest>, Error> {
        let Some(prompt) = self.texts.get(progress.finished.len()) else { return Ok(None) };
        let mut request = progress.request(prompt, self.callback_url.as_deref())?;
        service.make_findable(&mut request, progress.step_nonce());
        Ok(Some(request))
    }
}

impl ChainPlan {
    /// The plan of `chainExtensions(videoId, prompts, options)` as the caller
    /// gave them, for `provider`: every prompt is checked, and so are the
    /// options a chain reads (`callbackUrl`, `sourceSeconds`, `resume`), each
    /// refused by name.
    ///
    /// ```
    /// use kling_extend_core::client::chain::ChainPlan;
    /// use kling_extend_core::types::json::{Value, parse};
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let video = Value::String("v0".into());
    /// let plan = |prompts: &[u8], options: &[u8]| {
    ///     let (prompts, options) = (parse(prompts).unwrap(), parse(options).unwrap());
    ///     ChainPlan::from_values(&video, &prompts, &options, ProviderName::Trinetra).map_err(|e| e.field.unwrap())
    /// };
    /// assert!(plan(br#"["one"]"#, b"{}").is_ok());
    /// assert_eq!(plan(b"[]", b"{}").unwrap_err(), "prompts");
    /// assert_eq!(plan(br#"["one",2]"#, b"{}").unwrap_err(), "prompts[1]");
    /// assert_eq!(plan(br#"["one"]"#, b"null").unwrap_err(), "options");
    /// assert_eq!(plan(br#"["one"]"#, br#"{"callbackUrl":"ftp://x"}"#).unwrap_err(), "callbackUrl");
    /// ```
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
            let Some(text) = item.as_str() else {
                return Err(Error::invalid(
                    &format!("prompts[{i}]"),
                    &format!("must be a string, not {}", item.kind()),
                ));
            };
            check_prompt(text, &format!("prompts[{i}]"))?;
            texts.push(text.to_owned());
        }
        let fields = Fields::of(options, "options")?;
        let callback_url = fields.text("callbackUrl")?.map(str::to_owned);
        if let Some(url) = &callback_url {
            // The rule ExtendRequest applies to each step's `callback_url`.
            check_http_url(url).map_err(|why| Error::invalid("callbackUrl", why))?;
        }
        let source_seconds = fields.number("sourceSeconds")?;
        if source_seconds.is_some_and(|s| s <= 0.0) {
            return Err(Error::invalid("sourceSeconds", "must be a positive number of seconds"));
        }
        let resume = match fields.object("resume")? {
            Some(_) if source_seconds.is_some() => {
                return Err(Error::invalid("sourceSeconds", "must not come with resume, which carries the length"));
            }
            Some(progress) => Some(ChainProgress::from_value(progress, provider, &video_id, texts.len())?),
            None => None,
        };
        Ok(ChainPlan { video_id, prompts: texts, source_seconds, callback_url, resume })
    }

    /// The prompts, and where the chain stands: the resumed progress, else
    /// a new one with `key` (16 random bytes, from which each step's
    /// findable id derives).
    ///
    /// ```
    /// use kling_extend_core::client::chain::ChainPlan;
    /// use kling_extend_core::types::json::{Value, parse};
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let (video, texts) = (Value::String("v0".into()), parse(br#"["one","two"]"#).unwrap());
    /// let options = parse(br#"{"sourceSeconds":5}"#).unwrap();
    /// let plan = ChainPlan::from_values(&video, &texts, &options, ProviderName::Kling).unwrap();
    /// let (_, progress) = plan.into_parts(ProviderName::Kling, [7; 16]);
    /// assert_eq!((progress.video_id.as_str(), progress.steps, progress.key), ("v0", 2, [7; 16]));
    /// assert_eq!((progress.finished.len(), progress.seconds), (0, Some(5.0)));
    /// ```
    pub fn into_parts(self, provider: ProviderName, key: [u8; 16]) -> (Prompts, ChainProgress) {
        let ChainPlan { video_id, prompts: texts, source_seconds, callback_url, resume } = self;
        let progress =
            resume.unwrap_or_else(|| ChainProgress::new(provider, video_id, texts.len(), key, source_seconds));
        (Prompts { texts, callback_url }, progress)
    }
}

/// The `chainExtensions` machine: a [`Run`] per prompt, each extending the
/// result of the one before; its output is every step's job, its updates
/// each run's and the [`ChainProgress`] after every change (store the last
/// to resume: the plan's `resume` option).
///
/// ```
/// use kling_extend_core::client::chain::{Chain, ChainPlan};
/// use kling_extend_core::client::machine::{Event, Machine, Step, Time};
/// use kling_extend_core::client::options::PollConfig;
/// use kling_extend_core::providers::ClientConfig;
/// use kling_extend_core::types::http::HttpResponse;
/// use kling_extend_core::types::json::{Value, parse};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let options = parse(br#"{"apiKey":"sk-test"}"#).unwrap();
/// let config = ClientConfig::from_value(&options, false).unwrap();
/// let poll = PollConfig::from_value(&options).unwrap();
/// let (video, texts) = (Value::String("v0".into()), parse(br#"["one"]"#).unwrap());
/// let plan = ChainPlan::from_values(&video, &texts, &options, ProviderName::Trinetra).unwrap();
/// let answer = |status, body: &str| Event::Response(HttpResponse { status, headers: vec![], body: body.into() });
///
/// let mut chain = Chain::new(config, poll, plan, [1; 16], 7);
/// chain.start(Time::at(0));
/// chain.handle(answer(202, r#"{"job_id":"j1","status":"queued"}"#), Time::at(10));
/// let done = r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"https://cdn/1.mp4","type":"video"}]}}"#;
/// let Step::Done(Ok(jobs)) = chain.handle(answer(200, done), Time::at(20)) else { panic!() };
/// assert_eq!(jobs.iter().map(|job| job.id.as_str()).collect::<Vec<_>>(), ["j1"]);
/// ```
pub struct Chain<S> {
    service: S,
    poll: PollConfig,
    prompts: Prompts,
    seed: u64,
    /// Where the chain stands, reported after every change.
    progress: ChainProgress,
    /// Steps an earlier run finished, read again so the result holds every
    /// job: their ids, taken from the front (an iterator rather than a
    /// `VecDeque`, whose methods cost about 1 KB of wasm).
    rereads: std::vec::IntoIter<String>,
    /// The step under way; `None` before the start.
    run: Option<Run<S>>,
    jobs: Vec<Job>,
    /// Oldest first. A `Vec` for the same reason; the driver drains it after
    /// every step, so it holds a few at most and `remove(0)` is cheap.
    updates: Vec<Update>,
}

impl<S: Service + Clone> Chain<S> {
    /// `key`: 16 random bytes, from which each step's findable id derives;
    /// a resumed chain keeps its progress's key instead. `seed` seeds the
    /// retries' jitter.
    ///
    /// ```
    /// use kling_extend_core::client::chain::{Chain, ChainPlan};
    /// use kling_extend_core::client::machine::{Machine, Step, Time};
    /// use kling_extend_core::client::options::PollConfig;
    /// use kling_extend_core::providers::ClientConfig;
    /// use kling_extend_core::types::json::{Value, parse};
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let options = parse(br#"{"apiKey":"sk-test","callbackUrl":"https://example.com/cb"}"#).unwrap();
    /// let config = ClientConfig::from_value(&options, false).unwrap();
    /// let poll = PollConfig::from_value(&options).unwrap();
    /// let (video, texts) = (Value::String("v0".into()), parse(br#"["one","two"]"#).unwrap());
    /// let plan = ChainPlan::from_values(&video, &texts, &options, ProviderName::Trinetra).unwrap();
    /// let mut chain = Chain::new(config, poll, plan, [1; 16], 7);
    /// let Step::Send { request, .. } = chain.start(Time::at(0)) else { panic!() };
    /// let body = request.body.unwrap();
    /// assert_eq!(body.get("prompt"), Some(&Value::String("one".into())));
    /// assert_eq!(body.get("callback_url"), Some(&Value::String("https://example.com/cb".into())), "every step's");
    /// ```
    pub fn new(service: S, poll: PollConfig, plan: ChainPlan, key: [u8; 16], seed: u64) -> Self {
        let (prompts, progress) = plan.into_parts(service.provider(), key);
        let rereads: Vec<String> = progress.finished.iter().map(|step| step.job_id.clone()).collect();
        Chain {
            service,
            poll,
            prompts,
            seed,
            progress,
            rereads: rereads.into_iter(),
            run: None,
            jobs: Vec::new(),
            updates: Vec::new(),
        }
    }

    /// What comes next: a finished step to read again, the step an earlier
    /// run left in flight (waited for by its job id, else found by its
    /// findable id), or the next submit.
    fn start_next_step(&mut self, now: Time) -> Step<Vec<Job>> {
        let (service, poll, seed) = (self.service.clone(), self.poll, self.seed);
        // Ids the service gave this chain's earlier submits.
        let job_id = |id: String| JobId::new(&id).map(JobId::issued);
        // Before the rereads too: a resumed chain past the limit costs no request.
        if let Err(error) = self.progress.check_limit() {
            return Step::Done(Err(error));
        }
        if let Some(id) = self.rereads.next() {
            return match job_id(id) {
                Ok(id) => self.begin(Run::resume(service, poll, id, seed), now),
                Err(error) => Step::Done(Err(error)),
            };
        }
        let request = match self.prompts.next_request(&self.progress, &service) {
            Ok(Some(request)) => request,
            Ok(None) => return Step::Done(Ok(std::mem::take(&mut self.jobs))),
            Err(error) => return Step::Done(Err(error)),
        };
        let run = match self.progress.in_flight.clone() {
            Some(InFlight { job_id: Some(id), .. }) => match job_id(id) {
                Ok(id) => Run::resume(service, poll, id, seed),
                Err(error) => return Step::Done(Err(error)),
            },
            Some(flight) => match flight.check(&request) {
                Ok(()) => Run::find_or_submit(service, poll, request, seed),
                Err(error) => return Step::Done(Err(error)),
            },
            None => {
                self.progress.in_flight = Some(InFlight::of(&request));
                self.updates.push(Update::Progress(self.progress.clone()));
                // Already findable by the step's own id: the nonce goes unused.
                Run::new(service, poll, request, seed, [0; 16])
            }
        };
        self.begin(run, now)
    }

    fn begin(&mut self, mut run: Run<S>, now: Time) -> Step<Vec<Job>> {
        let step = run.start(now);
        self.run = Some(run);
        self.handle_run_step(step, now)
    }

    /// `error`, saying which step it ended.
    fn at_step(&self, mut error: Error) -> Error {
        error.message =
            format!("step {} of {}: {}", self.progress.finished.len() + 1, self.progress.steps, error.message);
        error
    }

    /// Passes the step's progress and steps on, recording its job id once
    /// the service accepted it; when it ends, records it and goes on.
    fn handle_run_step(&mut self, step: Step<Job>, now: Time) -> Step<Vec<Job>> {
        if let Some(run) = &mut self.run {
            while let Some(update) = run.take_update() {
                let accepted = match (&update, &mut self.progress.in_flight) {
                    (Update::Submitted(submission), Some(flight)) => {
                        flight.job_id = Some(submission.job_id.clone());
                        true
                    }
                    _ => false,
                };
                self.updates.push(update);
                if accepted {
                    self.updates.push(Update::Progress(self.progress.clone()));
                }
            }
        }
        let job = match step.success() {
            Ok(job) => job,
            Err(step) => return step,
        };
        if self.jobs.len() == self.progress.finished.len() {
            // A value no progress could hold ends the chain here, the
            // progress before it still valid to resume from.
            if let Err(error) = Outcome::of(&job).and_then(|outcome| self.progress.finish(outcome)) {
                return Step::Done(Err(self.at_step(error).with_job(job)));
            }
            self.updates.push(Update::Progress(self.progress.clone()));
            self.updates.push(Update::Step { index: self.jobs.len(), job: job.clone() });
        }
        self.jobs.push(job);
        self.start_next_step(now)
    }
}

impl<S: Service + Clone> Machine for Chain<S> {
    type Output = Vec<Job>;
    type Update = Update;

    fn start(&mut self, now: Time) -> Step<Vec<Job>> {
        self.start_next_step(now)
    }

    fn handle(&mut self, event: Event, now: Time) -> Step<Vec<Job>> {
        match &mut self.run {
            Some(run) => {
                let step = run.handle(event, now);
                self.handle_run_step(step, now)
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
    use crate::client::chain_progress::{ChainProgress, Source};
    use crate::client::testing::{
        Harness, Input, Options, drive, kling, prompts, respond, secret, trinetra, with_member,
    };
    use crate::providers::ClientConfig;
    use crate::providers::kling::KlingAuth;
    use crate::types::http::Method;
    use crate::types::json::parse;

    const THREE: &[&str] = &["one", "two", "three"];

    /// The chain of `prompts` on "v0" under `options`.
    fn planned(options: Options, prompts: &Value) -> Result<Chain<ClientConfig>, Error> {
        let plan = options.chain_plan("v0", prompts)?;
        Ok(Chain::new(options.config(), options.poll(), plan, [0; 16], 9))
    }

    fn chain(options: Options, texts: &[&str]) -> Result<Chain<ClientConfig>, Error> {
        planned(options, &prompts(texts))
    }

    /// The chain `options` and `texts` make, resumed from `progress`.
    fn resumed(options: Options, texts: &[&str], progress: Value) -> Result<Chain<ClientConfig>, Error> {
        chain(options.resume(progress), texts)
    }

    fn kling_token() -> Options {
        kling(KlingAuth::Token(secret("tok-secret-123"))).interval_ms(10)
    }

    fn answer(body: &str) -> Input {
        respond(200, &[], body)
    }

    fn submitted(task_id: &str) -> String {
        format!(r#"{{"code":0,"data":{{"task_id":"{task_id}","task_status":"submitted"}}}}"#)
    }

    fn kling_task(id: &str, status: &str, video: &str, seconds: &str) -> String {
        format!(
            r#"{{"code":0,"data":{{"task_id":"{id}","task_status":"{status}","task_result":{{"videos":[{{"id":"{video}","url":"u","duration":"{seconds}"}}]}}}}}}"#
        )
    }

    fn progress(update: Option<Update>) -> ChainProgress {
        match update {
            Some(Update::Progress(progress)) => progress,
            other => panic!("expected progress, got {other:?}"),
        }
    }

    /// The last progress the chain reported, as the caller stores it.
    fn stored(h: &mut Harness<Chain<ClientConfig>>) -> Value {
        let last = h.updates().into_iter().rev().find_map(|u| match u {
            Update::Progress(p) => Some(p),
            _ => None,
        });
        last.expect("a progress").into()
    }

    fn ids(jobs: Vec<Job>) -> Vec<String> {
        jobs.into_iter().map(|j| j.id).collect()
    }

    /// A Kling chain of three stopped after step 1, with step 2 submitted
    /// (`accepted`: and its job id known), and the progress it left.
    fn interrupted(accepted: bool) -> (Value, String) {
        let mut h = drive(chain(kling_token(), THREE).unwrap(), [answer(&submitted("t1"))]);
        let second = h.then(answer(&kling_task("t1", "succeed", "vid1", "10"))).expect_send();
        let external = second.body.as_ref().and_then(|b| b.get("external_task_id")).and_then(Value::as_str);
        let external = external.unwrap().to_owned();
        if accepted {
            h.then(answer(&submitted("t2"))).expect_send();
        }
        (stored(&mut h), external)
    }

    #[test]
    fn a_resumed_chain_reads_its_finished_steps_and_waits_for_the_one_in_flight() {
        let (progress, _) = interrupted(true);
        let mut h = drive(resumed(kling_token(), THREE, progress).unwrap(), []);
        assert!(h.expect_send().url.ends_with("/t1"), "step 1 read again, not redone");
        let read = h.then(answer(&kling_task("t1", "succeed", "vid1", "10"))).expect_send();
        assert!(read.url.ends_with("/t2") && read.body.is_none(), "step 2 waited for by its job id");
        let third = h.then(answer(&kling_task("t2", "succeed", "vid2", "15"))).expect_send();
        assert_eq!(third.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("vid2".into())));
        h.then(answer(&submitted("t3"))).expect_send();
        assert_eq!(ids(h.then(answer(&kling_task("t3", "succeed", "vid3", "20"))).expect_done()), ["t1", "t2", "t3"]);
        let steps: Vec<usize> = h
            .updates()
            .into_iter()
            .filter_map(|u| match u {
                Update::Step { index, .. } => Some(index),
                _ => None,
            })
            .collect();
        assert_eq!(steps, [1, 2], "finished steps are not reported again");
    }

    #[test]
    fn a_resumed_chain_takes_no_other_task_for_the_ids_it_stored() {
        let (progress, _) = interrupted(true);
        let other = answer(&kling_task("t9", "succeed", "vid9", "10"));
        let e = drive(resumed(kling_token(), THREE, progress.clone()).unwrap(), [other]).expect_error();
        assert!(e.message.contains("another job"), "a finished step's: {}", e.message);
        let script =
            [answer(&kling_task("t1", "succeed", "vid1", "10")), answer(&kling_task("t9", "succeed", "vid9", "15"))];
        let e = drive(resumed(kling_token(), THREE, progress).unwrap(), script).expect_error();
        assert!(e.message.contains("another job"), "the one in flight's: {}", e.message);
    }

    #[test]
    fn a_kling_step_in_flight_without_a_job_id_is_looked_up_before_any_submit() {
        let (progress, external) = interrupted(false);
        let step_1 = || answer(&kling_task("t1", "succeed", "vid1", "10"));
        let mut found = drive(resumed(kling_token(), THREE, progress.clone()).unwrap(), [step_1()]);
        let lookup = found.expect_send();
        assert_eq!((lookup.method, lookup.url.ends_with(&format!("/{external}"))), (Method::Get, true));
        let wait = found.then(answer(&submitted("t2"))).expect_send();
        assert!(wait.url.ends_with("/t2"), "found: its task is waited for, nothing submitted");
        // No retries left: resending after a lookup in a new process is not a retry.
        let no_retries = kling(KlingAuth::Token(secret("tok-secret-123"))).max_retries(0);
        let gone = respond(404, &[], r#"{"code":1203,"message":"no such task"}"#);
        let submit = drive(resumed(no_retries, THREE, progress).unwrap(), [step_1(), gone]).expect_send();
        let again = submit.body.as_ref().and_then(|b| b.get("external_task_id")).and_then(Value::as_str);
        assert_eq!((submit.method, again), (Method::Post, Some(external.as_str())), "not found: sent with that id");
    }

    #[test]
    fn a_trinetra_step_in_flight_without_a_job_id_is_never_sent_again() {
        let options = trinetra("k").interval_ms(10);
        let mut h = drive(chain(options.clone(), &["one", "two"]).unwrap(), []);
        h.expect_send();
        let progress = stored(&mut h);
        let e = drive(resumed(options, &["one", "two"], progress).unwrap(), []).expect_error();
        assert_eq!((e.code, e.maybe_submitted, e.retryable), (ErrorCode::Aborted, Some(true), false));
        assert!(e.message.contains("not sent again"), "{}", e.message);
    }

    #[test]
    fn the_kling_limit_applies_to_the_steps_left_with_the_known_length() {
        let (progress, _) = interrupted(true);
        let seconds =
            |s: f64| resumed(kling_token(), THREE, with_member(&progress, "seconds", Some(Value::Number(s)))).unwrap();
        let e = drive(seconds(171.0), []).expect_error();
        assert_eq!(e.field.as_deref(), Some("prompts"), "10 s more would pass 180 s");
        drive(seconds(170.0), []).expect_send();
    }

    #[test]
    fn a_progress_of_another_chain_or_out_of_shape_is_refused_by_field() {
        let (progress, _) = interrupted(false);
        let with = |key: &str, value: &str| {
            let progress = with_member(&progress, key, Some(parse(value.as_bytes()).unwrap()));
            resumed(kling_token(), THREE, progress).err().map(|e| e.field.unwrap())
        };
        assert_eq!(with("videoId", r#""other""#).as_deref(), Some("resume.videoId"));
        assert_eq!(with("steps", "2").as_deref(), Some("resume.steps"));
        assert_eq!(with("provider", r#""trinetra""#).as_deref(), Some("resume.provider"));
        assert_eq!(with("key", r#""xyz""#).as_deref(), Some("resume.key"));
        assert_eq!(with("charged", "-1").as_deref(), Some("resume.charged"));
        assert_eq!(with("next", r#"{"videoId":"a","taskId":"b"}"#).as_deref(), Some("resume.next"));
        assert_eq!(with("finished", r#"[{"jobId":""}]"#).as_deref(), Some("resume.finished[0].jobId"));
        assert_eq!(with("finished", r#"[1,2,3,4]"#).as_deref(), Some("resume.finished"));
        assert_eq!(with("inFlight", r#"{"index":0}"#).as_deref(), Some("resume.inFlight.index"));
        assert_eq!(with("extra", "1").as_deref(), Some("resume.extra"));
        assert_eq!(with("key", &format!(r#""{}""#, "0".repeat(32))), None, "another key is still a key");
        let e = resumed(kling_token(), THREE, Value::String("p".into())).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("resume"));
        let both = kling(KlingAuth::Token(secret("t"))).source_seconds(5.0);
        let e = resumed(both, THREE, progress).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("sourceSeconds"));
    }

    #[test]
    fn a_tampered_external_id_is_refused_before_anything_is_sent() {
        let (progress, _) = interrupted(false);
        let tampered = parse(br#"{"index":1,"externalId":"someone-elses"}"#).unwrap();
        let chain = resumed(kling_token(), THREE, with_member(&progress, "inFlight", Some(tampered))).unwrap();
        let e = drive(chain, [answer(&kling_task("t1", "succeed", "vid1", "10"))]).expect_error();
        assert_eq!(e.field.as_deref(), Some("resume.inFlight.externalId"));
    }

    #[test]
    fn the_progress_survives_its_json_and_derives_the_same_external_ids() {
        let (progress, external) = interrupted(false);
        let text = progress.to_json();
        let read = ChainProgress::from_value(&parse(text.as_bytes()).unwrap(), ProviderName::Kling, "v0", 3).unwrap();
        assert_eq!(Value::from(read.clone()), progress);
        assert_eq!((read.finished.len(), read.charged), (1, 0.0));
        assert_eq!(read.in_flight.unwrap().external_id, Some(external));
    }

    #[test]
    fn an_odd_value_from_the_service_ends_the_chain_at_that_step_with_the_progress_before_it_valid() {
        for (video, seconds, why) in [("vid1", "0", "0 seconds"), ("", "10", "empty id")] {
            let mut h = drive(chain(kling_token(), &["one", "two"]).unwrap(), [answer(&submitted("t1"))]);
            let progress = stored(&mut h);
            let e = h.then(answer(&kling_task("t1", "succeed", video, seconds))).expect_error();
            assert_eq!(e.code, ErrorCode::BadResponse, "{e:?}");
            assert!(e.message.starts_with("step 1 of 2: ") && e.message.contains(why), "{}", e.message);
            assert_eq!(e.job.map(|job| job.id), Some("t1".to_owned()));
            assert!(!h.updates().iter().any(|u| matches!(u, Update::Progress(_))), "no progress past the step");
            // The progress before it resumes: the step is read again by its job id.
            let mut again = drive(resumed(kling_token(), &["one", "two"], progress).unwrap(), []);
            assert!(again.expect_send().url.ends_with("/v1/videos/video-extend/t1"));
        }
    }

    #[test]
    fn every_step_carries_the_callback_url_and_a_bad_one_is_refused_by_name() {
        let callback = |url: &str| chain(trinetra("k").callback_url(url), &["one"]);
        let body = drive(callback("https://example.com/cb").unwrap(), []).expect_send().body.unwrap();
        assert_eq!(body.get("callback_url"), Some(&Value::String("https://example.com/cb".into())));
        let error = callback("ftp://example.com").err().unwrap();
        assert_eq!((error.code, error.field.as_deref()), (ErrorCode::InvalidRequest, Some("callbackUrl")));
    }

    #[test]
    fn a_prompt_that_is_not_text_is_named_by_its_place() {
        for bad in [Value::Null, Value::Number(7.0), Value::Array(vec![])] {
            let texts = Value::Array(vec![Value::String("a".into()), Value::String("b".into()), bad.clone()]);
            let e = planned(trinetra("k"), &texts).err().unwrap();
            assert_eq!(e.field.as_deref(), Some("prompts[2]"), "{bad:?}");
        }
    }

    #[test]
    fn each_step_extends_the_previous_result() {
        let mut h = drive(chain(kling_token(), &["one", "two"]).unwrap(), []);
        let first = h.expect_send();
        assert_eq!(first.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("v0".into())));
        assert_eq!(h.then(answer(&submitted("t1"))).expect_send().method, Method::Get);
        let second = h.then(answer(&kling_task("t1", "succeed", "vid1", "10"))).expect_send();
        assert_eq!(second.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("vid1".into())));
        assert_eq!(second.body.as_ref().and_then(|b| b.get("prompt")), Some(&Value::String("two".into())));
        let mut updates = h.updates().into_iter();
        let before = progress(updates.next());
        assert_eq!((before.in_flight.unwrap().job_id, before.finished.len()), (None, 0), "recorded before the submit");
        assert!(matches!(updates.next(), Some(Update::Submitted(s)) if s.job_id == "t1"));
        assert_eq!(progress(updates.next()).in_flight.unwrap().job_id.as_deref(), Some("t1"), "then its job id");
        assert!(matches!(updates.next(), Some(Update::Status(_))));
        let after = progress(updates.next());
        assert_eq!((after.in_flight, after.next, after.seconds), (None, Source::Video("vid1".into()), Some(10.0)));
        assert!(matches!(updates.next(), Some(Update::Step { index: 0, .. })));
        assert!(matches!(updates.next(), Some(Update::Progress(p)) if p.in_flight.is_some()), "step 2 in flight");
        assert!(updates.next().is_none(), "nothing else");
        h.then(answer(&submitted("t2"))).expect_send();
        assert_eq!(ids(h.then(answer(&kling_task("t2", "succeed", "vid2", "15"))).expect_done()), ["t1", "t2"]);
    }

    #[test]
    fn a_kling_chain_past_three_minutes_is_refused_before_any_submit() {
        let many = vec!["p"; 48];
        let e = drive(chain(kling_token(), &many).unwrap(), []).expect_error();
        assert_eq!((e.code, e.field.as_deref()), (ErrorCode::InvalidRequest, Some("prompts")));
        let known = kling(KlingAuth::Token(secret("tok-secret-123"))).source_seconds(178.0);
        drive(chain(known, &["p"]).unwrap(), []).expect_error();
        drive(chain(trinetra("k").source_seconds(178.0), &many).unwrap(), []).expect_send();
    }

    #[test]
    fn a_result_too_long_to_extend_stops_the_chain() {
        let script = [answer(&submitted("t1")), answer(&kling_task("t1", "succeed", "vid1", "178"))];
        let e = drive(chain(kling_token(), &["one", "two"]).unwrap(), script).expect_error();
        assert_eq!(e.field.as_deref(), Some("prompts"));
    }

    #[test]
    fn every_prompt_is_checked_up_front() {
        let long = "x".repeat(2501);
        let e = chain(kling_token(), &["ok", &long]).err().unwrap();
        assert_eq!(e.field.as_deref(), Some("prompts[1]"));
        assert_eq!(chain(kling_token(), &[]).err().unwrap().field.as_deref(), Some("prompts"));
        let not_text = Value::Array(vec![Value::String("a".into()), Value::Number(3.0)]);
        assert_eq!(planned(kling_token(), &not_text).err().unwrap().field.as_deref(), Some("prompts[1]"));
    }

    #[test]
    fn a_trinetra_chain_extends_the_job_when_outputs_carry_no_id() {
        let accepted = respond(202, &[], r#"{"job_id":"j1","status":"queued"}"#);
        let done = answer(r#"{"id":"j1","status":"succeeded","output":{"outputs":[{"url":"u","type":"video"}]}}"#);
        let chain = chain(trinetra("k").interval_ms(10), &["one", "two"]).unwrap();
        let second = drive(chain, [accepted, done]).expect_send();
        assert_eq!(second.body.as_ref().and_then(|b| b.get("video_id")), Some(&Value::String("j1".into())));
    }
}
