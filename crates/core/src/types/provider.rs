//! Which service a request goes to, or a document came from.
//!
//! ```
//! use kling_extend_core::types::provider::ProviderName;
//!
//! assert_eq!(ProviderName::default(), ProviderName::Trinetra);
//! assert_eq!(ProviderName::Kling.as_str(), "kling");
//! ```

/// The two services behind the one API; Trinetra is the default.
///
/// The same request is held to each provider's own fields:
///
/// ```
/// use kling_extend_core::types::json::parse;
/// use kling_extend_core::types::provider::ProviderName;
/// use kling_extend_core::types::request::ExtendRequest;
///
/// let value = parse(br#"{"video_id":"v1","mode":"pro"}"#).unwrap();
/// assert!(ExtendRequest::from_value(&value, ProviderName::Kling).is_ok());
/// let error = ExtendRequest::from_value(&value, ProviderName::Trinetra).unwrap_err();
/// assert_eq!(error.message, "mode is only used with provider \"kling\"");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProviderName {
    /// Trinetra's API, billed in credits (rupees) by resolution.
    #[default]
    Trinetra,
    /// Kling's own API, billed in resource-pack units by mode.
    Kling,
}

impl ProviderName {
    /// The name callers write (`"trinetra"`, `"kling"`).
    pub(crate) fn from_name(name: &str) -> Option<ProviderName> {
        match name {
            "trinetra" => Some(ProviderName::Trinetra),
            "kling" => Some(ProviderName::Kling),
            _ => None,
        }
    }

    /// The name callers write and documents carry (`"trinetra"`, `"kling"`).
    ///
    /// ```
    /// use kling_extend_core::types::provider::ProviderName;
    ///
    /// assert_eq!(ProviderName::Trinetra.as_str(), "trinetra");
    /// assert_eq!(ProviderName::Kling.as_str(), "kling");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Trinetra => "trinetra",
            ProviderName::Kling => "kling",
        }
    }
}
