//! A chain's progress as a plain value: what a durable engine stores after
//! every change and hands back to resume the chain, in another process, with
//! no step paid twice. It comes back as caller input, so reading it checks
//! every field and names the one that is wrong.
//!
//! ```
//! use kling_extend_core::client::chain_progress::ChainProgress;
//! use kling_extend_core::types::json::{Value, parse};
//! use kling_extend_core::types::provider::ProviderName;
//!
//! let progress = ChainProgress::new(ProviderName::Kling, "v0".into(), 3, [0xab; 16], None);
//! let stored = Value::from(progress.clone()).to_json();
//! assert!(stored.starts_with(r#"{"provider":"kling","videoId":"v0","steps":3,"key":"abab"#), "{stored}");
//! let resumed = ChainProgress::from_value(&parse(stored.as_bytes()).unwrap(), ProviderName::Kling, "v0", 3);
//! assert_eq!(resumed, Ok(progress));
//! ```

use crate::types::error::{Error, ErrorCode, Result};
use crate::types::fields::Fields;
use crate::types::job::{Charge, Job};
use crate::types::job_id::JobId;
use crate::types::json::{Value, object};
use crate::types::provider::ProviderName;
use crate::types::redact::{Redact, Secrets};
use crate::types::request::ExtendRequest;

/// Kling's limit on the length of an extended video.
pub(crate) const KLING_MAX_SECONDS: f64 = 180.0;
/// What one extension adds at most (Kling's `duration` "5").
const EXTENSION_SECONDS: f64 = 5.0;
/// Kling's shortest video, assumed for a source of unknown length.
const SHORTEST_SOURCE_SECONDS: f64 = 5.0;

const FIELDS: &[&str] = &["provider", "videoId", "steps", "key", "finished", "inFlight", "next", "seconds", "charged"];

/// Where the chain stands: written after every change, read to resume.
///
/// ```
/// use kling_extend_core::client::chain_progress::{ChainProgress, Outcome, Source};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let mut progress = ChainProgress::new(ProviderName::Trinetra, "v0".into(), 2, [7; 16], Some(5.0));
/// let first = Outcome { job_id: "j1".into(), video_id: Some("v1".into()), seconds: Some(10.0), charged: 4.0 };
/// progress.finish(first).unwrap();
/// assert_eq!((progress.finished.len(), progress.charged), (1, 4.0));
/// assert_eq!((progress.next, progress.seconds), (Source::Video("v1".into()), Some(10.0)));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ChainProgress {
    /// The service the whole chain runs on.
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

/// A finished step, as the progress keeps it: enough to report the chain's
/// result and to go on from it.
///
/// ```
/// use kling_extend_core::client::chain_progress::{ChainProgress, Finished, Outcome};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let mut progress = ChainProgress::new(ProviderName::Kling, "v0".into(), 2, [7; 16], None);
/// progress.finish(Outcome { job_id: "t1".into(), video_id: None, seconds: Some(10.0), charged: 1.0 }).unwrap();
/// assert_eq!(progress.finished, [Finished { job_id: "t1".into(), video_id: None, seconds: Some(10.0) }]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Finished {
    /// The step's job (Kling's task).
    pub job_id: String,
    /// The step's output video, which the next step extends.
    pub video_id: Option<String>,
    /// That video's length, when the service gave it.
    pub seconds: Option<f64>,
}

/// The step being submitted or waited for: what a restarted chain needs to
/// find it again rather than pay for it twice.
///
/// ```
/// use kling_extend_core::client::chain_progress::{ChainProgress, InFlight};
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
///
/// let stored = format!(
///     r#"{{"provider":"kling","videoId":"v0","steps":2,"key":"{}","finished":[],
///         "inFlight":{{"index":0,"externalId":"ke-1"}},"next":{{"videoId":"v0"}},"charged":0}}"#,
///     "ab".repeat(16)
/// );
/// let progress = ChainProgress::from_value(&parse(stored.as_bytes()).unwrap(), ProviderName::Kling, "v0", 2).unwrap();
/// let in_flight = InFlight { external_id: Some("ke-1".into()), job_id: None };
/// assert_eq!(progress.in_flight, Some(in_flight), "sent, but not known to be accepted");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct InFlight {
    /// The id the submit carries (Kling), set before it is sent.
    pub external_id: Option<String>,
    /// Set once the service accepted the submit.
    pub job_id: Option<String>,
}

