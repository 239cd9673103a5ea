//! "Did you mean": the known name a mistyped option or field is closest to,
//! for the error that refuses it (`apikey` → `apiKey`).

/// Why `key` is refused among `known`: "is not a known option; did you mean
/// apiKey?" when one is close, else "is not a known option". `noun` is what
/// the names are ("option", "field").
pub fn unknown(noun: &str, key: &str, known: &[&str]) -> String {
    match closest(key, known) {
        Some(near) => format!("is not a known {noun}; did you mean {near}?"),
        None => format!("is not a known {noun}"),
    }
}

/// The known name `key` is a near miss of: the same once case, `_` and `-`
/// are set aside, or within one edit per four characters of the longer
/// (at least one). Names whose lengths differ by more than that are not
/// compared at all, so a huge key costs one pass over it, not a table of
/// its length.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    let key = fold(key);
    let length = key.chars().count();
    known
        .iter()
        .filter_map(|name| {
            let folded = fold(name);
            let limit = (length.max(folded.chars().count()) / 4).max(1);
            let near = folded.chars().count().abs_diff(length) <= limit;
            let distance = if near { strsim::levenshtein(&key, &folded) } else { usize::MAX };
            (distance <= limit).then_some((distance, *name))
        })
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, name)| name)
}

/// ASCII case only: every known name is ASCII, and Unicode's case tables
/// would cost a page kilobytes.
fn fold(name: &str) -> String {
    name.chars().filter(|c| !matches!(c, '_' | '-')).map(|c| c.to_ascii_lowercase()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &[&str] = &["apiKey", "baseUrl", "timeoutMs", "maxRetries", "intervalMs", "maxIntervalMs"];

    #[test]
    fn a_near_miss_is_named() {
        for (typo, meant) in [
            ("apikey", "apiKey"),
            ("api_key", "apiKey"),
            ("baseURL", "baseUrl"),
            ("base_url", "baseUrl"),
            ("timeout", "timeoutMs"),
            ("maxRetires", "maxRetries"),
            ("intervalMS", "intervalMs"),
            ("maxIntervallMs", "maxIntervalMs"),
        ] {
            assert_eq!(closest(typo, OPTIONS), Some(meant), "{typo}");
        }
        assert_eq!(unknown("option", "apikey", OPTIONS), "is not a known option; did you mean apiKey?");
    }

    #[test]
    fn a_name_far_from_every_known_one_gets_no_guess() {
        for far in ["", "x", "video", "callbackUrl", "retries", "signal"] {
            assert_eq!(closest(far, OPTIONS), None, "{far}");
        }
        assert_eq!(unknown("field", "x", OPTIONS), "is not a known field");
    }

    #[test]
    fn a_huge_key_is_not_compared() {
        let huge = "a".repeat(1 << 20);
        assert_eq!(closest(&huge, OPTIONS), None);
    }
}
