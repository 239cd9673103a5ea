//! A chain's progress as a plain value: what a durable engine stores after
//! every change and hands back to resume the chain, in another process, with
//! no step paid twice. It comes back as caller input, so reading it checks
//! every field and names the one that is wrong.

use crate::core::types::error::{Error, Result};
use crate::core::types::fields::Fields;
use crate::core::types::job::{Charge, Job};
use crate::core::types::job_id::JobId;
use crate::core::types::json::{object, Value};
use crate::core::types::provider::ProviderName;

const FIELDS: &[&str] = &["provider", "videoId", "steps", "key", "finished", "inFlight", "next", "seconds", "charged"];

/// Where the chain stands: written after every change, read to resume.
#[derive(Clone, Debug, PartialEq)]
pub struct ChainProgress {
    pub provider: ProviderName,
    /// The chain's source video, as the caller gave it.
    pub video_id: String,
    /// How many extensions the whole chain makes.
    pub steps: usize,
    /// 16 random bytes of the chain; each step's findable id (Kling's
    /// `external_task_id`) derives from them and the step's index, so a
    /// restart derives the same one.
    pub key: [u8; 16],
    /// Finished steps, in order: a step's index is its place here.
    pub finished: Vec<Finished>,
    /// The step being submitted or waited for; its index is `finished.len()`.
    pub in_flight: Option<InFlight>,
    /// What the next step extends.
    pub next: Source,
    /// Length of `next` in seconds, when known (Kling's 180 s check).
    pub seconds: Option<f64>,
    /// What the finished steps cost: Kling units or Trinetra credits.
    pub charged: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    pub job_id: String,
    /// The step's output video, which the next step extends.
    pub video_id: Option<String>,
    pub seconds: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// The id the submit carries (Kling), set before it is sent.
    pub external_id: Option<String>,
    /// Set once the service accepted the submit.
    pub job_id: Option<String>,
}

/// What a step extends: a video, or (Kling, a result without a video id) a task.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    Video(String),
    Task(String),
}

impl ChainProgress {
    /// A chain before its first step.
    pub fn new(provider: ProviderName, video_id: String, steps: usize, key: [u8; 16], seconds: Option<f64>) -> Self {
        let next = Source::Video(video_id.clone());
        ChainProgress { provider, video_id, steps, key, finished: vec![], in_flight: None, next, seconds, charged: 0.0 }
    }

    /// Records the in-flight step's `job`: the next step extends its first
    /// video (by id when the service gives one, else the task itself on
    /// Kling, the job on Trinetra), and its charge joins the total.
    pub fn finish(&mut self, job: &Job) {
        let first = job.output.as_ref().and_then(|o| o.outputs.first());
        let video_id = first.and_then(|v| v.id.clone());
        self.next = match (&video_id, self.provider) {
            (Some(video), _) => Source::Video(video.clone()),
            (None, ProviderName::Kling) => Source::Task(job.id.clone()),
            (None, ProviderName::Trinetra) => Source::Video(job.id.clone()),
        };
        self.seconds = first.and_then(|v| v.duration);
        self.charged += match job.charged {
            Some(Charge::Units(n) | Charge::Credits(n)) => n,
            None => 0.0,
        };
        self.finished.push(Finished { job_id: job.id.clone(), video_id, seconds: self.seconds });
        self.in_flight = None;
    }

    /// Reads a stored progress (the `resume` option), refusing one of
    /// another chain (provider, source, number of prompts) or one altered
    /// out of shape.
    pub fn from_value(value: &Value, provider: ProviderName, video_id: &str, steps: usize) -> Result<Self> {
        let f = Fields::nested(value, "resume", "resume.")?;
        f.deny_unknown(FIELDS, |_| None)?;
        if f.provider()? != Some(provider) {
            return Err(Error::invalid("resume.provider", &format!("must be this chain's, \"{}\"", provider.as_str())));
        }
        if f.string("videoId")? != Some(video_id) {
            return Err(Error::invalid("resume.videoId", "must be this chain's videoId"));
        }
        if f.integer("steps", 0..=u64::MAX)? != Some(steps as u64) {
            return Err(Error::invalid("resume.steps", &format!("must be this chain's number of prompts, {steps}")));
        }
        let key = f.string("key")?.and_then(key_from_hex).ok_or_else(|| {
            Error::invalid("resume.key", "must be 32 hexadecimal digits, as the chain's progress gave it")
        })?;
        let list = f.array("finished")?.unwrap_or_default();
        if list.len() > steps {
            return Err(Error::invalid("resume.finished", "lists more steps than the chain has"));
        }
        let mut finished = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            finished.push(read_finished(item, &format!("resume.finished[{i}]."))?);
        }
        let in_flight = match f.object("inFlight")? {
            Some(v) => Some(read_in_flight(v, finished.len(), steps)?),
            None => None,
        };
        let charged = f.number("charged")?.filter(|n| *n >= 0.0);
        let charged = charged.ok_or_else(|| Error::invalid("resume.charged", "must be a number, 0 or more"))?;
        Ok(ChainProgress {
            provider,
            video_id: video_id.to_owned(),
            steps,
            key,
            finished,
            in_flight,
            next: read_source(f.object("next")?)?,
            seconds: seconds(&f, "resume.")?,
            charged,
        })
    }
}

