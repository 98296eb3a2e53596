//! Input rules shared by forms, the API and the CLI. Each returns the cleaned value
//! or a message; callers attach the field name.

use chrono::{DateTime, Datelike, NaiveDate, Utc};

/// The years a client may name: RFC 3339's four digits, from the Unix epoch on, so that
/// adding any duration statusd allows stays inside what chrono holds.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=9999;

/// An instant sent by a client (start, end, `since`, `from`, `to`).
pub fn moment(t: DateTime<Utc>) -> Result<DateTime<Utc>, String> {
    if YEARS.contains(&t.year()) {
        Ok(t)
    } else {
        Err(format!("{t} is outside the years 1970 to 9999"))
    }
}

/// A calendar day sent by a client (report ranges).
pub fn day(d: NaiveDate) -> Result<NaiveDate, String> {
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!("{d} is outside the years 1970 to 9999"))
    }
}

/// A display name: trimmed, 1..=max characters, no control characters.
pub fn name(value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.is_empty() {
        return Err("must not be empty".into());
    }
    if v.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if v.chars().any(char::is_control) {
        return Err("must not contain control characters".into());
    }
    Ok(v.to_string())
}

/// Free text such as a description: may be empty, bounded length.
pub fn text(value: &str, max: usize) -> Result<String, String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    Ok(v.to_string())
}

/// A URL slug: 1..=64 of `a-z 0-9 -`, not starting or ending with `-`.
pub fn slug(value: &str) -> Result<String, String> {
    let v = value.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if v.is_empty() || v.len() > 64 || !ok_chars || v.starts_with('-') || v.ends_with('-') {
        return Err(format!(
            "{v:?} is not a valid slug: use 1-64 lowercase letters, digits and dashes"
        ));
    }
    Ok(v.to_string())
}

/// An IANA time zone name such as `Europe/Berlin`.
pub fn time_zone(value: &str) -> Result<String, String> {
    let v = value.trim();
    v.parse::<chrono_tz::Tz>()
        .map(|_| v.to_string())
        .map_err(|_| {
            format!("unknown time zone {v:?}; use an IANA name such as Europe/Berlin or UTC")
        })
}

/// An email address: one `@`, a dotted domain, no spaces; lowercased.
pub fn email(value: &str) -> Result<String, String> {
    let v = value.trim().to_lowercase();
    let bad = || Err(format!("{v:?} is not an email address"));
    if v.len() > 254 || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return bad();
    }
    match v.split_once('@') {
        Some((local, domain))
            if !local.is_empty()
                && !domain.contains('@')
                && hostname(domain).is_ok()
                && domain.contains('.') =>
        {
            Ok(v)
        }
        _ => bad(),
    }
}

/// A password for a new account.
pub fn password(value: &str) -> Result<(), String> {
    let n = value.chars().count();
    if n < 10 {
        return Err("must be at least 10 characters".into());
    }
    if n > 1024 {
        return Err("must be at most 1024 characters".into());
    }
    Ok(())
}

/// A DNS host name (custom page host, allowlisted email domain); lowercased.
pub fn hostname(value: &str) -> Result<String, String> {
    let v = value.trim().trim_end_matches('.').to_lowercase();
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if v.is_empty() || v.len() > 253 || !v.split('.').all(label_ok) {
        return Err(format!("{v:?} is not a valid host name"));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_table() {
        let cases = [
            ("API", Ok("API")),
            ("  spaced  ", Ok("spaced")),
            ("", Err("must not be empty")),
            ("   ", Err("must not be empty")),
            ("a\u{7}b", Err("must not contain control characters")),
        ];
        for (input, want) in cases {
            assert_eq!(
                name(input, 10).as_deref(),
                want.map_err(|e| e.to_string()).as_deref(),
                "{input:?}"
            );
        }
        assert!(
            name(&"x".repeat(11), 10)
                .unwrap_err()
                .contains("at most 10")
        );
    }

    #[test]
    fn slug_table() {
        for ok in ["default", "api-2", "a"] {
            assert_eq!(slug(ok).unwrap(), ok);
        }
        for bad in [
            "",
            "Upper",
            "-lead",
            "trail-",
            "sp ace",
            "ü",
            &"a".repeat(65),
        ] {
            assert!(slug(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn email_table() {
        assert_eq!(email(" Ops@Example.COM ").unwrap(), "ops@example.com");
        for bad in ["", "no-at", "a@b", "a@@b.c", "a b@c.d", "@c.d", "a@-x.com"] {
            assert!(email(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn time_zone_table() {
        assert!(time_zone("Europe/Berlin").is_ok());
        assert!(time_zone("UTC").is_ok());
        assert!(
            time_zone("Mars/Olympus")
                .unwrap_err()
                .contains("Mars/Olympus")
        );
    }

    #[test]
    fn password_and_host_table() {
        assert!(password("short").is_err());
        assert!(password("long enough pw").is_ok());
        assert_eq!(
            hostname("Status.Example.com.").unwrap(),
            "status.example.com"
        );
        assert!(hostname("bad_host").is_err());
    }
}
