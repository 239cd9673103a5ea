//! A chain's progress as a plain value: what a durable engine stores after
//! every change and hands back to resume the chain, in another process, with
//! no step paid twice. It comes back as caller input, so reading it checks
//! every field and names the one that is wrong.

use crate::core::types::error::{Error, ErrorCode, Result};
use crate::core::types::fields::Fields;
use crate::core::types::job::{Charge, Job};
use crate::core::types::job_id::JobId;
use crate::core::types::json::{object, Value};
use crate::core::types::provider::ProviderName;
use crate::core::types::redact::{Redact, Secrets};
use crate::core::types::request::ExtendRequest;

/// Kling's limit on the length of an extended video.
pub const KLING_MAX_SECONDS: f64 = 180.0;
/// What one extension adds at most (Kling's `duration` "5").
const EXTENSION_SECONDS: f64 = 5.0;
/// Kling's shortest video, assumed for a source of unknown length.
const SHORTEST_SOURCE_SECONDS: f64 = 5.0;

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

/// What a finished step adds to the chain's progress.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub job_id: String,
    /// Its first video's id, which the next step extends.
    pub video_id: Option<String>,
    /// Its first video's length.
    pub seconds: Option<f64>,
    /// Kling units or Trinetra credits.
    pub charged: f64,
}

impl Outcome {
    /// A finished step's outcome from its job: its id, its first video's id
    /// and length, and its charge (Kling units or Trinetra credits).
    pub fn of(job: &Job) -> Result<Self> {
        let first = job.output.as_ref().and_then(|o| o.outputs.first());
        let charged = match job.charged {
            Some(Charge::Units(n) | Charge::Credits(n)) => n,
            None => 0.0,
        };
        let outcome = Outcome {
            job_id: job.id.clone(),
            video_id: first.and_then(|v| v.id.clone()),
            seconds: first.and_then(|v| v.duration),
            charged,
        };
        outcome.checked()
    }

    /// A step's outcome from its job as the API resolved it (a durable
    /// engine stores jobs as values): `id`, the first of `output.outputs`,
    /// and `units_charged` or `credits_charged`.
    pub fn from_value(job: &Value) -> Result<Self> {
        let fields = Fields::nested(job, "job", "job.")?;
        let job_id = fields.string("id")?.ok_or_else(|| Error::invalid("job.id", "is required"))?.to_owned();
        let first = job.get("output").and_then(|o| o.get("outputs")).and_then(Value::as_array).and_then(|v| v.first());
        let video = first.map(|v| Fields::nested(v, "job.output.outputs[0]", "job.output.outputs[0].")).transpose()?;
        let charged = [fields.number("units_charged")?, fields.number("credits_charged")?].into_iter().flatten().sum();
        let outcome = Outcome {
            job_id,
            video_id: video.as_ref().map(|v| v.string("id")).transpose()?.flatten().map(str::to_owned),
            seconds: video.as_ref().map(|v| v.number("duration")).transpose()?.flatten(),
            charged,
        };
        outcome.checked()
    }

    /// `self`, if a progress can record it and read it back as `resume`
    /// (the rules of [`ChainProgress::from_value`]); else `bad_response`:
    /// the service reported it, and no chain can go on from it.
    fn checked(self) -> Result<Self> {
        let odd = |what: &str| {
            let message = format!("the job reports {what}, which no chain can go on from");
            Err(Error::new(ErrorCode::BadResponse, message))
        };
        if JobId::parse_as(&Value::String(self.job_id.clone()), "id").is_err() {
            return odd("an id that cannot be read back");
        }
        if self.video_id.as_deref().is_some_and(|id| id.trim().is_empty()) {
            return odd("an output video with an empty id");
        }
        if self.seconds.is_some_and(|s| s <= 0.0) {
            return odd("an output video of 0 seconds or less");
        }
        if !(self.charged >= 0.0 && self.charged.is_finite()) {
            return odd("a negative charge");
        }
        Ok(self)
    }
}

impl InFlight {
    /// The step `request` submits, before it is sent.
    pub fn of(request: &ExtendRequest) -> Self {
        InFlight { external_id: request.external_task_id.clone(), job_id: None }
    }

    /// Refuses a stored in-flight step whose findable id is not the one the
    /// chain's key gives it: looking that one up could find another task.
    pub fn check(&self, request: &ExtendRequest) -> Result<()> {
        if self.external_id == request.external_task_id {
            return Ok(());
        }
        Err(Error::invalid("resume.inFlight.externalId", "is not the id this chain's key gives the step"))
    }
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