/// What a finished step adds to the chain's progress.
///
/// ```
/// use kling_extend_core::client::chain_progress::{ChainProgress, Outcome};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let mut progress = ChainProgress::new(ProviderName::Kling, "v0".into(), 2, [7; 16], None);
/// let outcome = Outcome { job_id: "t1".into(), video_id: Some("v1".into()), seconds: Some(10.0), charged: 2.5 };
/// progress.finish(outcome.clone()).unwrap();
/// progress.finish(outcome).unwrap();
/// assert_eq!(progress.charged, 5.0);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    /// The step's job (Kling's task).
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
    /// and length, and its charge (Kling units or Trinetra credits). A job
    /// no chain can go on from (an id that cannot be read back, a negative
    /// charge) is `bad_response`.
    ///
    /// ```
    /// use kling_extend_core::client::chain_progress::Outcome;
    /// use kling_extend_core::providers::parse_webhook;
    /// use kling_extend_core::types::job::Raw;
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let document = br#"{"id":"j1","status":"succeeded","credits_charged":4,
    ///     "output":{"outputs":[{"url":"https://cdn.example/v.mp4","type":"video","id":"v1","duration":10}]}}"#;
    /// let job = parse_webhook(Raw::Value(parse(document).unwrap()), Some(ProviderName::Trinetra)).unwrap();
    /// let outcome = Outcome::of(&job).unwrap();
    /// assert_eq!((outcome.job_id.as_str(), outcome.video_id.as_deref()), ("j1", Some("v1")));
    /// assert_eq!((outcome.seconds, outcome.charged), (Some(10.0), 4.0));
    /// ```
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
    /// and `units_charged` or `credits_charged`. A member out of shape is
    /// refused by its path (`job.output.outputs[0].duration`).
    ///
    /// ```
    /// use kling_extend_core::client::chain_progress::Outcome;
    /// use kling_extend_core::types::json::parse;
    ///
    /// let job = parse(br#"{"id":"t1","units_charged":2,"output":{"outputs":[{"id":"v1","duration":15}]}}"#).unwrap();
    /// let outcome = Outcome::from_value(&job).unwrap();
    /// assert_eq!((outcome.video_id.as_deref(), outcome.seconds, outcome.charged), (Some("v1"), Some(15.0), 2.0));
    /// let odd = parse(br#"{"id":"t1","output":{"outputs":[{"duration":"15"}]}}"#).unwrap();
    /// let error = Outcome::from_value(&odd).unwrap_err();
    /// assert_eq!(error.field.as_deref(), Some("job.output.outputs[0].duration"));
    /// ```
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
    pub(crate) fn of(request: &ExtendRequest) -> Self {
        InFlight { external_id: request.external_task_id.clone(), job_id: None }
    }

    /// Refuses a stored in-flight step whose findable id is not the one the
    /// chain's key gives it: looking that one up could find another task.
    pub(crate) fn check(&self, request: &ExtendRequest) -> Result<()> {
        if self.external_id == request.external_task_id {
            return Ok(());
        }
        Err(Error::invalid("resume.inFlight.externalId", "is not the id this chain's key gives the step"))
    }
}

/// What a step extends: a video, or (Kling, a result without a video id) a task.
///
/// ```
/// use kling_extend_core::client::chain_progress::{ChainProgress, Outcome, Source};
/// use kling_extend_core::types::provider::ProviderName;
///
/// let mut progress = ChainProgress::new(ProviderName::Kling, "v0".into(), 2, [7; 16], None);
/// assert_eq!(progress.next, Source::Video("v0".into()));
/// progress.finish(Outcome { job_id: "t1".into(), video_id: None, seconds: None, charged: 1.0 }).unwrap();
/// assert_eq!(progress.next, Source::Task("t1".into()), "Kling extends the task itself");
/// ```
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// A video, by its id (the caller's source, or a step's output).
    Video(String),
    /// A Kling task whose result gave no video id, by the task's id.
    Task(String),
}

