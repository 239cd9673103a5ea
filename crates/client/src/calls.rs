//! `poll_job` and `run`: calls that report progress, so each is a builder
//! for the call's own options that the caller awaits (`IntoFuture`).

use crate::client::{millis, set_option, Client, Options};
use crate::entropy::submit_key;
use crate::error::Error;
use crate::event::{Event, Reporter};
use crate::runtime::BoxFuture;
use crate::send::MaybeSend;
use crate::types::{ExtendRequest, Job};
use kling_extend_core::client::poll::Poll;
use kling_extend_core::client::run::Run as RunMachine;
use kling_extend_core::client::service::Service;
use kling_extend_core::client::task::TaskKind;
use kling_extend_core::types::job_id::JobId;
use kling_extend_core::types::request::ExtendRequest as CoreRequest;
use std::future::IntoFuture;
use std::time::Duration;

/// What a call adds to its client: options for the core, laid over the
/// client's, and the caller's event callback.
#[derive(Default)]
pub(crate) struct CallOptions<'a> {
    pub(crate) own: Options,
    pub(crate) reporter: Reporter<'a>,
}

impl<'a> CallOptions<'a> {
    pub(crate) fn set(&mut self, name: &'static str, value: impl Into<kling_extend_core::types::json::Value>) {
        set_option(&mut self.own, name, value.into());
    }

    pub(crate) fn wait_timeout(&mut self, timeout: Duration) {
        self.set("waitTimeoutMs", millis(timeout));
    }

    pub(crate) fn on_event(&mut self, callback: impl FnMut(Event) + MaybeSend + 'a) {
        self.reporter.on_event = Some(Box::new(callback));
    }
}

impl Client {
    /// Reads the job `id` until it ends: its last state when it succeeded,
    /// else the error `JobFailed`, `JobCanceled` (the job in
    /// [`Error::job`]) or `Timeout` (past the wait timeout). Await it, or
    /// first add a callback ([`PollJob::on_event`]) or a deadline of its
    /// own. Drop the future to stop polling.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use std::time::Duration;
    ///
    /// let job = client.poll_job("job_1").wait_timeout(Duration::from_secs(120)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_job<'a>(&'a self, id: &'a str) -> PollJob<'a> {
        PollJob { client: self, id, options: CallOptions::default() }
    }

    /// Submits `request`, then waits for its job as
    /// [`poll_job`](Client::poll_job) does (the npm package's `run`). It
    /// fails as [`extend_video`](Client::extend_video) does until the job
    /// is accepted (then with [`Error::maybe_submitted`] when the submit
    /// may have been taken: look before submitting again), then as
    /// `poll_job` does; from then on every error names the accepted job in
    /// [`Error::job`], so a paid job is never lost.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::{Event, ExtendRequest};
    ///
    /// let job = client
    ///     .run(ExtendRequest::video("vid_1").prompt("the camera pulls back"))
    ///     .on_event(|event| {
    ///         if let Event::Submitted(submission) = event {
    ///             println!("accepted as {}", submission.job_id); // store it to find the job again
    ///         }
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn run(&self, request: ExtendRequest) -> Run<'_> {
        Run { client: self, request, options: CallOptions::default() }
    }
}

/// A [`Client::poll_job`] call, to await, perhaps after adding a callback
/// or a deadline of its own.
///
/// ```no_run
/// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
/// use kling_extend_client::Event;
///
/// let job = client
///     .poll_job("job_1")
///     .on_event(|event| {
///         if let Event::Updated(job) = event {
///             println!("{:?}", job.status);
///         }
///     })
///     .await?;
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct PollJob<'a> {
    client: &'a Client,
    id: &'a str,
    options: CallOptions<'a>,
}

impl<'a> PollJob<'a> {
    /// Calls `callback` with each change of the job's status
    /// ([`Event::Updated`]), the last included; see [`Run::on_event`].
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::Event;
    ///
    /// let mut seen = Vec::new();
    /// let job = client.poll_job("job_1").on_event(|event| seen.push(event)).await?;
    /// assert!(matches!(seen.last(), Some(Event::Updated(last)) if *last == job));
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_event(mut self, callback: impl FnMut(Event) + MaybeSend + 'a) -> Self {
        self.options.on_event(callback);
        self
    }

