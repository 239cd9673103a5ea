//! The values a caller gives and gets: the npm package's `Job` and
//! `Submission`, serialised with the same member names.

use crate::quote::{Mode, Resolution};
use kling_extend_core::types::job::{self as core_job, Charge, Raw};
use kling_extend_core::types::json::{object, Value};
use serde::{Deserialize, Serialize};

/// Where a job is, the same words for every provider.
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
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Output {
    /// The videos, first the extended one.
    pub outputs: Vec<Video>,
}

/// An amount of money a service reports.
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
    /// null for a job known only from its submission.
    pub raw: serde_json::Value,
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

/// The document: its text parsed whole (the core read only parts of it).
fn raw(raw: Raw) -> serde_json::Value {
    match raw {
        Raw::Text { text, .. } => serde_json::from_str(&text).unwrap_or(serde_json::Value::Null),
        Raw::Value(document) => serde_json::to_value(document).unwrap_or(serde_json::Value::Null),
    }
}

/// A submit the service accepted.
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
/// ```
/// use kling_extend_client::ExtendRequest;
///
/// let request = ExtendRequest::video("v1").prompt("the camera pulls back").negative_prompt("blur");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExtendRequest {
    video_id: Option<String>,
    task_id: Option<String>,
    prompt: Option<String>,
    negative_prompt: Option<String>,
    cfg_scale: Option<f64>,
    callback_url: Option<String>,
    external_task_id: Option<String>,
    resolution: Option<Resolution>,
    duration: Option<u32>,
    mode: Option<Mode>,
    model_name: Option<String>,
    watermark: Option<bool>,
}

impl ExtendRequest {
    /// Extends the video `id` (`video_id`).
    pub fn video(id: impl Into<String>) -> Self {
        ExtendRequest { video_id: Some(id.into()), ..ExtendRequest::default() }
    }

    /// Extends the video of Kling's task `id` (`task_id`; Kling only).
    pub fn task(id: impl Into<String>) -> Self {
        ExtendRequest { task_id: Some(id.into()), ..ExtendRequest::default() }
    }

    /// What the extension should show.
    pub fn prompt(mut self, text: impl Into<String>) -> Self {
        self.prompt = Some(text.into());
        self
    }

    /// What it should not show.
    pub fn negative_prompt(mut self, text: impl Into<String>) -> Self {
        self.negative_prompt = Some(text.into());
        self
    }

    /// How closely it follows the prompt, 0 to 1.
    pub fn cfg_scale(mut self, scale: f64) -> Self {
        self.cfg_scale = Some(scale);
        self
    }

    /// Where the service posts the job's end.
    pub fn callback_url(mut self, url: impl Into<String>) -> Self {
        self.callback_url = Some(url.into());
        self
    }

    /// Your own id of the job (Kling only), to find it by.
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
        self.watermark = Some(enabled);
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
            ("watermark_info", self.watermark.map(|enabled| object([("enabled", Some(Value::Bool(enabled)))]))),
        ])
    }
}