    /// Records the in-flight step's outcome: the next step extends its first
    /// video (by id when the service gives one, else the task itself on
    /// Kling, the job on Trinetra), and its charge joins the total.
    ///
    /// A charge that would take the total past what a number holds is
    /// `bad_response`, and nothing is recorded: the total must read back.
    pub fn finish(&mut self, outcome: Outcome) -> Result<()> {
        if !(self.charged + outcome.charged).is_finite() {
            let why = "the job reports a charge past any total, which no chain can go on from";
            return Err(Error::new(ErrorCode::BadResponse, why));
        }
        self.next = match (&outcome.video_id, self.provider) {
            (Some(video), _) => Source::Video(video.clone()),
            (None, ProviderName::Kling) => Source::Task(outcome.job_id.clone()),
            (None, ProviderName::Trinetra) => Source::Video(outcome.job_id.clone()),
        };
        self.seconds = outcome.seconds;
        self.charged += outcome.charged;
        let Outcome { job_id, video_id, seconds, .. } = outcome;
        self.finished.push(Finished { job_id, video_id, seconds });
        self.in_flight = None;
        Ok(())
    }

    /// Kling refuses videos over three minutes: a chain that would pass the
    /// limit is refused before it spends anything, and checked again with
    /// each result's real length.
    pub fn check_limit(&self) -> Result<()> {
        if self.provider != ProviderName::Kling {
            return Ok(());
        }
        let start = self.seconds.unwrap_or(SHORTEST_SOURCE_SECONDS);
        let left = self.steps - self.finished.len();
        let total = start + EXTENSION_SECONDS * left as f64;
        if total <= KLING_MAX_SECONDS {
            return Ok(());
        }
        // Whole seconds: the limit is one, and a page needs no float formatter.
        let message = format!(
            "would make a video of up to {} s, past Kling's limit of {} s",
            total as u64, KLING_MAX_SECONDS as u64
        );
        Err(Error::invalid("prompts", &message))
    }

    /// The next step's submit: `prompt` on what it extends. Its findable id
    /// (Kling) comes from [`ChainProgress::step_nonce`], so a restarted chain
    /// derives the same one and can look the step up before sending.
    pub fn request(&self, prompt: &str, callback_url: Option<&str>) -> Result<ExtendRequest> {
        self.check_limit()?;
        let text = |s: &str| Some(Value::String(s.to_owned()));
        let (video_id, task_id) = match &self.next {
            Source::Video(id) => (text(id), None),
            Source::Task(id) => (None, text(id)),
        };
        let request = object([
            ("video_id", video_id),
            ("task_id", task_id),
            ("prompt", text(prompt)),
            ("callback_url", callback_url.and_then(text)),
        ]);
        ExtendRequest::from_value(&request, self.provider)
    }

    /// The step's nonce: the chain's key with the step's index mixed into
    /// the last two bytes, unique within the chain, random across chains,
    /// and the same again when a resumed chain derives it.
    pub fn step_nonce(&self) -> [u8; 16] {
        let (mut key, index) = (self.key, self.finished.len());
        key[14] ^= (index >> 8) as u8;
        key[15] ^= index as u8;
        key
    }

    /// Reads a stored progress (the `resume` option), refusing one of
    /// another chain (provider, source, number of prompts) or one altered
    /// out of shape.
    pub fn from_value(value: &Value, provider: ProviderName, video_id: &str, steps: usize) -> Result<Self> {
        let fields = Fields::nested(value, "resume", "resume.")?;
        fields.deny_unknown(FIELDS, |_| None)?;
        if fields.provider()? != Some(provider) {
            return Err(Error::invalid("resume.provider", &format!("must be this chain's, \"{}\"", provider.as_str())));
        }
        if fields.string("videoId")? != Some(video_id) {
            return Err(Error::invalid("resume.videoId", "must be this chain's videoId"));
        }
        if fields.integer("steps", 0..=u64::MAX)? != Some(steps as u64) {
            return Err(Error::invalid("resume.steps", &format!("must be this chain's number of prompts, {steps}")));
        }
        let key = fields.string("key")?.and_then(key_from_hex).ok_or_else(|| {
            Error::invalid("resume.key", "must be 32 hexadecimal digits, as the chain's progress gave it")
        })?;
        let list = fields.array("finished")?.unwrap_or_default();
        if list.len() > steps {
            // Checked before any item is read: a long list costs nothing.
            let why = format!("lists more steps than the chain's {steps} prompts");
            return Err(Error::invalid("resume.finished", &why));
        }
        let mut finished = Vec::with_capacity(list.len());
        for (i, item) in list.iter().enumerate() {
            finished.push(read_finished(item, &format!("resume.finished[{i}]."))?);
        }
        let in_flight = match fields.object("inFlight")? {
            Some(v) => Some(read_in_flight(v, finished.len(), steps)?),
            None => None,
        };
        let charged = fields.number("charged")?.filter(|n| *n >= 0.0);
        let charged = charged.ok_or_else(|| Error::invalid("resume.charged", "must be a number, 0 or more"))?;
        Ok(ChainProgress {
            provider,
            video_id: video_id.to_owned(),
            steps,
            key,
            finished,
            in_flight,
            next: read_source(fields.object("next")?, provider)?,
            seconds: seconds(&fields, "resume.")?,
            charged,
        })
    }
}

