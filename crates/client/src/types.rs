//! The values a caller gives and gets: the npm package's `Job` and
//! `Submission`, serialised with the same member names.

use crate::quote::{Mode, Resolution};
use crate::raw::RawDocument;
use kling_extend_core::types::job::{self as core_job, Charge, Raw};
use kling_extend_core::types::json::{object, Value};
use serde::{Deserialize, Serialize};

/// Where a job is, the same words for every provider.
///
/// ```
/// use kling_extend_client::Status;
///
/// let status: Status = serde_json::from_str(r#""running""#)?;
/// assert_eq!(status, Status::Running);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Status {
    /// Accepted, not started.
    Queued,
    /// Under way (also any state the service names that this crate does not know).
    Running,
    /// Done: its video is in [`Job::output`].
    Succeeded,
    /// Ended without a video; [`Job::error`] says why.
    Failed,
    /// Canceled by the service or its user.
    Canceled,
}

impl Status {
    /// Whether the job has ended (succeeded, failed or canceled).
    ///
    /// ```
    /// use kling_extend_client::Status;
    ///
    /// assert!(Status::Failed.is_terminal() && !Status::Queued.is_terminal());
    /// ```
    pub fn is_terminal(self) -> bool {
        matches!(self, Status::Succeeded | Status::Failed | Status::Canceled)
    }
}

impl From<core_job::Status> for Status {
    fn from(status: core_job::Status) -> Status {
        match status {
            core_job::Status::Queued => Status::Queued,
            core_job::Status::Running => Status::Running,
            core_job::Status::Succeeded => Status::Succeeded,
            core_job::Status::Failed => Status::Failed,
            core_job::Status::Canceled => Status::Canceled,
        }
    }
}

/// A video a job made.
///
/// ```
/// use kling_extend_client::Job;
///
/// fn next_source(job: &Job) -> Option<&str> {
///     // The extended video's id is what a further extension starts from.
///     job.output.as_ref()?.outputs.first()?.id.as_deref()
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Video {
    /// Where to download it (the service's URL, for a limited time).
    pub url: String,
    /// The output's type, `"video"`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The service's id of the video, the source of a further extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its length in seconds, when the service gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<f64>,
}

/// What a job that succeeded made.
///
/// ```
/// use kling_extend_client::Job;
///
/// fn download_urls(job: &Job) -> Vec<&str> {
///     job.output.iter().flat_map(|output| &output.outputs).map(|video| video.url.as_str()).collect()
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Output {
    /// The videos, first the extended one.
    pub outputs: Vec<Video>,
}

/// An amount of money a service reports.
///
/// ```
/// use kling_extend_client::Job;
///
/// fn spent(job: &Job) -> String {
///     match &job.money_charged {
///         Some(money) => format!("{} {}", money.amount, money.currency.as_deref().unwrap_or("")),
///         None => "no money reported".to_owned(),
///     }
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Money {
    /// How much.
    pub amount: f64,
    /// Its currency, when the service names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// A job as the service last reported it.
///
/// Serialised with the npm package's member names, so it can be stored or
/// handed to a page as it is:
///
/// ```
/// use kling_extend_client::{Job, Status};
///
/// let job: Job = serde_json::from_str(r#"{"id":"job_1","model":"kling-extend-video","status":"succeeded","output":{"outputs":[{"url":"https://cdn.example/1.mp4","type":"video","id":"vid_2","duration":10.0}]},"credits_charged":190,"error":null,"raw":null}"#)?;
/// assert_eq!((job.status, job.credits_charged), (Status::Succeeded, Some(190.0)));
/// assert_eq!(job.output.map(|output| output.outputs[0].url.clone()).as_deref(), Some("https://cdn.example/1.mp4"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Job {
    /// The id to read or poll it by.
    pub id: String,
    /// `"kling-extend-video"`.
    pub model: String,
    /// Where it is.
    pub status: Status,
    /// What it made, once it succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<Output>,
    /// Trinetra's credits it cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_charged: Option<f64>,
    /// Kling's resource-pack units it cost.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub units_charged: Option<f64>,
    /// Money Kling took from the account's balance, when it says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub money_charged: Option<Money>,
    /// Why it failed, in the service's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The service's document as received (credentials taken out), or
    /// null for a job known only from its submission: its text, parsed
    /// when asked.
    #[serde(default)]
    pub raw: RawDocument,
}

