//! Kling's body codes: the meaning of an error lives in `code`, not in the
//! HTTP status. HTTP 429 means "slow down" for 1302/1303 but "no money" for
//! 1100–1102, so retrying every 429 would burn retries on an account that
//! cannot succeed.

use crate::types::error::ErrorCode;

/// The contract's code for a Kling body code, and whether waiting and trying
/// again may help; `None` for codes the table does not know.
pub fn classify(code: i64) -> Option<(ErrorCode, bool)> {
    Some(match code {
        1000..=1004 => (ErrorCode::Unauthorized, false),
        1100..=1102 => (ErrorCode::InsufficientCredits, false),
        1103 | 1304 => (ErrorCode::Forbidden, false),
        1200 | 1201 => (ErrorCode::InvalidRequest, false),
        1202 | 1203 => (ErrorCode::NotFound, false),
        1300 | 1301 => (ErrorCode::ContentPolicy, false),
        1302 | 1303 => (ErrorCode::RateLimited, true),
        5000..=5002 => (ErrorCode::ServerError, true),
        _ => return None,
    })
}

/// Requests too fast (1302), or more tasks at once than the resource pack
/// allows (1303): both refused, both worth a wait of at least a second.
pub const RATE_LIMITED: i64 = 1302;
pub const CONCURRENCY_LIMITED: i64 = 1303;

/// An expired token (1004): signing a new one fixes it.
pub const TOKEN_EXPIRED: i64 = 1004;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_429_is_a_rate_limit_only_for_1302_and_1303() {
        assert_eq!(classify(1302), Some((ErrorCode::RateLimited, true)));
        assert_eq!(classify(1303), Some((ErrorCode::RateLimited, true)));
        for code in [1100, 1101, 1102] {
            assert_eq!(classify(code), Some((ErrorCode::InsufficientCredits, false)));
        }
        assert_eq!(classify(1304), Some((ErrorCode::Forbidden, false)));
    }

    #[test]
    fn every_documented_code_has_a_meaning() {
        for code in [1000, 1001, 1002, 1003, 1004, 1103, 1200, 1201, 1202, 1203, 1300, 1301, 5000, 5001, 5002] {
            assert!(classify(code).is_some(), "{code}");
        }
        assert_eq!(classify(5001), Some((ErrorCode::ServerError, true)));
        assert_eq!(classify(1301), Some((ErrorCode::ContentPolicy, false)));
        assert_eq!(classify(4242), None);
    }
}
