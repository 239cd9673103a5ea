//! Which service a request goes to, or a document came from.

/// The two services behind the one API; Trinetra is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ProviderName {
    #[default]
    Trinetra,
    Kling,
}

impl ProviderName {
    /// The name callers write (`"trinetra"`, `"kling"`).
    pub fn from_name(name: &str) -> Option<ProviderName> {
        match name {
            "trinetra" => Some(ProviderName::Trinetra),
            "kling" => Some(ProviderName::Kling),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderName::Trinetra => "trinetra",
            ProviderName::Kling => "kling",
        }
    }
}
