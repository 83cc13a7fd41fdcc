//! The one time format of reports: RFC 3339 in UTC with second precision, e.g.
//! `2026-04-01T00:00:00Z`.

use std::time::{SystemTime, UNIX_EPOCH};

use time::macros::format_description;
use time::OffsetDateTime;

/// `unix_seconds` as RFC 3339 UTC; the bare number for moments outside years 0000 to 9999.
pub fn rfc3339(unix_seconds: i64) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    OffsetDateTime::from_unix_timestamp(unix_seconds)
        .ok()
        .and_then(|moment| moment.format(&format).ok())
        .unwrap_or_else(|| unix_seconds.to_string())
}

/// Whole seconds since the Unix epoch (0 before it, saturating far after it).
pub fn unix_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// The lifetime of a certificate in days, counted as the CA/Browser Forum does: notAfter minus
/// notBefore plus one second, a part day counting as a day.
pub fn lifetime_days(not_before: i64, not_after: i64) -> i64 {
    let seconds = not_after.saturating_sub(not_before).saturating_add(1);
    seconds.saturating_add(86_399).div_euclid(86_400)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_unix_time_as_rfc3339_utc() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_775_001_599), "2026-03-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn lifetimes_count_as_the_ca_browser_forum_does() {
        // 398 days exactly: notAfter - notBefore + 1 s = 398 * 86400.
        assert_eq!(lifetime_days(0, 398 * 86_400 - 1), 398);
        // One second more is a part day, so a day more.
        assert_eq!(lifetime_days(0, 398 * 86_400), 399);
    }
}