impl From<core_job::Job> for Job {
    fn from(job: core_job::Job) -> Job {
        let (credits_charged, units_charged) = match job.charged {
            Some(Charge::Credits(credits)) => (Some(credits), None),
            Some(Charge::Units(units)) => (None, Some(units)),
            None => (None, None),
        };
        let output = job.output.map(|output| Output { outputs: output.outputs.into_iter().map(video).collect() });
        Job {
            id: job.id,
            model: job.model,
            status: job.status.into(),
            output,
            credits_charged,
            units_charged,
            money_charged: job.money_charged.map(|money| Money { amount: money.amount, currency: money.currency }),
            error: job.error,
            raw: raw(job.raw),
        }
    }
}

fn video(video: core_job::Video) -> Video {
    Video { url: video.url, kind: video.kind.to_owned(), id: video.id, duration: video.duration }
}

/// The document's text: as received, or as the core wrote a document it
/// built (one a credential was taken out of).
fn raw(raw: Raw) -> RawDocument {
    match raw {
        Raw::Text { text, .. } => RawDocument::parsed(text),
        Raw::Value(document) => RawDocument::parsed(document.to_json()),
    }
}

/// A submit the service accepted.
///
/// ```no_run
/// # async fn demo(client: kling_extend_client::Client) -> Result<(), Box<dyn std::error::Error>> {
/// use kling_extend_client::ExtendRequest;
///
/// let submission = client.extend_video(ExtendRequest::video("vid_1")).await?;
/// // Stored, it finds the job again after a restart.
/// std::fs::write("submission.json", serde_json::to_vec(&submission)?)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Submission {
    /// The new job's id, to poll.
    pub job_id: String,
    /// Its status when accepted.
    pub status: Status,
    /// `"trinetra"` or `"kling"`.
    pub provider: String,
    /// The service's id of the request, for its support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl From<core_job::Submission> for Submission {
    fn from(submission: core_job::Submission) -> Submission {
        Submission {
            job_id: submission.job_id,
            status: submission.status.into(),
            provider: submission.provider.as_str().to_owned(),
            request_id: submission.request_id,
        }
    }
}

/// What to extend and how: a source (a video's id, or for Kling a task's)
/// and what to say about the extension. Checked by the core when a call
/// is made, as the npm package checks it.
///
/// Built with its methods, or read from the npm package's request object
/// (its member names, as a service behind a web form would receive it):
/// a member it does not know is an error, never dropped.
///
/// ```
/// use kling_extend_client::ExtendRequest;
///
/// let request = ExtendRequest::video("v1").prompt("the camera pulls back").negative_prompt("blur");
/// let read: ExtendRequest = serde_json::from_str(r#"{"video_id":"v1","prompt":"the camera pulls back","negative_prompt":"blur"}"#)?;
/// assert_eq!(read, request);
/// assert!(serde_json::from_str::<ExtendRequest>(r#"{"video_id":"v1","callbackUrl":"https://…"}"#).is_err());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ExtendRequest {
    #[serde(skip_serializing_if = "Option::is_none")]
    video_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    negative_prompt: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cfg_scale: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    callback_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_task_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resolution: Option<Resolution>,
    #[serde(skip_serializing_if = "Option::is_none")]
    duration: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mode: Option<Mode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    model_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    watermark_info: Option<Watermark>,
}

/// Kling's `watermark_info` member.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Watermark {
    enabled: bool,
}

impl ExtendRequest {
    /// Extends the video `id` (`video_id`).
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("kling_vid_xyz789");
    /// ```
    pub fn video(id: impl Into<String>) -> Self {
        ExtendRequest { video_id: Some(id.into()), ..ExtendRequest::default() }
    }

    /// Extends the video of Kling's task `id` (`task_id`; Kling only).
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::task("task_9").prompt("the rain stops");
    /// ```
    pub fn task(id: impl Into<String>) -> Self {
        ExtendRequest { task_id: Some(id.into()), ..ExtendRequest::default() }
    }

    /// What the extension should show.
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("vid_1").prompt("the camera pulls back to reveal a crowd");
    /// ```
    pub fn prompt(mut self, text: impl Into<String>) -> Self {
        self.prompt = Some(text.into());
        self
    }

    /// What it should not show.
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("vid_1").negative_prompt("text, watermarks");
    /// ```
    pub fn negative_prompt(mut self, text: impl Into<String>) -> Self {
        self.negative_prompt = Some(text.into());
        self
    }