    /// How long this call may wait for the job to end, instead of the
    /// client's wait timeout; then it fails with `Timeout`.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::ErrorCode;
    /// use std::time::Duration;
    ///
    /// match client.poll_job("job_1").wait_timeout(Duration::from_secs(60)).await {
    ///     Err(error) if error.code() == ErrorCode::Timeout => println!("still running: look again later"),
    ///     other => println!("{:?}", other?.output),
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.options.wait_timeout(timeout);
        self
    }

    async fn send(self) -> Result<Job, Error> {
        let PollJob { client, id, options } = self;
        let id = JobId::new(id)?;
        let (config, poll, _) = client.settings(&options.own)?;
        let machine = Poll::new(config.clone(), poll, id, client.jitter_seed());
        client.perform(machine, &config, TaskKind::PollJob, options.reporter).await.map(Job::from)
    }
}

impl<'a> IntoFuture for PollJob<'a> {
    type Output = Result<Job, Error>;
    type IntoFuture = BoxFuture<'a, Result<Job, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A [`Client::run`] call, to await, perhaps after adding a callback or a
/// deadline of its own.
///
/// ```no_run
/// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
/// use kling_extend_client::{ErrorCode, ExtendRequest};
/// use std::time::Duration;
///
/// match client.run(ExtendRequest::video("vid_1")).wait_timeout(Duration::from_secs(300)).await {
///     Ok(job) => println!("{:?}", job.output),
///     Err(error) if error.code() == ErrorCode::JobFailed => println!("{:?}", error.job().and_then(|job| job.error)),
///     Err(error) if error.maybe_submitted() => println!("look for the job before submitting again: {error}"),
///     Err(error) => return Err(error),
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Run<'a> {
    client: &'a Client,
    request: ExtendRequest,
    options: CallOptions<'a>,
}

impl<'a> Run<'a> {
    /// Calls `callback` with what the call reports, in order:
    /// [`Event::Submitted`] once the service accepted the job, then
    /// [`Event::Updated`] with each change of its status.
    ///
    /// A callback rather than a `Stream` of events: the result stays the
    /// plain `Result` of an `.await`, no dependency is added, and the
    /// callback runs inside the call, before its next request is sent, so
    /// whatever it stores is stored before the call goes on (what a chain's
    /// progress needs to resume without paying twice). Keep it short: the
    /// call waits for it. A panic in it unwinds through the call.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::{Event, ExtendRequest};
    ///
    /// let job = client
    ///     .run(ExtendRequest::video("vid_1"))
    ///     .on_event(|event| match event {
    ///         Event::Submitted(submission) => println!("accepted as {}", submission.job_id),
    ///         Event::Updated(job) => println!("{:?}", job.status),
    ///         _ => {}
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn on_event(mut self, callback: impl FnMut(Event) + MaybeSend + 'a) -> Self {
        self.options.on_event(callback);
        self
    }

    /// How long this call may wait for the job to end once it is accepted,
    /// instead of the client's wait timeout; then it fails with `Timeout`.
    ///
    /// ```no_run
    /// # async fn demo(client: kling_extend_client::Client) -> Result<(), kling_extend_client::Error> {
    /// use kling_extend_client::ExtendRequest;
    /// use std::time::Duration;
    ///
    /// let job = client.run(ExtendRequest::video("vid_1")).wait_timeout(Duration::from_secs(20 * 60)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn wait_timeout(mut self, timeout: Duration) -> Self {
        self.options.wait_timeout(timeout);
        self
    }

    async fn send(self) -> Result<Job, Error> {
        let Run { client, request, options } = self;
        let (config, poll, _) = client.settings(&options.own)?;
        let request = CoreRequest::from_value(&request.to_value(), config.provider())?;
        let machine = RunMachine::new(config.clone(), poll, request, client.jitter_seed(), submit_key()?);
        client.perform(machine, &config, TaskKind::Run, options.reporter).await.map(Job::from)
    }
}

impl<'a> IntoFuture for Run<'a> {
    type Output = Result<Job, Error>;
    type IntoFuture = BoxFuture<'a, Result<Job, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
