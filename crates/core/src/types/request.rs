//! An extension request, validated before anything is sent.
//!
//! ```
//! use kling_extend_core::types::json::parse;
//! use kling_extend_core::types::provider::ProviderName;
//! use kling_extend_core::types::request::ExtendRequest;
//!
//! let value = parse(br#"{"video_id":"v1","cfg_scale":1.5}"#).unwrap();
//! let error = ExtendRequest::from_value(&value, ProviderName::Trinetra).unwrap_err();
//! assert_eq!(error.field.as_deref(), Some("cfg_scale"));
//! ```

use crate::types::error::{Error, Result};
use crate::types::fields::Fields;
use crate::types::json::Value;
use crate::types::provider::ProviderName;
use crate::types::suggest;
use crate::types::tier::{Mode, Resolution};
use crate::types::url::check_http_url;

/// The services' limit on `prompt` and `negative_prompt`, in characters.
const MAX_PROMPT_CHARS: usize = 2500;

const TRINETRA_FIELDS: &[&str] = &["video_id", "prompt", "negative_prompt", "cfg_scale", "callback_url", "resolution"];
const KLING_FIELDS: &[&str] = &[
    "video_id",
    "task_id",
    "prompt",
    "negative_prompt",
    "cfg_scale",
    "callback_url",
    "external_task_id",
    "duration",
    "mode",
    "model_name",
    "watermark_info",
];

/// A request that passed every rule; only [`ExtendRequest::from_value`] makes one.
///
/// Its fields are the services' own (snake case), each `None` when not given.
///
/// ```
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
///
/// let value = parse(br#"{"task_id":"t1","prompt":"the camera pulls back","duration":5}"#).unwrap();
/// let request = ExtendRequest::from_value(&value, ProviderName::Kling).unwrap();
/// assert_eq!(request.task_id.as_deref(), Some("t1"));
/// assert_eq!(request.prompt.as_deref(), Some("the camera pulls back"));
/// assert_eq!(request.duration.as_deref(), Some("5"), "seconds as Kling's wire has them");
/// assert_eq!(request.video_id, None);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ExtendRequest {
    /// The video to extend (Trinetra's, or Kling's video id).
    pub video_id: Option<String>,
    /// Kling: the task whose video to extend, instead of `video_id`.
    pub task_id: Option<String>,
    /// What should happen next in the video, at most 2500 characters.
    pub prompt: Option<String>,
    /// What the video should avoid, at most 2500 characters.
    pub negative_prompt: Option<String>,
    /// How closely to follow the prompt, from 0 to 1.
    pub cfg_scale: Option<f64>,
    /// An absolute http(s) URL the service calls when the job ends (an
    /// empty one means none).
    pub callback_url: Option<String>,
    /// Trinetra: the output resolution, which sets the price.
    pub resolution: Option<Resolution>,
    /// Kling: the caller's own id for the task, unique in the account;
    /// a submit whose answer was lost is looked up by it.
    pub external_task_id: Option<String>,
    /// Kling: whole seconds to add, from 1 to 60, as the string its wire
    /// takes (a number is accepted and written as one).
    pub duration: Option<String>,
    /// Kling: the generation mode, which sets the price.
    pub mode: Option<Mode>,
    /// Kling: the model to generate with (`kling-v1`, say).
    pub model_name: Option<String>,
    /// Kling's `watermark_info.enabled`: whether a watermarked copy is made too.
    pub watermark: Option<bool>,
}

