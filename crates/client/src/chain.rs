//! `chain_extensions`: extend a video, wait, then extend the result again,
//! once per prompt (the npm package's `chainExtensions`), driving the
//! core's chain machine, whose progress the caller stores to resume.

use crate::calls::CallOptions;
use crate::client::Client;
use crate::entropy::submit_key;
use crate::error::Error;
use crate::event::Event;
use crate::runtime::BoxFuture;
use crate::send::MaybeSend;
use crate::types::Job;
use kling_extend_core::client::chain::{Chain, ChainPlan as CorePlan};
use kling_extend_core::client::chain_progress::ChainProgress as CoreProgress;
use kling_extend_core::client::service::Service;
use kling_extend_core::client::task::TaskKind;
use kling_extend_core::types::json::Value;
use serde::{Deserialize, Serialize};
use std::future::IntoFuture;
use std::time::Duration;

/// What a chain makes: its source video, one prompt per extension, and
/// what every step's submit carries besides. Checked by the core when the
/// chain is called, every prompt before the first submit, so a bad third
/// prompt cannot fail a chain after two paid steps. Serialisable, to be
/// stored beside the chain's [`ChainProgress`].
///
/// ```
/// use kling_extend_client::ChainPlan;
///
/// let plan = ChainPlan::new("vid_1", ["the camera pulls back", "a crowd gathers"]).source_seconds(5.0);
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChainPlan {
    video_id: String,
    prompts: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source_seconds: Option<f64>,
}

impl ChainPlan {
    /// Extends `video_id` once per prompt (1 to 100 of them), each step
    /// extending the video the step before made.
    ///
    /// ```
    /// use kling_extend_client::ChainPlan;
    ///
    /// let prompts = vec!["dawn breaks".to_owned(), "the city wakes".to_owned()];
    /// let plan = ChainPlan::new("vid_1", prompts);
    /// ```
    pub fn new(video_id: impl Into<String>, prompts: impl IntoIterator<Item = impl Into<String>>) -> Self {
        let prompts = prompts.into_iter().map(Into::into).collect();
        ChainPlan { video_id: video_id.into(), prompts, callback_url: None, source_seconds: None }
    }

    /// Every step's `callback_url`: the service posts each job's changes there.
    ///
    /// ```
    /// # use kling_extend_client::ChainPlan;
    /// let plan = ChainPlan::new("vid_1", ["dawn breaks"]).callback_url("https://example.com/webhooks/video");
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// The source video's length, when known: Kling's 3-minute limit is
    /// checked against it before the first submit (5 s is assumed
    /// otherwise). Not with [`ChainExtensions::resume`], whose progress
    /// carries the length.
    ///
    /// ```
    /// # use kling_extend_client::ChainPlan;
    /// // A 10-second source: with Kling, the chain must stay within 3 minutes from there.
    /// let plan = ChainPlan::new("vid_1", ["dawn breaks"]).source_seconds(10.0);
    /// ```
    pub fn source_seconds(mut self, seconds: f64) -> Self {
        self.source_seconds = Some(seconds);
        self
    }

    /// The chain's options as the core reads them (`callbackUrl`,
    /// `sourceSeconds`), set on `options`.
    fn set_options(&self, options: &mut CallOptions<'_>) {
        if let Some(url) = &self.callback_url {
            options.set("callbackUrl", url.as_str());
        }
        if let Some(seconds) = self.source_seconds {
            options.set("sourceSeconds", seconds);
        }
    }
}