/// A finished step: its job id, and the video it made when known.
fn read_finished(item: &Value, prefix: &str) -> Result<Finished> {
    let fields = Fields::nested(item, prefix.trim_end_matches('.'), prefix)?;
    fields.deny_unknown(&["jobId", "videoId", "seconds"], |_| None)?;
    let job_id = job_id(&fields, prefix)?.ok_or_else(|| Error::invalid(&format!("{prefix}jobId"), "is required"))?;
    Ok(Finished { job_id, video_id: fields.text("videoId")?.map(str::to_owned), seconds: seconds(&fields, prefix)? })
}

/// The in-flight step, which must be the one after the finished steps.
fn read_in_flight(value: &Value, index: usize, steps: usize) -> Result<InFlight> {
    let fields = Fields::nested(value, "resume.inFlight", "resume.inFlight.")?;
    fields.deny_unknown(&["index", "externalId", "jobId"], |_| None)?;
    if index == steps || fields.integer("index", 0..=u64::MAX)? != Some(index as u64) {
        return Err(Error::invalid("resume.inFlight.index", "must be the number of finished steps, below steps"));
    }
    let external_id = fields.text("externalId")?.map(str::to_owned);
    Ok(InFlight { external_id, job_id: job_id(&fields, "resume.inFlight.")? })
}

/// `{ "videoId": … }`, or with Kling `{ "taskId": … }`: only Kling extends
/// a task, so a Trinetra progress naming one was not written by this chain.
fn read_source(value: Option<&Value>, provider: ProviderName) -> Result<Source> {
    let wrong = || Error::invalid("resume.next", "must be { videoId } or, with Kling, { taskId }");
    let fields = Fields::nested(value.ok_or_else(wrong)?, "resume.next", "resume.next.")?;
    fields.deny_unknown(&["videoId", "taskId"], |_| None)?;
    match (fields.text("videoId")?, fields.text("taskId")?, provider) {
        (Some(id), None, _) => Ok(Source::Video(id.to_owned())),
        (None, Some(id), ProviderName::Kling) => Ok(Source::Task(id.to_owned())),
        _ => Err(wrong()),
    }
}

/// A `jobId` member, checked as `getJob` checks one.
fn job_id(fields: &Fields, prefix: &str) -> Result<Option<String>> {
    let Some(id) = fields.string("jobId")? else { return Ok(None) };
    JobId::parse_as(&Value::String(id.to_owned()), &format!("{prefix}jobId")).map(|id| Some(id.as_str().to_owned()))
}

/// A `seconds` member: a length, so positive.
fn seconds(fields: &Fields, prefix: &str) -> Result<Option<f64>> {
    match fields.number("seconds")? {
        Some(s) if s <= 0.0 => Err(Error::invalid(&format!("{prefix}seconds"), "must be a positive number of seconds")),
        other => Ok(other),
    }
}

/// The chain's key from the 32 hex digits its progress shows.
pub fn key_from_hex(text: &str) -> Option<[u8; 16]> {
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

/// A progress hands ids back to the caller like a job does.
impl Redact for ChainProgress {
    fn redact(&mut self, secrets: &Secrets) {
        self.video_id.redact(secrets);
        for step in &mut self.finished {
            step.job_id.redact(secrets);
            step.video_id.redact(secrets);
        }
        if let Some(flight) = &mut self.in_flight {
            flight.external_id.redact(secrets);
            flight.job_id.redact(secrets);
        }
        match &mut self.next {
            Source::Video(id) | Source::Task(id) => id.redact(secrets),
        }
    }
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