impl ExtendRequest {
    /// Validates a caller's request for `provider`. Fields the provider does
    /// not take are refused rather than dropped, so nothing is silently lost.
    ///
    /// ```
    /// use kling_extend_core::types::json::parse;
    /// use kling_extend_core::types::provider::ProviderName;
    /// use kling_extend_core::types::request::ExtendRequest;
    ///
    /// let check = |text: &str| ExtendRequest::from_value(&parse(text.as_bytes()).unwrap(), ProviderName::Trinetra);
    /// assert_eq!(check(r#"{"video_id":"v1"}"#).unwrap().video_id.as_deref(), Some("v1"));
    /// assert_eq!(check(r#"{}"#).unwrap_err().message, "video_id is required");
    /// let typo = check(r#"{"video_id":"v1","promt":"a"}"#).unwrap_err();
    /// assert_eq!(typo.message, "promt is not a known field; did you mean prompt?");
    /// ```
    pub fn from_value(value: &Value, provider: ProviderName) -> Result<ExtendRequest> {
        let fields = Fields::of(value, "request")?;
        let (known, other) = match provider {
            ProviderName::Trinetra => (TRINETRA_FIELDS, ("kling", KLING_FIELDS)),
            ProviderName::Kling => (KLING_FIELDS, ("trinetra", TRINETRA_FIELDS)),
        };
        fields.deny_unknown(known, |key| {
            Some(if other.1.contains(&key) {
                format!("is only used with provider \"{}\"", other.0)
            } else {
                suggest::unknown("field", key, known)
            })
        })?;
        let owned = |s: Option<&str>| s.map(str::to_owned);
        let request = ExtendRequest {
            video_id: owned(fields.text("video_id")?),
            task_id: owned(fields.text("task_id")?),
            prompt: owned(prompt(&fields, "prompt")?),
            negative_prompt: owned(prompt(&fields, "negative_prompt")?),
            cfg_scale: cfg_scale(&fields)?,
            callback_url: owned(callback_url(&fields)?),
            resolution: fields.string("resolution")?.map(|w| Resolution::parse("resolution", w)).transpose()?,
            external_task_id: owned(fields.text("external_task_id")?),
            duration: duration(&fields)?,
            mode: fields.string("mode")?.map(|w| Mode::parse("mode", w)).transpose()?,
            model_name: owned(fields.text("model_name")?),
            watermark: watermark(&fields)?,
        };
        if request.video_id.is_none() && request.task_id.is_none() {
            let why = match provider {
                ProviderName::Trinetra => "is required",
                ProviderName::Kling => "is required (or task_id)",
            };
            return Err(Error::invalid("video_id", why));
        }
        Ok(request)
    }
}

fn prompt<'a>(fields: &Fields<'a>, key: &str) -> Result<Option<&'a str>> {
    let text = fields.string(key)?;
    text.map_or(Ok(()), |text| check_prompt(text, key))?;
    Ok(text)
}

/// A prompt's length, refused by `field`: a request's `prompt`, or a
/// chain's `prompts[2]`.
pub(crate) fn check_prompt(text: &str, field: &str) -> Result<()> {
    let chars = text.chars().count();
    if chars > MAX_PROMPT_CHARS {
        let why = format!("must be at most {} characters (got {})", MAX_PROMPT_CHARS, chars);
        return Err(Error::invalid(field, &why));
    }
    Ok(())
}

fn cfg_scale(fields: &Fields) -> Result<Option<f64>> {
    match fields.number("cfg_scale")? {
        Some(n) if !(0.0..=1.0).contains(&n) => Err(Error::invalid("cfg_scale", "must be between 0 and 1")),
        other => Ok(other),
    }
}

/// An empty `callback_url` means none, as Kling's own example sends it.
fn callback_url<'a>(fields: &Fields<'a>) -> Result<Option<&'a str>> {
    match fields.string("callback_url")? {
        Some("") | None => Ok(None),
        Some(url) => check_http_url(url).map(|_| Some(url)).map_err(|why| Error::invalid("callback_url", why)),
    }
}

/// `watermark_info: { enabled: boolean }`, nothing else in it.
fn watermark(fields: &Fields) -> Result<Option<bool>> {
    let Some(info) = fields.object("watermark_info")? else {
        return Ok(None);
    };
    match info.get("enabled") {
        Some(Value::Bool(enabled)) if matches!(info, Value::Object(members) if members.len() == 1) => {
            Ok(Some(*enabled))
        }
        Some(Value::Bool(_)) => Err(Error::invalid("watermark_info", "must hold only enabled")),
        _ => Err(Error::invalid("watermark_info.enabled", "must be true or false")),
    }
}