/// Where a chain stands, reported by [`Event::Progress`] after every change
/// (a step about to be submitted, accepted, finished): store it, then give
/// it back to [`ChainExtensions::resume`] to go on, in this process or
/// another, without a step paid twice.
///
/// Opaque: it serialises as the npm package's progress does (so either can
/// resume the other's chain), and the core checks it field by field when it
/// comes back, as it checks any caller input: one of another chain, or
/// altered, is refused with `InvalidRequest` naming the field
/// (`resume.steps`) before anything is sent.
///
/// ```
/// use kling_extend_client::ChainProgress;
///
/// fn store(progress: &ChainProgress) -> serde_json::Result<String> {
///     serde_json::to_string(progress)
/// }
///
/// fn load(text: &str) -> serde_json::Result<ChainProgress> {
///     serde_json::from_str(text)
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ChainProgress(Value);

impl From<CoreProgress> for ChainProgress {
    fn from(progress: CoreProgress) -> Self {
        ChainProgress(progress.into())
    }
}

impl Client {
    /// Runs the chain `plan` (the npm package's `chainExtensions`): each
    /// step submits its prompt on the video the step before made and waits
    /// for its job; resolves every step's job, in order.
    ///
    /// Every prompt, and with Kling the 3-minute limit, is checked before
    /// the first submit (`InvalidRequest` naming `prompts[i]` or `prompts`).
    /// A step fails as [`run`](Client::run) does, naming its job once
    /// accepted; one whose job reports what no chain can go on from (a 0 s
    /// video) is `BadResponse`, "step 2 of 3: …". Drop the future to stop;
    /// resume from the last [`Event::Progress`] with
    /// [`ChainExtensions::resume`].
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::{ChainPlan, Event};
    ///
    /// let plan = ChainPlan::new("vid_1", ["the camera pulls back", "a crowd gathers"]);
    /// let jobs = client
    ///     .chain_extensions(plan)
    ///     .on_event(|event| {
    ///         if let Event::Progress(progress) = event {
    ///             std::fs::write("chain.json", serde_json::to_vec(&progress).unwrap_or_default()).ok();
    ///         }
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn chain_extensions(&self, plan: ChainPlan) -> ChainExtensions<'_> {
        ChainExtensions { client: self, plan, options: CallOptions::default() }
    }
}

/// A [`Client::chain_extensions`] call, to await, perhaps after adding a
/// callback, a deadline for each step, or the progress to resume from.
///
/// ```no_run
/// # async fn demo(client: kling_extend_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use kling_extend_client::{ChainPlan, ChainProgress, Event};
///
/// // The plan and the last progress an earlier process stored.
/// let plan: ChainPlan = serde_json::from_slice(&std::fs::read("plan.json")?)?;
/// let progress: ChainProgress = serde_json::from_slice(&std::fs::read("chain.json")?)?;
/// let jobs = client
///     .chain_extensions(plan)
///     .resume(progress)
///     .on_event(|event| {
///         if let Event::Progress(progress) = event {
///             std::fs::write("chain.json", serde_json::to_vec(&progress).unwrap_or_default()).ok();
///         }
///     })
///     .await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct ChainExtensions<'a> {
    client: &'a Client,
    plan: ChainPlan,
    options: CallOptions<'a>,
}

