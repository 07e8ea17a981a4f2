//! Parsing the `Retry-After` response header (RFC 9110 §10.2.3): either a
//! number of seconds or an HTTP-date, which is turned into a delay from now.
//! All three HTTP-date forms are accepted, as the RFC requires of recipients:
//! IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), RFC 850
//! (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The delay a `Retry-After` value asks for, measured from `now`. A date in
/// the past means "now" (zero). None if the value is not valid.
pub(crate) fn parse(value: &[u8], now: SystemTime) -> Option<Duration> {
    let value = std::str::from_utf8(value).ok()?.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits, so parsing can only fail by overflow: saturate.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = http_date_secs(value)?;
    let now = now.duration_since(UNIX_EPOCH).ok()?.as_secs();
    Some(Duration::from_secs(at.saturating_sub(now)))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Seconds since the Unix epoch for an HTTP-date in any of its three forms.
fn http_date_secs(value: &str) -> Option<u64> {
    let mut tokens = value
        .split([' ', ',', '-', ':'])
        .filter(|token| !token.is_empty());
    let mut next = || tokens.next();
    let weekday = next()?;
    if !weekday.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let first = next()?;
    let (day, month, year, hour, minute, second);
    if first.starts_with(|c: char| c.is_ascii_digit()) {
        // IMF-fixdate and RFC 850: day month year hh:mm:ss GMT
        day = first;
        month = next()?;
        year = next()?;
        (hour, minute, second) = (next()?, next()?, next()?);
        if next()? != "GMT" {
            return None;
        }
    } else {
        // asctime: month day hh:mm:ss year
        month = first;
        day = next()?;
        (hour, minute, second) = (next()?, next()?, next()?);
        year = next()?;
    }
    if next().is_some() {
        return None;
    }
    let month = MONTHS.iter().position(|&m| m == month)? as u32 + 1;
    let year: i64 = match (year.len(), number(year)?) {
        // RFC 850 two-digit years: 70..99 are 19xx, the rest 20xx.
        (2, yy) if yy >= 70 => 1900 + yy,
        (2, yy) => 2000 + yy,
        (4, yyyy) => yyyy,
        _ => return None,
    };
    let day = number(day)?;
    let (hour, minute, second) = (number(hour)?, number(minute)?, number(second)?);
    if year < 1970
        || !(1..=days_in_month(year, month)).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days * 86_400 + hour * 3_600 + minute * 60 + second).ok()
}

/// A short run of ASCII digits as a number.
fn number(token: &str) -> Option<i64> {
    if token.is_empty() || token.len() > 4 || !token.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    token.parse().ok()
}

fn days_in_month(year: i64, month: u32) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 1994-11-06 08:49:37 UTC, the RFC's example date.
    const EXAMPLE: u64 = 784_111_777;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    /// Delta-seconds are taken as they are.
    #[test]
    fn delta_seconds() {
        assert_eq!(parse(b"7", at(0)), Some(Duration::from_secs(7)));
        assert_eq!(parse(b" 120 ", at(0)), Some(Duration::from_secs(120)));
        assert_eq!(parse(b"0", at(0)), Some(Duration::ZERO));
    }

    /// All three HTTP-date forms give the delay from now.
    #[test]
    fn http_dates_in_every_form() {
        let now = at(EXAMPLE - 30);
        let expected = Some(Duration::from_secs(30));
        assert_eq!(parse(b"Sun, 06 Nov 1994 08:49:37 GMT", now), expected);
        assert_eq!(parse(b"Sunday, 06-Nov-94 08:49:37 GMT", now), expected);
        assert_eq!(parse(b"Sun Nov  6 08:49:37 1994", now), expected);
    }

    /// A date already past means retry now.
    #[test]
    fn past_date_is_zero() {
        let now = at(EXAMPLE + 3_600);
        assert_eq!(
            parse(b"Sun, 06 Nov 1994 08:49:37 GMT", now),
            Some(Duration::ZERO)
        );
    }

    /// Leap days and the epoch itself convert exactly.
    #[test]
    fn calendar_arithmetic() {
        assert_eq!(http_date_secs("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(
            http_date_secs("Thu, 29 Feb 2024 00:00:00 GMT"),
            Some(1_709_164_800)
        );
        assert_eq!(http_date_secs("Wed, 29 Feb 2023 00:00:00 GMT"), None);
    }

    /// Anything else is not a Retry-After value.
    #[test]
    fn garbage_is_none() {
        for value in [
            &b""[..],
            b"-5",
            b"7.5",
            b"soon",
            b"Sun, 06 Nov 1994 08:49:37 PST",
            b"Sun, 06 Foo 1994 08:49:37 GMT",
            b"Sun, 32 Nov 1994 08:49:37 GMT",
            b"Sun, 06 Nov 1994 24:00:00 GMT",
            b"Sun, 06 Nov 1994 08:49:37 GMT extra",
            b"\xff\xfe",
        ] {
            assert_eq!(parse(value, at(0)), None, "{value:?}");
        }
    }
}