    /// How closely it follows the prompt, 0 to 1.
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("vid_1").prompt("a crowd gathers").cfg_scale(0.7);
    /// ```
    pub fn cfg_scale(mut self, scale: f64) -> Self {
        self.cfg_scale = Some(scale);
        self
    }

    /// Where the service posts the job's end.
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("vid_1").callback_url("https://example.com/webhooks/video");
    /// ```
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Your own id of the job (Kling only), to find it by.
    ///
    /// ```
    /// # use kling_extend_client::ExtendRequest;
    /// let request = ExtendRequest::video("vid_1").external_task_id("order-1042");
    /// ```
    pub fn external_task_id(mut self, id: impl Into<String>) -> Self {
        self.external_task_id = Some(id.into());
        self
    }

    /// The output's resolution, which sets its price (Trinetra only; 720p
    /// by default).
    ///
    /// ```
    /// use kling_extend_client::{ExtendRequest, Resolution};
    ///
    /// let request = ExtendRequest::video("v1").resolution(Resolution::P1080);
    /// ```
    pub fn resolution(mut self, resolution: Resolution) -> Self {
        self.resolution = Some(resolution);
        self
    }

    /// Seconds to add (Kling only; it takes 5).
    ///
    /// ```
    /// let request = kling_extend_client::ExtendRequest::task("task_1").duration(5);
    /// ```
    pub fn duration(mut self, seconds: u32) -> Self {
        self.duration = Some(seconds);
        self
    }

    /// Standard or professional generation, which sets its units (Kling only).
    ///
    /// ```
    /// use kling_extend_client::{ExtendRequest, Mode};
    ///
    /// let request = ExtendRequest::task("task_1").mode(Mode::Professional);
    /// ```
    pub fn mode(mut self, mode: Mode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// The model to extend with, such as `"kling-v1"` (Kling only).
    ///
    /// ```
    /// let request = kling_extend_client::ExtendRequest::task("task_1").model_name("kling-v1");
    /// ```
    pub fn model_name(mut self, name: impl Into<String>) -> Self {
        self.model_name = Some(name.into());
        self
    }

    /// Whether the task also makes a watermarked copy of its video
    /// (Kling's `watermark_info.enabled`; Kling only).
    ///
    /// ```
    /// let request = kling_extend_client::ExtendRequest::task("task_1").watermark(false);
    /// ```
    pub fn watermark(mut self, enabled: bool) -> Self {
        self.watermark_info = Some(Watermark { enabled });
        self
    }

    /// As the npm package's request object, for the core to check.
    pub(crate) fn to_value(&self) -> Value {
        let text = |value: &Option<String>| value.clone().map(Value::from);
        object([
            ("video_id", text(&self.video_id)),
            ("task_id", text(&self.task_id)),
            ("prompt", text(&self.prompt)),
            ("negative_prompt", text(&self.negative_prompt)),
            ("cfg_scale", self.cfg_scale.map(Value::from)),
            ("callback_url", text(&self.callback_url)),
            ("external_task_id", text(&self.external_task_id)),
            ("resolution", self.resolution.map(|resolution| resolution.as_str().into())),
            ("duration", self.duration.map(|seconds| f64::from(seconds).into())),
            ("mode", self.mode.map(|mode| mode.as_str().into())),
            ("model_name", text(&self.model_name)),
            ("watermark_info", self.watermark_info.map(|mark| object([("enabled", Some(Value::Bool(mark.enabled)))]))),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The core is given what the request serialises as: a member added to
    /// one and not the other fails here.
    #[test]
    fn the_core_is_given_the_request_as_it_serialises() {
        let request = ExtendRequest::video("v")
            .prompt("p")
            .negative_prompt("n")
            .cfg_scale(0.5)
            .callback_url("https://example.com/hook")
            .external_task_id("e")
            .resolution(Resolution::P1080)
            .duration(10)
            .mode(Mode::Professional)
            .model_name("m")
            .watermark(true);
        let task = ExtendRequest { task_id: Some("t".into()), ..request.clone() };
        let serialised = serde_json::to_value(&task).expect("a request serialises");
        assert_eq!(serialised.as_object().map(|members| members.len()), Some(12), "every member is set");
        assert_eq!(serde_json::to_value(task.to_value()).expect("a value serialises"), serialised);
        assert_eq!(serde_json::from_value::<ExtendRequest>(serialised).expect("it reads back"), task);
    }
}