/// A finished step: its job id, and the video it made when known.
fn read_finished(item: &Value, prefix: &str) -> Result<Finished> {
    let f = Fields::nested(item, prefix.trim_end_matches('.'), prefix)?;
    f.deny_unknown(&["jobId", "videoId", "seconds"], |_| None)?;
    let job_id = job_id(&f, prefix)?.ok_or_else(|| Error::invalid(&format!("{prefix}jobId"), "is required"))?;
    Ok(Finished { job_id, video_id: f.text("videoId")?.map(str::to_owned), seconds: seconds(&f, prefix)? })
}

/// The in-flight step, which must be the one after the finished steps.
fn read_in_flight(value: &Value, index: usize, steps: usize) -> Result<InFlight> {
    let f = Fields::nested(value, "resume.inFlight", "resume.inFlight.")?;
    f.deny_unknown(&["index", "externalId", "jobId"], |_| None)?;
    if index == steps || f.integer("index", 0..=u64::MAX)? != Some(index as u64) {
        return Err(Error::invalid("resume.inFlight.index", "must be the number of finished steps, below steps"));
    }
    let external_id = f.text("externalId")?.map(str::to_owned);
    Ok(InFlight { external_id, job_id: job_id(&f, "resume.inFlight.")? })
}

/// `{ "videoId": … }` or `{ "taskId": … }`.
fn read_source(value: Option<&Value>) -> Result<Source> {
    let wrong = || Error::invalid("resume.next", "must be { videoId } or { taskId }");
    let f = Fields::nested(value.ok_or_else(wrong)?, "resume.next", "resume.next.")?;
    f.deny_unknown(&["videoId", "taskId"], |_| None)?;
    match (f.text("videoId")?, f.text("taskId")?) {
        (Some(id), None) => Ok(Source::Video(id.to_owned())),
        (None, Some(id)) => Ok(Source::Task(id.to_owned())),
        _ => Err(wrong()),
    }
}

/// A `jobId` member, checked as `getJob` checks one.
fn job_id(f: &Fields, prefix: &str) -> Result<Option<String>> {
    let Some(id) = f.string("jobId")? else { return Ok(None) };
    JobId::parse(&Value::String(id.to_owned()))
        .map(|id| Some(id.as_str().to_owned()))
        .map_err(|e| Error::invalid(&format!("{prefix}jobId"), e.message.trim_start_matches("jobId ")))
}

/// A `seconds` member: a length, so positive.
fn seconds(f: &Fields, prefix: &str) -> Result<Option<f64>> {
    match f.number("seconds")? {
        Some(s) if s <= 0.0 => Err(Error::invalid(&format!("{prefix}seconds"), "must be a positive number of seconds")),
        other => Ok(other),
    }
}

/// The chain's key from the 32 hex digits its progress shows.
fn key_from_hex(text: &str) -> Option<[u8; 16]> {
    let digits: Vec<u32> = text.chars().map(|c| c.to_digit(16)).collect::<Option<_>>()?;
    let mut key = [0u8; 16];
    if digits.len() != 32 {
        return None;
    }
    for (byte, pair) in key.iter_mut().zip(digits.chunks(2)) {
        *byte = (pair[0] * 16 + pair[1]) as u8;
    }
    Some(key)
}

impl From<ChainProgress> for Value {
    fn from(p: ChainProgress) -> Value {
        let text = |s: Option<String>| s.map(Value::String);
        let number = |n: f64| Some(Value::Number(n));
        let index = p.finished.len();
        let finished = p.finished.into_iter().map(|s| {
            object([
                ("jobId", text(Some(s.job_id))),
                ("videoId", text(s.video_id)),
                ("seconds", s.seconds.map(Value::Number)),
            ])
        });
        let in_flight = p.in_flight.map(|s| {
            object([("index", number(index as f64)), ("externalId", text(s.external_id)), ("jobId", text(s.job_id))])
        });
        let next = match p.next {
            Source::Video(id) => object([("videoId", text(Some(id)))]),
            Source::Task(id) => object([("taskId", text(Some(id)))]),
        };
        let key = p.key.iter().map(|b| format!("{b:02x}")).collect();
        object([
            ("provider", text(Some(p.provider.as_str().to_owned()))),
            ("videoId", text(Some(p.video_id))),
            ("steps", number(p.steps as f64)),
            ("key", text(Some(key))),
            ("finished", Some(Value::Array(finished.collect()))),
            ("inFlight", in_flight),
            ("next", Some(next)),
            ("seconds", p.seconds.map(Value::Number)),
            ("charged", number(p.charged)),
        ])
    }
}