/// Kling's `duration` is a string of whole seconds on the wire; a number is
/// accepted too, since that is what callers naturally write.
fn duration(fields: &Fields) -> Result<Option<String>> {
    let seconds = match fields.string("duration") {
        Ok(Some(text)) => text.parse::<u64>().ok(),
        Ok(None) => return Ok(None),
        Err(_) => fields.number("duration")?.filter(|n| n.fract() == 0.0 && *n >= 1.0 && *n <= 60.0).map(|n| n as u64),
    };
    match seconds {
        Some(s @ 1..=60) => Ok(Some(s.to_string())),
        _ => Err(Error::invalid("duration", "must be a whole number of seconds, such as \"5\"")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::json::parse;

    fn check(json: &str, provider: ProviderName) -> Result<ExtendRequest> {
        ExtendRequest::from_value(&parse(json.as_bytes()).unwrap(), provider)
    }

    fn field_of(json: &str) -> String {
        check(json, ProviderName::Trinetra).unwrap_err().field.unwrap()
    }

    #[test]
    fn accepts_a_full_trinetra_request() {
        let r = check(
            r#"{"video_id":"v1","prompt":"p","negative_prompt":"n","cfg_scale":0.5,
                "callback_url":"https://x.test/cb","resolution":"1080p"}"#,
            ProviderName::Trinetra,
        )
        .unwrap();
        assert_eq!(r.resolution, Some(Resolution::P1080));
        assert_eq!(r.cfg_scale, Some(0.5));
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(field_of(r#"{}"#), "video_id");
        assert_eq!(field_of(r#"{"video_id":""}"#), "video_id");
        assert_eq!(field_of(r#"{"video_id":"  "}"#), "video_id");
        assert_eq!(field_of(r#"{"video_id":7}"#), "video_id");
        assert_eq!(field_of(r#"{"video_id":"v","cfg_scale":1.5}"#), "cfg_scale");
        assert_eq!(field_of(r#"{"video_id":"v","cfg_scale":"0.5"}"#), "cfg_scale");
        assert_eq!(field_of(r#"{"video_id":"v","callback_url":"/relative"}"#), "callback_url");
        assert_eq!(field_of(r#"{"video_id":"v","resolution":"4k"}"#), "resolution");
        assert_eq!(field_of(r#"{"video_id":"v","colour":"red"}"#), "colour");
        let long = "é".repeat(MAX_PROMPT_CHARS + 1);
        assert_eq!(field_of(&format!(r#"{{"video_id":"v","prompt":"{long}"}}"#)), "prompt");
        let exact = "é".repeat(MAX_PROMPT_CHARS);
        assert!(check(&format!(r#"{{"video_id":"v","negative_prompt":"{exact}"}}"#), ProviderName::Trinetra).is_ok());
    }

    #[test]
    fn fields_of_the_other_provider_say_so() {
        let e = check(r#"{"video_id":"v","mode":"pro"}"#, ProviderName::Trinetra).unwrap_err();
        assert_eq!(e.message, "mode is only used with provider \"kling\"");
        let e = check(r#"{"video_id":"v","resolution":"720p"}"#, ProviderName::Kling).unwrap_err();
        assert_eq!(e.field.as_deref(), Some("resolution"));
    }

    #[test]
    fn an_empty_callback_url_means_none_for_both_providers() {
        for provider in [ProviderName::Trinetra, ProviderName::Kling] {
            let r = check(r#"{"video_id":"v","callback_url":""}"#, provider).unwrap();
            assert_eq!(r.callback_url, None, "{provider:?}");
            let e = check(r#"{"video_id":"v","callback_url":" "}"#, provider).unwrap_err();
            assert_eq!(e.field.as_deref(), Some("callback_url"), "a blank one is still no URL");
        }
    }

    #[test]
    fn kling_takes_watermark_info_in_its_shape() {
        let watermark =
            |info: &str| check(&format!(r#"{{"video_id":"v","watermark_info":{info}}}"#), ProviderName::Kling);
        assert_eq!(watermark(r#"{"enabled":true}"#).unwrap().watermark, Some(true));
        assert_eq!(watermark(r#"{"enabled":false}"#).unwrap().watermark, Some(false));
        assert_eq!(watermark("null").unwrap().watermark, None);
        for (info, field, message) in [
            ("true", "watermark_info", "watermark_info must be an object, not a boolean"),
            ("[]", "watermark_info", "watermark_info must be an object, not an array"),
            ("{}", "watermark_info.enabled", "watermark_info.enabled must be true or false"),
            (r#"{"enabled":"yes"}"#, "watermark_info.enabled", "watermark_info.enabled must be true or false"),
            (r#"{"enabled":null}"#, "watermark_info.enabled", "watermark_info.enabled must be true or false"),
            (r#"{"enabled":true,"position":"tl"}"#, "watermark_info", "watermark_info must hold only enabled"),
        ] {
            let e = watermark(info).unwrap_err();
            assert_eq!((e.field.as_deref(), e.message.as_str()), (Some(field), message), "{info}");
        }
        let e = check(r#"{"video_id":"v","watermark_info":{"enabled":true}}"#, ProviderName::Trinetra).unwrap_err();
        assert_eq!(e.message, "watermark_info is only used with provider \"kling\"");
    }

    #[test]
    fn kling_takes_a_task_id_a_mode_and_a_duration() {
        let r = check(r#"{"task_id":"t","mode":"pro","duration":5}"#, ProviderName::Kling).unwrap();
        assert_eq!((r.mode, r.duration.as_deref()), (Some(Mode::Professional), Some("5")));
        assert!(check(r#"{"task_id":"t","duration":"five"}"#, ProviderName::Kling).is_err());
        assert!(check(r#"{"task_id":"t","mode":"turbo"}"#, ProviderName::Kling).is_err());
    }
}