impl<'a> ChainExtensions<'a> {
    /// Goes on from `progress`, the last one an earlier call of this same
    /// plan reported: finished steps are read again, not redone; a step in
    /// flight is waited for, or (Kling) looked up by its findable id before
    /// anything is sent. A Trinetra step whose submit had no answer yet
    /// cannot be checked, so it is not sent again: the call fails with
    /// `Aborted` and [`Error::maybe_submitted`]. Finished steps are not
    /// reported again.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client, plan: kling_extend_client::ChainPlan) -> Result<(), Box<dyn std::error::Error>> {
    /// use kling_extend_client::ChainProgress;
    ///
    /// let progress: ChainProgress = serde_json::from_slice(&std::fs::read("chain.json")?)?;
    /// let jobs = client.chain_extensions(plan).resume(progress).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn resume(mut self, progress: ChainProgress) -> Self {
        self.options.set("resume", progress.0);
        self
    }

    /// Calls `callback` with what the chain reports, in order: for each
    /// step, [`Event::Progress`] before its submit, [`Event::Submitted`]
    /// and [`Event::Progress`] once accepted, [`Event::Updated`] with each
    /// change of its job's status, then [`Event::Progress`] and
    /// [`Event::StepFinished`]. Store each progress before returning: the
    /// chain goes on only then (see [`Run::on_event`](crate::Run::on_event)).
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::{ChainPlan, Event};
    ///
    /// let plan = ChainPlan::new("vid_1", ["dawn breaks", "the city wakes"]);
    /// let jobs = client
    ///     .chain_extensions(plan)
    ///     .on_event(|event| {
    ///         if let Event::StepFinished { index, job } = event {
    ///             println!("step {index}: {:?}", job.output);
    ///         }
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_event(mut self, callback: impl FnMut(Event) + MaybeSend + 'a) -> Self {
        self.options.on_event(callback);
        self
    }

    /// How long each step may wait for its job, instead of the client's
    /// wait timeout.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::ChainPlan;
    /// use std::time::Duration;
    ///
    /// let plan = ChainPlan::new("vid_1", ["dawn breaks"]);
    /// let jobs = client.chain_extensions(plan).wait_timeout(Duration::from_secs(15 * 60)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.options.wait_timeout(timeout);
        self
    }

    async fn send(self) -> Result<Vec<Job>, Error> {
        let ChainExtensions { client, plan, mut options } = self;
        plan.set_options(&mut options);
        let (config, poll, all) = client.settings(&options.own)?;
        let (video_id, prompts) = (Value::from(plan.video_id), Value::from(plan.prompts));
        let plan = CorePlan::from_values(&video_id, &prompts, &all, config.provider())?;
        let machine = Chain::new(config.clone(), poll, plan, submit_key()?, client.jitter_seed());
        let jobs = client.perform(machine, &config, TaskKind::ChainExtensions, options.reporter).await?;
        Ok(jobs.into_iter().map(Job::from).collect())
    }
}

impl<'a> IntoFuture for ChainExtensions<'a> {
    type Output = Result<Vec<Job>, Error>;
    type IntoFuture = BoxFuture<'a, Result<Vec<Job>, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kling_extend_core::types::provider::ProviderName;

    #[test]
    fn a_progress_serialises_as_the_npm_packages_and_reads_back_as_it_was() {
        let core = CoreProgress::new(ProviderName::Kling, "v0".into(), 3, [0xab; 16], Some(5.0));
        let json = Value::from(core.clone()).to_json();
        let progress = ChainProgress::from(core);
        assert_eq!(serde_json::to_string(&progress).unwrap(), json, "the same text as the core writes for JS");
        assert!(json.contains(r#""steps":3"#) && json.contains(&"ab".repeat(16)), "{json}");
        assert_eq!(serde_json::from_str::<ChainProgress>(&json).unwrap(), progress);
    }

    #[test]
    fn a_plan_gives_the_core_its_options_by_their_npm_names() {
        let mut options = CallOptions::default();
        ChainPlan::new("v0", ["a"]).set_options(&mut options);
        assert!(options.own.is_empty(), "none set, none given");
        let plan = ChainPlan::new("v0", ["a", "b"]).callback_url("https://example.com/hook").source_seconds(7.5);
        plan.set_options(&mut options);
        let names: Vec<&str> = options.own.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, ["callbackUrl", "sourceSeconds"]);
        assert_eq!(options.own[1].1, Value::Number(7.5));
    }

    #[test]
    fn a_plan_round_trips_through_its_json() {
        let plan = ChainPlan::new("v0", ["a", "b"]).callback_url("https://example.com/hook");
        let text = serde_json::to_string(&plan).unwrap();
        assert_eq!(text, r#"{"video_id":"v0","prompts":["a","b"],"callback_url":"https://example.com/hook"}"#);
        assert_eq!(serde_json::from_str::<ChainPlan>(&text).unwrap(), plan);
    }
}