impl ChainProgress {
    /// A chain before its first step: `steps` extensions of `video_id`,
    /// whose length in seconds is `seconds` when known, with the chain's
    /// random `key`.
    ///
    /// ```
    /// use kling_extend_core::client::chain_progress::{ChainProgress, Source};
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let progress = ChainProgress::new(ProviderName::Trinetra, "v0".into(), 3, [7; 16], Some(5.0));
    /// assert_eq!((progress.finished.len(), progress.in_flight, progress.charged), (0, None, 0.0));
    /// assert_eq!(progress.next, Source::Video("v0".into()));
    /// ```
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
    ///
    /// ```
    /// use kling_extend_core::client::chain_progress::{ChainProgress, Outcome, Source};
    /// use kling_extend_core::types::error::ErrorCode;
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let mut progress = ChainProgress::new(ProviderName::Trinetra, "v0".into(), 2, [7; 16], None);
    /// progress.finish(Outcome { job_id: "j1".into(), video_id: None, seconds: None, charged: 1.0 }).unwrap();
    /// assert_eq!(progress.next, Source::Video("j1".into()), "Trinetra takes the job's id for its video");
    ///
    /// let huge = Outcome { job_id: "j2".into(), video_id: None, seconds: None, charged: f64::MAX };
    /// progress.finish(huge.clone()).unwrap();
    /// let before = progress.clone();
    /// assert_eq!(progress.finish(huge).unwrap_err().code, ErrorCode::BadResponse);
    /// assert_eq!(progress, before, "nothing is recorded");
    /// ```
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
    pub(crate) fn check_limit(&self) -> Result<()> {
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
    pub(crate) fn request(&self, prompt: &str, callback_url: Option<&str>) -> Result<ExtendRequest> {
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
    pub(crate) fn step_nonce(&self) -> [u8; 16] {
        let (mut key, index) = (self.key, self.finished.len());
        key[14] ^= (index >> 8) as u8;
        key[15] ^= index as u8;
        key
    }

    /// Reads a stored progress (the `resume` option), refusing one of
    /// another chain (provider, source, number of prompts) or one altered
    /// out of shape.
    ///
    /// ```
    /// use kling_extend_core::client::chain_progress::ChainProgress;
    /// use kling_extend_core::types::json::Value;
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// let stored = Value::from(ChainProgress::new(ProviderName::Kling, "v0".into(), 3, [7; 16], None));
    /// assert!(ChainProgress::from_value(&stored, ProviderName::Kling, "v0", 3).is_ok());
    /// let error = ChainProgress::from_value(&stored, ProviderName::Kling, "v0", 4).unwrap_err();
    /// assert_eq!(error.message, "resume.steps must be this chain's number of prompts, 4");
    /// let error = ChainProgress::from_value(&stored, ProviderName::Kling, "another", 3).unwrap_err();
    /// assert_eq!(error.field.as_deref(), Some("resume.videoId"));
    /// ```
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

/// The chain's key from the 32 hex digits its progress shows; `None` for
/// anything else.
///
/// ```
/// use kling_extend_core::client::chain_progress::key_from_hex;
///
/// assert_eq!(key_from_hex(&"aB".repeat(16)), Some([0xab; 16]));
/// assert_eq!(key_from_hex("abc"), None);
/// assert_eq!(key_from_hex(&"zz".repeat(16)), None);
/// ```
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::service::Service;
    use crate::client::testing::{kling, secret, with_member};
    use crate::providers::kling::KlingAuth;
    use crate::types::json::parse;

    const KEY: [u8; 16] = [0xab; 16];

    /// A Kling chain of three: step 1 finished, step 2 accepted.
    fn kling_progress() -> ChainProgress {
        ChainProgress {
            provider: ProviderName::Kling,
            video_id: "v0".into(),
            steps: 3,
            key: KEY,
            finished: vec![Finished { job_id: "t1".into(), video_id: Some("vid1".into()), seconds: Some(10.0) }],
            in_flight: Some(InFlight { external_id: Some("ke-1".into()), job_id: Some("t2".into()) }),
            next: Source::Video("vid1".into()),
            seconds: Some(10.0),
            charged: 2.5,
        }
    }

    /// A Trinetra chain of two whose first step made no video id: the
    /// second extends the job.
    fn trinetra_progress() -> ChainProgress {
        ChainProgress {
            provider: ProviderName::Trinetra,
            video_id: "v0".into(),
            steps: 2,
            key: [0; 16],
            finished: vec![Finished { job_id: "j1".into(), video_id: None, seconds: None }],
            in_flight: None,
            next: Source::Video("j1".into()),
            seconds: None,
            charged: 10.0,
        }
    }

    /// `progress` stored as JSON text, then read back for its own chain.
    fn read_back(progress: &ChainProgress) -> Result<ChainProgress> {
        let text = Value::from(progress.clone()).to_json();
        let stored = parse(text.as_bytes()).unwrap();
        ChainProgress::from_value(&stored, progress.provider, &progress.video_id, progress.steps)
    }

    #[test]
    fn a_kling_progress_is_read_back_as_it_was_written() {
        let fresh = ChainProgress::new(ProviderName::Kling, "v0".into(), 3, KEY, None);
        let mut unaccepted = kling_progress();
        unaccepted.in_flight = Some(InFlight { external_id: Some("ke-1".into()), job_id: None });
        let mut from_task = kling_progress();
        from_task.finished[0] = Finished { job_id: "t1".into(), video_id: None, seconds: Some(10.0) };
        from_task.next = Source::Task("t1".into());
        let mut all_done = kling_progress();
        all_done.steps = 1;
        all_done.in_flight = None;
        for progress in [kling_progress(), fresh, unaccepted, from_task, all_done] {
            assert_eq!(read_back(&progress), Ok(progress.clone()));
        }
    }

    #[test]
    fn a_trinetra_progress_is_read_back_as_it_was_written() {
        let fresh = ChainProgress::new(ProviderName::Trinetra, "v0".into(), 2, [7; 16], Some(5.0));
        let mut in_flight = trinetra_progress();
        in_flight.in_flight = Some(InFlight { external_id: None, job_id: Some("j2".into()) });
        for progress in [trinetra_progress(), fresh, in_flight] {
            assert_eq!(read_back(&progress), Ok(progress.clone()));
        }
    }

    #[test]
    fn a_progress_is_written_with_the_contracts_names() {
        let key = "ab".repeat(16);
        let expected = format!(
            r#"{{"provider":"kling","videoId":"v0","steps":3,"key":"{key}","finished":[{{"jobId":"t1","videoId":"vid1","seconds":10}}],"inFlight":{{"index":1,"externalId":"ke-1","jobId":"t2"}},"next":{{"videoId":"vid1"}},"seconds":10,"charged":2.5}}"#
        );
        assert_eq!(Value::from(kling_progress()).to_json(), expected);
        let task = ChainProgress { next: Source::Task("t1".into()), ..trinetra_progress() };
        assert!(Value::from(task).to_json().contains(r#""next":{"taskId":"t1"}"#));
    }

    /// The stored Kling progress with member `key` set to `value` (or taken
    /// out, for `None`).
    fn altered(key: &str, value: Option<Value>) -> Value {
        with_member(&Value::from(kling_progress()), key, value)
    }

    fn json(text: &str) -> Option<Value> {
        Some(parse(text.as_bytes()).unwrap())
    }

    /// Reading `stored` for the Kling chain of three on v0 fails: the field
    /// it names and its message.
    fn refusal(stored: &Value) -> (String, String) {
        let error = ChainProgress::from_value(stored, ProviderName::Kling, "v0", 3).unwrap_err();
        assert_eq!(error.code, ErrorCode::InvalidRequest, "{error:?}");
        (error.field.expect("a field"), error.message)
    }

    fn refused(stored: &Value, field: &str, why: &str) {
        assert_eq!(refusal(stored), (field.to_owned(), format!("{field} {why}")), "{}", stored.to_json());
    }

    #[test]
    fn a_progress_that_is_not_an_object_is_refused() {
        refused(&Value::String("p".into()), "resume", "must be an object, not a string");
        refused(&Value::Null, "resume", "must be an object, not null");
    }

    #[test]
    fn an_unknown_member_is_refused() {
        refused(&altered("extra", json("1")), "resume.extra", "is not a known field");
    }

    #[test]
    fn another_providers_progress_is_refused() {
        let why = r#"must be this chain's, "kling""#;
        refused(&altered("provider", json(r#""trinetra""#)), "resume.provider", why);
        refused(&altered("provider", None), "resume.provider", why);
        refused(&altered("provider", json(r#""openai""#)), "resume.provider", r#"must be "trinetra" or "kling""#);
    }

    #[test]
    fn another_source_videos_progress_is_refused() {
        refused(&altered("videoId", json(r#""other""#)), "resume.videoId", "must be this chain's videoId");
        refused(&altered("videoId", None), "resume.videoId", "must be this chain's videoId");
        refused(&altered("videoId", json("7")), "resume.videoId", "must be a string, not a number");
    }

    #[test]
    fn a_progress_of_another_number_of_prompts_is_refused() {
        let why = "must be this chain's number of prompts, 3";
        refused(&altered("steps", json("2")), "resume.steps", why);
        refused(&altered("steps", None), "resume.steps", why);
        let fraction = "must be a whole number from 0 to 18446744073709551615";
        refused(&altered("steps", json("3.5")), "resume.steps", fraction);
    }

    #[test]
    fn a_key_that_is_not_32_hexadecimal_digits_is_refused() {
        let why = "must be 32 hexadecimal digits, as the chain's progress gave it";
        for key in ["xyz".to_owned(), "a".repeat(31), "a".repeat(33), "g".repeat(32), "é".repeat(32)] {
            refused(&altered("key", Some(Value::String(key))), "resume.key", why);
        }
        refused(&altered("key", None), "resume.key", why);
        refused(&altered("key", json("1")), "resume.key", "must be a string, not a number");
        assert_eq!(key_from_hex(&"0F".repeat(16)), Some([0x0f; 16]), "either case");
    }

    #[test]
    fn a_finished_list_that_is_not_a_list_or_longer_than_the_chain_is_refused() {
        refused(&altered("finished", json(r#""t1""#)), "resume.finished", "must be a list, not a string");
        let why = "lists more steps than the chain's 3 prompts";
        refused(&altered("finished", json("[1,2,3,4]")), "resume.finished", why);
    }

    #[test]
    fn a_finished_step_out_of_shape_is_refused_by_its_place() {
        let step = |item: &str| altered("finished", json(&format!("[{item}]")));
        refused(&step("1"), "resume.finished[0]", "must be an object, not a number");
        refused(&step(r#"{"jobId":"t1","cost":1}"#), "resume.finished[0].cost", "is not a known field");
        refused(&step(r#"{"videoId":"vid1"}"#), "resume.finished[0].jobId", "is required");
        let empty = "must be a non-empty string of at most 512 bytes";
        refused(&step(r#"{"jobId":" "}"#), "resume.finished[0].jobId", empty);
        refused(&step(r#"{"jobId":".."}"#), "resume.finished[0].jobId", "is not a valid id");
        refused(&step(r#"{"jobId":"t1","videoId":""}"#), "resume.finished[0].videoId", "must not be empty");
        let length = "must be a positive number of seconds";
        refused(&step(r#"{"jobId":"t1","seconds":0}"#), "resume.finished[0].seconds", length);
        refused(&step(r#"{"jobId":"t1","seconds":-5}"#), "resume.finished[0].seconds", length);
    }

    #[test]
    fn a_step_in_flight_out_of_shape_or_out_of_place_is_refused() {
        let flight = |text: &str| altered("inFlight", json(text));
        refused(&flight("[]"), "resume.inFlight", "must be an object, not an array");
        refused(&flight(r#"{"index":1,"taskId":"t2"}"#), "resume.inFlight.taskId", "is not a known field");
        let place = "must be the number of finished steps, below steps";
        refused(&flight(r#"{"index":0}"#), "resume.inFlight.index", place);
        refused(&flight(r#"{"externalId":"ke-1"}"#), "resume.inFlight.index", place);
        refused(&flight(r#"{"index":1,"jobId":".."}"#), "resume.inFlight.jobId", "is not a valid id");
        refused(&flight(r#"{"index":1,"externalId":" "}"#), "resume.inFlight.externalId", "must not be empty");
        // Every step finished: none can be in flight.
        let one_finished = with_member(&altered("steps", json("1")), "finished", json(r#"[{"jobId":"t1"}]"#));
        let stored = with_member(&one_finished, "inFlight", json(r#"{"index":1}"#));
        let error = ChainProgress::from_value(&stored, ProviderName::Kling, "v0", 1).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("resume.inFlight.index"));
    }

    #[test]
    fn a_charge_that_is_not_a_number_of_zero_or_more_is_refused() {
        let why = "must be a number, 0 or more";
        refused(&altered("charged", json("-1")), "resume.charged", why);
        refused(&altered("charged", None), "resume.charged", why);
        refused(&altered("charged", json(r#""2""#)), "resume.charged", "must be a number, not a string");
        refused(&altered("charged", Some(Value::Number(f64::INFINITY))), "resume.charged", "must be a finite number");
        refused(&altered("charged", Some(Value::Number(f64::NAN))), "resume.charged", "must be a finite number");
    }

    #[test]
    fn a_next_source_that_is_not_one_video_or_with_kling_one_task_is_refused() {
        let why = "must be { videoId } or, with Kling, { taskId }";
        refused(&altered("next", None), "resume.next", why);
        refused(&altered("next", json("{}")), "resume.next", why);
        refused(&altered("next", json(r#"{"videoId":"a","taskId":"b"}"#)), "resume.next", why);
        refused(&altered("next", json(r#"{"url":"u"}"#)), "resume.next.url", "is not a known field");
        refused(&altered("next", json(r#""vid1""#)), "resume.next", "must be an object, not a string");
        let task = with_member(&Value::from(trinetra_progress()), "next", json(r#"{"taskId":"j1"}"#));
        let error = ChainProgress::from_value(&task, ProviderName::Trinetra, "v0", 2).unwrap_err();
        assert_eq!(
            (error.field.as_deref(), error.message.as_str()),
            (Some("resume.next"), "resume.next must be { videoId } or, with Kling, { taskId }"),
            "only Kling extends a task"
        );
    }

    #[test]
    fn a_length_that_is_not_positive_is_refused() {
        refused(&altered("seconds", json("0")), "resume.seconds", "must be a positive number of seconds");
        refused(&altered("seconds", json("-1")), "resume.seconds", "must be a positive number of seconds");
    }

    #[test]
    fn a_stored_external_id_that_is_not_the_keys_is_refused() {
        let progress = kling_progress();
        let service = kling(KlingAuth::Token(secret("t"))).config();
        let progress = ChainProgress { finished: vec![], ..progress };
        let mut request = progress.request("p", None).unwrap();
        service.make_findable(&mut request, progress.step_nonce());
        let derived = InFlight::of(&request);
        assert_eq!(derived.check(&request), Ok(()));
        request.external_task_id = Some("someone-elses".into());
        let error = derived.check(&request).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("resume.inFlight.externalId"));
        assert_eq!(error.message, "resume.inFlight.externalId is not the id this chain's key gives the step");
    }

    fn outcome() -> Outcome {
        Outcome { job_id: "t1".into(), video_id: Some("vid1".into()), seconds: Some(10.0), charged: 1.0 }
    }

    #[test]
    fn an_outcome_no_chain_can_go_on_from_is_the_services_fault() {
        for (odd, why) in [
            (Outcome { job_id: "..".into(), ..outcome() }, "an id that cannot be read back"),
            (Outcome { job_id: " ".into(), ..outcome() }, "an id that cannot be read back"),
            (Outcome { video_id: Some(" ".into()), ..outcome() }, "an output video with an empty id"),
            (Outcome { seconds: Some(0.0), ..outcome() }, "an output video of 0 seconds or less"),
            (Outcome { charged: -1.0, ..outcome() }, "a negative charge"),
            (Outcome { charged: f64::NAN, ..outcome() }, "a negative charge"),
        ] {
            let error = odd.checked().unwrap_err();
            assert_eq!(error.code, ErrorCode::BadResponse);
            assert_eq!(error.message, format!("the job reports {why}, which no chain can go on from"));
        }
        assert_eq!(outcome().checked(), Ok(outcome()));
    }

    #[test]
    fn an_outcome_read_from_a_job_value_names_the_member_that_is_wrong() {
        let field = |job: &str| Outcome::from_value(&parse(job.as_bytes()).unwrap()).unwrap_err().field;
        assert_eq!(field("[]").as_deref(), Some("job"));
        assert_eq!(field(r#"{"status":"succeeded"}"#).as_deref(), Some("job.id"));
        assert_eq!(field(r#"{"id":"t1","units_charged":"1"}"#).as_deref(), Some("job.units_charged"));
        assert_eq!(field(r#"{"id":"t1","output":{"outputs":[7]}}"#).as_deref(), Some("job.output.outputs[0]"));
        let duration = r#"{"id":"t1","output":{"outputs":[{"duration":"10"}]}}"#;
        assert_eq!(field(duration).as_deref(), Some("job.output.outputs[0].duration"));
    }

    #[test]
    fn a_charge_past_any_total_records_nothing() {
        let mut progress = ChainProgress { charged: f64::MAX, ..kling_progress() };
        let before = progress.clone();
        let error = progress.finish(Outcome { charged: f64::MAX, ..outcome() }).unwrap_err();
        assert_eq!(error.code, ErrorCode::BadResponse);
        assert_eq!(progress, before);
    }

    #[test]
    fn a_kling_chain_past_three_minutes_is_refused_naming_the_prompts() {
        let over = ChainProgress { seconds: Some(171.0), ..kling_progress() };
        let error = over.check_limit().unwrap_err();
        assert_eq!(error.field.as_deref(), Some("prompts"));
        assert_eq!(error.message, "prompts would make a video of up to 181 s, past Kling's limit of 180 s");
        assert_eq!(ChainProgress { seconds: Some(170.0), ..kling_progress() }.check_limit(), Ok(()));
        let long = ChainProgress { seconds: Some(171.0), ..trinetra_progress() };
        assert_eq!(long.check_limit(), Ok(()), "Trinetra has no such limit");
    }

    #[test]
    fn a_next_step_extends_a_task_by_its_id() {
        let progress = ChainProgress { next: Source::Task("t1".into()), ..kling_progress() };
        let request = progress.request("p", Some("https://example.com/cb")).unwrap();
        assert_eq!((request.task_id.as_deref(), request.video_id), (Some("t1"), None));
        assert_eq!(request.callback_url.as_deref(), Some("https://example.com/cb"));
    }

    #[test]
    fn a_progress_hands_no_credential_back() {
        let key = "sk-live-0123456789";
        let mut progress = kling_progress();
        progress.finished[0].job_id = key.into();
        progress.next = Source::Task(key.into());
        let text = Value::from(progress.redacted(&Secrets::new([key], None))).to_json();
        assert!(!text.contains(key), "{text}");
    }
}
